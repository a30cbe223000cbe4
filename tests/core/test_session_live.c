/* Tests of lb_session_count_live (exact live entries, lb_age_ring.h):
 * pinned counts at the ms an entry expires, refreshes moving an entry's
 * expiry, and a random workload checked against a full sweep (after which
 * every entry left is live, so lb_session_count() is the truth). */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../cu_main.h"
#include "lbcore/lb_session.h"

#define MS LB_NS_PER_MS

static struct lb_flow_key key4(uint32_t i)
{
	struct lb_flow_key k;
	uint8_t s[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}, d[4] = {203, 0, 113, 10};
	lb_flow_key_v4(&k, s, d, (uint16_t)(1024 + i % 60000), 80, LB_PROTO_UDP);
	return k;
}

static uint32_t hash_of(uint32_t i)
{
	uint64_t z = (uint64_t)(i + 1) * UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 31)) * UINT64_C(0xbf58476d1ce4e5b9);
	return (uint32_t)(z ^ (z >> 29));
}

static struct lb_session *live_cache(uint32_t cap, uint64_t timeout_ns)
{
	struct lb_session_params p = {.capacity = cap, .idle_timeout_ns = timeout_ns, .count_live = true};
	return lb_session_create(&p);
}

/* 100 ms timeout: an entry last used at t is live until t + 99.999 ms. */
static void test_live_pinned(void)
{
	struct lb_session *c = live_cache(100, 100 * MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	struct lb_flow_key k[3] = {key4(0), key4(1), key4(2)};
	uint64_t at[3] = {0, 50 * MS, 99 * MS};
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(lb_session_insert(c, &k[i], hash_of((uint32_t)i), (uint8_t)i, at[i]), 0);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 100 * MS - 1), 3);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 100 * MS), 2);
	CU_ASSERT_EQUAL(lb_session_count(c), 3); /* still in the table */
	/* key 1 used at 140 ms: now live until 239.999 ms */
	CU_ASSERT_EQUAL(lb_session_lookup(c, &k[1], hash_of(1), 140 * MS), 1);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 150 * MS), 2);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 199 * MS), 1);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 240 * MS - 1), 1);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 240 * MS), 0);
	/* an insert of a live key moves its expiry as a hit does */
	CU_ASSERT_EQUAL(lb_session_insert(c, &k[2], hash_of(2), 7, 240 * MS), 0); /* expired: new */
	CU_ASSERT_EQUAL(lb_session_insert(c, &k[2], hash_of(2), 8, 300 * MS), 1); /* live: updated */
	CU_ASSERT_EQUAL(lb_session_count_live(c, 399 * MS), 1);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 400 * MS), 0);
	/* removing expired entries leaves the live count alone */
	CU_ASSERT_EQUAL(lb_session_lookup(c, &k[0], hash_of(0), 400 * MS), -ENOENT);
	CU_ASSERT_EQUAL(lb_session_delete(c, &k[1], hash_of(1)), 0);
	CU_ASSERT_EQUAL(lb_session_count(c), 1);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 400 * MS), 0);
	/* a jump of many timeouts at once */
	CU_ASSERT_EQUAL(lb_session_insert(c, &k[0], hash_of(0), 0, 10000 * MS), 0);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 10000 * MS), 1);
	CU_ASSERT_EQUAL(lb_session_count_live(c, 1000000 * MS), 0);
	lb_session_free(c);
}

/* A random workload on a small cache (evictions, expiries by lookup,
 * insert and sweep, deletes) with times that only go forward from start:
 * at every checkpoint the live count equals the count left by a full
 * sweep.  Returns the checkpoints that disagreed. */
static unsigned live_against_sweep(uint64_t start, uint64_t big_step)
{
	const uint32_t cap = 64, keys = 200;
	struct lb_session *c = live_cache(cap, 37 * MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	uint64_t x = 12345, now = start;
	unsigned checks = 0, bad = 0, nonzero_expired = 0;
	for (int step = 0; step < 200000; step++) {
		x = x * UINT64_C(6364136223846793005) + 1442695040888963407u;
		uint32_t r = (uint32_t)(x >> 33);
		now += (r % 7 == 0) ? (r % 5) * MS + (r % 3) * 100000 : 0; /* sub-ms steps too */
		if (r % 1009 == 0)
			now += big_step;
		uint32_t i = (r >> 8) % keys;
		struct lb_flow_key k = key4(i);
		switch (r % 10) {
		case 0:
			lb_session_delete(c, &k, hash_of(i));
			break;
		case 1:
			lb_session_sweep(c, now, 16);
			break;
		case 2: case 3: case 4:
			lb_session_insert(c, &k, hash_of(i), (uint8_t)i, now);
			break;
		default:
			lb_session_lookup(c, &k, hash_of(i), now);
		}
		if (step % 997 == 0) {
			size_t live = lb_session_count_live(c, now);
			nonzero_expired += live != lb_session_count(c);
			lb_session_sweep(c, now, lb_session_slots(c));
			bad += live != lb_session_count(c);
			bad += lb_session_count_live(c, now) != lb_session_count(c);
			checks++;
		}
	}
	printf("\n  from %" PRIu64 " ms: %u checkpoints, %u with expired entries still present, %u wrong",
	       start / MS, checks, nonzero_expired, bad);
	CU_ASSERT_TRUE(nonzero_expired > checks / 4); /* the check had something to find */
	lb_session_free(c);
	return bad;
}

static void test_live_against_sweep(void)
{
	CU_ASSERT_EQUAL(live_against_sweep(0, 0), 0);
	/* the first steps leave a window reaching below 0 ms */
	CU_ASSERT_EQUAL(live_against_sweep(0, 20 * MS), 0);
	/* across the 2^32 ms wrap of the stored times, with jumps beyond the timeout */
	CU_ASSERT_EQUAL(live_against_sweep(((UINT64_C(1) << 32) - 3000) * MS, 100 * MS), 0);
}

static void test_live_bounds(void)
{
	struct lb_session_params p = {.capacity = 10, .idle_timeout_ns = LB_SESSION_LIVE_MAX_TIMEOUT_NS,
				      .count_live = true};
	struct lb_session *c = lb_session_create(&p);
	CU_ASSERT_PTR_NOT_NULL(c);
	lb_session_free(c);
	p.idle_timeout_ns += MS; /* one ms more: no ring */
	CU_ASSERT_PTR_NULL(lb_session_create(&p));
	p.count_live = false; /* without it the timeout is fine, and the live count is the count */
	c = lb_session_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	struct lb_flow_key k = key4(1);
	lb_session_insert(c, &k, hash_of(1), 1, 0);
	CU_ASSERT_EQUAL(lb_session_count_live(c, LB_SESSION_LIVE_MAX_TIMEOUT_NS * 2), 1);
	lb_session_free(c);
}

void lb_test_register(void)
{
	LB_SUITE("session_live", LB_TEST(test_live_pinned), LB_TEST(test_live_against_sweep),
		 LB_TEST(test_live_bounds));
}
