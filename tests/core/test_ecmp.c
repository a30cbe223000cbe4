/* test_ecmp.c - router ECMP groups (lb_ecmp) and the VIP route table
 * (lb_route): here kinds, parameters, the empty group, modulo and
 * hash-threshold (pinned selections, disruption on removal) and the
 * registration; resilient buckets in test_ecmp_resilient.c, the route
 * table in test_ecmp_route.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../cu_main.h"
#include "lbcore/lb_ecmp.h"
#include "test_ecmp.h"

struct lb_ecmp *mk(enum lb_ecmp_kind kind, uint32_t buckets, uint64_t idle)
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

void lb_test_register(void)
{
	LB_SUITE("ecmp", LB_TEST(test_kind_names), LB_TEST(test_resilient_unbalanced_timer), LB_TEST(test_params), LB_TEST(test_empty),
		 LB_TEST(test_modulo_pinned), LB_TEST(test_threshold_pinned), LB_TEST(test_threshold_disruption),
		 LB_TEST(test_modulo_disruption), LB_TEST(test_resilient_remove), LB_TEST(test_resilient_busy_bucket),
		 LB_TEST(test_resilient_small_table), LB_TEST(test_resilient_never_idle));
	LB_SUITE("route", LB_TEST(test_route_params), LB_TEST(test_route_timeline),
		 LB_TEST(test_route_expire_order));
}
