/* sweep.c - `lbsim sweep`: open or resume the campaign, then run the
 * missing runs with GNU parallel, emit them for Slurm, or merge.
 *
 * Run "p<P>-r<R>" is replication R of the point with the campaign's id P;
 * it writes <dir>/runs/p<P>/rep<R>/ through `lbsim run SNAPSHOT --quiet
 * --replication R -o <dir>/runs/p<P> --set ...` (the remembered --set
 * values, then the point's values), so every arm uses the same base seed and
 * run number R+1 (ns-3 RngRun style: arms are paired).  A run is complete
 * when its rep<R>/summary.csv exists (run directories appear only by an
 * atomic rename), so a sweep runs only what is missing, like SEM's
 * run_missing_simulations.
 *
 * The campaign keeps its own copy of the scenario file (SNAPSHOT =
 * <dir>/scenario/<file name>, written when the campaign starts, never
 * rewritten): every run, local or on Slurm, reads the copy, so editing the
 * original between emitting and running changes nothing; campaign.json
 * refuses a resume with other base parameters (campaign.h).
 *
 * runs.list has one line per run of the request: run id, a tab, then the
 * complete command line; runs.missing the lines not complete, which GNU
 * parallel executes locally (-j) or over ssh (--sshloginfile).  Each job
 * prints a marker line when it ends, which the progress bar counts.
 * --emit-slurm: slurm.h.  While it works, `lbsim sweep` holds the campaign
 * directory's lock (results.h), so two sweeps never write one campaign at
 * once. */
#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "campaign.h"
#include "cli.h"
#include "output.h"
#include "results.h"
#include "slurm.h"

/* What a job of GNU parallel prints when its run has ended (done or not). */
static const char ended_marker[] = "lbsim-sweep-run-ended";

void sweep_request_free(struct sweep_request *rq)
{
	if (!rq)
		return;
	for (guint i = 0; i < rq->runs->len; i++) {
		struct sweep_run *r = g_ptr_array_index(rq->runs, i);
		g_free(r->id);
		g_free(r->cmd);
		g_free(r->dir);
		g_free(r);
	}
	g_ptr_array_free(rq->runs, TRUE);
	for (size_t q = 0; q < rq->n_points; q++)
		g_strfreev(rq->values[q]);
	g_free(rq->values);
	g_free(rq->ids);
	g_strfreev(rq->keys);
	g_free(rq->dir);
	g_free(rq);
}

gchar *sweep_run_summary(const struct sweep_run *r)
{
	return g_strdup_printf("%s/rep%" PRIu32 "/summary.csv", r->dir, r->rep);
}

gboolean sweep_run_complete(const struct sweep_run *r)
{
	g_autofree gchar *s = sweep_run_summary(r);
	return g_file_test(s, G_FILE_TEST_IS_REGULAR);
}

gboolean sweep_write_run_list(const char *path, const struct sweep_request *rq, gboolean only_missing, unsigned *n,
			      GError **err)
{
	g_autoptr(GString) s = g_string_new(NULL);
	*n = 0;
	for (guint i = 0; i < rq->runs->len; i++) {
		const struct sweep_run *r = g_ptr_array_index(rq->runs, i);
		if (only_missing && sweep_run_complete(r))
			continue;
		g_string_append_printf(s, "%s\t%s\n", r->id, r->cmd);
		(*n)++;
	}
	return output_write_file(path, s->str, s->len, err);
}

/* ---- the progress bar ---- */

/* On a terminal one line redrawn in place; otherwise (--progress into a
 * file or pipe) one line per ended run, so the text is the same whatever
 * order the runs end in:
 *   sweep: [##########          ] 2/4 runs */
struct progress {
	gboolean on, tty;
	unsigned done, total;
};

static void progress_show(const struct progress *p)
{
	enum { width = 20 };
	if (!p->on)
		return;
	unsigned fill = p->total ? (unsigned)((unsigned long)p->done * width / p->total) : width;
	char bar[width + 1];
	memset(bar, '#', fill);
	memset(bar + fill, ' ', width - fill);
	bar[width] = '\0';
	fprintf(stderr, "%ssweep: [%s] %u/%u runs%s", p->tty ? "\r" : "", bar, p->done, p->total,
		p->tty && p->done < p->total ? "" : "\n");
	fflush(stderr);
}

/* ---- running ---- */

struct sweep_args {
	const char *file;
	const struct cli_scenario *so;
	unsigned jobs;
	const char *hosts;
	gboolean emit_slurm, merge_only, quiet, progress;
	const struct slurm_site *site;
};

/* Runs the lines of list (total of them) with GNU parallel; the progress
 * bar counts the runs that have ended.  Returns the exit status. */
static int run_parallel(const struct sweep_args *a, const char *dir, const char *list, unsigned total)
{
	g_autofree gchar *jobs = g_strdup_printf("%u", a->jobs);
	g_autofree gchar *joblog = g_build_filename(dir, "joblog", NULL);
	g_autofree gchar *job = g_strdup_printf("eval {2}; s=$?; echo %s; exit $s", ended_marker);
	const char *argv[24];
	int n = 0;
	argv[n++] = "parallel";
	argv[n++] = "--will-cite";
	argv[n++] = "--colsep";
	argv[n++] = "\t";
	argv[n++] = "--joblog";
	argv[n++] = joblog;
	argv[n++] = "--halt";
	argv[n++] = "soon,fail=1";
	if (a->jobs) {
		argv[n++] = "-j";
		argv[n++] = jobs;
	}
	if (a->hosts) {
		argv[n++] = "--sshloginfile";
		argv[n++] = a->hosts;
	}
	argv[n++] = "-a";
	argv[n++] = list;
	argv[n++] = job;
	argv[n] = NULL;
	g_autoptr(GError) err = NULL;
	GPid pid;
	int out_fd = -1;
	if (!g_spawn_async_with_pipes(NULL, (gchar **)argv, NULL,
				      G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
				      NULL, &pid, NULL, &out_fd, NULL, &err)) {
		fprintf(stderr, "lbsim: sweep: cannot run GNU parallel: %s\n", err->message);
		return 1;
	}
	struct progress p = {
		.on = !a->quiet && (a->progress || isatty(STDERR_FILENO)),
		.tty = isatty(STDERR_FILENO),
		.total = total,
	};
	progress_show(&p);
	FILE *f = fdopen(out_fd, "r");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) >= 0) {
		if (strncmp(line, ended_marker, sizeof ended_marker - 1) == 0 &&
		    (line[sizeof ended_marker - 1] == '\n' || line[sizeof ended_marker - 1] == '\0')) {
			p.done++;
			progress_show(&p);
		} else {
			fputs(line, stdout); /* a run's own output */
		}
	}
	free(line);
	if (f)
		fclose(f);
	else
		close(out_fd);
	if (p.on && p.tty && p.done < p.total)
		fputc('\n', stderr);
	int status = 0;
	waitpid(pid, &status, 0);
	g_spawn_close_pid(pid);
	if (!g_spawn_check_wait_status(status, &err)) {
		fprintf(stderr, "lbsim: sweep: a run failed (%s); see %s\n", err->message, joblog);
		return 1;
	}
	return 0;
}

static unsigned count_missing(const struct sweep_request *rq)
{
	unsigned m = 0;
	for (guint i = 0; i < rq->runs->len; i++)
		m += !sweep_run_complete(g_ptr_array_index(rq->runs, i));
	return m;
}

static gboolean copy_file(const char *from, const char *to)
{
	g_autofree gchar *text = NULL, *dir = g_path_get_dirname(to);
	gsize len = 0;
	g_autoptr(GError) err = NULL;
	if (!g_file_get_contents(from, &text, &len, &err) || g_mkdir_with_parents(dir, 0755) != 0 ||
	    !output_write_file(to, text, len, &err)) {
		fprintf(stderr, "lbsim: sweep: cannot copy %s to %s%s%s\n", from, to, err ? ": " : "",
			err ? err->message : "");
		return FALSE;
	}
	return TRUE;
}

static gboolean save(struct campaign *c)
{
	g_autoptr(GError) err = NULL;
	if (campaign_save(c, &err))
		return TRUE;
	fprintf(stderr, "lbsim: sweep: %s\n", err->message);
	return FALSE;
}

/* --emit-slurm: emit N's files (slurm.h) and this emit's scenario copy. */
static int emit(struct campaign *c, const struct sweep_args *a, const struct sweep_request *rq, const char *self,
		const char *const *overrides)
{
	const struct slurm_site *site = campaign_slurm(c, a->site);
	unsigned missing = count_missing(rq), emitted = 0, n = 0;
	int rc = 0;
	if (missing == 0) {
		if (!a->quiet)
			printf("sweep: nothing to submit: all %u runs are complete (merge them with --merge)\n",
			       rq->runs->len);
	} else {
		n = slurm_emit_number(rq->dir);
		g_autofree gchar *base = g_path_get_basename(a->file);
		g_autofree gchar *sub = g_strdup_printf("emit-%u", n);
		g_autofree gchar *copy = g_build_filename(rq->dir, "scenario", sub, base, NULL);
		if (!copy_file(a->file, copy))
			return 1;
		rc = slurm_emit(rq, n, site, self, copy, overrides, &emitted);
		if (rc == 0 && !a->quiet)
			printf("wrote %s/sweep-%u.slurm (%u array tasks, runs-%u.list), merge-%u.slurm and submit-%u.sh\n"
			       "submit both with: bash %s/submit-%u.sh\n",
			       rq->dir, n, emitted, n, n, n, rq->dir, n);
	}
	campaign_begin(c, "emit", a->file, rq, emitted, n);
	return rc;
}

/* A local sweep: runs.list, runs.missing, GNU parallel, then the merge. */
static int run_local(struct campaign *c, const struct sweep_args *a, const struct sweep_request *rq, gint64 t0)
{
	g_autofree gchar *list = g_build_filename(rq->dir, "runs.list", NULL);
	g_autofree gchar *todo = g_build_filename(rq->dir, "runs.missing", NULL);
	g_autoptr(GError) err = NULL;
	unsigned n = 0, m = 0;
	if (!sweep_write_run_list(list, rq, FALSE, &n, &err) || !sweep_write_run_list(todo, rq, TRUE, &m, &err)) {
		fprintf(stderr, "lbsim: sweep: %s\n", err->message);
		return 1;
	}
	campaign_begin(c, "sweep", a->file, rq, m, 0);
	if (!save(c)) /* the new points' ids are on record before their runs exist */
		return 1;
	if (!a->quiet) {
		printf("sweep: %zu points x %" PRIu32 " replications = %u runs, %u to run\n", rq->n_points, rq->reps, n,
		       m);
		fflush(stdout);
	}
	int rc = m > 0 ? run_parallel(a, rq->dir, todo, m) : 0;
	campaign_end(c, (double)(g_get_monotonic_time() - t0) / 1e6);
	if (rc == 0)
		rc = sweep_merge(rq, a->quiet);
	return rc;
}

/* The user's --set and --seed values (what the campaign remembers). */
static GStrv user_sets(const struct cli_scenario *so)
{
	GStrvBuilder *b = g_strv_builder_new();
	for (gchar **s = so->sets; s && *s; s++)
		g_strv_builder_add(b, *s);
	if (so->seed) {
		g_autofree gchar *seed = g_strdup_printf("scenario.seed=%s", so->seed);
		g_strv_builder_add(b, seed);
	}
	GStrv v = g_strv_builder_end(b);
	g_strv_builder_unref(b);
	return v;
}

/* The remembered overrides, then the command line's (output.dir last). */
static GStrv all_overrides(const struct campaign *c, const struct cli_scenario *so)
{
	GStrvBuilder *b = g_strv_builder_new();
	g_strv_builder_addv(b, (const char **)campaign_overrides(c));
	g_auto(GStrv) mine = cli_overrides(so);
	g_strv_builder_addv(b, (const char **)mine);
	GStrv v = g_strv_builder_end(b);
	g_strv_builder_unref(b);
	return v;
}

/* The campaign (opened, admitted), the request, then the action. */
static int sweep_campaign(struct campaign *c, const struct sweep_args *a, gint64 t0)
{
	g_auto(GStrv) overrides = all_overrides(c, a->so);
	g_autoptr(GError) err = NULL;
	struct scenario *sc = scenario_load(a->file, (const char *const *)overrides, &err);
	if (!sc) {
		fprintf(stderr, "lbsim sweep: %s\n", err->message);
		return 2;
	}
	for (size_t i = 0; !a->quiet && i < sc->n_warnings; i++)
		fprintf(stderr, "lbsim sweep: warning: %s\n", sc->warnings[i]);
	g_autofree gchar *warning = campaign_commit_warning(c);
	if (warning)
		fprintf(stderr, "lbsim sweep: warning: %s\n", warning);
	g_auto(GStrv) sets = user_sets(a->so);
	int rc = 0;
	/* a merge changes nothing: it uses the remembered values, remembers none */
	if (!campaign_admit(c, a->file, sc, a->merge_only ? NULL : (const char *const *)sets, &err)) {
		fprintf(stderr, "lbsim sweep: %s\n", err->message);
		scenario_free(sc);
		return 2;
	}
	g_autofree gchar *snap = campaign_snapshot(c);
	if (!g_file_test(snap, G_FILE_TEST_EXISTS) && !copy_file(a->file, snap)) {
		scenario_free(sc);
		return 1;
	}
	g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);
	const char *self = exe ? exe : "lbsim";
	struct sweep_request *rq = campaign_request(c, a->file, (const char *const *)overrides, sc, self);
	scenario_free(sc);
	if (a->emit_slurm) {
		rc = emit(c, a, rq, self, (const char *const *)overrides);
	} else if (a->merge_only) {
		campaign_begin(c, "merge", a->file, rq, 0, 0);
		rc = sweep_merge(rq, a->quiet);
	} else {
		rc = run_local(c, a, rq, t0);
	}
	campaign_end(c, (double)(g_get_monotonic_time() - t0) / 1e6);
	if (!save(c) && rc == 0)
		rc = 1;
	sweep_request_free(rq);
	return rc;
}

static int sweep_main(const struct sweep_args *a)
{
	gint64 t0 = g_get_monotonic_time();
	/* the campaign directory: -o, or the scenario's [output] dir */
	struct scenario *first = cli_load("sweep", a->file, a->so, TRUE);
	if (!first)
		return 2;
	g_autofree gchar *dir = g_strdup(first->output_dir);
	scenario_free(first);
	g_autoptr(GError) err = NULL;
	struct results *lock = results_open(dir, 0, 1, true, &err);
	if (!lock) {
		fprintf(stderr, "lbsim: sweep: %s\n", err->message);
		return 1;
	}
	int rc = 2;
	struct campaign *c = campaign_open(dir, &err);
	if (!c)
		fprintf(stderr, "lbsim sweep: %s\n", err->message);
	else
		rc = sweep_campaign(c, a, t0);
	campaign_free(c);
	results_close(lock);
	return rc;
}

int sweep_cli(int argc, char **argv)
{
	struct cli_scenario so = {0};
	struct slurm_site site = {0};
	gint jobs = 0;
	gchar *hosts = NULL;
	gboolean emit_slurm = FALSE, merge_only = FALSE, quiet = FALSE, progress = FALSE;
	GOptionEntry entries[] = {
		{"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Run N runs at a time with GNU parallel (default: the cores)", "N"},
		{"hosts", 0, 0, G_OPTION_ARG_FILENAME, &hosts,
		 "GNU parallel's --sshloginfile: run on these hosts (lbsim at the same path, shared results)", "FILE"},
		{"emit-slurm", 0, 0, G_OPTION_ARG_NONE, &emit_slurm,
		 "Write a Slurm array job of the missing runs and its merge job (sweep-<N>.slurm, merge-<N>.slurm, "
		 "submit-<N>.sh, runs-<N>.list) and run nothing",
		 NULL},
		{"merge", 0, 0, G_OPTION_ARG_NONE, &merge_only, "Only merge the complete runs into sweep.csv and runs.csv",
		 NULL},
		{"progress", 0, 0, G_OPTION_ARG_NONE, &progress,
		 "Show the progress bar even when stderr is not a terminal (one line per ended run)", NULL},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but warnings and errors (no progress bar)",
		 NULL},
		{"slurm-time", 0, 0, G_OPTION_ARG_STRING, &site.time,
		 "Slurm: the jobs' time limit (#SBATCH --time; remembered by the campaign)", "TIME"},
		{"slurm-partition", 0, 0, G_OPTION_ARG_STRING, &site.partition,
		 "Slurm: the partition (#SBATCH --partition; remembered)", "NAME"},
		{"slurm-account", 0, 0, G_OPTION_ARG_STRING, &site.account,
		 "Slurm: the account charged (#SBATCH --account; remembered)", "NAME"},
		{"slurm-mem", 0, 0, G_OPTION_ARG_STRING, &site.mem, "Slurm: memory per task (#SBATCH --mem; remembered)",
		 "SIZE"},
		{"slurm-option", 0, 0, G_OPTION_ARG_STRING_ARRAY, &site.options,
		 "Slurm: any other sbatch option, one #SBATCH line each (repeatable; remembered; all of them replace "
		 "the remembered ones), e.g. --slurm-option=--qos=high",
		 "OPTION"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx = cli_context(
		"sweep", "FILE", "run a parameter study: the [sweep] grid x replications",
		"Each point of the scenario's [sweep] grid times [scenario] replications is one `lbsim run`\n"
		"(GNU parallel, or Slurm with --emit-slurm) into DIR/runs/p<P>/rep<R>/; then DIR/runs.csv and\n"
		"DIR/sweep.csv (mean, sd, 95% CI per point).  DIR/campaign.json records the campaign: a sweep\n"
		"into it again runs only what is missing, new replications or sweep values extend it (points\n"
		"keep their ids), --set values given once are remembered, other base parameters are refused.\n"
		"doc/outputs.md, \"Campaigns\".");
	cli_add_scenario(ctx, &so, TRUE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	int rc = 2;
	g_autoptr(GError) err = NULL;
	if (!cli_parse_file(ctx, "sweep", &argc, &argv))
		goto out;
	if (jobs < 0) {
		cli_usage_error("sweep", "--jobs %d: not a count", jobs);
		goto out;
	}
	if (emit_slurm && merge_only) {
		cli_usage_error("sweep", "--emit-slurm and --merge: one or the other");
		goto out;
	}
	if (!slurm_site_check(&site, &err)) {
		cli_usage_error("sweep", "%s", err->message);
		goto out;
	}
	struct sweep_args a = {
		.file = argv[1],
		.so = &so,
		.jobs = (unsigned)jobs,
		.hosts = hosts,
		.emit_slurm = emit_slurm,
		.merge_only = merge_only,
		.quiet = quiet,
		.progress = progress,
		.site = &site,
	};
	rc = sweep_main(&a);
out:
	cli_scenario_clear(&so);
	slurm_site_clear(&site);
	g_free(hosts);
	return rc;
}
