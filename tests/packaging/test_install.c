/* test_install.c - lbsim as a user installs it (issue 15): `meson install`
 * into a scratch DESTDIR, then
 *   - the installed lbsim runs with nothing from the build tree (it finds
 *     liblbcore through its rpath, not the build's or the system's copy),
 *     reads an installed example scenario, runs it and plots it with the
 *     installed gnuplot scripts;
 *   - the validation testbed's programs and script are installed where
 *     lbsim looks for them;
 *   - a program written against the installed headers, with the flags
 *     pkg-config gives for lbcore, compiles with #include <lbcore/lbcore.h>,
 *     links and reports the library's version and lb_strerror(). */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "../cu_main.h"

static gchar *tmp, *prefix; /* prefix: the install prefix under DESTDIR */

/* Runs argv (NULL-terminated) with env (NULL: inherited); its stdout into
 * *out.  Returns the exit status. */
static int run(char **argv, char **env, gchar **out)
{
	gchar *err = NULL;
	int status = -1;
	GError *e = NULL;
	if (!g_spawn_sync(NULL, argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status, &e)) {
		fprintf(stderr, "\n%s: %s", argv[0], e->message);
		g_error_free(e);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "\n%s failed:\n%s", argv[0], err ? err : "");
	g_free(err);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* An environment without the variables that would point lbsim elsewhere. */
static char **clean_env(void)
{
	char **env = g_get_environ();
	const char *drop[] = {"LBSIM_ANALYSIS", "LBSIM_SCENARIOS", "LBSIM_VALIDATE_HELPERS", "LBSIM_VALIDATE_SCRIPT",
			      "LD_LIBRARY_PATH"};
	for (size_t i = 0; i < G_N_ELEMENTS(drop); i++)
		env = g_environ_unsetenv(env, drop[i]);
	return env;
}

static void test_install(void)
{
	tmp = g_dir_make_tmp("lbsim-install-XXXXXX", NULL);
	g_autofree gchar *dest = g_build_filename(tmp, "root", NULL);
	char *inst[] = {"meson", "install", "-C", BUILD_ROOT, "--no-rebuild", "--quiet", "--destdir", dest, NULL};
	CU_ASSERT_EQUAL_FATAL(run(inst, NULL, NULL), 0);
	prefix = g_build_filename(dest, PREFIX, NULL);
	g_autofree gchar *lbsim = g_build_filename(prefix, "bin", "lbsim", NULL);
	CU_ASSERT_FATAL(g_file_test(lbsim, G_FILE_TEST_IS_EXECUTABLE));
	g_autofree gchar *marker = g_build_filename(prefix, "bin", "lbsim-build-tree", NULL);
	CU_ASSERT_FALSE(g_file_test(marker, G_FILE_TEST_EXISTS));
	g_auto(GStrv) env = clean_env();

	/* its library through its rpath: ldd names the installed copy */
	g_autofree gchar *ldd_out = NULL;
	char *ldd[] = {"ldd", lbsim, NULL};
	CU_ASSERT_EQUAL(run(ldd, env, &ldd_out), 0);
	const char *line = ldd_out ? strstr(ldd_out, "liblbcore.so") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	const char *arrow = strstr(line, "=> ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(arrow);
	if (!g_str_has_prefix(arrow + 3, prefix))
		fprintf(stderr, "\nldd: %.200s", line);
	CU_ASSERT_TRUE(g_str_has_prefix(arrow + 3, prefix));

	/* an installed scenario, run and plotted from the installed scripts */
	g_autofree gchar *scen = g_build_filename(prefix, "share", "lbsim", "scenarios", "default.ini", NULL);
	g_autofree gchar *out = g_build_filename(tmp, "run", NULL);
	char *r[] = {lbsim, "run", scen, "--set", "scenario.duration=1500ms", "--set", "traffic.initial_flows=50",
		     "--quiet", "-o", out, NULL};
	CU_ASSERT_EQUAL_FATAL(run(r, env, NULL), 0);
	char *p[] = {lbsim, "plot", out, NULL};
	CU_ASSERT_EQUAL(run(p, env, NULL), 0);
	g_autofree gchar *png = g_build_filename(out, "rep0", "loss.png", NULL);
	g_autofree gchar *dir_png = g_build_filename(out, "loss.png", NULL);
	CU_ASSERT_TRUE(g_file_test(png, G_FILE_TEST_EXISTS) || g_file_test(dir_png, G_FILE_TEST_EXISTS));

	/* the testbed where lbsim validate looks */
	const char *helpers[] = {"lbv-agentd", "lbv-send", "lbv-recv"};
	for (size_t i = 0; i < G_N_ELEMENTS(helpers); i++) {
		g_autofree gchar *h = g_build_filename(prefix, "libexec", "lbsim", helpers[i], NULL);
		CU_ASSERT_TRUE(g_file_test(h, G_FILE_TEST_IS_EXECUTABLE));
	}
	g_autofree gchar *tb = g_build_filename(prefix, "share", "lbsim", "validate", "testbed.sh", NULL);
	CU_ASSERT_TRUE(g_file_test(tb, G_FILE_TEST_EXISTS));
}

static void test_pkg_config(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(prefix);
	g_autofree gchar *pcdir = g_build_filename(prefix, LIBDIR, "pkgconfig", NULL);
	g_autofree gchar *define = g_strdup_printf("--define-variable=prefix=%s", prefix);
	g_auto(GStrv) env = g_environ_setenv(clean_env(), "PKG_CONFIG_PATH", pcdir, TRUE);
	g_autofree gchar *flags = NULL;
	char *pc[] = {"pkg-config", define, "--cflags", "--libs", "lbcore", NULL};
	CU_ASSERT_EQUAL_FATAL(run(pc, env, &flags), 0);
	g_strstrip(flags);
	g_autofree gchar *src = g_build_filename(tmp, "user.c", NULL), *exe = g_build_filename(tmp, "user", NULL);
	const char *prog = "#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n#include <lbcore/lbcore.h>\n"
			   "int main(void) {\n"
			   "  printf(\"%s %s|%s\\n\", lb_version(), LBCORE_VERSION, lb_strerror(-ENOSPC));\n"
			   "  return strcmp(lb_version(), LBCORE_VERSION) != 0;\n}\n";
	CU_ASSERT_FATAL(g_file_set_contents(src, prog, -1, NULL));
	g_autofree gchar *libdir = g_build_filename(prefix, LIBDIR, NULL);
	g_autofree gchar *cmd = g_strdup_printf("cc -std=c11 -Wall -Werror %s -o '%s' '%s' %s -Wl,-rpath,'%s'", SANITIZE,
						exe, src, flags, libdir);
	char *sh[] = {"sh", "-c", cmd, NULL};
	CU_ASSERT_EQUAL_FATAL(run(sh, env, NULL), 0);
	g_autofree gchar *said = NULL;
	char *u[] = {exe, NULL};
	CU_ASSERT_EQUAL(run(u, env, &said), 0);
	g_autofree gchar *want = g_strdup_printf("%s %s|no space: a fixed capacity is full, or a buffer is too small\n",
						 PROJECT_VERSION, PROJECT_VERSION);
	CU_ASSERT_STRING_EQUAL(said ? said : "", want);
	CU_ASSERT_EQUAL(lb_test_rmtree(tmp), 0);
}

void lb_test_register(void)
{
	LB_SUITE("install", LB_TEST(test_install), LB_TEST(test_pkg_config));
}
