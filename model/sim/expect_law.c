/* expect_law.c - laws of the timer phases and the integrals over them, and
 * the flows' durations; see expect_model.h.
 *
 * A law is value = base + span (X - U).  Its survival function is
 *   P(value > t) = P(X - U > s) = integral over y in [s, s+1] of P(X > y),
 *   s = (t - base) / span,
 * with P(X > y) = 1 below 0, 0 above 1, and in between (1 - y)^k for the
 * minimum of k uniforms, 1 - y^k for the maximum, 0 for X = 0: closed-form
 * antiderivatives.  Moments of a minimum Y of independent laws, bounded
 * below by L:  E[Y] = L + int_L^inf P(Y > t) dt,
 * E[Y^2] = L^2 + int_L^inf 2t P(Y > t) dt,  P(Y > t) = prod P(Y_i > t). */
#include <math.h>

#include "expect.h"
#include "expect_model.h"

#define GRID 2048 /* Simpson intervals (even): the survival functions are smooth polynomials per piece */

static double ex(const struct lb_expect_law *l)
{
	if (l->draws == 0)
		return 0;
	double k = l->draws;
	return l->max ? k / (k + 1) : 1 / (k + 1);
}

double law_mean(const struct lb_expect_law *l)
{
	return l->base_s + l->span_s * (ex(l) - 0.5);
}

double law_var(const struct lb_expect_law *l)
{
	double k = l->draws;
	double vx = l->draws ? k / ((k + 1) * (k + 1) * (k + 2)) : 0; /* the k-th order statistic */
	return l->span_s * l->span_s * (vx + 1.0 / 12);
}

double law_lo(const struct lb_expect_law *l)
{
	return l->base_s - l->span_s;
}

double law_hi(const struct lb_expect_law *l)
{
	return l->base_s + (l->draws ? l->span_s : 0);
}

/* integral of P(X > y) over [a, b] */
static double sx_integral(const struct lb_expect_law *l, double a, double b)
{
	double r = a < 0 ? fmin(b, 0) - a : 0;
	double lo = fmax(a, 0), hi = fmin(b, 1);
	if (lo < hi && l->draws > 0) {
		double k1 = l->draws + 1.0;
		if (l->max)
			r += (hi - lo) - (pow(hi, k1) - pow(lo, k1)) / k1;
		else
			r += (pow(1 - lo, k1) - pow(1 - hi, k1)) / k1;
	}
	return fmin(1, fmax(0, r));
}

double law_survival(const struct lb_expect_law *l, double t)
{
	if (l->span_s <= 0)
		return l->base_s > t ? 1 : 0;
	double s = (t - l->base_s) / l->span_s;
	return sx_integral(l, s, s + 1);
}

struct expect_min expect_min_of(double cap)
{
	return (struct expect_min){.cap = cap};
}

void expect_min_add(struct expect_min *m, const struct lb_expect_law *l)
{
	if (m->n < EXPECT_MIN_LAWS)
		m->law[m->n++] = *l;
}

double min_survival(const struct expect_min *m, double t)
{
	if (t >= m->cap)
		return 0;
	double s = 1;
	for (unsigned i = 0; i < m->n && s > 0; i++)
		s *= law_survival(&m->law[i], t);
	return s;
}

static double min_lo(const struct expect_min *m)
{
	double lo = m->cap;
	for (unsigned i = 0; i < m->n; i++)
		lo = fmin(lo, law_lo(&m->law[i]));
	return lo;
}

static double min_hi(const struct expect_min *m)
{
	double hi = m->cap;
	for (unsigned i = 0; i < m->n; i++)
		hi = fmin(hi, law_hi(&m->law[i]));
	return hi;
}

void min_moments(const struct expect_min *m, double *mean, double *var)
{
	double L = min_lo(m), H = min_hi(m);
	double s1 = 0, s2 = 0;
	if (H > L) {
		double h = (H - L) / GRID;
		for (int i = 0; i <= GRID; i++) {
			double t = L + i * h, w = (i == 0 || i == GRID) ? 1 : (i % 2 ? 4 : 2);
			double S = min_survival(m, t);
			s1 += w * S;
			s2 += w * 2 * t * S;
		}
		s1 *= h / 3;
		s2 *= h / 3;
	}
	*mean = L + s1;
	double m2 = L * L + s2;
	*var = fmax(0, m2 - *mean * *mean);
}

/* Stieltjes sums over the law of a minimum: sum f(t) x P(B in [t, t+dt)). */
typedef double (*point_fn)(const void *ctx, double t);

static double over_min(const struct expect_min *b, point_fn f, const void *ctx)
{
	double L = min_lo(b), H = min_hi(b);
	if (!(H > L))
		return f(ctx, H);
	double h = (H - L) / GRID, sum = 0, prev = min_survival(b, L);
	sum += (1 - prev) * f(ctx, L); /* an atom below the grid (none for these laws) */
	for (int i = 1; i <= GRID; i++) {
		double t = L + i * h, s = i == GRID ? 0 : min_survival(b, t);
		sum += (prev - s) * f(ctx, t - h / 2);
		prev = s;
	}
	return sum;
}

struct below_ctx {
	const struct lb_expect_law *a;
	double shift;
	bool weight_t;
};

static double below_at(const void *p, double t)
{
	const struct below_ctx *c = p;
	double F = 1 - law_survival(c->a, t + c->shift);
	return c->weight_t ? t * F : F;
}

double p_law_below(const struct lb_expect_law *a, const struct expect_min *b, double shift)
{
	struct below_ctx c = {a, shift, false};
	return over_min(b, below_at, &c);
}

void second_window(const struct lb_expect_law *s, const struct expect_min *h, double *p, double *mean,
		   double *h_when)
{
	struct below_ctx c = {s, 0, false};
	*p = over_min(h, below_at, &c);
	c.weight_t = true;
	*h_when = over_min(h, below_at, &c);
	/* E[max(0, H - S)] = int P(S < t < H) dt */
	double L = fmin(law_lo(s), min_lo(h)), H = min_hi(h), sum = 0;
	if (H > L) {
		double step = (H - L) / GRID;
		for (int i = 0; i <= GRID; i++) {
			double t = L + i * step, w = (i == 0 || i == GRID) ? 1 : (i % 2 ? 4 : 2);
			sum += w * (1 - law_survival(s, t)) * min_survival(h, t);
		}
		sum *= step / 3;
	}
	*mean = sum;
}

/* Given the first of k uniforms at v, each other is uniform on (v, 1):
 * E[min(V - v, p)] = L/2 when p >= L = 1 - v, else p - p^2 / (2L); the
 * first's density is k (1 - v)^(k-1). */
double spread_after_first(unsigned k, double p)
{
	if (k < 2)
		return 0;
	double sum = 0, h = 1.0 / GRID;
	for (int i = 0; i <= GRID; i++) {
		double v = i * h, L = 1 - v, w = (i == 0 || i == GRID) ? 1 : (i % 2 ? 4 : 2);
		double g = p >= L ? L / 2 : p - p * p / (2 * L);
		sum += w * g * k * pow(L, k - 1.0);
	}
	return sum * h / 3;
}

/* The flows' durations (the scenario's law; expect.c weighs the flows
 * alive at the crash, and those that start after it, with these). */
static double flow_mean_s(const struct scenario *sc)
{
	return (double)sc->flow_duration_mean_ns / 1e9;
}

/* P(a flow lasts longer than t): the duration law (traffic.c draws the
 * initial flows' remaining durations from it too). */
double expect_new_survival(const struct scenario *sc, double t)
{
	double D = flow_mean_s(sc), a = sc->flow_duration_shape;
	switch (sc->flow_duration_dist) {
	case SCENARIO_DIST_FIXED:
		return t < D ? 1 : 0;
	case SCENARIO_DIST_PARETO: {
		double xm = D * (a - 1) / a;
		return t <= xm ? 1 : pow(xm / t, a);
	}
	case SCENARIO_DIST_EXP:
		break;
	}
	return exp(-t / D);
}

/* int_0^x P(duration > u) du */
double expect_survival_integral(const struct scenario *sc, double x)
{
	double D = flow_mean_s(sc), a = sc->flow_duration_shape;
	switch (sc->flow_duration_dist) {
	case SCENARIO_DIST_FIXED:
		return fmin(x, D);
	case SCENARIO_DIST_PARETO: {
		double xm = D * (a - 1) / a;
		return x <= xm ? x : xm + pow(xm, a) * (pow(x, 1 - a) - pow(xm, 1 - a)) / (1 - a);
	}
	case SCENARIO_DIST_EXP:
		break;
	}
	return D * (1 - exp(-x / D));
}

/* Concurrent flows at t: the initial F0 (durations from the law at 0) and
 * Poisson arrivals of rate lambda:  F0 S(t) + lambda int_0^t S(u) du,
 * S the duration's survival (exponential: F0 e^(-t/D) + lambda D (1 - e^(-t/D))). */
double expect_flows_at(const struct scenario *sc, double t)
{
	return sc->initial_flows * expect_new_survival(sc, t) + sc->flow_arrival_rate * expect_survival_integral(sc, t);
}

/* P(a flow running at t0 still runs t later):
 *   [F0 S(t0 + t) + lambda (I(t0 + t) - I(t))] / expect_flows_at(t0),  I(x) = int_0^x S. */
double expect_residual_survival(const struct scenario *sc, double t0, double t)
{
	double all = expect_flows_at(sc, t0);
	if (all <= 0)
		return 0;
	return (sc->initial_flows * expect_new_survival(sc, t0 + t) +
		sc->flow_arrival_rate * (expect_survival_integral(sc, t0 + t) - expect_survival_integral(sc, t))) /
	       all;
}

/* A flow running at t0 sends its first packet at or after tau at
 * tau + u x interval (u uniform: its phase): the mean over u of its
 * survival, 0 past the end of what is measured. */
double expect_alive_at(const struct scenario *sc, double t0, double tau, double cap)
{
	double iv = 1 / sc->packet_rate, sum = 0;
	for (int i = 0; i < 16; i++) {
		double t = tau + (i + 0.5) / 16 * iv;
		sum += t < cap ? expect_residual_survival(sc, t0, t) : 0;
	}
	return sum / 16;
}
