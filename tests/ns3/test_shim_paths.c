/* test_shim_paths.c - the shim's own links against ns-3's devices.
 *
 * The shim carries packets over its own implementation of ns-3's
 * point-to-point devices (model/ns3/shim_link.h) unless
 * shim_set_ns3_devices() puts them on ns-3's PointToPointNetDevices.  The
 * two must be indistinguishable: the same receives and drops, in the same
 * order, at the same nanosecond, with the same bytes, lengths, nodes,
 * devices and reasons, and the same number of simulator events.  This test
 * runs one random workload on each path and compares the two logs entry by
 * entry.
 *
 * The workload (a fixed xorshift sequence, so both paths see the same one):
 * a chain of point-to-point links with small queues at mixed rates and
 * delays (rates that do not divide the sizes, so ns-3's rounding of the
 * serialisation time shows), a backplane of 5 members with small port
 * queues; every 700 ns for 2 ms a driver event sends a burst of 1-4 packets
 * of random wire lengths (40..1600 bytes, some longer than SHIM_RX_BYTES,
 * some carrying fewer bytes than the wire length) out of random devices,
 * to random backplane members, and now and then takes a device, link or
 * node down or up, or sets a link's loss (0, 0.3, 1).  Every packet's first
 * bytes are unique (a counter), so a reordering shows.  Receivers answer
 * some packets at once (a send from inside the receive callback, out of the
 * receiving device or, over the link without delay, out of the sender's
 * device as its transmission ends: the order of the two events of a hop
 * shows), and one
 * timer is cancelled every so often, so the two paths also agree when
 * events schedule and cancel events at equal times. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "shim.h"

#define MAXLOG 200000
#define NDEV_MAX 64

struct entry {
	uint64_t t;
	uint32_t node, dev;
	uint32_t len, wire_len; /* wire_len 0: a drop */
	int why;                /* -1: a receive */
	uint32_t first;         /* the packet's first 4 bytes */
	uint32_t sum;           /* a checksum of the bytes received */
};

struct world {
	struct shim_sim *s;
	uint64_t rng;
	uint32_t devs[NDEV_MAX], ndev;   /* every device that can send */
	uint32_t members[8], nmembers;   /* backplane member devices */
	uint32_t nodes[16], nnodes;
	uint32_t counter;                /* the next packet's first bytes */
	uint64_t pending;                /* a timer to cancel, 0: none */
	uint64_t end_ns;
	struct entry *log;
	size_t nlog;
};

static uint64_t next(struct world *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static void log_add(struct world *w, uint64_t t, uint32_t node, uint32_t dev, const uint8_t *b, size_t len,
		    size_t wire_len, int why)
{
	CU_ASSERT(w->nlog < MAXLOG);
	if (w->nlog >= MAXLOG)
		return;
	struct entry *e = &w->log[w->nlog++];
	e->t = t;
	e->node = node;
	e->dev = dev;
	e->len = (uint32_t)len;
	e->wire_len = (uint32_t)wire_len;
	e->why = why;
	e->first = 0;
	if (len >= 4)
		memcpy(&e->first, b, 4);
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = sum * 31u + b[i];
	e->sum = sum;
}

static int send_one(struct world *w, uint32_t dev, size_t wire_len)
{
	uint8_t b[200];
	size_t len = 4 + next(w) % (sizeof b - 4);
	if (len > wire_len)
		len = wire_len;
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(next(w) | 1); /* nonzero: the zero padding after len shows */
	memcpy(b, &w->counter, 4);
	w->counter++;
	uint32_t dst = 0;
	for (uint32_t m = 0; m < w->nmembers; m++)
		if (w->members[m] == dev)
			dst = w->members[next(w) % w->nmembers];
	return shim_send(w->s, dev, dst, b, len, wire_len);
}

static void on_rx(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len, size_t wire_len,
		  uint64_t t)
{
	struct world *w = user;
	log_add(w, t, node, dev, bytes, len, wire_len, -1);
	/* answer one packet in four at once, out of the receiving device or
	 * out of the device that sent it (on the link without delay its
	 * transmission ends at this very instant: which runs first shows) */
	if (next(w) % 4 == 0) {
		uint32_t peer = shim_dev_peer(w->s, dev);
		bool member = false;
		for (uint32_t m = 0; m < w->nmembers; m++)
			member = member || w->members[m] == dev;
		(void)send_one(w, next(w) % 2 && !member ? peer : dev, 40 + next(w) % 1500);
	}
}

static void on_drop(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len,
		    enum shim_drop_reason why, uint64_t t)
{
	struct world *w = user;
	log_add(w, t, node, dev, bytes, len, 0, (int)why);
}

static void noop(void *user)
{
	(void)user;
}

static void drive(void *user)
{
	struct world *w = user;
	unsigned burst = 1 + (unsigned)(next(w) % 4);
	for (unsigned i = 0; i < burst; i++)
		(void)send_one(w, w->devs[next(w) % w->ndev], 40 + next(w) % 1561);
	uint64_t r = next(w) % 1000;
	uint32_t dev = w->devs[next(w) % w->ndev];
	if (r < 10)
		shim_dev_set_up(w->s, dev, !shim_dev_is_up(w->s, dev) || next(w) % 2);
	else if (r < 20)
		shim_link_set_up(w->s, dev, next(w) % 3 != 0);
	else if (r < 30)
		shim_node_set_up(w->s, w->nodes[next(w) % w->nnodes], next(w) % 4 != 0);
	else if (r < 40) {
		static const double loss[] = {0, 0.3, 1};
		shim_link_set_loss(w->s, dev, loss[next(w) % 3]);
	}
	/* a timer due with the traffic, sometimes cancelled (if it has not run) */
	if (w->pending && next(w) % 2)
		(void)shim_cancel(w->s, w->pending);
	w->pending = shim_schedule(w->s, next(w) % 3000, noop, w);
	if (shim_now_ns(w->s) + 700 < w->end_ns)
		shim_schedule(w->s, 700, drive, w);
}

/* Runs the workload on one path; returns the log (nlog entries) and the
 * events executed. */
static struct entry *run_path(bool ns3_devices, size_t *nlog, uint64_t *events, uint64_t *in_flight)
{
	struct world *w = calloc(1, sizeof *w);
	w->log = calloc(MAXLOG, sizeof *w->log);
	w->rng = 0x2545f4914f6cdd1dULL;
	w->end_ns = 2000000; /* 2 ms */
	w->s = shim_sim_create(1, 1, SHIM_SCHED_PRIORITY_QUEUE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w->s);
	shim_set_ns3_devices(w->s, ns3_devices);
	CU_ASSERT_EQUAL(shim_ns3_devices(w->s), ns3_devices);
	/* a chain of 6 nodes: rates in bit/s, delays in ns, queues in packets */
	static const uint64_t rate[] = {1000000000ull, 3000000000ull, 700000000ull, 10000000000ull, 2500000000ull};
	static const uint64_t delay[] = {5000, 0, 1234, 20000, 777};
	static const uint32_t queue[] = {3, 1, 10, 2, 5};
	for (unsigned i = 0; i < 6; i++)
		w->nodes[w->nnodes++] = shim_node_create(w->s);
	for (unsigned i = 0; i < 5; i++) {
		uint32_t a, b;
		CU_ASSERT_EQUAL_FATAL(
			shim_p2p_connect(w->s, w->nodes[i], w->nodes[i + 1], rate[i], delay[i], queue[i], &a, &b), 0);
		w->devs[w->ndev++] = a;
		w->devs[w->ndev++] = b;
	}
	/* a backplane of 5 members (two of them chain nodes), port queues of 2 */
	uint32_t bp[5];
	for (unsigned i = 0; i < 3; i++)
		w->nodes[w->nnodes++] = shim_node_create(w->s);
	bp[0] = w->nodes[1];
	bp[1] = w->nodes[4];
	bp[2] = w->nodes[6];
	bp[3] = w->nodes[7];
	bp[4] = w->nodes[8];
	CU_ASSERT_EQUAL_FATAL(shim_backplane_create(w->s, bp, 5, 1000000000ull, 2000, 2, w->members), 0);
	w->nmembers = 5;
	for (unsigned i = 0; i < 5; i++)
		w->devs[w->ndev++] = w->members[i];
	shim_set_callbacks(w->s, on_rx, on_drop, w);
	shim_schedule(w->s, 0, drive, w);
	shim_run_until(w->s, w->end_ns + 1000000);
	*events = shim_events_executed(w->s);
	*in_flight = shim_in_flight(w->s);
	*nlog = w->nlog;
	struct entry *log = w->log;
	shim_sim_destroy(w->s);
	free(w);
	return log;
}

static void test_paths_identical(void)
{
	size_t na = 0, nb = 0;
	uint64_t ea = 0, eb = 0, fa = 0, fb = 0;
	struct entry *a = run_path(false, &na, &ea, &fa);
	struct entry *b = run_path(true, &nb, &eb, &fb);
	size_t rx = 0, drops[4] = {0};
	for (size_t i = 0; i < na; i++) {
		if (a[i].why < 0)
			rx++;
		else if (a[i].why < 4)
			drops[a[i].why]++;
	}
	printf("\n  shim paths: %zu receives, drops queue %zu device %zu node %zu loss %zu, %llu events\n", rx,
	       drops[SHIM_DROP_QUEUE_FULL], drops[SHIM_DROP_DEVICE_DOWN], drops[SHIM_DROP_NODE_DOWN],
	       drops[SHIM_DROP_LINK_LOSS], (unsigned long long)ea);
	/* the workload exercises every outcome */
	CU_ASSERT(rx > 1000);
	for (unsigned k = 0; k < 4; k++)
		CU_ASSERT(drops[k] > 10);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT_EQUAL(ea, eb);
	CU_ASSERT_EQUAL(fa, fb);
	size_t n = na < nb ? na : nb, first_diff = n;
	for (size_t i = 0; i < n && first_diff == n; i++)
		if (memcmp(&a[i], &b[i], sizeof a[i]) != 0)
			first_diff = i;
	if (first_diff < n)
		printf("  first difference at entry %zu: t %llu/%llu dev %u/%u why %d/%d\n", first_diff,
		       (unsigned long long)a[first_diff].t, (unsigned long long)b[first_diff].t, a[first_diff].dev,
		       b[first_diff].dev, a[first_diff].why, b[first_diff].why);
	CU_ASSERT_EQUAL(first_diff, n);
	free(a);
	free(b);
}

/* The path is chosen before the first send; asking again for the same path
 * afterwards is allowed. */
static void test_path_switch(void)
{
	struct shim_sim *s = shim_sim_create(1, 1, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FALSE(shim_ns3_devices(s));
	shim_set_ns3_devices(s, true);
	shim_set_ns3_devices(s, false);
	uint32_t a = shim_node_create(s), b = shim_node_create(s), da, db;
	CU_ASSERT_EQUAL_FATAL(shim_p2p_connect(s, a, b, 1000000000ull, 0, 1, &da, &db), 0);
	uint8_t x[4] = {1, 2, 3, 4};
	CU_ASSERT_EQUAL(shim_send(s, da, 0, x, sizeof x, 100), 0);
	shim_set_ns3_devices(s, false);
	CU_ASSERT_FALSE(shim_ns3_devices(s));
	shim_run_until(s, 1000000);
	CU_ASSERT_EQUAL(shim_in_flight(s), 0);
	shim_sim_destroy(s);
}

void lb_test_register(void)
{
	LB_SUITE("shim_paths", LB_TEST(test_paths_identical), LB_TEST(test_path_switch));
}
