/* test_shim.c - CUnit tests for the C API over ns-3 (model/ns3/shim.h):
 * the program's suites (each file registers its own: shim_fixture.h), and
 * here shim_timing, one link's arrival times, queue and contents.
 *
 * Every expected time is computed from the header's timing model: a packet
 * of wire_len bytes takes (wire_len + 2) * 8 / rate seconds to serialise on
 * a point-to-point device (2-byte PPP header), then `delay` to propagate.
 * Rates and sizes are chosen so every serialisation time is a whole number
 * of nanoseconds, and the literal values are pinned next to the formula.
 *
 * Times of sends are taken from shim_now_ns() at the moment of sending, so a
 * run_until() fault shows up in its own test only. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "shim_fixture.h"

/* ------------------------------------------------------------------ */
/* 1. one packet: serialisation + propagation, exactly                 */

static void check_one(uint64_t rate, uint64_t delay, size_t wire, uint64_t expect_ns)
{
	struct pair p;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, rate, delay, 10) == 0);
	CU_ASSERT_EQUAL(ser_ns(wire, rate) + delay, expect_ns);
	CU_ASSERT_EQUAL(shim_dev_node(p.s, p.da), p.a);
	CU_ASSERT_EQUAL(shim_dev_node(p.s, p.db), p.b);
	CU_ASSERT_EQUAL(shim_dev_peer(p.s, p.da), p.db);
	CU_ASSERT_EQUAL(shim_dev_peer(p.s, p.db), p.da);
	uint64_t t0 = shim_now_ns(p.s);
	CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, 42, wire), 0);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 1);
	shim_run_until(p.s, END_NS);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 1);
	CU_ASSERT_EQUAL(g_rec.ndrop, 0);
	CU_ASSERT_EQUAL(g_rec.rx[0].t - t0, expect_ns);
	CU_ASSERT_EQUAL(g_rec.rx[0].node, p.b);
	CU_ASSERT_EQUAL(g_rec.rx[0].dev, p.db);
	CU_ASSERT_EQUAL(g_rec.rx[0].wire_len, wire);
	CU_ASSERT_EQUAL(seq_of(g_rec.rx[0].bytes), 42);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	sim_free(p.s);
}

static void test_p2p_arrival_time(void)
{
	/* 1 Gbit/s, 998 B: 1000 B * 8 / 1e9 = 8000 ns, + 5 us */
	check_one(1000000000ull, 5000, 998, 13000);
	/* 10 Mbit/s, 1498 B: 1500 B * 8 / 1e7 = 1.2 ms, + 1 ms */
	check_one(10000000ull, 1000000, 1498, 2200000);
	/* 100 Mbit/s, 123 B: 125 B * 8 / 1e8 = 10 us, no delay */
	check_one(100000000ull, 0, 123, 10000);
	/* 40 Gbit/s, 64 B: 66 B * 8 / 4e10 = 13.2 ns -> not exact; use 73 B: 75 * 8 / 4e10 = 15 ns */
	check_one(40000000000ull, 250, 73, 265);
}

/* ------------------------------------------------------------------ */
/* 2. back-to-back: k-th at k * ser + delay                           */

struct send_ctx {
	struct shim_sim *s;
	uint32_t dev;
	unsigned n;
	size_t wire;
	uint64_t t_sent;
};

static void send_burst_ev(void *user)
{
	struct send_ctx *c = user;
	c->t_sent = shim_now_ns(c->s);
	for (unsigned i = 0; i < c->n; i++)
		CU_ASSERT_EQUAL(send_seq(c->s, c->dev, 0, i, c->wire), 0);
}

static void test_back_to_back(void)
{
	const uint64_t rate = 1000000000ull, delay = 5000;
	const size_t wire = 998; /* ser = 8000 ns */
	for (size_t k = 0; k < NSCHED; k++) {
		struct pair p;
		CU_ASSERT_FATAL(pair_make(&p, all_scheds[k], rate, delay, 20) == 0);
		/* from time 0 */
		for (uint32_t i = 0; i < 10; i++)
			CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, i, wire), 0);
		shim_run_until(p.s, END_NS);
		CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 10);
		for (uint32_t i = 0; i < 10; i++) {
			CU_ASSERT_EQUAL(seq_of(g_rec.rx[i].bytes), i);
			CU_ASSERT_EQUAL(g_rec.rx[i].t, (i + 1) * 8000ull + 5000);
			CU_ASSERT_EQUAL(g_rec.rx[i].t, (i + 1) * ser_ns(wire, rate) + delay);
		}
		/* from inside an event, 1 ms after the last run */
		rec_reset();
		struct send_ctx c = {p.s, p.db, 7, wire, 0};
		uint64_t t_ev = shim_now_ns(p.s) + 1000000;
		shim_schedule(p.s, 1000000, send_burst_ev, &c);
		shim_run_until(p.s, 2 * END_NS);
		CU_ASSERT_EQUAL(c.t_sent, t_ev);
		CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 7);
		for (uint32_t i = 0; i < 7; i++) {
			CU_ASSERT_EQUAL(g_rec.rx[i].node, p.a);
			CU_ASSERT_EQUAL(g_rec.rx[i].dev, p.da);
			CU_ASSERT_EQUAL(seq_of(g_rec.rx[i].bytes), i);
			CU_ASSERT_EQUAL(g_rec.rx[i].t - c.t_sent, (i + 1) * 8000ull + 5000);
		}
		CU_ASSERT_EQUAL(g_rec.ndrop, 0);
		CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
		sim_free(p.s);
	}
}

/* ------------------------------------------------------------------ */
/* 3. burst over the queue limit                                       */

static void test_queue_overflow(void)
{
	const uint32_t queue = 5, n = 20;
	struct pair p;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_HEAP, 1000000000ull, 5000, queue) == 0);
	/* queue packets wait, one is on the wire: queue + 1 accepted */
	const uint32_t accepted = queue + 1;
	for (uint32_t i = 0; i < n; i++) {
		size_t before = g_rec.ndrop;
		int rc = send_seq(p.s, p.da, 0, i, 998);
		if (i < accepted) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(g_rec.ndrop, before);
		} else {
			/* reported inside shim_send, before it returns 1 */
			CU_ASSERT_EQUAL(rc, 1);
			CU_ASSERT_EQUAL_FATAL(g_rec.ndrop, before + 1);
			struct drop_rec *d = &g_rec.drop[before];
			CU_ASSERT_EQUAL(d->why, SHIM_DROP_QUEUE_FULL);
			CU_ASSERT_EQUAL(d->node, p.a);
			CU_ASSERT_EQUAL(d->dev, p.da);
			CU_ASSERT_EQUAL(d->t, 0);
			/* min(wire_len, SHIM_RX_BYTES), without the PPP header */
			CU_ASSERT_EQUAL(d->len, SHIM_RX_BYTES);
			CU_ASSERT_EQUAL(seq_of(d->bytes), i);
		}
	}
	CU_ASSERT_EQUAL(g_rec.ndrop, n - accepted);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), accepted);
	/* arrivals at k * 8000 + 5000: by 20000 only the first */
	shim_run_until(p.s, 20000);
	CU_ASSERT_EQUAL(g_rec.nrx, 1);
	CU_ASSERT(shim_in_flight(p.s) > 0);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), accepted - 1);
	shim_run_until(p.s, END_NS);
	CU_ASSERT_EQUAL(g_rec.nrx, accepted);
	CU_ASSERT_EQUAL(g_rec.nrx + g_rec.ndrop, n);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	for (uint32_t i = 0; i < g_rec.nrx; i++) {
		CU_ASSERT_EQUAL(seq_of(g_rec.rx[i].bytes), i);
		CU_ASSERT_EQUAL(g_rec.rx[i].t, (i + 1) * 8000ull + 5000);
	}
	/* the queue drains: the same burst is accepted again */
	size_t d0 = g_rec.ndrop;
	for (uint32_t i = 0; i < accepted; i++)
		CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, 100 + i, 998), 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, d0);
	shim_run_until(p.s, 2 * END_NS);
	CU_ASSERT_EQUAL(g_rec.nrx, 2 * accepted);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	sim_free(p.s);
}

/* ------------------------------------------------------------------ */
/* 8. receive contents and bad arguments                              */

static void test_rx_contents(void)
{
	struct pair p;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0);
	uint8_t buf[300];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	/* 10 bytes of a 200-byte packet: the rest is zero padding */
	CU_ASSERT_EQUAL(shim_send(p.s, p.da, 0, buf, 10, 200), 0);
	/* 300 real bytes: only SHIM_RX_BYTES reach the callback */
	CU_ASSERT_EQUAL(shim_send(p.s, p.da, 0, buf, 300, 300), 0);
	/* short packet, no padding */
	CU_ASSERT_EQUAL(shim_send(p.s, p.db, 0, buf + 5, 50, 50), 0);
	/* wire_len == len == 0 is not invalid either */
	CU_ASSERT_EQUAL(shim_send(p.s, p.db, 0, buf, 0, 0), 0);
	shim_run_until(p.s, END_NS);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 4);
	CU_ASSERT_EQUAL(g_rec.ndrop, 0);
	/* b->a: 52 B at 1 Gbit/s = 416 ns; 2 B = 16 ns behind it */
	struct rx_rec *x = &g_rec.rx[0];
	CU_ASSERT_EQUAL(x->node, p.a);
	CU_ASSERT_EQUAL(x->dev, p.da);
	CU_ASSERT_EQUAL(x->len, 50);
	CU_ASSERT_EQUAL(x->wire_len, 50);
	CU_ASSERT_EQUAL(memcmp(x->bytes, buf + 5, 50), 0);
	CU_ASSERT_EQUAL(x->t, 416 + 5000);
	x = &g_rec.rx[1];
	CU_ASSERT_EQUAL(x->node, p.a);
	CU_ASSERT_EQUAL(x->len, 0);
	CU_ASSERT_EQUAL(x->wire_len, 0);
	CU_ASSERT_EQUAL(x->t, 416 + 16 + 5000);
	/* a->b: 202 B = 1616 ns, then 302 B = 2416 ns */
	x = &g_rec.rx[2];
	CU_ASSERT_EQUAL(x->node, p.b);
	CU_ASSERT_EQUAL(x->dev, p.db);
	CU_ASSERT_EQUAL(x->len, SHIM_RX_BYTES);
	CU_ASSERT_EQUAL(x->wire_len, 200);
	CU_ASSERT_EQUAL(memcmp(x->bytes, buf, 10), 0);
	size_t nonzero = 0;
	for (size_t i = 10; i < SHIM_RX_BYTES; i++)
		nonzero += x->bytes[i] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	CU_ASSERT_EQUAL(x->t, 1616 + 5000);
	x = &g_rec.rx[3];
	CU_ASSERT_EQUAL(x->node, p.b);
	CU_ASSERT_EQUAL(x->len, SHIM_RX_BYTES);
	CU_ASSERT_EQUAL(x->wire_len, 300);
	CU_ASSERT_EQUAL(memcmp(x->bytes, buf, SHIM_RX_BYTES), 0);
	CU_ASSERT_EQUAL(x->t, 1616 + 2416 + 5000);
	sim_free(p.s);
}

static void test_invalid_args(void)
{
	struct pair p;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0);
	uint8_t b[8] = {0};
	uint32_t x, y;
	CU_ASSERT_EQUAL(shim_p2p_connect(p.s, p.a, 99, 1000, 0, 1, &x, &y), -EINVAL);
	CU_ASSERT_EQUAL(shim_p2p_connect(p.s, p.a, p.b, 0, 0, 1, &x, &y), -EINVAL);
	CU_ASSERT_EQUAL(shim_p2p_connect(p.s, p.a, p.b, 1000, 0, 0, &x, &y), -EINVAL);
	uint32_t bad_nodes[2] = {p.a, 77};
	uint32_t devs[2];
	CU_ASSERT_EQUAL(shim_backplane_create(p.s, bad_nodes, 2, 1000, 0, 1, devs), -EINVAL);
	CU_ASSERT_EQUAL(shim_send(p.s, 1000, 0, b, 4, 4), -EINVAL);
	CU_ASSERT_EQUAL(shim_send(p.s, p.da, 0, b, 8, 4), -EINVAL);
	/* on a backplane, dst_dev must be a member device */
	uint32_t nodes[2] = {p.a, p.b};
	CU_ASSERT_EQUAL_FATAL(shim_backplane_create(p.s, nodes, 2, 1000000000ull, 0, 4, devs), 0);
	CU_ASSERT_EQUAL(shim_send(p.s, devs[0], 999, b, 4, 4), -EINVAL);
	CU_ASSERT_EQUAL(shim_send(p.s, devs[0], p.db, b, 4, 4), -EINVAL);
	CU_ASSERT_EQUAL(shim_send(p.s, devs[0], shim_dev_peer(p.s, devs[1]), b, 4, 4), -EINVAL);
	CU_ASSERT_EQUAL(shim_in_flight(p.s), 0);
	shim_run_until(p.s, END_NS);
	CU_ASSERT_EQUAL(g_rec.nrx, 0);
	CU_ASSERT_EQUAL(g_rec.ndrop, 0);
	sim_free(p.s);
}
void lb_test_register(void)
{
	atexit(sim_free_live);
	LB_SUITE("shim_timing", LB_TEST(test_p2p_arrival_time), LB_TEST(test_back_to_back),
		 LB_TEST(test_queue_overflow), LB_TEST(test_rx_contents), LB_TEST(test_invalid_args));
	shim_faults_suite();
	shim_events_suite();
	shim_backplane_suite();
	shim_pcap_suite();
	shim_lifecycle_suite();
}
