/* test_scenario.c - scenario loading: the reference contract, every shipped
 * scenario, defaults, overrides, the exact message of each class of bad
 * input (data/err-*.ini), describe/JSON determinism and warnings. */
#include "../cu_main.h"
#include "scenario.h"

#include <glib/gstdio.h>
#include <string.h>

#define DATA(f) TEST_DATA_DIR "/" f
#define SHARED_REFERENCE SOURCE_ROOT "/../shared/scenario-reference.ini"
#define SHARED_REFERENCE_ABS "/work/shared/scenario-reference.ini"

static struct scenario *load_ok(const char *path, const char *const *over)
{
	GError *err = NULL;
	struct scenario *sc = scenario_load(path, over, &err);
	if (!sc) {
		fprintf(stderr, "\n%s: unexpected error: %s\n", path, err ? err->message : "(no error set)");
		g_clear_error(&err);
	}
	CU_ASSERT_PTR_NULL(err);
	return sc;
}

/* Loads path (with overrides) expecting failure with code and the message
 * exactly "<file>: <rest>", where <file> is path itself unless file is given. */
static void expect_err(const char *path, const char *const *over, int code, const char *file, const char *rest)
{
	GError *err = NULL;
	struct scenario *sc = scenario_load(path, over, &err);
	CU_ASSERT_PTR_NULL(sc);
	scenario_free(sc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	g_autofree gchar *want = g_strdup_printf("%s: %s", file ? file : path, rest);
	if (strcmp(err->message, want) != 0)
		fprintf(stderr, "\n got: %s\nwant: %s\n", err->message, want);
	CU_ASSERT_STRING_EQUAL(err->message, want);
	CU_ASSERT_EQUAL(err->domain, SCENARIO_ERROR);
	CU_ASSERT_EQUAL(err->code, code);
	g_error_free(err);
}

static void err_file(const char *name, int code, const char *rest)
{
	g_autofree gchar *path = g_build_filename(TEST_DATA_DIR, name, NULL);
	expect_err(path, NULL, code, NULL, rest);
}

/* ---- the reference contract ---- */

static void check_reference(const struct scenario *sc)
{
	static const uint8_t vip[4] = {203, 0, 113, 10};
	CU_ASSERT_STRING_EQUAL(sc->name, "reference");
	CU_ASSERT_EQUAL(sc->duration_ns, UINT64_C(12000000000));
	CU_ASSERT_EQUAL(sc->seed, 1);
	CU_ASSERT_EQUAL(sc->replications, 1);
	CU_ASSERT_EQUAL(sc->bin_ns, UINT64_C(10000000));
	CU_ASSERT_EQUAL(sc->nodes, 4);
	CU_ASSERT_EQUAL(sc->vip_family, 4);
	CU_ASSERT_EQUAL(memcmp(sc->vip, vip, 4), 0);
	CU_ASSERT_EQUAL(sc->base_metric, 10);
	CU_ASSERT_EQUAL(sc->metric_reduction, 1);
	CU_ASSERT_EQUAL(sc->restore_wait_ns, UINT64_C(40000000000));
	CU_ASSERT_EQUAL(sc->heartbeat_interval_ns, UINT64_C(100000000));
	CU_ASSERT_EQUAL(sc->heartbeat_misses, 3);
	CU_ASSERT_EQUAL(sc->owner_hash, LB_OWNER_MODULO);
	CU_ASSERT_EQUAL(sc->maglev_table_size, 65537);
	CU_ASSERT_TRUE(sc->session_cache);
	CU_ASSERT_EQUAL(sc->session_capacity, 1000000);
	CU_ASSERT_EQUAL(sc->session_idle_timeout_ns, UINT64_C(120000000000));
	CU_ASSERT_EQUAL(sc->flow_hash, LB_HASH_CRC32C);
	CU_ASSERT_EQUAL(sc->flow_hash_seed, 0x5eed);
	CU_ASSERT_EQUAL(sc->ecmp, LB_ECMP_HASH_THRESHOLD);
	CU_ASSERT_EQUAL(sc->ecmp_hash, LB_HASH_TOEPLITZ);
	CU_ASSERT_EQUAL(sc->ecmp_hash_seed, 1);
	CU_ASSERT_EQUAL(sc->resilient_buckets, 128);
	CU_ASSERT_EQUAL(sc->resilient_idle_timer_ns, UINT64_C(1000000000));
	CU_ASSERT_EQUAL(sc->refresh_interval_ns, UINT64_C(10000000000));
	CU_ASSERT_EQUAL(sc->hold_time_ns, UINT64_C(40000000000));
	CU_ASSERT_EQUAL(sc->processing_delay_ns, UINT64_C(1000000));
	CU_ASSERT_EQUAL(sc->fib_install_delay_ns, UINT64_C(50000000));
	CU_ASSERT_PTR_EQUAL(sc->failover, &lb_strategy_readvertise);
	CU_ASSERT_EQUAL(sc->bfd_interval_ns, UINT64_C(50000000));
	CU_ASSERT_EQUAL(sc->bfd_multiplier, 3);
	CU_ASSERT_EQUAL(sc->uplink_rate_bps, UINT64_C(10000000000));
	CU_ASSERT_EQUAL(sc->uplink_delay_ns, 5000);
	CU_ASSERT_EQUAL(sc->uplink_queue, 1000);
	CU_ASSERT_EQUAL(sc->backplane_rate_bps, UINT64_C(10000000000));
	CU_ASSERT_EQUAL(sc->backplane_delay_ns, 2000);
	CU_ASSERT_EQUAL(sc->backplane_queue, 1000);
	CU_ASSERT_EQUAL(sc->server_rate_bps, UINT64_C(10000000000));
	CU_ASSERT_EQUAL(sc->server_delay_ns, 5000);
	CU_ASSERT_EQUAL(sc->client_rate_bps, UINT64_C(100000000000));
	CU_ASSERT_EQUAL(sc->client_delay_ns, 20000);
	CU_ASSERT_EQUAL(sc->clients, 16);
	CU_ASSERT_EQUAL(sc->ip_version, 4);
	CU_ASSERT_EQUAL(sc->protocol, 6);
	CU_ASSERT_DOUBLE_EQUAL(sc->flow_arrival_rate, 2000.0, 0.0);
	CU_ASSERT_EQUAL(sc->flow_duration_dist, SCENARIO_DIST_EXP);
	CU_ASSERT_EQUAL(sc->flow_duration_mean_ns, UINT64_C(5000000000));
	CU_ASSERT_EQUAL(sc->initial_flows, 10000);
	CU_ASSERT_DOUBLE_EQUAL(sc->packet_rate, 50.0, 0.0);
	CU_ASSERT_EQUAL(sc->packet_size, 1000);
	CU_ASSERT_EQUAL_FATAL(sc->n_failures, 1);
	CU_ASSERT_EQUAL(sc->failures[0].at_ns, UINT64_C(4000000000));
	CU_ASSERT_EQUAL(sc->failures[0].kind, LB_FAIL_CRASH);
	CU_ASSERT_EQUAL(sc->failures[0].node, 2);
	CU_ASSERT_STRING_EQUAL(sc->output_dir, "results/reference");
	CU_ASSERT_FALSE(sc->flows);
	CU_ASSERT_FALSE(sc->pcap);
	CU_ASSERT_EQUAL(sc->n_sweep, 0);
	CU_ASSERT_EQUAL(sc->n_warnings, 0);
}

static void test_reference_copy(void)
{
	struct scenario *sc = load_ok(DATA("reference.ini"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_STRING_EQUAL(sc->path, DATA("reference.ini"));
	check_reference(sc);
	scenario_free(sc);
}

/* The shared contract file, when this checkout sits next to it; the copy in
 * data/ must stay byte-identical to it. */
static void test_reference_shared(void)
{
	const char *path = g_file_test(SHARED_REFERENCE, G_FILE_TEST_EXISTS) ? SHARED_REFERENCE
		: g_file_test(SHARED_REFERENCE_ABS, G_FILE_TEST_EXISTS)      ? SHARED_REFERENCE_ABS
									     : NULL;
	if (!path)
		return; /* not present outside the shared workspace; the copy is tested above */
	struct scenario *sc = load_ok(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	check_reference(sc);
	scenario_free(sc);
	g_autofree gchar *a = NULL, *b = NULL;
	gsize la = 0, lb = 0;
	CU_ASSERT_TRUE(g_file_get_contents(path, &a, &la, NULL));
	CU_ASSERT_TRUE(g_file_get_contents(DATA("reference.ini"), &b, &lb, NULL));
	CU_ASSERT_EQUAL(la, lb);
	CU_ASSERT_TRUE(a && b && la == lb && memcmp(a, b, la) == 0);
}

static void test_shipped_scenarios(void)
{
	const char *dir = SOURCE_ROOT "/scenarios";
	GError *err = NULL;
	GDir *d = g_dir_open(dir, 0, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	unsigned n = 0;
	const char *f;
	while ((f = g_dir_read_name(d))) {
		if (!g_str_has_suffix(f, ".ini"))
			continue;
		g_autofree gchar *path = g_build_filename(dir, f, NULL);
		struct scenario *sc = load_ok(path, NULL);
		CU_ASSERT_PTR_NOT_NULL(sc);
		if (sc) {
			/* the file name and the name key agree in every shipped scenario */
			g_autofree gchar *stem = g_strndup(f, strlen(f) - 4);
			CU_ASSERT_STRING_EQUAL(sc->name, stem);
		}
		scenario_free(sc);
		n++;
	}
	g_dir_close(d);
	CU_ASSERT(n >= 1);
}

static void test_ipv6_scenario(void)
{
	struct scenario *sc = load_ok(SOURCE_ROOT "/scenarios/ipv6-udp.ini", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	static const uint8_t vip[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	CU_ASSERT_EQUAL(sc->vip_family, 6);
	CU_ASSERT_EQUAL(memcmp(sc->vip, vip, 16), 0);
	CU_ASSERT_EQUAL(sc->ip_version, 6);
	CU_ASSERT_EQUAL(sc->protocol, 17);
	CU_ASSERT_EQUAL(sc->flow_hash, LB_HASH_TOEPLITZ);
	scenario_free(sc);
}

static void test_sweep_parsed(void)
{
	struct scenario *sc = load_ok(SOURCE_ROOT "/scenarios/owner-hashing.ini", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_EQUAL_FATAL(sc->n_sweep, 2);
	CU_ASSERT_STRING_EQUAL(sc->sweep[0].key, "cluster.owner_hash");
	CU_ASSERT_EQUAL_FATAL(sc->sweep[0].n_values, 3);
	CU_ASSERT_STRING_EQUAL(sc->sweep[0].values[0], "modulo");
	CU_ASSERT_STRING_EQUAL(sc->sweep[0].values[2], "maglev");
	CU_ASSERT_STRING_EQUAL(sc->sweep[1].key, "cluster.session_cache");
	CU_ASSERT_EQUAL(sc->sweep[1].n_values, 2);
	scenario_free(sc);
}

/* ---- defaults and the full syntax ---- */

static void test_defaults(void)
{
	struct scenario *sc = load_ok(DATA("ok-minimal.ini"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_STRING_EQUAL(sc->name, "ok-minimal");
	CU_ASSERT_STRING_EQUAL(sc->output_dir, "results/ok-minimal");
	CU_ASSERT_EQUAL(sc->duration_ns, UINT64_C(2000000000));
	CU_ASSERT_EQUAL(sc->n_failures, 0);
	CU_ASSERT_EQUAL(sc->n_sweep, 0);
	CU_ASSERT_EQUAL(sc->n_warnings, 0);
	CU_ASSERT_EQUAL(sc->nodes, 4);
	CU_ASSERT_EQUAL(sc->hold_time_ns, UINT64_C(40000000000));
	CU_ASSERT_EQUAL(sc->restore_wait_ns, UINT64_C(40000000000));
	CU_ASSERT_EQUAL(sc->flow_hash_seed, 0x5eed);
	CU_ASSERT_EQUAL(sc->session_capacity, 1000000);
	CU_ASSERT_EQUAL(sc->client_rate_bps, UINT64_C(100000000000));
	CU_ASSERT_EQUAL(sc->flow_duration_dist, SCENARIO_DIST_EXP);
	CU_ASSERT_EQUAL(sc->flow_duration_mean_ns, UINT64_C(5000000000));
	CU_ASSERT_EQUAL(sc->vip_family, 4);
	CU_ASSERT_PTR_EQUAL(sc->failover, &lb_strategy_readvertise);
	scenario_free(sc);
}

static void test_full_syntax(void)
{
	struct scenario *sc = load_ok(DATA("ok-full.ini"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_STRING_EQUAL(sc->name, "full");
	CU_ASSERT_EQUAL(sc->duration_ns, UINT64_C(1500000000));
	CU_ASSERT_EQUAL(sc->seed, UINT64_C(0xdeadbeef));
	CU_ASSERT_EQUAL(sc->bin_ns, 500000);
	CU_ASSERT_EQUAL(sc->flow_hash_seed, 42);
	CU_ASSERT_FALSE(sc->session_cache);
	CU_ASSERT_EQUAL(sc->resilient_buckets, 65536);
	CU_ASSERT_EQUAL(sc->uplink_rate_bps, UINT64_C(2500000000));
	CU_ASSERT_EQUAL(sc->backplane_rate_bps, 100000);
	CU_ASSERT_EQUAL(sc->client_delay_ns, 1500);
	CU_ASSERT_EQUAL(sc->protocol, 17);
	/* ip_version = 6 without a vip: the IPv6 default 2001:db8::10 */
	static const uint8_t vip6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	CU_ASSERT_EQUAL(sc->vip_family, 6);
	CU_ASSERT_EQUAL(memcmp(sc->vip, vip6, 16), 0);
	CU_ASSERT_EQUAL(sc->flow_duration_dist, SCENARIO_DIST_PARETO);
	CU_ASSERT_EQUAL(sc->flow_duration_mean_ns, 250000000);
	CU_ASSERT_DOUBLE_EQUAL(sc->flow_duration_shape, 1.5, 0.0);
	CU_ASSERT_DOUBLE_EQUAL(sc->packet_rate, 0.5, 0.0);
	CU_ASSERT_STRING_EQUAL(sc->output_dir, "/tmp/somewhere#1");
	CU_ASSERT_TRUE(sc->flows);
	CU_ASSERT_TRUE(sc->pcap);
	/* sorted by time, equal times in K order: 3 (0.25s), then 1, 2, 12 (1s) */
	CU_ASSERT_EQUAL_FATAL(sc->n_failures, 4);
	CU_ASSERT_EQUAL(sc->failures[0].kind, LB_FAIL_LOSSY);
	CU_ASSERT_EQUAL(sc->failures[0].at_ns, 250000000);
	CU_ASSERT_EQUAL(sc->failures[0].node, 1);
	CU_ASSERT_DOUBLE_EQUAL(sc->failures[0].loss, 0.01, 0.0);
	CU_ASSERT_EQUAL(sc->failures[1].kind, LB_FAIL_CRASH);
	CU_ASSERT_EQUAL(sc->failures[1].node, 7);
	CU_ASSERT_EQUAL(sc->failures[2].kind, LB_FAIL_PARTITION);
	CU_ASSERT_EQUAL(sc->failures[2].node, -1);
	CU_ASSERT_EQUAL(sc->failures[2].partition_nodes, (1u << 0) | (1u << 3) | (1u << 5));
	CU_ASSERT_EQUAL(sc->failures[3].kind, LB_FAIL_RECOVER);
	CU_ASSERT_EQUAL(sc->failures[3].at_ns, 1000000000);
	/* sweep in file order, blanks trimmed, empty items dropped */
	CU_ASSERT_EQUAL_FATAL(sc->n_sweep, 2);
	CU_ASSERT_STRING_EQUAL(sc->sweep[0].key, "router.hold_time");
	CU_ASSERT_EQUAL_FATAL(sc->sweep[0].n_values, 3);
	CU_ASSERT_STRING_EQUAL(sc->sweep[0].values[0], "3s");
	CU_ASSERT_STRING_EQUAL(sc->sweep[0].values[1], "10s");
	CU_ASSERT_STRING_EQUAL(sc->sweep[0].values[2], "40s");
	CU_ASSERT_STRING_EQUAL(sc->sweep[1].key, "cluster.owner_hash");
	scenario_free(sc);
}

static void test_warnings(void)
{
	struct scenario *sc = load_ok(DATA("ok-full.ini"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_EQUAL_FATAL(sc->n_warnings, 2);
	CU_ASSERT_STRING_EQUAL(sc->warnings[0],
			       "[cluster] metric_reduction = 10 >= base_metric = 10: survivors advertise metric 1 "
			       "(clamped)");
	CU_ASSERT_STRING_EQUAL(sc->warnings[1], "[router] refresh_interval = 2s >= hold_time = 2s: routes "
						"expire between refreshes and will flap");
	scenario_free(sc);

	/* d < n: no warning; d = n - 1 is the largest quiet value */
	const char *const quiet[] = {"cluster.metric_reduction=9", "router.refresh_interval=1s", NULL};
	sc = load_ok(DATA("ok-full.ini"), quiet);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_EQUAL(sc->n_warnings, 0);
	scenario_free(sc);
}

/* ---- overrides ---- */

static void test_overrides(void)
{
	const char *const over[] = {"failure.1.at=1s", "router.hold_time=3s", " cluster.owner_hash = maglev ",
				    "failure.7.kind=recover", "failure.7.at=2s", "failure.7.node=2", NULL};
	struct scenario *sc = load_ok(DATA("reference.ini"), over);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_EQUAL(sc->hold_time_ns, UINT64_C(3000000000));
	CU_ASSERT_EQUAL(sc->owner_hash, LB_OWNER_MAGLEV);
	CU_ASSERT_EQUAL_FATAL(sc->n_failures, 2);
	CU_ASSERT_EQUAL(sc->failures[0].at_ns, UINT64_C(1000000000));
	CU_ASSERT_EQUAL(sc->failures[0].kind, LB_FAIL_CRASH);
	CU_ASSERT_EQUAL(sc->failures[1].kind, LB_FAIL_RECOVER);
	CU_ASSERT_EQUAL(sc->failures[1].at_ns, UINT64_C(2000000000));
	scenario_free(sc);
}

static void test_override_errors(void)
{
	const char *const no_eq[] = {"router.hold_time", NULL};
	expect_err(DATA("reference.ini"), no_eq, SCENARIO_ERROR_PARSE, "--set",
		   "\"router.hold_time\": malformed override (expected group.key=value)");
	const char *const no_dot[] = {"hold_time=3s", NULL};
	expect_err(DATA("reference.ini"), no_dot, SCENARIO_ERROR_PARSE, "--set",
		   "\"hold_time=3s\": malformed override (expected group.key=value)");
	const char *const bad_value[] = {"router.hold_time=3", NULL};
	expect_err(DATA("reference.ini"), bad_value, SCENARIO_ERROR_VALUE, "--set",
		   "[router] hold_time = \"3\": missing unit (expected e.g. 40s, 250ms)");
	const char *const bad_key[] = {"router.hold=3s", NULL};
	expect_err(DATA("reference.ini"), bad_key, SCENARIO_ERROR_UNKNOWN, "--set", "[router] hold: unknown key; did you mean `hold_time'?");
	const char *const bad_group[] = {"routers.hold_time=3s", NULL};
	expect_err(DATA("reference.ini"), bad_group, SCENARIO_ERROR_UNKNOWN, "--set", "[routers]: unknown group; did you mean [router]?");
	/* a new failure group from overrides must be complete */
	const char *const partial[] = {"failure.2.at=1s", NULL};
	expect_err(DATA("reference.ini"), partial, SCENARIO_ERROR_VALUE, "--set", "[failure.2] kind: missing");
	/* a cross-key error caused by an override names the override */
	const char *const late[] = {"failure.1.at=20s", NULL};
	expect_err(DATA("reference.ini"), late, SCENARIO_ERROR_VALUE, "--set",
		   "[failure.1] at = \"20s\": 20s is beyond the duration 12s");
}

/* ---- bad input, one class each, exact messages ---- */

static void test_err_misspelt_key(void)
{
	err_file("err-misspelt-key.ini", SCENARIO_ERROR_UNKNOWN, "[router] hold_tme: unknown key; did you mean `hold_time'?");
}

static void test_err_unknown_group(void)
{
	err_file("err-unknown-group.ini", SCENARIO_ERROR_UNKNOWN, "[routers]: unknown group; did you mean [router]?");
}

static void test_err_missing_unit(void)
{
	err_file("err-missing-unit.ini", SCENARIO_ERROR_VALUE,
		 "[router] hold_time = \"40\": missing unit (expected e.g. 40s, 250ms)");
}

static void test_err_bad_unit(void)
{
	err_file("err-bad-unit.ini", SCENARIO_ERROR_VALUE,
		 "[router] hold_time = \"40parsecs\": unknown unit \"parsecs\" (expected one of ns, us, ms, s)");
}

static void test_err_node_range(void)
{
	err_file("err-node-range.ini", SCENARIO_ERROR_VALUE,
		 "[failure.1] node = \"7\": node 7 is out of range 0..3");
}

static void test_err_failure_late(void)
{
	err_file("err-failure-late.ini", SCENARIO_ERROR_VALUE,
		 "[failure.1] at = \"4s\": 4s is beyond the duration 2s");
}

static void test_err_maglev_prime(void)
{
	err_file("err-maglev-prime.ini", SCENARIO_ERROR_VALUE,
		 "[cluster] maglev_table_size = \"65536\": 65536 is not prime (Maglev needs a prime table size, "
		 "e.g. 65537)");
}

static void test_err_owner_hash(void)
{
	err_file("err-owner-hash.ini", SCENARIO_ERROR_VALUE,
		 "[cluster] owner_hash = \"round-robin\": not one of modulo | rendezvous | maglev");
}

static void test_err_flow_duration(void)
{
	err_file("err-flow-duration.ini", SCENARIO_ERROR_VALUE,
		 "[traffic] flow_duration = \"gauss:5s\": not a flow duration (expected fixed:5s, exp:5s or "
		 "pareto:5s:1.5)");
	err_file("err-pareto-shape.ini", SCENARIO_ERROR_VALUE,
		 "[traffic] flow_duration = \"pareto:5s:1\": shape 1 must be greater than 1 (the mean is infinite "
		 "otherwise)");
}

static void test_err_lossy_no_loss(void)
{
	err_file("err-lossy-no-loss.ini", SCENARIO_ERROR_VALUE, "[failure.1] loss: missing (kind lossy needs it)");
}

static void test_err_key_not_used(void)
{
	err_file("err-crash-loss.ini", SCENARIO_ERROR_VALUE, "[failure.1] loss = \"0.5\": not used by kind crash");
}

static void test_err_failure_no_kind(void)
{
	err_file("err-failure-no-kind.ini", SCENARIO_ERROR_VALUE, "[failure.1] kind: missing");
}

static void test_err_partition_all(void)
{
	err_file("err-partition-all.ini", SCENARIO_ERROR_VALUE,
		 "[failure.1] nodes = \"0;1;2;3\": lists all 4 nodes: a partition needs nodes on both sides");
}

static void test_err_nodes_range(void)
{
	err_file("err-nodes-0.ini", SCENARIO_ERROR_VALUE, "[cluster] nodes = \"0\": must be in 1..64");
	err_file("err-nodes-65.ini", SCENARIO_ERROR_VALUE, "[cluster] nodes = \"65\": must be in 1..64");
}

static void test_err_vip_family(void)
{
	err_file("err-vip-family.ini", SCENARIO_ERROR_VALUE,
		 "[cluster] vip = \"203.0.113.10\": vip 203.0.113.10 is IPv4 but traffic.ip_version = 6");
}

static void test_err_sweep_key(void)
{
	err_file("err-sweep-key.ini", SCENARIO_ERROR_UNKNOWN,
		 "[sweep] router.hold_tme = \"3s;10s\": not a parameter (expected group.key, e.g. router.failover); did "
		 "you mean `router.hold_time'?");
	err_file("err-sweep-replications.ini", SCENARIO_ERROR_VALUE,
		 "[sweep] scenario.replications = \"1;5\": replications cannot be swept (set [scenario] "
		 "replications instead)");
}

static void test_err_sweep_value(void)
{
	err_file("err-sweep-value.ini", SCENARIO_ERROR_VALUE,
		 "[sweep] router.failover = \"carrier\": not one of hold | bfd | readvertise");
	/* a value that breaks another key names both */
	g_autofree gchar *dir = g_dir_make_tmp("scenario-XXXXXX", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	g_autofree gchar *path = g_build_filename(dir, "case.ini", NULL);
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(
		path, "[failure.1]\nat = 1s\nkind = crash\nnode = 3\n[sweep]\ncluster.nodes = 4;2\n", -1, NULL));
	expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL,
		   "[sweep] cluster.nodes = \"2\": [failure.1] node = \"3\": node 3 is out of range 0..1");
	g_unlink(path);
	g_rmdir(dir);
}

/* failure.K needs K a positive integer without leading zeros */
static void test_err_failure_group_names(void)
{
	static const char *const bad[] = {"failure.0", "failure.01", "failure.x", "failure", "failure.1.2"};
	g_autofree gchar *dir = g_dir_make_tmp("scenario-XXXXXX", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	g_autofree gchar *path = g_build_filename(dir, "case.ini", NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree gchar *text = g_strdup_printf("[%s]\nat = 1s\nkind = crash\nnode = 0\n", bad[i]);
		g_autofree gchar *rest = g_strdup_printf(
			"[%s]: unknown group; a failure group is [failure.K], K = 1, 2, ... without leading zeros", bad[i]);
		CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, -1, NULL));
		expect_err(path, NULL, SCENARIO_ERROR_UNKNOWN, NULL, rest);
	}
	g_unlink(path);
	g_rmdir(dir);
}

static void test_err_syntax_and_io(void)
{
	GError *err = NULL;
	CU_ASSERT_PTR_NULL(scenario_load(DATA("err-syntax.ini"), NULL, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_EQUAL(err->code, SCENARIO_ERROR_PARSE);
	CU_ASSERT_TRUE(g_str_has_prefix(err->message, DATA("err-syntax.ini") ": "));
	g_clear_error(&err);
	CU_ASSERT_PTR_NULL(scenario_load(DATA("no-such-file.ini"), NULL, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_EQUAL(err->code, SCENARIO_ERROR_IO);
	CU_ASSERT_TRUE(g_str_has_prefix(err->message, DATA("no-such-file.ini") ": "));
	g_clear_error(&err);
}

/* Value-level checks written to a temporary file: "group", "key = value", expected reason. */
static void test_err_values(void)
{
	static const struct {
		const char *group, *line, *rest;
	} cases[] = {
		{"scenario", "duration = 0s", "[scenario] duration = \"0s\": must be greater than 0"},
		{"scenario", "duration = 1.5ns", "[scenario] duration = \"1.5ns\": not a whole number of nanoseconds"},
		{"scenario", "duration = fast", "[scenario] duration = \"fast\": not a duration (expected e.g. 40s, 250ms)"},
		{"scenario", "bin = 20s", "[scenario] bin = \"20s\": the bin is longer than the duration 12s"},
		{"scenario", "replications = 0", "[scenario] replications = \"0\": must be in 1..2147483647"},
		{"scenario", "seed = 0xzz", "[scenario] seed = \"0xzz\": not a seed (expected a decimal or 0x hex integer)"},
		{"cluster", "heartbeat_misses = 0", "[cluster] heartbeat_misses = \"0\": must be at least 1"},
		{"traffic", "packet_rate = 1e-12", "[traffic] packet_rate = \"1e-12\": must be in 1e-6..1e9 packets/s per flow"},
		{"traffic", "flow_arrival_rate = 1e-9",
		 "[traffic] flow_arrival_rate = \"1e-9\": must be 0 (no arrivals) or in 1e-6..1e9 flows/s"},
		{"scenario", "name = a,b", "[scenario] name = \"a,b\": must not contain '/', ',', '\"' or '\\' (it names the output directory and is a CSV field)"},
		{"cluster", "maglev_table_size = 61",
		 "[cluster] maglev_table_size = \"61\": must be in 64..16777213"},
		{"cluster", "maglev_table_size = 16777216",
		 "[cluster] maglev_table_size = \"16777216\": must be in 64..16777213"},
		{"cluster", "vip = 300.1.2.3", "[cluster] vip = \"300.1.2.3\": not an IPv4 or IPv6 address"},
		{"cluster", "session_cache = maybe", "[cluster] session_cache = \"maybe\": not one of on | off"},
		{"cluster", "flow_hash = md5", "[cluster] flow_hash = \"md5\": not one of crc32c | toeplitz | fast | linux"},
		{"cluster", "flow_hash_seed = 0x100000000",
		 "[cluster] flow_hash_seed = \"0x100000000\": must be at most 0xffffffff"},
		{"router", "ecmp = random", "[router] ecmp = \"random\": not one of modulo | hash-threshold | resilient | linux | linux-resilient"},
		{"router", "failover = carrier", "[router] failover = \"carrier\": not one of hold | bfd | readvertise"},
		{"links", "uplink_rate = 0Gbps", "[links] uplink_rate = \"0Gbps\": must be greater than 0"},
		{"links", "uplink_rate = 10", "[links] uplink_rate = \"10\": missing unit (expected e.g. 10Gbps, 100Mbps)"},
		{"links", "uplink_queue = 0", "[links] uplink_queue = \"0\": must be at least 1"},
		{"traffic", "clients = 65536", "[traffic] clients = \"65536\": must be in 1..65535"},
		{"traffic", "protocol = sctp", "[traffic] protocol = \"sctp\": not one of tcp | udp"},
		{"traffic", "ip_version = 5", "[traffic] ip_version = \"5\": not one of 4 | 6"},
		{"traffic", "packet_size = 63", "[traffic] packet_size = \"63\": must be in 64..9000"},
		{"traffic", "packet_rate = 0", "[traffic] packet_rate = \"0\": must be greater than 0"},
		{"traffic", "flow_arrival_rate = -1", "[traffic] flow_arrival_rate = \"-1\": must not be negative"},
		{"output", "pcap = 1", "[output] pcap = \"1\": not one of on | off"},
	};
	g_autofree gchar *dir = g_dir_make_tmp("scenario-XXXXXX", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	g_autofree gchar *path = g_build_filename(dir, "case.ini", NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *text = g_strdup_printf("[%s]\n%s\n", cases[i].group, cases[i].line);
		CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, -1, NULL));
		expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL, cases[i].rest);
	}
	/* resilient buckets are only bounded when resilient ECMP is used */
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, "[router]\nresilient_buckets = 0\n", -1, NULL));
	struct scenario *sc = load_ok(path, NULL);
	CU_ASSERT_PTR_NOT_NULL(sc);
	scenario_free(sc);
	const char *const res[] = {"router.ecmp=resilient", NULL};
	expect_err(path, res, SCENARIO_ERROR_VALUE, NULL,
		   "[router] resilient_buckets = \"0\": must be in 1..1048576 with router.ecmp = resilient");
	g_unlink(path);
	g_rmdir(dir);
}

/* ---- describe / JSON ---- */

static void test_describe(void)
{
	struct scenario *sc = load_ok(DATA("reference.ini"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	g_autofree gchar *a = scenario_describe(sc);
	g_autofree gchar *b = scenario_describe(sc);
	CU_ASSERT_STRING_EQUAL(a, b);
	static const char *const want[] = {
		"\n[scenario]\nname = reference\nduration = 12s\n", "bin = 10ms\n", "restore_wait = 40s\n",
		"heartbeat_interval = 100ms\n", "flow_hash_seed = 0x5eed\n", "uplink_rate = 10Gbps\n",
		"uplink_delay = 5us\n", "uplink_queue = 1000  # packets\n", "client_rate = 100Gbps\n", "flow_duration = exp:5s\n",
		"vip = 203.0.113.10\n", "protocol = tcp\n",
		"\n[failure.1]\nat = 4s\nkind = crash\nnode = 2\n", "\n[output]\ndir = results/reference\nflows = off\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		if (!strstr(a, want[i]))
			fprintf(stderr, "\nmissing in describe: %s\n", want[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(a, want[i]));
	}
	scenario_free(sc);
}

/* describe's text is itself a scenario that resolves to the same values. */
static void test_describe_round_trip(void)
{
	const char *files[] = {DATA("reference.ini"), DATA("ok-full.ini"), SOURCE_ROOT "/scenarios/owner-hashing.ini"};
	g_autofree gchar *dir = g_dir_make_tmp("scenario-XXXXXX", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	g_autofree gchar *path = g_build_filename(dir, "described.ini", NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		struct scenario *sc = load_ok(files[i], NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
		g_autofree gchar *text = scenario_describe(sc);
		CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, -1, NULL));
		struct scenario *again = load_ok(path, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(again);
		g_autofree gchar *j1 = scenario_to_json(sc);
		g_autofree gchar *j2 = scenario_to_json(again);
		CU_ASSERT_STRING_EQUAL(j1, j2);
		CU_ASSERT_EQUAL(sc->n_warnings, again->n_warnings);
		scenario_free(again);
		scenario_free(sc);
	}
	g_unlink(path);
	g_rmdir(dir);
}

static void test_warnings_in_describe(void)
{
	struct scenario *sc = load_ok(DATA("ok-full.ini"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	g_autofree gchar *d = scenario_describe(sc);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "# warning: [cluster] metric_reduction = 10 >= base_metric = 10"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "flow_duration = pareto:250ms:1.5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "nodes = 0;3;5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "loss = 0.01\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "\n[sweep]\nrouter.hold_time = 3s;10s;40s\ncluster.owner_hash = modulo;rendezvous\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "client_delay = 1500ns\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "uplink_rate = 2500Mbps\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "vip = 2001:db8::10\n"));
	scenario_free(sc);
}

static void test_json(void)
{
	struct scenario *sc = load_ok(DATA("reference.ini"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	g_autofree gchar *a = scenario_to_json(sc);
	g_autofree gchar *b = scenario_to_json(sc);
	CU_ASSERT_STRING_EQUAL(a, b);
	static const char *const want[] = {
		"\"scenario\": {\n    \"name\": \"reference\",\n    \"duration_ns\": 12000000000,",
		"\"hold_time_ns\": 40000000000,", "\"uplink_rate_bps\": 10000000000,", "\"flow_hash_seed\": 24301,",
		"\"vip\": \"203.0.113.10\",", "\"session_cache\": true,",
		"\"flow_duration\": {\"dist\": \"exp\", \"mean_ns\": 5000000000, \"shape\": 0},",
		"\"failures\": [\n    {\"at_ns\": 4000000000, \"kind\": \"crash\", \"node\": 2, \"router\": -1, \"loss\": 0, \"nodes\": []}\n  ],",
		"\"sweep\": {},", "\"warnings\": []\n}",
	};
	CU_ASSERT_EQUAL(a[0], '{');
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		if (!strstr(a, want[i]))
			fprintf(stderr, "\nmissing in json: %s\n", want[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(a, want[i]));
	}
	scenario_free(sc);

	/* strings are escaped */
	const char *const over[] = {"output.dir=a\"b\\c", NULL};
	sc = load_ok(DATA("reference.ini"), over);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	g_autofree gchar *c = scenario_to_json(sc);
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"dir\": \"a\\\"b\\\\c\","));
	scenario_free(sc);
}

/* Several routers: [router] count, [router.K] groups, the router failure
 * kinds and their `router` key; each bad input with its exact message. */
static void test_routers(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("scenario-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "r.ini", NULL);
	static const char ini[] = "[router]\ncount = 2\necmp_hash_seed = 0x7\n[router.1]\necmp_hash = crc32c\n"
				  "[failure.1]\nat = 1s\nkind = router-crash\nrouter = 1\n"
				  "[failure.2]\nat = 2s\nkind = router-link-down\nrouter = 0\nnode = 3\n";
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, ini, -1, NULL));
	struct scenario *sc = load_ok(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT_EQUAL(sc->router_count, 2);
	CU_ASSERT_EQUAL(sc->routers[0].ecmp_hash, LB_HASH_TOEPLITZ);
	CU_ASSERT_EQUAL(sc->routers[0].ecmp_hash_seed, 7); /* router 0: [router]'s own seed */
	CU_ASSERT_EQUAL(sc->routers[1].ecmp_hash, LB_HASH_CRC32C);
	CU_ASSERT_NOT_EQUAL(sc->routers[1].ecmp_hash_seed, 7); /* derived */
	CU_ASSERT_EQUAL(sc->failures[0].kind, LB_FAIL_ROUTER_CRASH);
	CU_ASSERT_EQUAL(sc->failures[0].router, 1);
	CU_ASSERT_EQUAL(sc->failures[0].node, -1);
	CU_ASSERT_EQUAL(sc->failures[1].router, 0);
	CU_ASSERT_EQUAL(sc->failures[1].node, 3);
	/* describe's text loads back as the same scenario (per-router hashes included) */
	g_autofree gchar *d = scenario_describe(sc);
	g_autofree gchar *again_path = g_build_filename(dir, "again.ini", NULL);
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(again_path, d, -1, NULL));
	struct scenario *again = load_ok(again_path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	CU_ASSERT_EQUAL(again->routers[1].ecmp_hash_seed, sc->routers[1].ecmp_hash_seed);
	CU_ASSERT_EQUAL(again->failures[0].router, 1);
	scenario_free(again);
	scenario_free(sc);
	static const struct {
		const char *set, *rest;
	} bad[] = {
		{"failure.1.router=2", "[failure.1] router = \"2\": router 2 is out of range 0..1 (router.count = 2)"},
		{"failure.1.node=0", "[failure.1] node = \"0\": not used by kind router-crash"},
		{"failure.2.router=x", "[failure.2] router = \"x\": router x is out of range 0..1 (router.count = 2)"},
		{"router.count=17", "[router] count = \"17\": must be in 1..16"},
		{"router.3.ecmp_hash=crc32c", "[router.3]: no router 3 (the scenario has router.count = 2: routers 0..1)"},
		{"router.1.ecmp_hash=md5", "[router.1] ecmp_hash = \"md5\": not one of crc32c | toeplitz | fast | linux"},
		{"router.1.hold_time=3s", "[router.1] hold_time: unknown key; `hold_time' is a key of [router]"},
		{"router.upstream_detection=bfd", "[router] upstream_detection = \"bfd\": not one of immediate | hold"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		const char *const over[] = {bad[i].set, NULL};
		GError *err = NULL;
		struct scenario *x = scenario_load(path, over, &err);
		CU_ASSERT_PTR_NULL(x);
		scenario_free(x);
		CU_ASSERT_PTR_NOT_NULL_FATAL(err);
		const char *sep = strstr(err->message, ": ");
		CU_ASSERT_PTR_NOT_NULL_FATAL(sep);
		const char *msg = sep + 2;
		if (strcmp(msg, bad[i].rest) != 0)
			fprintf(stderr, "\n got: %s\nwant: %s\n", msg, bad[i].rest ? bad[i].rest : "?"); /* gcc -fsanitize: -Wformat-overflow */
		CU_ASSERT_STRING_EQUAL(msg, bad[i].rest);
		g_error_free(err);
	}
	/* a missing router key */
	static const char missing[] = "[router]\ncount = 2\n[failure.1]\nat = 1s\nkind = router-recover\n";
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, missing, -1, NULL));
	expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL, "[failure.1] router: missing (kind router-recover needs it)");
	g_remove(again_path);
	g_remove(path);
	g_rmdir(dir);
}

void lb_test_register(void)
{
	LB_SUITE("scenario", LB_TEST(test_reference_copy), LB_TEST(test_reference_shared),
		 LB_TEST(test_shipped_scenarios), LB_TEST(test_ipv6_scenario), LB_TEST(test_sweep_parsed),
		 LB_TEST(test_defaults), LB_TEST(test_full_syntax), LB_TEST(test_warnings), LB_TEST(test_overrides),
		 LB_TEST(test_override_errors), LB_TEST(test_err_misspelt_key), LB_TEST(test_err_unknown_group),
		 LB_TEST(test_err_missing_unit), LB_TEST(test_err_bad_unit), LB_TEST(test_err_node_range),
		 LB_TEST(test_err_failure_late), LB_TEST(test_err_maglev_prime), LB_TEST(test_err_owner_hash), LB_TEST(test_routers),
		 LB_TEST(test_err_flow_duration), LB_TEST(test_err_lossy_no_loss), LB_TEST(test_err_key_not_used),
		 LB_TEST(test_err_failure_no_kind), LB_TEST(test_err_partition_all), LB_TEST(test_err_nodes_range),
		 LB_TEST(test_err_vip_family), LB_TEST(test_err_sweep_key), LB_TEST(test_err_sweep_value),
		 LB_TEST(test_err_failure_group_names), LB_TEST(test_err_syntax_and_io), LB_TEST(test_err_values), LB_TEST(test_describe),
		 LB_TEST(test_describe_round_trip), LB_TEST(test_warnings_in_describe), LB_TEST(test_json));
}
