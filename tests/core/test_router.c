/* test_router.c - lb_router: both control-plane profiles, event by event,
 * with exact times (ns), driven through tests/core/harness.c. */
#include <errno.h>
#include <string.h>

#include "../cu_main.h"
#include "harness.h"

#define MS LB_NS_PER_MS
#define US LB_NS_PER_US

/* A router alone (its nodes never started): inputs are injected. */
static void router_only(struct harness *h, enum lb_router_profile profile, const struct lb_strategy *s)
{
	struct lb_router_params rp = h_router_params(4, profile, s);
	struct lb_node_params np = h_node_params(0, 4, profile, s);
	h_init(h, 4, &rp, &np);
	lb_router_start(h->router, 0);
}

static void assert_event(const struct harness *h, const char *name, uint64_t t, lb_nodeset set, int64_t value)
{
	const struct h_event *e = h_find(h, name, -1, t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->t, t);
	CU_ASSERT_EQUAL(e->set, set);
	CU_ASSERT_EQUAL(e->value, value);
}

static void test_create(void)
{
	struct lb_router_params p = h_router_params(4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	CU_ASSERT_PTR_NULL(lb_router_create(&p)); /* no act */
	CU_ASSERT_PTR_NULL(lb_router_create(NULL));
	struct harness h;
	router_only(&h, LB_PROFILE_IDEAL, &lb_strategy_hold);
	struct lb_router_params q = h_router_params(4, LB_PROFILE_IDEAL, NULL);
	q.act = (lb_router_act_fn)1;
	CU_ASSERT_PTR_NULL(lb_router_create(&q)); /* no strategy */
	q = h_router_params(4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	q.act = (lb_router_act_fn)1;
	q.hold_time_ns = 0;
	CU_ASSERT_PTR_NULL(lb_router_create(&q));
	q.hold_time_ns = 1;
	q.neighbours = 0;
	CU_ASSERT_PTR_NULL(lb_router_create(&q));
	q.neighbours = 1;
	q.profile = (enum lb_router_profile)LB_ROUTER_PROFILE_COUNT;
	CU_ASSERT_PTR_NULL(lb_router_create(&q));
	/* the session's interval and multiplier are each refused at 0 on their
	 * own (an || turned && accepted an interval of 0) */
	q = h_router_params(4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	q.act = (lb_router_act_fn)1;
	struct lb_router *valid = lb_router_create(&q);
	CU_ASSERT_PTR_NOT_NULL(valid);
	lb_router_free(valid);
	q.session_interval_ns = 0;
	CU_ASSERT_PTR_NULL(lb_router_create(&q));
	q = h_router_params(4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	q.act = (lb_router_act_fn)1;
	q.session_multiplier = 0;
	CU_ASSERT_PTR_NULL(lb_router_create(&q));
	/* the steady state at start */
	assert_event(&h, "route_installed", 0, 0xF, 10);
	CU_ASSERT_EQUAL(lb_router_fib(h.router), 0xF);
	h_free(&h);
}

/* ideal: each message waits processing_delay, each decision fib_install_delay. */
static void test_ideal_update(void)
{
	struct harness h;
	router_only(&h, LB_PROFILE_IDEAL, &lb_strategy_hold);
	h_run_until(&h, 100 * MS);
	lb_router_rx_advertise(h.router, 1, 9, h.now);
	h_run_until(&h, 120 * MS);
	lb_router_rx_advertise(h.router, 2, 9, h.now);
	h_run_until(&h, 200 * MS);
	assert_event(&h, "route_change", 101 * MS, 0x2, 9);
	assert_event(&h, "route_installed", 151 * MS, 0x2, 9);
	assert_event(&h, "route_change", 121 * MS, 0x6, 9);
	assert_event(&h, "route_installed", 171 * MS, 0x6, 9);
	CU_ASSERT_EQUAL(h_count(&h, "route_installed", -1), 3);
	CU_ASSERT_EQUAL(lb_router_fib(h.router), 0x6);
	h_free(&h);
}

/* ideal: the hold time restarts when a refresh is processed; the route
 * expires at exactly last processed refresh + hold. */
static void test_ideal_hold(void)
{
	struct harness h;
	router_only(&h, LB_PROFILE_IDEAL, &lb_strategy_hold);
	h_run_until(&h, 1000 * MS);
	for (unsigned i = 0; i < 4; i++)
		if (i != 2)
			lb_router_rx_advertise(h.router, i, 10, h.now);
	h_run_until(&h, 3200 * MS);
	const struct h_event *e = h_find(&h, "hold_expiry", -1, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->t, 3000 * MS);
	CU_ASSERT_EQUAL(e->node, 2);
	assert_event(&h, "route_change", 3000 * MS, 0xB, 10);
	assert_event(&h, "route_installed", 3050 * MS, 0xB, 10);
	h_run_until(&h, 4100 * MS);
	/* the others' refreshes were processed at 1.001 s: they expire at 4.001 s */
	e = h_find(&h, "hold_expiry", -1, 3001 * MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->t, 4001 * MS);
	CU_ASSERT_EQUAL(lb_router_stats(h.router)->expiries, 4);
	h_free(&h);
}

/* frr: updates join bgpd's queue; its 50 ms hold opens at the first item
 * and is not extended by later ones; then zebra's 10 ms; then the FIB. */
static void test_frr_batching(void)
{
	struct harness h;
	router_only(&h, LB_PROFILE_FRR, &lb_strategy_hold);
	uint64_t t[] = {100 * MS, 120 * MS, 149999 * US, 170 * MS};
	unsigned node[] = {1, 2, 3, 0};
	for (unsigned i = 0; i < 4; i++) {
		h_run_until(&h, t[i]);
		lb_router_rx_advertise(h.router, node[i], 9, h.now);
	}
	h_run_until(&h, 300 * MS);
	assert_event(&h, "route_change", 150 * MS, 0xE, 9);
	assert_event(&h, "route_installed", 160 * MS, 0xE, 9);
	assert_event(&h, "route_change", 220 * MS, 0xF, 9);
	assert_event(&h, "route_installed", 230 * MS, 0xF, 9);
	CU_ASSERT_EQUAL(h_count(&h, "route_change", -1), 2);
	CU_ASSERT_EQUAL(lb_router_stats(h.router)->batches, 2);
	CU_ASSERT_EQUAL(lb_router_stats(h.router)->batched, 4);
	/* a refresh with the same metric is a keepalive: no processing */
	lb_router_rx_advertise(h.router, 1, 9, h.now);
	h_run_until(&h, 500 * MS);
	CU_ASSERT_EQUAL(lb_router_stats(h.router)->batches, 2);
	h_free(&h);
}

/* frr: zebra's RIB queue batches too: with a route queue shorter than the
 * RIB queue (2 ms vs 10 ms), two decisions within the RIB hold reach the
 * FIB as one change, the later one. */
static void test_frr_rib_batching(void)
{
	struct harness h;
	struct lb_router_params rp = h_router_params(4, LB_PROFILE_FRR, &lb_strategy_hold);
	struct lb_node_params np = h_node_params(0, 4, LB_PROFILE_FRR, &lb_strategy_hold);
	rp.update_queue_hold_ns = 2 * MS;
	h_init(&h, 4, &rp, &np);
	lb_router_start(h.router, 0);
	h_run_until(&h, 100 * MS);
	lb_router_rx_advertise(h.router, 1, 9, h.now); /* decided at 102 ms, RIB until 112 ms */
	h_run_until(&h, 105 * MS);
	lb_router_rx_advertise(h.router, 2, 8, h.now); /* decided at 107 ms */
	h_run_until(&h, 200 * MS);
	assert_event(&h, "route_change", 102 * MS, 0x2, 9);
	assert_event(&h, "route_change", 107 * MS, 0x4, 8);
	assert_event(&h, "route_installed", 112 * MS, 0x4, 8);
	CU_ASSERT_EQUAL(h_count(&h, "route_installed", -1), 2); /* start + one */
	/* a carrier loss after that: clear 10 ms, route queue 2 ms, RIB 10 ms */
	lb_router_carrier(h.router, 2, false, h.now);
	h_run_until(&h, 300 * MS);
	assert_event(&h, "route_change", 212 * MS, 0x2, 9);
	assert_event(&h, "route_installed", 222 * MS, 0x2, 9);
	h_free(&h);
}

/* frr: a message restarts the session's hold timer on arrival (RFC 4271
 * 8.2.2), not when it is processed; the expiry goes through peer clearing,
 * the route queue, the RIB queue: 10 + 50 + 10 ms. */
static void test_frr_hold(void)
{
	struct harness h;
	router_only(&h, LB_PROFILE_FRR, &lb_strategy_hold);
	h_run_until(&h, 1000 * MS);
	lb_router_rx_advertise(h.router, 1, 10, h.now);
	h_run_until(&h, 3200 * MS);
	CU_ASSERT_EQUAL(h_count(&h, "hold_expiry", -1), 3);
	const struct h_event *e = h_find(&h, "hold_expiry", -1, 0);
	CU_ASSERT_EQUAL(e->t, 3000 * MS);
	CU_ASSERT_EQUAL(e->node, 0);
	assert_event(&h, "route_change", 3060 * MS, 0x2, 10);
	assert_event(&h, "route_installed", 3070 * MS, 0x2, 10);
	h_run_until(&h, 4200 * MS);
	e = h_find(&h, "hold_expiry", -1, 3001 * MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->t, 4000 * MS);
	CU_ASSERT_EQUAL(e->node, 1);
	assert_event(&h, "route_change", 4060 * MS, 0, -1);
	assert_event(&h, "route_installed", 4070 * MS, 0, -1);
	struct lb_flow_key k;
	uint8_t a[4] = {10, 0, 0, 1}, b[4] = {203, 0, 113, 10};
	lb_flow_key_v4(&k, a, b, 1234, 80, LB_PROTO_TCP);
	CU_ASSERT_EQUAL(lb_router_select(h.router, &k, h.now), -ENOENT);
	/* a message from a node whose session went down brings it back */
	lb_router_rx_advertise(h.router, 3, 10, h.now);
	CU_ASSERT_PTR_NOT_NULL(h_find(&h, "peer_up", -1, 4200 * MS));
	h_run_until(&h, 4300 * MS);
	assert_event(&h, "route_installed", 4260 * MS, 0x8, 10);
	h_free(&h);
}

/* frr: an UPDATE that changes the route restarts its session's hold timer
 * when it arrives, not when bgpd's route queue processes it 50 ms later
 * (RFC 4271 8.2.2: any KEEPALIVE or UPDATE restarts the HoldTimer on
 * receipt).  Node 2's metric 9 at 990 ms opens the queue (it fires at
 * 1040 ms); node 1's metric 8 arrives at 1010 ms while it is open and is
 * processed with it.  Node 1's hold then expires at 1010 + 3000 = 4010 ms:
 * restarting on processing would give 4040 ms, at the queue's opening 3990. */
static void test_frr_hold_restarts_on_arrival(void)
{
	struct harness h;
	router_only(&h, LB_PROFILE_FRR, &lb_strategy_hold);
	h_run_until(&h, 990 * MS);
	lb_router_rx_advertise(h.router, 2, 9, h.now);
	h_run_until(&h, 1010 * MS);
	lb_router_rx_advertise(h.router, 1, 8, h.now);
	h_run_until(&h, 1100 * MS);
	/* both changes waited in the one queue and were processed together */
	assert_event(&h, "route_change", 1040 * MS, 0x2, 8);
	CU_ASSERT_EQUAL(h_count(&h, "route_change", -1), 1);
	CU_ASSERT_EQUAL(lb_router_stats(h.router)->batches, 1);
	CU_ASSERT_EQUAL(lb_router_stats(h.router)->batched, 2);
	h_run_until(&h, 4100 * MS);
	unsigned seen = 0;
	for (unsigned i = 0; i < h.n_ev; i++) {
		const struct h_event *e = &h.ev[i];
		if (e->src != -1 || strcmp(e->name, "hold_expiry") != 0)
			continue;
		seen |= 1u << e->node;
		/* nodes 0 and 3 sent nothing after 0: 0 + 3 s; node 2 at 990 ms; node 1 at 1010 ms */
		uint64_t want = e->node == 1 ? 4010 * MS : e->node == 2 ? 3990 * MS : 3000 * MS;
		CU_ASSERT_EQUAL(e->t, want);
	}
	CU_ASSERT_EQUAL(seen, 0xF);
	h_free(&h);
}

/* Carrier loss: ideal as a withdrawal message; frr as the session going down. */
static void test_carrier(void)
{
	struct harness h;
	router_only(&h, LB_PROFILE_IDEAL, &lb_strategy_hold);
	h_run_until(&h, 1000 * MS);
	lb_router_carrier(h.router, 2, false, h.now);
	lb_router_carrier(h.router, 3, true, h.now); /* nothing */
	h_run_until(&h, 1100 * MS);
	assert_event(&h, "route_installed", 1051 * MS, 0xB, 10);
	h_free(&h);
	router_only(&h, LB_PROFILE_FRR, &lb_strategy_hold);
	h_run_until(&h, 1000 * MS);
	lb_router_carrier(h.router, 2, false, h.now);
	h_run_until(&h, 1100 * MS);
	CU_ASSERT_PTR_NOT_NULL(h_find(&h, "peer_down", -1, 1000 * MS));
	assert_event(&h, "route_installed", 1070 * MS, 0xB, 10);
	h_free(&h);
}

static void test_path_delay(void)
{
	struct lb_router_params p = h_router_params(4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	CU_ASSERT_EQUAL(lb_router_path_delay_ns(&p, LB_TRIGGER_UPDATE), 51 * MS);
	CU_ASSERT_EQUAL(lb_router_path_delay_ns(&p, LB_TRIGGER_CARRIER), 51 * MS);
	CU_ASSERT_EQUAL(lb_router_path_delay_ns(&p, LB_TRIGGER_EXPIRY), 50 * MS);
	p = h_router_params(4, LB_PROFILE_FRR, &lb_strategy_hold);
	p.fib_install_delay_ns = 600 * US;
	CU_ASSERT_EQUAL(lb_router_path_delay_ns(&p, LB_TRIGGER_UPDATE), 60600 * US);
	CU_ASSERT_EQUAL(lb_router_path_delay_ns(&p, LB_TRIGGER_EXPIRY), 70600 * US);
	CU_ASSERT_EQUAL(lb_router_path_delay_ns(&p, LB_TRIGGER_CARRIER), 70600 * US);
}

/* BFD with a full cluster (ideal): node 2 crashes at 1 s; its last packet
 * (phase 50 ms, every 100 ms) left at 950 ms and arrived 5 us later; the
 * session goes down 3 x 100 ms after that, on the check armed then. */
static void test_bfd(void)
{
	struct harness h;
	struct lb_router_params rp = h_router_params(4, LB_PROFILE_IDEAL, &lb_strategy_bfd);
	struct lb_node_params np = h_node_params(0, 4, LB_PROFILE_IDEAL, &lb_strategy_bfd);
	h_init(&h, 4, &rp, &np);
	h_start(&h);
	h_run_until(&h, 1000 * MS);
	h_crash(&h, 2);
	h_run_until(&h, 2000 * MS);
	const struct h_event *e = h_find(&h, "detect", -1, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->t, 1250 * MS + 5 * US);
	CU_ASSERT_EQUAL(e->value, 2);
	CU_ASSERT_EQUAL(h_count(&h, "detect", -1), 1);
	assert_event(&h, "route_installed", 1300 * MS + 5 * US, 0xB, 10);
	/* 10 packets a second from each node since 50 ms */
	CU_ASSERT_EQUAL(h.sent_sessions[0], 20);
	CU_ASSERT_EQUAL(h.sent_sessions[2], 10);
	h_free(&h);
}

/* ECMP selection goes through the router's own hash and installed set. */
static void test_select(void)
{
	struct harness h;
	router_only(&h, LB_PROFILE_IDEAL, &lb_strategy_hold);
	struct lb_flow_key k;
	uint8_t a[4] = {10, 1, 2, 3}, b[4] = {203, 0, 113, 10};
	lb_flow_key_v4(&k, a, b, 40000, 80, LB_PROTO_TCP);
	struct lb_hasher hh;
	lb_hasher_init(&hh, LB_HASH_CRC32C, 1);
	CU_ASSERT_EQUAL(lb_router_hash(h.router, &k), lb_hasher_flow(&hh, &k));
	struct lb_ecmp_params ep = {.kind = LB_ECMP_HASH_THRESHOLD};
	struct lb_ecmp *g = lb_ecmp_create(&ep);
	lb_ecmp_set(g, 0xF, 0);
	CU_ASSERT_EQUAL(lb_router_select(h.router, &k, 0), lb_ecmp_select(g, lb_hasher_flow(&hh, &k), 0));
	lb_ecmp_free(g);
	h_free(&h);
}

static void test_names(void)
{
	CU_ASSERT_EQUAL(lb_kind_parse(&lb_router_profile_table, "frr"), LB_PROFILE_FRR);
	CU_ASSERT_EQUAL(lb_kind_parse(&lb_router_profile_table, "ideal"), LB_PROFILE_IDEAL);
	CU_ASSERT_EQUAL(lb_kind_parse(&lb_router_profile_table, "FRR"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(lb_kind_name(&lb_router_event_table, LB_RE_ROUTE_INSTALLED), "route_installed");
	CU_ASSERT_PTR_NULL(lb_kind_name(&lb_router_event_table, LB_ROUTER_EVENT_COUNT));
	CU_ASSERT_EQUAL(LB_ROUTER_PROFILE_COUNT, 2);
}

/* The FIB-install delay, in both profiles and after both kinds of trigger:
 * from the decision (route_change) to forwarding (route_installed) takes
 * fib_install_delay (ideal) or rib_queue_hold + fib_install_delay (frr),
 * as lb_router_path_delay_ns says.  (A mutant that skipped the delay was
 * caught only by a golden file: the frr tests run with fib 0.) */
static void test_fib_install_delay(void)
{
	for (int k = 0; k < 2; k++) {
		enum lb_router_profile p = k ? LB_PROFILE_FRR : LB_PROFILE_IDEAL;
		struct harness h;
		struct lb_router_params rp = h_router_params(4, p, &lb_strategy_hold);
		struct lb_node_params np = h_node_params(0, 4, p, &lb_strategy_hold);
		rp.fib_install_delay_ns = 7 * MS;
		h_init(&h, 4, &rp, &np);
		lb_router_start(h.router, 0);
		uint64_t rib = p == LB_PROFILE_FRR ? rp.rib_queue_hold_ns : 0;
		/* an update */
		h_run_until(&h, 100 * MS);
		lb_router_rx_advertise(h.router, 1, 9, h.now);
		h_run_until(&h, 300 * MS);
		const struct h_event *c = h_find(&h, "route_change", -1, 100 * MS);
		const struct h_event *i = h_find(&h, "route_installed", -1, 100 * MS);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_PTR_NOT_NULL_FATAL(i);
		CU_ASSERT_EQUAL(i->t - c->t, rib + 7 * MS);
		CU_ASSERT_EQUAL(i->t - 100 * MS, lb_router_path_delay_ns(&rp, LB_TRIGGER_UPDATE));
		CU_ASSERT_EQUAL(lb_router_fib(h.router), 0x2);
		/* a carrier loss */
		lb_router_carrier(h.router, 1, false, h.now);
		h_run_until(&h, 500 * MS);
		i = h_find(&h, "route_installed", -1, 301 * MS);
		CU_ASSERT_PTR_NOT_NULL_FATAL(i);
		CU_ASSERT_EQUAL(i->t - 300 * MS, lb_router_path_delay_ns(&rp, LB_TRIGGER_CARRIER));
		h_free(&h);
	}
}

void lb_test_register(void)
{
	LB_SUITE("router", LB_TEST(test_create), LB_TEST(test_ideal_update), LB_TEST(test_ideal_hold),
		 LB_TEST(test_frr_batching), LB_TEST(test_frr_rib_batching), LB_TEST(test_frr_hold),
		 LB_TEST(test_frr_hold_restarts_on_arrival),
		 LB_TEST(test_carrier), LB_TEST(test_path_delay), LB_TEST(test_fib_install_delay), LB_TEST(test_bfd), LB_TEST(test_select),
		 LB_TEST(test_names));
}
