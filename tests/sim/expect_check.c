/* expect_check.c - see expect_check.h. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <math.h>

#include "e2e_run.h"
#include "expect_check.h"

gboolean expect_check_run(const char *name, const char *const *sets, struct expect_run *out)
{
	struct run r;
	if (!e2e_run(name, sets, NULL, &r)) {
		e2e_run_free(&r);
		return FALSE;
	}
	e2e_assert_balanced(&r);
	r.m.events = r.events; /* window_blackhole2_s reads the router's installs */
	expect_first_failure(r.sc, &out->x);
	for (int f = 0; f < EXP_N; f++)
		out->got[f] = expect_measured(f, &r.m, &r.s);
	r.m.events = NULL;
	e2e_run_free(&r);
	return TRUE;
}

uint32_t expect_check_seed(uint32_t index)
{
	uint32_t h = index + 0x9e3779b9u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return 1 + h % 0x7fffffffu;
}

double expect_rel_error(double got, double want)
{
	return want != 0 ? (got - want) / fabs(want) : got - want;
}

void expect_acc_add(struct expect_acc *a, double x)
{
	a->n++;
	a->sum += x;
	a->sum_sq += x * x;
}

double expect_acc_mean(const struct expect_acc *a, double *sd)
{
	double mean = a->sum / a->n;
	*sd = a->n > 1 ? sqrt(fmax(0, (a->sum_sq - a->n * mean * mean) / (a->n - 1))) : 0;
	return mean;
}
