/* expect.c - closed forms (DESIGN section 5).
 *
 * Offered load: flows arrive as a Poisson process of rate lambda and last
 * D on average; initial_flows F0 are running at 0.  Concurrent flows at t:
 *   exponential: F0 e^(-t/D) + lambda D (1 - e^(-t/D))
 *   fixed:       F0 max(0, 1 - t/D) + lambda min(t, D)
 *   Pareto:      lambda D + (F0 - lambda D) e^(-t/D)   (approximation)
 * R = flows x packet_rate.  A crash of one node of N black-holes R/N until
 * the router stops using its route:
 *   hold:        the last refresh the router received before t0 plus
 *                hold_time, plus fib_install_delay; each node refreshes at
 *                its own random phase, so the last refresh is on average
 *                half a refresh_interval before t0
 *   bfd:         bfd_multiplier x bfd_interval after the last BFD packet
 *                (on average half an interval before t0), + fib_install
 *   readvertise: the survivors' detection, + the advertisement's trip
 *                (uplink delay) + processing_delay + fib_install_delay.
 *                Detection: the first of the node's own heartbeat ticks at
 *                or after the dead node's last heartbeat (on average half
 *                an interval before t0) + heartbeat_misses x interval; the
 *                tick adds half an interval on average: misses x interval.
 * Packets the survivors receive for flows the dead node owns are steered to
 * it until the survivors detect the failure (all strategies: membership
 * runs under each):  steer_dead = R (N-1)/N^2 x misses x interval.
 * Owner remap on one removal without the cache: modulo (N-1)/N of the flows
 * (exactly: 1 - 1/N of keys change their index unless they keep it), HRW and
 * Maglev 1/N. */
#include <math.h>
#include <string.h>

#include "expect.h"
#include "lbcore/lb_types.h"

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
	if (strcmp(sc->owner_hash, "modulo") == 0)
		e->remap_fraction = N > 1 ? (double)(N - 1) / N : 0;
	else
		e->remap_fraction = N > 0 ? 1.0 / N : 0;
	for (size_t i = 0; i < sc->n_failures; i++) {
		if (sc->failures[i].kind == SCENARIO_FAIL_CRASH) {
			e->has_failure = true;
			e->t_fail_ns = sc->failures[i].at_ns;
			break;
		}
	}
	if (!e->has_failure)
		return;
	double t0 = (double)e->t_fail_ns / 1e9;
	double install = (double)sc->fib_install_delay_ns / 1e9;
	e->flows_at_fail = flows_at(sc, t0);
	e->rate_pps = e->flows_at_fail * sc->packet_rate;
	if (strcmp(sc->failover, "hold") == 0) {
		double refresh = (double)sc->refresh_interval_ns / 1e9;
		e->window_s = (double)sc->hold_time_ns / 1e9 - refresh / 2 + install;
		e->formula = "R/N x (hold_time - refresh_interval/2 + fib_install_delay)";
	} else if (strcmp(sc->failover, "bfd") == 0) {
		double iv = (double)sc->bfd_interval_ns / 1e9;
		e->window_s = sc->bfd_multiplier * iv - iv / 2 + install;
		e->formula = "R/N x (bfd_multiplier x bfd_interval - bfd_interval/2 + fib_install_delay)";
	} else {
		double iv = (double)sc->heartbeat_interval_ns / 1e9;
		e->window_s = sc->heartbeat_misses * iv + (double)sc->uplink_delay_ns / 1e9 +
			      (double)sc->processing_delay_ns / 1e9 + install;
		e->formula = "R/N x (heartbeat_misses x heartbeat_interval + uplink_delay"
			     " + processing_delay + fib_install_delay)";
	}
	if (e->window_s < 0)
		e->window_s = 0;
	e->lost = e->rate_pps / N * e->window_s;
	e->detect_s = sc->heartbeat_misses * (double)sc->heartbeat_interval_ns / 1e9;
	e->steer_dead = e->rate_pps * (N - 1) / ((double)N * N) * e->detect_s;
}
