/* stats.c - see stats.h. */
#include "stats.h"

#include <math.h>

void stats_add(struct stats *s, double x)
{
	s->n++;
	double d = x - s->mean;
	s->mean += d / (double)s->n;
	s->m2 += d * (x - s->mean);
}

double stats_sd(const struct stats *s)
{
	return s->n > 1 && s->m2 > 0 ? sqrt(s->m2 / (double)(s->n - 1)) : 0;
}

double stats_ci95(const struct stats *s)
{
	return s->n > 1 ? stats_t975(s->n - 1) * stats_sd(s) / sqrt((double)s->n) : 0;
}

/* Exact to 6 decimals for df <= 30 (standard tables); beyond, the
 * Cornish-Fisher expansion around z = 1.959964 (Abramowitz and Stegun
 * 26.7.5; error < 1e-5). */
double stats_t975(unsigned long df)
{
	static const double t[] = {0,        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912,
				   2.364624, 2.306004,  2.262157, 2.228139, 2.200985, 2.178813, 2.160369,
				   2.144787, 2.131450,  2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
				   2.079614, 2.073873,  2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
				   2.048407, 2.045230,  2.042272};
	if (df == 0)
		return 0;
	if (df <= 30)
		return t[df];
	double z = 1.959964, n = (double)df, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
	return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}
