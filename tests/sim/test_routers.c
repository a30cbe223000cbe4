/* test_routers.c - what the router failure kinds do (issue 13), on short
 * variants of scenarios/two-routers.ini (2 routers, 4 nodes, ideal control
 * plane: processing_delay 1 ms, fib_install_delay 50 ms), asserted from the
 * run's events and its router_load.csv (per bin, router and node: the data
 * packets that router forwarded to that node).
 *
 *  - router-link-down (router 0, node 2) at 1 s: router 0 loses carrier
 *    towards node 2 and installs a set without it one path later
 *    (processing + FIB install); from then on it sends node 2 nothing, while
 *    router 1 goes on sending it its share.  router-link-up at 2 s: node 2
 *    advertises to router 0 again, which installs it again and sends it its
 *    ECMP share.
 *  - router-crash (router 1) at 3 s, router-recover at 3.5 s: the upstream
 *    stage drops router 1 at once (upstream_detection = immediate) and
 *    re-adds it on its advertisement after the recovery; router 1 starts
 *    cold and learns the nodes' routes again, then forwards its share. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cu_main.h"
#include "e2e_run.h"

#define MAX_BINS 1024

/* router_load.csv: load[bin][router][node] */
struct load {
	uint64_t bin_ns;
	size_t n_bins;
	uint64_t pk[MAX_BINS][SCENARIO_MAX_ROUTERS][LB_MAX_NODES];
};

static void read_load(const char *dir, uint64_t bin_ns, struct load *l)
{
	memset(l, 0, sizeof *l);
	l->bin_ns = bin_ns;
	g_autofree gchar *text = e2e_slurp(dir, "router_load.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	CU_ASSERT_FATAL(g_str_has_prefix(lines[0], "time_s,router,node,packets,"));
	for (size_t i = 1; lines[i] && lines[i][0]; i++) {
		double t = 0;
		unsigned r = 0, n = 0;
		unsigned long long p = 0;
		CU_ASSERT_FATAL(sscanf(lines[i], "%lf,%u,%u,%llu,", &t, &r, &n, &p) == 4);
		size_t b = (size_t)llround(t * 1e9 / (double)bin_ns);
		CU_ASSERT_FATAL(b < MAX_BINS && r < SCENARIO_MAX_ROUTERS && n < LB_MAX_NODES);
		l->pk[b][r][n] = p;
		l->n_bins = b + 1 > l->n_bins ? b + 1 : l->n_bins;
	}
}

static uint64_t router_sum(const struct load *l, size_t b, unsigned r, unsigned nodes)
{
	uint64_t s = 0;
	for (unsigned n = 0; n < nodes; n++)
		s += l->pk[b][r][n];
	return s;
}

/* The bins lying wholly inside [from, to). */
static size_t bin_first(const struct load *l, uint64_t from)
{
	return (size_t)((from + l->bin_ns - 1) / l->bin_ns);
}
static size_t bin_end(const struct load *l, uint64_t to)
{
	size_t e = (size_t)(to / l->bin_ns);
	return e < l->n_bins ? e : l->n_bins;
}

/* The first route_installed of `router` at or after t whose set contains
 * (want = true) or lacks (want = false) node; LB_TIME_NEVER when none. */
static uint64_t install_time(const struct run *r, int router, unsigned node, bool want, uint64_t t)
{
	for (guint i = 0; i < r->events->len; i++) {
		const struct sim_event *e = &g_array_index(r->events, struct sim_event, i);
		if (e->t_ns < t || e->router != router || strcmp(sim_event_name(e), "route_installed") != 0 ||
		    !e->has_set || e->set == 0)
			continue;
		if (((e->set & lb_nodeset_bit(node)) != 0) == want)
			return e->t_ns;
	}
	return LB_TIME_NEVER;
}

static gchar *make_dir(void)
{
	return g_dir_make_tmp("lbsim-routers-XXXXXX", NULL);
}

/* router-link-down / router-link-up of router 0 towards node 2.
 * Bounds, per bin wholly inside each interval:
 *   [install without 2, link-up):  router 0 -> node 2 = 0; router 1 -> node 2 > 0
 *   [install with 2 + 100 ms, end): router 0 -> node 2 / router 0's total in
 *     [0.15, 0.35] (its ECMP share e = 1/N = 0.25 over ~1000 flows per bin)
 * Loss: router 0 keeps sending node 2 its share until its install, into a
 * link that is down:
 *   drop_link = R_02 x (t_install - t_down),  t_install - t_down =
 *     processing_delay + fib_install_delay = 51 ms,
 * R_02 router 0's packet rate to node 2 over the 200 ms before; bound
 * +-15% + 2 packets (the count's Poisson spread is ~6% at ~260). */
static void test_router_link(void)
{
	const char *const sets[] = {"scenario.duration=3s",   "failure.1.kind=router-link-down",
				    "failure.1.router=0",     "failure.1.node=2",
				    "failure.2.kind=router-link-up", "failure.2.at=2s",
				    "failure.2.router=0",     "failure.2.node=2",
				    NULL};
	g_autofree gchar *tmp = make_dir();
	g_autofree gchar *out = g_build_filename(tmp, "run", NULL);
	struct run r;
	CU_ASSERT_FATAL(e2e_run("two-routers.ini", sets, out, &r));
	e2e_assert_balanced(&r);
	unsigned N = r.sc->nodes;
	uint64_t t_down = LB_NS_PER_S, t_up = 2 * LB_NS_PER_S;
	uint64_t t_off = install_time(&r, 0, 2, false, t_down);
	uint64_t t_on = install_time(&r, 0, 2, true, t_up);
	CU_ASSERT_FATAL(t_off != LB_TIME_NEVER && t_off < t_up);
	CU_ASSERT_FATAL(t_on != LB_TIME_NEVER);
	/* router 1 never drops node 2 */
	CU_ASSERT_EQUAL(install_time(&r, 1, 2, false, 0), LB_TIME_NEVER);
	struct load *l = g_new(struct load, 1);
	read_load(out, r.bin_ns, l);
	uint64_t r0_to_2 = 0, r1_to_2_min = UINT64_MAX;
	for (size_t b = bin_first(l, t_off); b < bin_end(l, t_up); b++) {
		r0_to_2 += l->pk[b][0][2];
		r1_to_2_min = MIN(r1_to_2_min, l->pk[b][1][2]);
	}
	double lo = 1, hi = 0;
	for (size_t b = bin_first(l, t_on + 100 * LB_NS_PER_MS); b < l->n_bins; b++) {
		uint64_t all = router_sum(l, b, 0, N);
		double x = all ? (double)l->pk[b][0][2] / (double)all : 0;
		lo = MIN(lo, x);
		hi = MAX(hi, x);
	}
	uint64_t before = 0; /* over the 200 ms before (the load declines from the initial flows to steady state) */
	for (size_t b = bin_first(l, t_down - 200 * LB_NS_PER_MS); b < bin_end(l, t_down); b++)
		before += l->pk[b][0][2];
	double rate = (double)before / 0.2, path = e2e_seconds(t_off - t_down);
	double expect = rate * path, got = (double)r.m.total.drop[SIM_DROP_LINK];
	fprintf(stderr,
		"\n  router-link: router 0 drops node 2 after %.4f s, sends it %" G_GUINT64_FORMAT
		" packets until the link is up (router 1: >= %" G_GUINT64_FORMAT " per bin); back %.4f s after "
		"link-up, share %.3f..%.3f; drop_link %.0f vs R_02 x path = %.0f/s x %.4f s = %.0f",
		path, r0_to_2, r1_to_2_min, e2e_seconds(t_on - t_up), lo, hi, got, rate, path, expect);
	CU_ASSERT_EQUAL(r0_to_2, 0);
	CU_ASSERT(r1_to_2_min > 0 && r1_to_2_min != UINT64_MAX);
	CU_ASSERT(lo >= 0.15 && hi <= 0.35);
	CU_ASSERT(fabs(got - expect) <= 0.15 * expect + 2);
	/* processing_delay + fib_install_delay, each way */
	double want = e2e_seconds(r.sc->processing_delay_ns + r.sc->fib_install_delay_ns);
	CU_ASSERT(fabs(path - want) <= 1e-4);
	CU_ASSERT(fabs(e2e_seconds(t_on - t_up) - want) <= 1e-4);
	/* nobody failed: no node detects anything, no flow breaks */
	CU_ASSERT_EQUAL(e2e_event_count(&r, "detect", -1, -1), 0);
	CU_ASSERT_EQUAL(r.m.flows_broken, 0);
	g_free(l);
	e2e_run_free(&r);
	lb_test_rmtree(tmp);
}

/* router-crash of router 1 at 3 s (node 2 crashed at 1 s), router-recover
 * at 3.5 s.  Asserted:
 *   - the upstream stage installs {0} at the crash and {0, 1} after the
 *     recovery (upstream_route_installed);
 *   - router 1, cold, installs a set of the live nodes {0, 1, 3} after the
 *     recovery, never node 2;
 *   - from the crash to the recovery router 0 forwards every packet
 *     (router 1's row in router_load.csv is 0);
 *   - from router 1's install + 100 ms to the end, router 1 forwards its
 *     share of the stage's hash-threshold ECMP, 1/R = 1/2 of the flows:
 *     within [0.35, 0.65] of the routers' packets per bin;
 *   - the stage takes router 1 back on its first advertisement, before
 *     router 1 has learned the VIP (doc/model.md, "A router recovery"):
 *     the flows it hashes to router 1 meanwhile are lost as no_route,
 *       gap = (d + c + a + p + f) - (d_up + c_up)
 *     (router 1's first install: the nodes' advertisements over the uplink,
 *     delay d, serialisation c of 64 bytes, advertise_delay a, then its
 *     processing_delay p and fib_install_delay f; the stage's re-add: its
 *     link's delay d_up and serialisation c_up), 51 ms here, within 10 us;
 *       drop_no_route = R_tot x s x gap,
 *     R_tot the stage's rate (router 0's over the 200 ms before the
 *     recovery: it carries everything then), s router 1's mean share after;
 *     bound +-15% + 2 packets (Poisson ~4% at ~800, the rate's drift). */
static void test_router_recover(void)
{
	const char *const sets[] = {"scenario.duration=4.5s", "failure.3.kind=router-recover", "failure.3.at=3.5s",
				    "failure.3.router=1", NULL};
	g_autofree gchar *tmp = make_dir();
	g_autofree gchar *out = g_build_filename(tmp, "run", NULL);
	struct run r;
	CU_ASSERT_FATAL(e2e_run("two-routers.ini", sets, out, &r));
	e2e_assert_balanced(&r);
	unsigned N = r.sc->nodes;
	uint64_t t_crash = 3 * LB_NS_PER_S, t_rec = 3500 * LB_NS_PER_MS;
	uint64_t stage_without = LB_TIME_NEVER, stage_with = LB_TIME_NEVER, r1_install = LB_TIME_NEVER;
	lb_nodeset r1_set = 0;
	bool r1_has_2 = false;
	for (guint i = 0; i < r.events->len; i++) {
		const struct sim_event *e = &g_array_index(r.events, struct sim_event, i);
		const char *name = sim_event_name(e);
		if (strcmp(name, "upstream_route_installed") == 0) {
			if (e->t_ns >= t_crash && e->t_ns < t_rec && e->set == 0x1 && stage_without == LB_TIME_NEVER)
				stage_without = e->t_ns;
			if (e->t_ns >= t_rec && e->set == 0x3 && stage_with == LB_TIME_NEVER)
				stage_with = e->t_ns;
		}
		if (strcmp(name, "route_installed") == 0 && e->router == 1 && e->t_ns >= t_rec && e->has_set) {
			r1_has_2 |= (e->set & lb_nodeset_bit(2)) != 0;
			if (e->set != 0) {
				r1_install = r1_install == LB_TIME_NEVER ? e->t_ns : r1_install;
				r1_set = e->set;
			}
		}
	}
	CU_ASSERT_EQUAL(stage_without, t_crash);
	CU_ASSERT_FATAL(stage_with != LB_TIME_NEVER);
	CU_ASSERT_FATAL(r1_install != LB_TIME_NEVER);
	CU_ASSERT_EQUAL(r1_set, 0xb); /* {0, 1, 3} */
	CU_ASSERT_FALSE(r1_has_2);
	struct load *l = g_new(struct load, 1);
	read_load(out, r.bin_ns, l);
	uint64_t r1_down = 0, r0_down = 0;
	for (size_t b = bin_first(l, t_crash); b < bin_end(l, t_rec); b++) {
		r1_down += router_sum(l, b, 1, N);
		r0_down += router_sum(l, b, 0, N);
	}
	double lo = 1, hi = 0;
	uint64_t sum0 = 0, sum1 = 0;
	for (size_t b = bin_first(l, r1_install + 100 * LB_NS_PER_MS); b < l->n_bins; b++) {
		uint64_t a = router_sum(l, b, 0, N), c = router_sum(l, b, 1, N);
		double x = a + c ? (double)c / (double)(a + c) : 0;
		lo = MIN(lo, x);
		hi = MAX(hi, x);
		sum0 += a;
		sum1 += c;
	}
	const struct scenario *sc = r.sc;
	double ctl = 64 * 8.0;
	double gap_closed = e2e_seconds(sc->uplink_delay_ns + sc->advertise_delay_ns + sc->processing_delay_ns +
					sc->fib_install_delay_ns) +
			    ctl / (double)sc->uplink_rate_bps - e2e_seconds(sc->upstream_delay_ns) -
			    ctl / (double)sc->upstream_rate_bps;
	double gap = e2e_seconds(r1_install - stage_with);
	uint64_t r0_before = 0;
	for (size_t b = bin_first(l, t_rec - 200 * LB_NS_PER_MS); b < bin_end(l, t_rec); b++)
		r0_before += router_sum(l, b, 0, N);
	double R_tot = (double)r0_before / 0.2, s_share = (double)sum1 / (double)MAX(1, sum0 + sum1);
	double expect = R_tot * s_share * gap_closed, got = (double)r.m.total.drop[SIM_DROP_NO_ROUTE];
	fprintf(stderr, "\n  router-recover: no_route %.0f vs R_tot x s x gap = %.0f/s x %.3f x %.6f s = %.0f "
			"(gap measured %.6f s)",
		got, R_tot, s_share, gap_closed, expect, gap);
	CU_ASSERT(fabs(gap - gap_closed) <= 1e-5);
	CU_ASSERT(fabs(got - expect) <= 0.15 * expect + 2);
	CU_ASSERT(got > 0); /* the stage re-adds router 1 before it holds a route */
	fprintf(stderr,
		"\n  router-recover: stage without router 1 at %.6f s, with it again at %.6f s; router 1 installs "
		"{0,1,3} at %.6f s; while down router 0 forwarded %" G_GUINT64_FORMAT ", router 1 %" G_GUINT64_FORMAT
		"; after, router 1's share %.3f..%.3f",
		e2e_seconds(stage_without), e2e_seconds(stage_with), e2e_seconds(r1_install), r0_down, r1_down, lo,
		hi);
	CU_ASSERT(r0_down > 0);
	CU_ASSERT_EQUAL(r1_down, 0);
	CU_ASSERT(lo >= 0.35 && hi <= 0.65);
	CU_ASSERT_EQUAL(r.m.total.drop[SIM_DROP_ROUTER_DOWN], 0); /* immediate: nothing sent to it while down */
	/* failures.csv names the router of each router failure (node empty) and
	 * no router for a node's: crash of node 2, router-crash and
	 * router-recover of router 1 */
	g_autofree gchar *fcsv = e2e_slurp(out, "failures.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fcsv);
	g_auto(GStrv) rows = g_strsplit(fcsv, "\n", -1);
	CU_ASSERT_FATAL(g_strv_length(rows) == 5); /* header, 3 rows, "" */
	g_auto(GStrv) head = g_strsplit(rows[0], ",", -1);
	int col_router = -1, col_node = -1, col_kind = -1;
	for (int i = 0; head[i]; i++) {
		col_router = strcmp(head[i], "router") == 0 ? i : col_router;
		col_node = strcmp(head[i], "node") == 0 ? i : col_node;
		col_kind = strcmp(head[i], "kind") == 0 ? i : col_kind;
	}
	CU_ASSERT_FATAL(col_router >= 0 && col_node >= 0 && col_kind >= 0);
	static const char *const want[3][3] = {{"crash", "2", ""}, {"router-crash", "", "1"}, {"router-recover", "", "1"}};
	for (int i = 0; i < 3; i++) {
		g_auto(GStrv) c = g_strsplit(rows[i + 1], ",", -1);
		CU_ASSERT_STRING_EQUAL(c[col_kind], want[i][0]);
		CU_ASSERT_STRING_EQUAL(c[col_node], want[i][1]);
		CU_ASSERT_STRING_EQUAL(c[col_router], want[i][2]);
	}
	g_free(l);
	e2e_run_free(&r);
	lb_test_rmtree(tmp);
}

void lb_test_register(void)
{
	LB_SUITE("routers", LB_TEST(test_router_link), LB_TEST(test_router_recover));
}
