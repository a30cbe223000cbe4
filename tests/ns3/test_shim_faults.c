/* test_shim_faults.c - test_shim's suite shim_faults: devices, links and
 * nodes down (at send, on arrival, while in flight), and lossy links
 * (every packet, none, and half of them, the same for the same seed). */
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "shim_fixture.h"

/* ------------------------------------------------------------------ */
/* 4. faults                                                           */

/* Sends one packet a->b (or b->a) and runs to the end; returns rc. */
static int send_and_run(struct pair *p, uint32_t from, uint32_t seq, uint64_t *t0)
{
	*t0 = shim_now_ns(p->s);
	int rc = send_seq(p->s, from, 0, seq, 998);
	shim_run_until(p->s, shim_now_ns(p->s) + 1000000);
	return rc;
}

static void test_device_down(void)
{
	struct pair p;
	uint64_t t0;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0);
	CU_ASSERT(shim_dev_is_up(p.s, p.da));
	/* sender's device down: dropped at send */
	shim_dev_set_up(p.s, p.da, false);
	CU_ASSERT_FALSE(shim_dev_is_up(p.s, p.da));
	CU_ASSERT(shim_dev_is_up(p.s, p.db));
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 1, &t0), 1);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 1);
	expect_drop(0, p.a, p.da, SHIM_DROP_DEVICE_DOWN, t0, 1);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	/* receiver's device down: dropped on arrival, reported at b */
	shim_dev_set_up(p.s, p.da, true);
	shim_dev_set_up(p.s, p.db, false);
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 2, &t0), 0);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 2);
	expect_drop(1, p.b, p.db, SHIM_DROP_DEVICE_DOWN, t0 + 13000, 2);
	/* back up: delivered */
	shim_dev_set_up(p.s, p.db, true);
	CU_ASSERT(shim_dev_is_up(p.s, p.db));
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 3, &t0), 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 2);
	CU_ASSERT_EQUAL(g_rec.nrx, 1);
	expect_rx(0, p.b, p.db, t0 + 13000, 3);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	sim_free(p.s);
}

static void set_dev_down_ev(void *user)
{
	struct pair *p = user;
	shim_dev_set_up(p->s, p->db, false);
}

static void test_down_while_in_flight(void)
{
	struct pair p;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0);
	/* queued / on the wire when the sender goes down: keep going */
	CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, 1, 998), 0);
	CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, 2, 998), 0);
	shim_dev_set_up(p.s, p.da, false);
	shim_run_until(p.s, 100000);
	CU_ASSERT_EQUAL(g_rec.ndrop, 0);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 2);
	expect_rx(0, p.b, p.db, 13000, 1);
	expect_rx(1, p.b, p.db, 21000, 2);
	shim_dev_set_up(p.s, p.da, true);
	/* on the wire when the receiver goes down: dropped on arrival */
	rec_reset();
	uint64_t t0 = shim_now_ns(p.s);
	CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, 3, 998), 0);
	shim_schedule(p.s, 1000, set_dev_down_ev, &p);
	shim_run_until(p.s, t0 + 100000);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 1);
	expect_drop(0, p.b, p.db, SHIM_DROP_DEVICE_DOWN, t0 + 13000, 3);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	sim_free(p.s);
}

static void test_link_down(void)
{
	struct pair p;
	uint64_t t0;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0);
	shim_link_set_up(p.s, p.da, false);
	CU_ASSERT_FALSE(shim_dev_is_up(p.s, p.da));
	CU_ASSERT_FALSE(shim_dev_is_up(p.s, p.db));
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 1, &t0), 1);
	expect_drop(0, p.a, p.da, SHIM_DROP_DEVICE_DOWN, t0, 1);
	CU_ASSERT_EQUAL(send_and_run(&p, p.db, 2, &t0), 1);
	expect_drop(1, p.b, p.db, SHIM_DROP_DEVICE_DOWN, t0, 2);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	/* up again from the other end */
	shim_link_set_up(p.s, p.db, true);
	CU_ASSERT(shim_dev_is_up(p.s, p.da));
	CU_ASSERT(shim_dev_is_up(p.s, p.db));
	CU_ASSERT_EQUAL(send_and_run(&p, p.db, 3, &t0), 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 2);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 1);
	expect_rx(0, p.a, p.da, t0 + 13000, 3);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	sim_free(p.s);
}

static void test_node_down(void)
{
	struct pair p;
	uint64_t t0;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0);
	/* sending node down: at send */
	shim_node_set_up(p.s, p.a, false);
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 1, &t0), 1);
	CU_ASSERT_EQUAL(g_rec.ndrop, 1);
	expect_drop(0, p.a, p.da, SHIM_DROP_NODE_DOWN, t0, 1);
	shim_node_set_up(p.s, p.a, true);
	/* receiving node down: on arrival */
	shim_node_set_up(p.s, p.b, false);
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 2, &t0), 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 2);
	expect_drop(1, p.b, p.db, SHIM_DROP_NODE_DOWN, t0 + 13000, 2);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	/* node down beats device down on the same packet */
	shim_dev_set_up(p.s, p.db, false);
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 3, &t0), 0);
	expect_drop(2, p.b, p.db, SHIM_DROP_NODE_DOWN, t0 + 13000, 3);
	shim_dev_set_up(p.s, p.db, true);
	/* back up */
	shim_node_set_up(p.s, p.b, true);
	CU_ASSERT(shim_dev_is_up(p.s, p.db));
	CU_ASSERT_EQUAL(send_and_run(&p, p.da, 4, &t0), 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 3);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 1);
	expect_rx(0, p.b, p.db, t0 + 13000, 4);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	sim_free(p.s);
}

/* ------------------------------------------------------------------ */
/* 9. link loss                                                        */

static void test_link_loss(void)
{
	struct pair p;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 50) == 0);
	shim_link_set_loss(p.s, p.da, 1.0);
	for (uint32_t i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, i, 998), 0);
		CU_ASSERT_EQUAL(send_seq(p.s, p.db, 0, 100 + i, 998), 0);
	}
	shim_run_until(p.s, END_NS);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL_FATAL(g_rec.ndrop, 40);
	unsigned at_a = 0, at_b = 0, bad = 0;
	for (size_t i = 0; i < g_rec.ndrop; i++) {
		struct drop_rec *d = &g_rec.drop[i];
		bad += d->why != SHIM_DROP_LINK_LOSS;
		uint32_t seq = seq_of(d->bytes);
		/* checked on arrival: reported at the receiver at arrival time */
		if (d->node == p.b && d->dev == p.db && seq < 100) {
			at_b++;
			bad += d->t != (seq + 1) * 8000ull + 5000;
		} else if (d->node == p.a && d->dev == p.da && seq >= 100) {
			at_a++;
			bad += d->t != (seq - 100 + 1) * 8000ull + 5000;
		} else {
			bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(at_a, 20);
	CU_ASSERT_EQUAL(at_b, 20);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	/* loss 0 again (set from the other end): nothing lost */
	rec_reset();
	shim_link_set_loss(p.s, p.db, 0.0);
	for (uint32_t i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, i, 998), 0);
		CU_ASSERT_EQUAL(send_seq(p.s, p.db, 0, 100 + i, 998), 0);
	}
	shim_run_until(p.s, 2 * END_NS);
	CU_ASSERT_EQUAL(g_rec.ndrop, 0);
	CU_ASSERT_EQUAL(g_rec.nrx, 40);
	sim_free(p.s);
}

/* Losses at 0.5 over n packets; writes the lost sequence bitmap. */
static size_t loss_pattern(uint64_t seed, uint64_t run, uint8_t *lost, uint32_t n)
{
	struct pair p;
	rec_reset();
	p.s = sim_new(seed, run, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.s);
	p.a = shim_node_create(p.s);
	p.b = shim_node_create(p.s);
	CU_ASSERT_EQUAL_FATAL(shim_p2p_connect(p.s, p.a, p.b, 1000000000ull, 5000, n, &p.da, &p.db), 0);
	shim_set_callbacks(p.s, on_rx, on_drop, &g_rec);
	shim_link_set_loss(p.s, p.da, 0.5);
	for (uint32_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, i, 100), 0);
	shim_run_until(p.s, END_NS);
	CU_ASSERT_EQUAL(g_rec.nrx + g_rec.ndrop, n);
	memset(lost, 0, n);
	for (size_t i = 0; i < g_rec.ndrop; i++) {
		CU_ASSERT_EQUAL(g_rec.drop[i].why, SHIM_DROP_LINK_LOSS);
		uint32_t seq = seq_of(g_rec.drop[i].bytes);
		if (seq < n)
			lost[seq] = 1;
	}
	sim_free(p.s);
	return g_rec.ndrop;
}

static void test_link_loss_partial(void)
{
	enum { N = 1000 };
	static uint8_t l1[N], l2[N], l3[N];
	size_t d1 = loss_pattern(5, 1, l1, N);
	size_t d2 = loss_pattern(5, 1, l2, N);
	size_t d3 = loss_pattern(5, 2, l3, N);
	/* 0.5 of 1000: far inside 400..600 for any sane generator */
	CU_ASSERT(d1 > 400 && d1 < 600);
	CU_ASSERT(d3 > 400 && d3 < 600);
	CU_ASSERT_EQUAL(d1, d2);
	CU_ASSERT_EQUAL(memcmp(l1, l2, N), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(l1, l3, N), 0);
}

void shim_faults_suite(void)
{
	LB_SUITE("shim_faults", LB_TEST(test_device_down), LB_TEST(test_down_while_in_flight),
		 LB_TEST(test_link_down), LB_TEST(test_node_down), LB_TEST(test_link_loss),
		 LB_TEST(test_link_loss_partial));
}
