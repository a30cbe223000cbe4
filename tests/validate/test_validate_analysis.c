/* test_validate_analysis.c - test_validate: the analysis of one
 * repetition's raw logs into lbsim's CSVs (model/validate/analyze.c), on
 * synthetic logs in the formats testbed.sh, lbv-send, lbv-recv,
 * lbv-agentd, FRR and `ip monitor` write; broken logs refused. */
#define _GNU_SOURCE
#include <CUnit/CUnit.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cu_main.h"
#include "analyze.h"
#include "output.h"
#include "validate_fixture.h"
#include "wire.h"

/* --- the analysis, on synthetic raw logs of one repetition --- */

static const uint64_t T0 = UINT64_C(1700000000) * S; /* 2023-11-14 22:13:20 UTC */

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
	put(raw, "params.env", "LBV_TAG='lbvtest'\nLBV_SEED=1000042\nLBV_NODES=4\n");
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

/* The real summary.csv starts with exactly the simulator's columns. */
void test_summary_header_extends_the_simulator(void)
{
	CU_ASSERT(g_str_has_prefix(lbv_real_summary_header(), sim_summary_header));
	CU_ASSERT_EQUAL(lbv_real_summary_header()[strlen(sim_summary_header)], ',');
}

void test_analysis(void)
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
	/* the repetition's seed (params.env), not the scenario's */
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "seed"), "1000042");
	CU_ASSERT_STRING_EQUAL(g_hash_table_lookup(v, "replication"), "0");
	g_hash_table_destroy(v);
	g_autofree gchar *ev = read_file(rep, "events.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	/* the simulator's events.csv exactly (model/sim/output.c): its columns,
	 * router = 0 on the router's own events (its bgpd, bfdd, kernel route)
	 * and empty on the nodes' and the failures', then the run's identity:
	 * scenario, sweep (empty: no sweep), replication = the repetition (0),
	 * seed = the repetition's (params.env's LBV_SEED) */
	g_autofree gchar *ev_header = g_strconcat(sim_events_header, ",scenario,sweep,replication,seed\n", NULL);
	CU_ASSERT_STRING_EQUAL(ev_header, "time_s,node,event,value,set,router,scenario,sweep,replication,seed\n");
	CU_ASSERT_STRING_EQUAL(ev, "time_s,node,event,value,set,router,scenario,sweep,replication,seed\n"
				   "0.000000000,,route_installed,10,0;1;2;3,0,validation,,0,1000042\n"
				   "1.004000000,2,fail,,,,validation,,0,1000042\n"
				   "1.300000000,0,detect,2,0;1;3,,validation,,0,1000042\n"
				   "1.300000010,0,advertise,9,,,validation,,0,1000042\n"
				   "1.301000000,0,med_set,9,,,validation,,0,1000042\n"
				   "1.349000000,0,update_sent,9,,,validation,,0,1000042\n"
				   "1.350000000,0,update_rx,9,,0,validation,,0,1000042\n"
				   "1.390000000,,route_change,9,0;1;3,0,validation,,0,1000042\n"
				   "1.400000000,,route_installed,9,0;1;3,0,validation,,0,1000042\n"
				   "2.900000000,2,hold_expiry,,,0,validation,,0,1000042\n");
	/* the component timing: decision 1.300000010, med_set 1.301, update_sent
	 * 1.349, update_rx 1.350, route_change 1.390, installed 1.400; the hold
	 * expiry of node 2 changes nothing (its route had left) and has no row */
	g_autofree gchar *timing = read_file(rep, "timing.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(timing);
	CU_ASSERT_STRING_EQUAL(timing, "trigger,node,metric,t_s,config_s,node_queue_s,to_router_s,router_s,fib_s\n"
				       "advertise,0,9,1.300000010,0.000999990,0.048000000,0.001000000,0.040000000,"
				       "0.010000000\n");
	/* timeseries.csv and nodes.csv: the simulator's columns and identity too */
	const char *id = ",validation,,0,1000042\n";
	g_autofree gchar *ts = read_file(rep, "timeseries.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ts);
	CU_ASSERT(g_str_has_prefix(ts, "time_s,sent,delivered,lost,drop_blackhole,drop_steer_dead,drop_no_state,"
					"drop_queue,drop_no_route,drop_link,drop_router_down,scenario,sweep,replication,"
					"seed\n"));
	g_autofree gchar *ts_row = g_strconcat("\n1.000000000,8,6,2,2,0,0,0,0,0,0", id, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(ts, ts_row));
	g_autofree gchar *nodes = read_file(rep, "nodes.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(nodes);
	g_autofree gchar *nodes_header = g_strconcat(sim_nodes_header, ",scenario,sweep,replication,seed\n", NULL);
	CU_ASSERT(g_str_has_prefix(nodes, nodes_header));
	g_autofree gchar *run = read_file(rep, "run.json");
	CU_ASSERT_PTR_NOT_NULL(run && strstr(run, "\"scenario\": \"validation\",\n  \"replication\": 0,\n  \"seed\": \"1000042\""));
	g_autofree gchar *nodes_row = g_strconcat("\n1.400000000,0,3,0,0,3,0,0,0,0,0,0,0,0,0,0", id, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(nodes, nodes_row));
	g_string_free(rows, TRUE);
	scenario_free(sc);
}
/* A truncated packet log is an error naming the file, not a silent zero. */
void test_analysis_refuses_broken_logs(void)
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
