/* test_metrics.c - the run's bookkeeping alone: the number of time bins
 * (a duration that is a multiple of the bin has exactly duration / bin of
 * them: a mutant with one extra empty bin at t = duration went unnoticed)
 * and peak_node_share (the sliding spans give what summing each span afresh
 * gave, and a long light run no longer takes hours). */
#include <glib.h>
#include <string.h>

#include "../cu_main.h"
#include "metrics.h"

static void test_bin_count(void)
{
	static const struct {
		uint64_t duration, bin;
		size_t bins;
	} cases[] = {
		{1000000000, 10000000, 100},  /* 1 s of 10 ms: 100, none at t = 1 s */
		{1005000000, 10000000, 101},  /* a partial last bin counts */
		{1000000001, 10000000, 101},
		{10000000, 10000000, 1},      /* one bin */
		{12000000000, 1000000000, 12},
		{7, 3, 3},
		{6, 3, 2},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct sim_metrics m;
		metrics_init(&m, cases[i].duration, cases[i].bin, 4, 1);
		CU_ASSERT_EQUAL(m.n_bins, cases[i].bins);
		/* the last instant of the run falls in the last bin */
		CU_ASSERT_EQUAL(metrics_bin(&m, cases[i].duration - 1), cases[i].bins - 1);
		metrics_clear(&m);
	}
}

/* The definition, summed afresh for every span (quadratic). */
static double peak_reference(const struct sim_metrics *m, uint64_t t0)
{
	double peak = 0;
	size_t first = metrics_bin(m, t0);
	uint64_t per[LB_MAX_NODES];
	for (size_t b = first; b < m->n_bins; b++) {
		uint64_t sum = 0;
		memset(per, 0, sizeof per);
		size_t e = b;
		for (; e < m->n_bins && sum < 100; e++)
			for (unsigned i = 0; i < m->n_nodes; i++) {
				per[i] += m->node_bins[e * m->n_nodes + i].rx_router;
				sum += m->node_bins[e * m->n_nodes + i].rx_router;
			}
		if (sum == 0 || (sum < 100 && b > first))
			break;
		for (unsigned i = 0; i < m->n_nodes; i++)
			if ((double)per[i] / (double)sum > peak)
				peak = (double)per[i] / (double)sum;
		if (e == m->n_bins)
			break;
	}
	return peak;
}

static void test_peak_share_spans(void)
{
	GRand *r = g_rand_new_with_seed(7);
	for (int trial = 0; trial < 200; trial++) {
		struct sim_metrics m;
		unsigned nodes = (unsigned)g_rand_int_range(r, 1, 9);
		size_t bins = (size_t)g_rand_int_range(r, 1, 400);
		metrics_init(&m, bins * 1000, 1000, nodes, 1);
		int density = g_rand_int_range(r, 0, 4); /* empty, sparse, medium, heavy */
		for (size_t b = 0; b < bins; b++)
			for (unsigned i = 0; i < nodes; i++) {
				uint32_t x = g_rand_int(r);
				uint64_t v = density == 0 ? 0 : density == 1 ? (x % 50 == 0) : density == 2 ? x % 7 : x % 300;
				m.node_bins[b * nodes + i].rx_router = v;
			}
		uint64_t t0 = (uint64_t)g_rand_int_range(r, 0, (gint32)(bins * 1000));
		CU_ASSERT_EQUAL(metrics_peak_node_share(&m, t0), peak_reference(&m, t0));
		metrics_clear(&m);
	}
	g_rand_free(r);
}

/* 1 000 000 bins holding 200 packets, 5000 bins apart: each span from the
 * first half covers 500 000 bins.  Summed afresh, 2.5e11 additions
 * (minutes; hours under the sanitizers: the test's timeout ends it); sliding,
 * 2e6.  One node draws everything: share 1. */
static void test_peak_share_long_light_run(void)
{
	struct sim_metrics m;
	size_t bins = 1000000;
	metrics_init(&m, bins * 1000, 1000, 1, 1);
	for (size_t b = 0; b < bins; b += 5000)
		m.node_bins[b].rx_router = 1;
	CU_ASSERT_DOUBLE_EQUAL(metrics_peak_node_share(&m, 0), 1.0, 0);
	metrics_clear(&m);
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("metrics", NULL, NULL);
	CU_add_test(s, "test_bin_count", test_bin_count);
	CU_add_test(s, "test_peak_share_spans", test_peak_share_spans);
	CU_add_test(s, "test_peak_share_long_light_run", test_peak_share_long_light_run);
}
