/* sweep_merge.c - a campaign's runs.csv and sweep.csv from the complete
 * runs of a request (sweep.h): runs.csv has every run's summary.csv row
 * after its point's id and values; sweep.csv one row per point (grid order)
 * with the mean, standard deviation and 95% Student-t half-width of every
 * numeric summary column over the point's replications (stats.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "stats.h"
#include "sweep.h"

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

/* The data row of a summary.csv, split into fields (g_strfreev); *header
 * gets the header's fields when it is NULL. */
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

/* point q's statistics row into agg; its runs' rows into raw */
static void point_rows(GString *raw, GString *agg, const struct sweep_request *rq, size_t q, GPtrArray *rows,
		       gchar **header)
{
	g_autoptr(GString) pcols = g_string_new(NULL);
	g_string_append_printf(pcols, "%u", rq->ids[q]);
	for (size_t a = 0; a < rq->n_axes; a++)
		append_csv_field(pcols, rq->values[q][a]);
	for (guint i = 0; i < rows->len; i++) {
		g_autofree gchar *joined = g_strjoinv(",", g_ptr_array_index(rows, i));
		g_string_append_printf(raw, "%s,%s\n", pcols->str, joined);
	}
	g_string_append_printf(agg, "%s,%u", pcols->str, rows->len);
	for (guint c = 0; header[c]; c++) {
		if (!numeric_column(header[c]))
			continue;
		struct stats st = {0};
		for (guint i = 0; i < rows->len; i++) {
			gchar **row = g_ptr_array_index(rows, i);
			if (c < g_strv_length(row) && *row[c])
				stats_add(&st, g_ascii_strtod(row[c], NULL));
		}
		if (st.n == 0)
			g_string_append(agg, ",,,");
		else
			g_string_append_printf(agg, ",%.9g,%.9g,%.9g", st.mean, stats_sd(&st), stats_ci95(&st));
	}
	g_string_append_c(agg, '\n');
}

int sweep_merge(const struct sweep_request *rq, gboolean quiet)
{
	gchar **header = NULL;
	unsigned missing = 0;
	g_autoptr(GString) missing_ids = g_string_new(NULL);
	/* rows[q]: the rows of the request's point q */
	GPtrArray **rows = g_new0(GPtrArray *, rq->n_points + 1);
	for (size_t q = 0; q < rq->n_points; q++)
		rows[q] = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	size_t q = 0;
	for (guint i = 0; i < rq->runs->len; i++) {
		const struct sweep_run *r = g_ptr_array_index(rq->runs, i);
		while (q < rq->n_points && rq->ids[q] != r->point)
			q++;
		g_assert(q < rq->n_points); /* runs come point by point in the request's order */
		g_autofree gchar *path = sweep_run_summary(r);
		gchar **row = read_row(path, &header);
		if (!row) {
			if (missing < 20)
				g_string_append_printf(missing_ids, "%s%s", missing ? ", " : "", r->id);
			else if (missing == 20)
				g_string_append(missing_ids, ", ...");
			missing++;
			continue;
		}
		g_ptr_array_add(rows[q], row);
	}
	int rc = 0;
	if (!header) {
		fprintf(stderr, "lbsim: sweep: no complete run to merge (missing: %s)\n", missing_ids->str);
		rc = 1;
	} else {
		g_autoptr(GString) raw = g_string_new("point");
		g_autoptr(GString) agg = g_string_new("point");
		for (size_t a = 0; a < rq->n_axes; a++) {
			append_csv_field(raw, rq->keys[a]);
			append_csv_field(agg, rq->keys[a]);
		}
		g_string_append(agg, ",runs");
		for (guint c = 0; header[c]; c++) {
			g_string_append_printf(raw, ",%s", header[c]);
			if (numeric_column(header[c]))
				g_string_append_printf(agg, ",%s_mean,%s_sd,%s_ci95", header[c], header[c], header[c]);
		}
		g_string_append_c(raw, '\n');
		g_string_append_c(agg, '\n');
		for (size_t k = 0; k < rq->n_points; k++)
			point_rows(raw, agg, rq, k, rows[k], header);
		g_autoptr(GError) err = NULL;
		g_autofree gchar *rp = g_build_filename(rq->dir, "runs.csv", NULL);
		g_autofree gchar *sp = g_build_filename(rq->dir, "sweep.csv", NULL);
		if (!output_write_file(rp, raw->str, raw->len, &err) || !output_write_file(sp, agg->str, agg->len, &err)) {
			fprintf(stderr, "lbsim: sweep: %s\n", err->message);
			rc = 1;
		} else if (!quiet) {
			printf("merged %u runs into %s and %s\n", rq->runs->len - missing, sp, rp);
		}
	}
	if (missing && header)
		fprintf(stderr,
			"lbsim: sweep: %u of %u runs are missing: %s (run the sweep again, or emit a Slurm array, "
			"to complete them)\n",
			missing, rq->runs->len, missing_ids->str);
	if (missing)
		rc = 1;
	for (size_t k = 0; k < rq->n_points; k++)
		g_ptr_array_free(rows[k], TRUE);
	g_free(rows);
	g_strfreev(header);
	return rc;
}
