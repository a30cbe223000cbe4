/* sweep.h - parameter studies: a scenario's [sweep] grid times its
 * replications, run as independent `lbsim run` processes by GNU parallel,
 * then merged into sweep.csv (mean, standard deviation and 95% Student-t
 * confidence interval per parameter point) and runs.csv (every run). */
#ifndef LB_CLI_SWEEP_H
#define LB_CLI_SWEEP_H

#include <glib.h>

#include "scenario.h"

struct sweep_opts {
	const char *self;      /* path of the lbsim executable */
	const char *out_dir;   /* campaign directory */
	unsigned jobs;         /* parallel jobs (0: number of cores) */
	const char *hosts;     /* GNU parallel --sshloginfile, or NULL */
	gboolean emit_slurm;   /* write the Slurm script and run list, run nothing */
	gboolean merge_only;   /* only merge what is complete */
	const char *const *sets; /* the user's --set overrides, NULL-terminated */
};

/* Returns the process exit status (0, 1 on a failed run or merge, 2 on bad input). */
int sweep_main(const char *file, const struct scenario *sc, const struct sweep_opts *o);
/* `lbsim sweep FILE [options]` (argv[0] = "sweep"): parses and calls sweep_main. */
int sweep_cli(int argc, char **argv);

#endif
