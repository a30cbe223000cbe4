/* sweep.h - parameter studies (campaigns): a scenario's [sweep] grid times
 * its replications, run as independent `lbsim run` processes by GNU
 * parallel (sweep.c) or a Slurm array (slurm.h), kept in a campaign
 * directory described by campaign.json (campaign.h), then merged into
 * sweep.csv (mean, standard deviation and 95% Student-t confidence interval
 * per point: stats.h) and runs.csv (every run): sweep_merge.c.
 * doc/outputs.md, "Campaigns". */
#ifndef LB_CLI_SWEEP_H
#define LB_CLI_SWEEP_H

#include <glib.h>
#include <stdint.h>

/* One run: replication rep of the point with id point. */
struct sweep_run {
	unsigned point;
	uint32_t rep;
	gchar *id;  /* "p<point>-r<rep>" */
	gchar *cmd; /* the complete `lbsim run` command line (absolute paths) */
	gchar *dir; /* <campaign>/runs/p<point> */
};

/* What one `lbsim sweep` asks of its campaign: n_points points of the
 * scenario's grid (grid order: the first swept key varies slowest) times
 * replications 0 .. reps - 1.  A point's id is the campaign's (stable: given
 * in order of first appearance, campaign.json "points"), so it names the
 * run directories runs/p<id>/ whatever values are added later. */
struct sweep_request {
	gchar *dir;      /* the campaign directory, absolute */
	size_t n_axes;
	gchar **keys;    /* the swept keys in the scenario's order (n_axes) */
	size_t n_points;
	unsigned *ids;   /* each point's id */
	gchar ***values; /* each point's values (n_axes each, as the campaign first recorded them) */
	uint32_t reps;
	GPtrArray *runs; /* struct sweep_run *, point by point, then by replication */
};

void sweep_request_free(struct sweep_request *rq);
/* <run dir>/rep<R>/summary.csv (g_free). */
gchar *sweep_run_summary(const struct sweep_run *r);
/* TRUE when the run is complete (its summary.csv exists). */
gboolean sweep_run_complete(const struct sweep_run *r);
/* Writes path: one line per run of rq (only_missing: per run not complete),
 * "<id>\t<command>"; *n: the lines written. */
gboolean sweep_write_run_list(const char *path, const struct sweep_request *rq, gboolean only_missing, unsigned *n,
			      GError **err);

/* Merges the complete runs of rq into DIR/runs.csv and DIR/sweep.csv.
 * Returns the exit status: 0, or 1 when a run is missing (named on
 * stderr) or on an I/O error. */
int sweep_merge(const struct sweep_request *rq, gboolean quiet);

/* `lbsim sweep FILE [options]` (argv[0] = "sweep"): returns the exit status
 * (0; 1 on a failed run, merge or missing runs; 2 on bad input or a refused
 * resume). */
int sweep_cli(int argc, char **argv);

#endif
