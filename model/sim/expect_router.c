/* expect_router.c - the closed forms of a router crash (the scenario's
 * first `router-crash`): drop_router_down and window_router_down_s.
 *
 * With R routers the clients reach them through the upstream stage, whose
 * hash-threshold ECMP splits the hash space evenly: the crashed router K
 * carries s = 1/R of the flows.  The stage keeps sending K's share to it
 * until it notices the crash:
 *   immediate:  at once (carrier loss); only the packets already on the
 *               stage's link to K are lost: W = d + t_x;
 *   hold:       at K's session hold expiry on the stage, hold after the
 *               arrival of K's last refresh, sent at a uniform phase U of
 *               the refresh interval rho before the crash:
 *               W = hold - U rho + d_ctl + d + t_x, mean hold - rho/2 + ...,
 *               sd rho / sqrt(12);
 * d the stage link's delay, t_x a data packet's and d_ctl a refresh's
 * serialisation plus d; W ends earlier if K recovers first.  With one
 * router everything goes through it: W = its downtime (to its recovery
 * or the run's end), s = 1.  drop_router_down = R_tot s W, R_tot the VIP's
 * packet rate at the crash.  The flows K carried then reach the nodes
 * through other routers, whose hashes pick other receivers; the receivers
 * select the same owners (no node failed), so steering loses nothing more
 * (regression test test_router_failure). */
#include <math.h>

#include "expect.h"

void expect_router_crash(const struct scenario *sc, struct expectation *e)
{
	const struct scenario_failure *crash = NULL;
	double t_end = (double)sc->duration_ns / 1e9;
	for (size_t i = 0; i < sc->n_failures; i++) {
		const struct scenario_failure *f = &sc->failures[i];
		if (!crash && f->kind == LB_FAIL_ROUTER_CRASH)
			crash = f;
		else if (crash && f->kind == LB_FAIL_ROUTER_RECOVER && f->router == crash->router &&
			 f->at_ns > crash->at_ns) {
			t_end = (double)f->at_ns / 1e9;
			break;
		}
	}
	if (!crash)
		return;
	e->has_router_failure = true;
	e->t_router_fail_ns = crash->at_ns;
	e->failed_router = crash->router;
	double t0 = (double)crash->at_ns / 1e9, down = t_end - t0;
	unsigned R = sc->router_count;
	double flows = expect_flows_at(sc, t0);
	e->router_rate_pps = flows * sc->packet_rate;
	double w, w_sd = 0;
	const char *formula;
	if (R == 1) {
		e->router_share = 1;
		w = down;
		formula = "one router: its downtime (to its recovery or the run's end); every packet meanwhile";
	} else {
		e->router_share = 1.0 / R;
		double d = (double)sc->upstream_delay_ns / 1e9, bps = (double)sc->upstream_rate_bps;
		double tx = (double)sc->packet_size * 8 / bps, ctl = 64 * 8 / bps + d;
		if (sc->upstream_detection == SCENARIO_UPSTREAM_IMMEDIATE) {
			w = d + tx;
			formula = "immediate: the packets on the stage's link to it, d + t_x (upstream_delay + "
				  "serialisation)";
		} else {
			double hold = (double)sc->upstream_hold_time_ns / 1e9;
			double rho = (double)sc->upstream_refresh_interval_ns / 1e9;
			w = hold - rho / 2 + ctl + d + tx;
			w_sd = rho / sqrt(12);
			formula = "hold: upstream_hold_time - upstream_refresh_interval/2 + the refresh's and the "
				  "data's way over the stage's link (its last refresh at a uniform phase)";
		}
		w = fmin(w, down);
	}
	double drops = e->router_rate_pps * e->router_share * w, s = e->router_share;
	double rel_w = w > 0 ? w_sd / w : 0;
	double rel2 = rel_w * rel_w + (1 - s) / fmax(1e-9, s * flows) + 1 / fmax(1, drops);
	expect_fig_set(e, EXP_WINDOW_ROUTER_DOWN, w, rel_w, 1e-3, formula,
		       w_sd > 0 ? "3 sd over the refresh phase" : "exact up to a packet's serialisation");
	expect_fig_set(e, EXP_DROP_ROUTER_DOWN, drops, sqrt(rel2), 2,
		       R == 1 ? "R_tot x W: every packet of the downtime"
			      : "R_tot x s x W: s = 1/R the dead router's share of the stage's hash-threshold ECMP",
		       "3 sd: the refresh phase, the router's flow share, count");
}
