/* test_results_commit.c - a run killed just before each step of its
 * commit (the test hook of results.h), and results_set_complete(), against
 * the reference sets of results_fixture.c. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cu_main.h"
#include "results.h"
#include "results_fixture.h"

/* A run of new_seed (new_reps replications) replaces the whole set of
 * old_ref, and the hook (RESULTS_TEST_DIE_AT_COMMIT_STEP, results.h) kills
 * it just before commit step k, for k = 0, 1, ... until a run completes:
 * that k must be the commit's number of steps, 3 + 2n + s (results.h;
 * n = new_reps, s = the old set's rep<k>/ beyond them).  After each death
 * the directory holds the old set (a kill before step 2) or no summary.csv
 * (from step 2 on), as results.h says; never a mixed or stale set, which
 * set_among() finds file by file against the old reference and a clean
 * reference of the new set; results_set_complete() agrees.  Then a normal
 * run cleans what the dead one left and leaves the new set whole. */
static void die_before_each_step(const char *label, const char *old_ref, const char *old_seed, unsigned old_reps,
				 const char *new_ref, const char *new_seed, unsigned new_reps)
{
	const char *refs[] = {old_ref, new_ref}, *seed_of[] = {old_seed, new_seed};
	unsigned stale = old_reps > new_reps ? old_reps - new_reps : 0;
	int steps = 3 + 2 * (int)new_reps + (int)stale; /* results.h: a whole run's commit */
	GString *states = g_string_new(NULL);
	int k, mixed = 0;
	for (k = 0; k < 64; k++) {
		g_autofree gchar *dir = g_strdup_printf("%s/die-%s-%d", tmpdir, label, k);
		CU_ASSERT_FATAL(copy_tree(old_ref, dir));
		CU_ASSERT_EQUAL_FATAL(set_among(dir, refs, seed_of, 2, FALSE), 0);
		g_autofree gchar *at = g_strdup_printf("%d", k);
		gchar **env = g_environ_setenv(g_get_environ(), RESULTS_TEST_DIE_AT_COMMIT_STEP, at, TRUE);
		GPid pid = spawn_run_with(dir, new_seed, new_reps, env, NULL);
		g_strfreev(env);
		CU_ASSERT_FATAL(pid != 0);
		int rc = wait_bounded(pid);
		if (rc == 0) {
			CU_ASSERT_EQUAL(set_among(dir, refs, seed_of, 2, FALSE), 1);
			check_complete_agrees(dir, 1);
			lb_test_rmtree(dir);
			break;
		}
		CU_ASSERT_EQUAL(rc, 128 + SIGKILL);
		int s = set_among(dir, refs, seed_of, 2, TRUE);
		check_complete_agrees(dir, s);
		g_string_append_c(states, s == 0 ? 'o' : s == 1 ? 'n' : s == -1 ? '-' : 'X');
		mixed += s == -2;
		/* results.h: the old set before step 2, then no summary.csv */
		CU_ASSERT_EQUAL(s, k < 2 ? 0 : -1);
		/* the next run (no hook) cleans up and puts the new set in */
		CU_ASSERT_EQUAL(run_sync_with(dir, new_seed, new_reps), 0);
		int after = set_among(dir, refs, seed_of, 2, FALSE);
		CU_ASSERT_EQUAL(after, 1);
		check_complete_agrees(dir, after);
		lb_test_rmtree(dir);
	}
	fprintf(stderr,
		"\n  %s: %u replications of seed %s replaced by %u of seed %s: killed before steps 0..%d, "
		"the directory after each (o old set, - no summary.csv, n new, X mixed): %s; step %d: "
		"completed",
		label, old_reps, old_seed, new_reps, new_seed, k - 1, states->str, k);
	CU_ASSERT_EQUAL(k, steps); /* every step was covered, and there are as many as results.h says */
	CU_ASSERT_EQUAL(mixed, 0);
	g_string_free(states, TRUE);
}

/* Fewer replications (the stale rep2/'s removal is a step) and more (a
 * rep2/ to remove that is not there is one too). */
void test_die_before_each_commit_step(void)
{
	die_before_each_step("3to2", ref[0], seeds[0], REPS, ref2[1], seeds[1], 2);
	die_before_each_step("2to3", ref2[0], seeds[0], 2, ref[1], seeds[1], REPS);
}

/* results_set_complete(dir) is expect; when FALSE, its error has code and
 * a message holding needle. */
static void expect_complete(const char *dir, gboolean expect, gint code, const char *needle)
{
	GError *why = NULL;
	gboolean got = results_set_complete(dir, &why);
	CU_ASSERT_EQUAL(got, expect);
	if (expect) {
		CU_ASSERT_PTR_NULL(why);
	} else if (why) {
		CU_ASSERT_EQUAL(why->code, code);
		CU_ASSERT_PTR_NOT_NULL(strstr(why->message, needle));
		if (!strstr(why->message, needle))
			fprintf(stderr, "\n  %s: \"%s\" lacks \"%s\"", dir, why->message, needle);
	} else {
		CU_FAIL("no error set");
	}
	if (got != expect)
		fprintf(stderr, "\n  %s: results_set_complete() %s (%s)", dir, got ? "TRUE" : "FALSE",
			why ? why->message : "");
	g_clear_error(&why);
}

/* A fresh copy of seed 11's reference set of 3 replications, the n-th. */
static gchar *fresh_set(int n)
{
	gchar *dir = g_strdup_printf("%s/complete-%d", tmpdir, n);
	CU_ASSERT_FATAL(copy_tree(ref[0], dir));
	return dir;
}

/* results_set_complete() on sets made by hand from the reference sets:
 * whole ones pass (leftovers of killed runs and a user's own rep9/ do not
 * count); a missing manifest, a missing, mixed or stale replication, or a
 * manifest of other rows fail, naming the file. */
void test_set_complete(void)
{
	const gint noent = G_FILE_ERROR_NOENT, failed = G_FILE_ERROR_FAILED;
	int n = 0;
	{
		g_autofree gchar *dir = fresh_set(n++);
		expect_complete(dir, TRUE, 0, "");
		/* what killed runs leave, and a user's own directory */
		g_autofree gchar *staged = g_build_filename(dir, "rep0.tmp-77", NULL);
		CU_ASSERT(copy_tree(ref[1], staged));
		g_autofree gchar *staged_sum = g_build_filename(dir, "summary.csv.tmp-77", NULL);
		CU_ASSERT(g_file_set_contents(staged_sum, "x\n", -1, NULL));
		g_autofree gchar *mine = g_build_filename(dir, "rep9", NULL);
		g_autofree gchar *mine_sum = g_build_filename(mine, "summary.csv", NULL);
		CU_ASSERT(g_mkdir(mine, 0755) == 0);
		CU_ASSERT(g_file_set_contents(mine_sum, "mine\n", -1, NULL));
		expect_complete(dir, TRUE, 0, "");
		/* without a run.json, rep9/ is the user's; with one, a stale run's */
		g_autofree gchar *json = g_build_filename(dir, "rep0", "run.json", NULL);
		g_autofree gchar *mine_json = g_build_filename(mine, "run.json", NULL);
		CU_ASSERT(copy_tree(json, mine_json));
		expect_complete(dir, FALSE, failed, "rep9: a run's replication beyond the 3 rows");
	}
	{
		g_autofree gchar *dir = fresh_set(n++);
		g_autofree gchar *sum = g_build_filename(dir, "summary.csv", NULL);
		CU_ASSERT(g_unlink(sum) == 0); /* the state a kill inside the commit leaves */
		expect_complete(dir, FALSE, noent, "no summary.csv");
	}
	{
		/* a mixed set: rep1/ of the other seed beside seed 11's manifest */
		g_autofree gchar *dir = fresh_set(n++);
		g_autofree gchar *rep1 = g_build_filename(dir, "rep1", NULL);
		g_autofree gchar *other = g_build_filename(ref[1], "rep1", NULL);
		CU_ASSERT(lb_test_rmtree(rep1) == 0);
		CU_ASSERT(copy_tree(other, rep1));
		expect_complete(dir, FALSE, failed, "rep1/summary.csv: does not match row 2");
	}
	{
		/* a stale set: a manifest of 2 replications beside a run's rep2/ */
		g_autofree gchar *dir = fresh_set(n++);
		g_autofree gchar *sum = g_build_filename(dir, "summary.csv", NULL);
		g_autofree gchar *two = g_build_filename(ref2[0], "summary.csv", NULL);
		g_autofree gchar *rep2 = g_build_filename(dir, "rep2", NULL);
		CU_ASSERT(copy_tree(two, sum));
		expect_complete(dir, FALSE, failed, "rep2: a run's replication beyond the 2 rows");
		CU_ASSERT(lb_test_rmtree(rep2) == 0);
		expect_complete(dir, TRUE, 0, "");
	}
	{
		/* a replication missing, or half removed */
		g_autofree gchar *dir = fresh_set(n++);
		g_autofree gchar *rep2 = g_build_filename(dir, "rep2", NULL);
		g_autofree gchar *json = g_build_filename(dir, "rep1", "run.json", NULL);
		CU_ASSERT(g_unlink(json) == 0);
		expect_complete(dir, FALSE, noent, "rep1: missing");
		CU_ASSERT(lb_test_rmtree(rep2) == 0);
		expect_complete(dir, FALSE, noent, "rep1: missing");
	}
	{
		g_autofree gchar *dir = fresh_set(n++);
		g_autofree gchar *rep2 = g_build_filename(dir, "rep2", NULL);
		CU_ASSERT(lb_test_rmtree(rep2) == 0);
		expect_complete(dir, FALSE, noent, "rep2: missing");
	}
	{
		/* a manifest of the other seed's rows; a header only; nothing */
		g_autofree gchar *dir = fresh_set(n++);
		g_autofree gchar *sum = g_build_filename(dir, "summary.csv", NULL);
		g_autofree gchar *other = g_build_filename(ref[1], "summary.csv", NULL);
		CU_ASSERT(copy_tree(other, sum));
		expect_complete(dir, FALSE, failed, "rep0/summary.csv: does not match row 1");
		g_autofree gchar *text = NULL;
		CU_ASSERT_FATAL(g_file_get_contents(sum, &text, NULL, NULL) && strchr(text, '\n'));
		strchr(text, '\n')[1] = '\0';
		CU_ASSERT(g_file_set_contents(sum, text, -1, NULL));
		expect_complete(dir, FALSE, failed, "no header and rows");
		CU_ASSERT(g_file_set_contents(sum, "", 0, NULL));
		expect_complete(dir, FALSE, failed, "no header and rows");
	}
	{
		/* one row more than there are replications (rep2's again) */
		g_autofree gchar *dir = fresh_set(n++);
		g_autofree gchar *sum = g_build_filename(dir, "summary.csv", NULL);
		g_autofree gchar *own2 = g_build_filename(dir, "rep2", "summary.csv", NULL);
		g_autofree gchar *text = NULL, *row = NULL;
		CU_ASSERT_FATAL(g_file_get_contents(sum, &text, NULL, NULL));
		CU_ASSERT_FATAL(g_file_get_contents(own2, &row, NULL, NULL) && strchr(row, '\n'));
		g_autofree gchar *more = g_strconcat(text, strchr(row, '\n') + 1, NULL);
		CU_ASSERT(g_file_set_contents(sum, more, -1, NULL));
		expect_complete(dir, FALSE, noent, "rep3: missing");
	}
	{
		g_autofree gchar *dir = g_build_filename(tmpdir, "no-such-dir", NULL);
		expect_complete(dir, FALSE, noent, "no summary.csv");
	}
}
