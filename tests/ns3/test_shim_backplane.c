/* test_shim_backplane.c - test_shim's suite shim_backplane: a switch with
 * one link per member, store-and-forward times, its per-port queues, its
 * faults, and destinations on another backplane. */
#include <errno.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "shim_fixture.h"

/* ------------------------------------------------------------------ */
/* 8. backplane routing                                                */

#define BP_N 4

struct bp {
	struct shim_sim *s;
	uint32_t nodes[BP_N], devs[BP_N], sw;
};

static void bp_make(struct bp *b, uint32_t queue)
{
	rec_reset();
	b->s = sim_new(3, 1, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b->s);
	for (unsigned i = 0; i < BP_N; i++)
		b->nodes[i] = shim_node_create(b->s);
	CU_ASSERT_EQUAL_FATAL(shim_backplane_create(b->s, b->nodes, BP_N, 1000000000ull, 5000, queue, b->devs), 0);
	shim_set_callbacks(b->s, on_rx, on_drop, &g_rec);
	b->sw = shim_dev_node(b->s, shim_dev_peer(b->s, b->devs[0]));
}

static void test_backplane_routing(void)
{
	struct bp b;
	bp_make(&b, 10);
	/* the switch is a new node; each member has its own port */
	CU_ASSERT_EQUAL(b.sw, BP_N);
	for (unsigned i = 0; i < BP_N; i++) {
		CU_ASSERT_EQUAL(shim_dev_node(b.s, b.devs[i]), b.nodes[i]);
		uint32_t port = shim_dev_peer(b.s, b.devs[i]);
		CU_ASSERT_EQUAL(shim_dev_node(b.s, port), b.sw);
		CU_ASSERT_EQUAL(shim_dev_peer(b.s, port), b.devs[i]);
		for (unsigned j = 0; j < i; j++)
			CU_ASSERT(port != shim_dev_peer(b.s, b.devs[j]));
	}
	/* one hop: 1000 B at 1 Gbit/s + 5 us = 13 us; store-and-forward: twice */
	const uint64_t two_hops = 2 * (ser_ns(998, 1000000000ull) + 5000);
	CU_ASSERT_EQUAL(two_hops, 26000);
	for (unsigned i = 0; i < BP_N; i++) {
		for (unsigned j = 0; j < BP_N; j++) {
			if (i == j)
				continue;
			rec_reset();
			uint64_t t0 = shim_now_ns(b.s);
			uint32_t seq = i * 10 + j;
			CU_ASSERT_EQUAL(send_seq(b.s, b.devs[i], b.devs[j], seq, 998), 0);
			shim_run_until(b.s, t0 + 1000000);
			CU_ASSERT_EQUAL(g_rec.ndrop, 0);
			CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 1);
			expect_rx(0, b.nodes[j], b.devs[j], t0 + two_hops, seq);
			CU_ASSERT_EQUAL(g_rec.rx[0].wire_len, 998);
			CU_ASSERT_EQUAL(shim_in_flight(b.s), 0);
		}
	}
	sim_free(b.s);
}

/* dst_dev must be a member of the sender's own backplane: a member of
 * another backplane is a bad device, not a reason to jump switches. */
static void test_backplane_foreign_dst(void)
{
	rec_reset();
	struct shim_sim *s = sim_new(1, 1, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	uint32_t n[4], d1[2], d2[2];
	for (unsigned i = 0; i < 4; i++)
		n[i] = shim_node_create(s);
	CU_ASSERT_EQUAL_FATAL(shim_backplane_create(s, n, 2, 1000000000ull, 5000, 4, d1), 0);
	CU_ASSERT_EQUAL_FATAL(shim_backplane_create(s, n + 2, 2, 1000000000ull, 5000, 4, d2), 0);
	shim_set_callbacks(s, on_rx, on_drop, &g_rec);
	CU_ASSERT(shim_dev_node(s, shim_dev_peer(s, d1[0])) != shim_dev_node(s, shim_dev_peer(s, d2[0])));
	CU_ASSERT_EQUAL(send_seq(s, d1[0], d2[1], 1, 998), -EINVAL);
	CU_ASSERT_EQUAL(shim_in_flight(s), 0);
	shim_run_until(s, END_NS);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 0);
	/* within each backplane it works */
	CU_ASSERT_EQUAL(send_seq(s, d2[0], d2[1], 2, 998), 0);
	shim_run_until(s, 2 * END_NS);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 1);
	CU_ASSERT_EQUAL(g_rec.rx[0].dev, d2[1]);
	sim_free(s);
}

static void test_backplane_port_queue(void)
{
	struct bp b;
	bp_make(&b, 1);
	/* three members to member 3 at once: they reach the switch together at
	 * 13 us; the port towards 3 serialises one, queues one, drops one */
	for (uint32_t i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(send_seq(b.s, b.devs[i], b.devs[3], i, 998), 0);
	shim_run_until(b.s, END_NS);
	CU_ASSERT_EQUAL_FATAL(g_rec.ndrop, 1);
	expect_drop(0, b.sw, shim_dev_peer(b.s, b.devs[3]), SHIM_DROP_QUEUE_FULL, 13000, 2);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 2);
	expect_rx(0, b.nodes[3], b.devs[3], 26000, 0);
	expect_rx(1, b.nodes[3], b.devs[3], 34000, 1);
	CU_ASSERT_EQUAL(shim_in_flight(b.s), 0);
	/* the switch node down: arrivals at its ports are dropped there */
	rec_reset();
	shim_node_set_up(b.s, b.sw, false);
	uint64_t t0 = shim_now_ns(b.s);
	CU_ASSERT_EQUAL(send_seq(b.s, b.devs[1], b.devs[2], 7, 998), 0);
	shim_run_until(b.s, t0 + 1000000);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL_FATAL(g_rec.ndrop, 1);
	expect_drop(0, b.sw, shim_dev_peer(b.s, b.devs[1]), SHIM_DROP_NODE_DOWN, t0 + 13000, 7);
	shim_node_set_up(b.s, b.sw, true);
	/* member 2's link down: the switch drops at its port towards 2 */
	rec_reset();
	shim_link_set_up(b.s, b.devs[2], false);
	t0 = shim_now_ns(b.s);
	CU_ASSERT_EQUAL(send_seq(b.s, b.devs[1], b.devs[2], 8, 998), 0);
	shim_run_until(b.s, t0 + 1000000);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL_FATAL(g_rec.ndrop, 1);
	expect_drop(0, b.sw, shim_dev_peer(b.s, b.devs[2]), SHIM_DROP_DEVICE_DOWN, t0 + 13000, 8);
	CU_ASSERT_EQUAL(shim_in_flight(b.s), 0);
	sim_free(b.s);
}

void shim_backplane_suite(void)
{
	LB_SUITE("shim_backplane", LB_TEST(test_backplane_routing), LB_TEST(test_backplane_port_queue),
		 LB_TEST(test_backplane_foreign_dst));
}
