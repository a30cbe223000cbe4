/* results.h - a run's result directory, changed as a whole (doc/outputs.md,
 * "Result directories").
 *
 * DIR holds summary.csv (one row per replication) and rep<r>/ per
 * replication.  summary.csv is the manifest, written last: when it exists,
 * it and every rep<r>/ beside it come from one run (no rep<k>/ beyond its
 * rows remains); a directory without it holds no complete result set.
 *
 * A run that writes every replication (results_open(.., whole = true))
 * builds each rep<r>/ under a private name (rep<r>.tmp-<pid>) beside the old
 * set, which stays as it was until every replication is complete; then it
 * removes summary.csv, moves each new rep<r>/ in place, removes stale
 * rep<k>/, and renames its summary.csv in.  A kill at any point leaves
 * either the old set, or the new one, or no summary.csv (and the next run
 * finishes the cleaning).  A run of one replication (whole = false, `lbsim
 * run --replication r`, the unit of a sweep) replaces rep<r>/ by one rename
 * and removes a summary.csv that no longer describes the directory.
 *
 * Writers lock DIR/.lbsim.lock with fcntl record locks (released by the
 * kernel when a process dies, also over NFS): a whole run locks the whole
 * file, a run of replication r the byte 1 + r, so runs of different
 * replications share a directory (a sweep's point) and any other second
 * writer is refused at once with a clear message.  Holding its lock, a
 * writer removes what killed writers left: every rep*.tmp* and
 * summary.csv.tmp* (whole), its own rep<r>.tmp* (one replication).
 *
 * Not thread-safe; one results object per process at a time. */
#ifndef LB_SIM_RESULTS_H
#define LB_SIM_RESULTS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct results;

/* Creates dir if needed, locks it for replications first..last-1 (whole:
 * the whole set) and cleans what killed writers left.  NULL and err set when
 * another writer holds a conflicting lock or on an I/O error. */
struct results *results_open(const char *dir, uint32_t first, uint32_t last, bool whole, GError **err);

/* The empty private directory replication r (first <= r < last) writes
 * into, created on the first call; NULL and err set on an I/O error. */
const char *results_stage(struct results *res, uint32_t r, GError **err);

/* Puts the staged replications in place (and, for a whole run, summary as
 * DIR/summary.csv, last); FALSE and err set on an I/O error. */
gboolean results_commit(struct results *res, const char *summary, gsize len, GError **err);

/* Removes what is staged and not committed, unlocks, and removes DIR when
 * results_open() created it and it is empty again.  NULL: no-op. */
void results_close(struct results *res);

/* Removes the tree at path (a file or a directory, symlinks not followed);
 * TRUE when nothing is left there. */
gboolean results_remove_tree(const char *path, GError **err);

#endif
