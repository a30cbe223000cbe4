/* test_expect_more.c - the closed forms of model/sim/expect.c outside the
 * grid of test_expect_grid.c (which runs the ideal profile, one router,
 * TCP, W longer than the run):
 *   (a) a premature restore's second window (scenarios/premature-restore.ini:
 *       W = 1 s, hold 4 s, so a second window nearly always opens; and
 *       W = 3 s, 1 s below the hold time, so it opens in about 2 runs of 3);
 *   (b) [router] profile = frr (its work queues batch the survivors' updates);
 *   (c) UDP: a broken flow goes on sending, drop_no_state counts its packets;
 *   (d) a node crash seen by [router] count = 2 routers;
 *   (e) two-node clusters under [cluster] isolation_check = peers-only and
 *       uplink (the lone survivor re-advertises only under uplink).
 * Each case runs k seeds (scrambled: expect_check_seed) and asserts two
 * things of every figure that has a closed form:
 *   - each run within its stated bound (expect_agrees):
 *       |measured - expected| <= tolerance x |expected| + slack,
 *     tolerance = max(25%, 3 sd of one run) (the timer phases, which flows
 *     the dead node receives or owns, the count), slack 2 packets, 1 ms or
 *     2 flows' worth of a fraction;
 *   - the mean over the k runs within that bound / sqrt(k):
 *       |mean - expected| <= tolerance / sqrt(k) x |expected| + slack:
 *     every closed form here is a mean over the random timer phases and
 *     the flows' shares, so k independent runs average to it with the
 *     spread of one run over sqrt(k) (a bias of the closed form larger
 *     than that fails, even when each run stays inside its own bound);
 * and, where the scenario has a premature restore, p_second_window, the
 * probability that the second window opens, against the fraction f of the
 * k runs in which it did (window_blackhole2_s > 0): a binomial count,
 *       |f - p| <= 3 sqrt(p (1 - p) / k) + 1/k.
 * The closed forms, with their formulas (printed beside each row):
 *   window_blackhole2_s  E max(0, H - S): S the last survivor's restore =
 *                        misses x iv + transit + max_j (V_j - U) iv + W + path,
 *                        H the dead route's hold expiry (the hold window)
 *   window_blackhole_s   E[W1] (1 - P(H > S)) + E[H; H > S] with a restore
 *   drop_blackhole       R e W1 + R' e W2
 *   drop_no_state, UDP   each broken flow's packets from its own break to the
 *                        end: rate x int S_res (the dead node's flows at a
 *                        survivor break at its detection D; a flow moved for
 *                        good at the switch; one that comes back loses what
 *                        it sends elsewhere meanwhile)
 *   frr                  the same laws with frr's path delays; the survivors'
 *                        install sequence batched (update_queue_hold)
 *   R = 2, N = 2         the one-router, N-node laws unchanged (describe)
 * A table per case goes to stderr: each figure's closed form and bound,
 * every run's measured value (! beyond its bound), their mean and its bound.
 *
 * Under ASan+UBSan (3-4 x slower) each case runs half its seeds (at least 2);
 * the bounds on the means follow k. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>

#include "../cu_main.h"
#include "expect_check.h"

#if defined(__SANITIZE_ADDRESS__)
#define SEED_DIVISOR 2
#else
#define SEED_DIVISOR 1
#endif

#define GRID_FILE "tests/regression/expect-grid.ini"
#define MAX_SEEDS 16
#define MAX_SETS 6

struct expect_case {
	const char *label;
	const char *file;
	const char *sets[MAX_SETS]; /* NULL-terminated overrides */
	unsigned seeds;             /* k */
};

/* Runs a case's k seeds; asserts every figure of every run within its
 * bound, each figure's mean within its bound / sqrt(k), and
 * p_second_window; prints the case's table.  `index` picks its seeds. */
static void run_case(const struct expect_case *c, unsigned index)
{
	unsigned k = c->seeds / SEED_DIVISOR < 2 ? 2 : c->seeds / SEED_DIVISOR;
	g_assert(k <= MAX_SEEDS);
	double got[MAX_SEEDS][EXP_N];
	struct expect_run r = {0};
	struct expectation x = {0};
	unsigned seed[MAX_SEEDS];
	for (unsigned i = 0; i < k; i++) {
		seed[i] = expect_check_seed(1000 * index + i);
		g_autofree gchar *s_sd = g_strdup_printf("scenario.seed=%u", seed[i]);
		const char *sets[MAX_SETS + 2];
		unsigned n = 0;
		for (; c->sets[n]; n++)
			sets[n] = c->sets[n];
		sets[n++] = s_sd;
		sets[n] = NULL;
		CU_ASSERT_FATAL(expect_check_run(c->file, sets, &r));
		if (i == 0)
			x = r.x; /* the closed forms do not depend on the seed */
		for (int f = 0; f < EXP_N; f++)
			got[i][f] = r.got[f];
	}
	fprintf(stderr, "\n  %s: %s", c->label, c->file);
	for (unsigned n = 0; c->sets[n]; n++)
		fprintf(stderr, " %s", c->sets[n]);
	fprintf(stderr, "\n    %-22s %11s %12s  %-*s %11s %7s %s\n", "figure", "expected", "bound", 9 * (int)k,
		"measured per seed (! beyond its bound)", "mean", "error", "mean's bound");
	for (int j = 0; j < EXP_N; j++) {
		enum expect_figure f = expect_print_order[j];
		const struct expect_fig *e = &x.fig[f];
		if (isnan(e->value))
			continue;
		struct expect_acc acc = {0};
		fprintf(stderr, "    %-22s %11.5g %5.0f%% + %-5.2g", expect_column[f], e->value, 100 * e->tolerance,
			e->slack);
		for (unsigned i = 0; i < k; i++) {
			if (isnan(got[i][f])) {
				fprintf(stderr, " %8s", "-");
				continue;
			}
			/* one run: |measured - expected| <= tolerance x |expected| + slack */
			bool ok = expect_agrees(e, got[i][f]);
			CU_ASSERT(ok);
			fprintf(stderr, " %9.5g%s", got[i][f], ok ? " " : "!");
			expect_acc_add(&acc, got[i][f]);
		}
		if (!acc.n) {
			fprintf(stderr, "\n");
			continue;
		}
		/* the mean of k runs: |mean - expected| <= tolerance / sqrt(k) x
		 * |expected| + slack (the closed form is the mean over the phases
		 * and the flows; one run's spread over sqrt(k)) */
		double sd, mean = expect_acc_mean(&acc, &sd);
		double bound = e->tolerance / sqrt(acc.n) * fabs(e->value) + e->slack;
		bool ok = fabs(mean - e->value) <= bound;
		CU_ASSERT(ok);
		fprintf(stderr, " %11.5g %+6.1f%% +-%.4g%s\n", mean, 100 * expect_rel_error(mean, e->value), bound,
			ok ? "" : "  BEYOND");
		if (!ok)
			fprintf(stderr, "      %s%s\n", e->formula, e->formula_more);
	}
	if (!isnan(x.fig[EXP_WINDOW_BLACKHOLE2].value) && x.p_second_window > 0) {
		/* p_second_window: the fraction f of the k runs with a second
		 * window, a binomial count: |f - p| <= 3 sqrt(p (1-p) / k) + 1/k */
		unsigned opened = 0, n = 0;
		for (unsigned i = 0; i < k; i++) {
			if (isnan(got[i][EXP_WINDOW_BLACKHOLE2]))
				continue;
			n++;
			opened += got[i][EXP_WINDOW_BLACKHOLE2] > 0;
		}
		CU_ASSERT_EQUAL(n, k);
		double p = x.p_second_window, fr = (double)opened / k;
		double bound = 3 * sqrt(p * (1 - p) / k) + 1.0 / k;
		bool ok = fabs(fr - p) <= bound;
		CU_ASSERT(ok);
		fprintf(stderr, "    %-22s %11.4g  binomial: %u of %u runs opened one, %.4g +-%.3g%s\n",
			"p_second_window", p, opened, k, fr, bound, ok ? "" : "  BEYOND");
	}
	fprintf(stderr, "    seeds:");
	for (unsigned i = 0; i < k; i++)
		fprintf(stderr, " %u", seed[i]);
	fprintf(stderr, "\n");
}

static void run_cases(const struct expect_case *cases, size_t n, unsigned first_index)
{
	for (size_t i = 0; i < n; i++)
		run_case(&cases[i], first_index + (unsigned)i);
}

/* (a) scenarios/premature-restore.ini (4 nodes, readvertise, refresh 1 s,
 * hold 4 s, node 2 crashes at 1.5 s of 8 s): with W = 1 s the survivors
 * restore n about 1.3 s after the crash, the dead route is held until
 * 2.6-3.7 s after it: a second window in every run (p ~ 1); with W = 3 s
 * (1 s below the hold time) the restore comes about 3.3 s after the crash,
 * within the hold expiry's spread over the refresh phase: p ~ 0.68. */
static void test_premature_restore(void)
{
	static const struct expect_case cases[] = {
		{"(a) premature restore, W = 1 s, hold 4 s", "premature-restore.ini", {NULL}, 4},
		{"(a) premature restore, W = 3 s = hold - 1 s",
		 "premature-restore.ini",
		 {"cluster.restore_wait=3s", NULL},
		 16},
	};
	run_cases(cases, G_N_ELEMENTS(cases), 100);
}

/* (b) the frr profile on the grid's scenario (4 nodes, node 1 crashes at
 * 0.5 s of 1.6 s, heartbeat 50 ms x 3, hold 0.8 s, refresh 0.2 s, about
 * 20 kpps, modulo owners, cache on), each strategy, and 8 nodes under
 * readvertise (more updates for frr's queues to batch). */
static void test_frr(void)
{
	static const struct expect_case cases[] = {
		{"(b) frr, hold", GRID_FILE, {"router.profile=frr", "router.failover=hold", NULL}, 6},
		{"(b) frr, bfd", GRID_FILE, {"router.profile=frr", "router.failover=bfd", NULL}, 6},
		{"(b) frr, readvertise", GRID_FILE, {"router.profile=frr", "router.failover=readvertise", NULL}, 6},
		{"(b) frr, readvertise, 8 nodes",
		 GRID_FILE,
		 {"router.profile=frr", "router.failover=readvertise", "cluster.nodes=8", NULL},
		 6},
	};
	run_cases(cases, G_N_ELEMENTS(cases), 200);
}

/* (c) UDP on the grid's scenario, each strategy (modulo owners: most
 * broken flows are surviving owners that moved), readvertise with Maglev,
 * and scenarios/ipv6-udp.ini (IPv6, Maglev, toeplitz, readvertise). */
static void test_udp(void)
{
	static const struct expect_case cases[] = {
		{"(c) udp, hold", GRID_FILE, {"traffic.protocol=udp", "router.failover=hold", NULL}, 6},
		{"(c) udp, bfd", GRID_FILE, {"traffic.protocol=udp", "router.failover=bfd", NULL}, 6},
		{"(c) udp, readvertise", GRID_FILE, {"traffic.protocol=udp", "router.failover=readvertise", NULL}, 6},
		{"(c) udp, readvertise, maglev",
		 GRID_FILE,
		 {"traffic.protocol=udp", "router.failover=readvertise", "cluster.owner_hash=maglev", NULL},
		 6},
		{"(c) udp, ipv6-udp.ini", "ipv6-udp.ini", {NULL}, 4},
	};
	run_cases(cases, G_N_ELEMENTS(cases), 300);
}

/* (d) a node crash seen by two routers (the grid's scenario with
 * [router] count = 2: each router's own ECMP hash, sessions and timers),
 * each strategy. */
static void test_two_routers(void)
{
	static const struct expect_case cases[] = {
		{"(d) 2 routers, hold", GRID_FILE, {"router.count=2", "router.failover=hold", NULL}, 6},
		{"(d) 2 routers, bfd", GRID_FILE, {"router.count=2", "router.failover=bfd", NULL}, 6},
		{"(d) 2 routers, readvertise", GRID_FILE, {"router.count=2", "router.failover=readvertise", NULL}, 6},
	};
	run_cases(cases, G_N_ELEMENTS(cases), 400);
}

/* (e) two nodes under readvertise: peers-only (the survivor sees itself
 * isolated, never reduces: the hold window) and uplink (it still hears the
 * router, reduces: the readvertise window). */
static void test_two_nodes(void)
{
	static const struct expect_case cases[] = {
		{"(e) 2 nodes, readvertise, peers-only",
		 GRID_FILE,
		 {"cluster.nodes=2", "cluster.isolation_check=peers-only", "router.failover=readvertise", NULL},
		 6},
		{"(e) 2 nodes, readvertise, uplink",
		 GRID_FILE,
		 {"cluster.nodes=2", "cluster.isolation_check=uplink", "router.failover=readvertise", NULL},
		 6},
	};
	run_cases(cases, G_N_ELEMENTS(cases), 500);
}

void lb_test_register(void)
{
	LB_SUITE("expect_more", LB_TEST(test_premature_restore), LB_TEST(test_frr), LB_TEST(test_udp),
		 LB_TEST(test_two_routers), LB_TEST(test_two_nodes));
}
