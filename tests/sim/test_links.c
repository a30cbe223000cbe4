/* test_links.c - the links of a run: the shim's own links against ns-3's
 * devices (the same files), and [links] client_link / server_link = off
 * (what they remove, and what they leave alone). */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cu_main.h"
#include "e2e_run.h"

/* Every CSV of a run is the same byte for byte, and so is the number of
 * simulator events, whether the shim's own links carry the packets or
 * ns-3's PointToPointNetDevices do (LBSIM_NS3_DEVICES=1, doc/shim.md):
 * scenarios with queue drops at the backplane switch (backplane-bottleneck),
 * a lossy link (ns-3's random stream, drawn per arrival), a backplane cut
 * (links down with packets on them), several routers (the upstream stage),
 * IPv6, and the default crash with flows.csv. */
static void test_shim_links_same_files(void)
{
	struct {
		const char *name;
		const char *sets[4];
	} cases[] = {
		{"default.ini", {"scenario.duration=2s", "output.flows=on", NULL}},
		{"backplane-bottleneck.ini", {"scenario.duration=1500ms", NULL}},
		{"tests/regression/lossy-uplink.ini", {"scenario.duration=2s", NULL}},
		{"tests/regression/backplane-down.ini", {"scenario.duration=2s", NULL}},
		{"two-routers.ini", {"scenario.duration=3500ms", NULL}},
		{"ipv6-udp.ini", {"scenario.duration=1500ms", NULL}},
	};
	const char *files[] = {"summary.csv", "timeseries.csv", "nodes.csv", "events.csv", "flows.csv"};
	g_autofree gchar *tmp = g_dir_make_tmp("lbsim-links-XXXXXX", NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *d1 = g_strdup_printf("%s/%zu-shim", tmp, i);
		g_autofree gchar *d2 = g_strdup_printf("%s/%zu-ns3", tmp, i);
		struct run r1, r2;
		g_unsetenv("LBSIM_NS3_DEVICES");
		CU_ASSERT_FATAL(e2e_run(cases[i].name, cases[i].sets, d1, &r1));
		g_setenv("LBSIM_NS3_DEVICES", "1", TRUE);
		gboolean ok = e2e_run(cases[i].name, cases[i].sets, d2, &r2);
		g_unsetenv("LBSIM_NS3_DEVICES");
		CU_ASSERT_FATAL(ok);
		CU_ASSERT_EQUAL(r1.s.events, r2.s.events);
		CU_ASSERT(r1.s.events > 10000);
		unsigned compared = 0;
		for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
			g_autofree gchar *a = e2e_slurp(d1, files[f]);
			g_autofree gchar *b = e2e_slurp(d2, files[f]);
			CU_ASSERT((a == NULL) == (b == NULL));
			if (a && b) {
				CU_ASSERT_STRING_EQUAL(a, b);
				compared++;
			}
		}
		CU_ASSERT(compared >= 4);
		printf("\n  %s: %llu events, %u files identical", cases[i].name, (unsigned long long)r1.s.events,
		       compared);
		e2e_run_free(&r1);
		e2e_run_free(&r2);
	}
	CU_ASSERT_EQUAL(lb_test_rmtree(tmp), 0);
}

/* [links] client_link = off, server_link = off against the default links,
 * default.ini (4 nodes, node 2 crashes at 1 s, readvertise).
 *
 * Events: with the links, every packet crosses the client link (2 events:
 * transmit complete, receive) and every delivered packet the server link
 * (2 more), so the links cost 2 + 2 x delivered/sent events per sent packet
 * (3.93 here, 3% of the packets being lost before any server link); the
 * difference in events per sent packet must be at least 3.8 (the runs'
 * control traffic differs by a few events at most).
 *
 * Losses: removing the client link moves every packet's arrival at the
 * router d_c = 20 us + 1002 x 8 / 100 Gbit/s = 20.08 us earlier; the server
 * link comes after every drop, so it moves none.  A loss window (blackhole,
 * steer_dead, no_state) opens and closes at times the packets do not move
 * (the crash, the router's install, the node's detection), so each of its
 * 2 edges changes its count by at most the packets sent within d_c of it,
 * R x d_c, plus 1 for the packet straddling it, where R = sent / duration:
 *   |lost_cause(off) - lost_cause(on)| <= 2 x (R x d_c + 1)   per cause
 *   |lost(off) - lost(on)|            <= 6 x (R x d_c + 1)   (3 causes)
 * (R = 94383 / 5 s: 2 x 1.38 = 2.76 per cause, 8.3 in all.)
 * The totals balance with the option as without. */
static void test_lean_links(void)
{
	const char *on[] = {NULL};
	const char *off[] = {"links.client_link=off", "links.server_link=off", NULL};
	struct run a, b;
	CU_ASSERT_FATAL(e2e_run("default.ini", on, NULL, &a));
	CU_ASSERT_FATAL(e2e_run("default.ini", off, NULL, &b));
	e2e_assert_balanced(&a);
	e2e_assert_balanced(&b);
	CU_ASSERT_TRUE(a.sc->client_link && a.sc->server_link);
	CU_ASSERT_FALSE(b.sc->client_link || b.sc->server_link);
	double per_a = (double)a.s.events / (double)a.m.total.sent;
	double per_b = (double)b.s.events / (double)b.m.total.sent;
	double saved = 2.0 + 2.0 * (double)a.m.total.delivered / (double)a.m.total.sent;
	printf("\n  events per sent packet: links %.3f, without %.3f (expected saving %.3f)", per_a, per_b, saved);
	CU_ASSERT(per_a - per_b >= 3.8);
	CU_ASSERT(per_a - per_b <= 4.0 + 0.05);
	double dur = (double)a.sc->duration_ns / 1e9;
	double rate = (double)a.m.total.sent / dur;
	double d_c = (double)a.sc->client_delay_ns / 1e9 +
		     (double)(a.sc->packet_size + 2) * 8.0 / (double)a.sc->client_rate_bps;
	double edge = rate * d_c + 1.0;
	const int causes[] = {SIM_DROP_BLACKHOLE, SIM_DROP_STEER_DEAD, SIM_DROP_NO_STATE};
	for (size_t i = 0; i < G_N_ELEMENTS(causes); i++) {
		double x = (double)a.m.total.drop[causes[i]], y = (double)b.m.total.drop[causes[i]];
		printf("\n  cause %d: links %.0f, without %.0f, bound %.2f", causes[i], x, y, 2 * edge);
		CU_ASSERT(fabs(x - y) <= 2 * edge);
		CU_ASSERT(x > 100);
	}
	double la = (double)metrics_lost(&a.m.total), lb = (double)metrics_lost(&b.m.total);
	printf("\n  lost: links %.0f, without %.0f, bound %.2f", la, lb, 6 * edge);
	CU_ASSERT(fabs(la - lb) <= 6 * edge);
	/* the control plane's times do not involve the removed links */
	CU_ASSERT_EQUAL(a.s.t_detect_ns, b.s.t_detect_ns);
	CU_ASSERT_EQUAL(a.s.t_install_ns, b.s.t_install_ns);
	e2e_run_free(&a);
	e2e_run_free(&b);
}

/* Each option alone, and with several routers (the packets enter the
 * upstream stage at once): the runs balance, and each link removed takes
 * its events away. */
static void test_lean_links_each(void)
{
	const char *sets[][4] = {
		{"scenario.duration=2s", NULL},
		{"scenario.duration=2s", "links.client_link=off", NULL},
		{"scenario.duration=2s", "links.server_link=off", NULL},
	};
	uint64_t ev[3] = {0};
	for (size_t i = 0; i < 3; i++) {
		struct run r;
		CU_ASSERT_FATAL(e2e_run("default.ini", sets[i], NULL, &r));
		e2e_assert_balanced(&r);
		ev[i] = r.s.events;
		e2e_run_free(&r);
	}
	CU_ASSERT(ev[1] < ev[0]);
	CU_ASSERT(ev[2] < ev[0]);
	const char *two[] = {"scenario.duration=4s", "links.client_link=off", "links.server_link=off", NULL};
	const char *two_on[] = {"scenario.duration=4s", NULL};
	struct run r, q;
	CU_ASSERT_FATAL(e2e_run("two-routers.ini", two, NULL, &r));
	CU_ASSERT_FATAL(e2e_run("two-routers.ini", two_on, NULL, &q));
	e2e_assert_balanced(&r);
	CU_ASSERT(r.m.total.delivered > 0);
	/* both routers forward (their stage hashes the flows over both) */
	CU_ASSERT(r.s.events < q.s.events);
	CU_ASSERT(llabs((long long)r.m.total.sent - (long long)q.m.total.sent) < (long long)q.m.total.sent / 100);
	e2e_run_free(&r);
	e2e_run_free(&q);
}

void lb_test_register(void)
{
	LB_SUITE("links", LB_TEST(test_shim_links_same_files), LB_TEST(test_lean_links),
		 LB_TEST(test_lean_links_each));
}
