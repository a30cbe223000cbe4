/* test_sweep_campaign.c - campaigns (issue 15): campaign.json and its resume
 * rules (extend by replications or sweep values, stable point ids, refusal of
 * a changed base parameter naming the key and both values, a warning for
 * another commit, remembered --set values), Welford statistics in sweep.csv,
 * the progress bar, and --emit-slurm's merge job submitted through a fake
 * sbatch.  doc/outputs.md, "Campaigns". */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "../cu_main.h"
#include "cli_spawn.h"
#include "stats.h"


/* 2 points x 2 replications, 0.5 s each: a run takes well under a second */
static const char base_ini[] = "[scenario]\nname = tiny\nduration = 500ms\nreplications = 2\n"
			       "[cluster]\nnodes = 4\n"
			       "[router]\nrefresh_interval = 100ms\nhold_time = 300ms\n"
			       "[traffic]\ninitial_flows = 100\nflow_arrival_rate = 10\npacket_rate = 10\n"
			       "[failure.1]\nat = 100ms\nkind = crash\nnode = 1\n"
			       "[sweep]\nrouter.failover = %s\n";

/* lb_test_dir/name with base_ini sweeping values; the path (g_free). */
static gchar *write_ini(const char *name, const char *values)
{
	gchar *p = g_build_filename(lb_test_dir, name, NULL);
	g_autofree gchar *text = g_strdup_printf(base_ini, values);
	CU_ASSERT_FATAL(g_file_set_contents(p, text, -1, NULL));
	return p;
}

static gchar *path_in(const char *dir, const char *name)
{
	return g_build_filename(dir, name, NULL);
}

static gchar *read_text(const char *path)
{
	gchar *text = NULL;
	return g_file_get_contents(path, &text, NULL, NULL) ? text : g_strdup("");
}

/* Field col of data row `row` (1 = the first after the header) of a CSV. */
static gchar *csv_field(const char *path, int row, int col)
{
	g_autofree gchar *text = read_text(path);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	if ((int)g_strv_length(lines) <= row)
		return g_strdup("");
	g_auto(GStrv) f = g_strsplit(lines[row], ",", -1);
	return g_strdup((int)g_strv_length(f) > col ? f[col] : "");
}

/* The column named name in a CSV's header, or -1. */
static int csv_column(const char *path, const char *name)
{
	g_autofree gchar *text = read_text(path);
	g_auto(GStrv) lines = g_strsplit(text, "\n", 2);
	g_auto(GStrv) head = g_strsplit(lines[0] ? lines[0] : "", ",", -1);
	for (int i = 0; head[i]; i++)
		if (strcmp(head[i], name) == 0)
			return i;
	return -1;
}

/* The lines of GNU parallel's joblog after its header: the runs it started. */
static unsigned joblog_runs(const char *camp)
{
	g_autofree gchar *log = path_in(camp, "joblog");
	g_autofree gchar *text = read_text(log);
	unsigned n = 0;
	for (const char *c = text; *c; c++)
		n += *c == '\n';
	return n ? n - 1 : 0;
}

static int sh(const char *fmt, const char *a, const char *b)
{
	g_autofree gchar *cmd = g_strdup_printf(fmt, a, b);
	return system(cmd);
}

/* The sample sd of 81401000 + i, i = 0..9, is the sd of 0..9:
 * sqrt(sum (i - 4.5)^2 / 9) = sqrt(82.5 / 9) = 3.0276504; the textbook
 * (sum x^2 - n mean^2) / (n - 1) loses all of it (sum x^2 ~ 6.6e16 > 2^53:
 * it gave 0).  ci95 = t(0.975, 9) x sd / sqrt(10) = 2.262157 x 0.9574271 = 2.1658. */
static void test_welford(void)
{
	struct stats s = {0};
	for (int i = 0; i < 10; i++)
		stats_add(&s, 81401000.0 + i);
	CU_ASSERT_DOUBLE_EQUAL(s.mean, 81401004.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(stats_sd(&s), 3.02765, 5e-6);
	CU_ASSERT_DOUBLE_EQUAL(stats_ci95(&s), 2.16582, 5e-5);
	struct stats one = {0};
	stats_add(&one, 5);
	CU_ASSERT_DOUBLE_EQUAL(stats_sd(&one), 0, 0);
}

/* The same values through sweep.csv: 10 replications of one point, each
 * summary's `sent` rewritten to 81401000 + r, merged: sent_sd 3.02765. */
static void test_welford_in_sweep_csv(void)
{
	g_autofree gchar *ini = write_ini("welford.ini", "hold");
	g_autofree gchar *camp = path_in(lb_test_dir, "welford");
	const char *run[] = {"sweep", ini, "-o", camp, "-j", "2", "--set", "scenario.replications=10", NULL};
	g_autofree gchar *o = NULL, *e = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &o, &e), 0);
	g_autofree gchar *any = g_strdup_printf("%s/runs/p0/rep0/summary.csv", camp);
	int sent = csv_column(any, "sent");
	CU_ASSERT_FATAL(sent >= 0);
	for (int r = 0; r < 10; r++) {
		g_autofree gchar *cmd = g_strdup_printf("cd '%s/runs/p0/rep%d' && awk -F, -v OFS=, 'NR == 2 { $%d = %d } "
							"{ print }' summary.csv > s && mv s summary.csv",
							camp, r, sent + 1, 81401000 + r);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	}
	const char *merge[] = {"sweep", ini, "-o", camp, "--merge", NULL};
	g_autofree gchar *mo = NULL, *me = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(merge, &mo, &me), 0); /* the 10 replications are remembered */
	g_autofree gchar *sweep = path_in(camp, "sweep.csv");
	int col = csv_column(sweep, "sent_sd");
	CU_ASSERT_FATAL(col > 0);
	g_autofree gchar *mean = csv_field(sweep, 1, col - 1), *sd = csv_field(sweep, 1, col);
	g_autofree gchar *n = csv_field(sweep, 1, csv_column(sweep, "runs"));
	CU_ASSERT_STRING_EQUAL(n, "10");
	CU_ASSERT_DOUBLE_EQUAL(g_ascii_strtod(mean, NULL), 81401004.5, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(g_ascii_strtod(sd, NULL), 3.02765, 5e-6);
}

/* More replications run only the new ones: 2 points x 2 replications, then
 * 3: 2 runs (GNU parallel's joblog holds 2 jobs), the 4 earlier runs'
 * files untouched (their run.json, with its start time, byte for byte). */
static void test_extend_replications(void)
{
	g_autofree gchar *ini = write_ini("reps.ini", "hold;readvertise");
	g_autofree gchar *camp = path_in(lb_test_dir, "reps");
	const char *first[] = {"sweep", ini, "-o", camp, "-j", "2", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(first, &o1, &e1), 0);
	CU_ASSERT_EQUAL(joblog_runs(camp), 4);
	g_autofree gchar *rj = g_strdup_printf("%s/runs/p1/rep1/run.json", camp);
	g_autofree gchar *before = read_text(rj);
	const char *more[] = {"sweep", ini, "-o", camp, "-j", "2", "--set", "scenario.replications=3", NULL};
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(more, &o2, &e2), 0);
	CU_ASSERT_PTR_NOT_NULL(o2 && strstr(o2, "sweep: 2 points x 3 replications = 6 runs, 2 to run\n"));
	CU_ASSERT_EQUAL(joblog_runs(camp), 2);
	g_autofree gchar *after = read_text(rj);
	CU_ASSERT_STRING_EQUAL(before, after);
	for (int p = 0; p < 2; p++) {
		g_autofree gchar *s = g_strdup_printf("%s/runs/p%d/rep2/summary.csv", camp, p);
		CU_ASSERT(g_file_test(s, G_FILE_TEST_IS_REGULAR));
	}
	g_autofree gchar *sweep = path_in(camp, "sweep.csv");
	g_autofree gchar *n = csv_field(sweep, 2, csv_column(sweep, "runs"));
	CU_ASSERT_STRING_EQUAL(n, "3");
	/* a subset (1 replication) runs nothing and merges just that */
	const char *fewer[] = {"sweep", ini, "-o", camp, "--set", "scenario.replications=1", NULL};
	g_autofree gchar *o3 = NULL, *e3 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(fewer, &o3, &e3), 0);
	CU_ASSERT_PTR_NOT_NULL(o3 && strstr(o3, "= 2 runs, 0 to run"));
	g_autofree gchar *n1 = csv_field(sweep, 2, csv_column(sweep, "runs"));
	CU_ASSERT_STRING_EQUAL(n1, "1");
	g_autofree gchar *kept = g_strdup_printf("%s/runs/p1/rep2/summary.csv", camp);
	CU_ASSERT(g_file_test(kept, G_FILE_TEST_IS_REGULAR));
}

/* A new sweep value extends the campaign: the points keep their ids and
 * directories (hold p0, readvertise p1), bfd, added between them, becomes
 * p2 and is the only point run. */
static void test_extend_values_keeps_ids(void)
{
	g_autofree gchar *ini = write_ini("values.ini", "hold;readvertise");
	g_autofree gchar *camp = path_in(lb_test_dir, "values");
	const char *run[] = {"sweep", ini, "-o", camp, "-j", "2", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &o1, &e1), 0);
	g_autofree gchar *p1 = g_strdup_printf("%s/runs/p1/rep0/summary.csv", camp);
	g_autofree gchar *p1_before = read_text(p1);
	g_free(write_ini("values.ini", "hold;bfd;readvertise"));
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &o2, &e2), 0);
	CU_ASSERT_PTR_NOT_NULL(o2 && strstr(o2, "3 points x 2 replications = 6 runs, 2 to run"));
	CU_ASSERT_EQUAL(joblog_runs(camp), 2);
	g_autofree gchar *p1_after = read_text(p1);
	CU_ASSERT_STRING_EQUAL(p1_before, p1_after);
	g_autofree gchar *f1 = csv_field(p1, 1, 4), *f2 = NULL;
	g_autofree gchar *p2 = g_strdup_printf("%s/runs/p2/rep1/summary.csv", camp);
	f2 = csv_field(p2, 1, 4); /* failover */
	CU_ASSERT_STRING_EQUAL(f1, "readvertise");
	CU_ASSERT_STRING_EQUAL(f2, "bfd");
	/* sweep.csv in the grid's order, each point with its own id */
	g_autofree gchar *sweep = path_in(camp, "sweep.csv");
	const char *want[] = {"0,hold,2,", "2,bfd,2,", "1,readvertise,2,"};
	g_autofree gchar *text = read_text(sweep);
	g_auto(GStrv) rows = g_strsplit(text, "\n", -1);
	CU_ASSERT_EQUAL_FATAL(g_strv_length(rows), 5); /* header, 3 rows, "" */
	for (int i = 0; i < 3; i++)
		CU_ASSERT(g_str_has_prefix(rows[i + 1], want[i]));
	g_autofree gchar *cj = path_in(camp, "campaign.json");
	g_autofree gchar *json = read_text(cj);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"id\" : 2,\n      \"values\" : [\n        \"bfd\""));
}

/* A changed base parameter is refused (exit 2) naming the key and both
 * values, whether from a --set (remembered from the first sweep: 5) or the
 * file; nothing runs. */
static void test_changed_base_refused(void)
{
	g_autofree gchar *ini = write_ini("base.ini", "hold;readvertise");
	g_autofree gchar *camp = path_in(lb_test_dir, "base");
	const char *emit[] = {"sweep", ini, "-o", camp, "--emit-slurm", "--set", "cluster.nodes=5", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &o1, &e1), 0);
	const char *other[] = {"sweep", ini, "-o", camp, "--set", "cluster.nodes=6", NULL};
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL(lbsim(other, &o2, &e2), 2);
	g_autofree gchar *want = g_strdup_printf(
		"lbsim sweep: %s holds a campaign of other parameters: [cluster] nodes: the campaign has 5, this sweep 6 "
		"(only the replications and the swept keys' values may change; use another -o, or delete the campaign)\n",
		camp);
	CU_ASSERT_STRING_EQUAL(e2, want);
	g_autofree gchar *runs = path_in(camp, "runs");
	CU_ASSERT_FALSE(g_file_test(runs, G_FILE_TEST_EXISTS));
	CU_ASSERT_EQUAL(sh("sed -i 's/hold_time = 300ms/hold_time = 0.4s/' '%s'%s", ini, ""), 0);
	const char *again[] = {"sweep", ini, "-o", camp, "--emit-slurm", NULL};
	g_autofree gchar *o3 = NULL, *e3 = NULL;
	CU_ASSERT_EQUAL(lbsim(again, &o3, &e3), 2);
	CU_ASSERT_PTR_NOT_NULL(e3 && strstr(e3, ": [router] hold_time: the campaign has 300ms, this sweep 400ms ("));
}

/* Runs made by another commit (faked: campaign.json's commits rewritten)
 * get a warning naming both commits; the sweep goes on. */
static void test_other_commit_warns(void)
{
	g_autofree gchar *ini = write_ini("commit.ini", "hold");
	g_autofree gchar *camp = path_in(lb_test_dir, "commit");
	const char *run[] = {"sweep", ini, "-o", camp, "--set", "scenario.replications=1", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &o1, &e1), 0);
	CU_ASSERT_PTR_NULL(strstr(e1, "warning"));
	const char *version[] = {"version", NULL};
	g_autofree gchar *v = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(version, &v, NULL), 0);
	/* "lbsim 0.1.0 (commit C, ns-3 3.37)" */
	const char *c0 = strstr(v, "(commit ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c0);
	g_autofree gchar *commit = g_strndup(c0 + 8, strcspn(c0 + 8, ","));
	g_autofree gchar *cj = path_in(camp, "campaign.json");
	g_autofree gchar *json = read_text(cj);
	g_autofree gchar *quoted = g_strdup_printf("\"%s\"", commit);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(json, quoted));
	g_auto(GStrv) parts = g_strsplit(json, quoted, -1);
	g_autofree gchar *faked = g_strjoinv("\"0123456789ab\"", parts);
	CU_ASSERT_FATAL(g_file_set_contents(cj, faked, -1, NULL));
	const char *extend[] = {"sweep", ini, "-o", camp, "--set", "scenario.replications=2", NULL};
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL(lbsim(extend, &o2, &e2), 0);
	g_autofree gchar *want = g_strdup_printf(
		"lbsim sweep: warning: %s: runs of this campaign were made by lbsim 0123456789ab; this lbsim is %s: their "
		"results may differ (each run's run.json names its commit)\n",
		camp, commit);
	CU_ASSERT_PTR_NOT_NULL(strstr(e2, want));
	CU_ASSERT_PTR_NOT_NULL(o2 && strstr(o2, "= 2 runs, 1 to run"));
}

/* A --set given at the first emit is remembered: a re-emit and --merge
 * without it use it (runs.csv: nodes 5); --merge with another value is
 * refused; campaign.json lists it under "overrides". */
static void test_remembered_set_merge(void)
{
	g_autofree gchar *ini = write_ini("remember.ini", "hold;readvertise");
	g_autofree gchar *camp = path_in(lb_test_dir, "remember");
	const char *emit[] = {"sweep", ini, "-o", camp, "--emit-slurm", "--set", "cluster.nodes=5", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &o1, &e1), 0);
	g_autofree gchar *list = path_in(camp, "runs-1.list");
	for (int line = 1; line <= 4; line++) {
		g_autofree gchar *l = g_strdup_printf("%d", line);
		CU_ASSERT_EQUAL(sh("cd / && sh -c \"$(sed -n '%sp' '%s' | cut -f2-)\"", l, list), 0);
	}
	const char *reemit[] = {"sweep", ini, "-o", camp, "--emit-slurm", NULL};
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL(lbsim(reemit, &o2, &e2), 0);
	CU_ASSERT_PTR_NOT_NULL(o2 && strstr(o2, "nothing to submit: all 4 runs are complete"));
	const char *merge[] = {"sweep", ini, "-o", camp, "--merge", NULL};
	g_autofree gchar *mo = NULL, *me = NULL;
	CU_ASSERT_EQUAL(lbsim(merge, &mo, &me), 0);
	g_autofree gchar *runs = path_in(camp, "runs.csv");
	int nodes = csv_column(runs, "nodes");
	for (int row = 1; row <= 4; row++) {
		g_autofree gchar *n = csv_field(runs, row, nodes);
		CU_ASSERT_STRING_EQUAL(n, "5");
	}
	const char *other[] = {"sweep", ini, "-o", camp, "--merge", "--set", "cluster.nodes=4", NULL};
	g_autofree gchar *o3 = NULL, *e3 = NULL;
	CU_ASSERT_EQUAL(lbsim(other, &o3, &e3), 2);
	CU_ASSERT_PTR_NOT_NULL(e3 && strstr(e3, "[cluster] nodes: the campaign has 5, this sweep 4"));
	g_autofree gchar *cj = path_in(camp, "campaign.json");
	g_autofree gchar *json = read_text(cj);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"overrides\" : [\n    \"cluster.nodes=5\"\n  ]"));
}

/* A scenario file and a campaign directory whose names are not UTF-8 (a
 * 0xff byte; the file named by a relative path): campaign.json is UTF-8
 * throughout (JSON must be), scenario_file is the file's absolute path and
 * the copy under scenario/ has a UTF-8 name, both with U+FFFD for the byte
 * (g_filename_display_name, as run.json), and the campaign resumes. */
static void test_file_name_not_utf8(void)
{
	g_autofree gchar *ini = write_ini("sw\xff.ini", "hold");
	g_autofree gchar *camp = path_in(lb_test_dir, "camp\xe9");
	/* ini relative to lbsim's working directory (the source root): enough
	 * ../ to reach / from any directory (a surplus .. at / stays there) */
	CU_ASSERT_FATAL(g_path_is_absolute(ini));
	GString *rel = g_string_new(NULL);
	for (int i = 0; i < 64; i++)
		g_string_append(rel, "../");
	g_string_append(rel, ini + 1);
	g_autofree gchar *relative = g_string_free(rel, FALSE);
	const char *run[] = {"sweep", relative, "-o", camp, "--set", "scenario.replications=1", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &o1, &e1), 0);
	g_autofree gchar *cj = path_in(camp, "campaign.json");
	g_autofree gchar *json = NULL;
	gsize len = 0;
	CU_ASSERT_FATAL(g_file_get_contents(cj, &json, &len, NULL));
	CU_ASSERT_TRUE(g_utf8_validate(json, (gssize)len, NULL));
	g_autofree gchar *file = g_strdup_printf("\"scenario_file\" : \"%s/sw\xef\xbf\xbd.ini\"", lb_test_dir);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, file));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"snapshot\" : \"sw\xef\xbf\xbd.ini\""));
	g_autofree gchar *copy = g_build_filename(camp, "scenario", "sw\xef\xbf\xbd.ini", NULL);
	CU_ASSERT(g_file_test(copy, G_FILE_TEST_IS_REGULAR));
	/* resumed: nothing left to run, and the record still UTF-8 */
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL(lbsim(run, &o2, &e2), 0);
	CU_ASSERT_PTR_NOT_NULL(o2 && strstr(o2, "= 1 runs, 0 to run\n"));
	if (e2 && *e2)
		fprintf(stderr, "\n%s", e2);
	g_autofree gchar *again = read_text(cj);
	CU_ASSERT_TRUE(g_utf8_validate(again, -1, NULL));
}

/* --progress on a pipe: one line per ended run, the same text whatever
 * order the runs end in; without it (stderr is a pipe here) and with
 * --quiet, none. */
static void test_progress_forced(void)
{
	g_autofree gchar *ini = write_ini("progress.ini", "hold;readvertise");
	g_autofree gchar *camp = path_in(lb_test_dir, "progress");
	const char *run[] = {"sweep", ini, "-o", camp, "-j", "2", "--progress", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &o1, &e1), 0);
	CU_ASSERT_STRING_EQUAL(e1, "sweep: [                    ] 0/4 runs\n"
				   "sweep: [#####               ] 1/4 runs\n"
				   "sweep: [##########          ] 2/4 runs\n"
				   "sweep: [###############     ] 3/4 runs\n"
				   "sweep: [####################] 4/4 runs\n");
	CU_ASSERT_EQUAL(sh("rm -r '%s/runs/p0/rep1'%s", camp, ""), 0);
	const char *plain[] = {"sweep", ini, "-o", camp, NULL};
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL(lbsim(plain, &o2, &e2), 0);
	CU_ASSERT_STRING_EQUAL(e2, "");
	CU_ASSERT_EQUAL(sh("rm -r '%s/runs/p1/rep0'%s", camp, ""), 0);
	const char *quiet[] = {"sweep", ini, "-o", camp, "--progress", "--quiet", NULL};
	g_autofree gchar *o3 = NULL, *e3 = NULL;
	CU_ASSERT_EQUAL(lbsim(quiet, &o3, &e3), 0);
	CU_ASSERT_STRING_EQUAL(e3, "");
	CU_ASSERT_STRING_EQUAL(o3, "");
}

/* One argument of an #SBATCH line as sbatch splits it (quotes group, a
 * backslash escapes, an unquoted '#' ends the line); *rest moves on. */
static gchar *sbatch_argument(const char **rest)
{
	const char *p = *rest;
	while (*p == ' ')
		p++;
	if (!*p || *p == '#')
		return NULL;
	GString *g = g_string_new(NULL);
	char q = 0;
	for (; *p && (q || *p != ' '); p++) {
		if (*p == '\\' && p[1])
			g_string_append_c(g, *++p);
		else if (q && *p == q)
			q = 0;
		else if (!q && (*p == '"' || *p == '\''))
			q = *p;
		else if (!q && *p == '#')
			break;
		else
			g_string_append_c(g, *p);
	}
	*rest = p;
	return g_string_free(g, FALSE);
}

/* The arguments of a job script's #SBATCH lines, joined by '|'. */
static gchar *sbatch_arguments(const char *script)
{
	g_autofree gchar *text = read_text(script);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *all = g_string_new("|");
	for (int i = 0; lines[i]; i++) {
		const char *rest = lines[i] + 7;
		gchar *a;
		if (g_str_has_prefix(lines[i], "#SBATCH"))
			while ((a = sbatch_argument(&rest))) {
				g_string_append_printf(all, "%s|", a);
				g_free(a);
			}
	}
	return g_string_free(all, FALSE);
}

/* --emit-slurm writes the array, the merge job and submit-1.sh; with a fake
 * sbatch on PATH (it records its arguments, prints job ids 4242;cluster then
 * 4243) the submit script submits the array, then the merge job with
 * --dependency=afterany:4242.  The site options are #SBATCH lines of both
 * jobs and are remembered: a second emit without them writes them again.
 * The merge job, run after the tasks, merges. */
static void test_slurm_submit_with_merge_job(void)
{
	g_autofree gchar *ini = write_ini("slurm.ini", "hold;readvertise");
	g_autofree gchar *camp = path_in(lb_test_dir, "slurm");
	const char *emit[] = {"sweep",          ini,     "-o", camp, "--emit-slurm", "--slurm-time=1:00:00",
			      "--slurm-partition", "short", "--slurm-account", "acc x", "--slurm-mem=2G",
			      "--slurm-option=--qos=high", NULL};
	g_autofree gchar *o1 = NULL, *e1 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &o1, &e1), 0);
	const char *site = "|--time=1:00:00|--partition=short|--account=acc x|--mem=2G|--qos=high|";
	g_autofree gchar *array = path_in(camp, "sweep-1.slurm"), *merge = path_in(camp, "merge-1.slurm");
	g_autofree gchar *aa = sbatch_arguments(array), *ma = sbatch_arguments(merge);
	CU_ASSERT_PTR_NOT_NULL(strstr(aa, "|--array=1-4|"));
	CU_ASSERT_PTR_NOT_NULL(strstr(aa, site));
	CU_ASSERT_PTR_NOT_NULL(strstr(ma, site));
	g_autofree gchar *bin = path_in(lb_test_dir, "bin");
	g_autofree gchar *record = path_in(lb_test_dir, "sbatch.args");
	g_autofree gchar *fake = path_in(bin, "sbatch");
	g_autofree gchar *script = g_strdup_printf("#!/bin/sh\necho \"$*\" >> '%s'\n"
						   "if [ -e '%s.n' ]; then echo 4243; else : > '%s.n'; echo '4242;cluster'; fi\n",
						   record, record, record);
	CU_ASSERT_FATAL(g_mkdir_with_parents(bin, 0755) == 0);
	CU_ASSERT_FATAL(g_file_set_contents(fake, script, -1, NULL));
	CU_ASSERT_FATAL(g_chmod(fake, 0755) == 0);
	g_autofree gchar *submit = path_in(camp, "submit-1.sh");
	g_autofree gchar *cmd = g_strdup_printf("PATH='%s':\"$PATH\" bash '%s' > /dev/null", bin, submit);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	g_autofree gchar *calls = read_text(record);
	g_autofree gchar *want = g_strdup_printf("--parsable %s\n--parsable --dependency=afterany:4242 %s\n", array, merge);
	CU_ASSERT_STRING_EQUAL(calls, want);
	/* the tasks, then the merge job */
	g_autofree gchar *list = path_in(camp, "runs-1.list");
	for (int line = 1; line <= 4; line++) {
		g_autofree gchar *l = g_strdup_printf("%d", line);
		CU_ASSERT_EQUAL(sh("cd / && sh -c \"$(sed -n '%sp' '%s' | cut -f2-)\"", l, list), 0);
	}
	CU_ASSERT_EQUAL(sh("cd / && bash '%s' > /dev/null%s", merge, ""), 0);
	g_autofree gchar *sweep = path_in(camp, "sweep.csv");
	CU_ASSERT(g_file_test(sweep, G_FILE_TEST_IS_REGULAR));
	/* a second emit (one more replication) with the remembered site options */
	const char *more[] = {"sweep", ini, "-o", camp, "--emit-slurm", "--set", "scenario.replications=3", NULL};
	g_autofree gchar *o2 = NULL, *e2 = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(more, &o2, &e2), 0);
	g_autofree gchar *array2 = path_in(camp, "sweep-2.slurm");
	g_autofree gchar *aa2 = sbatch_arguments(array2);
	CU_ASSERT_PTR_NOT_NULL(strstr(aa2, "|--array=1-2|"));
	CU_ASSERT_PTR_NOT_NULL(strstr(aa2, site));
	/* lbsim's own options are refused as site options */
	const char *own[] = {"sweep", ini, "-o", camp, "--emit-slurm", "--slurm-option=--dependency=after:1", NULL};
	g_autofree gchar *o3 = NULL, *e3 = NULL;
	CU_ASSERT_EQUAL(lbsim(own, &o3, &e3), 2);
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("sweep_campaign", lb_test_dir_setup, lb_test_dir_teardown);
	CU_add_test(s, "test_welford", test_welford);
	CU_add_test(s, "test_welford_in_sweep_csv", test_welford_in_sweep_csv);
	CU_add_test(s, "test_extend_replications", test_extend_replications);
	CU_add_test(s, "test_extend_values_keeps_ids", test_extend_values_keeps_ids);
	CU_add_test(s, "test_changed_base_refused", test_changed_base_refused);
	CU_add_test(s, "test_other_commit_warns", test_other_commit_warns);
	CU_add_test(s, "test_remembered_set_merge", test_remembered_set_merge);
	CU_add_test(s, "test_file_name_not_utf8", test_file_name_not_utf8);
	CU_add_test(s, "test_progress_forced", test_progress_forced);
	CU_add_test(s, "test_slurm_submit_with_merge_job", test_slurm_submit_with_merge_job);
}
