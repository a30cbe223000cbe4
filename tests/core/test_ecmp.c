/* test_ecmp.c - router ECMP groups (lb_ecmp) and the VIP route table
 * (lb_route). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../cu_main.h"
#include "lbcore/lb_ecmp.h"
#include "lbcore/lb_route.h"

#define S LB_NS_PER_S
#define MS LB_NS_PER_MS

static struct lb_ecmp *mk(enum lb_ecmp_kind kind, uint32_t buckets, uint64_t idle)
{
	struct lb_ecmp_params p = {.kind = kind, .buckets = buckets, .idle_timer_ns = idle};
	struct lb_ecmp *g = lb_ecmp_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	return g;
}

static lb_nodeset set_of(const unsigned *ids, size_t n)
{
	lb_nodeset s = 0;
	for (size_t i = 0; i < n; i++)
		s |= lb_nodeset_bit(ids[i]);
	return s;
}

/* murmur3 fmix32: a fixed bijection to spread sample hashes. */
static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* ---- kinds, parameters, empty group ---- */

static void test_kind_names(void)
{
	enum lb_ecmp_kind k = LB_ECMP_MODULO;
	CU_ASSERT_EQUAL(lb_ecmp_kind_parse("hash-threshold", &k), 0);
	CU_ASSERT_EQUAL(k, LB_ECMP_HASH_THRESHOLD);
	CU_ASSERT_EQUAL(lb_ecmp_kind_parse("resilient", &k), 0);
	CU_ASSERT_EQUAL(k, LB_ECMP_RESILIENT);
	CU_ASSERT_EQUAL(lb_ecmp_kind_parse("modulo", &k), 0);
	CU_ASSERT_EQUAL(k, LB_ECMP_MODULO);
	CU_ASSERT_EQUAL(lb_ecmp_kind_parse("Modulo", &k), -EINVAL);
	CU_ASSERT_EQUAL(lb_ecmp_kind_parse("", &k), -EINVAL);
	CU_ASSERT_EQUAL(lb_ecmp_kind_parse(NULL, &k), -EINVAL);
	CU_ASSERT_EQUAL(k, LB_ECMP_MODULO);
	CU_ASSERT_STRING_EQUAL(lb_ecmp_kind_name(LB_ECMP_HASH_THRESHOLD), "hash-threshold");
	CU_ASSERT_STRING_EQUAL(lb_ecmp_kind_name(LB_ECMP_RESILIENT), "resilient");
	CU_ASSERT_STRING_EQUAL(lb_ecmp_kind_name(LB_ECMP_MODULO), "modulo");
	CU_ASSERT_PTR_NULL(lb_ecmp_kind_name((enum lb_ecmp_kind)7));
}

static void test_params(void)
{
	struct lb_ecmp_params p = {.kind = LB_ECMP_RESILIENT, .buckets = 0, .idle_timer_ns = S};
	CU_ASSERT_PTR_NULL(lb_ecmp_create(NULL));
	CU_ASSERT_PTR_NULL(lb_ecmp_create(&p));
	p.buckets = LB_ECMP_MAX_BUCKETS + 1;
	CU_ASSERT_PTR_NULL(lb_ecmp_create(&p));
	p.kind = (enum lb_ecmp_kind)9;
	p.buckets = 8;
	CU_ASSERT_PTR_NULL(lb_ecmp_create(&p));
	/* buckets are ignored by the other kinds */
	p.kind = LB_ECMP_MODULO;
	p.buckets = 0;
	struct lb_ecmp *g = lb_ecmp_create(&p);
	CU_ASSERT_PTR_NOT_NULL(g);
	lb_ecmp_free(g);
	lb_ecmp_free(NULL);
}

static void test_empty(void)
{
	enum lb_ecmp_kind kinds[] = {LB_ECMP_MODULO, LB_ECMP_HASH_THRESHOLD, LB_ECMP_RESILIENT};
	for (size_t i = 0; i < 3; i++) {
		struct lb_ecmp *g = mk(kinds[i], 16, S);
		CU_ASSERT_EQUAL(lb_ecmp_select(g, 12345, 0), -ENOENT);
		CU_ASSERT_EQUAL(lb_ecmp_set(g, lb_nodeset_first(3), 0), kinds[i] == LB_ECMP_RESILIENT ? 16 : 0);
		CU_ASSERT(lb_ecmp_select(g, 12345, 0) >= 0);
		CU_ASSERT_EQUAL(lb_ecmp_nexthops(g), lb_nodeset_first(3));
		/* back to empty: resilient drops all 16 buckets */
		CU_ASSERT_EQUAL(lb_ecmp_set(g, 0, 1), kinds[i] == LB_ECMP_RESILIENT ? 16 : 0);
		CU_ASSERT_EQUAL(lb_ecmp_select(g, 12345, 2), -ENOENT);
		CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 0), 0);
		CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
		CU_ASSERT_EQUAL(lb_ecmp_tick(g, 100 * S), 0);
		struct lb_ecmp_stats st;
		lb_ecmp_get_stats(g, &st);
		CU_ASSERT_EQUAL(st.selects, 3);
		CU_ASSERT_EQUAL(st.no_route, 2);
		CU_ASSERT_EQUAL(st.changes, 2);
		lb_ecmp_free(g);
	}
}

/* ---- modulo and hash-threshold: pinned selections ---- */

static void test_modulo_pinned(void)
{
	struct lb_ecmp *g = mk(LB_ECMP_MODULO, 0, 0);
	unsigned ids[] = {2, 3, 5, 11, 60};
	lb_ecmp_set(g, set_of(ids, 5), 0);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 1000, 0), 2);       /* 1000 % 5 = 0 */
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 1001, 0), 3);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 1002, 0), 5);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 1003, 0), 11);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 123456789, 0), 60); /* % 5 = 4 */
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0xFFFFFFFFu, 0), 2); /* 2^32-1 = 0 mod 5 */
	lb_ecmp_free(g);
}

static void test_threshold_pinned(void)
{
	struct lb_ecmp *g = mk(LB_ECMP_HASH_THRESHOLD, 0, 0);
	unsigned ids[] = {1, 4, 7, 9};
	lb_ecmp_set(g, set_of(ids, 4), 0);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0, 0), 1);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0x3FFFFFFFu, 0), 1);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0x40000000u, 0), 4);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0x7FFFFFFFu, 0), 4);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0x80000000u, 0), 7);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0xBFFFFFFFu, 0), 7);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0xC0000000u, 0), 9);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0xFFFFFFFFu, 0), 9);
	/* N = 3: limits ceil(2^32/3) = 0x55555556, ceil(2^33/3) = 0xAAAAAAAB */
	lb_ecmp_set(g, lb_nodeset_first(3), 0);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0x55555555u, 0), 0);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0x55555556u, 0), 1);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0xAAAAAAAAu, 0), 1);
	CU_ASSERT_EQUAL(lb_ecmp_select(g, 0xAAAAAAABu, 0), 2);
	/* region i = {h : floor(h*N / 2^32) = i} for every N, on sampled
	 * hashes and on both sides of every boundary */
	for (unsigned n = 1; n <= LB_MAX_NODES; n++) {
		lb_ecmp_set(g, lb_nodeset_first(n), 0);
		unsigned bad = 0;
		for (uint32_t i = 0; i < 4096; i++) {
			uint32_t h = mix32(i);
			if (lb_ecmp_select(g, h, 0) != (int)(((uint64_t)h * n) >> 32))
				bad++;
		}
		for (unsigned r = 1; r < n; r++) {
			uint32_t b = (uint32_t)((((uint64_t)r << 32) + n - 1) / n);
			if (lb_ecmp_select(g, b, 0) != (int)r || lb_ecmp_select(g, b - 1, 0) != (int)r - 1)
				bad++;
		}
		CU_ASSERT_EQUAL(bad, 0);
	}
	lb_ecmp_free(g);
}

/* ---- disruption on removal of one next hop ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* RFC 2992 section 4 (derivation in lb_ecmp.c): removing position k of N
 * remaps 1/2 - k(N-1-k) / (N(N-1)) of the hash space. */
static double rfc2992_moved(unsigned n, unsigned k)
{
	return 0.5 - (double)k * (double)(n - 1 - k) / ((double)n * (double)(n - 1));
}

/* Exact count over all 2^32 hashes of those whose next hop differs
 * between a and b.  Both selections are monotone in the hash (ids sorted),
 * so they are constant on each segment between consecutive region
 * boundaries of either group; the test checks that at both ends of every
 * segment (the boundaries are recomputed here, independently). */
static uint64_t threshold_moved_exact(struct lb_ecmp *a, unsigned na, struct lb_ecmp *b, unsigned nb,
				      unsigned *not_constant)
{
	uint64_t cut[2 * LB_MAX_NODES + 2];
	size_t nc = 0;
	cut[nc++] = 0;
	cut[nc++] = UINT64_C(1) << 32;
	for (unsigned r = 1; r < na; r++)
		cut[nc++] = (((uint64_t)r << 32) + na - 1) / na;
	for (unsigned r = 1; r < nb; r++)
		cut[nc++] = (((uint64_t)r << 32) + nb - 1) / nb;
	qsort(cut, nc, sizeof cut[0], cmp_u64);
	uint64_t moved = 0;
	for (size_t i = 0; i + 1 < nc; i++) {
		if (cut[i] == cut[i + 1])
			continue;
		uint32_t lo = (uint32_t)cut[i], hi = (uint32_t)(cut[i + 1] - 1);
		int sa = lb_ecmp_select(a, lo, 0), sb = lb_ecmp_select(b, lo, 0);
		if (lb_ecmp_select(a, hi, 0) != sa || lb_ecmp_select(b, hi, 0) != sb)
			(*not_constant)++;
		if (sa != sb)
			moved += cut[i + 1] - cut[i];
	}
	return moved;
}

static void test_threshold_disruption(void)
{
	struct lb_ecmp *a = mk(LB_ECMP_HASH_THRESHOLD, 0, 0);
	struct lb_ecmp *b = mk(LB_ECMP_HASH_THRESHOLD, 0, 0);
	const uint32_t samples = 1u << 17; /* grid: h = i * 2^15 + 12345 */
	double worst_exact = 0, worst_sampled = 0;
	for (unsigned n = 2; n <= 16; n++) {
		for (unsigned k = 0; k < n; k++) {
			lb_ecmp_set(a, lb_nodeset_first(n), 0);
			lb_ecmp_set(b, lb_nodeset_first(n) & ~lb_nodeset_bit(k), 0);
			double expect = rfc2992_moved(n, k);
			unsigned not_constant = 0;
			uint64_t moved = threshold_moved_exact(a, n, b, n - 1, &not_constant);
			CU_ASSERT_EQUAL(not_constant, 0);
			double exact = (double)moved / 4294967296.0;
			double err = exact > expect ? exact - expect : expect - exact;
			/* rounding of each boundary to an integer: at most 2N hashes */
			CU_ASSERT(err * 4294967296.0 <= 2.0 * n);
			CU_ASSERT(err <= 1.0 / 65536);
			if (err > worst_exact)
				worst_exact = err;
			uint32_t cnt = 0;
			for (uint32_t i = 0; i < samples; i++) {
				uint32_t h = (i << 15) + 12345u;
				if (lb_ecmp_select(a, h, 0) != lb_ecmp_select(b, h, 0))
					cnt++;
			}
			double sampled = (double)cnt / samples;
			err = sampled > expect ? sampled - expect : expect - sampled;
			/* each of the < 2N boundaries misplaces at most one grid cell */
			CU_ASSERT(err <= (2.0 * n) / samples);
			if (err > worst_sampled)
				worst_sampled = err;
		}
	}
	/* the two extremes spelled out: an end region costs 1/2, the middle
	 * of N = 5 costs 1/2 - 2*2/20 = 3/10 */
	CU_ASSERT_DOUBLE_EQUAL(rfc2992_moved(8, 7), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(rfc2992_moved(5, 2), 0.3, 1e-12);
	printf("\n  hash-threshold removal, N=2..16 x every k: worst |exact-RFC2992| = %.3g, "
	       "worst |sampled(2^17)-RFC2992| = %.3g\n", worst_exact, worst_sampled);
	lb_ecmp_free(a);
	lb_ecmp_free(b);
}

static void test_modulo_disruption(void)
{
	struct lb_ecmp *a = mk(LB_ECMP_MODULO, 0, 0);
	struct lb_ecmp *b = mk(LB_ECMP_MODULO, 0, 0);
	for (unsigned n = 2; n <= 16; n++) {
		for (unsigned k = 0; k < n; k++) {
			lb_ecmp_set(a, lb_nodeset_first(n), 0);
			lb_ecmp_set(b, lb_nodeset_first(n) & ~lb_nodeset_bit(k), 0);
			/* consecutive hashes over whole periods of N(N-1): (h mod N,
			 * h mod N-1) takes every pair once (CRT), so exactly 1/N stay */
			uint32_t period = n * (n - 1);
			uint32_t m = ((100000 + period - 1) / period) * period;
			uint32_t moved = 0;
			for (uint32_t h = 0; h < m; h++)
				moved += lb_ecmp_select(a, h + 7777u * period, 0) != lb_ecmp_select(b, h + 7777u * period, 0);
			CU_ASSERT_EQUAL((uint64_t)moved * n, (uint64_t)m * (n - 1));
			/* spread hashes: ~ (N-1)/N */
			moved = 0;
			for (uint32_t i = 0; i < 131072; i++)
				moved += lb_ecmp_select(a, mix32(i), 0) != lb_ecmp_select(b, mix32(i), 0);
			CU_ASSERT_DOUBLE_EQUAL((double)moved / 131072.0, (double)(n - 1) / n, 0.01);
		}
	}
	lb_ecmp_free(a);
	lb_ecmp_free(b);
}

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

static void test_resilient_remove(void)
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

static void test_resilient_busy_bucket(void)
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
static void test_resilient_small_table(void)
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
static void test_resilient_never_idle(void)
{
	struct lb_ecmp *g = mk(LB_ECMP_RESILIENT, 64, LB_TIME_NEVER);
	lb_ecmp_set(g, lb_nodeset_first(3), 0);
	CU_ASSERT_EQUAL(lb_ecmp_set(g, lb_nodeset_first(4), S), 0);
	CU_ASSERT_EQUAL(lb_ecmp_next_deadline(g), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_ecmp_tick(g, UINT64_MAX - 1), 0);
	CU_ASSERT_EQUAL(lb_ecmp_buckets_of(g, 3), 0);
	lb_ecmp_free(g);
}

/* ---- route table ---- */

static void check_ev(const struct lb_route_event *ev, enum lb_route_event_kind kind, unsigned nbr,
		     uint32_t metric, uint64_t t, bool changed, lb_nodeset best, uint32_t best_metric)
{
	CU_ASSERT_EQUAL(ev->kind, kind);
	CU_ASSERT_EQUAL(ev->neighbour, nbr);
	CU_ASSERT_EQUAL(ev->metric, metric);
	CU_ASSERT_EQUAL(ev->time_ns, t);
	CU_ASSERT_EQUAL(ev->best_changed, changed);
	CU_ASSERT_EQUAL(ev->best_set, best);
	CU_ASSERT_EQUAL(ev->best_metric, best_metric);
}

static lb_nodeset ids4(int a, int b, int c, int d)
{
	lb_nodeset s = 0;
	int v[4] = {a, b, c, d};
	for (int i = 0; i < 4; i++)
		if (v[i] >= 0)
			s |= lb_nodeset_bit((unsigned)v[i]);
	return s;
}

static void test_route_params(void)
{
	struct lb_route_params p = {.hold_time_ns = 0};
	CU_ASSERT_PTR_NULL(lb_route_create(NULL));
	CU_ASSERT_PTR_NULL(lb_route_create(&p));
	lb_route_free(NULL);
	p.hold_time_ns = S;
	struct lb_route *rt = lb_route_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	struct lb_route_event ev;
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 64, 10, 0, &ev), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 1, LB_ROUTE_METRIC_NONE, 0, &ev), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 200, 0, &ev), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 1, 0, &ev), 0);
	CU_ASSERT_EQUAL(lb_route_get(rt, 64, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_get(rt, 1, NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 1), -ENOENT);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 64), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_neighbours(rt), 0);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), LB_TIME_NEVER);
	uint32_t m = 0;
	CU_ASSERT_EQUAL(lb_route_best(rt, &m), 0);
	CU_ASSERT_EQUAL(m, LB_ROUTE_METRIC_NONE);
	CU_ASSERT_STRING_EQUAL(lb_route_event_kind_name(LB_ROUTE_METRIC_CHANGE), "metric_change");
	CU_ASSERT_STRING_EQUAL(lb_route_event_kind_name(LB_ROUTE_EXPIRE), "expire");
	CU_ASSERT_PTR_NULL(lb_route_event_kind_name((enum lb_route_event_kind)9));
	lb_route_free(rt);
	/* hold LB_TIME_NEVER: never expires */
	p.hold_time_ns = LB_TIME_NEVER;
	rt = lb_route_create(&p);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 5, 1, 7, &ev), 1);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_route_expire(rt, UINT64_MAX, &ev, 1), 0);
	lb_route_free(rt);
}

/* The seed's scenario, event by event (hold = 3 s, W = 1 s < hold). */
static void test_route_timeline(void)
{
	struct lb_route_params p = {.hold_time_ns = 3 * S};
	struct lb_route *rt = lb_route_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	struct lb_route_event ev, evs[4];
	uint32_t m;
	uint64_t t;

	/* t = 0: four nodes advertise metric 10, the set grows one by one */
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(lb_route_advertise(rt, (uint8_t)i, 10, 0, &ev), 1);
		check_ev(&ev, LB_ROUTE_ADD, i, 10, 0, true, lb_nodeset_first(i + 1), 10);
		CU_ASSERT_EQUAL(ev.old_metric, LB_ROUTE_METRIC_NONE);
	}
	/* t = 1 s: 0, 1, 3 refresh (no event); node 2 is silent */
	for (unsigned i = 0; i < 4; i++)
		if (i != 2)
			CU_ASSERT_EQUAL(lb_route_advertise(rt, (uint8_t)i, 10, 1 * S, &ev), 0);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 3 * S);
	/* node 2 expires exactly at 0 + hold, not a nanosecond before */
	CU_ASSERT_EQUAL(lb_route_expire(rt, 3 * S - 1, evs, 4), 0);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 3 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 2, 10, 3 * S, true, ids4(0, 1, 3, -1), 10);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 4 * S);

	/* t = 4 s: node 2 is back, everyone refreshed at 4 s */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 2, 10, 4 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_ADD, 2, 10, 4 * S, true, lb_nodeset_first(4), 10);
	for (unsigned i = 0; i < 4; i++)
		if (i != 2)
			CU_ASSERT_EQUAL(lb_route_advertise(rt, (uint8_t)i, 10, 4 * S, &ev), 0);

	/* node 2 dies at 4.5 s.  t = 5 s: the survivors re-advertise 9; the set
	 * is {0} alone, then {0,1}, then {0,1,3} - while 2's stale 10 stays */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 0, 9, 5 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 0, 9, 5 * S, true, ids4(0, -1, -1, -1), 9);
	CU_ASSERT_EQUAL(ev.old_metric, 10);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 1, 9, 5 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 1, 9, 5 * S, true, ids4(0, 1, -1, -1), 9);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 3, 9, 5 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 3, 9, 5 * S, true, ids4(0, 1, 3, -1), 9);
	CU_ASSERT_EQUAL(lb_route_get(rt, 2, &m, &t), 0);
	CU_ASSERT_EQUAL(m, 10);
	CU_ASSERT_EQUAL(t, 4 * S);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 2), 10);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 0), 9);
	CU_ASSERT_EQUAL(lb_route_neighbours(rt), lb_nodeset_first(4));

	/* t = 6 s (W = 1 s): restore to 10 before node 2's route expired (at
	 * 7 s): the last restore puts dead node 2 back in the set */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 0, 10, 6 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 0, 10, 6 * S, true, ids4(1, 3, -1, -1), 9);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 1, 10, 6 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 1, 10, 6 * S, true, ids4(3, -1, -1, -1), 9);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 3, 10, 6 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 3, 10, 6 * S, true, lb_nodeset_first(4), 10);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 7 * S);
	/* the second loss window closes when 2's hold expires */
	CU_ASSERT_EQUAL(lb_route_expire(rt, 7 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 2, 10, 7 * S, true, ids4(0, 1, 3, -1), 10);

	/* t = 7.5 s: node 1 withdraws; a second withdraw is a no-op */
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 1, 7 * S + 500 * MS, &ev), 1);
	check_ev(&ev, LB_ROUTE_WITHDRAW, 1, 10, 7 * S + 500 * MS, true, ids4(0, 3, -1, -1), 10);
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 1, 7 * S + 600 * MS, &ev), 0);

	/* a refresh resets the hold timer: 0 refreshed at 8 s lives to 11 s,
	 * 3 (last heard at 6 s) goes at 9 s */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 0, 10, 8 * S, &ev), 0);
	CU_ASSERT_EQUAL(lb_route_get(rt, 0, NULL, &t), 0);
	CU_ASSERT_EQUAL(t, 8 * S);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 9 * S);
	/* expire late (at 10 s): the event still carries the exact time */
	CU_ASSERT_EQUAL(lb_route_expire(rt, 10 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 3, 10, 9 * S, true, ids4(0, -1, -1, -1), 10);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 11 * S);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 11 * S - 1, evs, 4), 0);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 11 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 0, 10, 11 * S, true, 0, LB_ROUTE_METRIC_NONE);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), LB_TIME_NEVER);
	lb_route_free(rt);
}

/* Several expiries at once: earliest first, ties by id, bounded by cap;
 * a worse route going does not change the best set. */
static void test_route_expire_order(void)
{
	struct lb_route_params p = {.hold_time_ns = 10 * S};
	struct lb_route *rt = lb_route_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	struct lb_route_event ev, evs[3];
	lb_route_advertise(rt, 40, 20, 2 * S, &ev);
	lb_route_advertise(rt, 7, 5, 1 * S, &ev);
	lb_route_advertise(rt, 9, 5, 1 * S, &ev);
	lb_route_advertise(rt, 63, 5, 3 * S, &ev);
	CU_ASSERT_EQUAL(lb_route_best(rt, NULL), ids4(7, 9, 63, -1));
	CU_ASSERT_EQUAL(lb_route_expire(rt, 12 * S, NULL, 0), 0);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 12 * S, evs, 1), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 7, 5, 11 * S, true, ids4(9, 63, -1, -1), 5);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 11 * S);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 12 * S, evs, 3), 2);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 9, 5, 11 * S, true, ids4(63, -1, -1, -1), 5);
	check_ev(&evs[1], LB_ROUTE_EXPIRE, 40, 20, 12 * S, false, ids4(63, -1, -1, -1), 5);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 13 * S);
	/* a metric change that does not touch the best set */
	lb_route_advertise(rt, 40, 30, 12 * S, &ev);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 40, 31, 12 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 40, 31, 12 * S, false, ids4(63, -1, -1, -1), 5);
	CU_ASSERT_EQUAL(ev.old_metric, 30);
	lb_route_free(rt);
}

/* Resilient with every bucket busy: after {0} -> {0,1}, node 1 wants half
 * the buckets, but none is ever idle for idle_timer (each is used every
 * 1 ms).  Unbalanced timer 0 (the kernel's default): nothing ever moves;
 * 500 ms: everything node 1 wants moves at exactly 1.5 s (unbalanced since
 * the set change at 1 s, nh_res_bucket_should_migrate's "force"). */
static void test_resilient_unbalanced_timer(void)
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

void lb_test_register(void)
{
	LB_SUITE("ecmp", LB_TEST(test_kind_names), LB_TEST(test_resilient_unbalanced_timer), LB_TEST(test_params), LB_TEST(test_empty),
		 LB_TEST(test_modulo_pinned), LB_TEST(test_threshold_pinned), LB_TEST(test_threshold_disruption),
		 LB_TEST(test_modulo_disruption), LB_TEST(test_resilient_remove), LB_TEST(test_resilient_busy_bucket),
		 LB_TEST(test_resilient_small_table), LB_TEST(test_resilient_never_idle));
	LB_SUITE("route", LB_TEST(test_route_params), LB_TEST(test_route_timeline),
		 LB_TEST(test_route_expire_order));
}
