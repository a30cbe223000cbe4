/* test_results.c - result directories under kills and concurrency (issue 14,
 * defects 4, 5 and 9), with the lbsim program itself.
 *
 * A result set is DIR/summary.csv and DIR/rep<r>/.  Every check compares
 * what is in DIR with reference sets run beforehand, one per seed, file by
 * file (run.json by its seed: its wall time differs): a set is "whole" when
 * summary.csv and every rep<r>/ are byte-identical to one reference and no
 * other rep<k>/ is there; without summary.csv the directory holds no
 * complete set (results.h), which is allowed only between a kill and the
 * next run.  Mixed (files of two runs) or stale (an old summary.csv beside
 * a new rep<r>/) sets fail.
 *
 * results.c is compiled into this program (its meson target links only
 * GLib and CUnit) for results_set_complete() and the commit's step hook. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cu_main.h"
#include "../../model/sim/results.c"

static gchar *tmpdir, *ini;

/* 3 replications of about 60 ms each: kills land in every phase */
static const char scenario[] = "[scenario]\nname = kill\nduration = 400ms\nreplications = 3\nbin = 10ms\n"
			       "[traffic]\ninitial_flows = 300\nflow_arrival_rate = 200\npacket_rate = 200\n"
			       "[failure.1]\nat = 20ms\nkind = crash\nnode = 1\n";
#define REPS 3
static const char *const seeds[] = {"11", "12"};
static gchar *ref[2]; /* reference sets of seeds[0], seeds[1] */
static gchar *ref2[2]; /* the same of 2 replications */
static double ref_wall_s;
static gboolean quiet; /* set_of() says nothing (a check expected to fail) */

/* lbsim run ini --quiet --seed seed [--set scenario.replications=reps]
 * -o dir (reps 0: the scenario's), with envp (NULL: ours). */
static GPid spawn_run_with(const char *dir, const char *seed, unsigned reps, gchar **envp, int *err_fd)
{
	g_autofree gchar *set = g_strdup_printf("scenario.replications=%u", reps);
	const char *argv[] = {LBSIM_PATH, "run", ini, "--quiet", "--seed", seed, "-o", dir, "--set", set, NULL};
	if (reps == 0)
		argv[8] = NULL;
	GPid pid = 0;
	GError *e = NULL;
	GSpawnFlags fl = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | (err_fd ? 0 : G_SPAWN_STDERR_TO_DEV_NULL);
	if (!g_spawn_async_with_pipes(NULL, (gchar **)argv, envp, fl, NULL, NULL, &pid, NULL, NULL, err_fd, &e)) {
		fprintf(stderr, "spawn: %s\n", e->message);
		g_error_free(e);
		return 0;
	}
	return pid;
}

static GPid spawn_run(const char *dir, const char *seed, int *err_fd)
{
	return spawn_run_with(dir, seed, 0, NULL, err_fd);
}

/* Waits for pid at most 120 s (then kills it: a hang fails); its exit
 * status, or 128 + signal. */
static int wait_bounded(GPid pid)
{
	int status = 0;
	for (int i = 0; i < 120000; i++) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		g_usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CU_FAIL("lbsim did not finish within 120 s");
	return -1;
}

static int run_sync_with(const char *dir, const char *seed, unsigned reps)
{
	GPid pid = spawn_run_with(dir, seed, reps, NULL, NULL);
	return pid ? wait_bounded(pid) : -1;
}

static int run_sync(const char *dir, const char *seed)
{
	return run_sync_with(dir, seed, 0);
}

static gboolean same_file(const char *a, const char *b)
{
	g_autofree gchar *x = NULL, *y = NULL;
	gsize lx = 0, ly = 0;
	return g_file_get_contents(a, &x, &lx, NULL) && g_file_get_contents(b, &y, &ly, NULL) && lx == ly &&
	       memcmp(x, y, lx) == 0;
}

/* "rep<digits>" exactly */
static gboolean is_rep(const char *name, unsigned *r)
{
	if (strncmp(name, "rep", 3) != 0 || !name[3])
		return FALSE;
	for (const char *p = name + 3; *p; p++)
		if (!g_ascii_isdigit(*p))
			return FALSE;
	*r = (unsigned)atoi(name + 3);
	return TRUE;
}

/* Whether rep (a rep<r>/ in the directory checked) holds the files of
 * want (the reference's rep<r>/) and no others: byte for byte, run.json by
 * its seed (its wall time differs); a message for each that differs. */
static int same_rep(const char *rep, const char *want, const char *seed)
{
	int bad = 0;
	g_autoptr(GDir) d = g_dir_open(want, 0, NULL);
	const char *name;
	unsigned n_want = 0, n_have = 0;
	while (d && (name = g_dir_read_name(d))) {
		n_want++;
		g_autofree gchar *a = g_build_filename(rep, name, NULL);
		g_autofree gchar *b = g_build_filename(want, name, NULL);
		if (strcmp(name, "run.json") == 0) {
			g_autofree gchar *text = NULL;
			g_autofree gchar *seed_line = g_strdup_printf("\"seed\": %s,", seed);
			if (!g_file_get_contents(a, &text, NULL, NULL) || !strstr(text, seed_line)) {
				fprintf(stderr, "\n  %s: not seed %s's", a, seed);
				bad++;
			}
		} else if (!same_file(a, b)) {
			fprintf(stderr, "\n  %s: not seed %s's (a mixed or stale set)", a, seed);
			bad++;
		}
	}
	g_autoptr(GDir) h = g_dir_open(rep, 0, NULL);
	while (h && g_dir_read_name(h))
		n_have++;
	if (n_want == 0 || n_have != n_want) {
		fprintf(stderr, "\n  %s: %u files, seed %s's reference has %u", rep, n_have, seed, n_want);
		bad++;
	}
	return bad;
}

/* What DIR holds: the index k of the reference set refs[k] (a whole run of
 * seed seed_of[k]; its replications are its rep<r>/) that it equals; -1
 * when it has no summary.csv (no complete set); -2 when it is mixed or
 * stale (a message says what).  leftovers: whether staged names (*.tmp*)
 * are allowed (right after a kill). */
static int set_among(const char *dir, const char *const *refs, const char *const *seed_of, int n_refs,
		     gboolean leftovers)
{
	g_autofree gchar *sum = g_build_filename(dir, "summary.csv", NULL);
	gboolean marked = g_file_test(sum, G_FILE_TEST_EXISTS);
	int which = -1;
	for (int k = 0; k < n_refs && marked; k++) {
		g_autofree gchar *rs = g_build_filename(refs[k], "summary.csv", NULL);
		if (same_file(sum, rs))
			which = k;
	}
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	int bad = 0;
	while (d && (name = g_dir_read_name(d))) {
		unsigned r;
		if (strcmp(name, "summary.csv") == 0 || strcmp(name, ".lbsim.lock") == 0)
			continue;
		if (strstr(name, ".tmp")) {
			if (!leftovers) {
				if (!quiet)
					fprintf(stderr, "\n  %s/%s: a leftover after a complete run", dir, name);
				bad++;
			}
			continue;
		}
		if (!is_rep(name, &r)) {
			fprintf(stderr, "\n  %s/%s: unexpected", dir, name);
			bad++;
			continue;
		}
		if (!marked)
			continue; /* no complete set: rep<r>/ of any run may be there */
		g_autofree gchar *want = which < 0 ? NULL : g_build_filename(refs[which], name, NULL);
		if (which < 0 || !g_file_test(want, G_FILE_TEST_IS_DIR)) {
			fprintf(stderr, "\n  %s/%s: beside a summary.csv of %s", dir, name,
				which < 0 ? "neither reference" : "fewer replications");
			bad++;
			continue;
		}
		g_autofree gchar *have = g_build_filename(dir, name, NULL);
		bad += same_rep(have, want, seed_of[which]);
	}
	if (marked && which < 0) {
		fprintf(stderr, "\n  %s: matches no reference", sum);
		bad++;
	} else if (marked) {
		g_autoptr(GDir) w = g_dir_open(refs[which], 0, NULL);
		while (w && (name = g_dir_read_name(w))) {
			unsigned r;
			g_autofree gchar *p = g_build_filename(dir, name, NULL);
			if (is_rep(name, &r) && !g_file_test(p, G_FILE_TEST_IS_DIR)) {
				fprintf(stderr, "\n  %s: missing beside summary.csv", p);
				bad++;
			}
		}
	}
	return bad ? -2 : which;
}

/* set_among() the two reference sets of REPS replications, seeds[0] and
 * seeds[1] */
static int set_of(const char *dir, gboolean leftovers)
{
	return set_among(dir, (const char *const *)ref, seeds, 2, leftovers);
}

/* results_set_complete() agrees with the reference check s (set_among()):
 * complete exactly when s names a reference (a mixed set, -2, is failed
 * by its caller already). */
static void check_complete_agrees(const char *dir, int s)
{
	if (s == -2)
		return;
	GError *why = NULL;
	gboolean complete = results_set_complete(dir, &why);
	CU_ASSERT_EQUAL(complete, s >= 0);
	if (complete != (s >= 0))
		fprintf(stderr, "\n  %s: results_set_complete() says %s (%s), the references %d", dir,
			complete ? "complete" : "not complete", why ? why->message : "", s);
	g_clear_error(&why);
}

static int setup(void)
{
	tmpdir = g_dir_make_tmp("lbsim-results-XXXXXX", NULL);
	if (!tmpdir)
		return 1;
	ini = g_build_filename(tmpdir, "kill.ini", NULL);
	if (!g_file_set_contents(ini, scenario, -1, NULL))
		return 1;
	GTimer *t = g_timer_new();
	for (int k = 0; k < 2; k++) {
		ref[k] = g_strdup_printf("%s/ref-%s", tmpdir, seeds[k]);
		if (run_sync(ref[k], seeds[k]) != 0)
			return 1;
	}
	ref_wall_s = g_timer_elapsed(t, NULL) / 2;
	g_timer_destroy(t);
	for (int k = 0; k < 2; k++) {
		ref2[k] = g_strdup_printf("%s/ref-%s-2", tmpdir, seeds[k]);
		if (run_sync_with(ref2[k], seeds[k], 2) != 0)
			return 1;
	}
	fprintf(stderr, "\n  one run of %d replications: %.3f s", REPS, ref_wall_s);
	return 0;
}

static int teardown(void)
{
	int rc = lb_test_rmtree(tmpdir);
	for (int k = 0; k < 2; k++) {
		g_free(ref[k]);
		g_free(ref2[k]);
	}
	g_free(ini);
	g_free(tmpdir);
	return rc == 0 ? 0 : 1;
}

/* Whether the run writing into dir has finished its replication 0 and
 * started replication 1 (rep1 is staged: rep1.tmp, the old name, or
 * rep1.tmp-PID; the old set has only rep1/). */
static gboolean second_replication_started(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)))
		if (g_str_has_prefix(name, "rep1.tmp"))
			return TRUE;
	return FALSE;
}

/* Defect 4: a re-run into a directory holding a complete set, killed once
 * its new replication 0 is complete (while replication 1 runs), must leave
 * the old set whole (it left the new rep0/ beside the old summary.csv,
 * rep1/, rep2/). */
static void test_kill_after_first_replication(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "stale", NULL);
	CU_ASSERT_EQUAL_FATAL(run_sync(dir, seeds[0]), 0);
	CU_ASSERT_EQUAL_FATAL(set_of(dir, FALSE), 0);
	GPid pid = spawn_run(dir, seeds[1], NULL);
	CU_ASSERT_FATAL(pid != 0);
	gboolean seen = FALSE;
	for (int i = 0; i < 20000 && !seen; i++) {
		seen = second_replication_started(dir);
		if (!seen)
			g_usleep(500);
	}
	kill(pid, SIGKILL);
	wait_bounded(pid);
	CU_ASSERT_TRUE(seen);
	CU_ASSERT_EQUAL(set_of(dir, TRUE), 0); /* the old set, whole */
	/* the next run cleans what the killed one left and replaces the set */
	CU_ASSERT_EQUAL(run_sync(dir, seeds[1]), 0);
	CU_ASSERT_EQUAL(set_of(dir, FALSE), 1);
}

/* kill -9 at 20 random points of a run that replaces another seed's set
 * (every fourth just as it puts its set in place):
 * after each kill the directory holds the old set, the new one, or no
 * summary.csv; never a mixed or stale one.  The next run cleans up. */
static void test_kill_at_random_points(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "kills", NULL);
	CU_ASSERT_EQUAL_FATAL(run_sync(dir, seeds[0]), 0);
	int have = 0, old = 0, new = 0, none = 0, mixed = 0;
	GRand *rng = g_rand_new_with_seed(14);
	for (int i = 0; i < 20; i++) {
		int want = 1 - have;
		GPid pid = spawn_run(dir, seeds[want], NULL);
		CU_ASSERT_FATAL(pid != 0);
		if (i % 4 == 3) {
			/* into the commit: once the last replication is staged whole */
			g_autofree gchar *last = g_strdup_printf("%s/rep%d.tmp-%ld/run.json", dir, REPS - 1, (long)pid);
			for (int k = 0; k < 20000 && !g_file_test(last, G_FILE_TEST_EXISTS); k++)
				g_usleep(200);
			g_usleep((gulong)g_rand_int_range(rng, 0, 3000));
		} else {
			g_usleep((gulong)(g_rand_double(rng) * 1.2 * ref_wall_s * G_USEC_PER_SEC));
		}
		kill(pid, SIGKILL);
		wait_bounded(pid);
		int s = set_of(dir, TRUE);
		check_complete_agrees(dir, s);
		if (s == -2) {
			mixed++;
		} else if (s == -1) {
			none++;
			/* no complete set: a whole run puts one back */
			CU_ASSERT_EQUAL(run_sync(dir, seeds[want]), 0);
			CU_ASSERT_EQUAL(set_of(dir, FALSE), want);
			have = want;
		} else {
			old += s == have;
			new += s == want;
			have = s;
		}
	}
	g_rand_free(rng);
	fprintf(stderr, "\n  20 kills: old set %d, new set %d, no summary %d, mixed or stale %d", old, new, none, mixed);
	CU_ASSERT_EQUAL(mixed, 0);
	CU_ASSERT_EQUAL(run_sync(dir, seeds[1 - have]), 0);
	CU_ASSERT_EQUAL(set_of(dir, FALSE), 1 - have); /* nothing left over */
}

/* A copy of the tree src at dst (files and directories). */
static gboolean copy_tree(const char *src, const char *dst)
{
	if (!g_file_test(src, G_FILE_TEST_IS_DIR)) {
		g_autofree gchar *text = NULL;
		gsize len = 0;
		return g_file_get_contents(src, &text, &len, NULL) && g_file_set_contents(dst, text, (gssize)len, NULL);
	}
	if (g_mkdir_with_parents(dst, 0755) != 0)
		return FALSE;
	g_autoptr(GDir) d = g_dir_open(src, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		g_autofree gchar *a = g_build_filename(src, name, NULL);
		g_autofree gchar *b = g_build_filename(dst, name, NULL);
		if (!copy_tree(a, b))
			return FALSE;
	}
	return d != NULL;
}

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
static void test_die_before_each_commit_step(void)
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
static void test_set_complete(void)
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

static gchar *read_fd(int fd)
{
	GString *g = g_string_new(NULL);
	char buf[512];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		g_string_append_len(g, buf, n);
	close(fd);
	return g_string_free(g, FALSE);
}

/* Defect 5: two runs started together into one directory, 20 times: one
 * is refused with a clear message (or, if the first ended before the
 * second began, both succeed); the directory always holds one whole set,
 * of a run that succeeded. */
static void test_two_writers(void)
{
	int refused = 0, both = 0, mixed = 0;
	for (int i = 0; i < 20; i++) {
		g_autofree gchar *dir = g_strdup_printf("%s/two-%d", tmpdir, i);
		int fd[2];
		GPid a = spawn_run(dir, seeds[0], &fd[0]);
		GPid b = spawn_run(dir, seeds[1], &fd[1]);
		CU_ASSERT_FATAL(a && b);
		g_autofree gchar *ea = read_fd(fd[0]), *eb = read_fd(fd[1]);
		int ra = wait_bounded(a), rb = wait_bounded(b);
		int s = set_of(dir, FALSE);
		mixed += s < 0;
		if (ra == 0 && rb == 0) {
			both++;
		} else {
			refused++;
			CU_ASSERT((ra == 0 && rb == 1) || (ra == 1 && rb == 0));
			const char *msg = ra == 0 ? eb : ea;
			CU_ASSERT_PTR_NOT_NULL(strstr(msg, "another lbsim run is writing into this directory"));
			CU_ASSERT_EQUAL(s, ra == 0 ? 0 : 1); /* the set of the run that succeeded */
		}
	}
	fprintf(stderr, "\n  20 two-writer tries: one refused %d, both ran (one after the other) %d, mixed %d", refused,
		both, mixed);
	CU_ASSERT_EQUAL(mixed, 0);
}

/* Runs of different replications share a directory (a sweep's point);
 * two runs of the same replication do not. */
static void test_replication_writers(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "reps", NULL);
	const char *a0[] = {LBSIM_PATH, "run", ini, "--quiet", "--replication", "0", "-o", dir, NULL};
	const char *a1[] = {LBSIM_PATH, "run", ini, "--quiet", "--replication", "1", "-o", dir, NULL};
	GPid p[3];
	int fd[3];
	const char *const *argv[3] = {a0, a1, a0};
	for (int i = 0; i < 3; i++)
		CU_ASSERT_FATAL(g_spawn_async_with_pipes(NULL, (gchar **)argv[i], NULL,
							 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
							 NULL, &p[i], NULL, NULL, &fd[i], NULL));
	int rc[3];
	for (int i = 0; i < 3; i++) {
		g_free(read_fd(fd[i]));
		rc[i] = wait_bounded(p[i]);
	}
	CU_ASSERT_EQUAL(rc[1], 0);
	/* replication 0 twice: one refused, unless the first ended before the second started */
	CU_ASSERT((rc[0] == 0 && rc[2] == 0) || (rc[0] == 0 && rc[2] == 1) || (rc[0] == 1 && rc[2] == 0));
	for (int r = 0; r < 2; r++) {
		g_autofree gchar *s = g_strdup_printf("%s/rep%d/summary.csv", dir, r);
		CU_ASSERT(g_file_test(s, G_FILE_TEST_IS_REGULAR));
	}
}

/* Defect 9: what a killed run left (staged directories under the old
 * rep<r>.tmp name and the private ones, a staged summary) is cleaned by the
 * next run; SIGHUP stops a run as SIGINT does (exit 130, the old set kept). */
static void test_leftovers_and_sighup(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "left", NULL);
	CU_ASSERT_EQUAL_FATAL(run_sync(dir, seeds[0]), 0);
	const char *junk[] = {"rep0.tmp", "rep1.tmp-99999", "rep7.tmp-4"};
	for (size_t i = 0; i < G_N_ELEMENTS(junk); i++) {
		g_autofree gchar *p = g_build_filename(dir, junk[i], "timeseries.csv", NULL);
		g_autofree gchar *dd = g_path_get_dirname(p);
		g_mkdir_with_parents(dd, 0755);
		g_file_set_contents(p, "x\n", -1, NULL);
	}
	g_autofree gchar *st = g_build_filename(dir, "summary.csv.tmp-99999", NULL);
	g_file_set_contents(st, "x\n", -1, NULL);
	CU_ASSERT_EQUAL(set_of(dir, TRUE), 0);
	quiet = TRUE;
	CU_ASSERT_EQUAL(set_of(dir, FALSE), -2); /* the leftovers are seen */
	quiet = FALSE;
	GPid pid = spawn_run(dir, seeds[1], NULL);
	CU_ASSERT_FATAL(pid != 0);
	/* once it stages its first replication (its leftovers cleaned, its
	 * handlers set) */
	g_autofree gchar *staged = g_strdup_printf("%s/rep0.tmp-%ld", dir, (long)pid);
	for (int i = 0; i < 20000 && !g_file_test(staged, G_FILE_TEST_IS_DIR); i++)
		g_usleep(500);
	kill(pid, SIGHUP);
	int rc = wait_bounded(pid);
	CU_ASSERT(rc == 130 || rc == 0); /* 0: it had ended before the signal */
	CU_ASSERT_EQUAL(set_of(dir, FALSE), rc == 0 ? 1 : 0); /* cleaned, and the old set whole */
}

/* A run of fewer replications into a directory of more: the set it
 * leaves has only its own (no stale rep2/ beside a summary.csv of 2 rows);
 * a directory of the user's own named like one stays. */
static void test_fewer_replications(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "fewer", NULL);
	CU_ASSERT_EQUAL_FATAL(run_sync(dir, seeds[0]), 0);
	g_autofree gchar *mine = g_build_filename(dir, "rep9", "notes.txt", NULL);
	g_autofree gchar *mine_dir = g_path_get_dirname(mine);
	g_mkdir_with_parents(mine_dir, 0755);
	g_file_set_contents(mine, "mine\n", -1, NULL);
	const char *argv[] = {LBSIM_PATH, "run", ini, "--quiet", "--set", "scenario.replications=2", "-o", dir, NULL};
	int status = -1;
	CU_ASSERT_FATAL(g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
				     NULL, NULL, NULL, NULL, &status, NULL));
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g_autofree gchar *rep1 = g_build_filename(dir, "rep1", NULL);
	g_autofree gchar *rep2 = g_build_filename(dir, "rep2", NULL);
	CU_ASSERT(g_file_test(rep1, G_FILE_TEST_IS_DIR));
	CU_ASSERT_FALSE(g_file_test(rep2, G_FILE_TEST_EXISTS));
	CU_ASSERT(g_file_test(mine, G_FILE_TEST_IS_REGULAR));
}

/* A run of one replication into a directory holding a whole set replaces
 * its rep<r>/ and removes the summary.csv that no longer describes it. */
static void test_one_replication_unmarks(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "one", NULL);
	CU_ASSERT_EQUAL_FATAL(run_sync(dir, seeds[0]), 0);
	CU_ASSERT_EQUAL(set_of(dir, FALSE), 0);
	const char *argv[] = {LBSIM_PATH, "run", ini, "--quiet", "--seed", seeds[1], "--replication", "1", "-o", dir, NULL};
	int status = -1;
	CU_ASSERT_FATAL(g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
				     NULL, NULL, NULL, NULL, &status, NULL));
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_EQUAL(set_of(dir, FALSE), -1); /* no summary.csv: no whole set */
	g_autofree gchar *a = g_build_filename(dir, "rep1", "summary.csv", NULL);
	g_autofree gchar *b = g_build_filename(ref[1], "rep1", "summary.csv", NULL);
	CU_ASSERT(same_file(a, b));
}

/* Ctrl-C at an extreme packet rate (packet_rate = 1e9: 10 ms of simulated
 * time, when the signal was checked, take hours): the run stops at the
 * next packet, exit 130, nothing left (bounded: 120 s). */
static void test_sigint_at_extreme_rate(void)
{
	g_autofree gchar *fast = g_build_filename(tmpdir, "fast.ini", NULL);
	CU_ASSERT_FATAL(g_file_set_contents(fast, "[scenario]\nduration = 1700ms\n[traffic]\npacket_rate = 1e9\n"
						  "initial_flows = 100\nflow_arrival_rate = 0\n", -1, NULL));
	g_autofree gchar *dir = g_build_filename(tmpdir, "fast", NULL);
	const char *argv[] = {LBSIM_PATH, "run", fast, "--quiet", "-o", dir, NULL};
	GPid pid = 0;
	CU_ASSERT_FATAL(g_spawn_async(NULL, (gchar **)argv, NULL,
				      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
				      NULL, NULL, &pid, NULL));
	/* once it is simulating: its first replication is staged */
	g_autofree gchar *staged = g_strdup_printf("%s/rep0.tmp-%ld", dir, (long)pid);
	for (int i = 0; i < 20000 && !g_file_test(staged, G_FILE_TEST_IS_DIR); i++)
		g_usleep(500);
	g_usleep(200000);
	kill(pid, SIGINT);
	CU_ASSERT_EQUAL(wait_bounded(pid), 130);
	CU_ASSERT_FALSE(g_file_test(dir, G_FILE_TEST_EXISTS));
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("results", setup, teardown);
	CU_add_test(s, "test_kill_after_first_replication", test_kill_after_first_replication);
	CU_add_test(s, "test_kill_at_random_points", test_kill_at_random_points);
	CU_add_test(s, "test_die_before_each_commit_step", test_die_before_each_commit_step);
	CU_add_test(s, "test_set_complete", test_set_complete);
	CU_add_test(s, "test_two_writers", test_two_writers);
	CU_add_test(s, "test_replication_writers", test_replication_writers);
	CU_add_test(s, "test_leftovers_and_sighup", test_leftovers_and_sighup);
	CU_add_test(s, "test_fewer_replications", test_fewer_replications);
	CU_add_test(s, "test_one_replication_unmarks", test_one_replication_unmarks);
	CU_add_test(s, "test_sigint_at_extreme_rate", test_sigint_at_extreme_rate);
}
