/* The real testbed, once: `lbsim validate scenarios/validation.ini --reps 1`
 * with failover = readvertise, shortened to 3 s, on network namespaces and
 * FRR.  Where the machine cannot build the testbed (not root, no network
 * namespaces, FRR or nftables missing) the program prints why and exits 77,
 * which meson reports as SKIP and scripts/test lists as skipped, never as
 * passed. */
#define _GNU_SOURCE
#include <CUnit/CUnit.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cu_main.h"

static gchar *tmpdir;

/* Runs `testbed.sh check`; exits 77 with its reason when there is no testbed. */
static void skip_without_testbed(void)
{
	/* scenarios/validation.ini hashes with the Linux hash and its seed */
	char *argv[] = {"bash", SOURCE_ROOT "/model/validate/testbed.sh", "check", "linux-seed", NULL};
	g_autofree gchar *err = NULL;
	int status = -1;
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err, &status, NULL)) {
		printf("SKIP: cannot run bash\n");
		exit(77);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	printf("SKIP: %s", err && *err ? err : "testbed.sh check failed\n");
	fflush(stdout);
	exit(77);
}

static int setup(void)
{
	tmpdir = g_dir_make_tmp("lbv-smoke-XXXXXX", NULL);
	return tmpdir ? 0 : 1;
}

static int teardown(void)
{
	int rc = lb_test_rmtree(tmpdir);
	g_free(tmpdir);
	return rc == 0 ? 0 : 1;
}

/* The value of column `col` in the first data row of a CSV file. */
static double csv_value(const char *path, const char *col)
{
	g_autofree gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NAN;
	g_auto(GStrv) lines = g_strsplit(text, "\n", 3);
	if (!lines[0] || !lines[1])
		return NAN;
	g_auto(GStrv) head = g_strsplit(lines[0], ",", -1), row = g_strsplit(lines[1], ",", -1);
	for (int i = 0; head[i] && row[i]; i++)
		if (strcmp(head[i], col) == 0)
			return *row[i] ? g_ascii_strtod(row[i], NULL) : NAN;
	return NAN;
}

static bool netns_left(const char *prefix)
{
	char *argv[] = {"ip", "netns", "list", NULL};
	g_autofree gchar *out = NULL;
	g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, NULL);
	return out && strstr(out, prefix);
}

/* Readvertise on the real testbed.  Closed form (doc/model.md, as in
 * model/sim/expect.c): lost = R/N x (detection + advertisement + the
 * router's route processing and install), all of it blackholed at the dead
 * node.  R = 2000 flows x 5 packets/s = 10,000/s, N = 4.  Detection happens
 * on a survivor's own heartbeat tick, (misses - 1) to (misses + 1) x
 * interval after the crash (lb_member.h): 0.2 to 0.4 s.  FRR adds its
 * process queues on the node and the router (bgpd 50 ms each, zebra 10 ms)
 * and the kernel; at most 0.5 s is allowed for that on a loaded machine.
 * The dead node's share of 2000 hashed flows is 1/4 +- 4 sd (sd =
 * sqrt(1/4 x 3/4 / 2000) = 0.0097): a factor 0.84..1.16.  So
 *     0.84 x R/N x (misses - 1) x interval  <=  lost  <=  1.16 x R/N x ((misses + 1) x interval + 0.5 s)
 *     420 <= lost <= 2610
 * (hold alone would lose about R/N x 2.5 s = 6250; no failover at all, all
 * of R/N x 2 s = 5000 to the end of the run). */
static void test_readvertise_smoke(void)
{
	g_autofree gchar *out = g_build_filename(tmpdir, "v", NULL);
	char *argv[] = {LBSIM_PATH, "validate", "scenarios/validation.ini", "--reps", "1", "--set",
			"router.failover=readvertise", "--set", "scenario.duration=3s", "-o", out, NULL};
	GPid pid;
	GError *err = NULL;
	CU_ASSERT_FATAL(g_spawn_async(SOURCE_ROOT, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &err));
	int status;
	/* bounded: lbsim validate stops a repetition after duration + 60 s */
	waitpid(pid, &status, 0);
	CU_ASSERT_FATAL(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g_autofree gchar *prefix = g_strdup_printf("lbv%d-", (int)pid);
	CU_ASSERT(!netns_left(prefix)); /* nothing of the run is left */

	g_autofree gchar *real = g_build_filename(out, "real", "summary.csv", NULL);
	double R = 2000 * 5.0, N = 4, iv = 0.1, misses = 3;
	double lost = csv_value(real, "lost"), blackhole = csv_value(real, "drop_blackhole");
	double lo = 0.84 * R / N * (misses - 1) * iv, hi = 1.16 * R / N * ((misses + 1) * iv + 0.5);
	printf("\n  real readvertise: lost %.0f (bound %.0f..%.0f), blackhole %.0f, loss window %.3f s\n", lost, lo, hi,
	       blackhole, csv_value(real, "loss_window_s"));
	CU_ASSERT(lost >= lo && lost <= hi);
	CU_ASSERT(blackhole >= 0.95 * lost); /* lost at the dead node, not elsewhere */
	CU_ASSERT(csv_value(real, "t_readvertise_s") > 0);
	/* every flow went, before the failure, to the node lbsim's router
	 * (the Linux hash with the scenario's seed and policy, hash-threshold
	 * over the route's next hops) picks for its 5-tuple: the testbed sets
	 * the router's seed and policy and sends from unconnected sockets */
	double compared = csv_value(real, "flows_compared"), agreement = csv_value(real, "flow_agreement");
	printf("  flow agreement %.4f over %.0f flows, ip route get %.4f\n", agreement, compared,
	       csv_value(real, "route_get_agreement"));
	CU_ASSERT(compared >= 0.99 * 2000);
	CU_ASSERT_DOUBLE_EQUAL(agreement, 1.0, 1e-9);
	/* the component timing was written: the node's bgpd queue (50 ms) is in it */
	g_autofree gchar *timing = g_build_filename(out, "timing.csv", NULL);
	g_autofree gchar *ttext = NULL;
	CU_ASSERT(g_file_get_contents(timing, &ttext, NULL, NULL) && strstr(ttext, "\nadvertise,node_queue_s,"));

	g_autofree gchar *sim = g_build_filename(out, "sim", "summary.csv", NULL);
	CU_ASSERT(csv_value(sim, "lost") > 0);
	g_autofree gchar *cmp = g_build_filename(out, "comparison.csv", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(cmp, &text, NULL, NULL));
	CU_ASSERT(g_str_has_prefix(text, "figure,real_mean,real_sd,real_n,sim_mean,sim_sd,sim_n,ratio_sim_real\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nlost,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nloss_window_s,"));
}

void lb_test_register(void)
{
	skip_without_testbed();
	CU_pSuite s = CU_add_suite("validate_smoke", setup, teardown);
	CU_add_test(s, "test_readvertise_smoke", test_readvertise_smoke);
}
