/* lb_strategy_hold.c - the baseline: nothing beyond the routing protocol.
 * The router keeps sending to a dead node until its hold timer expires
 * (the problem US 8,972,602 sets out to solve).
 *
 * Closed form: the node refreshes every refresh_interval at a phase
 * uniform w.r.t. the crash, so its last refresh left U x refresh_interval
 * before it (U uniform in [0, 1), mean 1/2).  It reached the router an
 * uplink transit later and restarted the hold timer on arrival (frr, RFC
 * 4271 section 8.2.2) or once applied, processing_delay later (ideal); the
 * route expires hold_time after that, the router needs its session-down
 * path to the FIB, and the last packet it sent the dead node needs a data
 * packet's uplink transit to reach it:
 *   window = hold_time - U x refresh_interval + uplink + restart
 *            + path(hold expiry -> FIB) + uplink. */
#include "lbcore/lb_strategy.h"

static void expect(const struct lb_expect_in *in, struct lb_expect_window *out)
{
	*out = (struct lb_expect_window){
		.formula = "hold_time - refresh_interval/2 + uplink + restart (ideal: processing_delay)"
			   " + path(hold expiry -> FIB) + uplink",
		.law = {.base_s = in->hold_time + in->uplink_ctl + in->hold_restart + in->path_session_down +
				  in->uplink_data,
			.span_s = in->refresh_interval},
		.after = LB_EXPECT_ALL_SURVIVORS,
	};
	out->window_s = out->law.base_s - in->refresh_interval / 2;
}

const struct lb_strategy lb_strategy_hold = {
	.name = "hold",
	.doc = "hold timer only: the router drops a dead node's route when its hold time expires",
	.expect = expect,
};
