/* lbsim validate without a testbed: the real node's decision logic
 * (vnode: model/core's lb_member + lb_agent outside the simulator), the FRR
 * vty client against a fake daemon, the analysis of raw logs into lbsim's
 * CSVs (synthetic logs in the formats testbed.sh, lbv-send, lbv-recv,
 * lbv-agentd, FRR and `ip monitor` write), the comparison, and the
 * command's refusals. */
#define _GNU_SOURCE
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cu_main.h"
#include "analyze.h"
#include "compare.h"
#include "frr_vty.h"
#include "output.h"
#include "vnode.h"
#include "wire.h"

#define MS UINT64_C(1000000)
#define S UINT64_C(1000000000)

static gchar *tmpdir;

static int setup(void)
{
	tmpdir = g_dir_make_tmp("lbv-test-XXXXXX", NULL);
	return tmpdir ? 0 : 1;
}

static int teardown(void)
{
	char *argv[] = {"rm", "-rf", tmpdir, NULL};
	g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
	g_free(tmpdir);
	return 0;
}

/* --- vnode: model/core's membership and agent, wired as the simulator's node --- */

static struct vnode *node0(bool readvertise)
{
	struct vnode_params p = {.self = 0, .nodes = 4, .heartbeat_ns = 100 * MS, .misses = 3, .base_metric = 10,
				 .reduction = 1, .restore_wait_ns = 4 * S, .refresh_ns = 1 * S,
				 .first_refresh_ns = 500 * MS, .readvertise = readvertise};
	return vnode_create(&p);
}

/* Peers 1 and 3 keep sending heartbeats, peer 2 falls silent at 1 s: node 0
 * declares it down on its first own tick at or after 1 s + 3 x 100 ms, and
 * (readvertise) advertises n - d at once, then n again W later. */
static void test_vnode_readvertise(void)
{
	struct vnode *v = node0(true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	struct vnode_actions a;
	vnode_start(v, 0, &a);
	CU_ASSERT_EQUAL(a.n, 1);
	CU_ASSERT(a.a[0].kind == VNODE_ADVERTISE && a.a[0].metric == 10 && a.a[0].reason == LB_AGENT_START);
	uint64_t detect = 0;
	for (uint64_t t = 50 * MS; t < 3 * S && !detect; t += 100 * MS) { /* own tick at 50 ms phase */
		for (unsigned p = 1; p < 4; p++)
			if (p != 2 || t < 1 * S)
				CU_ASSERT_EQUAL(vnode_heartbeat(v, p, 100, t - 10 * MS, &a), 0);
		vnode_tick(v, t, &a);
		if (a.n) {
			detect = t;
			CU_ASSERT_EQUAL_FATAL(a.n, 2);
			CU_ASSERT(a.a[0].kind == VNODE_DETECT && a.a[0].peer == 2 && a.a[0].set == 0xb);
			CU_ASSERT(a.a[1].kind == VNODE_ADVERTISE && a.a[1].metric == 9 && a.a[1].reason == LB_AGENT_REDUCE);
		}
	}
	/* last heartbeat from 2 at 0.94 s: down at >= 1.24 s, on the tick at 1.25 s */
	CU_ASSERT_EQUAL(detect, 1250 * MS);
	bool restored = false;
	for (uint64_t t = detect; t <= detect + 4 * S + 1 * S && !restored;) {
		uint64_t d = vnode_next_deadline(v);
		CU_ASSERT_FATAL(d != LB_TIME_NEVER);
		t = d;
		vnode_timer(v, t, &a);
		for (unsigned i = 0; i < a.n; i++)
			if (a.a[i].reason == LB_AGENT_RESTORE) {
				restored = true;
				CU_ASSERT_EQUAL(a.a[i].metric, 10);
				CU_ASSERT_EQUAL(t, detect + 4 * S);
			}
	}
	CU_ASSERT(restored);
	/* node 2 comes back: peer_up, no advertisement */
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 2, 100, 7 * S, &a), 0);
	CU_ASSERT(a.n == 1 && a.a[0].kind == VNODE_PEER_UP && a.a[0].peer == 2 && a.a[0].set == 0xf);
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 0, 100, 7 * S, &a), -EINVAL); /* self */
	vnode_free(v);
}

/* hold and bfd: membership still runs (detections are logged), but the
 * agent never changes the metric. */
static void test_vnode_hold_keeps_metric(void)
{
	struct vnode *v = node0(false);
	struct vnode_actions a;
	vnode_start(v, 0, &a);
	vnode_tick(v, 400 * MS, &a); /* nobody heard from since 0: all three down */
	CU_ASSERT_EQUAL(a.n, 3);
	for (unsigned i = 0; i < a.n; i++)
		CU_ASSERT_EQUAL(a.a[i].kind, VNODE_DETECT);
	for (uint64_t t = 400 * MS; t < 10 * S; t += 100 * MS) {
		vnode_timer(v, t, &a);
		for (unsigned i = 0; i < a.n; i++)
			CU_ASSERT(a.a[i].kind != VNODE_ADVERTISE || a.a[i].metric == 10);
	}
	vnode_free(v);
	struct vnode_params bad = {.self = 4, .nodes = 4, .heartbeat_ns = 1, .misses = 1, .base_metric = 1, .refresh_ns = 1};
	CU_ASSERT_PTR_NULL(vnode_create(&bad));
}

/* --- frr_vty against a fake daemon speaking vtysh's protocol --- */

static void fake_daemon(int lfd)
{
	int c = accept(lfd, NULL, NULL);
	char buf[256];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(c, buf + n, 1);
		if (r <= 0)
			_exit(0);
		if (buf[n] != '\0') {
			if (n < sizeof buf - 1)
				n++;
			continue;
		}
		/* one command: echo it back, then 0 0 0 status (1 for "bad") */
		unsigned char st = strcmp(buf, "bad") == 0 ? 1 : 0;
		if (write(c, buf, n) < 0 || write(c, "\0\0\0", 3) < 0 || write(c, &st, 1) < 0)
			_exit(1);
		n = 0;
	}
}

static void test_frr_vty_protocol(void)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "bgpd.vty", NULL);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	g_strlcpy(a.sun_path, path, sizeof a.sun_path);
	CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0 && listen(lfd, 1) == 0);
	pid_t pid = fork();
	if (pid == 0)
		fake_daemon(lfd);
	close(lfd);
	struct frr_vty v;
	CU_ASSERT_EQUAL_FATAL(frr_vty_open(&v, path, 1000, 2000), 0); /* sends "enable" */
	char out[64];
	CU_ASSERT_EQUAL(frr_vty_cmd(&v, "set metric 9", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "set metric 9");
	CU_ASSERT_EQUAL(frr_vty_cmd(&v, "bad", NULL, 0), 1);
	CU_ASSERT_EQUAL(frr_vty_cmd(&v, "configure terminal", out, 6), 0); /* truncated output */
	CU_ASSERT_STRING_EQUAL(out, "confi");
	frr_vty_close(&v);
	waitpid(pid, NULL, 0);
	struct frr_vty w;
	CU_ASSERT(frr_vty_open(&w, path, 100, 100) < 0); /* nobody listens any more */
}

/* --- the analysis, on synthetic raw logs of one repetition --- */

static const uint64_t T0 = UINT64_C(1700000000) * S; /* 2023-11-14 22:13:20 UTC */

static void put(const char *raw, const char *name, const char *text)
{
	g_autofree gchar *p = g_build_filename(raw, name, NULL);
	g_autofree gchar *d = g_path_get_dirname(p);
	g_mkdir_with_parents(d, 0755);
	CU_ASSERT_FATAL(g_file_set_contents(p, text, -1, NULL));
}

G_GNUC_PRINTF(3, 4) static void putf(const char *raw, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree gchar *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	put(raw, name, text);
}

/* FRR's and ip's UTC time stamps of T0 + rel_us. */
static gchar *frr_time(uint64_t rel_us)
{
	uint64_t t = T0 / 1000 + rel_us;
	time_t s = (time_t)(t / 1000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char b[32];
	strftime(b, sizeof b, "%Y/%m/%d %H:%M:%S", &tm);
	return g_strdup_printf("%s.%06u", b, (unsigned)(t % 1000000));
}

static gchar *ip_time(uint64_t rel_us)
{
	gchar *f = frr_time(rel_us);
	f[4] = f[7] = '-';
	f[10] = 'T';
	gchar *r = g_strdup_printf("[%s]", f);
	g_free(f);
	return r;
}

/* 4 nodes, 8 flows of 10 packets/s for 3 s, flow f on node f % 4 (flow 6
 * moves to node 0 when the route changes); node 2 crashes at 1 s
 * (command 1.000-1.010 s, first loss 1.002 s); flows 2 and 6 lose every
 * packet sent from 1.002 s to 1.400 s. */
static void write_raw(const char *raw)
{
	putf(raw, "meta.env", "T0_NS=%" G_GUINT64_FORMAT "\nPHASE_DELAY_NS=250000000\nTAG=lbvtest\nFRR=bgpd 8.4.4\n", T0);
	putf(raw, "failures.log", "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " crash 2\n", T0 + 1 * S, T0 + 1 * S + 10 * MS);
	put(raw, "counters.txt", "router_rin 240\nrouter_out0 60\nrouter_out1 60\nrouter_out2 60\nrouter_out3 60\n"
				 "node2_crash_data 6\nnode0_rcvbuf_errors 0\n");
	/* agents: node 0 detects at 1.30 s and advertises 9; node 2's line while crashed is dropped */
	putf(raw, "agent-0.log", "%" G_GUINT64_FORMAT " start 0 -\n%" G_GUINT64_FORMAT
						" detect 2 0;1;3\n%" G_GUINT64_FORMAT " advertise 9 -\n%" G_GUINT64_FORMAT
						" med_set 9 -\n",
						T0 - S, T0 + 1300 * MS, T0 + 1300 * MS + 10, T0 + 1301 * MS);
	put(raw, "agent-1.log", "");
	put(raw, "agent-3.log", "");
	putf(raw, "agent-2.log", "%" G_GUINT64_FORMAT " detect 0 2\n", T0 + 1500 * MS);
	g_autofree gchar *a = frr_time(1350000), *b = frr_time(1390000), *c = frr_time(2900000), *z = frr_time(0);
	putf(raw, "frr/router-bgpd.log",
	    "%s BGP: [T5AAP-5GA85] 10.10.0.2(lbv-n0) rcvd UPDATE w/ attr: nexthop 10.10.0.2, origin i, "
			    "metric 9, path 65001\n"
			    "%s BGP: [V15FP-4CPVK] Tx route add VRF 0 203.0.113.10/32 metric 9 tag 0 count 3 nhg 0\n"
			    "%s BGP: [JQXM8-V0CKB]   nhop [1]: 10.10.0.2 if 0 VRF 0 wt 0   \n"
			    "%s BGP: [JQXM8-V0CKB]   nhop [2]: 10.10.1.2 if 0 VRF 0 wt 0   \n"
			    "%s BGP: [JQXM8-V0CKB]   nhop [3]: 10.10.3.2 if 0 VRF 0 wt 0   \n"
			    "%s BGP: [HZN6M-XRM1G] %%NOTIFICATION: sent to neighbor 10.10.2.2 4/0 (Hold Timer Expired) 0 bytes \n"
			    "%s BGP: unrelated line\n",
			    a, b, b, b, b, c, z);
	g_autofree gchar *r0 = ip_time((uint64_t)-1000000 + 1), *r1 = ip_time(1400000);
	putf(raw, "route.log",
	    "%s 203.0.113.10 proto bgp metric 20 \\\tnexthop via 10.10.0.2 dev n0 weight 1 \\\tnexthop via "
			    "10.10.1.2 dev n1 weight 1 \\\tnexthop via 10.10.2.2 dev n2 weight 1 \\\tnexthop via 10.10.3.2 "
			    "dev n3 weight 1 \n"
			    "%s local fe80::1 dev n2 table local proto kernel metric 0 pref medium\n"
			    "%s 203.0.113.10 proto bgp metric 20 \\\tnexthop via 10.10.0.2 dev n0 weight 1 \\\tnexthop via "
			    "10.10.1.2 dev n1 weight 1 \\\tnexthop via 10.10.3.2 dev n3 weight 1 \n",
			    r0, r1, r1);
	/* packets */
	GByteArray *snd = g_byte_array_new();
	GByteArray *rcv[4];
	struct lbv_log_head h = {.magic = LBV_LOG_MAGIC, .kind = LBV_LOG_SENT, .flows = 8};
	for (int n = 0; n < 4; n++)
		rcv[n] = g_byte_array_new();
	uint64_t nrcv[4] = {0};
	for (uint32_t seq = 0; seq < 30; seq++)
		for (uint32_t f = 0; f < 8; f++) {
			uint64_t t = T0 + seq * 100 * MS + f * MS + 2 * MS;
			struct lbv_sent s = {.flow = f, .seq = seq, .t_ns = t};
			g_byte_array_append(snd, (guint8 *)&s, sizeof s);
			h.count++;
			int node = (int)(f % 4);
			bool lost = node == 2 && t >= T0 + 1002 * MS && t < T0 + 1400 * MS;
			if (node == 2 && t >= T0 + 1400 * MS)
				node = f == 2 ? 1 : 0;
			if (lost)
				continue;
			struct lbv_rcvd r = {.flow = f, .seq = seq, .t_sent_ns = t, .t_rcvd_ns = t + 50000};
			g_byte_array_append(rcv[node], (guint8 *)&r, sizeof r);
			nrcv[node]++;
		}
	g_byte_array_prepend(snd, (guint8 *)&h, sizeof h);
	g_autofree gchar *sp = g_build_filename(raw, "send.bin", NULL);
	CU_ASSERT(g_file_set_contents(sp, (gchar *)snd->data, snd->len, NULL));
	g_byte_array_free(snd, TRUE);
	for (int n = 0; n < 4; n++) {
		struct lbv_log_head rh = {.magic = LBV_LOG_MAGIC, .kind = LBV_LOG_RCVD, .node = (uint32_t)n, .count = nrcv[n]};
		g_byte_array_prepend(rcv[n], (guint8 *)&rh, sizeof rh);
		g_autofree gchar *name = g_strdup_printf("recv-%d.bin", n);
		g_autofree gchar *p = g_build_filename(raw, name, NULL);
		CU_ASSERT(g_file_set_contents(p, (gchar *)rcv[n]->data, rcv[n]->len, NULL));
		g_byte_array_free(rcv[n], TRUE);
	}
}

static struct scenario *scenario_for_test(void)
{
	const char *sets[] = {"scenario.duration=3s", "cluster.steering=off", "traffic.protocol=udp",
			      "traffic.flow_arrival_rate=0", "traffic.flow_duration=fixed:10s", "traffic.initial_flows=8",
			      "traffic.packet_rate=10", NULL};
	GError *err = NULL;
	struct scenario *sc = scenario_load(SOURCE_ROOT "/scenarios/validation.ini", sets, &err);
	if (!sc)
		fprintf(stderr, "%s\n", err->message);
	return sc;
}

static gchar *read_file(const char *dir, const char *name)
{
	g_autofree gchar *p = g_build_filename(dir, name, NULL);
	gchar *t = NULL;
	g_file_get_contents(p, &t, NULL, NULL);
	return t;
}

/* The real summary.csv starts with exactly the simulator's columns. */
static void test_summary_header_extends_the_simulator(void)
{
	CU_ASSERT(g_str_has_prefix(lbv_real_summary_header(), sim_summary_header));
	CU_ASSERT_EQUAL(lbv_real_summary_header()[strlen(sim_summary_header)], ',');
}

static void test_analysis(void)
{
	struct scenario *sc = scenario_for_test();
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	g_autofree gchar *raw = g_build_filename(tmpdir, "rep0", "raw", NULL);
	g_autofree gchar *rep = g_build_filename(tmpdir, "rep0", NULL);
	write_raw(raw);
	GString *rows = g_string_new(NULL);
	GError *err = NULL;
	gboolean ok = lbv_analyze_rep(raw, rep, sc, 0, rows, &err);
	if (!ok)
		fprintf(stderr, "\n%s\n", err->message);
	CU_ASSERT_FATAL(ok);
	/* lost: flows 2 and 6, packets sent at 1.004/1.008 + k x 0.1 s before 1.4 s: 4 each */
	g_auto(GStrv) col = g_strsplit(rows->str, ",", -1);
	g_auto(GStrv) head = g_strsplit(lbv_real_summary_header(), ",", -1);
	GHashTable *v = g_hash_table_new(g_str_hash, g_str_equal);
	for (int i = 0; head[i] && col[i]; i++)
		g_hash_table_insert(v, head[i], col[i]);
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "sent"), "240");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "delivered"), "232");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "lost"), "8");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "drop_blackhole"), "6");   /* the nft counter, as given */
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "blackhole_by_flow"), "8"); /* from the packet logs */
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "drop_no_route"), "0");    /* 240 in, 240 out */
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "drop_link"), "2");        /* the rest: 8 - 6 - 0 - 0 */
	/* t_fail: the first loss, at 1.004 s (flow 2, seq 10), inside the command (1.000-1.010) */
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "t_fail_s"), "1.004000000");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "t_detect_s"), "1.300000000");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "t_readvertise_s"), "1.300000010");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "t_install_s"), "1.400000000");
	/* last loss: flow 6 seq 13 at 1.308 s */
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "loss_window_s"), "0.304000000");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "fail_command_s"), "0.010000000");
	g_hash_table_destroy(v);
	g_autofree gchar *ev = read_file(rep, "events.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_STRING_EQUAL(ev, "time_s,node,event,value,set\n"
				   "0.000000000,,route_installed,10,0;1;2;3\n"
				   "1.004000000,2,fail,,\n"
				   "1.300000000,0,detect,2,0;1;3\n"
				   "1.300000010,0,advertise,9,\n"
				   "1.301000000,0,med_set,9,\n"
				   "1.350000000,0,update_rx,9,\n"
				   "1.390000000,,route_change,9,0;1;3\n"
				   "1.400000000,,route_installed,9,0;1;3\n"
				   "2.900000000,2,hold_expiry,,\n");
	g_autofree gchar *ts = read_file(rep, "timeseries.csv");
	CU_ASSERT_PTR_NOT_NULL(ts && strstr(ts, "\n1.000000000,8,6,2,2,0,0,0,0,0\n"));
	g_autofree gchar *nodes = read_file(rep, "nodes.csv");
	CU_ASSERT_PTR_NOT_NULL(nodes && strstr(nodes, "\n1.400000000,0,3,0,0,3,0,0\n"));
	g_string_free(rows, TRUE);
	scenario_free(sc);
}

/* A truncated packet log is an error naming the file, not a silent zero. */
static void test_analysis_refuses_broken_logs(void)
{
	struct scenario *sc = scenario_for_test();
	g_autofree gchar *raw = g_build_filename(tmpdir, "rep1", "raw", NULL);
	g_autofree gchar *rep = g_build_filename(tmpdir, "rep1", NULL);
	write_raw(raw);
	g_autofree gchar *p = g_build_filename(raw, "recv-1.bin", NULL);
	CU_ASSERT(truncate(p, 100) == 0);
	GString *rows = g_string_new(NULL);
	GError *err = NULL;
	CU_ASSERT_FALSE(lbv_analyze_rep(raw, rep, sc, 1, rows, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "recv-1.bin"));
	g_clear_error(&err);
	g_string_free(rows, TRUE);
	scenario_free(sc);
}

/* --- the comparison --- */

static void write_side(const char *dir, const char *rows)
{
	g_autofree gchar *text = g_strdup_printf("%s\n%s", sim_summary_header, rows);
	put(dir, "summary.csv", text);
	for (int r = 0; r < 2; r++) {
		g_autofree gchar *name = g_strdup_printf("rep%d/events.csv", r);
		put(dir, name, "time_s,node,event,value,set\n0.000000000,,route_installed,10,0;1;2;3\n"
			       "1.000000000,2,fail,,\n1.100000000,,route_change,9,0;1;2\n1.200000000,,route_change,9,0;1;3\n");
	}
}

static void test_compare(void)
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
	double m, sd;
	unsigned n;
	double x[] = {1, NAN, 3};
	lbv_mean_sd(x, 3, &m, &sd, &n);
	CU_ASSERT(n == 2 && m == 2 && fabs(sd - sqrt(2)) < 1e-12);
	g_string_free(table, TRUE);
}

/* --- the command's refusals (before any root check) --- */

static int lbsim(const char *const *args, gchar **err_out)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, (gpointer)LBSIM_PATH);
	for (size_t i = 0; args[i]; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	int status = -1;
	gboolean ok = g_spawn_sync(SOURCE_ROOT, (gchar **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
				   NULL, err_out, &status, NULL);
	g_ptr_array_free(argv, TRUE);
	return ok && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_refusals(void)
{
	struct {
		const char *set, *says;
	} cases[] = {
		{"traffic.protocol=tcp", "[traffic] protocol = tcp"},
		{"cluster.steering=on", "[cluster] steering = on"},
		{"traffic.flow_arrival_rate=10", "[traffic] flow_arrival_rate"},
		{"router.hold_time=2500ms", "[router] hold_time"},
		{"router.ecmp=resilient", "[router] ecmp = resilient"},
		{"failure.1.kind=lossy", "kind = lossy"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *extra = strstr(cases[i].set, "lossy") ? "failure.1.loss=0.5" : "scenario.seed=1";
		const char *args[] = {"validate", "scenarios/validation.ini", "--set", cases[i].set, "--set", extra, NULL};
		g_autofree gchar *err = NULL;
		CU_ASSERT_EQUAL(lbsim(args, &err), 2);
		CU_ASSERT_PTR_NOT_NULL(err && strstr(err, cases[i].says));
		CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "validation.ini"));
	}
	/* the loader's own messages for bad input */
	const char *bad[] = {"validate", "scenarios/validation.ini", "--set", "router.hold_time=3", NULL};
	g_autofree gchar *err = NULL;
	CU_ASSERT_EQUAL(lbsim(bad, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--set: [router] hold_time = \"3\""));
	const char *noreps[] = {"validate", "scenarios/validation.ini", "--reps", "0", NULL};
	g_autofree gchar *err2 = NULL;
	CU_ASSERT_EQUAL(lbsim(noreps, &err2), 2);
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("validate", setup, teardown);
	CU_add_test(s, "test_vnode_readvertise", test_vnode_readvertise);
	CU_add_test(s, "test_vnode_hold_keeps_metric", test_vnode_hold_keeps_metric);
	CU_add_test(s, "test_frr_vty_protocol", test_frr_vty_protocol);
	CU_add_test(s, "test_summary_header_extends_the_simulator", test_summary_header_extends_the_simulator);
	CU_add_test(s, "test_analysis", test_analysis);
	CU_add_test(s, "test_analysis_refuses_broken_logs", test_analysis_refuses_broken_logs);
	CU_add_test(s, "test_compare", test_compare);
	CU_add_test(s, "test_refusals", test_refusals);
}
