/* scenario_warn.c - warnings about values that are legal but surely not
 * what the author meant.  They go to struct scenario's warnings (lbsim
 * prints them; describe writes them as comments) and never stop a run.
 * Their text names values as describe writes them, so that describe's
 * text loads back with the same warnings.
 *
 *   metric_reduction >= base_metric    survivors advertise 1 (clamped)
 *   refresh_interval >= hold_time      routes expire between refreshes
 *   a repair of what is not down       recover / link-up / backplane-up /
 *                                      router-recover / router-link-up with no
 *                                      earlier failure of that node, link or
 *                                      router still in effect
 *   a failure of what is already down  the same kind twice without a repair
 *   a failure at the very end          at = duration: nothing follows it
 *   detection beyond the end           the failover (the strategy's closed
 *                                      form), the membership (heartbeats) or the
 *                                      upstream hold time takes longer than
 *                                      what is left of the run
 *   long runs                          the estimated events (scenario_cost) at
 *                                      SCENARIO_EVENTS_PER_S exceed 15 minutes
 *   inexact live counts                an idle timeout above 69m54s within a
 *                                      longer run: nodes.csv counts entries
 *                                      present, not live (lb_session.h)
 *   the kernel's hash, not its choice  ecmp_hash = linux (on any router) with
 *                                      an ecmp other than linux or
 *                                      linux-resilient: the next hop differs
 *                                      from the kernel's (doc/ecmp.md)
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "scenario_internal.h"

#define LONG_RUN_S (15 * 60.0)

static void warn(struct scenario_ctx *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void warn(struct scenario_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_ptr_array_add(c->warnings, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* "crash of node 2 at 3s", "router-crash of router 1 at 3s", ... */
static gchar *failure_text(const struct scenario_failure *f)
{
	GString *g = g_string_new(NULL);
	g_string_append_printf(g, "[failure] %s", lb_kind_name(&lb_failure_kind_table, f->kind));
	if (f->router >= 0)
		g_string_append_printf(g, " of router %d", f->router);
	if (f->node >= 0)
		g_string_append_printf(g, "%s node %d", f->router >= 0 ? " and" : " of", f->node);
	if (f->partition_nodes) {
		g_string_append(g, " of nodes ");
		scenario_append_nodes(g, f->partition_nodes, ";");
	}
	g_string_append(g, " at ");
	scenario_append_duration(g, f->at_ns);
	return g_string_free(g, FALSE);
}

/* What a failure or repair of kind k acts on: its failure kind (a repair's
 * is the kind it undoes) and its target (node, router, or router x node). */
static unsigned target_of(const struct scenario_failure *f)
{
	unsigned node = f->node >= 0 ? (unsigned)f->node : 0, router = f->router >= 0 ? (unsigned)f->router : 0;
	return router * LB_MAX_NODES + node;
}

/* How long after the failure f the run has to go on for it to be noticed,
 * and by what; 0 when it is seen at once (carrier loss) or not at all. */
static uint64_t detection_ns(const struct scenario *sc, const struct scenario_failure *f, const char **by)
{
	switch (f->kind) {
	case LB_FAIL_CRASH: {
		struct lb_expect_in in = scenario_expect_in(sc);
		struct lb_expect_window w = {0};
		sc->failover->expect(&in, &w);
		*by = "the router stops sending to the dead node (the failover's closed form)";
		return isfinite(w.window_s) && w.window_s > 0 ? (uint64_t)(w.window_s * 1e9) : 0;
	}
	case LB_FAIL_BACKPLANE_DOWN:
	case LB_FAIL_PARTITION:
		*by = "the nodes' heartbeats declare their peers down (heartbeat_interval x heartbeat_misses)";
		return sc->heartbeat_interval_ns * sc->heartbeat_misses;
	case LB_FAIL_ROUTER_CRASH:
		if (sc->upstream_detection != SCENARIO_UPSTREAM_HOLD)
			return 0;
		*by = "the upstream stage's hold time expires (upstream_hold_time)";
		return sc->upstream_hold_time_ns;
	default:
		return 0;
	}
}

static void warn_failures(struct scenario_ctx *c)
{
	const struct scenario *sc = c->sc;
	/* since[kind][target]: when that failure took effect; LB_TIME_NEVER: not in effect */
	g_autofree uint64_t *since = g_new(uint64_t, (size_t)LB_FAILURE_KIND_COUNT * SCENARIO_MAX_ROUTERS * LB_MAX_NODES);
	for (size_t i = 0; i < (size_t)LB_FAILURE_KIND_COUNT * SCENARIO_MAX_ROUTERS * LB_MAX_NODES; i++)
		since[i] = LB_TIME_NEVER;
	for (size_t i = 0; i < sc->n_failures; i++) {
		const struct scenario_failure *f = &sc->failures[i];
		const struct lb_failure_info *info = lb_failure_info(f->kind);
		g_autofree gchar *what = failure_text(f);
		if (info->repairs >= 0 || f->kind == LB_FAIL_CRASH || f->kind == LB_FAIL_LINK_DOWN ||
		    f->kind == LB_FAIL_BACKPLANE_DOWN || f->kind == LB_FAIL_ROUTER_CRASH ||
		    f->kind == LB_FAIL_ROUTER_LINK_DOWN) {
			unsigned kind = info->repairs >= 0 ? (unsigned)info->repairs : (unsigned)f->kind;
			uint64_t *s = &since[kind * SCENARIO_MAX_ROUTERS * LB_MAX_NODES + target_of(f)];
			if (info->repairs >= 0 && *s == LB_TIME_NEVER)
				warn(c, "%s: nothing to repair (no %s of it before that is still in effect)", what,
				     lb_kind_name(&lb_failure_kind_table, kind));
			else if (info->repairs < 0 && *s != LB_TIME_NEVER) {
				g_autofree gchar *t = scenario_fmt_duration(*s);
				warn(c, "%s: already down (since %s, not repaired since)", what, t);
			}
			*s = info->repairs >= 0 ? LB_TIME_NEVER : *s != LB_TIME_NEVER ? *s : f->at_ns;
		}
		if (f->at_ns == sc->duration_ns) {
			warn(c, "%s: at the very end of the run (duration): nothing after it is simulated", what);
			continue;
		}
		const char *by = NULL;
		uint64_t d = detection_ns(sc, f, &by);
		uint64_t left = sc->duration_ns - f->at_ns;
		if (d > left) {
			g_autofree gchar *lt = scenario_fmt_duration(left);
			warn(c, "%s: the run ends %s after it, before %s: about %.3g s", what, lt, by, (double)d / 1e9);
		}
	}
}

static gchar *fmt_wall(double s)
{
	return s < 120 ? g_strdup_printf("%.0f s", s) : s < 7200 ? g_strdup_printf("%.0f min", s / 60)
								 : g_strdup_printf("%.1f h", s / 3600);
}

static void warn_work(struct scenario_ctx *c)
{
	const struct scenario *sc = c->sc;
	struct scenario_cost k;
	scenario_cost(sc, &k);
	double wall = k.events / SCENARIO_EVENTS_PER_S;
	double total = wall * sc->replications;
	if (total < LONG_RUN_S)
		return;
	/* what the events come from, to name the key to change */
	const struct {
		double events;
		const char *what;
	} part[] = {
		{k.ev_packets, "[traffic] packets (packet_rate, initial_flows, flow_arrival_rate)"},
		{k.ev_heartbeats, "[cluster] heartbeat_interval"},
		{k.ev_refresh, "[router] refresh_interval"},
		{k.ev_bfd, "[router] bfd_interval"},
		{k.ev_upstream, "[router] upstream_refresh_interval"},
		{k.ev_bins, "[scenario] bin"},
		{k.ev_stop, "[scenario] duration (a check for Ctrl-C every 10 ms of simulated time)"},
		{k.ev_maglev, "[cluster] maglev_table_size (every node builds its Maglev table at the start and on each "
			      "change of its view)"},
	};
	size_t big = 0;
	for (size_t i = 1; i < G_N_ELEMENTS(part); i++)
		if (part[i].events > part[big].events)
			big = i;
	g_autofree gchar *one = fmt_wall(wall), *all = fmt_wall(total);
	g_autofree gchar *reps =
		sc->replications > 1 ? g_strdup_printf(" each, %s for all %u", all, sc->replications) : g_strdup("");
	warn(c,
	     "a long run: about %.2g packets and %.2g simulator events per replication, about %s at %.0g "
	     "events/s%s; most of it from %s",
	     k.packets, k.events, one, SCENARIO_EVENTS_PER_S, reps, part[big].what);
}

void scenario_warn(struct scenario_ctx *c)
{
	const struct scenario *sc = c->sc;
	if (sc->metric_reduction >= sc->base_metric)
		warn(c, "[cluster] metric_reduction = %" PRIu32 " >= base_metric = %" PRIu32 ": survivors advertise metric 1 (clamped)",
		     sc->metric_reduction, sc->base_metric);
	if (sc->refresh_interval_ns >= sc->hold_time_ns) {
		g_autofree gchar *r = scenario_fmt_duration(sc->refresh_interval_ns);
		g_autofree gchar *h = scenario_fmt_duration(sc->hold_time_ns);
		warn(c, "[router] refresh_interval = %s >= hold_time = %s: routes expire between refreshes and will flap", r,
		     h);
	}
	for (int t = 0; t < 2; t++) {
		uint64_t ns = t ? sc->flow_state_idle_timeout_ns : sc->session_idle_timeout_ns;
		if (ns > LB_SESSION_LIVE_MAX_TIMEOUT_NS && ns <= sc->duration_ns) {
			g_autofree gchar *d = scenario_fmt_duration(ns);
			warn(c, "[cluster] %s = %s: above 69m54s, nodes.csv's %s counts the entries present (expired ones "
				"until swept), not the live ones",
			     t ? "flow_state_idle_timeout" : "session_idle_timeout", d, t ? "flow_states" : "sessions");
		}
	}
	bool linux_hash = false;
	for (unsigned r = 0; r < sc->router_count; r++)
		linux_hash |= sc->routers[r].ecmp_hash == LB_HASH_LINUX;
	if (linux_hash && sc->ecmp != LB_ECMP_LINUX && sc->ecmp != LB_ECMP_LINUX_RESILIENT)
		warn(c, "[router] ecmp_hash = linux with ecmp = %s: the kernel's hash, but not its next-hop choice "
			"(for a Linux router's choice, flow by flow, set ecmp = linux or linux-resilient)",
		     lb_kind_name(&lb_ecmp_kind_table, sc->ecmp));
	warn_failures(c);
	warn_work(c);
}
