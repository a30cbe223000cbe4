/* lb_strategy_hold.c - the baseline: nothing beyond the routing protocol.
 * The router keeps sending to a dead node until its hold timer expires
 * (the problem US 8,972,602 sets out to solve).
 *
 * Closed form: the node refreshes every refresh_interval at a phase
 * uniform w.r.t. the crash, so its last refresh reached the router on
 * average refresh_interval/2 before the crash; the route expires hold_time
 * after it, and the router then needs its session-down path to the FIB. */
#include "lbcore/lb_strategy.h"

static void expect(const struct lb_expect_in *in, struct lb_expect_window *out)
{
	out->window_s = in->hold_time - in->refresh_interval / 2 + in->path_session_down;
	out->formula = "hold_time - refresh_interval/2 + path(hold expiry -> FIB)";
}

const struct lb_strategy lb_strategy_hold = {
	.name = "hold",
	.doc = "hold timer only: the router drops a dead node's route when its hold time expires",
	.expect = expect,
};
