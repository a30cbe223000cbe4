/* compare.c - see compare.h.
 *
 * Figures (times in seconds after the first failure, t_fail):
 *   sent, delivered, lost, drop_blackhole, loss_window_s, peak_node_share
 *                    summary.csv as is
 *   detect_s, readvertise_s, install_s
 *                    summary.csv's t_detect_s, t_readvertise_s, t_install_s - t_fail_s
 *   route_change_s   events.csv: the first route_change at or after the
 *                    failure whose next-hop set leaves the failed node out
 *                    (the router's decision; install_s is when its kernel
 *                    forwards by it)
 * A repetition where an event did not happen contributes nothing to that
 * figure (n says how many did). */
#include "compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char lbv_comparison_header[] = "figure,real_mean,real_sd,real_n,sim_mean,sim_sd,sim_n,ratio_sim_real";

static const char *const figures[] = {"sent",	   "delivered",	    "lost",	 "drop_blackhole",
				      "loss_window_s", "detect_s",	    "readvertise_s", "route_change_s",
				      "install_s",     "peak_node_share"};
#define N_FIG G_N_ELEMENTS(figures)

static GQuark compare_error_quark(void);
G_DEFINE_QUARK(lbv-compare-error-quark, compare_error)

struct csv {
	gchar **head;
	GPtrArray *rows; /* gchar ** each */
};

static void csv_clear(struct csv *c)
{
	g_strfreev(c->head);
	if (c->rows)
		g_ptr_array_free(c->rows, TRUE);
}

static gboolean csv_read(const char *path, struct csv *c, GError **err)
{
	g_autofree gchar *text = NULL;
	memset(c, 0, sizeof *c);
	if (!g_file_get_contents(path, &text, NULL, err))
		return FALSE;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	if (!lines[0] || !*lines[0]) {
		g_set_error(err, compare_error_quark(), 0, "%s: empty", path);
		return FALSE;
	}
	c->head = g_strsplit(lines[0], ",", -1);
	c->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	for (char **l = lines + 1; *l; l++)
		if (**l)
			g_ptr_array_add(c->rows, g_strsplit(*l, ",", -1));
	return TRUE;
}

/* A cell as a number; NAN when empty or absent. */
static double cell(const struct csv *c, guint row, const char *col)
{
	gchar **r = g_ptr_array_index(c->rows, row);
	for (guint i = 0; c->head[i]; i++) {
		if (strcmp(c->head[i], col) != 0)
			continue;
		for (guint j = 0; j <= i; j++)
			if (!r[j])
				return NAN;
		return *r[i] ? g_ascii_strtod(r[i], NULL) : NAN;
	}
	return NAN;
}

static bool set_has(const char *set, int node)
{
	g_auto(GStrv) ids = g_strsplit(set, ";", -1);
	for (char **id = ids; *id; id++)
		if (**id && atoi(*id) == node)
			return true;
	return false;
}

/* events.csv: the first route_change after the first failure that leaves
 * the failed node out, as seconds after the failure; NAN when none. */
static double route_change_after_fail(const char *rep_dir, GError **err)
{
	g_autofree gchar *p = g_build_filename(rep_dir, "events.csv", NULL);
	struct csv c;
	if (!csv_read(p, &c, err))
		return NAN;
	double t_fail = NAN, out = NAN;
	int failed = -1;
	for (guint i = 0; i < c.rows->len && isnan(out); i++) {
		gchar **r = g_ptr_array_index(c.rows, i);
		if (g_strv_length(r) < 5)
			continue;
		double t = g_ascii_strtod(r[0], NULL);
		const char *kind = r[2];
		if (isnan(t_fail) && (strcmp(kind, "fail") == 0 || strcmp(kind, "link_down") == 0 ||
				      strcmp(kind, "backplane_down") == 0 || strcmp(kind, "partition") == 0 ||
				      strcmp(kind, "lossy") == 0)) {
			t_fail = t;
			failed = *r[1] ? atoi(r[1]) : -1;
		} else if (!isnan(t_fail) && strcmp(kind, "route_change") == 0 && !set_has(r[4], failed)) {
			out = t - t_fail;
		}
	}
	csv_clear(&c);
	return out;
}

void lbv_mean_sd(const double *x, size_t len, double *mean, double *sd, unsigned *n)
{
	double s = 0, ss = 0;
	*n = 0;
	for (size_t i = 0; i < len; i++)
		if (isfinite(x[i])) {
			s += x[i];
			(*n)++;
		}
	*mean = *n ? s / *n : NAN;
	for (size_t i = 0; i < len; i++)
		if (isfinite(x[i]))
			ss += (x[i] - *mean) * (x[i] - *mean);
	*sd = *n > 1 ? sqrt(ss / (*n - 1)) : NAN;
}

/* Per figure, the values of every repetition of one side. */
static gboolean side_values(const char *dir, GArray *vals[N_FIG], GError **err)
{
	g_autofree gchar *p = g_build_filename(dir, "summary.csv", NULL);
	struct csv c;
	if (!csv_read(p, &c, err))
		return FALSE;
	gboolean ok = TRUE;
	for (guint r = 0; r < c.rows->len && ok; r++) {
		double t_fail = cell(&c, r, "t_fail_s");
		double v[N_FIG] = {
			cell(&c, r, "sent"),
			cell(&c, r, "delivered"),
			cell(&c, r, "lost"),
			cell(&c, r, "drop_blackhole"),
			cell(&c, r, "loss_window_s"),
			cell(&c, r, "t_detect_s") - t_fail,
			cell(&c, r, "t_readvertise_s") - t_fail,
			NAN,
			cell(&c, r, "t_install_s") - t_fail,
			cell(&c, r, "peak_node_share"),
		};
		g_autofree gchar *rep = g_strdup_printf("%s/rep%.0f", dir, cell(&c, r, "replication"));
		GError *e = NULL;
		v[7] = route_change_after_fail(rep, &e);
		if (e) {
			g_propagate_error(err, e);
			ok = FALSE;
		}
		for (size_t f = 0; f < N_FIG; f++)
			g_array_append_val(vals[f], v[f]);
	}
	csv_clear(&c);
	return ok;
}

static void num(GString *g, double x, const char *fmt)
{
	if (isfinite(x))
		g_string_append_printf(g, fmt, x);
}

gboolean lbv_compare(const char *real_dir, const char *sim_dir, const char *out_csv, GString *table, GError **err)
{
	GArray *real[N_FIG], *sim[N_FIG];
	for (size_t f = 0; f < N_FIG; f++) {
		real[f] = g_array_new(FALSE, FALSE, sizeof(double));
		sim[f] = g_array_new(FALSE, FALSE, sizeof(double));
	}
	gboolean ok = side_values(real_dir, real, err) && side_values(sim_dir, sim, err);
	GString *csv = g_string_new(lbv_comparison_header);
	g_string_append_c(csv, '\n');
	g_string_append_printf(table, "%-16s %24s %24s %8s\n", "figure", "real mean +- sd (n)", "sim mean +- sd (n)",
			       "sim/real");
	for (size_t f = 0; ok && f < N_FIG; f++) {
		double rm, rs, sm, ss;
		unsigned rn, sn;
		lbv_mean_sd((double *)(void *)real[f]->data, real[f]->len, &rm, &rs, &rn);
		lbv_mean_sd((double *)(void *)sim[f]->data, sim[f]->len, &sm, &ss, &sn);
		double ratio = rn && sn && rm != 0 ? sm / rm : NAN;
		g_string_append_printf(csv, "%s,", figures[f]);
		num(csv, rm, "%.9g");
		g_string_append_c(csv, ',');
		num(csv, rs, "%.9g");
		g_string_append_printf(csv, ",%u,", rn);
		num(csv, sm, "%.9g");
		g_string_append_c(csv, ',');
		num(csv, ss, "%.9g");
		g_string_append_printf(csv, ",%u,", sn);
		num(csv, ratio, "%.4f");
		g_string_append_c(csv, '\n');
		g_autofree gchar *a = g_strdup_printf("%.4g +- %.3g (%u)", rm, isfinite(rs) ? rs : 0.0, rn);
		g_autofree gchar *b = g_strdup_printf("%.4g +- %.3g (%u)", sm, isfinite(ss) ? ss : 0.0, sn);
		g_string_append_printf(table, "%-16s %24s %24s %8.3f\n", figures[f], rn ? a : "-", sn ? b : "-", ratio);
	}
	if (ok)
		ok = g_file_set_contents(out_csv, csv->str, (gssize)csv->len, err);
	g_string_free(csv, TRUE);
	for (size_t f = 0; f < N_FIG; f++) {
		g_array_free(real[f], TRUE);
		g_array_free(sim[f], TRUE);
	}
	return ok;
}
