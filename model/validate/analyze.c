/* analyze.c - see analyze.h.
 *
 * Accounting of the real side (sent = delivered + lost; nothing is in
 * flight once the run has drained):
 *   drop_blackhole  the failed node's nftables drop counter for data packets
 *                   (testbed.sh crash_nft): every packet that reached it dead
 *   drop_queue      UDP RcvbufErrors in the nodes' namespaces (the receivers'
 *                   sockets overflowing)
 *   drop_no_route   data packets into the router (nftables ingress counter)
 *                   that left it on no node port (egress counters): the
 *                   kernel had no usable route; in a run with a link-down
 *                   failure these are drop_link (the kernel drops what it
 *                   routes to a next hop whose link is down)
 *   drop_link       the rest of lost (client side, a node port down)
 *   steer_dead, no_state: 0 (the testbed's nodes do not steer).
 * Real-only columns: phase_delay_s (the repetition's random delay before
 * T0), blackhole_by_flow (real_packets.c), fail_command_s (how long the
 * command that made the first failure real took: t_fail lies within it), late_max_s (the
 * sender's worst lateness), send_errors, duplicates, router_in, and the
 * per-flow agreement (flow_agree.c; flow_agreement.csv): flows_compared
 * (flows that reached one node before the failure), flows_agree (of them,
 * on the node lbsim's router picks), flow_agreement (their ratio; empty
 * when the scenario's router hash is not linux), route_get_agreement (the
 * same for the kernel's own `ip route get`), nexthop_order (the route's
 * next hops as node ids).  timing.csv: the component timing
 * (real_timing.c). */
#define _GNU_SOURCE
#include "analyze.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output.h"
#include "real.h"

/* the simulator's columns (sim_summary_header), then the testbed's own */
static const char real_columns[] = "phase_delay_s,blackhole_by_flow,fail_command_s,late_max_s,send_errors,duplicates,"
				   "router_in,flows_compared,flows_agree,flow_agreement,route_get_agreement,"
				   "nexthop_order";

const char *lbv_real_summary_header(void)
{
	static gsize once;
	static const char *header;
	if (g_once_init_enter(&once)) {
		header = g_strconcat(sim_summary_header, ",", real_columns, NULL);
		g_once_init_leave(&once, 1);
	}
	return header;
}

/* Seconds with 9 decimals from signed ns; REAL_NEVER: empty. */
static const char *secs(char *buf, int64_t t)
{
	if (t == REAL_NEVER) {
		buf[0] = '\0';
		return buf;
	}
	uint64_t a = t < 0 ? (uint64_t)-t : (uint64_t)t;
	snprintf(buf, 32, "%s%" PRIu64 ".%09" PRIu64, t < 0 ? "-" : "", a / 1000000000u, a % 1000000000u);
	return buf;
}

/* The lines of raw/name (NULL and err when it cannot be read); *path: its path (g_free). */
static GStrv raw_lines(const char *raw, const char *name, gchar **path, GError **err)
{
	*path = g_build_filename(raw, name, NULL);
	g_autofree gchar *text = NULL;
	if (!g_file_get_contents(*path, &text, NULL, err))
		return NULL;
	return g_strsplit(text, "\n", -1);
}

static gboolean read_meta(const char *raw, struct real_meta *m, GError **err)
{
	g_autofree gchar *p = NULL;
	g_auto(GStrv) lines = raw_lines(raw, "meta.env", &p, err);
	if (!lines)
		return FALSE;
	for (char **l = lines; *l; l++) {
		if (g_str_has_prefix(*l, "T0_NS="))
			m->t0_ns = g_ascii_strtoull(*l + 6, NULL, 10);
		else if (g_str_has_prefix(*l, "PHASE_DELAY_NS="))
			m->phase_delay_ns = g_ascii_strtoull(*l + 15, NULL, 10);
		else if (g_str_has_prefix(*l, "TAG="))
			g_strlcpy(m->tag, *l + 4, sizeof m->tag);
		else if (g_str_has_prefix(*l, "FRR="))
			g_strlcpy(m->frr, *l + 4, sizeof m->frr);
	}
	if (!m->t0_ns) {
		g_set_error(err, REAL_ERROR, 0, "%s: no T0_NS (the repetition did not start)", p);
		return FALSE;
	}
	return TRUE;
}

/* The repetition's seed, the one its sender and agents drew from: LBV_SEED
 * of params.env, the parameters lbsim validate gave the testbed (testbed.sh
 * keeps a copy in the raw logs). */
static gboolean read_seed(const char *raw, struct real_meta *m, GError **err)
{
	g_autofree gchar *p = NULL;
	g_auto(GStrv) lines = raw_lines(raw, "params.env", &p, err);
	if (!lines)
		return FALSE;
	for (char **l = lines; *l; l++) {
		char *end;
		if (!g_str_has_prefix(*l, "LBV_SEED="))
			continue;
		m->seed = g_ascii_strtoull(*l + 9, &end, 10);
		if (end == *l + 9 || *end) {
			g_set_error(err, REAL_ERROR, 0, "%s: \"%s\": not a seed", p, *l);
			return FALSE;
		}
		return TRUE;
	}
	g_set_error(err, REAL_ERROR, 0, "%s: no LBV_SEED (the repetition's seed)", p);
	return FALSE;
}

/* counters.txt: "name packets" lines -> table (missing names read as 0). */
static GHashTable *read_counters(const char *raw, GError **err)
{
	g_autofree gchar *p = NULL;
	g_auto(GStrv) lines = raw_lines(raw, "counters.txt", &p, err);
	if (!lines)
		return NULL;
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (char **l = lines; *l; l++) {
		char name[64];
		long long v;
		if (sscanf(*l, "%63s %lld", name, &v) == 2)
			g_hash_table_insert(t, g_strdup(name), g_memdup2(&v, sizeof v));
	}
	return t;
}

static int64_t counter(GHashTable *t, const char *fmt, unsigned i)
{
	g_autofree gchar *k = g_strdup_printf(fmt, i);
	const long long *v = g_hash_table_lookup(t, k);
	return v ? *v : 0;
}

struct times {
	int64_t detect, readvertise, install, restore;
};

/* The simulator's definitions (model/sim/world.c, world_run): the first
 * event of each kind at or after the first failure. */
static void summary_times(const GArray *ev, const struct scenario *sc, const struct real_meta *m, struct times *t)
{
	t->detect = t->readvertise = t->install = t->restore = REAL_NEVER;
	if (m->t_fail_ns == REAL_NEVER)
		return;
	for (guint i = 0; i < ev->len; i++) {
		const struct real_event *e = &g_array_index(ev, struct real_event, i);
		if (e->t_ns < m->t_fail_ns)
			continue;
		if (t->detect == REAL_NEVER && strcmp(e->kind, "detect") == 0)
			t->detect = e->t_ns;
		if (t->readvertise == REAL_NEVER && strcmp(e->kind, "advertise") == 0 && e->value < (int64_t)sc->base_metric)
			t->readvertise = e->t_ns;
		if (t->install == REAL_NEVER && strcmp(e->kind, "route_installed") == 0 &&
		    (m->failed_node < 0 || !lb_nodeset_has(e->set, (unsigned)m->failed_node)))
			t->install = e->t_ns;
		if (t->restore == REAL_NEVER && strcmp(e->kind, "restore") == 0)
			t->restore = e->t_ns;
	}
}

static double peak_share(const struct real_packets *p, const struct scenario *sc, const struct real_meta *m)
{
	double peak = 0;
	if (m->t_fail_ns == REAL_NEVER)
		return 0;
	for (size_t b = (size_t)((uint64_t)m->t_fail_ns / sc->bin_ns); b < p->n_bins; b++) {
		uint64_t sum = 0, max = 0;
		for (unsigned n = 0; n < p->n_nodes; n++) {
			uint64_t x = p->node_rx[b * p->n_nodes + n];
			sum += x;
			max = x > max ? x : max;
		}
		if (sum >= 100 && (double)max / (double)sum > peak)
			peak = (double)max / (double)sum;
	}
	return peak;
}

/* The simulator's per-run CSVs (model/sim/output.c writes both sides):
 * each file's own columns, then the run's identity: scenario, sweep (empty:
 * validate runs no sweep), replication = the repetition, seed = the
 * repetition's seed (read_seed). */
static GString *identify(GString *csv, const struct scenario *sc, unsigned rep, const struct real_meta *m)
{
	return output_identify(csv, sc, rep, m->seed);
}

/* events.csv: the router's own events carry its index (real.h, REAL_ROUTER) */
static GString *events_csv(const GArray *ev)
{
	GString *g = g_string_new(sim_events_header);
	g_string_append_c(g, '\n');
	for (guint i = 0; i < ev->len; i++) {
		const struct real_event *e = &g_array_index(ev, struct real_event, i);
		output_event_row(g, (uint64_t)e->t_ns, e->node, e->kind, e->value, e->has_set, e->set, e->router);
	}
	return g;
}

/* timeseries.csv: blackhole by flow; the rest of each bin's losses, which
 * the logs cannot attribute per packet, as link; the other causes 0. */
static GString *timeseries_csv(const struct real_packets *p, const struct scenario *sc)
{
	GString *g = g_string_new(NULL);
	output_timeseries_header(g);
	g_string_append_c(g, '\n');
	for (size_t b = 0; b < p->n_bins; b++) {
		struct sim_bin x = {.sent = p->bin_sent[b], .delivered = p->bin_delivered[b]};
		x.drop[SIM_DROP_BLACKHOLE] = p->bin_blackhole[b];
		x.drop[SIM_DROP_LINK] = p->bin_lost[b] - p->bin_blackhole[b];
		output_timeseries_row(g, b * sc->bin_ns, &x);
	}
	return g;
}

/* nodes.csv: what each node received from the router, all served by itself
 * (the testbed's nodes do not steer and keep no sessions: the rest 0). */
static GString *nodes_csv(const struct real_packets *p, const struct scenario *sc)
{
	GString *g = g_string_new(sim_nodes_header);
	g_string_append_c(g, '\n');
	for (size_t b = 0; b < p->n_bins; b++)
		for (unsigned n = 0; n < p->n_nodes; n++) {
			uint64_t x = p->node_rx[b * p->n_nodes + n];
			struct sim_node_bin nb = {.rx_router = x, .to_server = x};
			output_nodes_row(g, b * sc->bin_ns, n, &nb);
		}
	return g;
}

static gboolean write_file(const char *dir, const char *name, GString *g, GError **err)
{
	g_autofree gchar *p = g_build_filename(dir, name, NULL);
	gboolean ok = g_file_set_contents(p, g->str, (gssize)g->len, err);
	g_string_free(g, TRUE);
	return ok;
}

static GString *run_json(const struct real_meta *m, const struct scenario *sc, unsigned rep, GHashTable *ctr)
{
	g_autofree gchar *params = scenario_to_json(sc);
	GString *g = g_string_new("{\n  \"program\": \"lbsim validate\",\n");
	/* scenario, replication and seed as the simulator's run.json has them (seed: a string, 64-bit exact) */
	g_string_append_printf(g, "  \"scenario\": \"%s\",\n  \"replication\": %u,\n  \"seed\": \"%" PRIu64 "\",\n",
			       sc->name, rep, m->seed);
	g_string_append_printf(g, "  \"tag\": \"%s\",\n  \"frr\": \"%s\",\n", m->tag, m->frr);
	g_string_append_printf(g, "  \"t0_realtime_ns\": %" PRIu64 ",\n  \"phase_delay_ns\": %" PRIu64 ",\n", m->t0_ns,
			       m->phase_delay_ns);
	g_string_append(g, "  \"counters\": {");
	g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(ctr), (GCompareFunc)strcmp);
	for (GList *k = keys; k; k = k->next)
		g_string_append_printf(g, "%s\"%s\": %lld", k == keys ? "" : ", ", (char *)k->data,
				       *(long long *)g_hash_table_lookup(ctr, k->data));
	g_string_append_printf(g, "},\n  \"parameters\": %s\n}\n", params);
	return g;
}

/* t_fail: the failure takes effect while the command making it runs (nft
 * commits its rules, ip sets the link down): the first packet lost from
 * the command's start on is when it took effect; without one, the
 * command's end. */
static void set_t_fail(struct real_meta *m, const struct real_packets *p)
{
	if (m->t_fail_ns == REAL_NEVER)
		return;
	for (guint i = 0; i < m->failures->len; i++) {
		struct real_failure *f = &g_array_index(m->failures, struct real_failure, i);
		if (f->after_ns != m->t_fail_ns || f->node != m->failed_node)
			continue;
		if (p->first_loss_ns != REAL_NEVER && p->first_loss_ns <= f->after_ns)
			f->t_ns = m->t_fail_ns = p->first_loss_ns;
		break;
	}
}

static int64_t fail_command_ns(const struct real_meta *m)
{
	for (guint i = 0; m->t_fail_ns != REAL_NEVER && i < m->failures->len; i++) {
		const struct real_failure *f = &g_array_index(m->failures, struct real_failure, i);
		if (f->before_ns == m->fail_begin_ns)
			return f->after_ns - f->before_ns;
	}
	return REAL_NEVER;
}

/* Writes the repetition's files and its summary row from what was loaded. */
static void ratio(GString *g, unsigned num, unsigned den, bool known)
{
	g_string_append_c(g, ',');
	if (known && den)
		g_string_append_printf(g, "%.6f", (double)num / den);
}

static gboolean write_rep(const char *rep_dir, const struct scenario *sc, unsigned rep, const struct real_meta *m,
			  const GArray *ev, const struct real_packets *p, GHashTable *ctr, const char *raw, GString *rows,
			  GError **err)
{
	if (g_mkdir_with_parents(rep_dir, 0755) < 0) {
		g_set_error(err, REAL_ERROR, 0, "%s: %s", rep_dir, g_strerror(errno));
		return FALSE;
	}
	int64_t blackhole = 0, queue = 0, out_sum = 0;
	for (unsigned i = 0; i < sc->nodes; i++) {
		blackhole += counter(ctr, "node%u_crash_data", i);
		queue += counter(ctr, "node%u_rcvbuf_errors", i);
		out_sum += counter(ctr, "router_out%u", i);
	}
	/* the router's own drops: a next hop whose link is down, or no route */
	int64_t rin = counter(ctr, "router_rin", 0);
	int64_t router_drops = rin > out_sum ? rin - out_sum : 0;
	bool link_failure = false;
	for (size_t i = 0; i < sc->n_failures; i++)
		link_failure |= sc->failures[i].kind == LB_FAIL_LINK_DOWN;
	int64_t no_route = link_failure ? 0 : router_drops;
	int64_t link = (int64_t)p->lost - blackhole - queue - no_route;
	if (link < 0) {
		fprintf(stderr, "lbsim: validate: rep %u: the drop counters (%" PRId64 ") exceed the lost packets (%" PRIu64
				")\n", rep, blackhole + queue + no_route, p->lost);
		link = 0;
	}
	struct times t;
	summary_times(ev, sc, m, &t);
	int64_t window = p->last_loss_ns == REAL_NEVER ? REAL_NEVER : p->last_loss_ns - m->t_fail_ns;
	/* the simulator's summary columns, by name, in its order (those the
	 * testbed cannot measure stay empty), then the testbed's own */
	char a[32];
	g_autoptr(GHashTable) v = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
#define SET(col, ...) g_hash_table_insert(v, (gpointer)(col), g_strdup_printf(__VA_ARGS__))
	SET("scenario", "%s", sc->name);
	SET("replication", "%u", rep);
	SET("seed", "%" PRIu64, m->seed);
	SET("nodes", "%u", sc->nodes);
	SET("failover", "%s", sc->failover->name);
	SET("owner_hash", "%s", lb_owner_kind_name(sc->owner_hash));
	SET("session_cache", "%s", sc->session_cache ? "on" : "off");
	SET("ecmp", "%s", lb_ecmp_kind_name(sc->ecmp));
	SET("sent", "%" PRIu64, p->sent);
	SET("delivered", "%" PRIu64, p->delivered);
	SET("in_flight", "0");
	SET("lost", "%" PRIu64, p->lost);
	SET("drop_blackhole", "%" PRId64, blackhole);
	SET("drop_steer_dead", "0");
	SET("drop_no_state", "0");
	SET("drop_queue", "%" PRId64, queue);
	SET("drop_no_route", "%" PRId64, no_route);
	SET("drop_link", "%" PRId64, link);
	SET("drop_router_down", "0");
	SET("flows_total", "%u", sc->initial_flows);
	SET("flows_broken", "0");
	SET("flows_alive_at_fail", "%u", sc->initial_flows);
	SET("flows_broken_alive", "0");
	SET("broken_fraction_alive", "0");
	SET("t_fail_s", "%s", secs(a, m->t_fail_ns));
	SET("t_detect_s", "%s", secs(a, t.detect));
	SET("t_readvertise_s", "%s", secs(a, t.readvertise));
	SET("t_install_s", "%s", secs(a, t.install));
	SET("t_restore_s", "%s", secs(a, t.restore));
	SET("loss_window_s", "%s", secs(a, window));
	/* every real loss is at the dead node (its nftables counter equals the
	 * packets missing at every receiver: doc/validation.md) */
	SET("window_blackhole_s", "%s", secs(a, blackhole > 0 ? window : REAL_NEVER));
	SET("backplane_bytes", "0");
	SET("events", "0");
	SET("peak_node_share", "%.6f", peak_share(p, sc, m));
#undef SET
	g_autoptr(GString) row = g_string_new(NULL);
	g_auto(GStrv) cols = g_strsplit(sim_summary_header, ",", -1);
	for (gsize i = 0; cols[i]; i++) {
		const char *x = g_hash_table_lookup(v, cols[i]);
		g_string_append_printf(row, "%s%s", i ? "," : "", x ? x : "");
	}
	g_string_append_printf(row, ",%s,%" PRIu64, secs(a, (int64_t)m->phase_delay_ns), p->blackhole_by_flow);
	g_string_append_printf(row, ",%s", secs(a, fail_command_ns(m)));
	g_string_append_printf(row, ",%s,%" PRIu64 ",%" PRIu64 ",%" PRId64, secs(a, (int64_t)p->late_max_ns),
			       p->send_errors, p->duplicates, rin);
	struct real_agreement ag;
	bool missing;
	g_autofree gchar *agree_csv = g_build_filename(rep_dir, "flow_agreement.csv", NULL);
	if (real_flow_agreement(raw, sc, p->flow_nodes, p->n_flows, agree_csv, &ag, &missing, err)) {
		g_string_append_printf(row, ",%u,%u", ag.compared, ag.agree);
		ratio(row, ag.agree, ag.compared, ag.predicted);
		ratio(row, ag.routeget_agree, ag.routeget_compared, true);
		g_string_append_printf(row, ",%s\n", ag.order);
	} else if (missing) {
		g_string_append(row, ",,,,,\n"); /* logs from before the flow table */
	} else {
		return FALSE;
	}
	GString *summary = g_string_new(lbv_real_summary_header());
	g_string_append_printf(summary, "\n%s", row->str);
	if (!write_file(rep_dir, "summary.csv", summary, err) || 
	    !write_file(rep_dir, "events.csv", identify(events_csv(ev), sc, rep, m), err) ||
	    !write_file(rep_dir, "timeseries.csv", identify(timeseries_csv(p, sc), sc, rep, m), err) ||
	    !write_file(rep_dir, "nodes.csv", identify(nodes_csv(p, sc), sc, rep, m), err) ||
	    !write_file(rep_dir, "run.json", run_json(m, sc, rep, ctr), err) ||
	    !write_file(rep_dir, "timing.csv", real_timing_csv(ev), err))
		return FALSE;
	g_string_append(rows, row->str);
	return TRUE;
}

gboolean lbv_analyze_rep(const char *raw, const char *rep_dir, const struct scenario *sc, unsigned rep,
			 GString *rows, GError **err)
{
	struct real_meta m = {0};
	struct real_packets p = {0};
	GArray *ev = NULL;
	GHashTable *ctr = NULL;
	gboolean ok = read_meta(raw, &m, err) && read_seed(raw, &m, err) && real_failures_load(raw, &m, err) &&
		      real_packets_load(raw, sc, &m, &p, err);
	if (ok)
		set_t_fail(&m, &p);
	ok = ok && (ev = real_events_load(raw, sc, &m, err)) && (ctr = read_counters(raw, err)) &&
	     write_rep(rep_dir, sc, rep, &m, ev, &p, ctr, raw, rows, err);
	if (m.failures)
		g_array_free(m.failures, TRUE);
	if (ev)
		g_array_free(ev, TRUE);
	if (ctr)
		g_hash_table_destroy(ctr);
	real_packets_free(&p);
	return ok;
}
