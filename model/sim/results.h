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
 * DIR/summary.csv, last); FALSE and err set on an I/O error.
 *
 * Its filesystem steps, numbered from 0 in the order they run (a step is
 * counted whether or not there was anything to remove):
 *
 *   whole run, staged rep<r>/ for r = 0..n-1, s stale rep<k>/ (k >= n,
 *   holding run.json) in DIR: 3 + 2n + s steps
 *     0          write summary.csv.tmp-<pid> (the new manifest, not in place)
 *     1          unlink summary.csv            (the old set stops being one)
 *     2 + 2i     remove the tree rep<i>/       (i = 0..n-1)
 *     3 + 2i     rename rep<i>.tmp-<pid>/ to rep<i>/
 *     2 + 2n + j remove the tree of the j-th stale rep<k>/ (j = 0..s-1)
 *     2 + 2n + s rename summary.csv.tmp-<pid> to summary.csv (the new set is one)
 *   one replication r: 3 steps
 *     0 unlink summary.csv, 1 remove the tree rep<r>/, 2 rename rep<r>.tmp-<pid>/
 *
 * A kill before step 2 (whole run) leaves the old set; from step 2 on, no
 * summary.csv until the last step makes the new set whole.  A tree's
 * removal is one step: a kill inside it leaves no summary.csv either.
 *
 * Test-only: when the environment holds RESULTS_TEST_DIE_AT_COMMIT_STEP=k,
 * the process kills itself with SIGKILL just before step k (no handler, no
 * cleaning: as kill -9 would); k at or beyond the number of steps, or not a
 * number, changes nothing.  tests/sim/test_results.c uses it to stop a run
 * before every step in turn; never set it elsewhere. */
#define RESULTS_TEST_DIE_AT_COMMIT_STEP "LBSIM_TEST_DIE_AT_COMMIT_STEP"
gboolean results_commit(struct results *res, const char *summary, gsize len, GError **err);

/* Removes what is staged and not committed, unlocks, and removes DIR when
 * results_open() created it and it is empty again.  NULL: no-op. */
void results_close(struct results *res);

/* Whether dir holds a complete result set, as a whole run's commit leaves
 * it: DIR/summary.csv (the manifest) is there with a header and N >= 1
 * rows; for r = 0..N-1, DIR/rep<r>/ holds run.json and a summary.csv whose
 * header is the manifest's and whose one row is the manifest's row r + 1,
 * byte for byte; and no rep<k>/ with k >= N holds a run.json (a user's own
 * rep<k>/ without one, and staged rep<r>.tmp*, are ignored).  FALSE and why
 * set (G_FILE_ERROR_NOENT: no summary.csv, or a rep<r>/ missing;
 * G_FILE_ERROR_FAILED: a mixed or stale set; or the error reading a file)
 * otherwise, the message naming the directory or file.  It takes no lock:
 * a writer at work in dir may change it after the answer.  A campaign's
 * runs/p<P>/ (runs of one replication each) has no summary.csv: FALSE. */
gboolean results_set_complete(const char *dir, GError **why);

/* Removes the tree at path (a file or a directory, symlinks not followed);
 * TRUE when nothing is left there. */
gboolean results_remove_tree(const char *path, GError **err);

#endif
