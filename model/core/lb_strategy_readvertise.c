/* lb_strategy_readvertise.c - the method of US 8,972,602: every change of a
 * node's membership view goes to its agent (lb_agent), which re-advertises
 * the VIP with metric n - d when the view shrinks and restores n after W;
 * the router then prefers the survivors' cheaper routes and drops the dead
 * node's stale route from its ECMP set without waiting for its hold timer.
 *
 * Closed form: the survivors detect the crash on their own heartbeat tick,
 * heartbeat_misses x heartbeat_interval after it on average (lb_member.h);
 * the first survivor's update then needs the node's advertising path, the
 * uplink and the router's update path to the FIB.  The window ends at the
 * first survivor's install (its route alone is the best set). */
#include "lbcore/lb_strategy.h"

static void view_changed(struct lb_node *n, lb_nodeset active, uint64_t now)
{
	lb_node_agent_view(n, active, now);
}

static void expect(const struct lb_expect_in *in, struct lb_expect_window *out)
{
	if (in->nodes == 2 && !in->alone_reduces) {
		/* the lone survivor sees itself isolated and never reduces: the
		 * router waits for the dead node's hold timer */
		lb_strategy_hold.expect(in, out);
		out->formula = "two nodes, isolation_check = peers-only: the survivor never re-advertises; "
			       "hold_time - refresh_interval/2 + path(hold expiry -> FIB)";
		return;
	}
	out->window_s = in->heartbeat_misses * in->heartbeat_interval + in->node_advertise + in->uplink_delay +
			in->path_update;
	out->formula = "heartbeat_misses x heartbeat_interval + path(decision -> update sent) + uplink_delay"
		       " + path(update -> FIB)";
}

const struct lb_strategy lb_strategy_readvertise = {
	.name = "readvertise",
	.doc = "the survivors re-advertise the VIP with metric n - d on detecting a failure, restore n after W",
	.node_view_changed = view_changed,
	.expect = expect,
};
