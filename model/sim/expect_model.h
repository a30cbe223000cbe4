/* expect_model.h - the numerics behind expect.c (internal to model/sim).
 *
 * Laws of the timer phases (struct lb_expect_law, lb_strategy.h): a time
 * after the crash = base + span x (X - U), U uniform, X the minimum or
 * maximum of k uniforms (or 0).  Their survival functions are piecewise
 * polynomials, integrated in closed form; minima of independent laws and
 * the expectations built on them are integrated numerically (Simpson's rule
 * on a fixed grid): deterministic, no random draws.
 *
 * What the hashes do to the flows on the removal of the dead node is
 * computed by running model/core's own owner selection (lb_owner) and ECMP
 * group (lb_ecmp) over fixed sequences of hash values (a Weyl sequence:
 * i x 2654435769 mod 2^32, evenly spread over the hash space), assuming the
 * router's and the cluster's hashes independent (different kinds or seeds,
 * the default). */
#ifndef LB_SIM_EXPECT_MODEL_H
#define LB_SIM_EXPECT_MODEL_H

#include <stdbool.h>

#include "lbcore/lb_strategy.h"
#include "scenario.h"

double law_mean(const struct lb_expect_law *l);
double law_var(const struct lb_expect_law *l);
/* P(value > t) */
double law_survival(const struct lb_expect_law *l, double t);
double law_lo(const struct lb_expect_law *l);
double law_hi(const struct lb_expect_law *l);

/* The flows' durations (expect_law.c): S(t) = P(a flow lasts longer than t),
 * I(x) = int_0^x S; residual: P(a flow running at t0 still runs t later);
 * alive_at: P(a flow running at t0 still runs at its first packet at or
 * after tau, before cap).  expect_flows_at (expect.h): F0 S(t) + lambda I(t). */
double expect_new_survival(const struct scenario *sc, double t);
double expect_survival_integral(const struct scenario *sc, double x);
double expect_residual_survival(const struct scenario *sc, double t0, double t);
double expect_alive_at(const struct scenario *sc, double t0, double tau, double cap);

/* The minimum of up to EXPECT_MIN_LAWS independent laws, capped at `cap`
 * (the end of the run: nothing is measured past it). */
#define EXPECT_MIN_LAWS 4
struct expect_min {
	struct lb_expect_law law[EXPECT_MIN_LAWS];
	unsigned n;
	double cap;
};

struct expect_min expect_min_of(double cap);
void expect_min_add(struct expect_min *m, const struct lb_expect_law *l);
double min_survival(const struct expect_min *m, double t);
void min_moments(const struct expect_min *m, double *mean, double *var);
/* P(A < B + shift) for a law A independent of the minimum B. */
double p_law_below(const struct lb_expect_law *a, const struct expect_min *b, double shift);
/* A second window: the survivors' restore reaches the data plane at S (a
 * law), the dead node's hold expiry at H (a minimum, capped): the window
 * is max(0, H - S).  Gives P(H > S), E[max(0, H - S)] and E[H 1(H > S)]. */
void second_window(const struct lb_expect_law *s, const struct expect_min *h, double *p, double *mean,
		   double *h_when);
/* E[min(V - V1, p)] where V1 is the minimum of k uniforms and V another
 * uniform above it (the others' spread after the first survivor's
 * detection, capped at p); 0 when k < 2. */
double spread_after_first(unsigned k, double p);

/* What the hashes do when the dead node leaves (see above). */
struct expect_remap {
	double owner_share;  /* a: fraction of the flows the dead node owns */
	double owner_moves;  /* q: P(the owner changes | the owner survived), no cache */
	double ecmp_share;   /* e: the dead node's share of the router's ECMP */
	double ecmp_stay;    /* P(a survivor's flow keeps its receiver when the set loses the dead node) */
	double exposure;     /* readvertise: P(a surviving receiver's flow meets another receiver,
	                        without its cache entry, during the survivors' installs or after) */
	double exposure_restore; /* ... or during their restores, in the same order */
	double moved;          /* readvertise: P(a surviving receiver's flow has another receiver once every
	                          survivor is in): part of exposure, for good */
	double away_s;         /* ... the mean time (s) it spends at another receiver during the installs
	                          (0 for the moved ones): what a flow that goes on after a break loses there */
	double away_restore_s; /* ... and during the restores (when inside the run) */
};

/* reducers: compute `exposure`: the survivors detect at phases spread over
 * `interval` (the heartbeat interval) and join one by one (frr: in
 * batches); restores: and exposure_restore (they leave again, the restores
 * inside the run); packet_interval: a flow's, seconds. */
void expect_remap(const struct scenario *sc, unsigned dead, bool reducers, bool restores, double interval,
		  double packet_interval, struct expect_remap *out);

#endif
