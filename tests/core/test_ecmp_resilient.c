/* test_ecmp_resilient.c - test_ecmp: resilient ECMP groups (lb_ecmp's
 * buckets, as Linux's nexthop groups of type resilient): removals, busy
 * buckets, small tables, idle and unbalanced timers. */
#include <errno.h>

#include "../cu_main.h"
#include "lbcore/lb_ecmp.h"
#include "test_ecmp.h"

/* ---- resilient buckets ---- */

static void snapshot(struct lb_ecmp *g, uint32_t nb, int *out, uint64_t now)
{
	for (uint32_t b = 0; b < nb; b++)
		out[b] = lb_ecmp_select(g, b, now); /* hash b -> bucket b */
}

static void assert_shares(struct lb_ecmp *g, lb_nodeset set, uint32_t nb)
{
	unsigned n = lb_nodeset_count(set);
	uint32_t lo = nb / n, hi = (nb + n - 1) / n, sum = 0;
	for (unsigned id = 0; id < LB_MAX_NODES; id++) {
		uint32_t c = lb_ecmp_buckets_of(g, id);
		sum += c;
		if (lb_nodeset_has(set, id)) {
			CU_ASSERT(c == lo || c == hi);
		} else {
			CU_ASSERT_EQUAL(c, 0);
		}
	}
	CU_ASSERT_EQUAL(sum, nb);
}

void test_resilient_remove(void)
{
	enum { B = 128 };
	int before[B], after[B];
	struct lb_ecmp *g = mk(LB_ECMP_RESILIENT, B, S);
	CU_ASSERT_EQUAL(lb_ecmp_set(g, lb_nodeset_first(8), 0), B);
	/* filled in bucket order, ascending ids: 16 each */
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 37, 0), 2);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, B + 37, 0), 2);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 127, 0), 7);
	CU_ASSERT_EQUAL(lb_ecmp_bucket(g, 16), 1);
	CU_ASSERT_EQUAL(lb_ecmp_bucket(g, B), -ENOENT);
	for (unsigned id = 0; id < 8; id++)
		CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, id), 16);
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_ecmp_set(g, lb_nodeset_first(8), 0), 0); /* same set: no-op */

	snapshot(g, B, before, 5 * S);
	lb_nodeset seven = lb_nodeset_first(8) & ~lb_nodeset_bit(3);
	/* exactly node 3's 16 buckets move at once, nothing else */
	CU_ASSERT_EQUAL(lb_ecmp_set(g, seven, 10 * S), 16);
	snapshot(g, B, after, 10 * S);
	unsigned moved = 0, moved_wrong = 0;
	for (uint32_t b = 0; b < B; b++) {
		if (before[b] != after[b]) {
			moved++;
			moved_wrong += before[b] != 3;
		}
		CU_ASSERT(after[b] != 3);
	}
	CU_ASSERT_EQUAL(moved, 16);
	CU_ASSERT_EQUAL(moved_wrong, 0);
	/* 16 orphans exactly fill the deficit: 18 or 19 each, nothing pending */
	assert_shares(g, seven, B);
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, 100 * S), 0);

	/* node 3 returns: nothing moves at once; after the idle timer exactly
	 * 16 buckets go to it and every node holds 16 */
	CU_ASSERT_EQUAL(lb_ecmp_set(g, lb_nodeset_first(8), 20 * S), 0);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 3), 0);
	snapshot(g, B, before, 20 * S); /* every bucket used at 20 s */
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), 21 * S);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, 21 * S - 1), 0);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, 21 * S), 16);
	assert_shares(g, lb_nodeset_first(8), B);
	snapshot(g, B, after, 21 * S);
	moved = moved_wrong = 0;
	for (uint32_t b = 0; b < B; b++) {
		if (before[b] != after[b]) {
			moved++;
			moved_wrong += after[b] != 3;
		}
	}
	CU_ASSERT_EQUAL(moved, 16);
	CU_ASSERT_EQUAL(moved_wrong, 0);
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
	struct lb_ecmp_stats st;
	lb_ecmp_get_stats(g, &st);
	CU_ASSERT_EQUAL(st.moved_at_once, B + 16);
	CU_ASSERT_EQUAL(st.moved_idle, 16);
	lb_ecmp_free(g);
}

void test_resilient_busy_bucket(void)
{
	enum { B = 128 };
	int map[B];
	struct lb_ecmp *g = mk(LB_ECMP_RESILIENT, B, S);
	lb_nodeset seven = lb_nodeset_first(8) & ~lb_nodeset_bit(3);
	lb_ecmp_set(g, lb_nodeset_first(8), 0);
	lb_ecmp_set(g, seven, 10 * S);
	/* shares of 7: nodes 0,1,2,4,5,6,7 want 18,19,18,18,18,19,18 */
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 0), 18);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 1), 19);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 6), 19);
	lb_ecmp_set(g, lb_nodeset_first(8), 20 * S);
	snapshot(g, B, map, 20 * S);
	/* node 0's buckets stay busy (used every 0.5 s up to 21.5 s) */
	for (uint64_t t = 20 * S + 500 * MS; t <= 21 * S + 500 * MS; t += 500 * MS) {
		for (uint32_t b = 0; b < B; b++)
			if (map[b] == 0)
				lb_ecmp_select(g, b, t);
		if (t == 21 * S) {
			/* the others' excess (14) moves, node 0's 2 extra do not */
			CU_ASSERT_EQUAL(lb_ecmp_tick(g, t), 14);
			CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 0), 18);
			CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 3), 14);
			CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), 22 * S);
		}
	}
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), 22 * S + 500 * MS);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, 22 * S + 500 * MS - 1), 0);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 0), 18);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, 22 * S + 500 * MS), 2);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 0), 16);
	assert_shares(g, lb_nodeset_first(8), B);
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
	lb_ecmp_free(g);
}

/* Few buckets for many next hops: after a removal a survivor can hold more
 * than its new share, so part of the rebalance waits for the idle timer. */
void test_resilient_small_table(void)
{
	enum { B = 10 };
	int before[B], after[B];
	struct lb_ecmp *g = mk(LB_ECMP_RESILIENT, B, 2 * S);
	lb_ecmp_set(g, lb_nodeset_first(7), 0); /* shares 1,2,1,2,1,2,1 */
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 1), 2);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 5), 2);
	snapshot(g, B, before, 1 * S);
	lb_nodeset six = lb_nodeset_first(7) & ~lb_nodeset_bit(1);
	/* new shares for 0,2,3,4,5,6: 2,1,2,2,1,2; node 1's 2 buckets go to
	 * nodes 0 and 4 at once, node 6 waits for one of node 5's */
	CU_ASSERT_EQUAL(lb_ecmp_set(g, six, 2 * S), 2);
	snapshot(g, B, after, 2 * S);
	unsigned moved = 0, moved_wrong = 0;
	for (uint32_t b = 0; b < B; b++) {
		if (before[b] != after[b]) {
			moved++;
			moved_wrong += before[b] != 1;
		}
	}
	CU_ASSERT_EQUAL(moved, 2);
	CU_ASSERT_EQUAL(moved_wrong, 0);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 0), 2);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 4), 2);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 5), 2);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 6), 1);
	/* node 5's buckets were last used at 2 s: idle from 4 s */
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), 4 * S);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, 4 * S - 1), 0);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, 4 * S), 1);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 5), 1);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 6), 2);
	assert_shares(g, six, B);
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
	lb_ecmp_free(g);
}

/* idle timer LB_TIME_NEVER: only orphans ever move. */
void test_resilient_never_idle(void)
{
	struct lb_ecmp *g = mk(LB_ECMP_RESILIENT, 64, LB_TIME_NEVER);
	lb_ecmp_set(g, lb_nodeset_first(3), 0);
	CU_ASSERT_EQUAL(lb_ecmp_set(g, lb_nodeset_first(4), S), 0);
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, UINT64_MAX - 1), 0);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 3), 0);
	lb_ecmp_free(g);
}

/* Resilient with every bucket busy: after {0} -> {0,1}, node 1 wants half
 * the buckets, but none is ever idle for idle_timer (each is used every
 * 1 ms).  Unbalanced timer 0 (the kernel's default): nothing ever moves;
 * 500 ms: everything node 1 wants moves at exactly 1.5 s (unbalanced since
 * the set change at 1 s, nh_res_bucket_should_migrate's "force"). */
void test_resilient_unbalanced_timer(void)
{
	for (int forced = 0; forced < 2; forced++) {
		struct lb_ecmp_params p = {.kind = LB_ECMP_RESILIENT, .buckets = 8, .idle_timer_ns = LB_NS_PER_S,
					   .unbalanced_timer_ns = forced ? 500 * LB_NS_PER_MS : 0};
		struct lb_ecmp *g = lb_ecmp_create(&p);
		CU_ASSERT_PTR_NOT_NULL_FATAL(g);
		lb_ecmp_set(g, 0x1, 0);
		lb_ecmp_set(g, 0x3, LB_NS_PER_S);
		CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 1), 0);
		/* the buckets filled at 0 are idle since then: a tick is due at once */
		CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_NS_PER_S);
		for (uint64_t t = LB_NS_PER_S; t <= 10 * LB_NS_PER_S; t += LB_NS_PER_MS) {
			for (uint32_t b = 0; b < 8; b++)
				lb_ecmp_select(g, b, t);
			if (lb_ecmp_next_deadline(g) <= t)
				lb_ecmp_tick(g, t);
			if (forced && t == 1499 * LB_NS_PER_MS)
				CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 1), 0);
			if (forced && t == 1500 * LB_NS_PER_MS)
				CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 1), 4);
		}
		CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 1), forced ? 4 : 0);
		CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), forced ? LB_TIME_NEVER : 10 * LB_NS_PER_S + LB_NS_PER_S);
		lb_ecmp_free(g);
	}
}
