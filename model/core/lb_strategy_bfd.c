/* lb_strategy_bfd.c - a BFD-like liveness session between the router and
 * each node (RFC 5880, asynchronous mode without echo): the node sends a
 * control packet every session_interval; the router declares the session
 * down when none arrived for session_multiplier intervals (the detection
 * time, RFC 5880 section 6.8.4) and treats it as the peer going down.
 *
 * Router state per node: the last packet's arrival, whether the session is
 * up, and whether a check is pending.  A check is armed at the detection
 * time after the last packet; one that finds a later packet re-arms at
 * that packet's detection time (so a steady session costs one timer per
 * detection time, not one per packet).
 *
 * Closed form: the node's last packet before the crash left U x interval
 * before it (U uniform in [0, 1), mean 1/2) and reached the router an
 * uplink transit later; the session goes down multiplier x interval after
 * its arrival (the router's detection, t_detect when it comes before the
 * survivors'), then the router's session-down path to the FIB and a data
 * packet's uplink transit to the dead node:
 *   window = multiplier x interval - U x interval + uplink
 *            + path(session down -> FIB) + uplink,
 * or the dead node's hold expiry when that comes first. */
#include "lbcore/lb_router.h"
#include "lbcore/lb_strategy.h"

struct bfd_router {
	lb_nodeset up, pending;
	uint64_t last_rx[LB_MAX_NODES];
};

static uint64_t detect_ns(const struct lb_router *r)
{
	return lb_router_session_interval(r) * lb_router_session_multiplier(r);
}

static void router_start(struct lb_router *r, void *state, uint64_t now)
{
	struct bfd_router *b = state;
	b->up = b->pending = lb_router_neighbours(r);
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		b->last_rx[i] = now;
		if (lb_nodeset_has(b->up, i))
			lb_router_strategy_timer(r, i, now + detect_ns(r));
	}
}

static void router_check(struct lb_router *r, void *state, unsigned node, uint64_t now)
{
	struct bfd_router *b = state;
	b->pending &= ~lb_nodeset_bit(node);
	if (!lb_nodeset_has(b->up, node))
		return;
	uint64_t detect = detect_ns(r);
	if (now - b->last_rx[node] >= detect) {
		b->up &= ~lb_nodeset_bit(node);
		lb_router_strategy_event(r, LB_RE_SESSION_DOWN, -1, node, now);
		lb_router_session_down(r, node, now);
		return;
	}
	b->pending |= lb_nodeset_bit(node);
	lb_router_strategy_timer(r, node, b->last_rx[node] + detect);
}

static void router_rx(struct lb_router *r, void *state, unsigned node, uint64_t now)
{
	struct bfd_router *b = state;
	b->last_rx[node] = now;
	if (!lb_nodeset_has(b->up, node)) {
		b->up |= lb_nodeset_bit(node);
		lb_router_strategy_event(r, LB_RE_SESSION_UP, -1, node, now);
	}
	if (!lb_nodeset_has(b->pending, node)) {
		b->pending |= lb_nodeset_bit(node);
		lb_router_strategy_timer(r, node, now + detect_ns(r));
	}
}

/* Node side: a control packet every interval, from a random phase. */
static void node_start(struct lb_node *n, uint64_t now)
{
	uint64_t phase = (uint64_t)(lb_node_strategy_phase(n, 0) * (double)lb_node_session_interval(n));
	lb_node_strategy_timer(n, 0, now + phase);
}

static void node_timer(struct lb_node *n, unsigned index, uint64_t now)
{
	(void)index;
	lb_node_send_session(n);
	lb_node_strategy_timer(n, 0, now + lb_node_session_interval(n));
}

static void expect(const struct lb_expect_in *in, struct lb_expect_window *out)
{
	double detect = in->session_multiplier * in->session_interval + in->uplink_ctl;
	*out = (struct lb_expect_window){
		.formula = "bfd_multiplier x bfd_interval - bfd_interval/2 + uplink + path(session down -> FIB)"
			   " + uplink",
		.law = {.base_s = detect + in->path_session_down + in->uplink_data, .span_s = in->session_interval},
		.hold_bounded = true,
		.after = LB_EXPECT_ALL_SURVIVORS,
		.router_detects = true,
		.router_detect = {.base_s = detect, .span_s = in->session_interval},
	};
	out->window_s = out->law.base_s - in->session_interval / 2;
}

const struct lb_strategy lb_strategy_bfd = {
	.name = "bfd",
	.doc = "a BFD session per router-node pair: the router drops the route after multiplier silent intervals",
	.node_phases = 1,
	.liveness_sessions = true,
	.router_state_size = sizeof(struct bfd_router),
	.router_start = router_start,
	.router_rx_session = router_rx,
	.router_timer = router_check,
	.node_start = node_start,
	.node_timer = node_timer,
	.expect = expect,
};
