/* scenario_keys.c - the schema of a scenario file (every group and key,
 * its type, default, range and unit).  Kinds (hashes, owner selections, ECMP, strategies, profiles,
 * failures) take their names from the core's tables (lbcore/lb_kind.h):
 * nothing here spells a kind's name.  doc/scenario.md is the user's page;
 * /work/shared/scenario-reference.ini loads unchanged.
 *
 * Router profile defaults: a key with def_frr takes that default when
 * [router] profile = frr and the file does not set it; the sources of the
 * frr values are in doc/model.md ("the router's control plane"):
 *   update_queue_hold 50 ms   FRR bgpd/bgp_route.c bgp_process_queue_init: spec.hold = 50
 *   peer_clear_hold   10 ms   FRR bgpd/bgp_route.c bgp_clear_node_queue_init: spec.hold = 10
 *   rib_queue_hold    10 ms   FRR zebra/zebra_router.h ZEBRA_RIB_PROCESS_HOLD_TIME 10
 *   advertise_queue_hold 50 ms  the node's bgpd: the same process queue
 *   advertise_delay    1 ms   measured, not a source constant: the agent's vty
 *                             commands to bgpd (doc/validation.md, "Component timing")
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scenario_internal.h"

/* One key: group, key, type, the struct scenario field, the default as file
 * text; then the optional fields by name (.min, .max, .table, .def_frr,
 * .profile, .unit, .hex, .excl, .auto_ok). */
#define K(g, k, t, fld, ...)                                                                                       \
	{                                                                                                          \
		.group = g, .key = k, .type = t, .off = offsetof(struct scenario, fld),                            \
		.size = sizeof(((struct scenario *)0)->fld), .def = __VA_ARGS__                                    \
	}
#define MAX_NODES ((uint64_t)LB_MAX_NODES)
#define TMAX SCENARIO_MAX_TIME_NS

LB_KIND_TABLE(scenario_dist_table, "flow duration distribution", SCENARIO_DISTS);
LB_KIND_TABLE(scenario_upstream_detection_table, "upstream detection", SCENARIO_UPSTREAM_DETECTIONS);
LB_KIND_TABLE(scenario_scheduler_table, "ns-3 scheduler", SHIM_SCHEDULERS);

/* The defaults are the values of scenario-reference.ini (keys it does not
 * list: their sources in doc/scenario.md). */
const struct keydef scenario_keys[] = {
	K("scenario", "name", K_STR, name, NULL),
	K("scenario", "duration", K_DUR, duration_ns, "12s", .min = 1, .max = TMAX),
	K("scenario", "seed", K_SEED, seed, "1", .max = UINT64_MAX),
	K("scenario", "replications", K_UINT, replications, "1", .min = 1, .max = SHIM_RUNS_PER_SEED - 1),
	K("scenario", "bin", K_DUR, bin_ns, "10ms", .min = 1, .max = TMAX),
	K("scenario", "scheduler", K_ENUM, scheduler, "priority-queue", .table = &scenario_scheduler_table),
	K("cluster", "nodes", K_UINT, nodes, "4", .min = 1, .max = MAX_NODES),
	K("cluster", "vip", K_VIP, vip, DEFAULT_VIP4),
	K("cluster", "base_metric", K_UINT, base_metric, "10", .min = 1, .max = UINT32_MAX - 1),
	K("cluster", "metric_reduction", K_UINT, metric_reduction, "1", .max = UINT32_MAX),
	K("cluster", "restore_wait", K_DUR, restore_wait_ns, "40s", .max = TMAX),
	K("cluster", "heartbeat_interval", K_DUR, heartbeat_interval_ns, "100ms", .min = 1, .max = TMAX),
	K("cluster", "heartbeat_misses", K_UINT, heartbeat_misses, "3", .min = 1, .max = UINT32_MAX),
	K("cluster", "owner_hash", K_ENUM, owner_hash, "modulo", .table = &lb_owner_kind_table),
	K("cluster", "maglev_table_size", K_UINT, maglev_table_size, "65537", .min = LB_MAGLEV_MIN_M, .max = LB_MAGLEV_MAX_M, .unit = "entries"),
	K("cluster", "steering", K_BOOL, steering, "on"),
	K("cluster", "session_cache", K_BOOL, session_cache, "on"),
	K("cluster", "session_capacity", K_UINT, session_capacity, "1000000", .min = 1, .max = LB_SESSION_MAX_CAPACITY, .unit = "entries"),
	K("cluster", "session_idle_timeout", K_DUR, session_idle_timeout_ns, "120s", .min = LB_SESSION_MIN_TIMEOUT_NS, .max = LB_SESSION_MAX_TIMEOUT_NS),
	K("cluster", "flow_state_capacity", K_UINT, flow_state_capacity, "auto", .min = 1, .max = LB_SESSION_MAX_CAPACITY, .unit = "entries", .auto_ok = true),
	K("cluster", "flow_state_idle_timeout", K_DUR, flow_state_idle_timeout_ns, "auto", .min = LB_SESSION_MIN_TIMEOUT_NS, .max = LB_SESSION_MAX_TIMEOUT_NS, .auto_ok = true),
	K("cluster", "flow_hash", K_ENUM, flow_hash, "crc32c", .table = &lb_hash_kind_table),
	K("cluster", "flow_hash_seed", K_SEED, flow_hash_seed, "0x5eed", .max = UINT32_MAX, .hex = true),
	K("cluster", "isolation_check", K_ENUM, isolation_check, "uplink", .table = &lb_isolation_table),
	/* frr: the agent's MED change over bgpd's vty socket, measured on the
	 * testbed (doc/validation.md, "Component timing": decision -> bgpd
	 * accepted it, median 1.3 ms over 120 decisions), rounded */
	K("cluster", "advertise_delay", K_DUR, advertise_delay_ns, "0s", .def_frr = "1ms", .max = TMAX),
	K("cluster", "advertise_queue_hold", K_DUR, advertise_queue_hold_ns, "50ms", .max = TMAX, .profile = KP_FRR),
	K("router", "count", K_UINT, router_count, "1", .min = 1, .max = SCENARIO_MAX_ROUTERS),
	K("router", "upstream_detection", K_ENUM, upstream_detection, "immediate", .table = &scenario_upstream_detection_table),
	K("router", "upstream_hold_time", K_DUR, upstream_hold_time_ns, "9s", .min = 1, .max = TMAX),
	K("router", "upstream_refresh_interval", K_DUR, upstream_refresh_interval_ns, "3s", .min = 1, .max = TMAX),
	K("router", "upstream_hash", K_ENUM, upstream_hash, "crc32c", .table = &lb_hash_kind_table),
	K("router", "upstream_hash_seed", K_SEED, upstream_hash_seed, "0x2", .max = UINT32_MAX, .hex = true),
	K("router", "profile", K_ENUM, profile, "ideal", .table = &lb_router_profile_table),
	K("router", "ecmp", K_ENUM, ecmp, "hash-threshold", .table = &lb_ecmp_kind_table),
	K("router", "ecmp_hash", K_ENUM, ecmp_hash, "toeplitz", .table = &lb_hash_kind_table),
	K("router", "ecmp_hash_seed", K_SEED, ecmp_hash_seed, "0x1", .max = UINT32_MAX, .hex = true),
	K("router", "linux_hash_policy", K_UINT, linux_hash_policy, "1", .max = 1),
	K("router", "resilient_buckets", K_UINT, resilient_buckets, "128", .max = UINT32_MAX, .unit = "buckets"),
	/* both resilient kinds: the Linux kernel's default idle timer,
	 * net/ipv4/nexthop.c NH_RES_DEFAULT_IDLE_TIMER = 120 * HZ (kernel commit
	 * a2601e2b1e7e; `ip nexthop show` prints idle_timer 120 for a group
	 * created without one) */
	K("router", "resilient_idle_timer", K_DUR, resilient_idle_timer_ns, "120s", .max = TMAX),
	K("router", "resilient_unbalanced_timer", K_DUR, resilient_unbalanced_timer_ns, "0s", .max = TMAX),
	K("router", "refresh_interval", K_DUR, refresh_interval_ns, "10s", .min = 1, .max = TMAX),
	K("router", "hold_time", K_DUR, hold_time_ns, "40s", .min = 1, .max = TMAX),
	K("router", "processing_delay", K_DUR, processing_delay_ns, "1ms", .max = TMAX, .profile = KP_IDEAL),
	K("router", "fib_install_delay", K_DUR, fib_install_delay_ns, "50ms", .def_frr = "1ms", .max = TMAX),
	K("router", "peer_clear_hold", K_DUR, peer_clear_hold_ns, "10ms", .max = TMAX, .profile = KP_FRR),
	K("router", "update_queue_hold", K_DUR, update_queue_hold_ns, "50ms", .max = TMAX, .profile = KP_FRR),
	K("router", "rib_queue_hold", K_DUR, rib_queue_hold_ns, "10ms", .max = TMAX, .profile = KP_FRR),
	K("router", "failover", K_STRATEGY, failover, "readvertise"),
	K("router", "bfd_interval", K_DUR, bfd_interval_ns, "50ms", .min = 1, .max = TMAX),
	K("router", "bfd_multiplier", K_UINT, bfd_multiplier, "3", .min = 1, .max = UINT32_MAX),
	K("links", "uplink_rate", K_RATE, uplink_rate_bps, "10Gbps", .min = 1, .max = UINT64_MAX),
	K("links", "uplink_delay", K_DUR, uplink_delay_ns, "5us", .max = TMAX),
	K("links", "uplink_queue", K_UINT, uplink_queue, "1000", .min = 1, .max = UINT32_MAX, .unit = "packets"),
	K("links", "backplane_rate", K_RATE, backplane_rate_bps, "10Gbps", .min = 1, .max = UINT64_MAX),
	K("links", "backplane_delay", K_DUR, backplane_delay_ns, "2us", .max = TMAX),
	K("links", "backplane_queue", K_UINT, backplane_queue, "1000", .min = 1, .max = UINT32_MAX, .unit = "packets"),
	K("links", "server_rate", K_RATE, server_rate_bps, "10Gbps", .min = 1, .max = UINT64_MAX),
	K("links", "server_delay", K_DUR, server_delay_ns, "5us", .max = TMAX),
	K("links", "client_rate", K_RATE, client_rate_bps, "100Gbps", .min = 1, .max = UINT64_MAX),
	K("links", "client_delay", K_DUR, client_delay_ns, "20us", .max = TMAX),
	K("links", "upstream_rate", K_RATE, upstream_rate_bps, "100Gbps", .min = 1, .max = UINT64_MAX),
	K("links", "upstream_delay", K_DUR, upstream_delay_ns, "5us", .max = TMAX),
	K("links", "client_link", K_BOOL, client_link, "on"),
	K("links", "server_link", K_BOOL, server_link, "on"),
	K("traffic", "clients", K_UINT, clients, "16", .min = 1, .max = 65535),
	K("traffic", "ip_version", K_IPVER, ip_version, "4"),
	K("traffic", "protocol", K_PROTO, protocol, "tcp"),
	K("traffic", "flow_arrival_rate", K_DBL, flow_arrival_rate, "2000", .unit = "flows/s"),
	K("traffic", "flow_duration", K_FLOWDUR, flow_duration_dist, "exp:5s"),
	K("traffic", "initial_flows", K_UINT, initial_flows, "10000", .max = UINT32_MAX, .unit = "flows"),
	K("traffic", "packet_rate", K_DBL, packet_rate, "50", .excl = true, .unit = "packets/s per flow"),
	K("traffic", "packet_size", K_UINT, packet_size, "1000", .min = 64, .max = 9000, .unit = "bytes"),
	K("output", "dir", K_STR, output_dir, NULL, .path = true),
	K("output", "flows", K_BOOL, flows, "off"),
	K("output", "pcap", K_BOOL, pcap, "off"),
};
const size_t scenario_n_keys = sizeof scenario_keys / sizeof scenario_keys[0];

const char *const scenario_plain_groups[] = {"scenario", "cluster", "router", "links", "traffic", "output", NULL};
const char *const scenario_failure_keys[] = {"at", "kind", "node", "loss", "nodes", "router", NULL};
const char *const scenario_router_keys[] = {"ecmp_hash", "ecmp_hash_seed", NULL};

int scenario_str_index(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

gchar *scenario_choices(const struct keydef *kd)
{
	GString *g = g_string_new(NULL);
	if (kd->type == K_STRATEGY) {
		for (unsigned i = 0; i < lb_strategy_count(); i++)
			g_string_append_printf(g, "%s%s", i ? " | " : "", lb_strategy_at(i)->name);
	} else {
		for (unsigned i = 0; i < kd->table->count; i++)
			g_string_append_printf(g, "%s%s", i ? " | " : "", kd->table->names[i]);
	}
	return g_string_free(g, FALSE);
}

const struct keydef *scenario_find_key(const char *group, const char *key)
{
	for (size_t i = 0; i < scenario_n_keys; i++)
		if (strcmp(scenario_keys[i].group, group) == 0 && strcmp(scenario_keys[i].key, key) == 0)
			return &scenario_keys[i];
	return NULL;
}

/* "failure.K", K a positive decimal integer without leading zeros; *k = K. */
bool scenario_is_failure_group(const char *group, uint64_t *k)
{
	if (strncmp(group, "failure.", 8) != 0)
		return false;
	const char *p = group + 8;
	if (*p < '1' || *p > '9')
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (k)
		*k = v;
	return true;
}

/* "router.K", K a decimal integer 0..SCENARIO_MAX_ROUTERS-1 without leading zeros; *k = K. */
bool scenario_is_router_group(const char *group, unsigned *k)
{
	if (strncmp(group, "router.", 7) != 0)
		return false;
	const char *p = group + 7;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1]))
		return false;
	unsigned v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v >= SCENARIO_MAX_ROUTERS)
			return false;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v >= SCENARIO_MAX_ROUTERS)
		return false;
	if (k)
		*k = v;
	return true;
}

bool scenario_group_known(const char *group)
{
	return scenario_str_index(scenario_plain_groups, group) >= 0 || strcmp(group, "sweep") == 0 ||
	       scenario_is_failure_group(group, NULL) || scenario_is_router_group(group, NULL);
}

/* Whether group.key names a parameter (the sweep and override key space). */
bool scenario_key_known(const char *group, const char *key)
{
	if (scenario_is_failure_group(group, NULL))
		return scenario_str_index(scenario_failure_keys, key) >= 0;
	if (scenario_is_router_group(group, NULL))
		return scenario_str_index(scenario_router_keys, key) >= 0;
	return scenario_find_key(group, key) != NULL;
}

