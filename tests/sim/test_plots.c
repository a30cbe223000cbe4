/* The figures of `lbsim plot` (analysis/plot.sh and its gnuplot scripts):
 * for a run, the loss figure with its route-set strip and only the drop
 * causes that occurred, the per-node share and the outage CDF; for a sweep
 * with three swept keys (tests/regression/sweep-3axes.ini), one panel per
 * value of the third key, category labels once per panel, the replications
 * in the title, and several files when the panels do not fit in one. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cu_main.h"
#include "cli_spawn.h"


/* The contents of dir/name, or NULL (an assertion failure) when missing. */
static gchar *slurp(const char *dir, const char *name, gsize *len)
{
	g_autofree gchar *p = g_build_filename(dir, name, NULL);
	gchar *text = NULL;
	gsize n = 0;
	if (!g_file_get_contents(p, &text, &n, NULL)) {
		fprintf(stderr, "missing: %s\n", p);
		CU_FAIL("a figure file is missing");
		return NULL;
	}
	if (len)
		*len = n;
	return text;
}

/* dir/name is a non-empty PNG (its 8-byte signature, and more). */
static void assert_png(const char *dir, const char *name)
{
	gsize n = 0;
	g_autofree gchar *b = slurp(dir, name, &n);
	CU_ASSERT(b && n > 1000 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0);
}

/* dir/name is an SVG document; returns its text (free it). */
static gchar *svg(const char *dir, const char *name)
{
	gsize n = 0;
	gchar *b = slurp(dir, name, &n);
	CU_ASSERT(b && n > 1000 && strstr(b, "<svg") && strstr(b, "</svg>"));
	return b;
}

static unsigned count(const char *text, const char *needle)
{
	unsigned k = 0;
	for (const char *p = text; p && (p = strstr(p, needle)); p += strlen(needle))
		k++;
	return k;
}

static void run_ok(const char *const *args)
{
	g_autofree gchar *out = NULL, *err = NULL;
	int rc = lbsim(args, &out, &err);
	if (rc != 0)
		fprintf(stderr, "lbsim %s: exit %d\n%s%s", args[0], rc, out ? out : "", err ? err : "");
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* The default scenario (node 2 crashes at 1 s; blackhole, steer_dead and
 * no_state losses, no queue, route or link losses), shortened to 2 s. */
static void test_run_figures(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "run", NULL);
	g_autofree gchar *rep = g_build_filename(dir, "rep0", NULL);
	const char *run[] = {"run", "scenarios/default.ini", "--set", "scenario.duration=2s", "--set",
			     "output.flows=on", "-o", dir, NULL};
	run_ok(run);
	const char *plot[] = {"plot", dir, NULL};
	run_ok(plot);
	const char *pngs[] = {"loss.png", "share.png", "outage-cdf.png"};
	for (size_t i = 0; i < G_N_ELEMENTS(pngs); i++)
		assert_png(rep, pngs[i]);

	g_autofree gchar *loss = svg(rep, "loss.svg");
	CU_ASSERT_PTR_NOT_NULL_FATAL(loss);
	/* causes: the ones with losses in the legend, a zero one not drawn */
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "blackhole: sent to a dead node"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "steered to a dead owner"));
	CU_ASSERT_PTR_NULL(strstr(loss, "queue full"));
	CU_ASSERT_PTR_NULL(strstr(loss, "no route at the router"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "zero in this run (not drawn):"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "queue, no_route"));
	/* the route-set strip: its legend, and a lane per node in the zoom
	 * column and in the whole-run column (the share legend names each node
	 * once more) */
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "installed route set"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "in the set at metric 9 (n - d)"));
	for (int n = 0; n < 4; n++) {
		char lane[16];
		snprintf(lane, sizeof lane, ">node %d<", n);
		CU_ASSERT(count(loss, lane) >= 3);
	}
	/* events in words, a zoom column and the whole run */
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "a node advertises metric 9 (n - d)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "node 2 crashes"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "zoom: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, "whole run"));
	CU_ASSERT_PTR_NULL(strstr(loss, "advertise(9)"));
	/* the title wraps at 110 characters, each --set kept with its value: the
	 * run's identity on one line, its --set values on the next */
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, ">default: 4 nodes, failover readvertise, owner maglev, cache on, ecmp "
					    "hash-threshold, replication 0,<"));
	CU_ASSERT_PTR_NOT_NULL(strstr(loss, ">--set scenario.duration=2s --set output.flows=on<"));

	g_autofree gchar *cdf = svg(rep, "outage-cdf.svg");
	CU_ASSERT_PTR_NOT_NULL(cdf && strstr(cdf, "lost no packet"));
	g_autofree gchar *share = svg(rep, "share.svg");
	CU_ASSERT_PTR_NOT_NULL(share && strstr(share, "node 3"));
}

/* Three swept keys, 2 values each: x = router.failover, one bar per
 * router.hold_time, one panel per cluster.owner_hash. */
static void test_sweep_three_axes(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "sweep3", NULL);
	const char *sweep[] = {"sweep", "tests/regression/sweep-3axes.ini", "-o", dir, "-j", "2", NULL};
	run_ok(sweep);
	const char *plot[] = {"plot", dir, NULL};
	run_ok(plot);
	const char *figs[] = {"lost", "flows_broken", "loss_window_s", "broken_fraction_alive"};
	for (size_t i = 0; i < G_N_ELEMENTS(figs); i++) {
		g_autofree gchar *png = g_strdup_printf("sweep-%s.png", figs[i]);
		assert_png(dir, png);
	}
	g_autofree gchar *lost = svg(dir, "sweep-lost.svg");
	CU_ASSERT_PTR_NOT_NULL_FATAL(lost);
	/* one panel per value of the third key, each titled once */
	CU_ASSERT_EQUAL(count(lost, "cluster.owner_hash = modulo"), 1);
	CU_ASSERT_EQUAL(count(lost, "cluster.owner_hash = maglev"), 1);
	/* the series: one legend entry per value of the second key */
	CU_ASSERT_EQUAL(count(lost, "router.hold_time = 600ms"), 1);
	CU_ASSERT_EQUAL(count(lost, "router.hold_time = 1s"), 1);
	/* category labels once per panel (not once per bar) */
	CU_ASSERT_EQUAL(count(lost, ">hold<"), 2);
	CU_ASSERT_EQUAL(count(lost, ">readvertise<"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(lost, "2 replications per point"));

	/* one panel per file: two files per figure, and no single one */
	g_setenv("LBSIM_PLOT_PANELS", "1", TRUE);
	g_autofree gchar *out = NULL, *err = NULL;
	int rc = lbsim(plot, &out, &err);
	g_unsetenv("LBSIM_PLOT_PANELS");
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "sweep-lost: 2 panels, more than 1 fit in one figure: 2 files"));
	assert_png(dir, "sweep-lost-1.png");
	assert_png(dir, "sweep-lost-2.png");
	g_autofree gchar *one = g_build_filename(dir, "sweep-lost.png", NULL);
	CU_ASSERT_FALSE(g_file_test(one, G_FILE_TEST_EXISTS));
	g_autofree gchar *p2 = svg(dir, "sweep-lost-2.svg");
	CU_ASSERT_PTR_NOT_NULL(p2 && strstr(p2, "cluster.owner_hash = maglev") && !strstr(p2, "cluster.owner_hash = modulo"));
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("plots", lb_test_dir_setup, lb_test_dir_teardown);
	CU_add_test(s, "test_run_figures", test_run_figures);
	CU_add_test(s, "test_sweep_three_axes", test_sweep_three_axes);
}
