/* test_scenario_syntax.c - test_scenario: what good files load to (the
 * defaults, the full syntax, warnings) and overrides (--set). */
#include "../cu_main.h"
#include "scenario.h"
#include "scenario_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- defaults and the full syntax ---- */

void test_defaults(void)
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

void test_full_syntax(void)
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

void test_warnings(void)
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

void test_overrides(void)
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

void test_override_errors(void)
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
