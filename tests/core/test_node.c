/* test_node.c - lb_node: membership on the node's own tick, the agent's
 * decisions along the advertising path of each profile, and the data path;
 * exact times (ns) through tests/core/harness.c.
 *
 * The cluster: 4 nodes, heartbeat 100 ms x 3 at phases 0, 10, 20, 30 ms;
 * node 2 crashes at 1 s.  Its last heartbeat left at 920 ms and arrived
 * 5 us later, so every survivor declares it down at its first own tick at
 * or after 920.005 + 300 ms: node 3 at 1230 ms, node 0 at 1300, node 1 at
 * 1310 (lb_member.h: down at last heard + misses x interval). */
#include <errno.h>
#include <string.h>

#include "../cu_main.h"
#include "harness.h"

#define MS LB_NS_PER_MS
#define US LB_NS_PER_US

static void cluster(struct harness *h, enum lb_router_profile profile, uint64_t advertise_delay,
		    uint64_t restore_wait)
{
	struct lb_router_params rp = h_router_params(4, profile, &lb_strategy_readvertise);
	struct lb_node_params np = h_node_params(0, 4, profile, &lb_strategy_readvertise);
	np.advertise_delay_ns = advertise_delay;
	np.restore_wait_ns = restore_wait;
	h_init(h, 4, &rp, &np);
	h_start(h);
	h_run_until(h, 1000 * MS);
	h_crash(h, 2);
}

static const struct h_event *at(const struct harness *h, const char *name, int src, uint64_t t)
{
	const struct h_event *e = h_find(h, name, src, t);
	CU_ASSERT_PTR_NOT_NULL(e);
	if (e)
		CU_ASSERT_EQUAL(e->t, t);
	return e;
}

static void test_create(void)
{
	struct lb_node_params p = h_node_params(0, 4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	CU_ASSERT_PTR_NULL(lb_node_create(&p)); /* no act, no hasher */
	CU_ASSERT_PTR_NULL(lb_node_create(NULL));
}

/* Heartbeats to every peer in id order on the node's own tick. */
static void test_heartbeats(void)
{
	struct harness h;
	struct lb_router_params rp = h_router_params(3, LB_PROFILE_IDEAL, &lb_strategy_hold);
	struct lb_node_params np = h_node_params(0, 3, LB_PROFILE_IDEAL, &lb_strategy_hold);
	h_init(&h, 3, &rp, &np);
	h_start(&h);
	h_run_until(&h, 250 * MS);
	CU_ASSERT_EQUAL(lb_node_view(h.node[1]), 0x7);
	/* start advertises n at once, with an event */
	CU_ASSERT_EQUAL(h_count(&h, "advertise", -2), 3);
	CU_ASSERT_EQUAL(at(&h, "tx_advertise", 1, 0)->value, 10);
	CU_ASSERT_EQUAL(h_count(&h, "detect", -2), 0);
	h_free(&h);
}

/* ideal: each survivor re-advertises n - d at its own detection; the router
 * installs them one at a time (processing 1 ms + FIB 50 ms each). */
static void test_readvertise_ideal(void)
{
	struct harness h;
	cluster(&h, LB_PROFILE_IDEAL, 0, 4 * LB_NS_PER_S);
	h_run_until(&h, 2000 * MS);
	const struct h_event *e = at(&h, "detect", 3, 1230 * MS);
	CU_ASSERT_EQUAL(e->value, 2);
	CU_ASSERT_EQUAL(e->set, 0xB);
	at(&h, "detect", 0, 1300 * MS);
	at(&h, "detect", 1, 1310 * MS);
	CU_ASSERT_EQUAL(at(&h, "advertise", 3, 1230 * MS)->value, 9);
	CU_ASSERT_EQUAL(at(&h, "tx_advertise", 3, 1230 * MS)->value, 9);
	CU_ASSERT_EQUAL(h_count(&h, "update_sent", -2), 0); /* ideal, no delay: nothing in between */
	e = at(&h, "route_installed", -1, 1281 * MS + 5 * US);
	CU_ASSERT_EQUAL(e->set, 0x8);
	CU_ASSERT_EQUAL(e->value, 9);
	CU_ASSERT_EQUAL(at(&h, "route_installed", -1, 1351 * MS + 5 * US)->set, 0x9);
	CU_ASSERT_EQUAL(at(&h, "route_installed", -1, 1361 * MS + 5 * US)->set, 0xB);
	CU_ASSERT_EQUAL(lb_node_metric(h.node[3]), 9);
	/* W = 4 s after each reduction: restore n */
	h_run_until(&h, 5400 * MS);
	CU_ASSERT_EQUAL(at(&h, "restore", 3, 5230 * MS)->value, 10);
	CU_ASSERT_EQUAL(lb_node_metric(h.node[1]), 10);
	h_free(&h);
}

/* A crashed node that recovers: its first heartbeat brings it back into
 * every survivor's view at once (peer_up, the view with it), and the
 * router ends with all four nodes at n. */
static void test_peer_rejoins(void)
{
	struct harness h;
	cluster(&h, LB_PROFILE_IDEAL, 0, 4 * LB_NS_PER_S);
	h_run_until(&h, 2000 * MS);
	CU_ASSERT_EQUAL(lb_node_view(h.node[0]), 0xB);
	h_recover(&h, 2);
	h_run_until(&h, 3000 * MS);
	for (unsigned i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		/* node 2's first heartbeat leaves at 2000 ms + its phase (20 ms)
		 * and crosses the backplane in 5 us */
		const struct h_event *e = at(&h, "peer_up", (int)i, 2020 * MS + 5 * US);
		CU_ASSERT_EQUAL(e ? e->value : -1, 2);
		CU_ASSERT_EQUAL(lb_node_view(h.node[i]), 0xF);
	}
	/* it advertises n, the survivors n - d until their restore (W = 4 s
	 * after their reductions at 1.23-1.31 s): the router takes it back
	 * with them, all four at n */
	h_run_until(&h, 6000 * MS);
	const struct h_event *r = NULL;
	for (const struct h_event *e = h_find(&h, "route_installed", -1, 2000 * MS); e;
	     e = h_find(&h, "route_installed", -1, e->t + 1))
		r = e;
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_EQUAL(r ? r->set : 0, 0xF);
	CU_ASSERT_EQUAL(r ? r->value : 0, 10);
	h_free(&h);
}

/* frr: a decision waits advertise_delay (30 ms), then bgpd's queue (50 ms);
 * the router batches node 0's and node 1's updates into one change. */
static void test_readvertise_frr(void)
{
	struct harness h;
	cluster(&h, LB_PROFILE_FRR, 30 * MS, 4 * LB_NS_PER_S);
	h_run_until(&h, 2000 * MS);
	CU_ASSERT_EQUAL(at(&h, "advertise", 3, 1230 * MS)->value, 9);
	CU_ASSERT_EQUAL(at(&h, "update_sent", 3, 1310 * MS)->value, 9);
	CU_ASSERT_EQUAL(at(&h, "tx_advertise", 3, 1310 * MS)->value, 9);
	at(&h, "update_sent", 0, 1380 * MS);
	at(&h, "update_sent", 1, 1390 * MS);
	CU_ASSERT_EQUAL(at(&h, "route_installed", -1, 1370 * MS + 5 * US)->set, 0x8);
	CU_ASSERT_EQUAL(at(&h, "route_installed", -1, 1440 * MS + 5 * US)->set, 0xB);
	CU_ASSERT_EQUAL(h_count(&h, "route_installed", -1), 3); /* start + two: node 0 and 1 batched */
	CU_ASSERT_EQUAL(lb_node_advertise_delay_ns(&(struct lb_node_params){.profile = LB_PROFILE_FRR,
									       .advertise_delay_ns = 30 * MS,
									       .update_queue_hold_ns = 50 * MS}),
			80 * MS);
	h_free(&h);
}

/* frr with W = 0: the reduction and the restore meet in bgpd's queue, which
 * sends nothing (the metric it would send is the one already sent). */
static void test_frr_queue_coalesces(void)
{
	struct harness h;
	cluster(&h, LB_PROFILE_FRR, 0, 0);
	h_run_until(&h, 2000 * MS);
	at(&h, "advertise", 3, 1230 * MS);
	at(&h, "restore", 3, 1230 * MS);
	CU_ASSERT_EQUAL(h_count(&h, "update_sent", 3), 0);
	for (unsigned i = 0; i < h.n_ev; i++)
		if (h.ev[i].src == 3 && strcmp(h.ev[i].name, "tx_advertise") == 0)
			CU_ASSERT_EQUAL(h.ev[i].value, 10);
	CU_ASSERT_EQUAL(lb_node_metric(h.node[3]), 10);
	h_free(&h);
}

/* ideal with advertise_delay: the update leaves after the delay; a refresh
 * meanwhile carries the metric last sent. */
static void test_advertise_delay(void)
{
	struct harness h;
	cluster(&h, LB_PROFILE_IDEAL, 1500 * MS, 10 * LB_NS_PER_S);
	h_run_until(&h, 3000 * MS);
	at(&h, "advertise", 3, 1230 * MS);
	CU_ASSERT_EQUAL(at(&h, "update_sent", 3, 2730 * MS)->value, 9);
	/* the agent's refresh, 1 s after its decision, carries n */
	CU_ASSERT_EQUAL(at(&h, "tx_advertise", 3, 2230 * MS)->value, 10);
	CU_ASSERT_EQUAL(at(&h, "tx_advertise", 3, 2730 * MS)->value, 9);
	h_free(&h);
}

/* The data path. */
static struct lb_flow_key key_owned_by(const struct harness *h, unsigned owner, uint16_t from_port)
{
	struct lb_owner_params op = {.kind = LB_OWNER_MAGLEV, .maglev_table_size = 65537, .seed = 0x5eed};
	struct lb_owner *o = lb_owner_create(&op);
	lb_owner_set_active(o, 0xF);
	struct lb_flow_key k;
	uint8_t a[4] = {10, 0, 0, 1}, b[4] = {203, 0, 113, 10};
	for (uint16_t p = from_port;; p++) {
		lb_flow_key_v4(&k, a, b, p, 80, LB_PROTO_TCP);
		if (lb_owner_lookup(o, lb_hasher_flow(&h->hasher, &k)) == (int)owner)
			break;
	}
	lb_owner_free(o);
	return k;
}

static void test_data_path(void)
{
	struct harness h;
	struct lb_router_params rp = h_router_params(4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	struct lb_node_params np = h_node_params(0, 4, LB_PROFILE_IDEAL, &lb_strategy_hold);
	h_init(&h, 4, &rp, &np);
	h_start(&h);
	struct lb_flow_key mine = key_owned_by(&h, 0, 1000), other = key_owned_by(&h, 1, 1000);
	struct lb_flow_key mine2 = key_owned_by(&h, 0, (uint16_t)(mine.sport + 1));
	struct lb_node_verdict v = lb_node_rx_data(h.node[0], &mine, true, false, 0);
	CU_ASSERT_EQUAL(v.kind, LB_NV_DELIVER);
	CU_ASSERT_EQUAL(lb_node_rx_data(h.node[0], &mine, false, false, 0).kind, LB_NV_DELIVER);
	CU_ASSERT_EQUAL(lb_node_rx_data(h.node[0], &mine2, false, false, 0).kind, LB_NV_DROP_NO_STATE);
	v = lb_node_rx_data(h.node[0], &other, true, false, 0);
	CU_ASSERT_EQUAL(v.kind, LB_NV_STEER);
	CU_ASSERT_EQUAL(v.owner, 1);
	CU_ASSERT_EQUAL(lb_node_rx_data(h.node[1], &other, false, true, 0).kind, LB_NV_DROP_NO_STATE);
	CU_ASSERT_EQUAL(lb_node_rx_data(h.node[1], &other, true, true, 0).kind, LB_NV_DELIVER);
	CU_ASSERT_EQUAL(lb_node_rx_data(h.node[1], &other, false, true, 0).kind, LB_NV_DELIVER);
	uint64_t sessions, states;
	lb_node_sample(h.node[0], 0, &sessions, &states);
	CU_ASSERT_EQUAL(sessions, 3); /* mine, mine2 (cached before its state was refused), other */
	CU_ASSERT_EQUAL(states, 1);
	h_free(&h);
	/* steering off: the receiver serves everything, no state */
	np.steering = false;
	h_init(&h, 4, &rp, &np);
	h_start(&h);
	CU_ASSERT_EQUAL(lb_node_rx_data(h.node[0], &other, false, false, 0).kind, LB_NV_DELIVER);
	lb_node_sample(h.node[0], 0, &sessions, &states);
	CU_ASSERT_EQUAL(sessions + states, 0);
	h_free(&h);
}

/* The carrier of the router link comes back: the node advertises the
 * metric last sent, with no event. */
static void test_uplink_up(void)
{
	struct harness h;
	cluster(&h, LB_PROFILE_IDEAL, 0, 10 * LB_NS_PER_S);
	h_run_until(&h, 1500 * MS);
	unsigned before = h_count(&h, "tx_advertise", 3), events = h.n_ev;
	lb_node_uplink(h.node[3], true, h.now);
	CU_ASSERT_EQUAL(h_count(&h, "tx_advertise", 3), before + 1);
	CU_ASSERT_EQUAL(h.ev[h.n_ev - 1].value, 9);
	CU_ASSERT_EQUAL(h.n_ev, events + 1); /* just the send */
	h_free(&h);
}

void lb_test_register(void)
{
	LB_SUITE("node", LB_TEST(test_create), LB_TEST(test_heartbeats), LB_TEST(test_readvertise_ideal),
		 LB_TEST(test_readvertise_frr), LB_TEST(test_frr_queue_coalesces), LB_TEST(test_advertise_delay),
		 LB_TEST(test_data_path), LB_TEST(test_uplink_up), LB_TEST(test_peer_rejoins));
}
