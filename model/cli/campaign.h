/* campaign.h - a campaign directory's record, DIR/campaign.json (json-glib),
 * and the rules for resuming it (doc/outputs.md, "Campaigns").
 *
 * campaign.json holds the provenance of the latest `lbsim sweep` that
 * wrote it (as run.json's: output_provenance(), with wall_time_s), and:
 *   overrides   the remembered --set (and --seed) values, applied to the
 *               scenario before the command line's own: given once, at the
 *               first sweep or emit, later sweeps, emits and merges need not
 *               repeat them
 *   parameters  the resolved base parameters, as `lbsim describe` writes them
 *               (group -> key -> value text with its unit), without the
 *               replications, the swept keys, the scheduler and output.dir
 *   axes        the swept keys and every value any request had, in order of
 *               first appearance
 *   points      each point's stable id and its values (ids in order of first
 *               appearance: added values never renumber existing points)
 *   replications the most any request had
 *   slurm       the remembered site options of --emit-slurm
 *   history     one entry per `lbsim sweep` on the campaign (action sweep,
 *               emit or merge; commit, host, UTC start, command line, wall
 *               time, the points and replications asked for)
 *
 * Resume rules (campaign_admit): the base parameters must be the
 * campaign's, and the swept keys too; otherwise the resume is refused,
 * naming the first key that differs with both values.  The replications and
 * the swept keys' values may change: new ones extend the campaign (new
 * points get new ids), fewer ask for a subset (run and merge just that; the
 * rest stays on disk).  Another lbsim commit than the one that made the
 * campaign's runs gets a warning (campaign_commit_warning).
 *
 * Not thread-safe; the caller holds the campaign directory's lock. */
#ifndef LB_CLI_CAMPAIGN_H
#define LB_CLI_CAMPAIGN_H

#include <glib.h>

#include "scenario.h"
#include "slurm.h"
#include "sweep.h"

struct campaign;

/* Reads dir/campaign.json; a campaign with none recorded yet (a new one)
 * when there is none.  NULL and err set when it cannot be read or parsed,
 * or when dir has runs but no campaign.json. */
struct campaign *campaign_open(const char *dir, GError **err);
void campaign_free(struct campaign *c);

/* The remembered overrides, NULL-terminated (owned by c; empty for a new
 * campaign). */
const char *const *campaign_overrides(const struct campaign *c);

/* Checks sc, loaded from file with campaign_overrides() then the command
 * line's overrides, against the campaign; a new campaign takes sc's.
 * user_sets: the command line's --set and --seed values (not output.dir),
 * remembered from now on (one per key: a later value replaces an earlier);
 * NULL for a --merge, which remembers nothing.
 * FALSE and err (naming the first key that differs, with both values) when
 * the resume is refused. */
gboolean campaign_admit(struct campaign *c, const char *file, const struct scenario *sc,
			const char *const *user_sets, GError **err);

/* A warning (g_free) when runs of the campaign were made or emitted by
 * another lbsim commit than this one, naming both; NULL otherwise. */
gchar *campaign_commit_warning(const struct campaign *c);

/* What sc asks for (its grid times its replications), new points added to
 * the campaign with new ids; the runs' command lines run self on the
 * campaign's scenario copy with the remembered overrides and the point's
 * values.  file and overrides load sc again (values are compared as the
 * loader resolves them: 3s and 3000ms are one value). */
struct sweep_request *campaign_request(struct campaign *c, const char *file, const char *const *overrides,
				       const struct scenario *sc, const char *self);

/* The path of the campaign's copy of the scenario (absolute, g_free):
 * <dir>/scenario/<file name of the first sweep's file>, the name as UTF-8
 * (g_filename_display_name(): a byte that is not becomes U+FFFD). */
gchar *campaign_snapshot(const struct campaign *c);

/* The remembered site options with given's fields over them (remembered
 * from now on); owned by c. */
const struct slurm_site *campaign_slurm(struct campaign *c, const struct slurm_site *given);

/* Starts this invocation's history entry: action "sweep", "emit" or
 * "merge", the request, the runs it will run or emit (emit: its number). */
void campaign_begin(struct campaign *c, const char *action, const char *file, const struct sweep_request *rq,
		    unsigned to_run, unsigned emit);
/* Sets this invocation's wall time (seconds since it started). */
void campaign_end(struct campaign *c, double wall_s);
/* Writes dir/campaign.json (atomically). */
gboolean campaign_save(const struct campaign *c, GError **err);

#endif
