/* sweep.c - `lbsim sweep`: expand, run with GNU parallel, merge.
 *
 * Runs are numbered in grid order: point p (the first axis varies slowest)
 * and replication r; run "p<p>-r<r>" writes <dir>/runs/p<p>/rep<r>/ through
 * `lbsim run SNAPSHOT --set ... --replication r -o <dir>/runs/p<p> --quiet`,
 * so every arm uses the same base seed and run number r+1 (ns-3 RngRun
 * style: arms are paired).  A run is complete when its rep<r>/summary.csv
 * exists (run directories appear only by an atomic rename), so re-running a
 * campaign runs only what is missing, like SEM's run_missing_simulations.
 *
 * The campaign keeps its own copy of the scenario file (SNAPSHOT =
 * <dir>/scenario/<file name>, written with campaign.json when the campaign
 * starts, never rewritten): every run, local or on Slurm, reads the copy, so
 * editing the original between emitting and running changes nothing, and
 * campaign.json refuses a resume with other parameters.
 *
 * runs.list has one line per run: run id, a tab, then the complete command
 * line; GNU parallel executes the missing lines locally (-j) or over ssh
 * (--sshloginfile).  --emit-slurm writes runs-<N>.list (the runs missing
 * now) and sweep-<N>.slurm, its array script, with N one more than the last
 * emit: a list is never rewritten, so an array still queued runs exactly
 * the lines it was submitted with; a task whose line is missing fails.
 * While it works, `lbsim sweep` holds the campaign directory's lock
 * (results.h), so two sweeps never write one campaign at once.
 */
#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include "cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"
#include "results.h"

struct run_spec {
	unsigned point;
	uint32_t rep;
	gchar *id;
	gchar *cmd;
	gchar *dir; /* <dir>/runs/p<point> */
};

/* Student t 0.975 quantiles for 1..30 degrees of freedom; 1.96 beyond. */
/* The 0.975 quantile of Student's t with df degrees of freedom (two-sided
 * 95% interval): exact to 6 decimals for df <= 30 (standard tables), the
 * Cornish-Fisher expansion around z = 1.959964 beyond (error < 1e-5). */
static double t975(unsigned df)
{
	static const double t[] = {0,        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912,
				   2.364624, 2.306004,  2.262157, 2.228139, 2.200985, 2.178813, 2.160369,
				   2.144787, 2.131450,  2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
				   2.079614, 2.073873,  2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
				   2.048407, 2.045230,  2.042272};
	if (df == 0)
		return 0;
	if (df <= 30)
		return t[df];
	double z = 1.959964, n = df, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
	return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

/* ",value", quoted as RFC 4180 says when it holds a comma, quote or newline. */
static void append_csv_field(GString *out, const char *v)
{
	g_string_append_c(out, ',');
	if (!strpbrk(v, ",\"\n")) {
		g_string_append(out, v);
		return;
	}
	g_string_append_c(out, '"');
	for (const char *c = v; *c; c++) {
		if (*c == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *c);
	}
	g_string_append_c(out, '"');
}

static gchar *quote(const char *s)
{
	return g_shell_quote(s);
}

/* The overrides of grid point p, "group.key=value" each. */
static GPtrArray *point_sets(const struct scenario *sc, unsigned p)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	unsigned rest = p;
	for (size_t i = sc->n_sweep; i-- > 0;) {
		const struct scenario_sweep_axis *ax = &sc->sweep[i];
		unsigned v = rest % (unsigned)ax->n_values;
		rest /= (unsigned)ax->n_values;
		g_ptr_array_insert(a, 0, g_strdup_printf("%s=%s", ax->key, ax->values[v]));
	}
	return a;
}

static unsigned n_points(const struct scenario *sc)
{
	unsigned n = 1;
	for (size_t i = 0; i < sc->n_sweep; i++)
		n *= (unsigned)sc->sweep[i].n_values;
	return n;
}

/* The campaign's copy of the scenario file: <dir>/scenario/<file name>
 * (the same name, so that a name derived from it stays the same). */
static gchar *snapshot_path(const char *file, const struct sweep_opts *o)
{
	g_autofree gchar *base = g_path_get_basename(file);
	g_autofree gchar *abs_out = g_canonicalize_filename(o->out_dir, NULL);
	return g_build_filename(abs_out, "scenario", base, NULL);
}

/* Writes the snapshot if the campaign has none yet (its parameters are
 * campaign.json's: campaign_matches() ran first). */
static gboolean write_snapshot(const char *file, const struct sweep_opts *o)
{
	g_autofree gchar *snap = snapshot_path(file, o);
	if (g_file_test(snap, G_FILE_TEST_EXISTS))
		return TRUE;
	g_autofree gchar *text = NULL, *dir = g_path_get_dirname(snap);
	gsize len = 0;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(file, &text, &len, &err) || g_mkdir_with_parents(dir, 0755) != 0 ||
	    !output_write_file(snap, text, len, &err)) {
		fprintf(stderr, "lbsim: sweep: cannot copy %s to %s%s%s\n", file, snap, err ? ": " : "",
			err ? err->message : "");
		return FALSE;
	}
	return TRUE;
}

static GPtrArray *expand(const char *file, const struct scenario *sc, const struct sweep_opts *o)
{
	GPtrArray *runs = g_ptr_array_new();
	unsigned np = n_points(sc);
	/* absolute paths: a run list line works from any directory (Slurm) */
	g_autofree gchar *abs_file = snapshot_path(file, o);
	g_autofree gchar *abs_out = g_canonicalize_filename(o->out_dir, NULL);
	g_autofree gchar *qself = quote(o->self), *qfile = quote(abs_file);
	for (unsigned p = 0; p < np; p++) {
		g_autoptr(GPtrArray) sets = point_sets(sc, p);
		for (uint32_t r = 0; r < sc->replications; r++) {
			struct run_spec *rs = g_new0(struct run_spec, 1);
			rs->point = p;
			rs->rep = r;
			rs->id = g_strdup_printf("p%u-r%" PRIu32, p, r);
			rs->dir = g_strdup_printf("%s/runs/p%u", abs_out, p);
			GString *cmd = g_string_new(NULL);
			g_autofree gchar *qdir = quote(rs->dir);
			g_string_append_printf(cmd, "%s run %s --quiet --replication %" PRIu32 " -o %s", qself, qfile, r,
					       qdir);
			for (size_t i = 0; o->sets && o->sets[i]; i++) {
				g_autofree gchar *q = quote(o->sets[i]);
				g_string_append_printf(cmd, " --set %s", q);
			}
			for (guint i = 0; i < sets->len; i++) {
				g_autofree gchar *q = quote(g_ptr_array_index(sets, i));
				g_string_append_printf(cmd, " --set %s", q);
			}
			rs->cmd = g_string_free(cmd, FALSE);
			g_ptr_array_add(runs, rs);
		}
	}
	return runs;
}

static void runs_free(GPtrArray *runs)
{
	for (guint i = 0; i < runs->len; i++) {
		struct run_spec *rs = g_ptr_array_index(runs, i);
		g_free(rs->id);
		g_free(rs->cmd);
		g_free(rs->dir);
		g_free(rs);
	}
	g_ptr_array_free(runs, TRUE);
}

static gchar *run_summary_path(const struct run_spec *rs)
{
	return g_strdup_printf("%s/rep%" PRIu32 "/summary.csv", rs->dir, rs->rep);
}

static gboolean write_run_list(const char *path, GPtrArray *runs, gboolean only_missing, unsigned *n, GError **err)
{
	GString *s = g_string_new(NULL);
	*n = 0;
	for (guint i = 0; i < runs->len; i++) {
		struct run_spec *rs = g_ptr_array_index(runs, i);
		g_autofree gchar *sum = run_summary_path(rs);
		if (only_missing && g_file_test(sum, G_FILE_TEST_IS_REGULAR))
			continue;
		g_string_append_printf(s, "%s\t%s\n", rs->id, rs->cmd);
		(*n)++;
	}
	gboolean ok = output_write_file(path, s->str, s->len, err);
	g_string_free(s, TRUE);
	return ok;
}

/* path as one argument of an #SBATCH line: sbatch splits those lines like
 * a shell (src/sbatch/opt.c _get_argument: quotes group, a backslash
 * escapes, an unquoted '#' starts a comment), and expands '%' patterns in
 * file names ("%%" is a '%'). */
static gchar *sbatch_quote(const char *path)
{
	GString *g = g_string_new("\"");
	for (const char *p = path; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(g, '\\');
		if (*p == '%')
			g_string_append_c(g, '%');
		g_string_append_c(g, *p);
	}
	g_string_append_c(g, '"');
	return g_string_free(g, FALSE);
}

/* The number of the next emit: one more than the largest N of the
 * campaign's runs-<N>.list and sweep-<N>.slurm. */
static unsigned next_emit(const char *dir)
{
	unsigned n = 0;
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		const char *p = g_str_has_prefix(name, "runs-") ? name + 5 : g_str_has_prefix(name, "sweep-") ? name + 6 : NULL;
		if (!p || !g_ascii_isdigit(*p))
			continue;
		unsigned v = (unsigned)strtoul(p, NULL, 10);
		n = v > n ? v : n;
	}
	return n + 1;
}

/* Writes runs-<N>.list (the runs not complete yet) and sweep-<N>.slurm,
 * never an existing one; nothing when every run is complete. */
static int emit_slurm(GPtrArray *runs, const struct sweep_opts *o)
{
	g_autofree gchar *abs_out = g_canonicalize_filename(o->out_dir, NULL);
	if (strpbrk(abs_out, "\n\r")) {
		fprintf(stderr, "lbsim: sweep: %s: a campaign path with a line break cannot go in a Slurm script\n",
			abs_out);
		return 2;
	}
	unsigned missing = 0;
	for (guint i = 0; i < runs->len; i++) {
		g_autofree gchar *sum = run_summary_path(g_ptr_array_index(runs, i));
		missing += !g_file_test(sum, G_FILE_TEST_IS_REGULAR);
	}
	if (missing == 0) {
		printf("sweep: nothing to submit: all %u runs are complete (merge them with --merge)\n", runs->len);
		return 0;
	}
	unsigned k = next_emit(abs_out);
	g_autofree gchar *list_name = g_strdup_printf("runs-%u.list", k);
	g_autofree gchar *list = g_build_filename(abs_out, list_name, NULL);
	g_autofree gchar *path = g_strdup_printf("%s/sweep-%u.slurm", abs_out, k);
	g_autoptr(GError) err = NULL;
	unsigned n = 0;
	if (!write_run_list(list, runs, TRUE, &n, &err)) {
		fprintf(stderr, "lbsim: %s\n", err->message);
		return 1;
	}
	g_autofree gchar *qlist = quote(list), *qpath = quote(path);
	/* "DIR/slurm-%A_%a.out" with DIR quoted (its own '%' doubled), the
	 * pattern's %A (job) and %a (task) kept */
	g_autofree gchar *qdir = sbatch_quote(abs_out);
	qdir[strlen(qdir) - 1] = '\0'; /* the closing quote goes after the file name */
	g_autofree gchar *output = g_strdup_printf("%s/slurm-%%A_%%a.out\"", qdir);
	g_autofree gchar *text = g_strdup_printf(
		"#!/bin/bash\n"
		"# Slurm array job %u of lbsim sweep --emit-slurm: one task per line of %s, the runs not complete\n"
		"# when it was written.  That list is never rewritten (a later emit writes runs-%u.list and\n"
		"# sweep-%u.slurm), so this array runs exactly these lines however long it waits in the queue.\n"
		"# Submit: sbatch %s ; then merge: lbsim sweep FILE -o DIR --merge\n"
		"#SBATCH --job-name=lbsim-sweep\n#SBATCH --array=1-%u\n#SBATCH --cpus-per-task=1\n"
		"#SBATCH --output=%s\n"
		"set -euo pipefail\n"
		"list=%s\n"
		"task=${SLURM_ARRAY_TASK_ID:-}\n"
		"case $task in ''|*[!0-9]*|0) echo \"lbsim sweep: SLURM_ARRAY_TASK_ID='$task': not a line of $list\" >&2; exit 1;; esac\n"
		"if [ \"$(wc -l < \"$list\")\" -ne %u ]; then echo \"lbsim sweep: $list does not have its %u lines\" >&2; exit 1; fi\n"
		"line=$(sed -n \"${task}p\" \"$list\")\n"
		"if [ -z \"$line\" ]; then echo \"lbsim sweep: $list has no line $task\" >&2; exit 1; fi\n"
		"eval \"${line#*$'\\t'}\"\n",
		k, list_name, k + 1, k + 1, qpath, n, output, qlist, n, n);
	if (!output_write_file(path, text, strlen(text), &err)) {
		fprintf(stderr, "lbsim: %s\n", err->message);
		return 1;
	}
	printf("wrote %s (%u array tasks) and %s\n", path, n, list);
	return 0;
}

/* Runs the missing lines of runs.list with GNU parallel. */
static int run_parallel(const struct sweep_opts *o, const char *list)
{
	g_autofree gchar *jobs = g_strdup_printf("%u", o->jobs);
	g_autofree gchar *joblog = g_build_filename(o->out_dir, "joblog", NULL);
	const char *argv[24];
	int a = 0;
	argv[a++] = "parallel";
	argv[a++] = "--will-cite";
	argv[a++] = "--colsep";
	argv[a++] = "\t";
	argv[a++] = "--joblog";
	argv[a++] = joblog;
	argv[a++] = "--halt";
	argv[a++] = "soon,fail=1";
	if (o->jobs) {
		argv[a++] = "-j";
		argv[a++] = jobs;
	}
	if (o->hosts) {
		argv[a++] = "--sshloginfile";
		argv[a++] = o->hosts;
	}
	argv[a++] = "-a";
	argv[a++] = list;
	argv[a++] = "eval {2}";
	argv[a] = NULL;
	g_autoptr(GError) err = NULL;
	int status = 0;
	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
			  NULL, NULL, &status, &err)) {
		fprintf(stderr, "lbsim: sweep: cannot run GNU parallel: %s\n", err->message);
		return 1;
	}
	if (!g_spawn_check_wait_status(status, &err)) {
		fprintf(stderr, "lbsim: sweep: a run failed (%s); see %s\n", err->message, joblog);
		return 1;
	}
	return 0;
}

/* Parses a summary.csv data row into fields. */
static gchar **read_row(const char *path, gchar ***header)
{
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	gchar **lines = g_strsplit(text, "\n", 3);
	g_free(text);
	gchar **row = NULL;
	if (lines[0] && lines[1] && *lines[1]) {
		row = g_strsplit(lines[1], ",", -1);
		if (header && !*header)
			*header = g_strsplit(lines[0], ",", -1);
	}
	g_strfreev(lines);
	return row;
}

static gboolean numeric_column(const char *name)
{
	static const char *const skip[] = {"scenario", "replication", "seed", "nodes", "failover", "owner_hash",
					   "session_cache", "ecmp", NULL};
	for (int i = 0; skip[i]; i++)
		if (strcmp(name, skip[i]) == 0)
			return FALSE;
	return TRUE;
}

static int merge(const struct scenario *sc, GPtrArray *runs, const struct sweep_opts *o)
{
	gchar **header = NULL;
	unsigned np = n_points(sc);
	GString *raw = NULL, *agg = NULL;
	int rc = 0;
	unsigned missing = 0;
	g_autoptr(GString) missing_ids = g_string_new(NULL);
	/* rows[p] = the rows of point p */
	GPtrArray **rows = g_new0(GPtrArray *, np);
	for (unsigned p = 0; p < np; p++)
		rows[p] = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	for (guint i = 0; i < runs->len; i++) {
		struct run_spec *rs = g_ptr_array_index(runs, i);
		g_autofree gchar *path = run_summary_path(rs);
		gchar **row = read_row(path, &header);
		if (!row) {
			if (missing < 20)
				g_string_append_printf(missing_ids, "%s%s", missing ? ", " : "", rs->id);
			else if (missing == 20)
				g_string_append(missing_ids, ", ...");
			missing++;
			continue;
		}
		g_ptr_array_add(rows[rs->point], row);
	}
	if (!header) {
		fprintf(stderr, "lbsim: sweep: no complete run to merge (missing: %s)\n", missing_ids->str);
		rc = 1;
		goto out;
	}
	raw = g_string_new("point");
	agg = g_string_new("point");
	for (size_t a = 0; a < sc->n_sweep; a++) {
		g_string_append_printf(raw, ",%s", sc->sweep[a].key);
		g_string_append_printf(agg, ",%s", sc->sweep[a].key);
	}
	g_string_append(agg, ",runs");
	guint ncol = g_strv_length(header);
	for (guint c = 0; c < ncol; c++) {
		g_string_append_printf(raw, ",%s", header[c]);
		if (numeric_column(header[c]))
			g_string_append_printf(agg, ",%s_mean,%s_sd,%s_ci95", header[c], header[c], header[c]);
	}
	g_string_append_c(raw, '\n');
	g_string_append_c(agg, '\n');
	for (unsigned p = 0; p < np; p++) {
		g_autoptr(GPtrArray) sets = point_sets(sc, p);
		GString *pcols = g_string_new(NULL);
		g_string_append_printf(pcols, "%u", p);
		for (guint a = 0; a < sets->len; a++) {
			const char *kv = g_ptr_array_index(sets, a);
			append_csv_field(pcols, strchr(kv, '=') + 1);
		}
		for (guint i = 0; i < rows[p]->len; i++) {
			gchar **row = g_ptr_array_index(rows[p], i);
			g_autofree gchar *joined = g_strjoinv(",", row);
			g_string_append_printf(raw, "%s,%s\n", pcols->str, joined);
		}
		guint n = rows[p]->len;
		g_string_append_printf(agg, "%s,%u", pcols->str, n);
		for (guint c = 0; c < ncol; c++) {
			if (!numeric_column(header[c]))
				continue;
			double sum = 0, sq = 0;
			guint k = 0;
			for (guint i = 0; i < n; i++) {
				gchar **row = g_ptr_array_index(rows[p], i);
				if (c >= g_strv_length(row) || !*row[c])
					continue;
				double x = g_ascii_strtod(row[c], NULL);
				sum += x;
				sq += x * x;
				k++;
			}
			if (k == 0) {
				g_string_append(agg, ",,,");
				continue;
			}
			double mean = sum / k;
			double var = k > 1 ? (sq - k * mean * mean) / (k - 1) : 0;
			double sd = var > 0 ? sqrt(var) : 0;
			double ci = k > 1 ? t975(k - 1) * sd / sqrt(k) : 0;
			g_string_append_printf(agg, ",%.9g,%.9g,%.9g", mean, sd, ci);
		}
		g_string_append_c(agg, '\n');
		g_string_free(pcols, TRUE);
	}
	{ /* a block: the goto out above must not skip initialised autofree names */
		g_autoptr(GError) err = NULL;
		g_autofree gchar *rp = g_build_filename(o->out_dir, "runs.csv", NULL);
		g_autofree gchar *sp = g_build_filename(o->out_dir, "sweep.csv", NULL);
		if (!output_write_file(rp, raw->str, raw->len, &err) || !output_write_file(sp, agg->str, agg->len, &err)) {
			fprintf(stderr, "lbsim: %s\n", err->message);
			rc = 1;
		} else {
			printf("merged %u runs into %s and %s\n", runs->len - missing, sp, rp);
		}
	}
	if (missing)
		fprintf(stderr,
			"lbsim: sweep: %u of %u runs are missing: %s (run the sweep again, or emit a Slurm array, "
			"to complete them)\n",
			missing, runs->len, missing_ids->str);
	if (missing && rc == 0)
		rc = 1;
out:
	for (unsigned p = 0; p < np; p++)
		g_ptr_array_free(rows[p], TRUE);
	g_free(rows);
	if (raw)
		g_string_free(raw, TRUE);
	if (agg)
		g_string_free(agg, TRUE);
	g_strfreev(header);
	return rc;
}

/* A campaign directory belongs to one set of resolved parameters (the
 * scenario with the user's --set values; not the output directory or the
 * scheduler, which change no result): campaign.json holds them.  Resuming
 * with other parameters would mix their runs, so it is refused. */
static gboolean campaign_matches(const struct scenario *sc, const struct sweep_opts *o)
{
	struct scenario fp = *sc;
	fp.output_dir = (char *)"";
	fp.scheduler = SHIM_SCHED_MAP;
	g_autofree gchar *want = scenario_to_json(&fp);
	g_autofree gchar *path = g_build_filename(o->out_dir, "campaign.json", NULL);
	g_autofree gchar *runs_dir = g_build_filename(o->out_dir, "runs", NULL);
	g_autofree gchar *have = NULL;
	if (g_file_get_contents(path, &have, NULL, NULL)) {
		if (strcmp(have, want) == 0)
			return TRUE;
		fprintf(stderr,
			"lbsim: %s holds a campaign of other parameters (%s differs from this scenario and its --set "
			"values): use another -o, or delete it\n",
			o->out_dir, path);
		return FALSE;
	}
	if (g_file_test(runs_dir, G_FILE_TEST_EXISTS)) {
		fprintf(stderr, "lbsim: %s has runs but no campaign.json: use another -o, or delete it\n", o->out_dir);
		return FALSE;
	}
	g_autoptr(GError) err = NULL;
	if (!output_write_file(path, want, strlen(want), &err)) {
		fprintf(stderr, "lbsim: %s\n", err->message);
		return FALSE;
	}
	return TRUE;
}

int sweep_main(const char *file, const struct scenario *sc, const struct sweep_opts *o)
{
	g_autoptr(GError) err = NULL;
	struct results *lock = results_open(o->out_dir, 0, 1, true, &err);
	if (!lock) {
		fprintf(stderr, "lbsim: sweep: %s\n", err->message);
		return 1;
	}
	GPtrArray *runs = expand(file, sc, o);
	g_autofree gchar *list = g_build_filename(o->out_dir, "runs.list", NULL);
	unsigned n = 0;
	int rc = 0;
	if (!campaign_matches(sc, o)) {
		rc = 2;
	} else if (!write_snapshot(file, o)) {
		rc = 1;
	} else if (o->emit_slurm) {
		/* only the runs still missing: re-emitting resumes the campaign */
		rc = emit_slurm(runs, o);
	} else {
		if (!o->merge_only) {
			if (!write_run_list(list, runs, FALSE, &n, &err)) {
				rc = 1;
			} else {
				g_autofree gchar *todo = g_build_filename(o->out_dir, "runs.missing", NULL);
				unsigned m = 0;
				if (!write_run_list(todo, runs, TRUE, &m, &err))
					rc = 1;
				else {
					printf("sweep: %u points x %" PRIu32 " replications = %u runs, %u to run\n",
					       n_points(sc), sc->replications, n, m);
					fflush(stdout);
					if (m > 0)
						rc = run_parallel(o, todo);
				}
			}
		}
		if (rc == 0)
			rc = merge(sc, runs, o);
	}
	if (err)
		fprintf(stderr, "lbsim: %s\n", err->message);
	runs_free(runs);
	results_close(lock);
	return rc;
}

static int sweep_loaded(const char *file, const struct cli_scenario *so, gint jobs, const char *hosts,
			gboolean emit_slurm, gboolean merge_only)
{
	struct scenario *sc = cli_load("sweep", file, so, FALSE);
	if (!sc)
		return 2;
	g_auto(GStrv) sets = cli_overrides(so);
	g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);
	struct sweep_opts o = {
		.self = exe ? exe : "lbsim",
		.out_dir = sc->output_dir,
		.jobs = (unsigned)jobs,
		.hosts = hosts,
		.emit_slurm = emit_slurm,
		.merge_only = merge_only,
		.sets = (const char *const *)sets,
	};
	int rc = sweep_main(file, sc, &o);
	scenario_free(sc);
	return rc;
}

int sweep_cli(int argc, char **argv)
{
	struct cli_scenario so = {0};
	gint jobs = 0;
	gchar *hosts = NULL;
	gboolean emit_slurm = FALSE, merge_only = FALSE;
	GOptionEntry entries[] = {
		{"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Run N runs at a time with GNU parallel (default: the cores)", "N"},
		{"hosts", 0, 0, G_OPTION_ARG_FILENAME, &hosts,
		 "GNU parallel's --sshloginfile: run on these hosts (lbsim at the same path, shared results)", "FILE"},
		{"emit-slurm", 0, 0, G_OPTION_ARG_NONE, &emit_slurm,
		 "Write a Slurm array job of the missing runs (sweep-<N>.slurm, runs-<N>.list) and run nothing", NULL},
		{"merge", 0, 0, G_OPTION_ARG_NONE, &merge_only, "Only merge the complete runs into sweep.csv and runs.csv",
		 NULL},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx = cli_context(
		"sweep", "FILE", "run a parameter study: the [sweep] grid x replications",
		"Each point of the scenario's [sweep] grid times [scenario] replications is one `lbsim run`\n"
		"(GNU parallel, or Slurm with --emit-slurm) into DIR/runs/p<P>/rep<R>/; then DIR/runs.csv and\n"
		"DIR/sweep.csv (mean, sd, 95%% CI per point).  Re-running runs only what is missing.\n"
		"doc/outputs.md, \"Campaigns\".");
	cli_add_scenario(ctx, &so, TRUE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	int rc = 2;
	if (!cli_parse(ctx, "sweep", &argc, &argv))
		goto out;
	if (argc != 2) {
		cli_usage_error("sweep", argc < 2 ? "no scenario file given" : "one scenario file, not %d", argc - 1);
		goto out;
	}
	if (jobs < 0) {
		cli_usage_error("sweep", "--jobs %d: not a count", jobs);
		goto out;
	}
	rc = sweep_loaded(argv[1], &so, jobs, hosts, emit_slurm, merge_only);
out:
	cli_scenario_clear(&so);
	g_free(hosts);
	return rc;
}
