/* scenario.h - scenario files (GLib GKeyFile INI) -> validated, resolved parameters.
 *
 * A scenario file has the groups [scenario], [cluster], [router], [links],
 * [traffic], any number of [failure.K] (K a positive integer), [output] and
 * [sweep].  doc/scenario.md lists every key with its default, unit and range;
 * /work/shared/scenario-reference.ini is the contract file and loads unchanged.
 *
 * Errors: scenario_load() returns NULL and sets a GError in SCENARIO_ERROR whose
 * message names the file (or "--set" for an override), the group, the key and
 * the value:
 *     FILE: [GROUP] KEY = "VALUE": REASON
 *     FILE: [GROUP]: unknown group
 *     FILE: [GROUP] KEY: unknown key
 *     FILE: [GROUP] KEY: missing
 *
 * Ownership: the caller owns the returned struct scenario and frees it with
 * scenario_free(); every pointer inside it is owned by the struct.  Loading is
 * reentrant (no global state); a loaded scenario may be read from many threads.
 */
#ifndef LB_SCENARIO_H
#define LB_SCENARIO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lbcore/lbcore.h"
#include "shim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SCENARIO_ERROR (scenario_error_quark())
GQuark scenario_error_quark(void);

enum scenario_error_code {
	SCENARIO_ERROR_IO,      /* the file cannot be read */
	SCENARIO_ERROR_PARSE,   /* not INI syntax, or a malformed override */
	SCENARIO_ERROR_UNKNOWN, /* unknown group or key */
	SCENARIO_ERROR_VALUE,   /* a bad, missing or inconsistent value */
};

#define SCENARIO_DISTS(X)                                          \
	X(SCENARIO_DIST_FIXED, "fixed", "every flow lasts the mean")   \
	X(SCENARIO_DIST_EXP, "exp", "exponential with the mean")        \
	X(SCENARIO_DIST_PARETO, "pareto", "Pareto with the mean and a shape > 1")
enum scenario_dist { SCENARIO_DISTS(LB_KIND_ENUM) };
extern const struct lb_kind_table scenario_dist_table;

/* How the upstream ECMP stage in front of several routers notices a router
 * that died. */
#define SCENARIO_UPSTREAM_DETECTIONS(X)                                                                   \
	X(SCENARIO_UPSTREAM_IMMEDIATE, "immediate", "at once, as a link down (BFD or carrier loss upstream)") \
	X(SCENARIO_UPSTREAM_HOLD, "hold", "when its routing session's hold time expires (upstream_hold_time)")
enum scenario_upstream_detection { SCENARIO_UPSTREAM_DETECTIONS(LB_KIND_ENUM) };
extern const struct lb_kind_table scenario_upstream_detection_table;

/* Routers in front of the cluster: [router] count = 1..SCENARIO_MAX_ROUTERS. */
#define SCENARIO_MAX_ROUTERS 16
struct scenario_router {
	enum lb_hash_kind ecmp_hash;
	uint32_t ecmp_hash_seed;
	bool hash_given, seed_given; /* set in [router.K]; else [router]'s hash, a seed derived from it */
};
extern const struct lb_kind_table scenario_scheduler_table;

/* Bounds of what a run may take, checked by the loader (doc/scenario.md,
 * "Limits"):
 *   SCENARIO_MAX_TIME_NS    every duration and time of a scenario (and the
 *                           products heartbeat_interval x heartbeat_misses,
 *                           bfd_interval x bfd_multiplier): ns-3 keeps time in
 *                           signed 64-bit ns and the core adds a time and a few
 *                           durations; 10^18 ns (31.7 years) leaves room for
 *                           nine such terms below 2^63.
 *   SCENARIO_MAX_RUN_BYTES  what one run allocates (scenario_cost()): time
 *                           bins, flow records, session and flow-state tables,
 *                           Maglev tables, ns-3's client nodes, CSV text.
 * Items behind scenario_cost() (model/sim asserts its structures fit them):
 *   SCENARIO_BIN_BYTES       struct sim_bin, one per time bin
 *   SCENARIO_NODE_BIN_BYTES  struct sim_node_bin, one per bin and node
 *   SCENARIO_FLOW_BYTES      struct sim_flow and its send-queue slots
 *   SCENARIO_CSV_ROW_BYTES   a CSV row as text, with its buffer's growth
 *   SCENARIO_CLIENT_BYTES    an ns-3 client node, its device, queue and link
 *                            (measured: 65535 clients add 407 MiB of RSS)
 *   SCENARIO_QUEUED_PACKET_BYTES  a packet waiting in a link's queue (measured:
 *                            2e6 packets queued at a 1 Kbps uplink add 321 MiB
 *                            of RSS, 168 bytes each) */
#define SCENARIO_MAX_TIME_NS UINT64_C(1000000000000000000)
#define SCENARIO_MAX_RUN_BYTES (UINT64_C(8) << 30)
#define SCENARIO_BIN_BYTES 80
#define SCENARIO_NODE_BIN_BYTES 128
#define SCENARIO_FLOW_BYTES 192
#define SCENARIO_CSV_ROW_BYTES 256
#define SCENARIO_CLIENT_BYTES 8192
#define SCENARIO_QUEUED_PACKET_BYTES 168

/* What a run will take, estimated from the scenario before it starts (per
 * replication): the loader refuses bytes > SCENARIO_MAX_RUN_BYTES and
 * warns when the events would take long (SCENARIO_EVENTS_PER_S). */
#define SCENARIO_EVENTS_PER_S 1e6 /* a conservative simulator speed (bench/RESULTS.md: 0.2-1.5 M/s) */
/* Building one Maglev table entry, in events' time at SCENARIO_EVENTS_PER_S
 * (bench/RESULTS.md: N = 32, M = 65537 in 1.66 ms, 25 ns an entry). */
#define SCENARIO_MAGLEV_ENTRY_EVENTS 0.025
struct scenario_cost {
	double flows;   /* flows started: initial + expected arrivals */
	double packets; /* data packets sent */
	double events;  /* simulator events (or their time's worth): the sum of the parts below */
	double ev_packets, ev_heartbeats, ev_refresh, ev_bfd, ev_upstream, ev_bins, ev_stop, ev_maglev, ev_setup;
	double maglev_entries; /* Maglev entries built: every node at the start and on each change of its view */
	double queued;         /* packets that can wait in link queues at once */
	double bytes;          /* allocated */
	double bins_bytes, flows_bytes, tables_bytes, maglev_bytes, clients_bytes, queue_bytes; /* parts of bytes */
};

struct scenario_failure {
	uint64_t k; /* the K of its [failure.K] group */
	uint64_t at_ns;
	enum lb_failure_kind kind;
	int node;                 /* -1 when n/a (partition, router-crash/-recover) */
	int router;               /* router-*: the router K; -1 otherwise */
	double loss;              /* lossy: 0..1; 0 otherwise */
	uint64_t partition_nodes; /* partition: bit i = node i; 0 otherwise */
};

struct scenario_sweep_axis {
	char *key;     /* "group.key" */
	char **values; /* n_values strings, each valid for key */
	size_t n_values;
};

struct scenario {
	char *path; /* the path as given to scenario_load() */

	/* [scenario] */
	char *name;
	uint64_t duration_ns;
	uint64_t seed;
	unsigned replications;
	uint64_t bin_ns;
	enum shim_scheduler scheduler; /* speed only, never results; priority-queue measured fastest */

	/* [cluster] */
	unsigned nodes;
	uint8_t vip[16]; /* network byte order; IPv4 in the first 4 bytes */
	int vip_family;  /* 4 or 6 */
	uint32_t base_metric;
	uint32_t metric_reduction;
	uint64_t restore_wait_ns;
	uint64_t heartbeat_interval_ns;
	unsigned heartbeat_misses;
	enum lb_owner_kind owner_hash;
	uint32_t maglev_table_size;
	bool steering;      /* off: every node delivers what it receives itself (no owner, no backplane) */
	bool session_cache;
	uint32_t session_capacity;
	uint64_t session_idle_timeout_ns;
	/* The owner's per-flow state table (its own capacity and timeout; "auto":
	 * every flow the run can have, and the run's duration, so that the
	 * table never breaks a flow by itself) */
	uint32_t flow_state_capacity;
	uint64_t flow_state_idle_timeout_ns;
	bool flow_state_capacity_auto, flow_state_idle_timeout_auto;
	enum lb_hash_kind flow_hash;
	uint32_t flow_hash_seed;
	enum lb_isolation isolation_check; /* the rule for a node left alone */
	uint64_t advertise_delay_ns;      /* agent decision -> update leaves (config applied) */
	uint64_t advertise_queue_hold_ns; /* frr: the node's bgpd route-processing queue hold */

	/* [router] */
	unsigned router_count;
	struct scenario_router routers[SCENARIO_MAX_ROUTERS]; /* resolved per router (router 0: [router]'s own) */
	enum scenario_upstream_detection upstream_detection;
	uint64_t upstream_hold_time_ns, upstream_refresh_interval_ns;
	enum lb_hash_kind upstream_hash;
	uint32_t upstream_hash_seed;
	enum lb_router_profile profile;
	enum lb_ecmp_kind ecmp;
	enum lb_hash_kind ecmp_hash;
	uint32_t ecmp_hash_seed;
	uint32_t linux_hash_policy;       /* ecmp_hash = linux: fib_multipath_hash_policy, 0 or 1 */
	uint32_t resilient_buckets;
	uint64_t resilient_idle_timer_ns;
	uint64_t resilient_unbalanced_timer_ns;
	uint64_t refresh_interval_ns;
	uint64_t hold_time_ns;
	uint64_t processing_delay_ns;
	uint64_t fib_install_delay_ns;
	uint64_t peer_clear_hold_ns;   /* frr */
	uint64_t update_queue_hold_ns; /* frr */
	uint64_t rib_queue_hold_ns;    /* frr */
	const struct lb_strategy *failover; /* from the core's registry */
	uint64_t bfd_interval_ns;
	unsigned bfd_multiplier;

	/* [links] */
	uint64_t uplink_rate_bps;
	uint64_t uplink_delay_ns;
	uint32_t uplink_queue;
	uint64_t backplane_rate_bps;
	uint64_t backplane_delay_ns;
	uint32_t backplane_queue;
	uint64_t server_rate_bps;
	uint64_t server_delay_ns;
	uint64_t client_rate_bps;
	uint64_t client_delay_ns;
	uint64_t upstream_rate_bps; /* the upstream stage <-> each router (count > 1) */
	uint64_t upstream_delay_ns;
	/* off: no client links (a client's packet reaches the router, or the
	 * upstream stage, the instant it is sent) / no server links (a packet
	 * the node delivers is delivered the instant it decides so) */
	bool client_link;
	bool server_link;

	/* [traffic] */
	unsigned clients;
	int ip_version; /* 4 or 6 */
	int protocol;   /* 6 tcp or 17 udp */
	double flow_arrival_rate;
	enum scenario_dist flow_duration_dist;
	uint64_t flow_duration_mean_ns;
	double flow_duration_shape; /* pareto only; 0 otherwise */
	uint32_t initial_flows;
	double packet_rate;
	uint32_t packet_size;

	/* [failure.K] */
	struct scenario_failure *failures;
	size_t n_failures; /* sorted by at_ns, stable by K */

	/* [output] */
	char *output_dir;
	bool flows;
	bool pcap;

	/* [sweep] */
	struct scenario_sweep_axis *sweep;
	size_t n_sweep; /* axes in file order */

	char **warnings; /* non-fatal notes, e.g. "d >= n: survivors advertise metric 1" */
	size_t n_warnings;
};

/* Loads and validates path.  overrides: NULL or a NULL-terminated array of
 * "group.key=value" applied after the file, before validation (the group is
 * split from the key at the last '.' before '=', so "failure.1.at=1s" sets
 * [failure.1] at).  Returns NULL and sets *err (SCENARIO_ERROR) on any problem. */
struct scenario *scenario_load(const char *path, const char *const *overrides, GError **err);

/* What one replication of sc will take (estimates; see struct scenario_cost). */
void scenario_cost(const struct scenario *sc, struct scenario_cost *out);

/* The same from len bytes of data in memory (up to its first NUL), named
 * path in messages and for the name of the scenario (the fuzzers' entry). */
struct scenario *scenario_load_data(const char *path, const char *data, size_t len, const char *const *overrides,
				    GError **err);

/* Frees sc and everything it owns; NULL is a no-op. */
void scenario_free(struct scenario *sc);

/* The resolved parameters as INI text that itself loads as a scenario: every
 * key with its unit, failures as [failure.1..n] in time order, warnings as
 * comments.  Deterministic.  Free with g_free(). */
gchar *scenario_describe(const struct scenario *sc);

/* The resolved parameters as one JSON object (for run.json): a nested object
 * per group, durations in integer ns ("*_ns"), rates in integer bps ("*_bps"),
 * failures as an array, sweep and warnings.  Deterministic.  Free with g_free(). */
gchar *scenario_to_json(const struct scenario *sc);

/* The resolved value of "group.key" as file text (g_free), or NULL when
 * it names no parameter ([failure.K] keys included). */
gchar *scenario_value_of(const struct scenario *sc, const char *group_key);

/* The core parameters of a scenario's router and nodes (act, user and the
 * per-node values - self, phases, first refresh - are the caller's). */
struct lb_router_params scenario_router_params(const struct scenario *sc, unsigned router);
struct lb_node_params scenario_node_params(const struct scenario *sc);
/* The upstream stage in front of several routers: an ideal router whose
 * neighbours are the routers (metric 1 each), hash-threshold ECMP with
 * [router] upstream_hash / upstream_hash_seed, the hold strategy with
 * upstream_hold_time (model/sim/upstream.c, `lbsim where`). */
struct lb_router_params scenario_stage_params(const struct scenario *sc);
/* The candidate nearest to word (a few edits at most, see
 * scenario_suggest.c), or NULL: for "did you mean" hints. */
const char *scenario_nearest(const char *word, const char *const *candidates);
/* The closed-form inputs of the scenario (lb_strategy.h). */
struct lb_expect_in scenario_expect_in(const struct scenario *sc);

#ifdef __cplusplus
}
#endif

#endif
