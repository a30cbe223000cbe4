/* test_cli_options.c - the command line as a user meets it (issue 15):
 * `lbsim COMMAND --help` for every command, with every option described;
 * `--opt=value` and `-j2` forms; "did you mean" for a misspelt command,
 * key, group or sweep parameter; the hint for a list written with ','; a
 * warning when `lbsim run` meets a [sweep] group; `--run N`. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "../cu_main.h"
#include "cli_spawn.h"

static gchar *tmpdir;

static gchar *write_tmp(const char *name, const char *text)
{
	if (!tmpdir)
		tmpdir = g_dir_make_tmp("lbsim-cli-XXXXXX", NULL);
	gchar *p = g_build_filename(tmpdir, name, NULL);
	CU_ASSERT_FATAL(g_file_set_contents(p, text, -1, NULL));
	return p;
}

/* Every command has --help on stdout, exit 0, naming each of its options. */
static void test_help_per_command(void)
{
	static const struct {
		const char *cmd;
		const char *options[6];
	} cases[] = {
		{"run", {"--set", "--seed", "--output", "--run", "--quiet", NULL}},
		{"sweep", {"--set", "--jobs", "--hosts", "--emit-slurm", "--merge", NULL}},
		{"describe", {"--set", "--seed", "--output-dir", NULL}},
		{"plot", {"--help", NULL}},
		{"where", {"--set", "--fail", "--router", NULL}},
		{"hash", {"--seed", "--linux-seed", "--nexthops", NULL}},
		{"export", {"--output", NULL}},
		{"validate", {"--reps", "--real", "--set", "--output", NULL}},
		{"version", {"--help", NULL}},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *a[] = {cases[i].cmd, "--help", NULL};
		g_autofree gchar *out = NULL;
		CU_ASSERT_EQUAL(lbsim(a, &out, NULL), 0);
		g_autofree gchar *usage = g_strdup_printf("lbsim %s", cases[i].cmd);
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, usage));
		for (size_t j = 0; cases[i].options[j]; j++) {
			if (!out || !strstr(out, cases[i].options[j]))
				fprintf(stderr, "\n  lbsim %s --help lacks %s", cases[i].cmd, cases[i].options[j]);
			CU_ASSERT_PTR_NOT_NULL(out && strstr(out, cases[i].options[j]));
		}
	}
	/* lbsim help COMMAND is the same */
	const char *h[] = {"help", "where", NULL};
	g_autofree gchar *out = NULL;
	CU_ASSERT_EQUAL(lbsim(h, &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "--router"));
}

static void test_option_forms(void)
{
	/* --opt=value, and a short option glued to its value */
	const char *a[] = {"describe", "scenarios/default.ini", "--set=router.hold_time=7s", "--seed=9", NULL};
	g_autofree gchar *out = NULL;
	CU_ASSERT_EQUAL(lbsim(a, &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "hold_time = 7s"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "seed = 9"));
	g_autofree gchar *dir = g_build_filename(tmpdir ? tmpdir : g_get_tmp_dir(), "odir", NULL);
	g_autofree gchar *oarg = g_strdup_printf("-o%s", dir);
	const char *b[] = {"describe", "--output-dir", oarg, "scenarios/default.ini", NULL};
	g_autofree gchar *out2 = NULL;
	CU_ASSERT_EQUAL(lbsim(b, &out2, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(out2 && strstr(out2, dir));
	/* an unknown option: usage error, exit 2, a pointer to --help */
	const char *c[] = {"run", "--bogus", "scenarios/default.ini", NULL};
	g_autofree gchar *err = NULL;
	CU_ASSERT_EQUAL(lbsim(c, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--bogus") && strstr(err, "lbsim run --help"));
	/* exactly one scenario file, in every command that loads one */
	static const char *const cmds[] = {"run", "describe", "sweep", "validate"};
	for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
		const char *none[] = {cmds[i], NULL};
		const char *two[] = {cmds[i], "scenarios/default.ini", "scenarios/default.ini", NULL};
		g_autofree gchar *e0 = NULL, *e2 = NULL;
		CU_ASSERT_EQUAL(lbsim(none, NULL, &e0), 2);
		CU_ASSERT_EQUAL(lbsim(two, NULL, &e2), 2);
		g_autofree gchar *want0 = g_strdup_printf("lbsim %s: no scenario file given\n", cmds[i]);
		g_autofree gchar *want2 = g_strdup_printf("lbsim %s: one scenario file, not 2\n", cmds[i]);
		CU_ASSERT_PTR_NOT_NULL(e0 && strstr(e0, want0));
		CU_ASSERT_PTR_NOT_NULL(e2 && strstr(e2, want2));
	}
}

static void test_did_you_mean(void)
{
	const char *a[] = {"rnu", "scenarios/default.ini", NULL};
	g_autofree gchar *err = NULL;
	CU_ASSERT_EQUAL(lbsim(a, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "did you mean `run'?"));
	const char *b[] = {"describe", "scenarios/default.ini", "--set", "router.hold_tmie=3s", NULL};
	g_autofree gchar *err2 = NULL;
	CU_ASSERT_EQUAL(lbsim(b, NULL, &err2), 2);
	CU_ASSERT_PTR_NOT_NULL(err2 && strstr(err2, "[router] hold_tmie: unknown key; did you mean `hold_time'?"));
	const char *c[] = {"describe", "scenarios/default.ini", "--set", "cluster.hold_time=3s", NULL};
	g_autofree gchar *err3 = NULL;
	CU_ASSERT_EQUAL(lbsim(c, NULL, &err3), 2);
	CU_ASSERT_PTR_NOT_NULL(err3 && strstr(err3, "`hold_time' is a key of [router]"));
	g_autofree gchar *p = write_tmp("sweepkey.ini", "[sweep]\nrouter.failovr = hold;bfd\n");
	const char *d[] = {"describe", p, NULL};
	g_autofree gchar *err4 = NULL;
	CU_ASSERT_EQUAL(lbsim(d, NULL, &err4), 2);
	CU_ASSERT_PTR_NOT_NULL(err4 && strstr(err4, "did you mean `router.failover'?"));
	/* nothing near: no guess */
	const char *e[] = {"describe", "scenarios/default.ini", "--set", "router.zzzzzzzz=3", NULL};
	g_autofree gchar *err5 = NULL;
	CU_ASSERT_EQUAL(lbsim(e, NULL, &err5), 2);
	CU_ASSERT_PTR_NULL(err5 ? strstr(err5, "did you mean") : NULL);
}

static void test_comma_hint(void)
{
	g_autofree gchar *p = write_tmp("comma.ini", "[sweep]\nrouter.failover = hold,bfd\n");
	const char *a[] = {"describe", p, NULL};
	g_autofree gchar *err = NULL;
	CU_ASSERT_EQUAL(lbsim(a, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "\"hold,bfd\"") &&
			       strstr(err, "(list values are separated by ';', not ',')"));
	/* ';' lists get no hint */
	g_autofree gchar *q = write_tmp("semi.ini", "[sweep]\nrouter.failover = hold;bdf\n");
	const char *b[] = {"describe", q, NULL};
	g_autofree gchar *err2 = NULL;
	CU_ASSERT_EQUAL(lbsim(b, NULL, &err2), 2);
	CU_ASSERT_PTR_NULL(err2 ? strstr(err2, "separated by") : NULL);
}

/* lbsim run on a scenario with a [sweep] group warns that it runs the base
 * point only; --run N runs replication N alone. */
static void test_run_sweep_warning_and_run_n(void)
{
	g_autofree gchar *p = write_tmp("sw.ini", "[scenario]\nduration = 1s\nreplications = 3\n[traffic]\n"
						  "initial_flows = 20\nflow_arrival_rate = 0\n[failure.1]\nat = 0.5s\n"
						  "kind = crash\nnode = 1\n[sweep]\nrouter.failover = hold;bfd\n");
	g_autofree gchar *dir = g_build_filename(tmpdir, "sw", NULL);
	const char *a[] = {"run", p, "--run=2", "-o", dir, NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(a, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "has a [sweep] group") && strstr(err, "lbsim sweep"));
	g_autofree gchar *rep2 = g_build_filename(dir, "rep2", "summary.csv", NULL);
	g_autofree gchar *rep0 = g_build_filename(dir, "rep0", "summary.csv", NULL);
	CU_ASSERT_TRUE(g_file_test(rep2, G_FILE_TEST_EXISTS));
	CU_ASSERT_FALSE(g_file_test(rep0, G_FILE_TEST_EXISTS));
	const char *b[] = {"run", p, "--run", "3", "-o", dir, NULL};
	g_autofree gchar *err2 = NULL;
	CU_ASSERT_EQUAL(lbsim(b, NULL, &err2), 2);
	CU_ASSERT_PTR_NOT_NULL(err2 && strstr(err2, "--run 3"));
	CU_ASSERT_EQUAL(lb_test_rmtree(tmpdir), 0);
}

void lb_test_register(void)
{
	LB_SUITE("cli_options", LB_TEST(test_help_per_command), LB_TEST(test_option_forms), LB_TEST(test_did_you_mean),
		 LB_TEST(test_comma_hint), LB_TEST(test_run_sweep_warning_and_run_n));
}
