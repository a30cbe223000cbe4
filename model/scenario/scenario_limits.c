/* scenario_limits.c - what a run can take, checked before it starts.
 *
 * 1. Every limit of the core that a scenario value can reach, with the
 *    core's own constants, so that lb_router_create(), lb_node_create() and
 *    the upstream stage never refuse what the loader accepted.  The key
 *    table carries the plain ranges (LB_MAX_NODES, LB_SESSION_MAX_CAPACITY,
 *    LB_SESSION_MIN/MAX_TIMEOUT_NS, LB_MAGLEV_MIN/MAX_M, LB_ECMP_MAX_BUCKETS
 *    below); this file checks what depends on other keys:
 *      maglev_table_size prime        lb_owner_create (lb_owner_is_prime)
 *      resilient_buckets              lb_ecmp_create: 1..LB_ECMP_MAX_BUCKETS
 *                                     (resilient), 1..LB_LINUX_RES_MAX_BUCKETS
 *                                     (linux-resilient)
 *      linux hash seeds != 0          lb_hasher_init_linux (ecmp, flow and
 *                                     upstream hashes; [router.K] in
 *                                     scenario_routers.c)
 *      heartbeat_interval x misses    lb_member_check, and SCENARIO_MAX_TIME_NS
 *      bfd_interval x bfd_multiplier  the router's BFD detection time
 *    Those the key table holds: base_metric <= UINT32_MAX - 1
 *    (LB_ROUTE_METRIC_NONE is "no route"), every duration > 0 that the core
 *    divides by or arms periodically (hold_time, refresh_interval,
 *    heartbeat_interval, bfd_interval, upstream_*), session and flow-state
 *    capacities and timeouts, nodes, router count, linux_hash_policy.
 * 2. Time arithmetic: every duration <= SCENARIO_MAX_TIME_NS (the key table),
 *    and the products above.
 * 3. What a run allocates (scenario_cost): refused beyond
 *    SCENARIO_MAX_RUN_BYTES with the key whose part is the largest; flow ids
 *    and sequence numbers are 32-bit on the wire.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

static bool fail_key(struct scenario_ctx *c, GError **err, const char *group, const char *key, const char *fmt, ...)
	G_GNUC_PRINTF(5, 6);

/* An error about group.key, with its value as written (or its default). */
static bool fail_key(struct scenario_ctx *c, GError **err, const char *group, const char *key, const char *fmt, ...)
{
	const struct keydef *kd = scenario_find_key(group, key);
	g_assert(kd);
	g_autofree gchar *v = scenario_shown_value(c, kd);
	va_list ap;
	va_start(ap, fmt);
	g_autofree gchar *reason = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	scenario_value_error(err, scenario_origin(c, group, key), group, key, v, "%s", reason);
	return false;
}

/* a x b, or UINT64_MAX when it does not fit */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static gchar *fmt_bytes(double b)
{
	if (b >= 1099511627776.0)
		return g_strdup_printf("%.1f TiB", b / 1099511627776.0);
	if (b >= 1073741824.0)
		return g_strdup_printf("%.1f GiB", b / 1073741824.0);
	return g_strdup_printf("%.0f MiB", b / 1048576.0);
}

bool scenario_check_core_limits(struct scenario_ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	g_autofree gchar *max_time = scenario_fmt_duration(SCENARIO_MAX_TIME_NS);
	if (!lb_owner_is_prime(sc->maglev_table_size))
		return fail_key(c, err, "cluster", "maglev_table_size",
				"%" PRIu32 " is not prime (Maglev needs a prime table size, e.g. 65537)",
				sc->maglev_table_size);
	if (sc->ecmp == LB_ECMP_RESILIENT && (sc->resilient_buckets < 1 || sc->resilient_buckets > LB_ECMP_MAX_BUCKETS))
		return fail_key(c, err, "router", "resilient_buckets",
				"must be in 1..%" PRIu32 " with router.ecmp = resilient", LB_ECMP_MAX_BUCKETS);
	if (sc->ecmp == LB_ECMP_LINUX_RESILIENT &&
	    (sc->resilient_buckets < 1 || sc->resilient_buckets > LB_LINUX_RES_MAX_BUCKETS))
		return fail_key(c, err, "router", "resilient_buckets",
				"must be in 1..%u with router.ecmp = linux-resilient (the kernel's u16 "
				"NHA_RES_GROUP_BUCKETS)",
				LB_LINUX_RES_MAX_BUCKETS);
	static const char linux_seed[] = "must be 1..4294967295 with %s = linux (0 is the kernel's random per-boot "
					 "seed, which no model can predict)";
	if (sc->ecmp_hash == LB_HASH_LINUX && sc->ecmp_hash_seed == 0)
		return fail_key(c, err, "router", "ecmp_hash_seed", linux_seed, "router.ecmp_hash");
	if (sc->flow_hash == LB_HASH_LINUX && sc->flow_hash_seed == 0)
		return fail_key(c, err, "cluster", "flow_hash_seed", linux_seed, "cluster.flow_hash");
	if (sc->router_count > 1 && sc->upstream_hash == LB_HASH_LINUX && sc->upstream_hash_seed == 0)
		return fail_key(c, err, "router", "upstream_hash_seed", linux_seed, "router.upstream_hash");
	struct lb_member_params mp = {.self = 0, .peers = 1, .interval_ns = sc->heartbeat_interval_ns,
				      .misses = sc->heartbeat_misses};
	uint64_t detect = mul_sat(sc->heartbeat_interval_ns, sc->heartbeat_misses);
	if (lb_member_check(&mp) < 0 || detect > SCENARIO_MAX_TIME_NS) {
		g_autofree gchar *iv = scenario_fmt_duration(sc->heartbeat_interval_ns);
		return fail_key(c, err, "cluster", "heartbeat_misses",
				"heartbeat_interval x heartbeat_misses = %s x %u is beyond %s", iv, sc->heartbeat_misses,
				max_time);
	}
	detect = mul_sat(sc->bfd_interval_ns, sc->bfd_multiplier);
	if (detect > SCENARIO_MAX_TIME_NS) {
		g_autofree gchar *iv = scenario_fmt_duration(sc->bfd_interval_ns);
		return fail_key(c, err, "router", "bfd_multiplier", "bfd_interval x bfd_multiplier = %s x %u is beyond %s",
				iv, sc->bfd_multiplier, max_time);
	}
	return true;
}

/* Flow-seconds of one flow lasting min(D, t), D of the scenario's law, and
 * of arrivals at rate 1 over [0, t] (each lasting min(D, t - its start)). */
static void flow_seconds(const struct scenario *sc, double t, double *one, double *arrivals)
{
	double m = (double)sc->flow_duration_mean_ns / 1e9;
	if (sc->flow_duration_dist == SCENARIO_DIST_EXP) {
		*one = m * -expm1(-t / m);
		*arrivals = m * t + m * m * expm1(-t / m);
	} else { /* fixed exactly; Pareto: E[min(D, t)] <= min(mean, t) */
		*one = fmin(m, t);
		*arrivals = m >= t ? t * t / 2 : m * t - m * m / 2;
	}
}

void scenario_cost(const struct scenario *sc, struct scenario_cost *out)
{
	memset(out, 0, sizeof *out);
	double t = (double)sc->duration_ns / 1e9;
	double n = sc->nodes, r = sc->router_count;
	double arrivals = sc->flow_arrival_rate * t;
	out->flows = (double)sc->initial_flows + arrivals;
	double one, per_rate;
	flow_seconds(sc, t, &one, &per_rate);
	out->packets = out->flows + sc->packet_rate * ((double)sc->initial_flows * one + sc->flow_arrival_rate * per_rate);

	/* events: about 11 per data packet (its hops' transmissions and
	 * receptions, the owner's steering; bench/RESULTS.md measures 10.9),
	 * 2 more through the upstream stage; per control message about 4
	 * (heartbeats to every peer, refreshes to every router, BFD); one per bin
	 * and per stop check (10 ms); Maglev builds at their measured cost; and
	 * about 50000 events' worth of building the world and writing its files
	 * (measured: 9000 replications of a 0.2 s run take 40 ms each) */
	out->ev_packets = out->packets * (11 + (sc->router_count > 1 ? 2 : 0)) + out->flows;
	out->ev_heartbeats = t * n / ((double)sc->heartbeat_interval_ns / 1e9) * (1 + 4 * (n - 1));
	out->ev_refresh = t * n * r / ((double)sc->refresh_interval_ns / 1e9) * 4;
	out->ev_bfd = sc->failover->liveness_sessions ? t * n * r / ((double)sc->bfd_interval_ns / 1e9) * 5 : 0;
	out->ev_upstream = sc->router_count > 1 ? t * r / ((double)sc->upstream_refresh_interval_ns / 1e9) * 4 : 0;
	out->ev_bins = t / ((double)sc->bin_ns / 1e9);
	out->ev_stop = t * 100;
	/* each failure changes the survivors' views at most twice (it, its repair or restore) */
	double views = 1 + 2 * (double)sc->n_failures;
	out->maglev_entries = sc->owner_hash == LB_OWNER_MAGLEV ? n * (double)sc->maglev_table_size * views : 0;
	out->ev_maglev = out->maglev_entries * SCENARIO_MAGLEV_ENTRY_EVENTS;
	out->ev_setup = 50000;
	out->events = out->ev_packets + out->ev_heartbeats + out->ev_refresh + out->ev_bfd + out->ev_upstream +
		      out->ev_bins + out->ev_stop + out->ev_maglev + out->ev_setup;

	/* bytes */
	double bins = ceil(t / ((double)sc->bin_ns / 1e9));
	double rows = fmax(bins * n * fmax(r, 1), sc->flows ? out->flows : 0); /* the largest CSV */
	out->bins_bytes = bins * (SCENARIO_BIN_BYTES + n * SCENARIO_NODE_BIN_BYTES + r * n * 8) +
			  rows * SCENARIO_CSV_ROW_BYTES;
	double flows = out->flows + 6 * sqrt(arrivals) + 16;
	out->flows_bytes = flows * SCENARIO_FLOW_BYTES;
	double slot = (double)lb_session_entry_bytes(sc->ip_version == 6 ? LB_AF_INET6 : LB_AF_INET);
	double cache = sc->session_cache ? (double)sc->session_capacity : 0;
	out->tables_bytes = n * (cache + (double)sc->flow_state_capacity) * 4 / 3 * slot;
	if (sc->ecmp == LB_ECMP_RESILIENT || sc->ecmp == LB_ECMP_LINUX_RESILIENT)
		out->tables_bytes += r * (double)sc->resilient_buckets * 32;
	out->maglev_bytes = sc->owner_hash == LB_OWNER_MAGLEV ? n * (double)sc->maglev_table_size : 0;
	out->clients_bytes = (double)sc->clients * SCENARIO_CLIENT_BYTES;
	/* the queues of the router-node links (both ways, every router) and of
	 * the backplane ports (both ways), full at once at the most */
	double queue_slots = 2 * n * r * (double)sc->uplink_queue + 2 * n * (double)sc->backplane_queue;
	out->queued = fmin(queue_slots, out->packets);
	out->queue_bytes = out->queued * SCENARIO_QUEUED_PACKET_BYTES;
	out->bytes = out->bins_bytes + out->flows_bytes + out->tables_bytes + out->maglev_bytes + out->clients_bytes +
		     out->queue_bytes;
}

bool scenario_check_allocation(struct scenario_ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	struct scenario_cost k;
	scenario_cost(sc, &k);
	double flows = k.flows + 6 * sqrt(sc->flow_arrival_rate * (double)sc->duration_ns / 1e9) + 16;
	bool arrivals_first = sc->flow_arrival_rate * (double)sc->duration_ns / 1e9 > (double)sc->initial_flows;
	const char *flows_key = arrivals_first ? "flow_arrival_rate" : "initial_flows";
	if (k.bytes > (double)SCENARIO_MAX_RUN_BYTES) {
		const struct {
			double bytes;
			const char *group, *key, *what;
		} part[] = {
			{k.bins_bytes, "scenario", "bin", "time bins and their CSV rows"},
			{k.flows_bytes, "traffic", flows_key, "flow records"},
			{k.tables_bytes, "cluster",
			 sc->session_cache && sc->session_capacity >= sc->flow_state_capacity ? "session_capacity"
											       : "flow_state_capacity",
			 "session and flow-state tables"},
			{k.maglev_bytes, "cluster", "maglev_table_size", "Maglev tables"},
			{k.clients_bytes, "traffic", "clients", "ns-3 client nodes"},
			{k.queue_bytes, "links", sc->uplink_queue >= sc->backplane_queue ? "uplink_queue" : "backplane_queue",
			 "packets waiting in link queues"},
		};
		size_t big = 0;
		for (size_t i = 1; i < G_N_ELEMENTS(part); i++)
			if (part[i].bytes > part[big].bytes)
				big = i;
		const char *group = part[big].group, *key = part[big].key;
		if (strcmp(key, "flow_state_capacity") == 0 && sc->flow_state_capacity_auto) {
			group = "traffic"; /* auto: sized by the flows */
			key = flows_key;
		}
		g_autofree gchar *total = fmt_bytes(k.bytes), *mine = fmt_bytes(part[big].bytes);
		g_autofree gchar *lim = fmt_bytes((double)SCENARIO_MAX_RUN_BYTES);
		return fail_key(c, err, group, key,
				"the run would allocate about %s (%s of %s), more than the %s a run may use", total,
				mine, part[big].what, lim);
	}
	if (flows > (double)UINT32_MAX - 1)
		return fail_key(c, err, "traffic", flows_key,
				"the run would start about %.3g flows; flow ids are 32-bit (at most 4294967294)", flows);
	if (sc->packet_rate * (double)sc->duration_ns / 1e9 >= 4294967295.0)
		return fail_key(c, err, "traffic", "packet_rate",
				"a flow could send %.3g packets in the run; sequence numbers are 32-bit (packet_rate x "
				"duration must stay below 4294967295)",
				sc->packet_rate * (double)sc->duration_ns / 1e9);
	return true;
}
