/* slurm.h - a campaign on a Slurm cluster (`lbsim sweep --emit-slurm`).
 *
 * Emit N (N = 1, 2, ...: one more than the campaign's last) writes, and never
 * rewrites:
 *   runs-<N>.list    the runs of the request not complete now, one line each
 *   sweep-<N>.slurm  the array job: task k runs line k of runs-<N>.list
 *   merge-<N>.slurm  the merge job: `lbsim sweep <copy> -o DIR --merge` with
 *                    scenario/emit-<N>/<file>, this emit's copy of the
 *                    scenario, so it merges what this emit asked for
 *   submit-<N>.sh    submits both: `sbatch --parsable sweep-<N>.slurm`, then
 *                    `sbatch --dependency=afterany:<array id> merge-<N>.slurm`
 *                    (afterany: the merge starts once every task has ended,
 *                    done or failed, and names any run that is missing)
 * The site's options (--slurm-time, -partition, -account, -mem and every
 * --slurm-option) become #SBATCH lines of both job scripts, each one
 * argument however sbatch splits the line. */
#ifndef LB_CLI_SLURM_H
#define LB_CLI_SLURM_H

#include <glib.h>

#include "sweep.h"

/* The site's sbatch options; NULL or empty: not given.  A campaign
 * remembers them (campaign.json "slurm"). */
struct slurm_site {
	gchar *time, *partition, *account, *mem;
	gchar **options; /* whole sbatch options, "--qos=high" (NULL-terminated) */
};

/* Copies src's given fields over dst's (options: all of them, when src
 * has any). */
void slurm_site_update(struct slurm_site *dst, const struct slurm_site *src);
void slurm_site_clear(struct slurm_site *s);
/* Checks the options can go on #SBATCH lines: no line break; every option
 * starts with '-' and is not --array or --dependency (lbsim's own).  FALSE
 * and err naming the option otherwise. */
gboolean slurm_site_check(const struct slurm_site *s, GError **err);

/* Writes emit N's four files for the runs of rq not complete (*emitted:
 * their count; 0 and nothing written when none is missing).  self: the
 * lbsim the scripts call; scenario_copy: the path of this emit's scenario
 * copy, written by the caller (slurm_emit_number() gives N); sets: the
 * overrides this emit's request was made with (remembered and given), which
 * the merge job passes again, so it merges this emit's request whatever a
 * later emit remembers.  Returns the exit status (0, 1 on an I/O error, 2
 * on a path no script can hold). */
int slurm_emit(const struct sweep_request *rq, unsigned n, const struct slurm_site *site, const char *self,
	       const char *scenario_copy, const char *const *sets, unsigned *emitted);
/* One more than the largest N of dir's runs-<N>.list, sweep-<N>.slurm,
 * merge-<N>.slurm and submit-<N>.sh. */
unsigned slurm_emit_number(const char *dir);

#endif
