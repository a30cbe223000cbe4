/* The lbsim program as a user meets it: exit statuses, error messages on
 * stderr, and nothing written to results when the input is bad. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <string.h>
#include <sys/wait.h>

#include "../cu_main.h"

static gchar *tmpdir;

/* Runs lbsim with args; returns its exit status, stderr in *err_out. */
static int lbsim(const char *const *args, gchar **out, gchar **err_out)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, (gpointer)LBSIM_PATH);
	for (size_t i = 0; args[i]; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	int status = -1;
	GError *err = NULL;
	gboolean ok = g_spawn_sync(SOURCE_ROOT, (gchar **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
				   err_out, &status, &err);
	g_ptr_array_free(argv, TRUE);
	if (!ok) {
		fprintf(stderr, "spawn: %s\n", err->message);
		g_error_free(err);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static gchar *write_ini(const char *name, const char *text)
{
	gchar *p = g_build_filename(tmpdir, name, NULL);
	g_file_set_contents(p, text, -1, NULL);
	return p;
}

/* A misspelt key: exit 2, the message names file, group and key, and the
 * output directory is not created. */
static void test_bad_key_writes_nothing(void)
{
	g_autofree gchar *out_dir = g_build_filename(tmpdir, "bad-out", NULL);
	g_autofree gchar *ini = write_ini("bad.ini", "[scenario]\nname = bad\nduration = 1s\n[router]\nhold_tme = 4s\n");
	const char *args[] = {"run", ini, "-o", out_dir, NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(args, &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.ini"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "[router]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "hold_tme"));
	CU_ASSERT_FALSE(g_file_test(out_dir, G_FILE_TEST_EXISTS));
}

/* A bad --set value: exit 2, names --set. */
static void test_bad_set(void)
{
	const char *args[] = {"run", "scenarios/default.ini", "--set", "router.hold_time=4", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(args, &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--set"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "hold_time"));
}

static void test_usage_errors(void)
{
	g_autofree gchar *o1 = NULL, *e1 = NULL, *o2 = NULL, *e2 = NULL, *o3 = NULL, *e3 = NULL;
	const char *a1[] = {"frobnicate", NULL};
	const char *a2[] = {"run", NULL};
	const char *a3[] = {"run", "does-not-exist.ini", NULL};
	CU_ASSERT_EQUAL(lbsim(a1, &o1, &e1), 2);
	CU_ASSERT_EQUAL(lbsim(a2, &o2, &e2), 2);
	CU_ASSERT_EQUAL(lbsim(a3, &o3, &e3), 2);
	CU_ASSERT_PTR_NOT_NULL(e3 && strstr(e3, "does-not-exist.ini"));
}

/* A good run: exit 0, summary on stdout, the files of DESIGN section 4. */
static void test_run_writes_results(void)
{
	g_autofree gchar *out_dir = g_build_filename(tmpdir, "good", NULL);
	const char *args[] = {"run", "scenarios/default.ini", "--set", "scenario.duration=1500ms", "-o", out_dir,
			      "--set", "output.flows=on", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(args, &out, &err), 0);
	if (err && *err)
		fprintf(stderr, "%s", err);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "delivered"));
	const char *files[] = {"summary.csv", "rep0/summary.csv", "rep0/timeseries.csv", "rep0/nodes.csv",
			       "rep0/events.csv", "rep0/flows.csv", "rep0/run.json"};
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *p = g_build_filename(out_dir, files[i], NULL);
		CU_ASSERT(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	}
	g_autofree gchar *tmp = g_build_filename(out_dir, "rep0.tmp", NULL);
	CU_ASSERT_FALSE(g_file_test(tmp, G_FILE_TEST_EXISTS));
	/* describe prints the closed-form expectation */
	const char *d[] = {"describe", "scenarios/default.ini", NULL};
	g_autofree gchar *dout = NULL, *derr = NULL;
	CU_ASSERT_EQUAL(lbsim(d, &dout, &derr), 0);
	CU_ASSERT_PTR_NOT_NULL(dout && strstr(dout, "[expectation]"));
}

static int setup(void)
{
	tmpdir = g_dir_make_tmp("lbsim-cli-XXXXXX", NULL);
	return tmpdir ? 0 : 1;
}

static int teardown(void)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	g_free(tmpdir);
	return rc == 0 ? 0 : 1;
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("cli", setup, teardown);
	CU_add_test(s, "test_bad_key_writes_nothing", test_bad_key_writes_nothing);
	CU_add_test(s, "test_bad_set", test_bad_set);
	CU_add_test(s, "test_usage_errors", test_usage_errors);
	CU_add_test(s, "test_run_writes_results", test_run_writes_results);
}
