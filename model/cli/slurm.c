/* slurm.c - see slurm.h.
 *
 * sbatch reads the #SBATCH lines at the top of a job script (up to the
 * first line that is neither a comment nor blank) and splits each like a
 * shell: quotes group, a backslash escapes, an unquoted '#' starts a
 * comment (src/sbatch/opt.c, _get_argument); in file names it expands '%'
 * patterns, "%%" being a '%'.  Every value lbsim writes there is one quoted
 * argument.  A list is never rewritten, so an array still queued runs
 * exactly the lines it was submitted with; a task whose line is missing
 * fails with a message. */
#define _POSIX_C_SOURCE 200809L
#include "slurm.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

void slurm_site_clear(struct slurm_site *s)
{
	g_free(s->time);
	g_free(s->partition);
	g_free(s->account);
	g_free(s->mem);
	g_strfreev(s->options);
	*s = (struct slurm_site){0};
}

static void update_field(gchar **dst, const char *src)
{
	if (!src)
		return;
	g_free(*dst);
	*dst = *src ? g_strdup(src) : NULL; /* "" forgets the value */
}

void slurm_site_update(struct slurm_site *dst, const struct slurm_site *src)
{
	update_field(&dst->time, src->time);
	update_field(&dst->partition, src->partition);
	update_field(&dst->account, src->account);
	update_field(&dst->mem, src->mem);
	if (src->options && *src->options) {
		GStrvBuilder *b = g_strv_builder_new();
		for (gchar **o = src->options; *o; o++)
			if (**o) /* --slurm-option= (empty) alone forgets them all */
				g_strv_builder_add(b, *o);
		g_strfreev(dst->options);
		dst->options = g_strv_builder_end(b);
		g_strv_builder_unref(b);
		if (!*dst->options) {
			g_strfreev(dst->options);
			dst->options = NULL;
		}
	}
}

/* an option lbsim writes itself (the array's range, the merge's dependency) */
static gboolean lbsim_own(const char *o)
{
	return g_str_has_prefix(o, "--array") || g_str_has_prefix(o, "--dependency") ||
	       (o[0] == '-' && (o[1] == 'a' || o[1] == 'd'));
}

gboolean slurm_site_check(const struct slurm_site *s, GError **err)
{
	const char *names[] = {"--slurm-time", "--slurm-partition", "--slurm-account", "--slurm-mem"};
	const char *values[] = {s->time, s->partition, s->account, s->mem};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (values[i] && strpbrk(values[i], "\n\r")) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "%s: a value with a line break cannot go on an #SBATCH line", names[i]);
			return FALSE;
		}
	for (gchar **o = s->options; o && *o; o++) {
		if (!**o)
			continue;
		if (strpbrk(*o, "\n\r") || **o != '-' || lbsim_own(*o)) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--slurm-option=%s: %s", *o,
				    **o != '-'      ? "not an sbatch option (e.g. --slurm-option=--qos=high)"
				    : lbsim_own(*o) ? "lbsim writes the array range and the merge job's dependency itself"
						    : "a value with a line break cannot go on an #SBATCH line");
			return FALSE;
		}
	}
	return TRUE;
}

/* s as one argument of an #SBATCH line: in double quotes, '"' and '\'
 * escaped; file_name: '%' doubled (sbatch's file name patterns). */
static gchar *sbatch_quote(const char *s, gboolean file_name)
{
	GString *g = g_string_new("\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(g, '\\');
		if (file_name && *p == '%')
			g_string_append_c(g, '%');
		g_string_append_c(g, *p);
	}
	g_string_append_c(g, '"');
	return g_string_free(g, FALSE);
}

/* "#SBATCH --output=\"DIR/<name>\"": DIR quoted, name's patterns kept. */
static void output_line(GString *s, const char *dir, const char *name)
{
	g_autofree gchar *q = sbatch_quote(dir, TRUE);
	q[strlen(q) - 1] = '\0'; /* the closing quote goes after the name */
	g_string_append_printf(s, "#SBATCH --output=%s/%s\"\n", q, name);
}

/* The site's #SBATCH lines (after lbsim's own, so that they win). */
static void site_lines(GString *s, const struct slurm_site *site)
{
	const char *names[] = {"time", "partition", "account", "mem"};
	const char *values[] = {site->time, site->partition, site->account, site->mem};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (values[i]) {
			g_autofree gchar *q = sbatch_quote(values[i], FALSE);
			g_string_append_printf(s, "#SBATCH --%s=%s\n", names[i], q);
		}
	for (gchar **o = site->options; o && *o; o++) {
		g_autofree gchar *q = sbatch_quote(*o, FALSE);
		g_string_append_printf(s, "#SBATCH %s\n", q);
	}
}

unsigned slurm_emit_number(const char *dir)
{
	static const char *const prefixes[] = {"runs-", "sweep-", "merge-", "submit-"};
	unsigned n = 0;
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
			if (!g_str_has_prefix(name, prefixes[i]))
				continue;
			const char *p = name + strlen(prefixes[i]);
			if (!g_ascii_isdigit(*p))
				continue;
			unsigned v = (unsigned)strtoul(p, NULL, 10);
			n = v > n ? v : n;
		}
	}
	return n + 1;
}

static gboolean write_text(const char *path, const GString *s)
{
	g_autoptr(GError) err = NULL;
	if (!output_write_file(path, s->str, s->len, &err)) {
		fprintf(stderr, "lbsim: sweep: %s\n", err->message);
		return FALSE;
	}
	return TRUE;
}

static gboolean array_script(const char *path, const struct sweep_request *rq, unsigned n, unsigned tasks,
			     const struct slurm_site *site, const char *list)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree gchar *qlist = g_shell_quote(list);
	g_string_append_printf(
		s,
		"#!/bin/bash\n"
		"# Slurm array job of lbsim sweep --emit-slurm, emit %u: one task per line of runs-%u.list, the runs\n"
		"# not complete when it was written.  That list is never rewritten (a later emit writes runs-%u.list\n"
		"# and sweep-%u.slurm), so this array runs exactly these lines however long it waits in the queue.\n"
		"# Submit it with its merge job: bash submit-%u.sh\n"
		"#SBATCH --job-name=lbsim-sweep\n#SBATCH --array=1-%u\n#SBATCH --cpus-per-task=1\n",
		n, n, n + 1, n + 1, n, tasks);
	output_line(s, rq->dir, "slurm-%A_%a.out");
	site_lines(s, site);
	g_string_append_printf(
		s,
		"set -euo pipefail\n"
		"list=%s\n"
		"task=${SLURM_ARRAY_TASK_ID:-}\n"
		"case $task in ''|*[!0-9]*|0) echo \"lbsim sweep: SLURM_ARRAY_TASK_ID='$task': not a line of $list\" >&2; exit 1;; esac\n"
		"if [ \"$(wc -l < \"$list\")\" -ne %u ]; then echo \"lbsim sweep: $list does not have its %u lines\" >&2; exit 1; fi\n"
		"line=$(sed -n \"${task}p\" \"$list\")\n"
		"if [ -z \"$line\" ]; then echo \"lbsim sweep: $list has no line $task\" >&2; exit 1; fi\n"
		"eval \"${line#*$'\\t'}\"\n",
		qlist, tasks, tasks);
	return write_text(path, s);
}

static gboolean merge_script(const char *path, const struct sweep_request *rq, unsigned n,
			     const struct slurm_site *site, const char *self, const char *scenario_copy,
			     const char *const *sets)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree gchar *qself = g_shell_quote(self), *qcopy = g_shell_quote(scenario_copy),
			 *qdir = g_shell_quote(rq->dir);
	g_string_append_printf(
		s,
		"#!/bin/bash\n"
		"# Merge job of lbsim sweep --emit-slurm, emit %u: submit-%u.sh submits it with\n"
		"# --dependency=afterany:<the array of sweep-%u.slurm>, so it starts once every task has ended (done\n"
		"# or failed).  It merges the complete runs of this emit's request (its copy of the scenario, with\n"
		"# this emit's --set values) into sweep.csv and runs.csv, and fails naming any run that is\n"
		"# missing.\n"
		"#SBATCH --job-name=lbsim-merge\n#SBATCH --cpus-per-task=1\n",
		n, n, n);
	output_line(s, rq->dir, "slurm-merge-%j.out");
	site_lines(s, site);
	g_string_append_printf(s, "set -euo pipefail\nexec %s sweep %s -o %s --merge", qself, qcopy, qdir);
	for (const char *const *o = sets; o && *o; o++) {
		if (g_str_has_prefix(*o, "output.dir="))
			continue; /* -o says it */
		g_autofree gchar *q = g_shell_quote(*o);
		g_string_append_printf(s, " --set %s", q);
	}
	g_string_append_c(s, '\n');
	return write_text(path, s);
}

static gboolean submit_script(const char *path, unsigned n, unsigned tasks, const char *array, const char *merge)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree gchar *qarray = g_shell_quote(array), *qmerge = g_shell_quote(merge);
	g_string_append_printf(
		s,
		"#!/bin/bash\n"
		"# Submits emit %u of lbsim sweep: the array job sweep-%u.slurm (%u tasks), then the merge job\n"
		"# merge-%u.slurm, which waits for the whole array (--dependency=afterany).  Arguments given to this\n"
		"# script go to both sbatch calls (e.g. --hold, --qos=high).\n"
		"set -euo pipefail\n"
		"array=$(sbatch --parsable \"$@\" %s)\n"
		"array=${array%%%%;*}   # --parsable prints <job id>[;<cluster>]\n"
		"case $array in ''|*[!0-9]*) echo \"submit-%u.sh: sbatch printed '$array', not a job id\" >&2; exit 1;; esac\n"
		"merge=$(sbatch --parsable \"$@\" --dependency=afterany:\"$array\" %s)\n"
		"merge=${merge%%%%;*}\n"
		"echo \"submitted array job $array (%u tasks) and merge job $merge (starts when the array has ended)\"\n",
		n, n, tasks, n, qarray, n, qmerge, tasks);
	if (!write_text(path, s))
		return FALSE;
	(void)g_chmod(path, 0755); /* also ./submit-N.sh; bash submit-N.sh works without */
	return TRUE;
}

int slurm_emit(const struct sweep_request *rq, unsigned n, const struct slurm_site *site, const char *self,
	       const char *scenario_copy, const char *const *sets, unsigned *emitted)
{
	*emitted = 0;
	if (strpbrk(rq->dir, "\n\r")) {
		fprintf(stderr, "lbsim: sweep: %s: a campaign path with a line break cannot go in a Slurm script\n",
			rq->dir);
		return 2;
	}
	unsigned missing = 0;
	for (guint i = 0; i < rq->runs->len; i++)
		missing += !sweep_run_complete(g_ptr_array_index(rq->runs, i));
	if (missing == 0)
		return 0;
	g_autofree gchar *list = g_strdup_printf("%s/runs-%u.list", rq->dir, n);
	g_autofree gchar *array = g_strdup_printf("%s/sweep-%u.slurm", rq->dir, n);
	g_autofree gchar *merge = g_strdup_printf("%s/merge-%u.slurm", rq->dir, n);
	g_autofree gchar *submit = g_strdup_printf("%s/submit-%u.sh", rq->dir, n);
	g_autoptr(GError) err = NULL;
	unsigned tasks = 0;
	if (!sweep_write_run_list(list, rq, TRUE, &tasks, &err)) {
		fprintf(stderr, "lbsim: sweep: %s\n", err->message);
		return 1;
	}
	if (!array_script(array, rq, n, tasks, site, list) || !merge_script(merge, rq, n, site, self, scenario_copy, sets) ||
	    !submit_script(submit, n, tasks, array, merge))
		return 1;
	*emitted = tasks;
	return 0;
}
