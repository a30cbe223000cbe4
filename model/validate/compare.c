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
 *   fib_changes      events.csv: how many route_installed (changes of the
 *                    forwarding table) from the failure on it took to reach
 *                    the survivor set (the first row's set without the
 *                    failed node); 1 when the survivors arrive together
 *   flow_agreement   the real summary's flow_agreement (flow_agree.c): the
 *                    share of flows the real router sent before the failure
 *                    to the node lbsim's router picks; real side only
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
				      "install_s",     "fib_changes",	    "peak_node_share", "flow_agreement"};
enum { FIG_ROUTE_CHANGE = 7, FIG_FIB_CHANGES = 9 };
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

/* set == initial without failed (sets as "0;1;3"). */
static bool is_survivor_set(const char *set, const char *initial, int failed)
{
	g_auto(GStrv) ids = g_strsplit(initial, ";", -1);
	unsigned want = 0, have = 0;
	for (char **id = ids; *id; id++) {
		if (!**id || atoi(*id) == failed)
			continue;
		want++;
		if (!set_has(set, atoi(*id)))
			return false;
	}
	g_auto(GStrv) got = g_strsplit(set, ";", -1);
	for (char **id = got; *id; id++)
		have += **id != '\0';
	return have == want && want > 0;
}

/* events.csv after the first failure: the first route_change that leaves
 * the failed node out, as seconds after the failure, and the number of
 * route_installed it took to reach the survivor set (NAN when none). */
static void events_figures(const char *rep_dir, double *route_change, double *fib_changes, GError **err)
{
	g_autofree gchar *p = g_build_filename(rep_dir, "events.csv", NULL);
	struct csv c;
	*route_change = *fib_changes = NAN;
	if (!csv_read(p, &c, err))
		return;
	double t_fail = NAN;
	int failed = -1;
	const char *initial = NULL; /* the first route_installed's set */
	unsigned installs = 0;
	for (guint i = 0; i < c.rows->len && isnan(*fib_changes); i++) {
		gchar **r = g_ptr_array_index(c.rows, i);
		if (g_strv_length(r) < 5)
			continue;
		double t = g_ascii_strtod(r[0], NULL);
		const char *kind = r[2];
		if (!initial && strcmp(kind, "route_installed") == 0)
			initial = r[4];
		else if (isnan(t_fail) && (strcmp(kind, "fail") == 0 || strcmp(kind, "link_down") == 0 ||
					   strcmp(kind, "backplane_down") == 0 || strcmp(kind, "partition") == 0 ||
					   strcmp(kind, "lossy") == 0)) {
			t_fail = t;
			failed = *r[1] ? atoi(r[1]) : -1;
		} else if (!isnan(t_fail) && isnan(*route_change) && strcmp(kind, "route_change") == 0 &&
			   !set_has(r[4], failed)) {
			*route_change = t - t_fail;
		} else if (!isnan(t_fail) && initial && strcmp(kind, "route_installed") == 0) {
			installs++;
			if (is_survivor_set(r[4], initial, failed))
				*fib_changes = installs;
		}
	}
	csv_clear(&c);
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
			NAN,
			cell(&c, r, "peak_node_share"),
			cell(&c, r, "flow_agreement"),
		};
		g_autofree gchar *rep = g_strdup_printf("%s/rep%.0f", dir, cell(&c, r, "replication"));
		GError *e = NULL;
		events_figures(rep, &v[FIG_ROUTE_CHANGE], &v[FIG_FIB_CHANGES], &e);
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

gboolean lbv_real_info(const char *real_dir, struct lbv_real_info *info, GError **err)
{
	g_autofree gchar *p = g_build_filename(real_dir, "summary.csv", NULL);
	struct csv c;
	memset(info, 0, sizeof *info);
	if (!csv_read(p, &c, err))
		return FALSE;
	gboolean ok = c.rows->len > 0;
	if (ok) {
		gchar **r = g_ptr_array_index(c.rows, 0);
		for (guint i = 0; c.head[i] && r[i]; i++) {
			if (strcmp(c.head[i], "scenario") == 0)
				info->scenario = g_strdup(r[i]);
			else if (strcmp(c.head[i], "failover") == 0)
				info->failover = g_strdup(r[i]);
		}
		double nodes = cell(&c, 0, "nodes");
		info->nodes = isfinite(nodes) && nodes >= 1 && nodes <= 64 ? (unsigned)nodes : 0;
		info->reps = c.rows->len;
		ok = ok && info->scenario && info->failover && info->nodes > 0;
	}
	csv_clear(&c);
	if (!ok) {
		lbv_real_info_clear(info);
		g_set_error(err, compare_error_quark(), 0, "%s: no repetition (a row with scenario, failover, nodes)", p);
	}
	return ok;
}

void lbv_real_info_clear(struct lbv_real_info *info)
{
	g_free(info->scenario);
	g_free(info->failover);
	memset(info, 0, sizeof *info);
}

/* Component timing over the repetitions ---------------------------------------- */

static const char *const timing_steps[] = {"config_s", "node_queue_s", "to_router_s", "router_s", "fib_s"};
static const char *const timing_triggers[] = {"advertise", "restore", "bfd_down", "hold_expiry"};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

const char lbv_timing_header[] = "trigger,step,n,mean_s,sd_s,min_s,median_s,max_s";

gboolean lbv_timing_summary(const char *real_dir, const char *out_csv, GString *table, GError **err)
{
	g_autofree gchar *sp = g_build_filename(real_dir, "summary.csv", NULL);
	struct csv sum;
	if (!csv_read(sp, &sum, err))
		return FALSE;
	enum { NT = G_N_ELEMENTS(timing_triggers), NS = G_N_ELEMENTS(timing_steps) };
	GArray *vals[NT][NS];
	for (size_t t = 0; t < NT; t++)
		for (size_t k = 0; k < NS; k++)
			vals[t][k] = g_array_new(FALSE, FALSE, sizeof(double));
	gboolean ok = TRUE;
	for (guint r = 0; r < sum.rows->len && ok; r++) {
		g_autofree gchar *p = g_strdup_printf("%s/rep%.0f/timing.csv", real_dir, cell(&sum, r, "replication"));
		struct csv c;
		if (!csv_read(p, &c, err)) {
			ok = FALSE;
			break;
		}
		for (guint i = 0; i < c.rows->len; i++) {
			gchar **row = g_ptr_array_index(c.rows, i);
			for (size_t t = 0; t < NT; t++) {
				if (!row[0] || strcmp(row[0], timing_triggers[t]) != 0)
					continue;
				for (size_t k = 0; k < NS; k++) {
					double x = cell(&c, i, timing_steps[k]);
					if (isfinite(x))
						g_array_append_val(vals[t][k], x);
				}
			}
		}
		csv_clear(&c);
	}
	csv_clear(&sum);
	GString *csv = g_string_new(lbv_timing_header);
	g_string_append_c(csv, '\n');
	g_string_append_printf(table, "%-12s %-13s %4s %10s %10s %10s %10s %10s   (ms)\n", "trigger", "step", "n", "mean",
			       "sd", "min", "median", "max");
	for (size_t t = 0; ok && t < NT; t++)
		for (size_t k = 0; k < NS; k++) {
			GArray *v = vals[t][k];
			if (v->len == 0)
				continue;
			double *x = (double *)(void *)v->data, m, sd;
			unsigned n;
			lbv_mean_sd(x, v->len, &m, &sd, &n);
			qsort(x, v->len, sizeof *x, cmp_double);
			double med = v->len % 2 ? x[v->len / 2] : (x[v->len / 2 - 1] + x[v->len / 2]) / 2;
			g_string_append_printf(csv, "%s,%s,%u,%.9f,", timing_triggers[t], timing_steps[k], n, m);
			num(csv, sd, "%.9f");
			g_string_append_printf(csv, ",%.9f,%.9f,%.9f\n", x[0], med, x[v->len - 1]);
			g_string_append_printf(table, "%-12s %-13s %4u %10.3f %10.3f %10.3f %10.3f %10.3f\n", timing_triggers[t],
					       timing_steps[k], n, m * 1e3, isfinite(sd) ? sd * 1e3 : 0.0, x[0] * 1e3,
					       med * 1e3, x[v->len - 1] * 1e3);
		}
	if (ok)
		ok = g_file_set_contents(out_csv, csv->str, (gssize)csv->len, err);
	g_string_free(csv, TRUE);
	for (size_t t = 0; t < NT; t++)
		for (size_t k = 0; k < NS; k++)
			g_array_free(vals[t][k], TRUE);
	return ok;
}
