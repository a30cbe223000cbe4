/* test_sweep.c - campaigns on Slurm without Slurm (issue 14, defects 10 to
 * 13): the generated array script is run the way Slurm runs it - a copy
 * taken at submission (sbatch stores the script), executed once per task
 * with SLURM_ARRAY_TASK_ID set, from another directory - and its #SBATCH
 * lines are split the way sbatch splits them (src/sbatch/opt.c
 * _get_argument: quotes group, a backslash escapes, an unquoted '#' starts a
 * comment; "%%" in a file name is a '%'). */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cu_main.h"


static const char sweep_ini[] = "[scenario]\nname = tiny\nduration = 500ms\nreplications = 2\n"
				"[cluster]\nnodes = 4\n"
				"[router]\nrefresh_interval = 100ms\nhold_time = 300ms\n"
				"[traffic]\ninitial_flows = 100\nflow_arrival_rate = 10\npacket_rate = 10\n"
				"[failure.1]\nat = 100ms\nkind = crash\nnode = 1\n"
				"[sweep]\nrouter.failover = hold;readvertise\n";

static int lbsim(const char *const *args, gchar **out, gchar **err)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, (gpointer)LBSIM_PATH);
	for (size_t i = 0; args[i]; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	int status = -1;
	gboolean ok = g_spawn_sync("/", (gchar **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, NULL);
	g_ptr_array_free(argv, TRUE);
	return ok && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* What Slurm does for task `task` of a submitted script: bash runs it from
 * another directory with SLURM_ARRAY_TASK_ID set (task < 0: unset). */
static int run_task(const char *script, int task, gchar **err)
{
	gchar **env = g_get_environ();
	if (task >= 0) {
		g_autofree gchar *t = g_strdup_printf("%d", task);
		env = g_environ_setenv(env, "SLURM_ARRAY_TASK_ID", t, TRUE);
	} else {
		env = g_environ_unsetenv(env, "SLURM_ARRAY_TASK_ID");
	}
	const char *argv[] = {"bash", script, NULL};
	int status = -1;
	gboolean ok = g_spawn_sync("/", (gchar **)argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
				   NULL, err, &status, NULL);
	g_strfreev(env);
	return ok && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* sbatch's copy of a script at submission. */
static gchar *submit(const char *script, const char *as)
{
	g_autofree gchar *text = NULL;
	gsize len = 0;
	CU_ASSERT_FATAL(g_file_get_contents(script, &text, &len, NULL));
	gchar *copy = g_build_filename(lb_test_dir, as, NULL);
	CU_ASSERT_FATAL(g_file_set_contents(copy, text, (gssize)len, NULL));
	return copy;
}

static gchar *write_ini(const char *dir, const char *name, const char *text)
{
	g_mkdir_with_parents(dir, 0755);
	gchar *p = g_build_filename(dir, name, NULL);
	g_file_set_contents(p, text, -1, NULL);
	return p;
}

static int complete_runs(const char *campaign)
{
	int n = 0;
	for (int p = 0; p < 2; p++)
		for (int r = 0; r < 2; r++) {
			g_autofree gchar *s = g_strdup_printf("%s/runs/p%d/rep%d/summary.csv", campaign, p, r);
			n += g_file_test(s, G_FILE_TEST_IS_REGULAR);
		}
	return n;
}

static unsigned lines_of(const char *path)
{
	g_autofree gchar *text = NULL;
	unsigned n = 0;
	if (g_file_get_contents(path, &text, NULL, NULL))
		for (const char *c = text; *c; c++)
			n += *c == '\n';
	return n;
}

/* Defect 10: an array submitted from the first emit, re-emitted after its
 * first task ran and before the others started, still runs exactly its own
 * lines (a re-emit rewrote the one runs.list: two runs never ran, two tasks
 * ran an empty command, all reported success).  A task with no line fails. */
static void test_reemit_while_queued(void)
{
	g_autofree gchar *camp = g_build_filename(lb_test_dir, "queued", NULL);
	g_autofree gchar *ini = write_ini(lb_test_dir, "queued.ini", sweep_ini);
	const char *emit[] = {"sweep", ini, "-o", camp, "--emit-slurm", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &o1, &e1), 0);
	g_autofree gchar *script1 = g_build_filename(camp, "sweep-1.slurm", NULL);
	g_autofree gchar *list1 = g_build_filename(camp, "runs-1.list", NULL);
	CU_ASSERT_EQUAL_FATAL(lines_of(list1), 4);
	g_autofree gchar *before = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(list1, &before, NULL, NULL));
	g_autofree gchar *job1 = submit(script1, "job1.slurm");
	CU_ASSERT_EQUAL(run_task(job1, 1, NULL), 0);
	CU_ASSERT_EQUAL(complete_runs(camp), 1);
	/* re-emit while tasks 2..4 of job 1 wait in the queue */
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &o2, &e2), 0);
	g_autofree gchar *list2 = g_build_filename(camp, "runs-2.list", NULL);
	CU_ASSERT_EQUAL(lines_of(list2), 3);
	g_autofree gchar *after = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(list1, &after, NULL, NULL));
	CU_ASSERT_STRING_EQUAL(before, after); /* job 1's list is untouched */
	for (int t = 2; t <= 4; t++)
		CU_ASSERT_EQUAL(run_task(job1, t, NULL), 0);
	CU_ASSERT_EQUAL(complete_runs(camp), 4);
	/* tasks without a line fail, with a message */
	g_autofree gchar *e5 = NULL, *e0 = NULL, *eu = NULL;
	CU_ASSERT_NOT_EQUAL(run_task(job1, 5, &e5), 0);
	CU_ASSERT_PTR_NOT_NULL(e5 && strstr(e5, "has no line 5"));
	CU_ASSERT_NOT_EQUAL(run_task(job1, 0, &e0), 0);
	CU_ASSERT_NOT_EQUAL(run_task(job1, -1, &eu), 0);
	/* a damaged list is refused rather than run short */
	g_autofree gchar *cut = g_strdup_printf("sed -i '$d' '%s'", list2);
	CU_ASSERT_EQUAL_FATAL(system(cut), 0);
	g_autofree gchar *script2 = g_build_filename(camp, "sweep-2.slurm", NULL);
	g_autofree gchar *e6 = NULL;
	CU_ASSERT_NOT_EQUAL(run_task(script2, 1, &e6), 0);
	CU_ASSERT_PTR_NOT_NULL(e6 && strstr(e6, "does not have its 3 lines"));
	const char *merge[] = {"sweep", ini, "-o", camp, "--merge", NULL};
	g_autofree gchar *mo = NULL, *me = NULL;
	CU_ASSERT_EQUAL(lbsim(merge, &mo, &me), 0);
}

/* A merge job merges its own emit's request: emit 1 of one replication,
 * emit 2 with --set scenario.replications=2 (remembered) while job 1 waits;
 * job 1's tasks run, then its merge job: it merges emit 1's 2 runs (it
 * passes emit 1's --set values again) instead of failing on emit 2's runs
 * p0-r1, p1-r1, which no task of job 1 makes. */
static void test_merge_job_merges_its_emit(void)
{
	g_autofree gchar *camp = g_build_filename(lb_test_dir, "mergejob", NULL);
	g_autofree gchar *ini = write_ini(lb_test_dir, "mergejob.ini", sweep_ini);
	const char *emit1[] = {"sweep", ini, "-o", camp, "--emit-slurm", "--set", "scenario.replications=1", NULL};
	const char *emit2[] = {"sweep", ini, "-o", camp, "--emit-slurm", "--set", "scenario.replications=2", NULL};
	g_autofree gchar *o1 = NULL, *o2 = NULL, *e1 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit1, &o1, &e1), 0);
	CU_ASSERT_EQUAL_FATAL(lbsim(emit2, &o2, &e2), 0);
	g_autofree gchar *script1 = g_build_filename(camp, "sweep-1.slurm", NULL);
	g_autofree gchar *merge1 = g_build_filename(camp, "merge-1.slurm", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(merge1, &text, NULL, NULL));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, " --merge --set 'scenario.replications=1'\n"));
	for (int t = 1; t <= 2; t++)
		CU_ASSERT_EQUAL(run_task(script1, t, NULL), 0);
	CU_ASSERT_EQUAL(complete_runs(camp), 2);
	g_autofree gchar *me = NULL;
	CU_ASSERT_EQUAL(run_task(merge1, -1, &me), 0);
	if (me && *me)
		fprintf(stderr, "\n  merge-1: %s", me);
	g_autofree gchar *runs_csv = g_build_filename(camp, "runs.csv", NULL);
	CU_ASSERT_EQUAL(lines_of(runs_csv), 1 + 2);
}

/* Defect 11: editing the scenario file between emitting (sbatch --hold)
 * and the tasks' start changes nothing: every task runs the campaign's
 * copy (nodes = 4 in every summary, not the 5 of the edited file); a merge
 * or a resume with the edited file is refused. */
static void test_snapshot_guards_parameters(void)
{
	g_autofree gchar *camp = g_build_filename(lb_test_dir, "held", NULL);
	g_autofree gchar *ini = write_ini(lb_test_dir, "held.ini", sweep_ini);
	const char *emit[] = {"sweep", ini, "-o", camp, "--emit-slurm", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &o1, &e1), 0);
	g_autofree gchar *script = g_build_filename(camp, "sweep-1.slurm", NULL);
	g_autofree gchar *job = submit(script, "held.slurm");
	g_autofree gchar *edited = g_strdup(sweep_ini);
	char *at = strstr(edited, "nodes = 4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	at[8] = '5';
	g_free(write_ini(lb_test_dir, "held.ini", edited));
	for (int t = 1; t <= 4; t++)
		CU_ASSERT_EQUAL(run_task(job, t, NULL), 0);
	CU_ASSERT_EQUAL(complete_runs(camp), 4);
	for (int p = 0; p < 2; p++)
		for (int r = 0; r < 2; r++) {
			g_autofree gchar *s = g_strdup_printf("%s/runs/p%d/rep%d/summary.csv", camp, p, r);
			g_autofree gchar *text = NULL;
			CU_ASSERT_FATAL(g_file_get_contents(s, &text, NULL, NULL));
			gchar **rows = g_strsplit(text, "\n", 3);
			gchar **f = g_strsplit(rows[1], ",", -1);
			CU_ASSERT_STRING_EQUAL(f[3], "4"); /* nodes */
			g_strfreev(f);
			g_strfreev(rows);
		}
	const char *merge[] = {"sweep", ini, "-o", camp, "--merge", NULL};
	g_autofree gchar *mo = NULL, *me = NULL;
	CU_ASSERT_EQUAL(lbsim(merge, &mo, &me), 2);
	CU_ASSERT_PTR_NOT_NULL(me && strstr(me, "holds a campaign of other parameters"));
	g_free(write_ini(lb_test_dir, "held.ini", sweep_ini));
	g_autofree gchar *mo2 = NULL, *me2 = NULL;
	CU_ASSERT_EQUAL(lbsim(merge, &mo2, &me2), 0);
}

/* Defect 12: nothing left to run writes no script (it wrote --array=1-0,
 * which sbatch rejects) and says so; the merge names missing runs. */
static void test_nothing_to_submit_and_missing_runs(void)
{
	g_autofree gchar *camp = g_build_filename(lb_test_dir, "done", NULL);
	g_autofree gchar *ini = write_ini(lb_test_dir, "done.ini", sweep_ini);
	const char *run[] = {"sweep", ini, "-o", camp, "-j", "2", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &o1, &e1), 0);
	const char *emit[] = {"sweep", ini, "-o", camp, "--emit-slurm", NULL};
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL(lbsim(emit, &o2, &e2), 0);
	CU_ASSERT_PTR_NOT_NULL(o2 && strstr(o2, "nothing to submit"));
	g_autoptr(GDir) d = g_dir_open(camp, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)))
		CU_ASSERT_FALSE(g_str_has_suffix(name, ".slurm"));
	g_autofree gchar *cmd = g_strdup_printf("rm -r '%s/runs/p1/rep0' '%s/runs/p0/rep1'", camp, camp);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	const char *merge[] = {"sweep", ini, "-o", camp, "--merge", NULL};
	g_autofree gchar *mo = NULL, *me = NULL;
	CU_ASSERT_EQUAL(lbsim(merge, &mo, &me), 1);
	CU_ASSERT_PTR_NOT_NULL(me && strstr(me, "2 of 4 runs are missing: p0-r1, p1-r0"));
}

/* One argument of an #SBATCH line, split as sbatch does; *rest moves on. */
static gchar *sbatch_argument(const char **rest)
{
	const char *p = *rest;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return NULL;
	GString *g = g_string_new(NULL);
	char q = 0;
	for (; *p && (q || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '\\' && p[1]) {
			g_string_append_c(g, *++p);
		} else if (q) {
			if (*p == q)
				q = 0;
			else
				g_string_append_c(g, *p);
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '#') {
			break;
		} else {
			g_string_append_c(g, *p);
		}
	}
	*rest = p;
	return g_string_free(g, FALSE);
}

/* Defect 13: a campaign path with a space (and '#', '%': an unquoted '#'
 * starts a comment for sbatch, '%' a file name pattern) gives an --output
 * directive sbatch reads as that path, and the tasks run. */
static void test_path_with_space(void)
{
	g_autofree gchar *camp = g_build_filename(lb_test_dir, "camp aign x#1 100%", NULL);
	g_autofree gchar *ini = write_ini(lb_test_dir, "spaced.ini", sweep_ini);
	const char *emit[] = {"sweep", ini, "-o", camp, "--emit-slurm", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &o1, &e1), 0);
	g_autofree gchar *script = g_build_filename(camp, "sweep-1.slurm", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(script, &text, NULL, NULL));
	gchar **lines = g_strsplit(text, "\n", -1);
	gchar *output = NULL;
	int args = 0;
	for (int i = 0; lines[i]; i++) {
		if (!g_str_has_prefix(lines[i], "#SBATCH"))
			continue;
		const char *rest = lines[i] + 7;
		gchar *a;
		while ((a = sbatch_argument(&rest))) {
			args++;
			if (g_str_has_prefix(a, "--output=")) {
				g_free(output);
				output = a;
			} else {
				g_free(a);
			}
		}
	}
	g_strfreev(lines);
	CU_ASSERT_EQUAL(args, 4); /* --job-name, --array, --cpus-per-task, --output: one argument each */
	CU_ASSERT_PTR_NOT_NULL_FATAL(output);
	/* sbatch's file name patterns: "%%" is '%', %A and %a the job and task */
	GString *name = g_string_new(NULL);
	for (const char *c = output + 9; *c; c++) {
		g_string_append_c(name, *c);
		if (c[0] == '%' && c[1] == '%')
			c++;
	}
	g_autofree gchar *want = g_strdup_printf("%s/slurm-%%A_%%a.out", camp);
	CU_ASSERT_STRING_EQUAL(name->str, want);
	g_string_free(name, TRUE);
	g_free(output);
	g_autofree gchar *job = submit(script, "spaced.slurm");
	for (int t = 1; t <= 4; t++)
		CU_ASSERT_EQUAL(run_task(job, t, NULL), 0);
	CU_ASSERT_EQUAL(complete_runs(camp), 4);
	const char *merge[] = {"sweep", ini, "-o", camp, "--merge", NULL};
	g_autofree gchar *mo = NULL, *me = NULL;
	CU_ASSERT_EQUAL(lbsim(merge, &mo, &me), 0);
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("sweep", lb_test_dir_setup, lb_test_dir_teardown);
	CU_add_test(s, "test_reemit_while_queued", test_reemit_while_queued);
	CU_add_test(s, "test_merge_job_merges_its_emit", test_merge_job_merges_its_emit);
	CU_add_test(s, "test_snapshot_guards_parameters", test_snapshot_guards_parameters);
	CU_add_test(s, "test_nothing_to_submit_and_missing_runs", test_nothing_to_submit_and_missing_runs);
	CU_add_test(s, "test_path_with_space", test_path_with_space);
}
