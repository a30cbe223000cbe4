/* output.c - CSV and JSON writers for one run. */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include <json-glib/json-glib.h>

#include "commit.h"
#include "version.h"

const char sim_summary_header[] =
	"scenario,replication,seed,nodes,failover,owner_hash,session_cache,ecmp,"
	"sent,delivered,in_flight,lost,drop_blackhole,drop_steer_dead,drop_no_state,"
	"drop_queue,drop_no_route,drop_link,flows_total,flows_broken,t_fail_s,t_detect_s,"
	"t_readvertise_s,t_install_s,t_restore_s,loss_window_s,backplane_bytes,events,"
	"peak_node_share,window_blackhole_s,window_steer_dead_s,window_no_state_s,window_queue_s,"
	"window_no_route_s,window_link_s,flows_alive_at_fail,flows_broken_alive,broken_fraction_alive,"
	"expect_window_blackhole_s,expect_drop_blackhole,expect_drop_steer_dead,expect_lost,expect_t_detect_s,"
	"expect_t_install_s,expect_broken_fraction_alive,drop_router_down,window_router_down_s,local_fraction,"
	"expect_window_blackhole2_s,expect_drop_no_state,window_blackhole2_s,expect_drop_router_down,"
	"expect_window_router_down_s,sweep";

const char *output_seconds(char *buf, uint64_t t_ns)
{
	if (t_ns == LB_TIME_NEVER)
		buf[0] = '\0';
	else
		snprintf(buf, 32, "%" PRIu64 ".%09" PRIu64, t_ns / LB_NS_PER_S, t_ns % LB_NS_PER_S);
	return buf;
}

/* The drop counts of causes [from, to) as ",n,n,..." */
static void append_drops(GString *out, const struct sim_bin *b, int from, int to)
{
	for (int i = from; i < to; i++)
		g_string_append_printf(out, ",%" PRIu64, b->drop[i]);
}

static gchar *sweep_field(const struct scenario *sc);

/* From t_fail to the last drop of cause c after it; LB_TIME_NEVER: none. */
static uint64_t cause_window(const struct sim_metrics *m, int c)
{
	return m->last_drop_cause_ns[c] == LB_TIME_NEVER ? LB_TIME_NEVER : m->last_drop_cause_ns[c] - m->t_fail_ns;
}

/* The expectations in summary.csv's order: the first EXP_FIRST_LATER
 * figures where the expect_* columns began, the others after the columns
 * that came between (the header only ever grows at its end). */
#define EXP_FIRST_LATER EXP_WINDOW_BLACKHOLE2

/* ",value" of expectation f (empty: none for this scenario); times
 * absolute, as the t_* columns. */
static void append_expectation(GString *out, const struct expectation *e, enum expect_figure f)
{
	double v = e->fig[f].value;
	if (f == EXP_T_DETECT || f == EXP_T_INSTALL)
		v += (double)e->t_fail_ns / 1e9;
	if (isnan(v))
		g_string_append_c(out, ',');
	else
		g_string_append_printf(out, ",%.6f", v);
}

void output_summary_row(GString *out, const struct scenario *sc, const struct sim_metrics *m,
			const struct sim_summary *s)
{
	char t[6][32];
	uint64_t window = LB_TIME_NEVER;
	if (m->last_drop_after_fail_ns != LB_TIME_NEVER)
		window = m->last_drop_after_fail_ns - m->t_fail_ns;
	g_string_append_printf(out, "%s,%" PRIu32 ",%" PRIu64 ",%" PRIu32 ",%s,%s,%s,%s,",
			       sc->name, s->replication, s->seed, sc->nodes, sc->failover->name,
			       lb_owner_kind_name(sc->owner_hash), sc->session_cache ? "on" : "off",
			       lb_ecmp_kind_name(sc->ecmp));
	g_string_append_printf(out, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, m->total.sent,
			       m->total.delivered, s->in_flight, metrics_lost(&m->total));
	append_drops(out, &m->total, 0, SIM_DROP_DESIGN);
	g_string_append_printf(out, ",%" PRIu64 ",%" PRIu64 ",%s,%s,%s,%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%.6f\n",
			       m->flows_total, m->flows_broken, output_seconds(t[0], m->t_fail_ns),
			       output_seconds(t[1], s->t_detect_ns), output_seconds(t[2], s->t_readvertise_ns),
			       output_seconds(t[3], s->t_install_ns), output_seconds(t[4], s->t_restore_ns),
			       output_seconds(t[5], window), m->backplane_bytes, s->events, s->peak_node_share);
	out->str[out->len - 1] = ','; /* the row goes on */
	for (int c = 0; c < SIM_DROP_DESIGN; c++)
		g_string_append_printf(out, "%s,", output_seconds(t[0], cause_window(m, c)));
	g_string_append_printf(out, "%" PRIu64 ",%" PRIu64 ",", s->flows_alive_at_fail, s->broken_alive_at_fail);
	if (s->flows_alive_at_fail)
		g_string_append_printf(out, "%.6f", (double)s->broken_alive_at_fail / (double)s->flows_alive_at_fail);
	/* the closed forms' expectations (empty: none for this scenario);
	 * times absolute, as the t_* columns */
	struct expectation e;
	expect_first_failure(sc, &e);
	for (int f = 0; f < EXP_FIRST_LATER; f++)
		append_expectation(out, &e, (enum expect_figure)f);
	/* causes newer than the first six columns': count and window */
	append_drops(out, &m->total, SIM_DROP_DESIGN, SIM_DROP_N);
	for (int c = SIM_DROP_DESIGN; c < SIM_DROP_N; c++)
		g_string_append_printf(out, ",%s", output_seconds(t[0], cause_window(m, c)));
	g_string_append_c(out, ',');
	if (!isnan(s->local_fraction))
		g_string_append_printf(out, "%.6f", s->local_fraction);
	/* expectations and a measured figure whose columns came later */
	for (int f = EXP_FIRST_LATER; f <= EXP_DROP_NO_STATE; f++)
		append_expectation(out, &e, (enum expect_figure)f);
	double w2 = expect_measured(EXP_WINDOW_BLACKHOLE2, m, s);
	if (isnan(w2))
		g_string_append_c(out, ',');
	else
		g_string_append_printf(out, ",%.9f", w2);
	for (int f = EXP_DROP_ROUTER_DOWN; f < EXP_N; f++)
		append_expectation(out, &e, (enum expect_figure)f);
	g_autofree gchar *sweep = sweep_field(sc);
	g_string_append_printf(out, ",%s\n", sweep);
}

/* The sweep point a run belongs to: "key=value;key=value" over the
 * scenario's [sweep] keys, with the run's resolved values (empty without a
 * sweep), as a CSV field (quoted when it holds ',' or '"'). */
static gchar *sweep_field(const struct scenario *sc)
{
	GString *g = g_string_new(NULL);
	for (size_t i = 0; i < sc->n_sweep; i++) {
		g_autofree gchar *v = scenario_value_of(sc, sc->sweep[i].key);
		g_string_append_printf(g, "%s%s=%s", i ? ";" : "", sc->sweep[i].key, v ? v : "?");
	}
	if (!strpbrk(g->str, ",\"\n"))
		return g_string_free(g, FALSE);
	GString *q = g_string_new("\"");
	for (const char *p = g->str; *p; p++) {
		if (*p == '"')
			g_string_append_c(q, '"');
		g_string_append_c(q, *p);
	}
	g_string_append_c(q, '"');
	g_string_free(g, TRUE);
	return g_string_free(q, FALSE);
}

GString *output_identify(GString *csv, const struct scenario *sc, uint32_t replication, uint64_t seed)
{
	g_autofree gchar *sweep = sweep_field(sc);
	g_autofree gchar *tail = g_strdup_printf(",%s,%s,%" PRIu32 ",%" PRIu64, sc->name, sweep, replication, seed);
	GString *out = g_string_sized_new(csv->len + csv->len / 4);
	bool header = true;
	for (const char *p = csv->str; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		g_string_append_len(out, p, (gssize)n);
		g_string_append(out, header ? ",scenario,sweep,replication,seed" : tail);
		g_string_append_c(out, '\n');
		header = false;
		p += n + (eol ? 1 : 0);
	}
	g_string_free(csv, TRUE);
	return out;
}

static GString *identify(GString *csv, const struct scenario *sc, const struct sim_summary *s)
{
	return output_identify(csv, sc, s->replication, s->seed);
}

void output_timeseries_header(GString *out)
{
	g_string_append(out, "time_s,sent,delivered,lost");
	for (int i = 0; i < SIM_DROP_N; i++)
		g_string_append_printf(out, ",drop_%s", sim_drop_names[i]);
}

void output_timeseries_row(GString *out, uint64_t t_ns, const struct sim_bin *x)
{
	char t[32];
	g_string_append_printf(out, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64, output_seconds(t, t_ns), x->sent,
			       x->delivered, metrics_lost(x));
	append_drops(out, x, 0, SIM_DROP_N);
	g_string_append_c(out, '\n');
}

static GString *timeseries_csv(const struct sim_metrics *m)
{
	GString *out = g_string_new(NULL);
	output_timeseries_header(out);
	g_string_append_c(out, '\n');
	for (size_t b = 0; b < m->n_bins; b++)
		output_timeseries_row(out, (uint64_t)b * m->bin_ns, &m->bins[b]);
	return out;
}

const char sim_nodes_header[] = "time_s,node,rx_router,steered_out,steered_in,to_server,sessions,flow_states,"
				"cache_hits,cache_misses,cache_evictions,cache_expiries,"
				"table_hits,table_misses,table_evictions,table_expiries";

void output_nodes_row(GString *out, uint64_t t_ns, unsigned node, const struct sim_node_bin *x)
{
	char t[32];
	g_string_append_printf(out, "%s,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
			       output_seconds(t, t_ns), node, x->rx_router, x->steered_out, x->steered_in, x->to_server,
			       x->sessions, x->flow_states);
	const uint64_t c[] = {x->cache_hits,     x->cache_misses, x->cache_evictions, x->cache_expiries,
			      x->table_hits,     x->table_misses, x->table_evictions, x->table_expiries};
	for (size_t i = 0; i < G_N_ELEMENTS(c); i++)
		g_string_append_printf(out, ",%" PRIu64, c[i]);
	g_string_append_c(out, '\n');
}

static GString *nodes_csv(const struct sim_metrics *m)
{
	GString *out = g_string_new(sim_nodes_header);
	g_string_append_c(out, '\n');
	for (size_t b = 0; b < m->n_bins; b++)
		for (unsigned n = 0; n < m->n_nodes; n++)
			output_nodes_row(out, (uint64_t)b * m->bin_ns, n, &m->node_bins[b * m->n_nodes + n]);
	return out;
}

static void append_set(GString *out, lb_nodeset set)
{
	bool first = true;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		if (!lb_nodeset_has(set, i))
			continue;
		g_string_append_printf(out, "%s%u", first ? "" : ";", i);
		first = false;
	}
}

const char sim_events_header[] = "time_s,node,event,value,set,router";

void output_event_row(GString *out, uint64_t t_ns, int node, const char *event, int64_t value, bool has_set,
		      lb_nodeset set, int router)
{
	char t[32];
	g_string_append_printf(out, "%s,", output_seconds(t, t_ns));
	if (node >= 0)
		g_string_append_printf(out, "%d", node);
	g_string_append_printf(out, ",%s,", event);
	if (value >= 0)
		g_string_append_printf(out, "%" PRId64, value);
	g_string_append_c(out, ',');
	if (has_set)
		append_set(out, set);
	g_string_append_c(out, ',');
	if (router >= 0)
		g_string_append_printf(out, "%d", router);
	g_string_append_c(out, '\n');
}

static GString *events_csv(const struct sim_metrics *m)
{
	GString *out = g_string_new(sim_events_header);
	g_string_append_c(out, '\n');
	for (guint i = 0; i < m->events->len; i++) {
		const struct sim_event *e = &g_array_index(m->events, struct sim_event, i);
		output_event_row(out, e->t_ns, e->node, sim_event_name(e), e->value, e->has_set, e->set, e->router);
	}
	return out;
}

/* routers.csv: per router, the data packets it forwarded to a node and
 * every loss of a packet it had forwarded, by cause; a last row "none" for
 * packets lost before any router forwarded them (at the upstream stage, a
 * dead router, or a client link). */
static GString *routers_csv(const struct sim_metrics *m)
{
	GString *out = g_string_new("router,forwarded,lost");
	for (int c = 0; c < SIM_DROP_N; c++)
		g_string_append_printf(out, ",drop_%s", sim_drop_names[c]);
	g_string_append_c(out, '\n');
	for (unsigned r = 0; r <= m->n_routers; r++) {
		const uint64_t *d = &m->router_drop[r * SIM_DROP_N];
		uint64_t lost = 0;
		for (int c = 0; c < SIM_DROP_N; c++)
			lost += d[c];
		if (r < m->n_routers)
			g_string_append_printf(out, "%u,%" PRIu64, r, m->router_forwarded[r]);
		else
			g_string_append(out, "none,0");
		g_string_append_printf(out, ",%" PRIu64, lost);
		for (int c = 0; c < SIM_DROP_N; c++)
			g_string_append_printf(out, ",%" PRIu64, d[c]);
		g_string_append_c(out, '\n');
	}
	return out;
}

/* router_load.csv: per bin, router and node, the data packets the router
 * sent the node (each router's view of the nodes' load). */
static GString *router_load_csv(const struct sim_metrics *m)
{
	GString *out = g_string_new("time_s,router,node,packets\n");
	char t[32];
	for (size_t b = 0; b < m->n_bins; b++) {
		output_seconds(t, (uint64_t)b * m->bin_ns);
		for (unsigned r = 0; r < m->n_routers; r++)
			for (unsigned n = 0; n < m->n_nodes; n++)
				g_string_append_printf(out, "%s,%u,%u,%" PRIu64 "\n", t, r, n,
						       m->router_node_bins[(b * m->n_routers + r) * m->n_nodes + n]);
	}
	return out;
}

/* failures.csv: one row per failure or repair of the scenario, in time
 * order.  Its span runs from its time to the next one's (or the end): the
 * drops counted in it, the window of each cause (last drop of that cause in
 * the span - at), and the first detect, re-advertisement (metric < n),
 * route install and restore in the span.  An install counts when its set
 * reflects the event: without the node after a failure, with it after a
 * repair (any install for events without a node). */
static GString *failures_csv(const struct scenario *sc, const struct sim_metrics *m)
{
	GString *out = g_string_new("failure,at_s,kind,node,lost");
	for (int c = 0; c < SIM_DROP_N; c++)
		g_string_append_printf(out, ",drop_%s", sim_drop_names[c]);
	for (int c = 0; c < SIM_DROP_N; c++)
		g_string_append_printf(out, ",window_%s_s", sim_drop_names[c]);
	g_string_append(out, ",t_detect_s,t_readvertise_s,t_install_s,t_restore_s,router\n");
	char t[32];
	/* events are logged as they happen, so in time order, like the
	 * failures: each failure's span is then found by one pass (the scan of
	 * every event per failure is kept for a log out of order) */
	bool sorted = true;
	for (guint j = 1; j < m->events->len && sorted; j++)
		sorted = g_array_index(m->events, struct sim_event, j - 1).t_ns <=
			 g_array_index(m->events, struct sim_event, j).t_ns;
	guint from = 0; /* sorted: the first event at or after this failure */
	for (guint i = 0; i < m->failures->len; i++) {
		const struct sim_failure_stats *f = &g_array_index(m->failures, struct sim_failure_stats, i);
		uint64_t end = i + 1 < m->failures->len
				       ? g_array_index(m->failures, struct sim_failure_stats, i + 1).at_ns
				       : LB_TIME_NEVER;
		const struct lb_failure_info *info = lb_failure_info(f->kind);
		uint64_t lost = 0;
		for (int c = 0; c < SIM_DROP_N; c++)
			lost += f->drop[c];
		g_string_append_printf(out, "%u,%s,%s,", i + 1, output_seconds(t, f->at_ns),
				       lb_kind_name(&lb_failure_kind_table, f->kind));
		if (f->node >= 0)
			g_string_append_printf(out, "%d", f->node);
		g_string_append_printf(out, ",%" PRIu64, lost);
		for (int c = 0; c < SIM_DROP_N; c++)
			g_string_append_printf(out, ",%" PRIu64, f->drop[c]);
		for (int c = 0; c < SIM_DROP_N; c++)
			g_string_append_printf(
				out, ",%s",
				output_seconds(t, f->last_drop_ns[c] == LB_TIME_NEVER ? LB_TIME_NEVER
										     : f->last_drop_ns[c] - f->at_ns));
		uint64_t times[4] = {LB_TIME_NEVER, LB_TIME_NEVER, LB_TIME_NEVER, LB_TIME_NEVER};
		while (sorted && from < m->events->len && g_array_index(m->events, struct sim_event, from).t_ns < f->at_ns)
			from++;
		for (guint j = from; j < m->events->len; j++) {
			const struct sim_event *e = &g_array_index(m->events, struct sim_event, j);
			if (e->t_ns >= end && sorted)
				break;
			if (e->t_ns < f->at_ns || e->t_ns >= end)
				continue;
			if (times[0] == LB_TIME_NEVER && (sim_event_is(e, SIM_EV_NODE, LB_NE_DETECT) ||
							  sim_event_is(e, SIM_EV_ROUTER, LB_RE_SESSION_DOWN)))
				times[0] = e->t_ns;
			if (times[1] == LB_TIME_NEVER && sim_event_is(e, SIM_EV_NODE, LB_NE_ADVERTISE) &&
			    e->value < (int64_t)sc->base_metric)
				times[1] = e->t_ns;
			if (times[2] == LB_TIME_NEVER && sim_event_is(e, SIM_EV_ROUTER, LB_RE_ROUTE_INSTALLED) &&
			    (f->node < 0 || lb_nodeset_has(e->set, (unsigned)f->node) == info->repair))
				times[2] = e->t_ns;
			if (times[3] == LB_TIME_NEVER && sim_event_is(e, SIM_EV_NODE, LB_NE_RESTORE))
				times[3] = e->t_ns;
		}
		for (int k = 0; k < 4; k++)
			g_string_append_printf(out, ",%s", output_seconds(t, times[k]));
		g_string_append_c(out, ',');
		if (f->router >= 0)
			g_string_append_printf(out, "%d", f->router);
		g_string_append_c(out, '\n');
	}
	return out;
}

static GString *flows_csv(const struct sim_flows_view *v)
{
	GString *out = g_string_new("flow,proto,src,sport,dst,dport,start_s,end_s,sent,received,longest_gap_s,"
				    "out_of_order,disrupted,broken,router,receiver\n");
	char a[32], b[32], c[32], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	for (size_t i = 0; i < v->n; i++) {
		const struct sim_flow_rec *f = v->at(v->ctx, i);
		const struct lb_flow_key *k = v->key_at(v->ctx, i);
		int af = k->family == LB_AF_INET6 ? AF_INET6 : AF_INET;
		inet_ntop(af, k->src, src, sizeof src);
		inet_ntop(af, k->dst, dst, sizeof dst);
		g_string_append_printf(out,
				       "%zu,%s,%s,%u,%s,%u,%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%" PRIu32 ",%d,%d", i,
				       k->proto == LB_PROTO_TCP ? "tcp" : "udp", src, k->sport, dst, k->dport,
				       output_seconds(a, f->start_ns), output_seconds(b, f->end_ns), f->sent,
				       f->received, output_seconds(c, f->longest_gap_ns), f->out_of_order,
				       f->disrupted ? 1 : 0, f->broken ? 1 : 0);
		if (f->first_receiver == SIM_FLOW_NONE)
			g_string_append(out, ",,\n");
		else
			g_string_append_printf(out, ",%u,%u\n", f->first_router, f->first_receiver);
	}
	return out;
}

static struct {
	GPtrArray *argv;
	GDateTime *start;
} prov;

void output_set_command_line(int argc, char **argv)
{
	if (!prov.argv)
		prov.argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_set_size(prov.argv, 0);
	for (int i = 0; i < argc; i++)
		g_ptr_array_add(prov.argv, g_filename_display_name(argv[i])); /* UTF-8 whatever the bytes */
	if (prov.start)
		g_date_time_unref(prov.start);
	prov.start = g_date_time_new_now_utc();
}

JsonNode *output_provenance(void)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "program");
	json_builder_add_string_value(b, "lbsim");
	json_builder_set_member_name(b, "version");
	json_builder_add_string_value(b, LBSIM_VERSION);
	json_builder_set_member_name(b, "commit");
	json_builder_add_string_value(b, LBSIM_COMMIT);
	json_builder_set_member_name(b, "ns3_version");
	json_builder_add_string_value(b, LBSIM_NS3_VERSION);
	json_builder_set_member_name(b, "command_line");
	json_builder_begin_array(b);
	for (guint i = 0; prov.argv && i < prov.argv->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(prov.argv, i));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "sets");
	json_builder_begin_array(b);
	for (guint i = 0; prov.argv && i + 1 < prov.argv->len; i++) {
		const char *a = g_ptr_array_index(prov.argv, i);
		if (strcmp(a, "--set") == 0)
			json_builder_add_string_value(b, g_ptr_array_index(prov.argv, ++i));
		else if (g_str_has_prefix(a, "--set="))
			json_builder_add_string_value(b, a + 6);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "host");
	json_builder_add_string_value(b, g_get_host_name());
	json_builder_set_member_name(b, "start_utc");
	g_autofree gchar *start = prov.start ? g_date_time_format_iso8601(prov.start) : NULL;
	if (start)
		json_builder_add_string_value(b, start);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

/* run.json: the provenance, then the run's identity and figures that are
 * not simulated values (wall time), then every resolved parameter. */
static GString *run_json(const struct scenario *sc, const struct sim_summary *s)
{
	JsonNode *root = output_provenance();
	JsonObject *o = json_node_get_object(root);
	g_autofree gchar *file = g_filename_display_name(sc->path ? sc->path : "");
	json_object_set_string_member(o, "scenario_file", file);
	json_object_set_string_member(o, "scenario", sc->name);
	json_object_set_int_member(o, "replication", s->replication);
	g_autofree gchar *seed = g_strdup_printf("%" PRIu64, s->seed); /* 64-bit: a string, JSON numbers lose it */
	json_object_set_string_member(o, "seed", seed);
	json_object_set_double_member(o, "wall_time_s", s->wall_s);
	json_object_set_int_member(o, "events", (gint64)s->events);
	json_object_set_double_member(o, "run_wall_time_s", s->run_wall_s);
	json_object_set_double_member(o, "run_cpu_time_s", s->run_cpu_s);
	json_object_set_double_member(o, "events_pending_mean", s->events_pending_mean);
	g_autoptr(JsonGenerator) g = json_generator_new();
	json_generator_set_pretty(g, TRUE);
	json_generator_set_root(g, root);
	gchar *text = json_generator_to_data(g, NULL);
	json_node_unref(root);
	/* the resolved parameters are spliced in as scenario_to_json() writes
	 * them (exact 64-bit values, which json-glib's gint64 would not keep) */
	char *brace = strrchr(text, '}');
	g_assert(brace);
	*brace = '\0';
	g_autofree gchar *params = scenario_to_json(sc);
	g_auto(GStrv) lines = g_strsplit(params, "\n", -1);
	g_autofree gchar *indented = g_strjoinv("\n  ", lines);
	GString *out = g_string_new(text);
	g_free(text);
	while (out->len && (out->str[out->len - 1] == '\n' || out->str[out->len - 1] == ' '))
		g_string_truncate(out, out->len - 1);
	g_string_append_printf(out, ",\n  \"parameters\" : %s\n}\n", indented);
	return out;
}

gboolean output_write_file(const char *path, const char *contents, gsize len, GError **err)
{
	/* g_file_set_contents writes a temporary file and renames it. */
	return g_file_set_contents(path, contents, (gssize)len, err);
}

static gboolean write_one(const char *dir, const char *name, GString *s, GError **err)
{
	g_autofree gchar *p = g_build_filename(dir, name, NULL);
	gboolean ok = g_file_set_contents(p, s->str, (gssize)s->len, err);
	g_string_free(s, TRUE);
	return ok;
}

gboolean output_write_files(const char *dir, const struct scenario *sc, const struct sim_metrics *m,
			    const struct sim_summary *s, const struct sim_flows_view *flows, GError **err)
{
	GString *summary = g_string_new(sim_summary_header);
	g_string_append_c(summary, '\n');
	output_summary_row(summary, sc, m, s);
	return write_one(dir, "summary.csv", summary, err) &&
	       write_one(dir, "timeseries.csv", identify(timeseries_csv(m), sc, s), err) &&
	       write_one(dir, "nodes.csv", identify(nodes_csv(m), sc, s), err) &&
	       write_one(dir, "events.csv", identify(events_csv(m), sc, s), err) &&
	       write_one(dir, "failures.csv", identify(failures_csv(sc, m), sc, s), err) &&
	       write_one(dir, "routers.csv", identify(routers_csv(m), sc, s), err) &&
	       write_one(dir, "router_load.csv", identify(router_load_csv(m), sc, s), err) &&
	       (!flows || write_one(dir, "flows.csv", identify(flows_csv(flows), sc, s), err)) &&
	       write_one(dir, "run.json", run_json(sc, s), err);
}
