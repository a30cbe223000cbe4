/* test_scenario.c - scenario loading, one suite: here the reference
 * contract, every shipped scenario and the suite's registration; one file
 * each for defaults, the full syntax and overrides (test_scenario_syntax.c),
 * the exact message of each class of bad input (test_scenario_errors.c:
 * data/err-*.ini), describe/JSON determinism and warnings
 * (test_scenario_describe.c), and several routers (test_scenario_routers.c). */
#include "../cu_main.h"
#include "scenario.h"
#include "scenario_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define SHARED_REFERENCE SOURCE_ROOT "/../shared/scenario-reference.ini"
#define SHARED_REFERENCE_ABS "/work/shared/scenario-reference.ini"

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
