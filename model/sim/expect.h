/* expect.h - the closed-form expectations for a scenario's first crash:
 * every figure the simulator measures that a closed form predicts, with its
 * formula, its stated tolerance and the likely reason when a run diverges.
 * `lbsim describe` prints them, `lbsim run` prints them beside the measured
 * figures (flagging divergences beyond the tolerance), summary.csv carries
 * them as expect_* columns, and the tests take them as the centre of their
 * bounds.  doc/model.md ("Expectations") derives each one. */
#ifndef LB_SIM_EXPECT_H
#define LB_SIM_EXPECT_H

#include <stdint.h>

#include "expect_model.h"
#include "scenario.h"

/* X(enum, summary.csv column it predicts, unit) */
#define EXPECT_FIGURES(X)                                             \
	X(EXP_WINDOW_BLACKHOLE, "window_blackhole_s", "s")            \
	X(EXP_DROP_BLACKHOLE, "drop_blackhole", "packets")            \
	X(EXP_DROP_STEER_DEAD, "drop_steer_dead", "packets")          \
	X(EXP_LOST, "lost", "packets")                                \
	X(EXP_T_DETECT, "t_detect_s", "s")                            \
	X(EXP_T_INSTALL, "t_install_s", "s")                          \
	X(EXP_BROKEN_FRACTION_ALIVE, "broken_fraction_alive", "")    \
	X(EXP_WINDOW_BLACKHOLE2, "window_blackhole2_s", "s")          \
	X(EXP_DROP_NO_STATE, "drop_no_state", "packets")             \
	X(EXP_DROP_ROUTER_DOWN, "drop_router_down", "packets")        \
	X(EXP_WINDOW_ROUTER_DOWN, "window_router_down_s", "s")
#define EXPECT_ENUM(e, column, unit) e,
enum expect_figure { EXPECT_FIGURES(EXPECT_ENUM) EXP_N };

struct expect_fig {
	double value;      /* NAN: no closed form for this scenario; times are seconds after t_fail */
	double tolerance;  /* relative: a run within value x (1 +- tolerance) + slack agrees */
	double slack;      /* absolute, in the figure's unit: for values near 0 (a few packets, 1 ms) */
	const char *formula;
	const char *formula_more;  /* "" or what follows formula */
	const char *why_tolerance; /* what the tolerance covers: "3 sd over the phases", ... */
};

struct expectation {
	bool has_failure;     /* the scenario has a node crash to reason about */
	uint64_t t_fail_ns;
	int failed_node;
	double run_after_fail_s; /* simulated time from the crash to the run's end (or the next failure) */
	double flows_at_fail; /* expected concurrent flows at t_fail */
	double rate_pps;      /* R: total VIP packet rate at t_fail */
	double path_update_s, path_session_down_s; /* the router's trigger -> FIB delays */
	double node_advertise_s;                   /* a node's decision -> update sent */
	double remap_fraction; /* fraction of flows whose owner changes on one removal, no cache */
	struct expect_remap remap; /* owner and ECMP shares and moves (expect_model.h) */
	double p_second_window;   /* probability of a premature-restore second window */
	/* the first router crash (drop_router_down, window_router_down_s) */
	bool has_router_failure;
	uint64_t t_router_fail_ns;
	int failed_router;
	double router_share;      /* its share of the upstream stage's flows */
	double router_rate_pps;   /* the VIP's packet rate then */
	struct expect_fig fig[EXP_N];
};
extern const char *const expect_column[EXP_N]; /* "window_blackhole_s", ... */
extern const char *const expect_unit[EXP_N];
/* The order to print them in: times, windows, drops by cause, lost, flows. */
extern const enum expect_figure expect_print_order[EXP_N];
/* Whether a figure is a time (its value is seconds after t_fail, or after
 * the router crash for the router figures). */
bool expect_is_time(enum expect_figure f);
/* Whether a figure is of the first router crash (else of the first node crash). */
bool expect_is_router(enum expect_figure f);

/* The expectations of a scenario's first node crash and of its first
 * router crash (each NAN where the scenario has none). */
void expect_first_failure(const struct scenario *sc, struct expectation *e);

struct sim_metrics;
struct sim_summary;
/* What a run measured for figure f, in the figure's units (times: seconds
 * after the first failure); NAN when the run has no such figure.  The drop
 * counts are the first crash's (m->failures, until the next failure) when
 * m holds them, else the run's totals; window_blackhole2_s reads the
 * router's installs from m->events (NAN when m holds no events). */
double expect_measured(enum expect_figure f, const struct sim_metrics *m, const struct sim_summary *s);
/* Whether measured agrees with the expectation: |measured - value| <=
 * tolerance x |value| + slack (true when either is NAN: nothing to
 * compare). */
bool expect_agrees(const struct expect_fig *x, double measured);
/* The likely reason of a divergence of figure f (above or below). */
const char *expect_reason(enum expect_figure f, const struct expect_fig *x, double measured);

/* Internal to expect*.c. */
/* Concurrent flows at t (s). */
double expect_flows_at(const struct scenario *sc, double t);
/* Sets figure f: value, one run's relative sd (the tolerance is the larger
 * of 25% and 3 sd), an absolute slack, its formula and what the tolerance
 * covers. */
void expect_fig_set(struct expectation *e, enum expect_figure f, double value, double rel, double slack,
		    const char *formula, const char *why);
/* The first router crash's figures (expect_router.c). */
void expect_router_crash(const struct scenario *sc, struct expectation *e);

#endif
