/* expect_check.h - one run's measured figures beside their closed forms
 * (model/sim/expect.c), and the sums for a mean over runs.  Shared by
 * test_expect_grid.c and test_expect_more.c. */
#ifndef LB_TESTS_EXPECT_CHECK_H
#define LB_TESTS_EXPECT_CHECK_H
#include <glib.h>
#include <stdint.h>

#include "expect.h"

struct expect_run {
	struct expectation x; /* the closed forms of the run's scenario */
	double got[EXP_N];    /* expect_measured; NAN: the run has no such figure */
};

/* Runs scenario `name` (e2e_load's names) with overrides, asserts its
 * accounting balanced, and fills `out`.  FALSE when the run fails. */
gboolean expect_check_run(const char *name, const char *const *sets, struct expect_run *out);

/* A seed per index, far from its neighbours' (murmur3's finaliser): ns-3
 * seeds MRG32k3a with (s, ..., s), so the first draws of nearby seeds are
 * nearly an arithmetic progression and would give related timer phases. */
uint32_t expect_check_seed(uint32_t index);

/* (got - want) / |want|; got - want when want = 0. */
double expect_rel_error(double got, double want);

/* Sums of values, for their mean and spread over a group of runs. */
struct expect_acc {
	unsigned n;
	double sum, sum_sq;
};
void expect_acc_add(struct expect_acc *a, double x);
/* The mean; *sd the sample standard deviation (0 for one value). */
double expect_acc_mean(const struct expect_acc *a, double *sd);
#endif
