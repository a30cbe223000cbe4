/* The lbsim program as a user meets it: exit statuses, error messages on
 * stderr, and nothing written to results when the input is bad. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cu_main.h"
#include "cli_spawn.h"


static gchar *write_ini(const char *name, const char *text)
{
	gchar *p = g_build_filename(lb_test_dir, name, NULL);
	g_file_set_contents(p, text, -1, NULL);
	return p;
}

/* A misspelt key: exit 2, the message names file, group and key, and the
 * output directory is not created. */
static void test_bad_key_writes_nothing(void)
{
	g_autofree gchar *out_dir = g_build_filename(lb_test_dir, "bad-out", NULL);
	g_autofree gchar *ini = write_ini("bad.ini", "[scenario]\nname = bad\nduration = 1s\n[router]\nhold_tme = 4s\n");
	const char *args[] = {"run", ini, "-o", out_dir, NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(args, &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.ini"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "[router]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "hold_tme"));
	CU_ASSERT_FALSE(g_file_test(out_dir, G_FILE_TEST_EXISTS));
}

/* A bad --set value: exit 2, names --set. */
static void test_bad_set(void)
{
	const char *args[] = {"run", "scenarios/default.ini", "--set", "router.hold_time=4", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(args, &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--set"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "hold_time"));
}

static void test_usage_errors(void)
{
	g_autofree gchar *o1 = NULL, *e1 = NULL, *o2 = NULL, *e2 = NULL, *o3 = NULL, *e3 = NULL;
	const char *a1[] = {"frobnicate", NULL};
	const char *a2[] = {"run", NULL};
	const char *a3[] = {"run", "does-not-exist.ini", NULL};
	CU_ASSERT_EQUAL(lbsim(a1, &o1, &e1), 2);
	CU_ASSERT_EQUAL(lbsim(a2, &o2, &e2), 2);
	CU_ASSERT_EQUAL(lbsim(a3, &o3, &e3), 2);
	CU_ASSERT_PTR_NOT_NULL(e3 && strstr(e3, "does-not-exist.ini"));
}

/* A good run: exit 0, summary on stdout, the files of doc/outputs.md. */
static void test_run_writes_results(void)
{
	g_autofree gchar *out_dir = g_build_filename(lb_test_dir, "good", NULL);
	const char *args[] = {"run", "scenarios/default.ini", "--set", "scenario.duration=1500ms", "-o", out_dir,
			      "--set", "output.flows=on", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(args, &out, &err), 0);
	if (err && *err)
		fprintf(stderr, "%s", err);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "delivered"));
	const char *files[] = {"summary.csv", "rep0/summary.csv", "rep0/timeseries.csv", "rep0/nodes.csv",
			       "rep0/events.csv", "rep0/flows.csv", "rep0/run.json"};
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *p = g_build_filename(out_dir, files[i], NULL);
		CU_ASSERT(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	}
	g_autofree gchar *tmp = g_build_filename(out_dir, "rep0.tmp", NULL);
	CU_ASSERT_FALSE(g_file_test(tmp, G_FILE_TEST_EXISTS));
	/* run prints measured against expected, and says when the router's and
	 * the cluster's hashes are one function (the closed forms assume
	 * independent ones) */
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "measured vs expected"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "note: router 0's ECMP hash"));
	g_autofree gchar *pol_dir = g_build_filename(lb_test_dir, "polarised", NULL);
	const char *pol[] = {"run", "scenarios/default.ini", "--set", "scenario.duration=1500ms", "--set",
			     "cluster.flow_hash=toeplitz", "--set", "cluster.flow_hash_seed=1", "-o", pol_dir, NULL};
	g_autofree gchar *pout = NULL;
	CU_ASSERT_EQUAL(lbsim(pol, &pout, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(pout && strstr(pout, "  note: router 0's ECMP hash is the cluster's flow hash (toeplitz, "
						    "seed 0x1): the closed forms assume independent hashes (hash "
						    "polarisation, doc/model.md)\n"));
	/* describe prints the closed-form expectation */
	const char *d[] = {"describe", "scenarios/default.ini", NULL};
	g_autofree gchar *dout = NULL, *derr = NULL;
	CU_ASSERT_EQUAL(lbsim(d, &dout, &derr), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dout && strstr(dout, "\n# [expectation]"));
	/* ... as comments: describe's whole text loads back, as the same
	 * scenario (the same closed forms; only the first line, naming the
	 * file, and the "auto" notes differ) */
	g_autofree gchar *again = g_build_filename(lb_test_dir, "described.ini", NULL);
	CU_ASSERT_FATAL(dout && g_file_set_contents(again, dout, -1, NULL));
	const char *d2[] = {"describe", again, NULL};
	g_autofree gchar *dout2 = NULL, *derr2 = NULL;
	CU_ASSERT_EQUAL(lbsim(d2, &dout2, &derr2), 0);
	const char *x1 = strstr(dout, "\n# [expectation]"), *x2 = dout2 ? strstr(dout2, "\n# [expectation]") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(x2);
	CU_ASSERT_STRING_EQUAL(x1, x2);
}

static const char sweep_ini[] = "[scenario]\nname = tiny\nduration = 1s\nreplications = 2\n"
				"[traffic]\ninitial_flows = 100\nflow_arrival_rate = 10\npacket_rate = 10\n"
				"[failure.1]\nat = 500ms\nkind = crash\nnode = 1\n"
				"[sweep]\nrouter.failover = hold;readvertise\n";

static unsigned count_lines(const char *path)
{
	g_autofree gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	unsigned n = 0;
	for (const char *c = text; *c; c++)
		n += *c == '\n';
	return n;
}

/* A sweep (2 points x 2 replications) runs on GNU parallel and merges; after
 * one run is deleted (as if killed before its rename), running the sweep
 * again runs only that one. */
static void test_sweep_resume(void)
{
	g_autofree gchar *ini = write_ini("tiny.ini", sweep_ini);
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "sweep", NULL);
	const char *args[] = {"sweep", ini, "-o", dir, "-j", "2", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "2 points x 2 replications = 4 runs, 4 to run"));
	g_autofree gchar *sweep = g_build_filename(dir, "sweep.csv", NULL);
	g_autofree gchar *runs = g_build_filename(dir, "runs.csv", NULL);
	CU_ASSERT_EQUAL(count_lines(sweep), 1 + 2);
	CU_ASSERT_EQUAL(count_lines(runs), 1 + 4);
	g_autofree gchar *rep = g_build_filename(dir, "runs", "p1", "rep0", NULL);
	CU_ASSERT_EQUAL_FATAL(lb_test_rmtree(rep), 0);
	g_autofree gchar *out2 = NULL, *err2 = NULL;
	CU_ASSERT_EQUAL(lbsim(args, &out2, &err2), 0);
	CU_ASSERT_PTR_NOT_NULL(out2 && strstr(out2, "4 runs, 1 to run"));
	g_autofree gchar *sum = g_build_filename(dir, "runs", "p1", "rep0", "summary.csv", NULL);
	CU_ASSERT(g_file_test(sum, G_FILE_TEST_IS_REGULAR));
	CU_ASSERT_EQUAL(count_lines(runs), 1 + 4);
}

/* The cluster path: --emit-slurm writes sweep-1.slurm and runs-1.list, runs
 * nothing; each line of runs-1.list, run by a shell from any directory, does
 * one run; --merge then merges.  The merge is checked against a hand
 * computation: summaries rewritten with lost = 10, 20 (point 0) give
 * mean 15, sd 7.0710678, ci95 = t(0.975, 1) x sd / sqrt(2) = 12.706205 x 5 = 63.531024. */
static void test_run_list_and_merge(void)
{
	g_autofree gchar *ini = write_ini("tiny2.ini", sweep_ini);
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "slurm", NULL);
	const char *emit[] = {"sweep", ini, "-o", dir, "--emit-slurm", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &out, &err), 0);
	g_autofree gchar *list = g_build_filename(dir, "runs-1.list", NULL);
	g_autofree gchar *slurm = g_build_filename(dir, "sweep-1.slurm", NULL);
	CU_ASSERT(g_file_test(slurm, G_FILE_TEST_IS_REGULAR));
	CU_ASSERT_EQUAL_FATAL(count_lines(list), 4);
	g_autofree gchar *runs_dir = g_build_filename(dir, "runs", NULL);
	CU_ASSERT_FALSE(g_file_test(runs_dir, G_FILE_TEST_EXISTS));
	/* what the Slurm script does for each task: run line N's command, from / */
	for (int line = 1; line <= 4; line++) {
		g_autofree gchar *cmd =
			g_strdup_printf("cd / && sh -c \"$(sed -n '%dp' '%s' | cut -f2-)\"", line, list);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	/* replace lost (column 12) of point 0's two runs by 10 and 20 */
	for (int r = 0; r < 2; r++) {
		g_autofree gchar *cmd = g_strdup_printf(
			"cd '%s/runs/p0/rep%d' && awk -F, -v OFS=, 'NR == 2 { $12 = %d } { print }' summary.csv > s && mv s summary.csv",
			dir, r, 10 * (r + 1));
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	const char *merge[] = {"sweep", ini, "-o", dir, "--merge", NULL};
	g_autofree gchar *mout = NULL, *merr = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(merge, &mout, &merr), 0);
	g_autofree gchar *sweep = g_build_filename(dir, "sweep.csv", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(sweep, &text, NULL, NULL));
	gchar **rows = g_strsplit(text, "\n", -1);
	gchar **head = g_strsplit(rows[0], ",", -1);
	gchar **p0 = g_strsplit(rows[1], ",", -1);
	int col = -1;
	for (int i = 0; head[i]; i++)
		if (strcmp(head[i], "lost_mean") == 0)
			col = i;
	CU_ASSERT_FATAL(col > 0);
	CU_ASSERT_DOUBLE_EQUAL(g_ascii_strtod(p0[col], NULL), 15.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(g_ascii_strtod(p0[col + 1], NULL), 7.0710678, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(g_ascii_strtod(p0[col + 2], NULL), 63.531024, 1e-4);
	g_strfreev(rows);
	g_strfreev(head);
	g_strfreev(p0);
}

/* Ctrl-C: a run interrupted by SIGINT exits 130 and leaves nothing in the
 * output directory (no half-written files, no .tmp).  The signal is noticed
 * within 10 ms of simulated time whatever the bin: with one 10 s bin the
 * message must name a simulated time below 10 s. */
static void test_sigint_leaves_nothing(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "interrupted", NULL);
	const char *argv[] = {LBSIM_PATH, "run", "scenarios/large.ini", "--quiet", "--set", "scenario.bin=10s",
			      "-o", dir, NULL};
	GPid pid;
	int err_fd = -1;
	GError *err = NULL;
	gboolean ok = g_spawn_async_with_pipes(SOURCE_ROOT, (gchar **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
					       NULL, &pid, NULL, NULL, &err_fd, &err);
	CU_ASSERT_FATAL(ok);
	g_usleep(3 * G_USEC_PER_SEC);
	kill(pid, SIGINT);
	int status = 0;
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	char buf[512] = {0};
	ssize_t got = read(err_fd, buf, sizeof buf - 1);
	close(err_fd);
	CU_ASSERT(got > 0);
	CU_ASSERT(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 130);
	const char *at = strstr(buf, "interrupted at ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	CU_ASSERT(g_ascii_strtod(at + strlen("interrupted at "), NULL) < 10.0);
	g_autofree gchar *tmp = g_strdup_printf("%s.tmp", dir);
	CU_ASSERT_FALSE(g_file_test(dir, G_FILE_TEST_EXISTS));
	CU_ASSERT_FALSE(g_file_test(tmp, G_FILE_TEST_EXISTS));
	g_spawn_close_pid(pid);
}

/* lbsim where against the simulator: for the first 50 flows of an
 * owner-hashing run (node 3 of 8 crashes), `where --fail 3` predicts each
 * flow's fate (broken or not) and flows.csv says what happened.  They agree
 * for every flow when the owner does not depend on which receiver selects
 * it - Maglev with the cache, modulo without (measured: 100 of 100 each);
 * with modulo and the cache the staggered installs make `where`'s one-step
 * view approximate (doc/model.md). */
static void where_agrees(const char *owner, const char *cache)
{
	g_autofree gchar *dir = g_strdup_printf("%s/where-%s-%s", lb_test_dir, owner, cache);
	g_autofree gchar *so = g_strdup_printf("cluster.owner_hash=%s", owner);
	g_autofree gchar *sc = g_strdup_printf("cluster.session_cache=%s", cache);
	const char *run[] = {"run", "scenarios/owner-hashing.ini", "--quiet", "--set", so, "--set", sc,
			     "--set", "output.flows=on", "-o", dir, NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(run, &out, &err), 0);
	g_autofree gchar *path = g_build_filename(dir, "rep0", "flows.csv", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(path, &text, NULL, NULL));
	gchar **rows = g_strsplit(text, "\n", -1);
	CU_ASSERT_STRING_EQUAL(rows[0], "flow,proto,src,sport,dst,dport,start_s,end_s,sent,received,longest_gap_s,"
					"out_of_order,disrupted,broken,router,receiver,scenario,sweep,replication,seed");
	int agree = 0, n = 0;
	for (int i = 1; rows[i] && *rows[i] && n < 50; i++, n++) {
		gchar **c = g_strsplit(rows[i], ",", -1);
		const char *w[] = {"where", "scenarios/owner-hashing.ini", "--set", so, "--set", sc, "--fail", "3",
				   c[1], c[2], c[3], c[4], c[5], NULL};
		g_autofree gchar *wout = NULL, *werr = NULL;
		if (lbsim(w, &wout, &werr) == 0) {
			bool predicted = strstr(wout, "flow      broken") != NULL;
			bool happened = strcmp(c[13], "1") == 0;
			agree += predicted == happened;
		}
		g_strfreev(c);
	}
	g_strfreev(rows);
	fprintf(stderr, "\n  where vs simulation (%s, cache %s): %d of %d flows agree", owner, cache, agree, n);
	CU_ASSERT_EQUAL(n, 50);
	CU_ASSERT_EQUAL(agree, n);
}

/* lbsim where's path against the simulator's, flow by flow, with two
 * routers: for the first 50 flows of two-routers.ini, the router the
 * upstream stage picks and the node that router sends the flow to
 * (`upstream  stage -> router K`, `before    router K -> node I`) are the
 * router and receiver of its first packet in flows.csv. */
static void where_path_agrees(void)
{
	g_autofree gchar *dir = g_strdup_printf("%s/where-two-routers", lb_test_dir);
	const char *run[] = {"run", "scenarios/two-routers.ini", "--quiet", "--set", "output.flows=on", "-o", dir, NULL};
	CU_ASSERT_EQUAL_FATAL(lbsim(run, NULL, NULL), 0);
	g_autofree gchar *path = g_build_filename(dir, "rep0", "flows.csv", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(path, &text, NULL, NULL));
	g_auto(GStrv) rows = g_strsplit(text, "\n", -1);
	int agree = 0, n = 0, routers_seen = 0;
	for (int i = 1; rows[i] && *rows[i] && n < 50; i++) {
		g_auto(GStrv) c = g_strsplit(rows[i], ",", -1);
		if (!*c[14])
			continue; /* never reached a node */
		n++;
		const char *w[] = {"where", "scenarios/two-routers.ini", c[1], c[2], c[3], c[4], c[5], NULL};
		g_autofree gchar *wout = NULL;
		if (lbsim(w, &wout, NULL) != 0)
			continue;
		g_autofree gchar *stage = g_strdup_printf("upstream  stage -> router %s of 2", c[14]);
		g_autofree gchar *before = g_strdup_printf("before    router %s -> node %s,", c[14], c[15]);
		agree += strstr(wout, stage) && strstr(wout, before);
		routers_seen |= 1 << atoi(c[14]);
	}
	fprintf(stderr, "\n  where's path vs simulation (two routers): %d of %d flows agree", agree, n);
	CU_ASSERT_EQUAL(n, 50);
	CU_ASSERT_EQUAL(agree, n);
	CU_ASSERT_EQUAL(routers_seen, 3); /* both routers carried some of them */
}

static void test_where_matches_simulation(void)
{
	where_agrees("maglev", "on");
	where_agrees("modulo", "off");
	where_path_agrees();
}

/* A campaign directory keeps one set of parameters: resuming it with other
 * --set values is refused (exit 2) instead of mixing runs. */
static void test_sweep_refuses_other_parameters(void)
{
	g_autofree gchar *ini = write_ini("tiny3.ini", sweep_ini);
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "sweep3", NULL);
	const char *emit[] = {"sweep", ini, "-o", dir, "--emit-slurm", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(emit, &out, &err), 0);
	const char *again[] = {"sweep", ini, "-o", dir, "--emit-slurm", "--set", "cluster.nodes=5", NULL};
	g_autofree gchar *out2 = NULL, *err2 = NULL;
	CU_ASSERT_EQUAL(lbsim(again, &out2, &err2), 2);
	CU_ASSERT_PTR_NOT_NULL(err2 && strstr(err2, "holds a campaign of other parameters"));
	g_autofree gchar *out3 = NULL, *err3 = NULL;
	CU_ASSERT_EQUAL(lbsim(emit, &out3, &err3), 0); /* the same parameters: fine */
}

/* lbsim hash: Microsoft's RSS verification row 66.9.149.187:2794 ->
 * 161.142.100.80:1766 hashes to 0x51ccc178 (with ports) and 0x323e8fc2
 * (addresses only) under the published key.  lbsim where: failing the
 * flow's owner breaks it; bad tuples are rejected with exit 2. */
static void test_hash_and_where(void)
{
	const char *h[] = {"hash", "tcp", "66.9.149.187", "2794", "161.142.100.80", "1766", NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(h, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "toeplitz     0x51ccc178"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "toeplitz-ip  0x323e8fc2"));
	const char *bad[] = {"hash", "sctp", "1.2.3.4", "1", "5.6.7.8", "2", NULL};
	g_autofree gchar *bout = NULL, *berr = NULL;
	CU_ASSERT_EQUAL(lbsim(bad, &bout, &berr), 2);
	CU_ASSERT_PTR_NOT_NULL(berr && strstr(berr, "protocol \"sctp\": expected tcp or udp"));

	const char *w[] = {"where", "scenarios/default.ini", "tcp", "10.1.2.3", "40000", "203.0.113.10", "80", NULL};
	g_autofree gchar *wout = NULL, *werr = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(w, &wout, &werr), 0);
	const char *o = strstr(wout, "owner node ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	char owner[4] = {o[11], '\0'};
	const char *wf[] = {"where", "scenarios/default.ini", "--fail", owner, "tcp", "10.1.2.3", "40000",
			    "203.0.113.10", "80", NULL};
	g_autofree gchar *fout = NULL, *ferr = NULL;
	CU_ASSERT_EQUAL(lbsim(wf, &fout, &ferr), 0);
	CU_ASSERT_PTR_NOT_NULL(fout && strstr(fout, "flow      broken: its owner failed"));
	const char *wr[] = {"where", "scenarios/default.ini", "--fail", "4", "tcp", "10.1.2.3", "40000",
			    "203.0.113.10", "80", NULL};
	g_autofree gchar *rout = NULL, *rerr = NULL;
	CU_ASSERT_EQUAL(lbsim(wr, &rout, &rerr), 2);
	CU_ASSERT_PTR_NOT_NULL(rerr && strstr(rerr, "--fail 4: the cluster has nodes 0..3"));
	/* a tuple of the other family: refused (the nodes keep state for one), nothing printed */
	const char *w6[] = {"where", "scenarios/default.ini", "tcp", "2001:db8::1", "40000", "2001:db8::10", "80", NULL};
	g_autofree gchar *out6 = NULL, *err6 = NULL;
	CU_ASSERT_EQUAL(lbsim(w6, &out6, &err6), 2);
	CU_ASSERT_STRING_EQUAL(out6 ? out6 : "(null)", "");
	CU_ASSERT_PTR_NOT_NULL(err6 && strstr(err6, "lbsim where: an IPv6 tuple, but the scenario's traffic is IPv4 "
						    "([traffic] ip_version = 4): give an IPv4 tuple, or --set "
						    "traffic.ip_version=6\n"));
}

/* Seeds (issue 14, defects 1 and 8): seeds 4294944443..4294967296 made ns-3
 * abort ("invalid Seed"), 1 and 4294967297 gave identical runs, and the top
 * seed was refused; now each runs, and differs from seed 1. */
static void test_seed_range(void)
{
	g_autofree gchar *ini = write_ini("seeds.ini", "[scenario]\nname = seeds\nduration = 200ms\n"
						   "[traffic]\ninitial_flows = 50\nflow_arrival_rate = 100\n");
	const char *const seeds[] = {"1", "4294944443", "4294967296", "4294967297", "18446744073709551615", "0"};
	gchar *rows[G_N_ELEMENTS(seeds)] = {NULL};
	for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++) {
		g_autofree gchar *dir = g_strdup_printf("%s/seed-%s", lb_test_dir, seeds[i]);
		const char *args[] = {"run", ini, "--quiet", "--seed", seeds[i], "-o", dir, NULL};
		g_autofree gchar *out = NULL, *err = NULL;
		CU_ASSERT_EQUAL(lbsim(args, &out, &err), 0);
		if (err && *err)
			fprintf(stderr, "\n  seed %s: %s", seeds[i], err);
		g_autofree gchar *p = g_build_filename(dir, "summary.csv", NULL);
		g_autofree gchar *text = NULL;
		if (g_file_get_contents(p, &text, NULL, NULL)) {
			/* the row without its seed column: scenario,replication,seed,... */
			gchar **f = g_strsplit(strchr(text, '\n') + 1, ",", 4);
			rows[i] = g_strdup(f[3]);
			g_strfreev(f);
		}
		CU_ASSERT_PTR_NOT_NULL(rows[i]);
	}
	for (size_t i = 1; i < G_N_ELEMENTS(seeds); i++)
		CU_ASSERT(rows[0] && rows[i] && strcmp(rows[0], rows[i]) != 0);
	for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++)
		g_free(rows[i]);
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("cli", lb_test_dir_setup, lb_test_dir_teardown);
	CU_add_test(s, "test_bad_key_writes_nothing", test_bad_key_writes_nothing);
	CU_add_test(s, "test_bad_set", test_bad_set);
	CU_add_test(s, "test_usage_errors", test_usage_errors);
	CU_add_test(s, "test_run_writes_results", test_run_writes_results);
	CU_add_test(s, "test_sweep_resume", test_sweep_resume);
	CU_add_test(s, "test_run_list_and_merge", test_run_list_and_merge);
	CU_add_test(s, "test_sigint_leaves_nothing", test_sigint_leaves_nothing);
	CU_add_test(s, "test_hash_and_where", test_hash_and_where);
	CU_add_test(s, "test_where_matches_simulation", test_where_matches_simulation);
	CU_add_test(s, "test_sweep_refuses_other_parameters", test_sweep_refuses_other_parameters);
	CU_add_test(s, "test_seed_range", test_seed_range);
}
