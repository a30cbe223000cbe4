/* lbsim validate without a testbed: the real node's decision logic
 * (vnode: model/core's lb_node as the testbed's daemon drives it), the FRR
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
#include "real.h"
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

/* --- vnode: model/core's lb_node as the testbed's daemon drives it --- */

#define MAX_ACTS 4096

/* Every action vnode hands out, with the caller's clock at the time. */
static struct rec {
	uint64_t now;
	struct lb_node_action a;
} acts[MAX_ACTS];
static unsigned n_acts;
static uint64_t clock_now;

static void record(void *user, const struct lb_node_action *a)
{
	(void)user;
	CU_ASSERT(a->kind != LB_NA_TIMER); /* vnode runs the timers itself */
	if (n_acts < MAX_ACTS)
		acts[n_acts++] = (struct rec){clock_now, *a};
}

static struct vnode_params params0(const struct lb_strategy *s)
{
	return (struct vnode_params){.self = 0, .nodes = 4, .heartbeat_ns = 100 * MS, .misses = 3,
				     .heartbeat_phase_ns = 50 * MS, .base_metric = 10, .reduction = 1,
				     .restore_wait_ns = 4 * S, .refresh_ns = 1 * S, .first_refresh_ns = 500 * MS,
				     .strategy = s};
}

/* The index of the first recorded action of kind (and event ev) at or after
 * index from, with value v (-1: any); -1 when none. */
static int find_act(unsigned from, enum lb_node_action_kind kind, int ev, long long v)
{
	for (unsigned i = from; i < n_acts; i++) {
		const struct lb_node_action *a = &acts[i].a;
		if (a->kind != kind || (kind == LB_NA_EVENT && (int)a->event != ev))
			continue;
		long long val = kind == LB_NA_EVENT ? a->ev_value : (long long)a->value;
		if (v < 0 || val == v)
			return (int)i;
	}
	return -1;
}

/* The daemon's lb_node adds no delay of its own, whatever the scenario's
 * profile: the real vty path and the node's real bgpd are the delay. */
static void test_vnode_no_simulated_delay(void)
{
	struct vnode_params p = params0(&lb_strategy_readvertise);
	struct lb_node_params np = vnode_node_params(&p);
	CU_ASSERT_EQUAL(np.profile, LB_PROFILE_IDEAL);
	CU_ASSERT_EQUAL(np.advertise_delay_ns, 0);
	CU_ASSERT_EQUAL(lb_node_advertise_delay_ns(&np), 0);
	CU_ASSERT_FALSE(np.steering);
	CU_ASSERT_EQUAL(np.heartbeat_phase_ns, 50 * MS);
	CU_ASSERT_PTR_EQUAL(np.strategy, &lb_strategy_readvertise);
}

/* Peers 1 and 3 keep sending heartbeats, peer 2 falls silent at 1 s: node 0
 * declares it down on its first own tick at or after 1 s + 3 x 100 ms
 * (ticks at 50 ms + k x 100 ms), and (readvertise) hands out n - d in that
 * same call, then n again exactly W later; refreshes carry the metric last
 * sent. */
static void test_vnode_readvertise(void)
{
	n_acts = 0;
	clock_now = 0;
	struct vnode_params p = params0(&lb_strategy_readvertise);
	struct vnode *v = vnode_create(&p, record, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	vnode_start(v, 0);
	CU_ASSERT(find_act(0, LB_NA_EVENT, LB_NE_ADVERTISE, 10) >= 0);
	CU_ASSERT(find_act(0, LB_NA_SEND_ADVERTISE, 0, 10) >= 0);
	CU_ASSERT_EQUAL(vnode_next_deadline(v), 50 * MS); /* the first heartbeat tick, at its phase */
	uint64_t detect = 0;
	for (uint64_t t = 50 * MS; t < 3 * S && !detect; t += 100 * MS) {
		for (unsigned q = 1; q < 4; q++)
			if (q != 2 || t < 1 * S)
				CU_ASSERT_EQUAL(vnode_heartbeat(v, q, 100, t - 10 * MS), 0);
		unsigned from = n_acts;
		clock_now = t;
		vnode_run(v, t);
		/* one heartbeat to every peer per tick */
		for (unsigned q = 1; q < 4; q++)
			CU_ASSERT(find_act(from, LB_NA_SEND_HEARTBEAT, 0, 100) >= 0);
		int d = find_act(from, LB_NA_EVENT, LB_NE_DETECT, 2);
		if (d >= 0) {
			detect = t;
			CU_ASSERT(acts[d].a.has_set && acts[d].a.set == 0xb);
			int adv = find_act(from, LB_NA_EVENT, LB_NE_ADVERTISE, 9);
			int snd = find_act(from, LB_NA_SEND_ADVERTISE, 0, 9);
			CU_ASSERT(adv > d && snd >= 0); /* decided and handed out in the same call */
			CU_ASSERT_EQUAL(vnode_metric(v), 9);
		}
	}
	/* last heartbeat from 2 at 0.94 s: down at >= 1.24 s, on the tick at 1.25 s */
	CU_ASSERT_EQUAL(detect, 1250 * MS);
	/* run on to the restore at detect + W */
	unsigned from = n_acts;
	uint64_t restored = 0;
	for (int guard = 0; guard < 1000 && !restored; guard++) {
		uint64_t t = vnode_next_deadline(v);
		CU_ASSERT_FATAL(t != LB_TIME_NEVER && t <= detect + 5 * S);
		for (unsigned q = 1; q < 4; q += 2)
			vnode_heartbeat(v, q, 100, t);
		clock_now = t;
		unsigned before = n_acts;
		vnode_run(v, t);
		int r = find_act(before, LB_NA_EVENT, LB_NE_RESTORE, 10);
		if (r >= 0) {
			restored = t;
			CU_ASSERT(find_act(before, LB_NA_SEND_ADVERTISE, 0, 10) >= 0);
		}
	}
	CU_ASSERT_EQUAL(restored, detect + 4 * S);
	/* the refreshes during W (every refresh_interval after the last
	 * advertisement: 2.25 s, ...) carried 9 */
	int ref = find_act(from, LB_NA_SEND_ADVERTISE, 0, -1);
	CU_ASSERT_FATAL(ref >= 0);
	CU_ASSERT_EQUAL(acts[ref].now, 2250 * MS);
	CU_ASSERT_EQUAL(acts[ref].a.value, 9);
	CU_ASSERT_EQUAL(vnode_metric(v), 10);
	/* node 2 comes back: peer_up, no new metric */
	unsigned before = n_acts;
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 2, 100, restored + 1 * MS), 0);
	int up = find_act(before, LB_NA_EVENT, LB_NE_PEER_UP, 2);
	CU_ASSERT(up >= 0 && acts[up].a.set == 0xf);
	CU_ASSERT_EQUAL(find_act(before, LB_NA_SEND_ADVERTISE, 0, -1), -1);
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 0, 100, 7 * S), -EINVAL); /* self */
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 4, 100, 7 * S), -EINVAL); /* not a node */
	CU_ASSERT_EQUAL(vnode_view(v), 0xf);
	CU_ASSERT_EQUAL(vnode_overflows(v), 0);
	vnode_free(v);
}

/* hold and bfd: membership still runs (detections are events), but the
 * metric never changes; bfd's session packets are handed out (the daemon
 * drops them: bfdd sends the real ones).  A caller stopped for seconds
 * (a frozen node) runs its late heartbeat tick at the present, not a burst
 * of catch-up ticks.  Bad parameters: NULL. */
static void test_vnode_hold_keeps_metric(void)
{
	const struct lb_strategy *kinds[] = {&lb_strategy_hold, &lb_strategy_bfd};
	for (size_t k = 0; k < 2; k++) {
		n_acts = 0;
		clock_now = 0;
		struct vnode_params p = params0(kinds[k]);
		struct vnode *v = vnode_create(&p, record, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		vnode_start(v, 0);
		vnode_run(v, 350 * MS); /* ticks at 50 .. 350 ms; nobody heard from since 0: all three down at 350 */
		CU_ASSERT_EQUAL(vnode_view(v), 0x1);
		int d = find_act(0, LB_NA_EVENT, LB_NE_DETECT, -1);
		CU_ASSERT(d >= 0);
		for (uint64_t t = 400 * MS; t < 10 * S; t += 100 * MS)
			vnode_run(v, t);
		for (unsigned i = 0; i < n_acts; i++)
			CU_ASSERT(acts[i].a.kind != LB_NA_SEND_ADVERTISE || acts[i].a.value == 10);
		CU_ASSERT_EQUAL(find_act(0, LB_NA_SEND_WITHDRAW, 0, -1), -1);
		CU_ASSERT((find_act(0, LB_NA_SEND_SESSION, 0, -1) >= 0) == (kinds[k] == &lb_strategy_bfd));
		/* stopped from 10 s to 20 s: the tick runs at 20 s, the next at 20.1 s */
		vnode_run(v, 20 * S);
		CU_ASSERT(vnode_next_deadline(v) > 20 * S && vnode_next_deadline(v) <= 20 * S + 100 * MS);
		vnode_free(v);
	}
	struct vnode_params bad = params0(&lb_strategy_hold);
	bad.self = 4;
	CU_ASSERT_PTR_NULL(vnode_create(&bad, record, NULL));
	bad = params0(NULL);
	CU_ASSERT_PTR_NULL(vnode_create(&bad, record, NULL));
	bad = params0(&lb_strategy_hold);
	bad.misses = 0;
	struct vnode *w = vnode_create(&bad, record, NULL);
	CU_ASSERT_PTR_NULL(w);
	vnode_free(w);
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
	g_autofree gchar *u = frr_time(1349000);
	putf(raw, "frr/n0-bgpd.log",
	     "%s BGP: [TN0HX-6G1RR] u1:s1 send UPDATE w/ attr: nexthop 0.0.0.0, metric 9, path \n"
	     "%s BGP: [HVRWP-5R9NQ] u1:s1 send UPDATE 203.0.113.10/32 IPv4 unicast\n",
	     u, u);
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
	/* no flow table in these logs: the agreement columns stay empty */
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "flow_agreement"), "");
	g_hash_table_destroy(v);
	g_autofree gchar *ev = read_file(rep, "events.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_STRING_EQUAL(ev, "time_s,node,event,value,set\n"
				   "0.000000000,,route_installed,10,0;1;2;3\n"
				   "1.004000000,2,fail,,\n"
				   "1.300000000,0,detect,2,0;1;3\n"
				   "1.300000010,0,advertise,9,\n"
				   "1.301000000,0,med_set,9,\n"
				   "1.349000000,0,update_sent,9,\n"
				   "1.350000000,0,update_rx,9,\n"
				   "1.390000000,,route_change,9,0;1;3\n"
				   "1.400000000,,route_installed,9,0;1;3\n"
				   "2.900000000,2,hold_expiry,,\n");
	/* the component timing: decision 1.300000010, med_set 1.301, update_sent
	 * 1.349, update_rx 1.350, route_change 1.390, installed 1.400; the hold
	 * expiry of node 2 changes nothing (its route had left) and has no row */
	g_autofree gchar *timing = read_file(rep, "timing.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(timing);
	CU_ASSERT_STRING_EQUAL(timing, "trigger,node,metric,t_s,config_s,node_queue_s,to_router_s,router_s,fib_s\n"
				       "advertise,0,9,1.300000010,0.000999990,0.048000000,0.001000000,0.040000000,"
				       "0.010000000\n");
	g_autofree gchar *ts = read_file(rep, "timeseries.csv");
	CU_ASSERT_PTR_NOT_NULL(ts && strstr(ts, "\n1.000000000,8,6,2,2,0,0,0,0,0\n"));
	g_autofree gchar *nodes = read_file(rep, "nodes.csv");
	CU_ASSERT_PTR_NOT_NULL(nodes && strstr(nodes, "\n1.400000000,0,3,0,0,3,0,0\n"));
	g_string_free(rows, TRUE);
	scenario_free(sc);
}

/* --- per-flow agreement (flow_agree.c) on a constructed log --- */

/* Ten UDP flows whose next hop a Linux 6.18 kernel chose (recorded by
 * tools/record-linux-vectors.sh: tests/core/data/linux-vectors.csv, IPv4,
 * plain multipath route of 4 next hops, policy 1, seed 24301 = 0x5eed):
 * src, sport, dst, dport, and k, the position of the kernel's next hop in
 * the route.  The kernel's answers, not lbsim's: the test fails if lbsim's
 * router (hash, selection) or the mapping of positions to nodes is wrong. */
static const struct {
	const char *src;
	unsigned sport;
	const char *dst;
	unsigned dport, k;
} recorded[] = {
	{"10.250.117.107", 25737, "10.200.4.208", 80, 0},   {"10.100.153.75", 20486, "10.200.150.228", 25711, 3},
	{"10.250.3.250", 31636, "10.200.107.188", 80, 1},   {"10.100.242.240", 23599, "10.200.123.195", 20516, 1},
	{"10.250.42.244", 11932, "10.200.199.237", 80, 0},  {"10.250.170.212", 15007, "10.200.175.87", 322, 2},
	{"10.250.177.33", 8445, "10.200.30.172", 7681, 2},  {"10.100.149.154", 20144, "10.200.0.10", 9794, 2},
	{"10.250.147.19", 25879, "10.200.0.10", 30591, 0},  {"10.250.29.172", 11934, "10.200.0.10", 80, 3},
};

static struct scenario *agreement_scenario(const char *hash)
{
	g_autofree gchar *h = g_strdup_printf("router.ecmp_hash=%s", hash);
	const char *sets[] = {"cluster.steering=off", "router.ecmp=linux", h, "router.linux_hash_policy=1",
			      "router.ecmp_hash_seed=0x5eed", NULL};
	GError *err = NULL;
	struct scenario *sc = scenario_load(SOURCE_ROOT "/scenarios/validation.ini", sets, &err);
	if (!sc)
		fprintf(stderr, "%s\n", err->message);
	return sc;
}

/* The route lists its next hops in the order nodes 2, 0, 3, 1 (as FRR
 * might): the kernel's k-th next hop is node order[k].  Flows 0-6 reached
 * that node before the failure; flow 7 reached another (a disagreement);
 * flow 8 reached two nodes (not compared); flow 9 none (not compared).
 * `ip route get` answered order[k] for every flow. */
static void test_flow_agreement(void)
{
	static const int order[4] = {2, 0, 3, 1};
	g_autofree gchar *raw = g_build_filename(tmpdir, "agree", "raw", NULL);
	g_autofree gchar *out = g_build_filename(tmpdir, "agree", "flow_agreement.csv", NULL);
	GString *flows = g_string_new(NULL), *rg = g_string_new(NULL);
	lb_nodeset seen[10];
	for (unsigned f = 0; f < 10; f++) {
		unsigned node = (unsigned)order[recorded[f].k];
		g_string_append_printf(flows, "%u %s %u %s %u\n", f, recorded[f].src, recorded[f].sport, recorded[f].dst,
				       recorded[f].dport);
		g_string_append_printf(rg, "%u 10.10.%u.2\n", f, node);
		seen[f] = lb_nodeset_bit(node);
	}
	seen[7] = lb_nodeset_bit((unsigned)order[(recorded[7].k + 1) % 4]);
	seen[8] |= lb_nodeset_bit((unsigned)order[(recorded[8].k + 1) % 4]);
	seen[9] = 0;
	put(raw, "flows.txt", flows->str);
	put(raw, "route-get.txt", rg->str);
	put(raw, "route-at-start.txt",
	    "203.0.113.10 proto bgp metric 20 \\\tnexthop via 10.10.2.2 dev n2 weight 1 \\\tnexthop via 10.10.0.2 dev n0 "
	    "weight 1 \\\tnexthop via 10.10.3.2 dev n3 weight 1 \\\tnexthop via 10.10.1.2 dev n1 weight 1 \n");
	g_string_free(flows, TRUE);
	g_string_free(rg, TRUE);

	struct scenario *sc = agreement_scenario("linux");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	struct real_agreement a;
	bool missing = true;
	GError *err = NULL;
	gboolean ok = real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err);
	if (!ok)
		fprintf(stderr, "\n%s\n", err->message);
	CU_ASSERT_FATAL(ok);
	CU_ASSERT_FALSE(missing);
	CU_ASSERT(a.predicted);
	CU_ASSERT_FALSE(a.order_natural);
	CU_ASSERT_STRING_EQUAL(a.order, "2;0;3;1");
	CU_ASSERT_EQUAL(a.flows, 10);
	CU_ASSERT_EQUAL(a.compared, 8);
	CU_ASSERT_EQUAL(a.agree, 7);
	CU_ASSERT_EQUAL(a.split, 1);
	CU_ASSERT_EQUAL(a.routeget_compared, 8);
	CU_ASSERT_EQUAL(a.routeget_agree, 7);
	g_autofree gchar *csv = read_file(tmpdir, "agree/flow_agreement.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT(g_str_has_prefix(csv, "flow,src,sport,dst,dport,real_node,route_get_node,lbsim_node,agree\n"
					"0,10.250.117.107,25737,10.200.4.208,80,2,2,2,1\n"));
	/* flow 7: k = 2, node 3; it reached order[3] = node 1 */
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n7,10.100.149.154,20144,10.200.0.10,9794,1,3,3,0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n8,10.250.147.19,25879,10.200.0.10,30591,-2,2,2,\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n9,10.250.29.172,11934,10.200.0.10,80,-1,1,1,\n"));
	scenario_free(sc);

	/* another router hash: the kernel's seed is not the model's, nothing is predicted */
	sc = agreement_scenario("crc32c");
	CU_ASSERT_FATAL(real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err));
	CU_ASSERT(!a.predicted && a.compared == 0 && a.agree == 0 && a.routeget_agree == 7);

	/* older logs without a flow table: reported as missing, not an error */
	g_autofree gchar *fp = g_build_filename(raw, "flows.txt", NULL);
	g_unlink(fp);
	CU_ASSERT_FALSE(real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err));
	CU_ASSERT(missing && err == NULL);
	scenario_free(sc);
	/* a malformed flow table is an error naming the file */
	put(raw, "flows.txt", "0 10.250.117.107 25737\n");
	sc = agreement_scenario("linux");
	CU_ASSERT_FALSE(real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err));
	CU_ASSERT(!missing && err && strstr(err->message, "flows.txt"));
	g_clear_error(&err);
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
			       "1.000000000,2,fail,,\n1.100000000,,route_change,9,0;1;2\n1.110000000,,route_installed,9,0;1;2\n"
			       "1.200000000,,route_change,9,0;1;3\n1.210000000,,route_installed,9,0;1;3\n"
			       "1.300000000,,route_change,9,0;1;3\n1.310000000,,route_installed,10,0;1;3\n");
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
	/* --real: no earlier run there, or one of another failover */
	g_autofree gchar *none = g_build_filename(tmpdir, "no-such-run", NULL);
	const char *noreal[] = {"validate", "scenarios/validation.ini", "--real", none, NULL};
	g_autofree gchar *err3 = NULL;
	CU_ASSERT_EQUAL(lbsim(noreal, &err3), 2);
	CU_ASSERT_PTR_NOT_NULL(err3 && strstr(err3, "--real"));
	g_autofree gchar *other = g_build_filename(tmpdir, "hold-run", "real", NULL);
	g_autofree gchar *row = g_strdup_printf("%s\nvalidation,0,1,4,hold\n", sim_summary_header);
	put(other, "summary.csv", row);
	g_autofree gchar *other_run = g_build_filename(tmpdir, "hold-run", NULL);
	const char *mismatch[] = {"validate", "scenarios/validation.ini", "--real", other_run, NULL};
	g_autofree gchar *err4 = NULL;
	CU_ASSERT_EQUAL(lbsim(mismatch, &err4), 2);
	CU_ASSERT_PTR_NOT_NULL(err4 && strstr(err4, "failover hold") && strstr(err4, "failover readvertise"));
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("validate", setup, teardown);
	CU_add_test(s, "test_vnode_no_simulated_delay", test_vnode_no_simulated_delay);
	CU_add_test(s, "test_vnode_readvertise", test_vnode_readvertise);
	CU_add_test(s, "test_vnode_hold_keeps_metric", test_vnode_hold_keeps_metric);
	CU_add_test(s, "test_frr_vty_protocol", test_frr_vty_protocol);
	CU_add_test(s, "test_summary_header_extends_the_simulator", test_summary_header_extends_the_simulator);
	CU_add_test(s, "test_analysis", test_analysis);
	CU_add_test(s, "test_analysis_refuses_broken_logs", test_analysis_refuses_broken_logs);
	CU_add_test(s, "test_flow_agreement", test_flow_agreement);
	CU_add_test(s, "test_compare", test_compare);
	CU_add_test(s, "test_refusals", test_refusals);
}
