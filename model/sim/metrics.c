/* metrics.c - counters, bins and the event log of one run. */
#include "metrics.h"

#include <string.h>

#include "scenario.h"

/* The loader bounds what a run allocates with these sizes (scenario_cost). */
G_STATIC_ASSERT(sizeof(struct sim_bin) <= SCENARIO_BIN_BYTES);
G_STATIC_ASSERT(sizeof(struct sim_node_bin) <= SCENARIO_NODE_BIN_BYTES);

const char *const sim_drop_names[SIM_DROP_N] = {
	[SIM_DROP_BLACKHOLE] = "blackhole", [SIM_DROP_STEER_DEAD] = "steer_dead",
	[SIM_DROP_NO_STATE] = "no_state",   [SIM_DROP_QUEUE] = "queue",
	[SIM_DROP_NO_ROUTE] = "no_route",   [SIM_DROP_LINK] = "link",
	[SIM_DROP_ROUTER_DOWN] = "router_down",
};

void metrics_init(struct sim_metrics *m, uint64_t duration_ns, uint64_t bin_ns, unsigned n_nodes, unsigned n_routers)
{
	memset(m, 0, sizeof *m);
	g_assert(bin_ns > 0 && n_nodes > 0);
	m->bin_ns = bin_ns;
	m->n_bins = (size_t)((duration_ns + bin_ns - 1) / bin_ns);
	if (m->n_bins == 0)
		m->n_bins = 1;
	m->n_nodes = n_nodes;
	m->bins = g_new0(struct sim_bin, m->n_bins);
	m->node_bins = g_new0(struct sim_node_bin, m->n_bins * n_nodes);
	m->events = g_array_new(FALSE, FALSE, sizeof(struct sim_event));
	m->t_fail_ns = LB_TIME_NEVER;
	m->first_drop_after_fail_ns = LB_TIME_NEVER;
	m->last_drop_after_fail_ns = LB_TIME_NEVER;
	for (int i = 0; i < SIM_DROP_N; i++)
		m->first_drop_cause_ns[i] = m->last_drop_cause_ns[i] = LB_TIME_NEVER;
	m->failures = g_array_new(FALSE, TRUE, sizeof(struct sim_failure_stats));
	m->n_routers = n_routers;
	m->router_forwarded = g_new0(uint64_t, n_routers);
	m->router_drop = g_new0(uint64_t, (size_t)(n_routers + 1) * SIM_DROP_N);
	m->router_node_bins = g_new0(uint64_t, m->n_bins * n_routers * n_nodes);
}

void metrics_clear(struct sim_metrics *m)
{
	g_free(m->bins);
	g_free(m->node_bins);
	if (m->events)
		g_array_free(m->events, TRUE);
	if (m->failures)
		g_array_free(m->failures, TRUE);
	g_free(m->router_forwarded);
	g_free(m->router_drop);
	g_free(m->router_node_bins);
	memset(m, 0, sizeof *m);
}

void metrics_failure(struct sim_metrics *m, uint64_t t_ns, int kind, int node, int router)
{
	struct sim_failure_stats f = {.at_ns = t_ns, .kind = (uint8_t)kind, .node = node, .router = router};
	for (int i = 0; i < SIM_DROP_N; i++)
		f.first_drop_ns[i] = f.last_drop_ns[i] = LB_TIME_NEVER;
	g_array_append_val(m->failures, f);
}

void metrics_sent(struct sim_metrics *m, uint64_t t_ns)
{
	m->bins[metrics_bin(m, t_ns)].sent++;
	m->total.sent++;
}

void metrics_delivered(struct sim_metrics *m, uint64_t t_ns)
{
	m->bins[metrics_bin(m, t_ns)].delivered++;
	m->total.delivered++;
}

void metrics_forwarded(struct sim_metrics *m, uint64_t t_ns, unsigned router, unsigned node)
{
	m->router_forwarded[router]++;
	m->router_node_bins[(metrics_bin(m, t_ns) * m->n_routers + router) * m->n_nodes + node]++;
}

void metrics_drop(struct sim_metrics *m, uint64_t t_ns, enum sim_drop_cause why, unsigned router)
{
	g_assert((unsigned)why < SIM_DROP_N);
	m->router_drop[(router < m->n_routers ? router : m->n_routers) * SIM_DROP_N + why]++;
	m->bins[metrics_bin(m, t_ns)].drop[why]++;
	m->total.drop[why]++;
	if (m->t_fail_ns != LB_TIME_NEVER && t_ns >= m->t_fail_ns) {
		if (m->first_drop_after_fail_ns == LB_TIME_NEVER)
			m->first_drop_after_fail_ns = t_ns;
		m->last_drop_after_fail_ns = t_ns;
		if (m->first_drop_cause_ns[why] == LB_TIME_NEVER)
			m->first_drop_cause_ns[why] = t_ns;
		m->last_drop_cause_ns[why] = t_ns;
	}
	if (m->failures->len) {
		struct sim_failure_stats *f = &g_array_index(m->failures, struct sim_failure_stats, m->failures->len - 1);
		f->drop[why]++;
		if (f->first_drop_ns[why] == LB_TIME_NEVER)
			f->first_drop_ns[why] = t_ns;
		f->last_drop_ns[why] = t_ns;
	}
}

uint64_t metrics_lost(const struct sim_bin *b)
{
	uint64_t lost = 0;
	for (int i = 0; i < SIM_DROP_N; i++)
		lost += b->drop[i];
	return lost;
}

const char *sim_event_name(const struct sim_event *e)
{
	switch ((enum sim_event_source)e->source) {
	case SIM_EV_FAILURE:
		return lb_failure_info(e->code)->event;
	case SIM_EV_ROUTER:
		return lb_kind_name(&lb_router_event_table, e->code);
	case SIM_EV_NODE:
		return lb_kind_name(&lb_node_event_table, e->code);
	case SIM_EV_UPSTREAM: {
#define UPSTREAM_NAME(e_, name, doc) "upstream_" name,
		static const char *const names[] = {LB_ROUTER_EVENTS(UPSTREAM_NAME)};
		return e->code < G_N_ELEMENTS(names) ? names[e->code] : "?";
	}
	}
	g_assert_not_reached();
	return NULL;
}

void metrics_event_x(struct sim_metrics *m, uint64_t t_ns, int node, enum sim_event_source source, int code,
		     int64_t value, bool has_set, lb_nodeset set, int router)
{
	g_assert(code >= 0 && code <= UINT8_MAX && router >= -1 && router < INT8_MAX);
	struct sim_event e = {t_ns, node, (uint8_t)source, (uint8_t)code, value, has_set ? set : 0, has_set,
			      (int8_t)router};
	g_array_append_val(m->events, e);
}

/* The largest share of the VIP's packets one node drew from the router
 * after t0, over spans of consecutive bins holding at least PEAK_MIN_PACKETS
 * (one bin when it holds that many; at light load the span grows until it
 * does, so the share is never a ratio of a handful of packets), or over
 * everything after t0 when even that holds fewer. */
#define PEAK_MIN_PACKETS 100

/* The span of bin b is [b, e) with e the first bin that brings its sum to
 * PEAK_MIN_PACKETS (or the end); e never moves back as b moves on, so the
 * spans slide over the bins once (a light run with a million bins took
 * hours when each span was summed afresh). */
double metrics_peak_node_share(const struct sim_metrics *m, uint64_t t0)
{
	double peak = 0;
	size_t first = metrics_bin(m, t0);
	uint64_t per[LB_MAX_NODES] = {0};
	uint64_t sum = 0;
	size_t e = first;
	for (size_t b = first; b < m->n_bins; b++) {
		if (b > first) { /* bin b - 1 leaves the span (e > b - 1 always) */
			for (unsigned i = 0; i < m->n_nodes; i++) {
				uint64_t x = m->node_bins[(b - 1) * m->n_nodes + i].rx_router;
				per[i] -= x;
				sum -= x;
			}
		}
		for (; e < m->n_bins && sum < PEAK_MIN_PACKETS; e++) {
			for (unsigned i = 0; i < m->n_nodes; i++) {
				uint64_t x = m->node_bins[e * m->n_nodes + i].rx_router;
				per[i] += x;
				sum += x;
			}
		}
		if (sum == 0 || (sum < PEAK_MIN_PACKETS && b > first))
			break; /* the tail is lighter than the whole span from the first bin */
		for (unsigned i = 0; i < m->n_nodes; i++)
			if ((double)per[i] / (double)sum > peak)
				peak = (double)per[i] / (double)sum;
		if (e == m->n_bins)
			break;
	}
	return peak;
}
