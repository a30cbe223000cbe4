/* test_gaps.c - behaviours of the simulated world that no test pinned
 * (issue 14, "Tests that miss real bugs": single-line mutants of these
 * survived the suite): the no_route drop at the router and at the upstream
 * stage, nodes.csv's steered_in against steered_out, and the number of time
 * bins in the CSVs. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "../cu_main.h"
#include "e2e_run.h"


/* Column `name` of a CSV as numbers, one per data row; *rows set. */
static double *column(const char *dir, const char *file, const char *name, size_t *rows)
{
	g_autofree gchar *text = e2e_slurp(dir, file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	gchar **lines = g_strsplit(text, "\n", -1);
	gchar **head = g_strsplit(lines[0], ",", -1);
	int col = -1;
	for (int i = 0; head[i]; i++)
		if (strcmp(head[i], name) == 0)
			col = i;
	CU_ASSERT_FATAL(col >= 0);
	size_t n = 0;
	double *v = g_new0(double, g_strv_length(lines));
	for (size_t i = 1; lines[i] && *lines[i]; i++) {
		gchar **f = g_strsplit(lines[i], ",", -1);
		v[n++] = g_ascii_strtod(f[col], NULL);
		g_strfreev(f);
	}
	g_strfreev(head);
	g_strfreev(lines);
	*rows = n;
	return v;
}

/* From bin start `from` (s) on: the packets sent and those dropped as
 * no_route, and those delivered. */
static void suffix(const char *dir, double from, double *sent, double *no_route, double *delivered)
{
	size_t n = 0, n2 = 0, n3 = 0, n4 = 0;
	g_autofree double *t = column(dir, "timeseries.csv", "time_s", &n);
	g_autofree double *s = column(dir, "timeseries.csv", "sent", &n2);
	g_autofree double *d = column(dir, "timeseries.csv", "drop_no_route", &n3);
	g_autofree double *ok = column(dir, "timeseries.csv", "delivered", &n4);
	*sent = *no_route = *delivered = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] < from)
			continue;
		*sent += s[i];
		*no_route += d[i];
		*delivered += ok[i];
	}
}

/* Two nodes, both router links down at 1 s: once the router has installed
 * the empty set (carrier loss: processing_delay + fib_install_delay), every
 * packet it receives is dropped as no_route.  From the first whole bin
 * after that install, drop_no_route = sent (+- the few packets still on
 * the 20 us client link at a bin's edge) and nothing is delivered. */
static void test_no_route_at_router(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "no-route", NULL);
	const char *const sets[] = {"cluster.nodes=2", "failure.1.kind=link-down", "failure.1.node=0",
				    "failure.2.at=1s", "failure.2.kind=link-down", "failure.2.node=1", NULL};
	struct run r;
	CU_ASSERT_FATAL(e2e_run("default.ini", sets, dir, &r));
	e2e_assert_balanced(&r);
	uint64_t t_inst = LB_TIME_NEVER;
	for (guint i = 0; i < r.events->len; i++) {
		const struct sim_event *e = &g_array_index(r.events, struct sim_event, i);
		if (e->t_ns >= LB_NS_PER_S && e->has_set && e->set == 0 && strcmp(sim_event_name(e), "route_installed") == 0) {
			t_inst = e->t_ns;
			break;
		}
	}
	CU_ASSERT_FATAL(t_inst != LB_TIME_NEVER);
	/* ideal carrier loss: processing 1 ms + FIB 50 ms */
	CU_ASSERT_EQUAL(t_inst, LB_NS_PER_S + r.sc->processing_delay_ns + r.sc->fib_install_delay_ns);
	double from = (double)((t_inst / r.sc->bin_ns + 1) * r.sc->bin_ns) / 1e9, sent, no_route, delivered;
	suffix(dir, from, &sent, &no_route, &delivered);
	fprintf(stderr, "\n  no route from %.3f s: sent %.0f, dropped no_route %.0f, delivered %.0f", from, sent, no_route,
		delivered);
	CU_ASSERT(sent > 1000);
	CU_ASSERT(no_route >= sent - 5 && no_route <= sent + 5);
	CU_ASSERT_EQUAL(delivered, 0);
	CU_ASSERT(r.m.total.drop[SIM_DROP_NO_ROUTE] >= no_route);
	e2e_run_free(&r);
}

/* Two routers, both crashed at 1 s, detected at once upstream: the
 * upstream stage (no processing or install delay) has no route from then
 * on, and drops every packet as no_route. */
static void test_no_route_upstream(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "no-route-up", NULL);
	const char *const sets[] = {"failure.1.at=4s", "failure.2.at=1s", "failure.3.at=1s",
				    "failure.3.kind=router-crash", "failure.3.router=0", NULL};
	struct run r;
	CU_ASSERT_FATAL(e2e_run("two-routers.ini", sets, dir, &r));
	e2e_assert_balanced(&r);
	double sent, no_route, delivered;
	suffix(dir, 1.01, &sent, &no_route, &delivered);
	fprintf(stderr, "\n  upstream no route from 1.01 s: sent %.0f, dropped no_route %.0f, delivered %.0f", sent,
		no_route, delivered);
	CU_ASSERT(sent > 1000);
	CU_ASSERT(no_route >= sent - 5 && no_route <= sent + 5);
	CU_ASSERT_EQUAL(delivered, 0);
	e2e_run_free(&r);
}

/* No failure (a lossless "lossy" link), flows that all end by 1 s of a 2 s
 * run: nothing is in flight at the end, so every packet a node steered out
 * over the backplane was steered in by its owner - sum(steered_in) =
 * sum(steered_out) > 0 - every packet the router sent a node was received,
 * and everything delivered went to a server.  And 2 s of 10 ms bins are 200
 * rows of timeseries.csv, 200 x 4 of nodes.csv: none at t = 2 s. */
static void test_steered_in_and_bins(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "steered", NULL);
	const char *const sets[] = {"scenario.duration=2s", "failure.1.kind=lossy", "failure.1.loss=0",
				    "traffic.flow_arrival_rate=0", "traffic.flow_duration=fixed:1s", NULL};
	struct run r;
	CU_ASSERT_FATAL(e2e_run("default.ini", sets, dir, &r));
	e2e_assert_balanced(&r);
	CU_ASSERT_EQUAL(r.s.in_flight, 0);
	CU_ASSERT_EQUAL(metrics_lost(&r.m.total), 0);
	size_t n = 0, n2 = 0, n3 = 0, n4 = 0, bins = 0;
	g_autofree double *in = column(dir, "nodes.csv", "steered_in", &n);
	g_autofree double *out = column(dir, "nodes.csv", "steered_out", &n2);
	g_autofree double *srv = column(dir, "nodes.csv", "to_server", &n3);
	g_autofree double *rx = column(dir, "nodes.csv", "rx_router", &n4);
	g_autofree double *t = column(dir, "timeseries.csv", "time_s", &bins);
	double s_in = 0, s_out = 0, s_srv = 0, s_rx = 0;
	for (size_t i = 0; i < n; i++) {
		s_in += in[i];
		s_out += out[i];
		s_srv += srv[i];
		s_rx += rx[i];
	}
	fprintf(stderr, "\n  steered out %.0f, in %.0f; received from the router %.0f, to servers %.0f, sent %" G_GUINT64_FORMAT,
		s_out, s_in, s_rx, s_srv, r.m.total.sent);
	CU_ASSERT(s_out > 1000);
	CU_ASSERT_EQUAL(s_in, s_out);
	CU_ASSERT_EQUAL(s_rx, (double)r.m.total.sent);
	CU_ASSERT_EQUAL(s_srv, (double)r.m.total.delivered);
	CU_ASSERT_EQUAL(bins, 200);
	CU_ASSERT_EQUAL(n, 200 * 4);
	CU_ASSERT_DOUBLE_EQUAL(t[bins - 1], 1.99, 1e-9);
	e2e_run_free(&r);
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("gaps", lb_test_dir_setup, lb_test_dir_teardown);
	CU_add_test(s, "test_no_route_at_router", test_no_route_at_router);
	CU_add_test(s, "test_no_route_upstream", test_no_route_upstream);
	CU_add_test(s, "test_steered_in_and_bins", test_steered_in_and_bins);
}
