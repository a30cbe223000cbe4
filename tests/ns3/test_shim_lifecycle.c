/* test_shim_lifecycle.c - test_shim's suite shim_lifecycle: simulators
 * created and destroyed with work pending, random streams, and the map of
 * 64-bit seeds to ns-3's (seed, run). */
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "shim_fixture.h"

/* ------------------------------------------------------------------ */
/* 11. repeated create/destroy with work pending                       */

static void noop_ev(void *user)
{
	(void)user;
}

static void test_create_destroy_repeated(void)
{
	for (unsigned it = 0; it < 50; it++) {
		rec_reset();
		struct shim_sim *s = sim_new(it + 1, it % 3, all_scheds[it % NSCHED]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		/* singleton */
		CU_ASSERT_PTR_NULL(shim_sim_create(1, 1, SHIM_SCHED_MAP));
		CU_ASSERT_EQUAL(shim_now_ns(s), 0);
		uint32_t n[5], da, db;
		for (unsigned i = 0; i < 5; i++)
			n[i] = shim_node_create(s);
		CU_ASSERT_EQUAL(n[0], 0); /* ids restart with every simulator */
		CU_ASSERT_EQUAL_FATAL(shim_p2p_connect(s, n[0], n[1], 1000000000ull, 5000, 4, &da, &db), 0);
		CU_ASSERT_EQUAL(da, 0);
		uint32_t devs[3];
		CU_ASSERT_EQUAL_FATAL(shim_backplane_create(s, n + 2, 3, 1000000000ull, 5000, 4, devs), 0);
		shim_set_callbacks(s, on_rx, on_drop, &g_rec);
		struct shim_rng *r = shim_rng_create(s, it);
		(void)shim_rng_uniform(r);
		for (uint32_t i = 0; i < 10; i++) {
			send_seq(s, da, 0, i, 998 + i);
			send_seq(s, devs[i % 3], devs[(i + 1) % 3], i, 500);
		}
		for (unsigned i = 0; i < 20; i++)
			shim_schedule(s, 1000 * i, noop_ev, NULL);
		if (it % 3 == 0)
			shim_run_until(s, 15000); /* some delivered, some still on the way */
		CU_ASSERT(shim_in_flight(s) > 0);
		sim_free(s);
	}
	shim_sim_destroy(NULL);
	/* and a clean one still works afterwards */
	struct pair p;
	CU_ASSERT_FATAL(pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0);
	CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, 9, 998), 0);
	shim_run_until(p.s, END_NS);
	CU_ASSERT_EQUAL_FATAL(g_rec.nrx, 1);
	CU_ASSERT_EQUAL(g_rec.rx[0].t, 13000);
	sim_free(p.s);
}

/* ------------------------------------------------------------------ */
/* 12. rng determinism                                                 */

#define NRNG 32

static void rng_seq(uint64_t seed, uint64_t run, uint64_t stream, double *out)
{
	struct shim_sim *s = sim_new(seed, run, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct shim_rng *r = shim_rng_create(s, stream);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (unsigned i = 0; i < NRNG; i++)
		out[i] = shim_rng_uniform(r);
	sim_free(s);
}

static unsigned n_equal(const double *x, const double *y)
{
	unsigned k = 0;
	for (unsigned i = 0; i < NRNG; i++)
		k += x[i] == y[i];
	return k;
}

static void test_rng(void)
{
	double a[NRNG], b[NRNG], c[NRNG], d[NRNG], e[NRNG];
	rng_seq(7, 1, 3, a);
	rng_seq(7, 1, 3, b);
	rng_seq(7, 2, 3, c);
	rng_seq(8, 1, 3, d);
	rng_seq(7, 1, 4, e);
	unsigned out_of_range = 0, distinct = 0;
	for (unsigned i = 0; i < NRNG; i++) {
		out_of_range += !(a[i] >= 0.0 && a[i] < 1.0) || !(c[i] >= 0.0 && c[i] < 1.0);
		distinct += i > 0 && a[i] != a[i - 1];
	}
	CU_ASSERT_EQUAL(out_of_range, 0);
	CU_ASSERT_EQUAL(distinct, NRNG - 1);
	CU_ASSERT_EQUAL(n_equal(a, b), NRNG); /* same seed, run, stream */
	CU_ASSERT_EQUAL(n_equal(a, c), 0); /* another run */
	CU_ASSERT_EQUAL(n_equal(a, d), 0); /* another seed */
	CU_ASSERT_EQUAL(n_equal(a, e), 0); /* another stream */
	/* seed 0 is a seed of its own (it was taken as 1: aliasing) */
	rng_seq(0, 1, 3, c);
	rng_seq(1, 1, 3, d);
	CU_ASSERT_EQUAL(n_equal(c, d), 0);
	/* two streams in one simulator: independent of creation order */
	struct shim_sim *s = sim_new(7, 1, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct shim_rng *r4 = shim_rng_create(s, 4);
	struct shim_rng *r3 = shim_rng_create(s, 3);
	for (unsigned i = 0; i < NRNG; i++) {
		b[i] = shim_rng_uniform(r3);
		d[i] = shim_rng_uniform(r4);
	}
	CU_ASSERT_EQUAL(n_equal(a, b), NRNG);
	CU_ASSERT_EQUAL(n_equal(e, d), NRNG);
	sim_free(s);
}

/* The 64-bit seed -> ns-3 (seed, run) map (issue 14, defect 1): seeds 1 to
 * SHIM_NS3_MAX_SEED keep ns-3 seed = seed and run = run (the goldens use seed
 * 1, replication r = run r + 1); every other seed runs (ns-3 aborted with
 * "invalid Seed" for 4294944443..4294967296) and none aliases another (seeds
 * 1 and 2^32 + 1 gave identical streams). */
static void test_seed_map(void)
{
	uint32_t s32;
	uint64_t run;
	for (uint64_t r = 0; r < 5; r++) {
		shim_seed_map(1, r, &s32, &run);
		CU_ASSERT_EQUAL(s32, 1);
		CU_ASSERT_EQUAL(run, r);
	}
	shim_seed_map(SHIM_NS3_MAX_SEED, 7, &s32, &run);
	CU_ASSERT(s32 == SHIM_NS3_MAX_SEED && run == 7);
	shim_seed_map(UINT64_C(1) << 32, 7, &s32, &run); /* seed 2^32 (ns-3 aborted: "invalid Seed") */
	CU_ASSERT(s32 >= 1 && s32 <= SHIM_NS3_MAX_SEED && run == SHIM_RUNS_PER_SEED + 7);
	shim_seed_map(UINT64_MAX, SHIM_RUNS_PER_SEED - 1, &s32, &run); /* the top: no overflow */
	CU_ASSERT(s32 >= 1 && s32 <= SHIM_NS3_MAX_SEED && run > SHIM_RUNS_PER_SEED && run < UINT64_MAX);
	/* one-to-one around every boundary: seeds near 0, the ns-3 limit,
	 * 2^32 and the top, runs 0, 1 and the last */
	const uint64_t seeds[] = {0, 1, 2, SHIM_NS3_MAX_SEED - 1, SHIM_NS3_MAX_SEED, SHIM_NS3_MAX_SEED + UINT64_C(1),
				  SHIM_NS3_MAX_SEED + UINT64_C(2), UINT64_C(4294967295), UINT64_C(4294967296),
				  UINT64_C(4294967297), 2 * (uint64_t)SHIM_NS3_MAX_SEED, 2 * (uint64_t)SHIM_NS3_MAX_SEED + 1,
				  UINT64_MAX - 1, UINT64_MAX};
	const uint64_t runs[] = {0, 1, 2, SHIM_RUNS_PER_SEED - 1};
#define G_N_SEEDS (sizeof seeds / sizeof seeds[0])
#define G_N_RUNS (sizeof runs / sizeof runs[0])
	uint32_t ms[G_N_SEEDS * G_N_RUNS];
	uint64_t mr[G_N_SEEDS * G_N_RUNS];
	size_t n = 0;
	for (size_t i = 0; i < G_N_SEEDS; i++)
		for (size_t j = 0; j < G_N_RUNS; j++, n++) {
			shim_seed_map(seeds[i], runs[j], &ms[n], &mr[n]);
			CU_ASSERT(ms[n] >= 1 && ms[n] <= SHIM_NS3_MAX_SEED);
			for (size_t k = 0; k < n; k++)
				CU_ASSERT_FALSE(ms[k] == ms[n] && mr[k] == mr[n]);
		}
	/* runs beyond a seed's block are refused, not wrapped into the next seed's */
	CU_ASSERT_PTR_NULL(sim_new(1, SHIM_RUNS_PER_SEED, SHIM_SCHED_MAP));
	/* the streams: the seeds that aborted now run; 1 and 2^32 + 1 differ */
	double a[NRNG], b[NRNG], c[NRNG];
	rng_seq(UINT64_C(4294944443), 1, 3, a);
	rng_seq(UINT64_C(4294967296), 1, 3, b);
	CU_ASSERT_EQUAL(n_equal(a, b), 0);
	rng_seq(1, 1, 3, a);
	rng_seq(UINT64_C(4294967297), 1, 3, b);
	CU_ASSERT_EQUAL(n_equal(a, b), 0);
	rng_seq(UINT64_MAX, SHIM_RUNS_PER_SEED - 1, 3, c);
	CU_ASSERT_EQUAL(n_equal(a, c), 0);
}

void shim_lifecycle_suite(void)
{
	LB_SUITE("shim_lifecycle", LB_TEST(test_create_destroy_repeated), LB_TEST(test_rng),
		 LB_TEST(test_seed_map));
}
