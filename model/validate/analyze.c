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
 * sender's worst lateness), send_errors, duplicates, router_in. */
#define _GNU_SOURCE
#include "analyze.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "real.h"

const char lbv_real_summary_header[] =
	"scenario,replication,seed,nodes,failover,owner_hash,session_cache,ecmp,"
	"sent,delivered,in_flight,lost,drop_blackhole,drop_steer_dead,drop_no_state,"
	"drop_queue,drop_no_route,drop_link,flows_total,flows_broken,t_fail_s,t_detect_s,"
	"t_readvertise_s,t_install_s,t_restore_s,loss_window_s,backplane_bytes,events,"
	"peak_node_share,"
	"phase_delay_s,blackhole_by_flow,fail_command_s,late_max_s,send_errors,duplicates,router_in";

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

static gboolean read_meta(const char *raw, struct real_meta *m, GError **err)
{
	g_autofree gchar *p = g_build_filename(raw, "meta.env", NULL);
	g_autofree gchar *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, err))
		return FALSE;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
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

/* counters.txt: "name packets" lines -> table (missing names read as 0). */
static GHashTable *read_counters(const char *raw, GError **err)
{
	g_autofree gchar *p = g_build_filename(raw, "counters.txt", NULL);
	g_autofree gchar *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, err))
		return NULL;
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
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

static void append_set(GString *g, lb_nodeset set)
{
	bool first = true;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		if (lb_nodeset_has(set, i)) {
			g_string_append_printf(g, "%s%u", first ? "" : ";", i);
			first = false;
		}
	}
}

static GString *events_csv(const GArray *ev)
{
	GString *g = g_string_new("time_s,node,event,value,set\n");
	char t[32];
	for (guint i = 0; i < ev->len; i++) {
		const struct real_event *e = &g_array_index(ev, struct real_event, i);
		g_string_append_printf(g, "%s,", secs(t, e->t_ns));
		if (e->node >= 0)
			g_string_append_printf(g, "%d", e->node);
		g_string_append_printf(g, ",%s,", e->kind);
		if (e->value >= 0)
			g_string_append_printf(g, "%" PRId64, e->value);
		g_string_append_c(g, ',');
		if (e->has_set)
			append_set(g, e->set);
		g_string_append_c(g, '\n');
	}
	return g;
}

/* timeseries.csv in the simulator's columns: blackhole by flow; the rest of
 * each bin's losses, which the logs cannot attribute per packet, as link. */
static GString *timeseries_csv(const struct real_packets *p, const struct scenario *sc)
{
	GString *g = g_string_new("time_s,sent,delivered,lost,drop_blackhole,drop_steer_dead,drop_no_state,"
				  "drop_queue,drop_no_route,drop_link\n");
	char t[32];
	for (size_t b = 0; b < p->n_bins; b++)
		g_string_append_printf(g, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",0,0,0,0,%" PRIu64 "\n",
				       secs(t, (int64_t)(b * sc->bin_ns)), p->bin_sent[b], p->bin_delivered[b],
				       p->bin_lost[b], p->bin_blackhole[b], p->bin_lost[b] - p->bin_blackhole[b]);
	return g;
}

static GString *nodes_csv(const struct real_packets *p, const struct scenario *sc)
{
	GString *g = g_string_new("time_s,node,rx_router,steered_out,steered_in,to_server,sessions,flow_states\n");
	char t[32];
	for (size_t b = 0; b < p->n_bins; b++)
		for (unsigned n = 0; n < p->n_nodes; n++) {
			uint64_t x = p->node_rx[b * p->n_nodes + n];
			g_string_append_printf(g, "%s,%u,%" PRIu64 ",0,0,%" PRIu64 ",0,0\n",
					       secs(t, (int64_t)(b * sc->bin_ns)), n, x, x);
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
	g_string_append_printf(g, "  \"replication\": %u,\n  \"tag\": \"%s\",\n  \"frr\": \"%s\",\n", rep, m->tag, m->frr);
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
static gboolean write_rep(const char *rep_dir, const struct scenario *sc, unsigned rep, const struct real_meta *m,
			  const GArray *ev, const struct real_packets *p, GHashTable *ctr, GString *rows, GError **err)
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
		link_failure |= sc->failures[i].kind == SCENARIO_FAIL_LINK_DOWN;
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
	char a[7][32];
	g_autoptr(GString) row = g_string_new(NULL);
	g_string_append_printf(row, "%s,%u,%" PRIu64 ",%u,%s,%s,%s,%s,", sc->name, rep, sc->seed, sc->nodes, sc->failover,
			       sc->owner_hash, sc->session_cache ? "on" : "off", sc->ecmp);
	g_string_append_printf(row, "%" PRIu64 ",%" PRIu64 ",0,%" PRIu64 ",%" PRId64 ",0,0,%" PRId64 ",%" PRId64 ",%" PRId64
			       ",%u,0,",
			       p->sent, p->delivered, p->lost, blackhole, queue, no_route, link, sc->initial_flows);
	g_string_append_printf(row, "%s,%s,%s,%s,%s,%s,0,,%.6f,", secs(a[0], m->t_fail_ns), secs(a[1], t.detect),
			       secs(a[2], t.readvertise), secs(a[3], t.install), secs(a[4], t.restore),
			       secs(a[5], window), peak_share(p, sc, m));
	g_string_append_printf(row, "%s,%" PRIu64 ",%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRId64 "\n",
			       secs(a[0], (int64_t)m->phase_delay_ns), p->blackhole_by_flow,
			       secs(a[1], fail_command_ns(m)),
			       secs(a[2], (int64_t)p->late_max_ns), p->send_errors, p->duplicates, rin);
	GString *summary = g_string_new(lbv_real_summary_header);
	g_string_append_printf(summary, "\n%s", row->str);
	if (!write_file(rep_dir, "summary.csv", summary, err) || !write_file(rep_dir, "events.csv", events_csv(ev), err) ||
	    !write_file(rep_dir, "timeseries.csv", timeseries_csv(p, sc), err) ||
	    !write_file(rep_dir, "nodes.csv", nodes_csv(p, sc), err) ||
	    !write_file(rep_dir, "run.json", run_json(m, sc, rep, ctr), err))
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
	gboolean ok = read_meta(raw, &m, err) && real_failures_load(raw, &m, err) &&
		      real_packets_load(raw, sc, &m, &p, err);
	if (ok)
		set_t_fail(&m, &p);
	ok = ok && (ev = real_events_load(raw, sc, &m, err)) && (ctr = read_counters(raw, err)) &&
	     write_rep(rep_dir, sc, rep, &m, ev, &p, ctr, rows, err);
	if (m.failures)
		g_array_free(m.failures, TRUE);
	if (ev)
		g_array_free(ev, TRUE);
	if (ctr)
		g_hash_table_destroy(ctr);
	real_packets_free(&p);
	return ok;
}
