/* test_strategy.c - failover strategies as hook tables: the registry, each
 * strategy's closed form pinned, and a test-only strategy that is in no
 * registry, run by lb_router and lb_node through its hooks alone (the
 * proof that adding a strategy touches one file and the registry line). */
#include <string.h>

#include "../cu_main.h"
#include "harness.h"

#define MS LB_NS_PER_MS

static void test_registry(void)
{
	CU_ASSERT_EQUAL(lb_strategy_count(), 3);
	CU_ASSERT_PTR_EQUAL(lb_strategy_find("hold"), &lb_strategy_hold);
	CU_ASSERT_PTR_EQUAL(lb_strategy_find("bfd"), &lb_strategy_bfd);
	CU_ASSERT_PTR_EQUAL(lb_strategy_find("readvertise"), &lb_strategy_readvertise);
	CU_ASSERT_PTR_NULL(lb_strategy_find("probe"));
	CU_ASSERT_PTR_NULL(lb_strategy_find(NULL));
	CU_ASSERT_PTR_NULL(lb_strategy_at(3));
	for (unsigned i = 0; i < lb_strategy_count(); i++) {
		CU_ASSERT_PTR_NOT_NULL(lb_strategy_at(i)->expect);
		CU_ASSERT_PTR_NOT_NULL(lb_strategy_at(i)->doc);
	}
	/* only BFD keeps liveness sessions (what the simulation's cost, the
	 * testbed's bfdd and its phases follow) */
	CU_ASSERT_TRUE(lb_strategy_bfd.liveness_sessions);
	CU_ASSERT_FALSE(lb_strategy_hold.liveness_sessions);
	CU_ASSERT_FALSE(lb_strategy_readvertise.liveness_sessions);
}

/* The closed forms, with the numbers of scenarios/validation.ini under the
 * ideal profile (processing 1 ms, FIB 50 ms), and their laws: the mean of
 * base + span (X - U) is the window (lb_strategy.h). */
static double law_mean(const struct lb_expect_law *l)
{
	double k = l->draws, ex = l->draws ? (l->max ? k / (k + 1) : 1 / (k + 1)) : 0;
	return l->base_s + l->span_s * (ex - 0.5);
}

static void test_expect(void)
{
	struct lb_expect_in in = {
		.nodes = 4,
		.alone_reduces = false,
		.hold_time = 3,
		.refresh_interval = 1,
		.restore_wait = 40,
		.session_interval = 0.1,
		.session_multiplier = 3,
		.heartbeat_interval = 0.1,
		.heartbeat_misses = 3,
		.uplink_delay = 5e-6,
		.uplink_ctl = 6e-6,
		.uplink_data = 7e-6,
		.heartbeat_transit = 4e-6,
		.hold_restart = 0.001,
		.path_update = 0.051,
		.path_session_down = 0.05,
		.node_advertise = 0.02,
	};
	struct lb_expect_window w;
	lb_strategy_hold.expect(&in, &w);
	/* hold - refresh/2 + uplink + restart + path + uplink */
	CU_ASSERT_DOUBLE_EQUAL(w.window_s, 3 - 0.5 + 6e-6 + 0.001 + 0.05 + 7e-6, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(law_mean(&w.law), w.window_s, 1e-12);
	CU_ASSERT(!w.hold_bounded && w.after == LB_EXPECT_ALL_SURVIVORS && !w.router_detects && !w.restores);
	lb_strategy_bfd.expect(&in, &w);
	/* mult x iv - iv/2 + uplink + path + uplink; the router detects at mult x iv - iv/2 + uplink */
	CU_ASSERT_DOUBLE_EQUAL(w.window_s, 0.3 - 0.05 + 6e-6 + 0.05 + 7e-6, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(law_mean(&w.law), w.window_s, 1e-12);
	CU_ASSERT(w.router_detects && w.hold_bounded);
	CU_ASSERT_DOUBLE_EQUAL(law_mean(&w.router_detect), 0.3 - 0.05 + 6e-6, 1e-12);
	lb_strategy_readvertise.expect(&in, &w);
	/* misses x iv - iv/2 + iv/N + transit + adv + uplink + path + uplink: the first of N-1 survivors */
	CU_ASSERT_DOUBLE_EQUAL(w.window_s, 0.3 - 0.05 + 0.025 + 4e-6 + 0.02 + 6e-6 + 0.051 + 7e-6, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(law_mean(&w.law), w.window_s, 1e-12);
	CU_ASSERT_EQUAL(w.law.draws, 3);
	CU_ASSERT(w.after == LB_EXPECT_REDUCERS && w.restores);
	CU_ASSERT_DOUBLE_EQUAL(w.reduce_path_s, 0.02 + 6e-6 + 0.051 + 7e-6, 1e-12);
	/* the last survivor's restore: misses x iv - iv/2 + 3/4 iv + transit + W + path */
	CU_ASSERT_DOUBLE_EQUAL(law_mean(&w.restore), 0.3 - 0.05 + 0.075 + 4e-6 + 40 + w.reduce_path_s, 1e-9);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.formula, "heartbeat_misses"));
	/* two nodes, peers-only: the survivor never reduces, the hold timer ends the window */
	in.nodes = 2;
	lb_strategy_readvertise.expect(&in, &w);
	CU_ASSERT_DOUBLE_EQUAL(w.window_s, 3 - 0.5 + 6e-6 + 0.001 + 0.05 + 7e-6, 1e-12);
	CU_ASSERT(!w.restores && w.after == LB_EXPECT_ALL_SURVIVORS);
	in.alone_reduces = true;
	lb_strategy_readvertise.expect(&in, &w);
	CU_ASSERT_DOUBLE_EQUAL(w.window_s, 0.3 - 0.05 + 0.05 + 4e-6 + 0.02 + 6e-6 + 0.051 + 7e-6, 1e-12);
}

/* A strategy of the test's own: counts its hooks. */
struct probe_router {
	unsigned starts, timers, rx, last_index;
	uint64_t last_timer_at;
};
static struct probe_router *probe_state;
static unsigned node_timers, views, node_starts;
static lb_nodeset last_view;
static double phases[2];

static void probe_router_start(struct lb_router *r, void *state, uint64_t now)
{
	probe_state = state;
	probe_state->starts++;
	lb_router_strategy_timer(r, 5, now + MS);
}

static void probe_router_timer(struct lb_router *r, void *state, unsigned index, uint64_t now)
{
	(void)r;
	struct probe_router *p = state;
	p->timers++;
	p->last_index = index;
	p->last_timer_at = now;
}

static void probe_router_rx(struct lb_router *r, void *state, unsigned node, uint64_t now)
{
	(void)r;
	(void)node;
	(void)now;
	((struct probe_router *)state)->rx++;
}

static void probe_node_start(struct lb_node *n, uint64_t now)
{
	node_starts++;
	phases[0] = lb_node_strategy_phase(n, 0);
	phases[1] = lb_node_strategy_phase(n, 1);
	lb_node_strategy_timer(n, 3, now + 7 * MS);
}

static void probe_node_timer(struct lb_node *n, unsigned index, uint64_t now)
{
	(void)now;
	CU_ASSERT_EQUAL(index, 3);
	node_timers++;
	lb_node_send_session(n);
}

static void probe_view(struct lb_node *n, lb_nodeset active, uint64_t now)
{
	(void)n;
	(void)now;
	views++;
	last_view = active;
}

static void probe_expect(const struct lb_expect_in *in, struct lb_expect_window *out)
{
	*out = (struct lb_expect_window){.window_s = in->hold_time, .formula = "hold_time",
					 .law = {.base_s = in->hold_time}};
}

static const struct lb_strategy probe = {
	.name = "probe",
	.doc = "test-only",
	.node_phases = 2,
	.router_state_size = sizeof(struct probe_router),
	.router_start = probe_router_start,
	.router_rx_session = probe_router_rx,
	.router_timer = probe_router_timer,
	.node_start = probe_node_start,
	.node_timer = probe_node_timer,
	.node_view_changed = probe_view,
	.expect = probe_expect,
};

static void test_probe(void)
{
	struct harness h;
	struct lb_router_params rp = h_router_params(4, LB_PROFILE_IDEAL, &probe);
	struct lb_node_params np = h_node_params(0, 4, LB_PROFILE_IDEAL, &probe);
	h_init(&h, 4, &rp, &np);
	h_start(&h);
	h_run_until(&h, 1000 * MS);
	h_crash(&h, 2);
	h_run_until(&h, 2000 * MS);
	CU_ASSERT_EQUAL(probe_state->starts, 1);
	CU_ASSERT_EQUAL(probe_state->timers, 1);
	CU_ASSERT_EQUAL(probe_state->last_index, 5);
	CU_ASSERT_EQUAL(probe_state->last_timer_at, 1 * MS);
	CU_ASSERT_EQUAL(probe_state->rx, 4);
	CU_ASSERT_EQUAL(node_starts, 4);
	CU_ASSERT_EQUAL(node_timers, 4);
	CU_ASSERT_DOUBLE_EQUAL(phases[0], 0.5, 0);
	CU_ASSERT_DOUBLE_EQUAL(phases[1], 0.25, 0);
	CU_ASSERT_EQUAL(views, 3); /* the survivors */
	CU_ASSERT_EQUAL(last_view, 0xB);
	/* the view never reached the agent: nobody re-advertised */
	for (unsigned i = 0; i < h.n_ev; i++)
		if (strcmp(h.ev[i].name, "tx_advertise") == 0)
			CU_ASSERT_EQUAL(h.ev[i].value, 10);
	h_free(&h);
}

void lb_test_register(void)
{
	LB_SUITE("strategy", LB_TEST(test_registry), LB_TEST(test_expect), LB_TEST(test_probe));
}
