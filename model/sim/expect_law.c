/* expect_law.c - laws of the timer phases and the integrals over them; see
 * expect_model.h.
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
