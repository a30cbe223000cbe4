/* compare.h - real against simulated: per figure, the mean and standard
 * deviation over the repetitions of each side and their ratio sim/real
 * (DIR/comparison.csv; doc/validation.md). */
#ifndef LBV_COMPARE_H
#define LBV_COMPARE_H

#include <glib.h>

/* The columns of comparison.csv. */
extern const char lbv_comparison_header[];

/* Reads real_dir and sim_dir (each a summary.csv and rep<r>/events.csv, as
 * `lbsim run` writes them), writes out_csv and a human-readable table into
 * table.  FALSE with err set on a missing or malformed file. */
gboolean lbv_compare(const char *real_dir, const char *sim_dir, const char *out_csv, GString *table, GError **err);

/* Mean and sample standard deviation (n - 1) of the finite values of x;
 * n = how many; NAN when none (sd: when fewer than 2). */
void lbv_mean_sd(const double *x, size_t len, double *mean, double *sd, unsigned *n);

#endif
