/* test_regression.c - the regression suite of canonical scenarios (issue 5):
 * bounds on their summaries, each written with its closed form and
 * tolerance, and golden files where a bound does not fit.
 *
 * Golden files (tests/regression/golden/) hold summary.csv and events.csv of
 * short deterministic runs: simulated times and counts only, no wall-clock
 * value.  After an intended change of the model, regenerate them with
 *     build/tests/test_regression --update
 * and review the diff before committing it. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../cu_main.h"
#include "e2e_run.h"
#include "expect.h"

#define GOLDEN_DIR SOURCE_ROOT "/tests/regression/golden"

/* Recovery during W (scenarios/recover-during-wait.ini): node 1 crashes at
 * 1 s and recovers at 2 s, inside the survivors' wait W = 3 s.
 *  - the survivors restore n exactly W after their reduced advertisement;
 *  - they see node 1 again within one heartbeat interval + backplane delay
 *    of its recovery (its first heartbeat goes out at once);
 *  - node 1 gets no traffic back before the restore (it advertises n, the
 *    survivors n - d), so no blackhole drop after the readvertise window:
 *    last blackhole <= t_fail + misses x interval + interval + uplink delay
 *    + processing + install + 1 ms. */
static void test_recover_during_wait(void)
{
	struct run r;
	CU_ASSERT_FATAL(e2e_run("recover-during-wait.ini", NULL, NULL, &r));
	e2e_assert_balanced(&r);
	const struct scenario *sc = r.sc;
	CU_ASSERT_EQUAL_FATAL(r.s.t_restore_ns - r.s.t_readvertise_ns, sc->restore_wait_ns);
	uint64_t t_recover = e2e_event_time(&r, "recover", 1, 0);
	CU_ASSERT_EQUAL(t_recover, 2 * LB_NS_PER_S);
	uint64_t t_up = e2e_event_time(&r, "peer_up", -1, t_recover);
	CU_ASSERT(t_up != LB_TIME_NEVER && t_up - t_recover <= sc->heartbeat_interval_ns + LB_NS_PER_MS);
	CU_ASSERT(t_up < r.s.t_restore_ns);
	double bound = e2e_readvertise_bound_s(sc);
	double last = e2e_seconds(r.m.last_drop_after_fail_ns - r.m.t_fail_ns);
	fprintf(stderr, "\n  recover during W: restore at %.4f s, peer_up %.4f s, last drop %.4f s after fail (bound %.4f)",
		e2e_seconds(r.s.t_restore_ns), e2e_seconds(t_up), last, bound);
	CU_ASSERT(r.m.total.drop[SIM_DROP_BLACKHOLE] > 0);
	CU_ASSERT_EQUAL(r.blackhole_after_restore, 0);
	e2e_run_free(&r);
}

/* Lossy uplink: drop_link ~ loss x sent_after_fail / N = 0.1 x S / 4.
 * Tolerance 15%: node 2's ECMP share of 1000 flows deviates from 1/N by a few
 * percent and the loss draw is binomial. */
static void test_lossy_uplink(void)
{
	struct run r;
	CU_ASSERT_FATAL(e2e_run("tests/regression/lossy-uplink.ini", NULL, NULL, &r));
	e2e_assert_balanced(&r);
	double expect = 0.1 * (double)r.sent_after_fail / r.sc->nodes;
	double got = (double)r.m.total.drop[SIM_DROP_LINK];
	fprintf(stderr, "\n  lossy uplink: drop_link %.0f, expected 0.1 x %" G_GUINT64_FORMAT " / %u = %.0f", got,
		r.sent_after_fail, r.sc->nodes, expect);
	CU_ASSERT(fabs(got - expect) <= 0.15 * expect);
	CU_ASSERT_EQUAL(r.m.total.drop[SIM_DROP_BLACKHOLE], 0);
	CU_ASSERT_EQUAL(e2e_event_count(&r, "detect", -1, -1), 0);
	e2e_run_free(&r);
}

/* Backplane down on node 0: nodes 1-3 reduce once; node 0 loses its peers
 * as its own ticks find their heartbeats overdue, which can take two ticks,
 * so it may reduce at its first detection (its view is still a strict
 * subset with peers in it) but restores n once its view is {0} (isolated);
 * the router ends with the ECMP set {1,2,3} at metric n - d.  Until node 0
 * restores, the router may send it everything: a finding the tool shows
 * (doc/model.md); this scenario's seed makes it happen.
 * Packets crossing node 0's backplane port are lost until detection: then
 * node 0 (view {0}) owns every flow it receives and nodes 1-3 re-select the
 * owner of node 0's flows, so nothing is steered over the dead port.
 *   drop_link = R x 2(N-1)/N^2 x D,  D = detection delay, which lies in
 *   ((misses-1) x interval, (misses+1) x interval) (the last heartbeat's
 *   phase and the detecting node's own tick are uniform);
 * bounds: [0.85 x R f (misses-1) iv, 1.15 x R f (misses+1) iv] (15%: the
 * share of 1000 flows crossing the port deviates from 2(N-1)/N^2). */
static void test_backplane_down(void)
{
	struct run r;
	CU_ASSERT_FATAL(e2e_run("tests/regression/backplane-down.ini", NULL, NULL, &r));
	e2e_assert_balanced(&r);
	const struct scenario *sc = r.sc;
	uint32_t reduced = sc->base_metric - sc->metric_reduction;
	/* with seed 2 node 0 sees two peers vanish at one tick and the third at
	 * the next: it reduces once, and for a moment the router's best set is
	 * node 0 alone */
	CU_ASSERT_EQUAL(e2e_event_count(&r, "advertise", 0, reduced), 1);
	bool node0_alone = false;
	for (guint i = 0; i < r.events->len; i++) {
		const struct sim_event *e = &g_array_index(r.events, struct sim_event, i);
		if (strcmp(sim_event_name(e), "route_installed") == 0 && e->set == 0x1)
			node0_alone = true;
	}
	CU_ASSERT(node0_alone);
	for (int n = 1; n < 4; n++)
		CU_ASSERT_EQUAL(e2e_event_count(&r, "advertise", n, reduced), 1);
	int64_t node0_last = -1, fib_metric = -1;
	lb_nodeset fib = 0;
	for (guint i = 0; i < r.events->len; i++) {
		const struct sim_event *e = &g_array_index(r.events, struct sim_event, i);
		if (e->node == 0 && strcmp(sim_event_name(e), "advertise") == 0)
			node0_last = e->value;
		if (strcmp(sim_event_name(e), "route_installed") == 0) {
			fib = e->set;
			fib_metric = e->value;
		}
	}
	CU_ASSERT_EQUAL(node0_last, sc->base_metric);
	CU_ASSERT_EQUAL(fib, 0xe);
	CU_ASSERT_EQUAL(fib_metric, reduced);
	double N = sc->nodes, R = (double)r.sent_before_fail_1s, f = 2 * (N - 1) / (N * N);
	double iv = e2e_seconds(sc->heartbeat_interval_ns), k = sc->heartbeat_misses;
	double lo = 0.85 * R * f * (k - 1) * iv, hi = 1.15 * R * f * (k + 1) * iv;
	double got = (double)r.m.total.drop[SIM_DROP_LINK];
	fprintf(stderr, "\n  backplane down: drop_link %.0f, R x 2(N-1)/N^2 x D = %.0f x %.4f x D in [%.0f, %.0f]", got,
		R, f, lo, hi);
	CU_ASSERT(got >= lo && got <= hi);
	e2e_run_free(&r);
}

/* IPv6 + UDP (scenarios/ipv6-udp.ini): the readvertise bound holds for v6
 * tuples as for v4: last blackhole and last steer_dead <= misses x interval
 * + interval + uplink delay + processing + install + 1 ms after the crash.
 * (Broken UDP flows keep sending, so their no_state drops go on until they
 * end: the window that the bound is about is the blackhole's and the
 * steer_dead's, each reported on its own.)
 *
 * A broken UDP flow keeps sending (issue 12, point 5): a sender that stopped
 * at its break would lose exactly one packet per broken flow
 * (drop_no_state = flows_broken); one that goes on loses every later packet,
 *   drop_no_state = broken x packet_rate x E[remaining time]
 * (expect.c, EXP_DROP_NO_STATE; here 91 flows x 50 pps x ~1.5 s = 6764
 * measured, 7004 expected).  Asserted twice: drop_no_state >= 10 x
 * flows_broken (a stopped sender gives 1 x), and within the closed form's
 * stated bound |measured - expected| <= tolerance x expected + slack. */
static void test_ipv6(void)
{
	struct run r;
	CU_ASSERT_FATAL(e2e_run("ipv6-udp.ini", NULL, NULL, &r));
	e2e_assert_balanced(&r);
	const struct scenario *sc = r.sc;
	CU_ASSERT_EQUAL(sc->ip_version, 6);
	double bound = e2e_readvertise_bound_s(sc);
	double bh = e2e_seconds(r.m.last_drop_cause_ns[SIM_DROP_BLACKHOLE] - r.m.t_fail_ns);
	double sd = e2e_seconds(r.m.last_drop_cause_ns[SIM_DROP_STEER_DEAD] - r.m.t_fail_ns);
	fprintf(stderr, "\n  ipv6: last blackhole %.4f s, last steer_dead %.4f s after the crash, bound %.4f", bh, sd,
		bound);
	CU_ASSERT(r.m.total.delivered > 0);
	CU_ASSERT(bh <= bound && sd <= bound);
	double ns = (double)r.m.total.drop[SIM_DROP_NO_STATE], broken = (double)r.m.flows_broken;
	struct expectation x;
	expect_first_failure(sc, &x);
	const struct expect_fig *fx = &x.fig[EXP_DROP_NO_STATE];
	double got = expect_measured(EXP_DROP_NO_STATE, &r.m, &r.s);
	fprintf(stderr,
		"\n  ipv6: no_state %.0f from %.0f broken flows (a stopped sender: %.0f); broken x packet_rate x "
		"E[remaining] = %.0f +- %.0f%% + %.0f, measured %.0f",
		ns, broken, broken, fx->value, 100 * fx->tolerance, fx->slack, got);
	CU_ASSERT_FATAL(broken > 0);
	CU_ASSERT(ns >= 10 * broken);
	CU_ASSERT(expect_agrees(fx, got));
	e2e_run_free(&r);
}

/* The survivors do not re-advertise at the same instant (each detects on
 * its own heartbeat tick), so the first one's n - d route is installed
 * alone and draws all of the VIP's traffic until the next survivor's is
 * (doc/model.md, "Expectations").  From events.csv: t1 = the first install of a
 * one-node set at n - d, t2 = the next install.  When t2 - t1 spans two
 * bins, some bin lies inside it and one node received every packet the
 * router forwarded in it: peak_node_share = 1 (bound: >= 0.99).  The spike's
 * size, the traffic beyond that node's fair share, is
 *   R x (1 - 1/(N-1)) x (t2 - t1). */
static void test_first_survivor_spike(void)
{
	struct run r;
	CU_ASSERT_FATAL(e2e_run("ipv6-udp.ini", NULL, NULL, &r));
	e2e_assert_balanced(&r);
	const struct scenario *sc = r.sc;
	uint32_t reduced = sc->base_metric - sc->metric_reduction;
	uint64_t t1 = LB_TIME_NEVER, t2 = LB_TIME_NEVER;
	for (guint i = 0; i < r.events->len; i++) {
		const struct sim_event *e = &g_array_index(r.events, struct sim_event, i);
		if (strcmp(sim_event_name(e), "route_installed") != 0)
			continue;
		if (t1 == LB_TIME_NEVER && e->value == reduced && lb_nodeset_count(e->set) == 1)
			t1 = e->t_ns;
		else if (t1 != LB_TIME_NEVER && t2 == LB_TIME_NEVER)
			t2 = e->t_ns;
	}
	CU_ASSERT_FATAL(t1 != LB_TIME_NEVER && t2 != LB_TIME_NEVER && t2 > t1);
	double N = sc->nodes, R = (double)r.sent_before_fail_1s;
	double gap = e2e_seconds(t2 - t1);
	fprintf(stderr, "\n  first survivor alone for %.4f s: peak node share %.3f, spike R x (1 - 1/(N-1)) x gap = %.0f packets",
		gap, r.s.peak_node_share, R * (1 - 1 / (N - 1)) * gap);
	if (t2 - t1 >= 2 * sc->bin_ns)
		CU_ASSERT(r.s.peak_node_share >= 0.99);
	CU_ASSERT(t2 - t1 >= 2 * sc->bin_ns); /* this seed's phases give a visible spike */
	e2e_run_free(&r);
}

/* Golden files: summary.csv and events.csv of short runs, byte for byte. */
static void check_golden(const char *name, const char *scenario, const char *const *sets)
{
	g_autofree gchar *tmp = g_dir_make_tmp("lbsim-golden-XXXXXX", NULL);
	g_autofree gchar *out = g_build_filename(tmp, "run", NULL);
	struct run r;
	CU_ASSERT_FATAL(e2e_run(scenario, sets, out, &r));
	e2e_assert_balanced(&r);
	const char *files[] = {"summary.csv", "events.csv"};
	bool keep = false; /* keep the run's files for diffing when they differ */
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *got = e2e_slurp(out, files[i]);
		g_autofree gchar *gname = g_strdup_printf("%s.%s", name, files[i]);
		g_autofree gchar *gpath = g_build_filename(GOLDEN_DIR, gname, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		if (lb_test_flag("--update")) {
			CU_ASSERT(g_file_set_contents(gpath, got, -1, NULL));
			fprintf(stderr, "\n  updated %s", gpath);
			continue;
		}
		g_autofree gchar *want = NULL;
		if (!g_file_get_contents(gpath, &want, NULL, NULL)) {
			fprintf(stderr, "\n  missing golden file %s (run test_regression --update)", gpath);
			CU_FAIL("golden file missing");
			continue;
		}
		if (strcmp(got, want) != 0) {
			fprintf(stderr, "\n  %s differs from %s/%s (diff them; --update if intended)", gpath, out,
				files[i]);
			keep = true;
		}
		CU_ASSERT_STRING_EQUAL(got, want);
	}
	e2e_run_free(&r);
	if (!keep) {
		CU_ASSERT_EQUAL(lb_test_rmtree(tmp), 0);
	}
}

static void test_golden_default(void)
{
	const char *sets[] = {"scenario.duration=2s", NULL};
	check_golden("default", "default.ini", sets);
}

static void test_golden_premature_restore(void)
{
	check_golden("premature-restore", "premature-restore.ini", NULL);
}

/* Resilient ECMP under readvertise (scenarios/resilient-stuck.ini): the
 * first survivor installed alone takes every bucket; the others' buckets
 * only come back once idle, and busy buckets never are, so with the
 * unbalanced timer at 0 (Linux's default: never force) the first survivor
 * draws > 95% of the VIP's packets for the rest of W.  With the timer at
 * U = 1 s, the group is balanced again U after it became unbalanced (the
 * second survivor's install t2): from t2 + U + 100 ms to the restore each
 * survivor draws 1/(N-1) = 1/3 of the packets, within 0.2..0.5 per bin
 * (the ECMP shares of 128 buckets over a few hundred flows). */
static double share(const struct run *r, size_t b, unsigned node)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < r->sc->nodes; i++)
		sum += r->rx_router[b * r->sc->nodes + i];
	return sum ? (double)r->rx_router[b * r->sc->nodes + node] / (double)sum : 0;
}

static void test_resilient_unbalanced(void)
{
	for (int cured = 0; cured < 2; cured++) {
		const char *const sets[] = {cured ? "router.resilient_unbalanced_timer=1s"
						  : "router.resilient_unbalanced_timer=0s",
					    NULL};
		struct run r;
		CU_ASSERT_FATAL(e2e_run("resilient-stuck.ini", sets, NULL, &r));
		e2e_assert_balanced(&r);
		/* the second install with node 2 out: two survivors at n - d */
		uint64_t t1 = e2e_event_time(&r, "route_installed", -1, r.m.t_fail_ns);
		uint64_t t2 = e2e_event_time(&r, "route_installed", -1, t1 + 1);
		uint64_t from = t2 + (cured ? LB_NS_PER_S : 0) + 100 * LB_NS_PER_MS, to = r.s.t_restore_ns - 100 * LB_NS_PER_MS;
		double lo = 1, hi = 0;
		for (size_t b = from / r.bin_ns + 1; (b + 1) * r.bin_ns <= to; b++)
			for (unsigned i = 0; i < r.sc->nodes; i++) {
				if (i == 2)
					continue;
				double x = share(&r, b, i);
				lo = x < lo ? x : lo;
				hi = x > hi ? x : hi;
			}
		fprintf(stderr, "\n  resilient, unbalanced timer %s: survivors' shares in [%.3f, %.3f] from %.2f s to %.2f s",
			cured ? "1s" : "0s", lo, hi, e2e_seconds(from), e2e_seconds(to));
		CU_ASSERT(cured ? lo > 0.2 && hi < 0.5 : hi > 0.95 && lo < 0.05);
		e2e_run_free(&r);
	}
}

/* A router failure (tests/regression/router-crash.ini: two routers, router
 * 1 crashes at 1 s).  The upstream stage keeps hashing router 1's share R_1
 * of the flows (measured over the second before) to it until it notices:
 *   hold:      drop_router_down = R_1 x W, W = the stage's hold expiry after
 *              the crash, in (hold - refresh, hold] (router 1's last refresh
 *              at a uniform phase): R_1 x (hold - refresh) - 2% <= drops <=
 *              R_1 x hold + 2% (the flows' packet phases);
 *   immediate: only the packets on the wire to router 1: drops <= R_1 x 1 ms.
 * Router 0 then forwards every flow: its hash sends router 1's flows to
 * other receivers, which select the same owners (no node failed): no other
 * loss at all (blackhole, steer_dead, no_state = 0).
 * The closed form (expect_router.c: R_tot / R x (hold - refresh/2 + the
 * link's delays)) agrees with each run within its stated tolerance, and
 * over 8 seeds their mean drop is within 3 sd / sqrt(8) + 3% of it (sd of
 * one run: R_tot / R x refresh / sqrt(12), the refresh phase). */
static void test_router_failure(void)
{
	for (int immediate = 0; immediate < 2; immediate++) {
		double sum = 0, expected = 0, sd = 0;
		unsigned seeds = immediate ? 1 : 8;
		for (unsigned seed = 1; seed <= seeds; seed++) {
			g_autofree gchar *seed_set = g_strdup_printf("scenario.seed=%u", seed);
			const char *const sets[] = {immediate ? "router.upstream_detection=immediate"
							      : "router.upstream_detection=hold",
						    seed_set, NULL};
			struct run r;
			CU_ASSERT_FATAL(e2e_run("tests/regression/router-crash.ini", sets, NULL, &r));
			e2e_assert_balanced(&r);
			const struct scenario *sc = r.sc;
			double R1 = (double)r.router_before_fail_1s[1];
			double hold = e2e_seconds(sc->upstream_hold_time_ns),
			       refresh = e2e_seconds(sc->upstream_refresh_interval_ns);
			double got = (double)r.m.total.drop[SIM_DROP_ROUTER_DOWN];
			double lo = immediate ? 0 : R1 * (hold - refresh) * 0.98, hi = immediate ? R1 * 1e-3 : R1 * hold * 1.02;
			struct expectation x;
			expect_first_failure(sc, &x);
			const struct expect_fig *fd = &x.fig[EXP_DROP_ROUTER_DOWN], *fw = &x.fig[EXP_WINDOW_ROUTER_DOWN];
			uint64_t last = r.m.last_drop_cause_ns[SIM_DROP_ROUTER_DOWN];
			double window = last == LB_TIME_NEVER ? 0 : (double)(last - r.m.t_fail_ns) / 1e9;
			fprintf(stderr,
				"\n  router crash, upstream %s, seed %u: router_down %.0f in [%.0f, %.0f] (R_1 = %.0f/s); "
				"closed form %.0f, window %.3f s (closed form %.3f s)",
				immediate ? "immediate" : "hold", seed, got, lo, hi, R1, fd->value, window, fw->value);
			CU_ASSERT(got >= lo && got <= hi);
			CU_ASSERT(expect_agrees(fd, got));
			CU_ASSERT(expect_agrees(fw, window));
			CU_ASSERT_EQUAL(metrics_lost(&r.m.total), r.m.total.drop[SIM_DROP_ROUTER_DOWN]);
			CU_ASSERT(e2e_event_count(&r, "upstream_route_installed", -1, -1) == 2); /* start, without router 1 */
			sum += got;
			expected = fd->value;
			sd = x.router_rate_pps * x.router_share * refresh / sqrt(12);
			e2e_run_free(&r);
		}
		if (!immediate) {
			double mean = sum / seeds, bound = 3 * sd / sqrt(seeds) + 0.03 * expected;
			fprintf(stderr, "\n  mean over %u seeds %.0f, closed form %.0f +- %.0f", seeds, mean, expected, bound);
			CU_ASSERT(fabs(mean - expected) <= bound);
		}
	}
}

/* The steering cache is a cache: with no failure, a tiny cache (50 entries)
 * or a 20 ms idle timeout only costs misses and evictions, never a flow -
 * the owner's flow-state table has its own capacity and timeout ("auto":
 * every flow of the run, the run's duration).  Before, the owner's table
 * borrowed the cache's: 145 of 663 and 651 of 663 flows broke.
 *   flows_broken = 0; cache evictions (or expiries) > 0 in nodes.csv */
static void test_cache_does_not_break_flows(void)
{
	const char *const small[] = {"failure.1.kind=recover", "cluster.session_capacity=50", NULL};
	const char *const brief[] = {"failure.1.kind=recover", "cluster.session_idle_timeout=20ms", NULL};
	const char *const *cases[] = {small, brief};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct run r;
		CU_ASSERT_FATAL(e2e_run("default.ini", cases[i], NULL, &r));
		e2e_assert_balanced(&r);
		fprintf(stderr, "\n  %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " flows broken, cache evictions %"
			G_GUINT64_FORMAT ", expiries %" G_GUINT64_FORMAT,
			cases[i][1], r.m.flows_broken, r.m.flows_total, r.cache_evictions, r.cache_expiries);
		CU_ASSERT_EQUAL(r.m.flows_broken, 0);
		CU_ASSERT_EQUAL(metrics_lost(&r.m.total), 0);
		CU_ASSERT(r.cache_evictions + r.cache_expiries > 0);
		e2e_run_free(&r);
	}
}

/* failures.csv keeps each failure's figures apart (recover-during-wait.ini:
 * node 1 crashes at 1 s, recovers at 2 s): row 1 is the crash, with its
 * blackhole window and its install without node 1 before 2 s; row 2 the
 * recovery, with no blackhole (node 1 advertises n, the survivors n - d:
 * it gets nothing back before the restore) and an install with node 1 at
 * or after the survivors' restore.  Row drops sum to the run's losses
 * after the first failure. */
static void test_failures_csv(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("lbsim-failures-XXXXXX", NULL);
	g_autofree gchar *run = g_build_filename(dir, "run", NULL);
	struct run r;
	CU_ASSERT_FATAL(e2e_run("recover-during-wait.ini", NULL, run, &r));
	g_autofree gchar *csv = e2e_slurp(run, "failures.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
	CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 4); /* header, 2 rows, "" */
	g_auto(GStrv) h = g_strsplit(lines[0], ",", -1), a = g_strsplit(lines[1], ",", -1),
		      b = g_strsplit(lines[2], ",", -1);
	int col_lost = -1, col_bh = -1, col_install = -1, col_restore = -1, col_wbh = -1;
	for (int i = 0; h[i]; i++) {
		col_lost = strcmp(h[i], "lost") == 0 ? i : col_lost;
		col_bh = strcmp(h[i], "drop_blackhole") == 0 ? i : col_bh;
		col_wbh = strcmp(h[i], "window_blackhole_s") == 0 ? i : col_wbh;
		col_install = strcmp(h[i], "t_install_s") == 0 ? i : col_install;
		col_restore = strcmp(h[i], "t_restore_s") == 0 ? i : col_restore;
	}
	CU_ASSERT_STRING_EQUAL(a[2], "crash");
	CU_ASSERT_STRING_EQUAL(b[2], "recover");
	CU_ASSERT(g_ascii_strtod(a[col_bh], NULL) > 0 && g_ascii_strtod(a[col_wbh], NULL) > 0);
	CU_ASSERT(g_ascii_strtod(a[col_install], NULL) < 2.0);
	CU_ASSERT_EQUAL(g_ascii_strtoull(b[col_bh], NULL, 10), 0);
	CU_ASSERT(g_ascii_strtod(b[col_install], NULL) >= g_ascii_strtod(b[col_restore], NULL));
	uint64_t sum = g_ascii_strtoull(a[col_lost], NULL, 10) + g_ascii_strtoull(b[col_lost], NULL, 10);
	CU_ASSERT_EQUAL(sum, metrics_lost(&r.m.total));
	e2e_run_free(&r);
	CU_ASSERT_EQUAL(lb_test_rmtree(dir), 0);
}

/* Two nodes (scenarios/default.ini with nodes = 2): when node 1 crashes,
 * node 0 is left alone but still hears the router, so under the default
 * isolation rule (uplink) it is a survivor and re-advertises n - d:
 *   loss window <= e2e_readvertise_bound_s (readvertise's closed form);
 * under isolation_check = peers-only it never reduces and the router waits
 * for node 1's hold timer: window >= hold_time - refresh_interval. */
static void test_two_nodes(void)
{
	const char *const uplink[] = {"cluster.nodes=2", "failure.1.node=1", NULL};
	struct run r;
	CU_ASSERT_FATAL(e2e_run("default.ini", uplink, NULL, &r));
	e2e_assert_balanced(&r);
	CU_ASSERT(r.s.t_readvertise_ns != LB_TIME_NEVER);
	double w = e2e_seconds(r.m.last_drop_after_fail_ns - r.m.t_fail_ns);
	fprintf(stderr, "\n  two nodes (uplink): readvertise at %.4f s, window %.4f s <= %.4f", e2e_seconds(r.s.t_readvertise_ns),
		w, e2e_readvertise_bound_s(r.sc));
	CU_ASSERT(w <= e2e_readvertise_bound_s(r.sc));
	e2e_run_free(&r);
	const char *const peers[] = {"cluster.nodes=2", "failure.1.node=1", "cluster.isolation_check=peers-only", NULL};
	CU_ASSERT_FATAL(e2e_run("default.ini", peers, NULL, &r));
	CU_ASSERT_EQUAL(r.s.t_readvertise_ns, LB_TIME_NEVER);
	w = e2e_seconds(r.m.last_drop_after_fail_ns - r.m.t_fail_ns);
	fprintf(stderr, "\n  two nodes (peers-only): no readvertise, window %.4f s >= %.4f", w,
		e2e_seconds(r.sc->hold_time_ns - r.sc->refresh_interval_ns));
	CU_ASSERT(w >= e2e_seconds(r.sc->hold_time_ns - r.sc->refresh_interval_ns));
	e2e_run_free(&r);
}

/* The frr control-plane profile (doc/model.md), readvertise, 8 seeds
 * (tests/regression/frr-readvertise.ini: 4 nodes, no steering, 10 kpps):
 *  - the blackhole window closes at the first survivor's install:
 *      t_install - t_fail in ((m-1) x iv, (m+1) x iv) + D,
 *      D = advertise_delay + advertise_queue_hold + uplink_delay
 *          + update_queue_hold + rib_queue_hold + fib_install_delay (+ 1 ms);
 *  - every lost packet is a blackhole at the dead node, which drew R_d
 *    packets per second (its ECMP share, ~R/N; measured over the second
 *    before the crash): |lost - R_d x window| <= 5% + 10 packets;
 *  - batching: the survivors' updates arriving within the router's 50 ms
 *    queue hold make one FIB change, so reaching the survivor set takes
 *    fewer than N - 1 = 3 changes on average (the ideal profile always
 *    takes 3; the real router 1.7 +- 0.5, doc/validation.md), at least 1. */
static void test_frr_profile(void)
{
	unsigned changes = 0, runs = 8;
	for (unsigned seed = 1; seed <= runs; seed++) {
		g_autofree gchar *set = g_strdup_printf("scenario.seed=%u", seed);
		const char *const sets[] = {set, NULL};
		struct run r;
		CU_ASSERT_FATAL(e2e_run("tests/regression/frr-readvertise.ini", sets, NULL, &r));
		e2e_assert_balanced(&r);
		const struct scenario *sc = r.sc;
		uint64_t iv = sc->heartbeat_interval_ns, m = sc->heartbeat_misses;
		uint64_t D = sc->advertise_delay_ns + sc->advertise_queue_hold_ns + sc->uplink_delay_ns +
			     sc->update_queue_hold_ns + sc->rib_queue_hold_ns + sc->fib_install_delay_ns;
		uint64_t w = r.s.t_install_ns - r.m.t_fail_ns;
		CU_ASSERT(w > (m - 1) * iv + D && w < (m + 1) * iv + D + LB_NS_PER_MS);
		double expect = (double)r.rx_before_fail_1s[2] * e2e_seconds(w);
		uint64_t lost = r.m.total.drop[SIM_DROP_BLACKHOLE];
		CU_ASSERT_EQUAL(lost, metrics_lost(&r.m.total));
		CU_ASSERT(fabs((double)lost - expect) <= 0.05 * expect + 10);
		unsigned n = 0;
		for (guint i = 0; i < r.events->len; i++) {
			const struct sim_event *e = &g_array_index(r.events, struct sim_event, i);
			if (e->t_ns > r.m.t_fail_ns && sim_event_is(e, SIM_EV_ROUTER, LB_RE_ROUTE_INSTALLED)) {
				n++;
				if (e->set == 0xB)
					break;
			}
		}
		changes += n;
		fprintf(stderr, "\n  frr seed %u: window %.4f s in (%.4f, %.4f), lost %" G_GUINT64_FORMAT
			" vs R_d x window = %.0f, %u FIB changes",
			seed, e2e_seconds(w), e2e_seconds((m - 1) * iv + D), e2e_seconds((m + 1) * iv + D), lost,
			expect, n);
		e2e_run_free(&r);
	}
	double mean = (double)changes / runs;
	fprintf(stderr, "\n  frr: %.2f FIB changes to the survivor set on average (ideal: 3)", mean);
	CU_ASSERT(mean >= 1.0 && mean < 2.5);
}

void lb_test_register(void)
{
	LB_SUITE("regression", LB_TEST(test_recover_during_wait), LB_TEST(test_lossy_uplink),
		 LB_TEST(test_backplane_down), LB_TEST(test_ipv6), LB_TEST(test_first_survivor_spike), LB_TEST(test_router_failure), LB_TEST(test_resilient_unbalanced), LB_TEST(test_cache_does_not_break_flows), LB_TEST(test_failures_csv), LB_TEST(test_two_nodes), LB_TEST(test_frr_profile), LB_TEST(test_golden_default),
		 LB_TEST(test_golden_premature_restore));
}
