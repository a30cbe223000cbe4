/* expect.c - closed forms (DESIGN section 5).
 *
 * Offered load: flows arrive as a Poisson process of rate lambda and last
 * D on average; initial_flows F0 are running at 0.  Concurrent flows at t:
 *   exponential: F0 e^(-t/D) + lambda D (1 - e^(-t/D))
 *   fixed:       F0 max(0, 1 - t/D) + lambda min(t, D)
 *   Pareto:      lambda D + (F0 - lambda D) e^(-t/D)   (approximation)
 * R = flows x packet_rate.  A crash of one node of N black-holes R/N until
 * the router stops using its route:
 * the window each strategy's closed form gives (model/core's
 * lb_strategy_*.c: hold, bfd, readvertise), with the router's path from
 * a trigger to the FIB under its profile (lb_router_path_delay_ns).
 * Packets the survivors receive for flows the dead node owns are steered to
 * it until the survivors detect the failure (all strategies: membership
 * runs under each):  steer_dead = R (N-1)/N^2 x misses x interval.
 * Owner remap on one removal without the cache: modulo (N-1)/N of the flows
 * (exactly: 1 - 1/N of keys change their index unless they keep it), HRW and
 * Maglev 1/N. */
#include <math.h>
#include <string.h>

#include "expect.h"
#include "lbcore/lbcore.h"

static double flows_at(const struct scenario *sc, double t)
{
	double D = (double)sc->flow_duration_mean_ns / 1e9;
	double lam = sc->flow_arrival_rate, F0 = sc->initial_flows;
	switch (sc->flow_duration_dist) {
	case SCENARIO_DIST_EXP:
		return F0 * exp(-t / D) + lam * D * (1 - exp(-t / D));
	case SCENARIO_DIST_FIXED:
		return F0 * fmax(0, 1 - t / D) + lam * fmin(t, D);
	case SCENARIO_DIST_PARETO:
		return lam * D + (F0 - lam * D) * exp(-t / D);
	}
	return 0;
}

void expect_first_failure(const struct scenario *sc, struct expectation *e)
{
	memset(e, 0, sizeof *e);
	unsigned N = sc->nodes;
	if (sc->owner_hash == LB_OWNER_MODULO)
		e->remap_fraction = N > 1 ? (double)(N - 1) / N : 0;
	else
		e->remap_fraction = N > 0 ? 1.0 / N : 0;
	for (size_t i = 0; i < sc->n_failures; i++) {
		if (sc->failures[i].kind == LB_FAIL_CRASH) {
			e->has_failure = true;
			e->t_fail_ns = sc->failures[i].at_ns;
			break;
		}
	}
	if (!e->has_failure)
		return;
	double t0 = (double)e->t_fail_ns / 1e9;
	e->flows_at_fail = flows_at(sc, t0);
	e->rate_pps = e->flows_at_fail * sc->packet_rate;
	struct lb_expect_in in = scenario_expect_in(sc);
	struct lb_expect_window win;
	sc->failover->expect(&in, &win);
	e->window_s = win.window_s < 0 ? 0 : win.window_s;
	e->formula = win.formula;
	e->path_update_s = in.path_update;
	e->path_session_down_s = in.path_session_down;
	e->node_advertise_s = in.node_advertise;
	e->lost = e->rate_pps / N * e->window_s;
	e->detect_s = sc->heartbeat_misses * (double)sc->heartbeat_interval_ns / 1e9;
	e->steer_dead = sc->steering ? e->rate_pps * (N - 1) / ((double)N * N) * e->detect_s : 0;
}
