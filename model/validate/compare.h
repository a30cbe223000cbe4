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

/* What an earlier run's real/summary.csv holds (lbsim validate --real):
 * the number of repetitions and the scenario, failover and node count of
 * its first row.  FALSE with err set when missing, empty or malformed. */
struct lbv_real_info {
	unsigned reps, nodes;
	gchar *scenario, *failover;
};
gboolean lbv_real_info(const char *real_dir, struct lbv_real_info *info, GError **err);
void lbv_real_info_clear(struct lbv_real_info *info);

/* The component timing of the real repetitions (each rep<r>/timing.csv,
 * model/validate/real_timing.c), per trigger (advertise, restore,
 * bfd_down, hold_expiry) and step (config_s, node_queue_s, to_router_s,
 * router_s, fib_s): n, mean, sd, min, median, max, into out_csv
 * (lbv_timing_header) and a table in milliseconds.  FALSE with err set on
 * a missing or malformed file. */
extern const char lbv_timing_header[];
gboolean lbv_timing_summary(const char *real_dir, const char *out_csv, GString *table, GError **err);

#endif
