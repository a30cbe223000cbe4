/* test_scenario_errors.c - test_scenario: the exact message of each class
 * of bad input (data/err-*.ini, and values written to a temporary file). */
#include "../cu_main.h"
#include "scenario.h"
#include "scenario_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

static void err_file(const char *name, int code, const char *rest)
{
	g_autofree gchar *path = g_build_filename(TEST_DATA_DIR, name, NULL);
	expect_err(path, NULL, code, NULL, rest);
}

/* ---- bad input, one class each, exact messages ---- */

void test_err_misspelt_key(void)
{
	err_file("err-misspelt-key.ini", SCENARIO_ERROR_UNKNOWN, "[router] hold_tme: unknown key; did you mean `hold_time'?");
}

void test_err_unknown_group(void)
{
	err_file("err-unknown-group.ini", SCENARIO_ERROR_UNKNOWN, "[routers]: unknown group; did you mean [router]?");
}

void test_err_missing_unit(void)
{
	err_file("err-missing-unit.ini", SCENARIO_ERROR_VALUE,
		 "[router] hold_time = \"40\": missing unit (expected e.g. 40s, 250ms)");
}

void test_err_bad_unit(void)
{
	err_file("err-bad-unit.ini", SCENARIO_ERROR_VALUE,
		 "[router] hold_time = \"40parsecs\": unknown unit \"parsecs\" (expected one of ns, us, ms, s)");
}

void test_err_node_range(void)
{
	err_file("err-node-range.ini", SCENARIO_ERROR_VALUE,
		 "[failure.1] node = \"7\": node 7 is out of range 0..3");
}

void test_err_failure_late(void)
{
	err_file("err-failure-late.ini", SCENARIO_ERROR_VALUE,
		 "[failure.1] at = \"4s\": 4s is beyond the duration 2s");
}

void test_err_maglev_prime(void)
{
	err_file("err-maglev-prime.ini", SCENARIO_ERROR_VALUE,
		 "[cluster] maglev_table_size = \"65536\": 65536 is not prime (Maglev needs a prime table size, "
		 "e.g. 65537)");
}

void test_err_owner_hash(void)
{
	err_file("err-owner-hash.ini", SCENARIO_ERROR_VALUE,
		 "[cluster] owner_hash = \"round-robin\": not one of modulo | rendezvous | maglev");
}

void test_err_flow_duration(void)
{
	err_file("err-flow-duration.ini", SCENARIO_ERROR_VALUE,
		 "[traffic] flow_duration = \"gauss:5s\": not a flow duration (expected fixed:5s, exp:5s or "
		 "pareto:5s:1.5)");
	err_file("err-pareto-shape.ini", SCENARIO_ERROR_VALUE,
		 "[traffic] flow_duration = \"pareto:5s:1\": shape 1 must be greater than 1 (the mean is infinite "
		 "otherwise)");
}

void test_err_lossy_no_loss(void)
{
	err_file("err-lossy-no-loss.ini", SCENARIO_ERROR_VALUE, "[failure.1] loss: missing (kind lossy needs it)");
}

void test_err_key_not_used(void)
{
	err_file("err-crash-loss.ini", SCENARIO_ERROR_VALUE, "[failure.1] loss = \"0.5\": not used by kind crash");
}

void test_err_failure_no_kind(void)
{
	err_file("err-failure-no-kind.ini", SCENARIO_ERROR_VALUE, "[failure.1] kind: missing");
}

void test_err_partition_all(void)
{
	err_file("err-partition-all.ini", SCENARIO_ERROR_VALUE,
		 "[failure.1] nodes = \"0;1;2;3\": lists all 4 nodes: a partition needs nodes on both sides");
}

void test_err_nodes_range(void)
{
	err_file("err-nodes-0.ini", SCENARIO_ERROR_VALUE, "[cluster] nodes = \"0\": must be in 1..64");
	err_file("err-nodes-65.ini", SCENARIO_ERROR_VALUE, "[cluster] nodes = \"65\": must be in 1..64");
}

void test_err_vip_family(void)
{
	err_file("err-vip-family.ini", SCENARIO_ERROR_VALUE,
		 "[cluster] vip = \"203.0.113.10\": vip 203.0.113.10 is IPv4 but traffic.ip_version = 6");
}

void test_err_sweep_key(void)
{
	err_file("err-sweep-key.ini", SCENARIO_ERROR_UNKNOWN,
		 "[sweep] router.hold_tme = \"3s;10s\": not a parameter (expected group.key, e.g. router.failover); did "
		 "you mean `router.hold_time'?");
	err_file("err-sweep-replications.ini", SCENARIO_ERROR_VALUE,
		 "[sweep] scenario.replications = \"1;5\": replications cannot be swept (set [scenario] "
		 "replications instead)");
}

void test_err_sweep_value(void)
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
void test_err_failure_group_names(void)
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

void test_err_syntax_and_io(void)
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
void test_err_values(void)
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
