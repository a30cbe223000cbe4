/* results_fixture.c - what the tests of result directories share
 * (results_fixture.h): the scenario, the reference sets, lbsim spawned and
 * waited for, and the file-by-file comparison of a directory with them. */
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

gchar *tmpdir, *ini;

/* 3 replications of about 60 ms each: kills land in every phase */
static const char scenario[] = "[scenario]\nname = kill\nduration = 400ms\nreplications = 3\nbin = 10ms\n"
			       "[traffic]\ninitial_flows = 300\nflow_arrival_rate = 200\npacket_rate = 200\n"
			       "[failure.1]\nat = 20ms\nkind = crash\nnode = 1\n";
const char *const seeds[2] = {"11", "12"};
gchar *ref[2]; /* reference sets of seeds[0], seeds[1] */
gchar *ref2[2]; /* the same of 2 replications */
double ref_wall_s;
gboolean quiet; /* set_of() says nothing (a check expected to fail) */

/* lbsim run ini --quiet --seed seed [--set scenario.replications=reps]
 * -o dir (reps 0: the scenario's), with envp (NULL: ours). */
GPid spawn_run_with(const char *dir, const char *seed, unsigned reps, gchar **envp, int *err_fd)
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

GPid spawn_run(const char *dir, const char *seed, int *err_fd)
{
	return spawn_run_with(dir, seed, 0, NULL, err_fd);
}

/* Waits for pid at most 120 s (then kills it: a hang fails); its exit
 * status, or 128 + signal. */
int wait_bounded(GPid pid)
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

int run_sync_with(const char *dir, const char *seed, unsigned reps)
{
	GPid pid = spawn_run_with(dir, seed, reps, NULL, NULL);
	return pid ? wait_bounded(pid) : -1;
}

int run_sync(const char *dir, const char *seed)
{
	return run_sync_with(dir, seed, 0);
}

gboolean same_file(const char *a, const char *b)
{
	g_autofree gchar *x = NULL, *y = NULL;
	gsize lx = 0, ly = 0;
	return g_file_get_contents(a, &x, &lx, NULL) && g_file_get_contents(b, &y, &ly, NULL) && lx == ly &&
	       memcmp(x, y, lx) == 0;
}

/* "rep<digits>" exactly */
gboolean is_rep(const char *name, unsigned *r)
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
int same_rep(const char *rep, const char *want, const char *seed)
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
int set_among(const char *dir, const char *const *refs, const char *const *seed_of, int n_refs,
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
int set_of(const char *dir, gboolean leftovers)
{
	return set_among(dir, (const char *const *)ref, seeds, 2, leftovers);
}

/* results_set_complete() agrees with the reference check s (set_among()):
 * complete exactly when s names a reference (a mixed set, -2, is failed
 * by its caller already). */
void check_complete_agrees(const char *dir, int s)
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

int setup(void)
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

int teardown(void)
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

/* A copy of the tree src at dst (files and directories). */
gboolean copy_tree(const char *src, const char *dst)
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

gchar *read_fd(int fd)
{
	GString *g = g_string_new(NULL);
	char buf[512];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		g_string_append_len(g, buf, n);
	close(fd);
	return g_string_free(g, FALSE);
}
