/* results_fixture.h - what the tests of result directories share
 * (test_results.c, test_results_commit.c): a small scenario of REPS
 * replications, reference sets of it run once per seed (setup), lbsim
 * spawned with a bounded wait, and a directory compared file by file with
 * the reference sets (set_among). */
#ifndef LB_TESTS_RESULTS_FIXTURE_H
#define LB_TESTS_RESULTS_FIXTURE_H

#include <glib.h>

#define REPS 3 /* the scenario's replications */

extern gchar *tmpdir, *ini;      /* the suite's directory and the scenario file in it */
extern const char *const seeds[2];
extern gchar *ref[2];            /* reference sets of seeds[0], seeds[1] (REPS replications) */
extern gchar *ref2[2];           /* the same of 2 replications */
extern double ref_wall_s;        /* one reference run's wall time */
extern gboolean quiet;           /* set_among() says nothing (a check expected to fail) */

/* lbsim run ini --quiet --seed seed [--set scenario.replications=reps]
 * -o dir (reps 0: the scenario's), with envp (NULL: ours); stderr on *err_fd. */
GPid spawn_run_with(const char *dir, const char *seed, unsigned reps, gchar **envp, int *err_fd);
GPid spawn_run(const char *dir, const char *seed, int *err_fd);
/* Waits for pid at most 120 s (then kills it: a hang fails); its exit
 * status, or 128 + signal. */
int wait_bounded(GPid pid);
/* spawn_run_with / spawn_run, then wait_bounded. */
int run_sync_with(const char *dir, const char *seed, unsigned reps);
int run_sync(const char *dir, const char *seed);
gboolean same_file(const char *a, const char *b);
/* "rep<digits>" exactly */
gboolean is_rep(const char *name, unsigned *r);
/* Whether rep holds the files of want (a reference's rep<r>/) and no
 * others: byte for byte, run.json by its seed; 0 when it does. */
int same_rep(const char *rep, const char *want, const char *seed);
/* Which of the reference sets refs[k] (seed seed_of[k]) dir equals; -1
 * when it has no summary.csv (no complete set); -2 when it is mixed or
 * stale (a message says what).  leftovers: whether staged names (*.tmp*)
 * are allowed (right after a kill). */
int set_among(const char *dir, const char *const *refs, const char *const *seed_of, int n_refs, gboolean leftovers);
/* set_among() the two reference sets of REPS replications. */
int set_of(const char *dir, gboolean leftovers);
/* results_set_complete() agrees with the reference check s (set_among()). */
void check_complete_agrees(const char *dir, int s);
/* A copy of the tree src at dst (files and directories). */
gboolean copy_tree(const char *src, const char *dst);
/* Everything readable from fd, which it closes (g_free). */
gchar *read_fd(int fd);

/* The suite's setup (the reference sets) and teardown. */
int setup(void);
int teardown(void);

/* test_results_commit.c */
void test_die_before_each_commit_step(void);
void test_set_complete(void);

#endif
