/* test_validate_compare.c - test_validate: the comparison of real and
 * simulated repetitions (model/validate/compare.c). */
#include <CUnit/CUnit.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "../cu_main.h"
#include "compare.h"
#include "output.h"
#include "validate_fixture.h"

/* --- the comparison --- */

static void write_side(const char *dir, const char *rows)
{
	g_autofree gchar *text = g_strdup_printf("%s\n%s", sim_summary_header, rows);
	put(dir, "summary.csv", text);
	for (int r = 0; r < 2; r++) {
		g_autofree gchar *name = g_strdup_printf("rep%d/events.csv", r);
		put(dir, name, "time_s,node,event,value,set\n0.000000000,,route_installed,10,0;1;2;3\n"
			       "1.000000000,2,fail,,\n1.100000000,,route_change,9,0;1;2\n1.110000000,,route_installed,9,0;1;2\n"
			       "1.200000000,,route_change,9,0;1;3\n1.210000000,,route_installed,9,0;1;3\n"
			       "1.300000000,,route_change,9,0;1;3\n1.310000000,,route_installed,10,0;1;3\n");
	}
}

void test_compare(void)
{
	g_autofree gchar *real = g_build_filename(tmpdir, "cmp", "real", NULL);
	g_autofree gchar *sim = g_build_filename(tmpdir, "cmp", "sim", NULL);
	g_autofree gchar *out = g_build_filename(tmpdir, "cmp", "comparison.csv", NULL);
	/* lost 1000 and 1200 (real), 800 and 800 (sim); loss window 0.4/0.5 vs 0.3; no readvertise on sim */
	const char *fmt = "v,%d,1,4,readvertise,maglev,on,hash-threshold,10000,%d,0,%d,%d,0,0,0,0,0,2000,0,1.000000000,"
			  "1.300000000,%s,1.400000000,,%s,0,,0.5\n";
	g_autofree gchar *r0 = g_strdup_printf(fmt, 0, 9000, 1000, 1000, "1.300000000", "0.400000000");
	g_autofree gchar *r1 = g_strdup_printf(fmt, 1, 8800, 1200, 1200, "1.300000000", "0.500000000");
	g_autofree gchar *s0 = g_strdup_printf(fmt, 0, 9200, 800, 800, "", "0.300000000");
	g_autofree gchar *s1 = g_strdup_printf(fmt, 1, 9200, 800, 800, "", "0.300000000");
	g_autofree gchar *rr = g_strconcat(r0, r1, NULL), *ss = g_strconcat(s0, s1, NULL);
	write_side(real, rr);
	write_side(sim, ss);
	GString *table = g_string_new(NULL);
	GError *err = NULL;
	CU_ASSERT_FATAL(lbv_compare(real, sim, out, table, &err));
	g_autofree gchar *csv = read_file(tmpdir, "cmp/comparison.csv");
	CU_ASSERT(g_str_has_prefix(csv, lbv_comparison_header));
	/* mean 1100, sd sqrt(((100)^2 + (100)^2) / 1) = 141.42; sim 800, sd 0; ratio 800/1100 */
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nlost,1100,141.421356,2,800,0,2,0.7273\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nloss_window_s,0.45,0.0707106781,2,0.3,0,2,0.6667\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nreadvertise_s,0.3,0,2,,,0,\n"));
	/* the first route change leaving node 2 out: 1.2 s, 0.2 s after the failure */
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nroute_change_s,0.2,0,2,0.2,0,2,1.0000\n"));
	/* two forwarding-table changes to reach the survivors {0,1,3}; the third does not count */
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nfib_changes,2,0,2,2,0,2,1.0000\n"));
	/* no flow agreement in these summaries: n = 0 on both sides */
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nflow_agreement,,,0,,,0,\n"));
	double m, sd;
	unsigned n;
	double x[] = {1, NAN, 3};
	lbv_mean_sd(x, 3, &m, &sd, &n);
	CU_ASSERT(n == 2 && m == 2 && fabs(sd - sqrt(2)) < 1e-12);
	g_string_free(table, TRUE);
}
