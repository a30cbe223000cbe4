/* test_expect_grid.c - the closed forms of model/sim/expect.c against the
 * simulator over a grid of small cases: nodes {2, 4, 8, 16, 32} x failover
 * {hold, bfd, readvertise} x owner_hash {modulo, rendezvous, maglev} x
 * session_cache {on, off}, one run each (tests/regression/expect-grid.ini:
 * node 1 crashes at 0.5 s of 1.6 s, heartbeat 50 ms x 3, hold 0.8 s,
 * refresh 0.2 s, BFD 50 ms x 3; about 20k packets/s over
 * F = 1000 x max(1, N/8) flows, exponential 4 s, arrivals F/4 per second
 * so the load is steady; each cell its own seed, scrambled: ns-3 seeds
 * MRG32k3a with (s, ..., s), so the first draws of nearby seeds are nearly
 * an arithmetic progression and would give neighbouring cells related
 * timer phases).
 *
 * Every figure with a closed form must lie within its stated bound:
 *     |measured - expected| <= tolerance x expected + slack
 * tolerance = max(25%, 3 sd of one run / expected) (expect.c: the timer
 * phases' spread and the binomial spread of which flows the dead node
 * receives or owns), slack 2 packets, 1 ms, or 2 flows' worth of a
 * fraction.  The closed forms, next to their bounds (each row's formula is
 * printed on a failure):
 *   window_blackhole_s    hold: hold - refresh/2 + uplink + processing + path(expiry -> FIB) + uplink
 *                         bfd:  mult x iv_bfd - iv_bfd/2 + uplink + path(down -> FIB) + uplink
 *                         readvertise: misses x iv - iv/2 + iv/N + transit + path + uplinks
 *                         (N = 2: the lone survivor reduces, isolation_check = uplink)
 *   t_detect_s            misses x iv - iv/2 + iv/N + transit (bfd: min with the router's BFD down)
 *   t_install_s           the window - uplink
 *   drop_blackhole        R e x window
 *   drop_steer_dead       R a [(1-e)(T + transit) + g E max(0, D - window)]
 *   broken_fraction_alive a A + (1-a) q C
 *   drop_no_state         broken alive flows + new flows that break (TCP: one packet each)
 *   lost                  the sum of the three
 *   window_blackhole2_s   0 here (W longer than the run)
 * The table of relative errors goes to stderr, with the worst per figure;
 * over the grid, and over each failover strategy's cells, each figure's
 * mean relative error must be within 3 sd / sqrt(cells) + 2% of 0 (the
 * closed forms are means: no bias).
 *
 * Under ASan+UBSan (3-4 x slower) the grid runs every third cell only, in
 * the same order, so every value of every axis still appears. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>

#include "../cu_main.h"
#include "expect_check.h"

#define GRID_FILE "tests/regression/expect-grid.ini"

#if defined(__SANITIZE_ADDRESS__)
#define CELL_STRIDE 3
#else
#define CELL_STRIDE 1
#endif

static const unsigned nodes[] = {2, 4, 8, 16, 32};
static const char *const failovers[] = {"hold", "bfd", "readvertise"};
static const char *const owners[] = {"modulo", "rendezvous", "maglev"};
static const char *const caches[] = {"on", "off"};

/* The mean's bound over n cells: 3 sd / sqrt(n) (sd their spread) + 2%
 * (what the closed forms approximate: the detection times by their mean,
 * the exposure by a quadrature over the survivors' phases). */
static double acc_mean(const struct expect_acc *a, double *bound)
{
	double sd, mean = expect_acc_mean(a, &sd);
	*bound = 3 * sd / sqrt(a->n) + 0.02;
	return mean;
}

struct worst {
	double rel; /* signed relative error of the largest |rel| (absolute error when expected = 0) */
	double tol; /* that cell's tolerance */
	char cell[48];
	struct expect_acc all;
	double sum_abs;
};

/* One cell: runs it, asserts every figure within its bound, prints its
 * row of relative errors and keeps the worst; returns the figures beyond
 * their bound. */
static unsigned run_cell(unsigned cell, unsigned N, const char *failover, const char *owner, const char *cache,
			 struct worst *worst, struct expect_acc *group)
{
	unsigned F = 1000 * (N > 8 ? N / 8 : 1), diverged = 0;
	g_autofree gchar *s_n = g_strdup_printf("cluster.nodes=%u", N);
	g_autofree gchar *s_f = g_strdup_printf("router.failover=%s", failover);
	g_autofree gchar *s_o = g_strdup_printf("cluster.owner_hash=%s", owner);
	g_autofree gchar *s_c = g_strdup_printf("cluster.session_cache=%s", cache);
	g_autofree gchar *s_fl = g_strdup_printf("traffic.initial_flows=%u", F);
	g_autofree gchar *s_ar = g_strdup_printf("traffic.flow_arrival_rate=%u", F / 4);
	g_autofree gchar *s_pr = g_strdup_printf("traffic.packet_rate=%g", 20000.0 / F);
	g_autofree gchar *s_sd = g_strdup_printf("scenario.seed=%u", expect_check_seed(cell));
	const char *sets[] = {s_n, s_f, s_o, s_c, s_fl, s_ar, s_pr, s_sd, NULL};
	struct expect_run r;
	CU_ASSERT_FATAL(expect_check_run(GRID_FILE, sets, &r));
	const struct expectation *x = &r.x;
	char name[48];
	snprintf(name, sizeof name, "%2u %-11s %-10s %-3s", N, failover, owner, cache);
	fprintf(stderr, "  %-28s", name);
	for (int f = 0; f < EXP_N; f++) {
		const struct expect_fig *e = &x->fig[f];
		double got = r.got[f];
		if (isnan(e->value) || isnan(got)) {
			fprintf(stderr, " %9s", "-");
			continue;
		}
		/* the bound: |got - expected| <= tolerance x expected + slack,
		 * expected = the closed form in e->formula (printed on a failure) */
		bool ok = expect_agrees(e, got);
		CU_ASSERT(ok);
		double rel = expect_rel_error(got, e->value);
		fprintf(stderr, " %+8.1f%%%s", 100 * rel, ok ? "" : "!");
		if (!ok) {
			diverged++;
			fprintf(stderr, "\n    %s: measured %g, expected %g +- %.0f%% + %g: %s%s\n  %28s",
				expect_column[f], got, e->value, 100 * e->tolerance, e->slack, e->formula,
				e->formula_more, "");
		}
		struct worst *w = &worst[f];
		expect_acc_add(&w->all, rel);
		expect_acc_add(&group[f], rel);
		w->sum_abs += fabs(rel);
		if (fabs(rel) >= fabs(w->rel)) {
			w->rel = rel;
			w->tol = e->tolerance;
			snprintf(w->cell, sizeof w->cell, "%s", name);
		}
	}
	fprintf(stderr, "\n");
	return diverged;
}

static void test_grid(void)
{
	struct worst worst[EXP_N] = {0};
	struct expect_acc by_failover[G_N_ELEMENTS(failovers)][EXP_N] = {0};
	unsigned ran = 0, diverged = 0;
	fprintf(stderr, "\n  %-28s", "cell (N failover owner cache)");
	for (int f = 0; f < EXP_N; f++)
		fprintf(stderr, " %9.9s", expect_column[f]);
	fprintf(stderr, "\n");
	const unsigned nf = G_N_ELEMENTS(failovers), no = G_N_ELEMENTS(owners), nc = G_N_ELEMENTS(caches);
	for (unsigned cell = 0; cell < G_N_ELEMENTS(nodes) * nf * no * nc; cell += CELL_STRIDE, ran++) {
		/* cell = ((node x nf + failover) x no + owner) x nc + cache */
		unsigned ic = cell % nc, io = cell / nc % no, iff = cell / (nc * no) % nf, in = cell / (nc * no * nf);
		diverged += run_cell(cell, nodes[in], failovers[iff], owners[io], caches[ic], worst, by_failover[iff]);
	}
	fprintf(stderr, "  %u cells, %u figures beyond their bound; worst relative error per figure "
			"(and its bound in that cell), mean error over the grid:\n", ran, diverged);
	/* The closed forms are means over the phases and the flows: over the
	 * grid, and over each strategy's cells, the relative errors average
	 * out: |mean| <= 3 sd / sqrt(n) + 2% (acc_mean). */
	for (int k = 0; k < EXP_N; k++) {
		int f = expect_print_order[k];
		const struct worst *w = &worst[f];
		if (!w->all.n)
			continue;
		double bound, mean = acc_mean(&w->all, &bound);
		fprintf(stderr, "    %-22s %+6.1f%% (bound %2.0f%%) at %s  mean %+.1f%% (bound %.1f%%), "
				"mean |error| %.1f%% over %u\n",
			expect_column[f], 100 * w->rel, 100 * w->tol, w->cell, 100 * mean, 100 * bound,
			100 * w->sum_abs / w->all.n, w->all.n);
		if (w->all.n >= 10)
			CU_ASSERT(fabs(mean) <= bound);
	}
	fprintf(stderr, "  mean error (bound) per failover:\n");
	for (size_t iff = 0; iff < G_N_ELEMENTS(failovers); iff++) {
		fprintf(stderr, "    %-11s", failovers[iff]);
		for (int k = 0; k < EXP_N; k++) {
			const struct expect_acc *a = &by_failover[iff][expect_print_order[k]];
			if (!a->n)
				continue;
			double bound, mean = acc_mean(a, &bound);
			bool ok = a->n < 10 || fabs(mean) <= bound;
			fprintf(stderr, " %s %+.1f%% (%.0f%%)%s", expect_column[expect_print_order[k]], 100 * mean,
				100 * bound, ok ? "" : "!");
			CU_ASSERT(ok);
		}
		fprintf(stderr, "\n");
	}
	CU_ASSERT(ran > 0);
}

void lb_test_register(void)
{
	LB_SUITE("expect_grid", LB_TEST(test_grid));
}
