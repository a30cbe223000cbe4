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
#include "metrics.h"
#include "output.h"
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

#define EXPECT_COLUMN(e, column, unit) column,
#define EXPECT_UNIT(e, column, unit) unit,
const char *const expect_column[EXP_N] = {EXPECT_FIGURES(EXPECT_COLUMN)};
const char *const expect_unit[EXP_N] = {EXPECT_FIGURES(EXPECT_UNIT)};

bool expect_is_time(enum expect_figure f)
{
	return f == EXP_WINDOW_BLACKHOLE || f == EXP_T_DETECT || f == EXP_T_INSTALL;
}

static void fig(struct expectation *e, enum expect_figure f, double value, double tolerance, const char *formula,
		const char *reason)
{
	e->fig[f] = (struct expect_fig){value, tolerance, formula, reason};
}

void expect_first_failure(const struct scenario *sc, struct expectation *e)
{
	memset(e, 0, sizeof *e);
	for (int f = 0; f < EXP_N; f++)
		e->fig[f].value = NAN;
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
	double window = win.window_s < 0 ? 0 : win.window_s;
	e->path_update_s = in.path_update;
	e->path_session_down_s = in.path_session_down;
	e->node_advertise_s = in.node_advertise;
	double R = e->rate_pps;
	double detect = sc->heartbeat_misses * (double)sc->heartbeat_interval_ns / 1e9;
	fig(e, EXP_WINDOW_BLACKHOLE, window, 0.25, win.formula,
	    "the dead node's timer phases (one run samples one phase; the closed form is the mean)");
	fig(e, EXP_DROP_BLACKHOLE, R / N * window, 0.25, "R/N x window_blackhole",
	    "the dead node's ECMP share of the flows differs from 1/N, or its timer phase");
	double sd = sc->steering ? R * (N - 1) / ((double)N * N) * detect : 0;
	fig(e, EXP_DROP_STEER_DEAD, sd, 0.25, "R (N-1)/N^2 x heartbeat_misses x heartbeat_interval",
	    "the survivors' detection phases");
	fig(e, EXP_LOST, R / N * window + sd, 0.25, "drop_blackhole + drop_steer_dead (no_state drops not counted)",
	    "broken flows lose no_state packets the closed form leaves out");
	fig(e, EXP_T_DETECT, detect, 0.5, "heartbeat_misses x heartbeat_interval (the mean survivor)",
	    "detection lies in ((misses-1) x interval, (misses+1) x interval)");
	fig(e, EXP_T_INSTALL, window, 0.25, "= window_blackhole", "as window_blackhole");
}

static double after_fail(const struct sim_metrics *m, uint64_t t_ns)
{
	if (m->t_fail_ns == LB_TIME_NEVER || t_ns == LB_TIME_NEVER)
		return NAN;
	return (double)(t_ns - m->t_fail_ns) / 1e9;
}

double expect_measured(enum expect_figure f, const struct sim_metrics *m, const struct sim_summary *s)
{
	switch (f) {
	case EXP_WINDOW_BLACKHOLE:
		return after_fail(m, m->last_drop_cause_ns[SIM_DROP_BLACKHOLE]);
	case EXP_DROP_BLACKHOLE:
		return (double)m->total.drop[SIM_DROP_BLACKHOLE];
	case EXP_DROP_STEER_DEAD:
		return (double)m->total.drop[SIM_DROP_STEER_DEAD];
	case EXP_LOST:
		return (double)metrics_lost(&m->total);
	case EXP_T_DETECT:
		return after_fail(m, s->t_detect_ns);
	case EXP_T_INSTALL:
		return after_fail(m, s->t_install_ns);
	case EXP_BROKEN_FRACTION_ALIVE:
		return s->flows_alive_at_fail ? (double)s->broken_alive_at_fail / (double)s->flows_alive_at_fail : NAN;
	case EXP_N:
		break;
	}
	return NAN;
}

bool expect_agrees(const struct expect_fig *x, double measured)
{
	if (isnan(x->value) || isnan(measured))
		return true;
	double d = fabs(measured - x->value);
	/* a relative tolerance, with a floor of one packet (or 1 ms) for figures near 0 */
	return d <= x->tolerance * fabs(x->value) + 1e-3 || d <= 1.0;
}
