/* e2e_run.c - see e2e_run.h. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <string.h>

#include "e2e_run.h"

struct scenario *e2e_load(const char *name, const char *const *sets)
{
	g_autofree gchar *path = strchr(name, '/') ? g_build_filename(SOURCE_ROOT, name, NULL)
						   : g_build_filename(SOURCE_ROOT, "scenarios", name, NULL);
	GError *err = NULL;
	struct scenario *sc = scenario_load(path, sets, &err);
	if (!sc) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
	}
	return sc;
}

/* Runs scenario file `name` (from scenarios/) with overrides; writes its
 * files into out_dir when not NULL.  Returns FALSE when the run fails
 * (including an unbalanced accounting). */
gboolean e2e_run(const char *name, const char *const *sets, const char *out_dir, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->sc = e2e_load(name, sets);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->sc);
	struct world_opts o = {0};
	GError *err = NULL;
	struct world *w = world_create(r->sc, 0, &o, &err);
	if (!w) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		return FALSE;
	}
	gboolean ok = world_run(w, &err);
	if (!ok) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		world_free(w);
		return FALSE;
	}
	const struct sim_metrics *m = world_metrics(w);
	r->s = *world_summary(w);
	r->m.total = m->total;
	r->m.flows_total = m->flows_total;
	r->m.flows_broken = m->flows_broken;
	r->m.t_fail_ns = m->t_fail_ns;
	r->m.first_drop_after_fail_ns = m->first_drop_after_fail_ns;
	r->m.last_drop_after_fail_ns = m->last_drop_after_fail_ns;
	memcpy(r->m.first_drop_cause_ns, m->first_drop_cause_ns, sizeof m->first_drop_cause_ns);
	memcpy(r->m.last_drop_cause_ns, m->last_drop_cause_ns, sizeof m->last_drop_cause_ns);
	r->m.backplane_bytes = m->backplane_bytes;
	r->summary_row = g_string_new(NULL);
	output_summary_row(r->summary_row, r->sc, m, &r->s);
	r->events = g_array_new(FALSE, FALSE, sizeof(struct sim_event));
	g_array_append_vals(r->events, m->events->data, m->events->len);
	r->bin_ns = m->bin_ns;
	r->n_bins = m->n_bins;
	r->rx_router = g_new(uint64_t, m->n_bins * m->n_nodes);
	for (size_t b = 0; b < m->n_bins * m->n_nodes; b++)
		r->rx_router[b] = m->node_bins[b].rx_router;
	for (size_t b = 0; b < m->n_bins * m->n_nodes; b++) {
		r->cache_evictions += m->node_bins[b].cache_evictions;
		r->cache_expiries += m->node_bins[b].cache_expiries;
	}
	for (int c = 0; c < SIM_DROP_N; c++) {
		r->last_bin_with[c] = LB_TIME_NEVER;
		for (size_t b = 0; b < m->n_bins; b++)
			if (m->bins[b].drop[c])
				r->last_bin_with[c] = (uint64_t)b * m->bin_ns;
	}
	if (m->t_fail_ns != LB_TIME_NEVER) {
		for (size_t b = 0; b < m->n_bins; b++) {
			uint64_t t = (uint64_t)b * m->bin_ns;
			if (t + LB_NS_PER_S >= m->t_fail_ns + m->bin_ns && t < m->t_fail_ns) {
				r->sent_before_fail_1s += m->bins[b].sent;
				for (unsigned i = 0; i < m->n_nodes; i++)
					r->rx_before_fail_1s[i] += m->node_bins[b * m->n_nodes + i].rx_router;
				for (unsigned k = 0; k < m->n_routers; k++)
					for (unsigned i = 0; i < m->n_nodes; i++)
						r->router_before_fail_1s[k] +=
							m->router_node_bins[(b * m->n_routers + k) * m->n_nodes + i];
			}
			if (t >= m->t_fail_ns)
				r->sent_after_fail += m->bins[b].sent;
			if (r->s.t_restore_ns != LB_TIME_NEVER && t > r->s.t_restore_ns)
				r->blackhole_after_restore += m->bins[b].drop[SIM_DROP_BLACKHOLE];
		}
	}
	if (out_dir) {
		struct sim_flows_view fv = world_flows(w);
		g_mkdir_with_parents(out_dir, 0755);
		ok = output_write_files(out_dir, r->sc, m, &r->s, &fv, &err);
		if (!ok) {
			fprintf(stderr, "%s\n", err->message);
			g_error_free(err);
		}
	}
	world_free(w);
	return ok;
}

void e2e_run_free(struct run *r)
{
	g_free(r->rx_router);
	scenario_free(r->sc);
	if (r->summary_row)
		g_string_free(r->summary_row, TRUE);
	if (r->events)
		g_array_free(r->events, TRUE);
}

void e2e_assert_balanced(const struct run *r)
{
	/* sent = delivered + lost + in_flight, exactly */
	CU_ASSERT_EQUAL(r->m.total.sent, r->m.total.delivered + metrics_lost(&r->m.total) + r->s.in_flight);
	CU_ASSERT(r->m.total.sent > 0);
}

double e2e_seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

double e2e_readvertise_bound_s(const struct scenario *sc)
{
	return e2e_seconds(sc->heartbeat_misses * sc->heartbeat_interval_ns + sc->heartbeat_interval_ns +
			   sc->uplink_delay_ns + sc->processing_delay_ns + sc->fib_install_delay_ns) +
	       0.001;
}

gchar *e2e_slurp(const char *dir, const char *file)
{
	g_autofree gchar *p = g_build_filename(dir, file, NULL);
	gchar *s = NULL;
	g_file_get_contents(p, &s, NULL, NULL);
	return s;
}

uint64_t e2e_event_time(const struct run *r, const char *kind, int node, uint64_t t)
{
	for (guint i = 0; i < r->events->len; i++) {
		const struct sim_event *e = &g_array_index(r->events, struct sim_event, i);
		if (e->t_ns >= t && strcmp(sim_event_name(e), kind) == 0 && (node < 0 || e->node == node))
			return e->t_ns;
	}
	return LB_TIME_NEVER;
}

unsigned e2e_event_count(const struct run *r, const char *kind, int node, int64_t value)
{
	unsigned n = 0;
	for (guint i = 0; i < r->events->len; i++) {
		const struct sim_event *e = &g_array_index(r->events, struct sim_event, i);
		if (strcmp(sim_event_name(e), kind) == 0 && (node < 0 || e->node == node) && (value < 0 || e->value == value))
			n++;
	}
	return n;
}
