/* stats.h - the per-point statistics of a campaign's sweep.csv: mean,
 * sample standard deviation and the half-width of the two-sided 95%
 * Student-t confidence interval of the mean.
 *
 * Welford's online update (B. P. Welford, "Note on a method for calculating
 * corrected sums of squares and products", Technometrics 4(3), 1962; Knuth,
 * TAOCP vol. 2, 3rd ed., section 4.2.2, recurrences (15) and (16)): after n
 * values, mean is their mean and m2 the sum of squared deviations from it,
 * each updated from the deviation of the new value, so no large sum of
 * squares is ever subtracted from another.  The textbook
 * (sum x^2 - n mean^2) / (n - 1) cancels catastrophically when the values
 * are large next to their spread (sum x^2 is past 2^53): for 81401000,
 * 81401001, 81401002 it gives sd 0 instead of 1; for 81401000 + i,
 * i = 0..9, 3.12694 instead of 3.02765 (x86-64, gcc; the issue saw 0).
 * Welford gives 3.02765 (tests/sim/test_sweep_campaign.c). */
#ifndef LB_CLI_STATS_H
#define LB_CLI_STATS_H

struct stats {
	unsigned long n;
	double mean;
	double m2; /* sum of squared deviations from mean */
};

/* Adds one value. */
void stats_add(struct stats *s, double x);
/* The sample standard deviation (n - 1 in the denominator); 0 when n < 2. */
double stats_sd(const struct stats *s);
/* t(0.975, n - 1) x sd / sqrt(n); 0 when n < 2. */
double stats_ci95(const struct stats *s);
/* The 0.975 quantile of Student's t with df degrees of freedom; 0 for df 0. */
double stats_t975(unsigned long df);

#endif
