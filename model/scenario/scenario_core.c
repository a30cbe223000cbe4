/* scenario_core.c - a scenario as the parameters of the core's router and
 * node state machines, and of its closed forms: the one mapping every
 * program (simulator, `lbsim where`, the testbed's node daemon) uses. */
#include "scenario_internal.h"

struct lb_router_params scenario_router_params(const struct scenario *sc, unsigned router)
{
	const struct scenario_router *sr = &sc->routers[router < sc->router_count ? router : 0];
	return (struct lb_router_params){
		.profile = sc->profile,
		.neighbours = lb_nodeset_first(sc->nodes),
		.initial_metric = sc->base_metric,
		.hash = sr->ecmp_hash,
		.hash_seed = sr->ecmp_hash_seed,
		.hash_policy = sc->linux_hash_policy,
		.ecmp = {.kind = sc->ecmp, .buckets = sc->resilient_buckets,
			 .idle_timer_ns = sc->resilient_idle_timer_ns,
			 .unbalanced_timer_ns = sc->resilient_unbalanced_timer_ns},
		.hold_time_ns = sc->hold_time_ns,
		.processing_delay_ns = sc->processing_delay_ns,
		.fib_install_delay_ns = sc->fib_install_delay_ns,
		.peer_clear_hold_ns = sc->peer_clear_hold_ns,
		.update_queue_hold_ns = sc->update_queue_hold_ns,
		.rib_queue_hold_ns = sc->rib_queue_hold_ns,
		.strategy = sc->failover,
		.session_interval_ns = sc->bfd_interval_ns,
		.session_multiplier = sc->bfd_multiplier,
	};
}

struct lb_router_params scenario_stage_params(const struct scenario *sc)
{
	return (struct lb_router_params){
		.profile = LB_PROFILE_IDEAL,
		.neighbours = lb_nodeset_first(sc->router_count),
		.initial_metric = 1,
		.hash = sc->upstream_hash,
		.hash_seed = sc->upstream_hash_seed,
		.ecmp = {.kind = LB_ECMP_HASH_THRESHOLD},
		.hold_time_ns = sc->upstream_hold_time_ns,
		.strategy = &lb_strategy_hold,
		.session_interval_ns = 1,
		.session_multiplier = 1,
	};
}

/* Live counts (nodes.csv) need the age ring only when entries can expire
 * within the run; it costs 4 bytes per ms of timeout. */
static bool count_live(const struct scenario *sc, uint64_t timeout_ns)
{
	return timeout_ns <= sc->duration_ns && timeout_ns <= LB_SESSION_LIVE_MAX_TIMEOUT_NS;
}

struct lb_node_params scenario_node_params(const struct scenario *sc)
{
	struct lb_session_params sp = {.capacity = sc->session_capacity,
				       .idle_timeout_ns = sc->session_idle_timeout_ns,
				       .ipv6 = sc->ip_version == 6,
				       .count_live = count_live(sc, sc->session_idle_timeout_ns)};
	return (struct lb_node_params){
		.peers = lb_nodeset_first(sc->nodes),
		.heartbeat_interval_ns = sc->heartbeat_interval_ns,
		.heartbeat_misses = sc->heartbeat_misses,
		.base_metric = sc->base_metric,
		.metric_reduction = sc->metric_reduction,
		.restore_wait_ns = sc->restore_wait_ns,
		.refresh_ns = sc->refresh_interval_ns,
		.isolation = sc->isolation_check,
		.owner = {.kind = sc->owner_hash, .maglev_table_size = sc->maglev_table_size, .seed = sc->flow_hash_seed},
		.steering = sc->steering,
		.session_cache = sc->session_cache,
		.cache = sp,
		.table = {.capacity = sc->flow_state_capacity, .idle_timeout_ns = sc->flow_state_idle_timeout_ns,
			  .ipv6 = sc->ip_version == 6, .count_live = count_live(sc, sc->flow_state_idle_timeout_ns)},
		.profile = sc->profile,
		.advertise_delay_ns = sc->advertise_delay_ns,
		.update_queue_hold_ns = sc->advertise_queue_hold_ns,
		.strategy = sc->failover,
		.session_interval_ns = sc->bfd_interval_ns,
	};
}

static double s_of(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* One hop of `bytes` on a link of rate_bps and delay_ns: serialisation +
 * propagation, seconds (the shim's point-to-point links, doc/shim.md). */
static double hop_s(uint32_t bytes, uint64_t rate_bps, uint64_t delay_ns)
{
	return (double)bytes * 8.0 / (double)rate_bps + s_of(delay_ns);
}

/* A control message on the wire (advertisement, heartbeat, BFD): the
 * simulator's MSG_WIRE_LEN (model/sim/wire.h). */
#define CONTROL_WIRE_BYTES 64

struct lb_expect_in scenario_expect_in(const struct scenario *sc)
{
	struct lb_router_params rp = scenario_router_params(sc, 0);
	struct lb_node_params np = scenario_node_params(sc);
	return (struct lb_expect_in){
		.nodes = sc->nodes,
		.alone_reduces = sc->isolation_check == LB_ISOLATION_UPLINK,
		.hold_time = s_of(sc->hold_time_ns),
		.refresh_interval = s_of(sc->refresh_interval_ns),
		.restore_wait = s_of(sc->restore_wait_ns),
		.session_interval = s_of(sc->bfd_interval_ns),
		.session_multiplier = sc->bfd_multiplier,
		.heartbeat_interval = s_of(sc->heartbeat_interval_ns),
		.heartbeat_misses = sc->heartbeat_misses,
		.uplink_delay = s_of(sc->uplink_delay_ns),
		.uplink_ctl = hop_s(CONTROL_WIRE_BYTES, sc->uplink_rate_bps, sc->uplink_delay_ns),
		.uplink_data = hop_s(sc->packet_size, sc->uplink_rate_bps, sc->uplink_delay_ns),
		/* node -> backplane switch -> node: two hops, store and forward */
		.heartbeat_transit = 2 * hop_s(CONTROL_WIRE_BYTES, sc->backplane_rate_bps, sc->backplane_delay_ns),
		.hold_restart = sc->profile == LB_PROFILE_IDEAL ? s_of(sc->processing_delay_ns) : 0,
		.path_update = s_of(lb_router_path_delay_ns(&rp, LB_TRIGGER_UPDATE)),
		.path_session_down = s_of(lb_router_path_delay_ns(&rp, LB_TRIGGER_EXPIRY)),
		.node_advertise = s_of(lb_node_advertise_delay_ns(&np)),
	};
}
