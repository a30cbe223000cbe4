/* test_limits.c - what the loader accepts can run (issue 14): exact
 * durations and seeds (defects 6, 8), describe's round trip (defect 7),
 * every limit of the core checked with the core's constants and a message
 * naming key and value (defect 3; the core then accepts every value at the
 * limit), what a run allocates bounded (defect 2), and the warnings for
 * legal but surely unintended inputs. */
#define _POSIX_C_SOURCE 200809L
#include <glib/gstdio.h>
#include <string.h>

#include "../cu_main.h"
#include "scenario.h"

static gchar *dir, *path;

/* A small scenario the cases below change with overrides. */
static const char base[] = "[scenario]\nname = limits\nduration = 2s\n"
			   "[cluster]\nsession_capacity = 1000\n"
			   "[traffic]\ninitial_flows = 100\nflow_arrival_rate = 10\n";

static struct scenario *load(const char *text, const char *const *over, GError **err)
{
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text ? text : base, -1, NULL));
	return scenario_load(path, over, err);
}

/* Loading with the one override `set` fails with exactly "--set: rest"
 * (rest NULL: loads). */
static void expect(const char *set, const char *rest)
{
	const char *const over[] = {set, NULL};
	GError *err = NULL;
	struct scenario *sc = load(NULL, over, &err);
	if (!rest) {
		if (err)
			fprintf(stderr, "\n%s: unexpected error: %s\n", set, err->message);
		CU_ASSERT_PTR_NOT_NULL(sc);
		CU_ASSERT_PTR_NULL(err);
	} else {
		CU_ASSERT_PTR_NULL(sc);
		g_autofree gchar *want = g_strdup_printf("--set: %s", rest);
		if (!err || strcmp(err->message, want) != 0)
			fprintf(stderr, "\n %s\n got: %s\nwant: %s\n", set, err ? err->message : "(loaded)", want);
		CU_ASSERT_STRING_EQUAL(err ? err->message : "", want);
	}
	g_clear_error(&err);
	scenario_free(sc);
}

/* The same with several overrides; the error must name `key` and its value. */
static void expect_multi(const char *const *over, const char *rest)
{
	GError *err = NULL;
	struct scenario *sc = load(NULL, over, &err);
	CU_ASSERT_PTR_NULL(sc);
	scenario_free(sc);
	if (!err || !strstr(err->message, rest))
		fprintf(stderr, "\n got: %s\nwant: ...%s\n", err ? err->message : "(loaded)", rest);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, rest));
	g_clear_error(&err);
}

/* ---- defects 6 and 8: values taken exactly ---- */

static void test_exact_values(void)
{
	/* 1.05ns, 1.00000000001s, 0.00000000001s were accepted and truncated */
	expect("scenario.duration=1.05ns", "[scenario] duration = \"1.05ns\": not a whole number of nanoseconds");
	expect("scenario.duration=1.00000000001s",
	       "[scenario] duration = \"1.00000000001s\": not a whole number of nanoseconds");
	expect("scenario.duration=0.00000000001s",
	       "[scenario] duration = \"0.00000000001s\": not a whole number of nanoseconds");
	expect("links.uplink_rate=1.0000000001Gbps", "[links] uplink_rate = \"1.0000000001Gbps\": not a whole number of bps");
	expect("scenario.duration=1.000000000000s", NULL); /* zeros below 1 ns are fine */
	expect("scenario.duration=1.5ns", "[scenario] duration = \"1.5ns\": not a whole number of nanoseconds");
	/* the top of the seed range (refused one digit early) */
	expect("scenario.seed=18446744073709551615", NULL);
	expect("scenario.seed=0xffffffffffffffff", NULL);
	expect("scenario.seed=18446744073709551616",
	       "[scenario] seed = \"18446744073709551616\": must be at most 18446744073709551615");
	expect("scenario.seed=99999999999999999999",
	       "[scenario] seed = \"99999999999999999999\": must be at most 18446744073709551615");
	expect("cluster.flow_hash_seed=4294967295", NULL);
	expect("cluster.flow_hash_seed=4294967296", "[cluster] flow_hash_seed = \"4294967296\": must be at most 4294967295");
	/* integers past 2^64 name the range, not only its bottom */
	expect("traffic.initial_flows=18446744073709551616",
	       "[traffic] initial_flows = \"18446744073709551616\": must be at most 4294967295");
	expect("scenario.replications=18446744073709551615",
	       "[scenario] replications = \"18446744073709551615\": must be in 1..2147483647");
}

/* The failure node range at exactly node = nodes (a mutant accepting it
 * survived), for node and nodes lists, and router = count. */
static void test_failure_ranges(void)
{
	const char *const last[] = {"failure.1.at=1s", "failure.1.kind=crash", "failure.1.node=3", NULL};
	GError *err = NULL;
	struct scenario *sc = load(NULL, last, &err);
	CU_ASSERT_PTR_NOT_NULL(sc);
	scenario_free(sc);
	const char *const past[] = {"failure.1.at=1s", "failure.1.kind=crash", "failure.1.node=4", NULL};
	expect_multi(past, "[failure.1] node = \"4\": node 4 is out of range 0..3");
	const char *const part[] = {"failure.1.at=1s", "failure.1.kind=partition", "failure.1.nodes=0;4", NULL};
	expect_multi(part, "[failure.1] nodes = \"0;4\": node 4 is out of range 0..3");
	const char *const rt[] = {"router.count=2", "failure.1.at=1s", "failure.1.kind=router-crash", "failure.1.router=2",
				  NULL};
	expect_multi(rt, "[failure.1] router = \"2\": router 2 is out of range 0..1");
}

/* Found by the fuzzer: an override whose group holds a control character
 * was silently dropped (GKeyFile refused the name with a GLib-CRITICAL and
 * the run went on without it). */
static void test_override_names(void)
{
	GError *err = NULL;
	const char *const bad[] = {"clus\001ter.nodes=9", NULL};
	CU_ASSERT_PTR_NULL(load(NULL, bad, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "malformed override"));
	g_clear_error(&err);
	const char *const bad_key[] = {"cluster.no\tdes=9", NULL};
	CU_ASSERT_PTR_NULL(load(NULL, bad_key, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "malformed override"));
	g_clear_error(&err);
}

/* ---- defect 7: describe's text loads back as the same scenario ---- */

static void round_trip(const struct scenario *sc)
{
	g_autofree gchar *text = scenario_describe(sc);
	g_autofree gchar *again_path = g_build_filename(dir, "again.ini", NULL);
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(again_path, text, -1, NULL));
	GError *err = NULL;
	struct scenario *again = scenario_load(again_path, NULL, &err);
	if (err)
		fprintf(stderr, "\n%s\nreloads with: %s\n", text, err->message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	g_autofree gchar *a = scenario_to_json(sc), *b = scenario_to_json(again);
	if (strcmp(a, b) != 0)
		fprintf(stderr, "\n%s\n---\n%s\n", a, b);
	CU_ASSERT_STRING_EQUAL(a, b);
	scenario_free(again);
	g_unlink(again_path);
}

static void test_hash_in_values(void)
{
	/* a value starting with '#' was printed "name = #x": a comment */
	const char *const start[] = {"scenario.name=#x", NULL};
	GError *err = NULL;
	CU_ASSERT_PTR_NULL(load(NULL, start, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "[scenario] name = \"#x\": must not start with '#'"));
	g_clear_error(&err);
	CU_ASSERT_PTR_NULL(load("[scenario]\nname =#x\n", NULL, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "[scenario] name = \"#x\": must not start with '#'"));
	g_clear_error(&err);
	const char *const blank[] = {"output.dir=a #b", NULL};
	CU_ASSERT_PTR_NULL(load(NULL, blank, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "[output] dir = \"a #b\": must not start with '#' or have a '#' after a blank"));
	g_clear_error(&err);
	/* in a file, "dir = #b" is a key with a comment for its value: the
	 * error says why the value is empty */
	CU_ASSERT_PTR_NULL(load("[output]\ndir = #b\n", NULL, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "[output] dir = \"\": must not be empty (the value is empty: a "
							   "'#' at its start or after a blank begins a comment)"));
	g_clear_error(&err);
	/* a value that is not UTF-8 text (it went into run.json raw) */
	CU_ASSERT_PTR_NULL(load("[scenario]\nname = a\xff\n", NULL, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "[scenario] name = \"a\xef\xbf\xbd\": not UTF-8 text (a result "
							   "file carries every value as text)"));
	g_clear_error(&err);
	CU_ASSERT_PTR_NULL(load("[sweep]\nrouter.failover = hold;b\xff" "d\n", NULL, &err));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err->message, "[sweep] router.failover = \"hold;b\xef\xbf\xbd" "d\": not UTF-8"));
	g_clear_error(&err);
	/* a '#' inside a word is part of the value and round-trips */
	const char *const inside[] = {"output.dir=results/run#2", "scenario.name=a#b", NULL};
	struct scenario *sc = load(NULL, inside, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_STRING_EQUAL(sc->output_dir, "results/run#2");
	round_trip(sc);
	scenario_free(sc);
	/* a name taken from the file's name keeps none of what a name may not hold */
	g_autofree gchar *odd = g_build_filename(dir, "a,b #c.ini", NULL);
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(odd, "[scenario]\nduration = 1s\n", -1, NULL));
	sc = scenario_load(odd, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_STRING_EQUAL(sc->name, "a_b _c");
	round_trip(sc);
	scenario_free(sc);
	g_unlink(odd);
}

/* Every shipped and test scenario, and one with every warning, round-trips. */
static void test_round_trip_everything(void)
{
	const char *dirs[] = {SOURCE_ROOT "/scenarios", SOURCE_ROOT "/tests/regression", TEST_DATA_DIR};
	unsigned n = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autoptr(GDir) d = g_dir_open(dirs[i], 0, NULL);
		const char *f;
		while (d && (f = g_dir_read_name(d))) {
			if (!g_str_has_suffix(f, ".ini") || g_str_has_prefix(f, "err-"))
				continue;
			g_autofree gchar *p = g_build_filename(dirs[i], f, NULL);
			struct scenario *sc = scenario_load(p, NULL, NULL);
			CU_ASSERT_PTR_NOT_NULL(sc);
			if (sc)
				round_trip(sc);
			scenario_free(sc);
			n++;
		}
	}
	CU_ASSERT(n >= 20);
}

/* ---- defect 3: the core's limits ---- */

static void no_router_act(void *u, const struct lb_router_action *a)
{
	(void)u;
	(void)a;
}

static void no_node_act(void *u, const struct lb_node_action *a)
{
	(void)u;
	(void)a;
}

/* The core builds every object of the scenario (router(s), a node, the
 * upstream stage's hash and agent) from what the loader accepted. */
static void core_accepts(const char *const *over)
{
	GError *err = NULL;
	struct scenario *sc = load(NULL, over, &err);
	if (err)
		fprintf(stderr, "\n%s: %s\n", over[0], err->message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	for (unsigned r = 0; r < sc->router_count; r++) {
		struct lb_router_params rp = scenario_router_params(sc, r);
		rp.act = no_router_act;
		struct lb_router *rt = lb_router_create(&rp);
		CU_ASSERT_PTR_NOT_NULL(rt);
		lb_router_free(rt);
	}
	struct lb_hasher h;
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&h, sc->flow_hash, sc->flow_hash_seed), 0);
	struct lb_node_params np = scenario_node_params(sc);
	np.act = no_node_act;
	np.hasher = &h;
	np.first_refresh_ns = 1;
	struct lb_node *n = lb_node_create(&np);
	if (!n)
		fprintf(stderr, "\n%s: the node model refuses it\n", over[0]);
	CU_ASSERT_PTR_NOT_NULL(n);
	lb_node_free(n);
	if (sc->router_count > 1) {
		struct lb_hasher u;
		CU_ASSERT_EQUAL(lb_hasher_init(&u, sc->upstream_hash, sc->upstream_hash_seed), 0);
		struct lb_agent_params ap = {.base_metric = 1, .refresh_ns = sc->upstream_refresh_interval_ns,
					     .first_refresh_ns = 1};
		struct lb_agent *a = lb_agent_create(&ap);
		CU_ASSERT_PTR_NOT_NULL(a);
		lb_agent_free(a);
	}
	scenario_free(sc);
}

static void test_core_limits(void)
{
	/* session and flow-state tables: LB_SESSION_MIN/MAX_TIMEOUT_NS, LB_SESSION_MAX_CAPACITY */
	expect("cluster.session_idle_timeout=999999ns",
	       "[cluster] session_idle_timeout = \"999999ns\": must be at least 1ms");
	expect("cluster.session_idle_timeout=2147483648ms",
	       "[cluster] session_idle_timeout = \"2147483648ms\": must be at most 2147483647ms");
	expect("cluster.flow_state_idle_timeout=0s", "[cluster] flow_state_idle_timeout = \"0s\": must be at least 1ms");
	expect("cluster.flow_state_idle_timeout=2147483648ms",
	       "[cluster] flow_state_idle_timeout = \"2147483648ms\": must be at most 2147483647ms");
	expect("cluster.session_capacity=1073741825", "[cluster] session_capacity = \"1073741825\": must be in 1..1073741824");
	expect("cluster.flow_state_capacity=1073741825",
	       "[cluster] flow_state_capacity = \"1073741825\": must be in 1..1073741824");
	expect("cluster.session_capacity=0", "[cluster] session_capacity = \"0\": must be in 1..1073741824");
	const char *const t1[] = {"cluster.session_idle_timeout=1ms", "cluster.flow_state_idle_timeout=1ms", NULL};
	core_accepts(t1);
	const char *const t2[] = {"cluster.session_idle_timeout=2147483647ms", "cluster.flow_state_idle_timeout=2147483647ms",
				  "cluster.flow_state_capacity=1", NULL};
	core_accepts(t2);
	/* membership: lb_member_check, and heartbeat_interval x heartbeat_misses within the time bound */
	const char *const hb0[] = {"cluster.heartbeat_interval=1s", "cluster.heartbeat_misses=1000000001", NULL};
	expect_multi(hb0, "[cluster] heartbeat_misses = \"1000000001\": heartbeat_interval x heartbeat_misses = 1s x 1000000001 is beyond 1000000000s");
	const char *const hb[] = {"cluster.heartbeat_interval=500000000s", "cluster.heartbeat_misses=2", NULL};
	core_accepts(hb);
	const char *const hb2[] = {"cluster.heartbeat_interval=500000000s", "cluster.heartbeat_misses=3", NULL};
	expect_multi(hb2, "[cluster] heartbeat_misses = \"3\": heartbeat_interval x heartbeat_misses = 500000000s x 3 is beyond 1000000000s");
	/* BFD: interval x multiplier */
	const char *const bfd[] = {"router.bfd_interval=1s", "router.bfd_multiplier=1000000000", "router.failover=bfd", NULL};
	core_accepts(bfd);
	const char *const bfd2[] = {"router.bfd_interval=1s", "router.bfd_multiplier=1000000001", NULL};
	expect_multi(bfd2, "[router] bfd_multiplier = \"1000000001\": bfd_interval x bfd_multiplier = 1s x 1000000001 is beyond 1000000000s");
	/* metrics: LB_ROUTE_METRIC_NONE is not a metric */
	expect("cluster.base_metric=4294967295", "[cluster] base_metric = \"4294967295\": must be in 1..4294967294");
	const char *const bm[] = {"cluster.base_metric=4294967294", NULL};
	core_accepts(bm);
	/* Maglev: LB_MAGLEV_MIN_M..LB_MAGLEV_MAX_M, prime */
	expect("cluster.maglev_table_size=16777214", "[cluster] maglev_table_size = \"16777214\": must be in 64..16777213");
	expect("cluster.maglev_table_size=65536",
	       "[cluster] maglev_table_size = \"65536\": 65536 is not prime (Maglev needs a prime table size, e.g. 65537)");
	const char *const mg[] = {"cluster.owner_hash=maglev", "cluster.maglev_table_size=16777213", NULL};
	core_accepts(mg);
	const char *const mg2[] = {"cluster.owner_hash=maglev", "cluster.maglev_table_size=67", NULL};
	core_accepts(mg2);
	/* resilient buckets: LB_ECMP_MAX_BUCKETS; linux-resilient: LB_LINUX_RES_MAX_BUCKETS */
	const char *const rb[] = {"router.ecmp=resilient", "router.resilient_buckets=1048577", NULL};
	expect_multi(rb, "[router] resilient_buckets = \"1048577\": must be in 1..1048576 with router.ecmp = resilient");
	const char *const rb1[] = {"router.ecmp=resilient", "router.resilient_buckets=1048576", NULL};
	core_accepts(rb1);
	const char *const lr0[] = {"router.ecmp=linux-resilient", "router.resilient_buckets=0", NULL};
	expect_multi(lr0, "[router] resilient_buckets = \"0\": must be in 1..65535 with router.ecmp = linux-resilient");
	const char *const lr1[] = {"router.ecmp=linux-resilient", "router.resilient_buckets=65536", NULL};
	expect_multi(lr1, "[router] resilient_buckets = \"65536\": must be in 1..65535 with router.ecmp = linux-resilient");
	const char *const lr2[] = {"router.ecmp=linux-resilient", "router.resilient_buckets=65535", NULL};
	core_accepts(lr2);
	const char *const lr3[] = {"router.ecmp=linux-resilient", "router.resilient_buckets=1", NULL};
	core_accepts(lr3);
	/* linux hashes: lb_hasher_init_linux refuses seed 0 */
	const char *const fh[] = {"cluster.flow_hash=linux", "cluster.flow_hash_seed=0", NULL};
	expect_multi(fh, "[cluster] flow_hash_seed = \"0\": must be 1..4294967295 with cluster.flow_hash = linux");
	const char *const uh[] = {"router.count=2", "router.upstream_hash=linux", "router.upstream_hash_seed=0", NULL};
	expect_multi(uh, "[router] upstream_hash_seed = \"0\": must be 1..4294967295 with router.upstream_hash = linux");
	const char *const eh[] = {"router.ecmp_hash=linux", "router.ecmp_hash_seed=0", NULL};
	expect_multi(eh, "[router] ecmp_hash_seed = \"0\": must be 1..4294967295 with router.ecmp_hash = linux");
	const char *const lh[] = {"router.count=2", "router.upstream_hash=linux", "router.upstream_hash_seed=1",
				  "cluster.flow_hash=linux", "cluster.flow_hash_seed=4294967295", "router.ecmp_hash=linux",
				  "router.ecmp_hash_seed=1", "router.linux_hash_policy=0", NULL};
	core_accepts(lh);
	expect("router.linux_hash_policy=2", "[router] linux_hash_policy = \"2\": must be in 0..1");
	/* every duration within SCENARIO_MAX_TIME_NS: ns-3's signed time and the core's sums */
	expect("router.hold_time=1000000001s", "[router] hold_time = \"1000000001s\": must be at most 1000000000s");
	expect("cluster.restore_wait=18446744073709551615ns",
	       "[cluster] restore_wait = \"18446744073709551615ns\": must be at most 1000000000s");
	expect("links.uplink_delay=1000000000001ms", "[links] uplink_delay = \"1000000000001ms\": must be at most 1000000000s");
	const char *const tmax[] = {"router.hold_time=1000000000s", "cluster.restore_wait=1000000000s",
				    "router.refresh_interval=1000000000s", "router.fib_install_delay=1000000000s",
				    "cluster.advertise_delay=1000000000s", NULL};
	core_accepts(tmax);
	/* nodes and routers: LB_MAX_NODES, SCENARIO_MAX_ROUTERS */
	expect("cluster.nodes=65", "[cluster] nodes = \"65\": must be in 1..64");
	const char *const big[] = {"cluster.nodes=64", "router.count=16", "cluster.session_capacity=100", NULL};
	core_accepts(big);
	/* replications: one block of ns-3 runs per seed (shim.h) */
	expect("scenario.replications=2147483648", "[scenario] replications = \"2147483648\": must be in 1..2147483647");
	expect("scenario.replications=2147483647", NULL);
}

/* ---- defect 2: what a run allocates ---- */

static void test_allocation_bounded(void)
{
	/* bin = 1ns over 100000 s: the run aborted allocating its bins */
	const char *const bins[] = {"scenario.duration=100000s", "scenario.bin=1ns", NULL};
	expect_multi(bins, "[scenario] bin = \"1ns\": the run would allocate about");
	expect_multi(bins, "more than the 8.0 GiB a run may use");
	expect("traffic.initial_flows=4294967295",
	       "[traffic] initial_flows = \"4294967295\": the run would allocate about 906.7 GiB (768.0 GiB of flow "
	       "records), more than the 8.0 GiB a run may use");
	const char *const arr[] = {"traffic.flow_arrival_rate=1e9", NULL};
	expect_multi(arr, "[traffic] flow_arrival_rate = \"1e9\": the run would allocate about");
	const char *const tables[] = {"cluster.nodes=64", "cluster.session_capacity=10000000", NULL};
	expect_multi(tables, "[cluster] session_capacity = \"10000000\": the run would allocate about");
	const char *const mg[] = {"cluster.nodes=64", "cluster.owner_hash=maglev", "cluster.maglev_table_size=16777213",
				  "traffic.clients=65535", "cluster.session_capacity=10000000", NULL};
	expect_multi(mg, "of session and flow-state tables), more than");
	/* found by the fuzzer: flow-state tables sized "auto" by the flows are
	 * the largest part; the error names the flows' key (it asserted) */
	const char *const autotab[] = {"cluster.nodes=64", "traffic.initial_flows=7484681", "traffic.flow_arrival_rate=0",
				       NULL};
	expect_multi(autotab, "[traffic] initial_flows = \"7484681\": the run would allocate about");
	expect_multi(autotab, "of session and flow-state tables), more than the 8.0 GiB a run may use");
	/* packets waiting in link queues: a 1 Kbps uplink with a 2^32-packet
	 * queue under 1e8 packets (100 flows x 1e6/s x 1 s): 2 x 4 nodes x 2^32
	 * slots, min(slots, packets) = 1.000001e8 queued x 168 bytes (measured) */
	const char *const q[] = {"links.uplink_rate=1Kbps", "links.uplink_queue=4294967295", "traffic.initial_flows=100",
				 "traffic.flow_arrival_rate=0", "traffic.packet_rate=1e6", "traffic.flow_duration=fixed:1s",
				 "scenario.duration=1s", NULL};
	expect_multi(q, "[links] uplink_queue = \"4294967295\": the run would allocate about 15.6 GiB (15.6 GiB of "
			"packets waiting in link queues), more than the 8.0 GiB a run may use");
	/* one flow's packets must fit its 32-bit sequence numbers */
	const char *const seq[] = {"traffic.packet_rate=1e9", "scenario.duration=5s", NULL};
	expect_multi(seq, "[traffic] packet_rate = \"1e9\": a flow could send 5e+09 packets in the run");
	/* the estimate: within a factor 2 of what the default scenario does
	 * (measured: 94383 packets sent, 921806 events, 1479 flows) */
	struct scenario *sc = scenario_load(SOURCE_ROOT "/scenarios/default.ini", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	struct scenario_cost k;
	scenario_cost(sc, &k);
	CU_ASSERT(k.packets > 94383 / 2.0 && k.packets < 94383 * 2.0);
	CU_ASSERT(k.events > 921806 / 2.0 && k.events < 921806 * 2.0);
	/* the parts add up; Maglev builds at their measured cost: 4 nodes x
	 * M = 65537 x (1 + 2 x 1 failure) entries x 0.025 events each */
	CU_ASSERT_DOUBLE_EQUAL(k.events,
			       k.ev_packets + k.ev_heartbeats + k.ev_refresh + k.ev_bfd + k.ev_upstream + k.ev_bins +
				       k.ev_stop + k.ev_maglev + k.ev_setup,
			       1e-6 * k.events);
	CU_ASSERT_EQUAL(sc->owner_hash, LB_OWNER_MAGLEV);
	CU_ASSERT_EQUAL(sc->n_failures, 1);
	CU_ASSERT_DOUBLE_EQUAL(k.maglev_entries, 4.0 * 65537 * 3, 0.5);
	CU_ASSERT_DOUBLE_EQUAL(k.ev_maglev, 4.0 * 65537 * 3 * 0.025, 1e-6);
	CU_ASSERT(k.flows > 1479 / 2.0 && k.flows < 1479 * 2.0);
	CU_ASSERT(k.bytes < (double)SCENARIO_MAX_RUN_BYTES);
	scenario_free(sc);
}

/* ---- warnings ---- */

static bool has_warning(const struct scenario *sc, const char *text)
{
	for (size_t i = 0; i < sc->n_warnings; i++)
		if (strstr(sc->warnings[i], text))
			return true;
	return false;
}

static void test_warnings(void)
{
	static const char text[] =
		"[scenario]\nduration = 10s\n[router]\ncount = 2\n"
		"[traffic]\ninitial_flows = 100\nflow_arrival_rate = 10\n"
		"[failure.1]\nat = 1s\nkind = recover\nnode = 1\n"          /* never crashed */
		"[failure.2]\nat = 2s\nkind = link-up\nnode = 2\n"          /* never down */
		"[failure.3]\nat = 3s\nkind = backplane-up\nnode = 0\n"     /* never down */
		"[failure.4]\nat = 3s\nkind = router-recover\nrouter = 1\n" /* never crashed */
		"[failure.5]\nat = 4s\nkind = crash\nnode = 3\n"
		"[failure.6]\nat = 5s\nkind = crash\nnode = 3\n"           /* already down */
		"[failure.7]\nat = 6s\nkind = recover\nnode = 3\n"          /* fine */
		"[failure.8]\nat = 9s\nkind = backplane-down\nnode = 2\n"   /* fine: 0.3 s to detect */
		"[failure.9]\nat = 10s\nkind = link-down\nnode = 0\n";      /* at the very end */
	GError *err = NULL;
	struct scenario *sc = load(text, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	const char *want[] = {
		"[failure] recover of node 1 at 1s: nothing to repair (no crash of it before that is still in effect)",
		"[failure] link-up of node 2 at 2s: nothing to repair (no link-down of it",
		"[failure] backplane-up of node 0 at 3s: nothing to repair (no backplane-down of it",
		"[failure] router-recover of router 1 at 3s: nothing to repair (no router-crash of it",
		"[failure] crash of node 3 at 5s: already down (since 4s, not repaired since)",
		"[failure] link-down of node 0 at 10s: at the very end of the run (duration)",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		if (!has_warning(sc, want[i]))
			fprintf(stderr, "\nmissing warning: %s\n", want[i]);
		CU_ASSERT_TRUE(has_warning(sc, want[i]));
	}
	CU_ASSERT_EQUAL(sc->n_warnings, G_N_ELEMENTS(want));
	round_trip(sc); /* the same warnings after describe */
	scenario_free(sc);

	/* detection longer than what is left of the run: the hold timer (40 s)
	 * after a crash at 10 s of 12 s; a router-crash under upstream hold */
	const char *const hold[] = {"scenario.duration=12s", "router.failover=hold", "failure.1.at=10s",
				    "failure.1.kind=crash", "failure.1.node=1", NULL};
	sc = load(NULL, hold, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_TRUE(has_warning(sc, "[failure] crash of node 1 at 10s: the run ends 2s after it, before the router "
				       "stops sending to the dead node (the failover's closed form): about 3"));
	scenario_free(sc);
	const char *const up[] = {"router.count=2", "router.upstream_detection=hold", "failure.1.at=1s",
				  "failure.1.kind=router-crash", "failure.1.router=0", NULL};
	sc = load(NULL, up, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_TRUE(has_warning(sc, "[failure] router-crash of router 0 at 1s: the run ends 1s after it, before the "
				       "upstream stage's hold time expires (upstream_hold_time): about 9 s"));
	scenario_free(sc);
	/* a run that would take hours: packet_rate = 1e9 on a 1.7 s run */
	const char *const work[] = {"traffic.packet_rate=1e9", "scenario.duration=1700ms", NULL};
	sc = load(NULL, work, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_TRUE(has_warning(sc, "a long run: about"));
	CU_ASSERT_TRUE(has_warning(sc, "most of it from [traffic] packets"));
	scenario_free(sc);
	const char *const refresh[] = {"router.refresh_interval=1ns", "router.hold_time=1s", NULL};
	sc = load(NULL, refresh, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_TRUE(has_warning(sc, "most of it from [router] refresh_interval"));
	scenario_free(sc);
	/* the kernel's hash under another next-hop choice (router 1's own hash
	 * counts too); none with ecmp = linux */
	const char *const lh[] = {"router.count=2", "router.1.ecmp_hash=linux", "router.1.ecmp_hash_seed=7", NULL};
	sc = load(NULL, lh, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_TRUE(has_warning(sc, "[router] ecmp_hash = linux with ecmp = hash-threshold: the kernel's hash, but "
				       "not its next-hop choice (for a Linux router's choice, flow by flow, set ecmp = "
				       "linux or linux-resilient)"));
	CU_ASSERT_EQUAL(sc->n_warnings, 1);
	scenario_free(sc);
	const char *const lx[] = {"router.ecmp_hash=linux", "router.ecmp_hash_seed=7", "router.ecmp=linux", NULL};
	sc = load(NULL, lx, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_EQUAL(sc->n_warnings, 0);
	scenario_free(sc);
	/* none for an ordinary scenario */
	sc = load(NULL, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_EQUAL(sc->n_warnings, 0);
	scenario_free(sc);
}

static int setup(void)
{
	dir = g_dir_make_tmp("limits-XXXXXX", NULL);
	path = dir ? g_build_filename(dir, "case.ini", NULL) : NULL;
	return dir ? 0 : 1;
}

static int teardown(void)
{
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	return 0;
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("limits", setup, teardown);
	CU_add_test(s, "test_exact_values", test_exact_values);
	CU_add_test(s, "test_failure_ranges", test_failure_ranges);
	CU_add_test(s, "test_override_names", test_override_names);
	CU_add_test(s, "test_hash_in_values", test_hash_in_values);
	CU_add_test(s, "test_round_trip_everything", test_round_trip_everything);
	CU_add_test(s, "test_core_limits", test_core_limits);
	CU_add_test(s, "test_allocation_bounded", test_allocation_bounded);
	CU_add_test(s, "test_warnings", test_warnings);
}
