/* lb_strategy_readvertise.c - the method of US 8,972,602: every change of a
 * node's membership view goes to its agent (lb_agent), which re-advertises
 * the VIP with metric n - d when the view shrinks and restores n after W;
 * the router then prefers the survivors' cheaper routes and drops the dead
 * node's stale route from its ECMP set without waiting for its hold timer.
 *
 * Closed form.  The dead node's last heartbeat left U x interval before
 * the crash (U uniform in [0, 1)) and reached survivor j a heartbeat
 * transit later; j declares it down on its own first tick at or after
 * misses x interval past that arrival (lb_member.h), V_j x interval later
 * (V_j uniform, independent per survivor):
 *   D_j = misses x interval + transit + (V_j - U) x interval.
 * The window ends at the FIRST survivor's install (its route alone is the
 * best set): the minimum of the N-1 uniform V_j has mean 1/N, so
 *   window = misses x interval - interval/2 + interval/N + transit
 *            + path(decision -> update sent) + uplink + path(update -> FIB)
 *            + uplink,
 * the path delays of the router's profile (ideal or frr: the frr queues
 * batch only what arrives while a hold window is open, and the first
 * survivor's update opens each window, so batching leaves the first
 * install alone).  The dead node's hold expiry ends it when that comes
 * first.  Each survivor restores n W after its own reduction; the set with
 * every route at n (the dead node's stale one too, if still held) is in
 * place after the LAST survivor's restore: max of the V_j.
 *
 * Two nodes with isolation_check = peers-only: the lone survivor sees
 * itself isolated and never reduces; the router waits for the hold timer. */
#include "lbcore/lb_strategy.h"

static void view_changed(struct lb_node *n, lb_nodeset active, uint64_t now)
{
	lb_node_agent_view(n, active, now);
}

static void expect(const struct lb_expect_in *in, struct lb_expect_window *out)
{
	if (in->nodes == 2 && !in->alone_reduces) {
		lb_strategy_hold.expect(in, out);
		out->formula = "two nodes, isolation_check = peers-only: the survivor never re-advertises; "
			       "hold_time - refresh_interval/2 + uplink + restart + path(hold expiry -> FIB) + uplink";
		return;
	}
	double h = in->heartbeat_interval, N = in->nodes;
	double detect = in->heartbeat_misses * h + in->heartbeat_transit;
	double path = in->node_advertise + in->uplink_ctl + in->path_update + in->uplink_data;
	unsigned survivors = in->nodes > 1 ? in->nodes - 1 : 0;
	*out = (struct lb_expect_window){
		.formula = "heartbeat_misses x heartbeat_interval - interval/2 + interval/N + backplane transit"
			   " + path(decision -> update sent) + uplink + path(update -> FIB) + uplink",
		.law = {.base_s = detect + path, .span_s = h, .draws = survivors},
		.hold_bounded = true,
		.after = LB_EXPECT_REDUCERS,
		.reduce_path_s = path,
		.restores = true,
		.restore = {.base_s = detect + in->restore_wait + path, .span_s = h, .draws = survivors, .max = true},
	};
	out->window_s = detect + path - h / 2 + h / N;
}

const struct lb_strategy lb_strategy_readvertise = {
	.name = "readvertise",
	.doc = "the survivors re-advertise the VIP with metric n - d on detecting a failure, restore n after W",
	.node_view_changed = view_changed,
	.expect = expect,
};
