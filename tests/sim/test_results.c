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
 * a new rep<r>/) sets fail.  Shared helpers: results_fixture.c; a run
 * killed before each step of its commit: test_results_commit.c. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cu_main.h"
#include "results_fixture.h"

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

