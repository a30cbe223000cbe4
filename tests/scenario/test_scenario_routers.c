/* test_scenario_routers.c - test_scenario: several routers ([router]
 * count, [router.K] groups, router failures), good and bad. */
#include "../cu_main.h"
#include "scenario.h"
#include "scenario_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

/* Several routers: [router] count, [router.K] groups, the router failure
 * kinds and their `router` key; each bad input with its exact message. */
void test_routers(void)
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
	/* [router] resilient_idle_timer unset: the kernel's default for a
	 * resilient nexthop group, net/ipv4/nexthop.c NH_RES_DEFAULT_IDLE_TIMER
	 * = 120 x HZ, i.e. 120 s */
	CU_ASSERT_EQUAL(sc->resilient_idle_timer_ns, UINT64_C(120000000000));
	CU_ASSERT_EQUAL(sc->resilient_unbalanced_timer_ns, 0); /* NH_RES_DEFAULT_UNBALANCED_TIMER */
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
	/* router-link-up: the same keys and checks as router-link-down */
	const char *const up_ok[] = {"failure.2.kind=router-link-up", NULL};
	struct scenario *up = load_ok(path, up_ok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(up);
	CU_ASSERT_EQUAL(up->failures[1].kind, LB_FAIL_ROUTER_LINK_UP);
	CU_ASSERT_EQUAL(up->failures[1].router, 0);
	CU_ASSERT_EQUAL(up->failures[1].node, 3);
	scenario_free(up);
	const char *const up_router[] = {"failure.2.kind=router-link-up", "failure.2.router=2", NULL};
	expect_err(path, up_router, SCENARIO_ERROR_VALUE, "--set",
		   "[failure.2] router = \"2\": router 2 is out of range 0..1 (router.count = 2)");
	static const char up_far[] = "[router]\ncount = 2\n[failure.1]\nat = 1s\nkind = router-link-up\nrouter = 2\n"
				     "node = 1\n";
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, up_far, -1, NULL));
	expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL,
		   "[failure.1] router = \"2\": router 2 is out of range 0..1 (router.count = 2)");
	static const char up_node[] = "[router]\ncount = 2\n[failure.1]\nat = 1s\nkind = router-link-up\nrouter = 1\n"
				      "node = 4\n";
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, up_node, -1, NULL));
	expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL, "[failure.1] node = \"4\": node 4 is out of range 0..3");
	/* a missing router key */
	static const char missing[] = "[router]\ncount = 2\n[failure.1]\nat = 1s\nkind = router-recover\n";
	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, missing, -1, NULL));
	expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL, "[failure.1] router: missing (kind router-recover needs it)");
	/* router-link-down / -up name one link: router and node, each required */
	static const char *const link_kinds[] = {"router-link-down", "router-link-up"};
	for (size_t i = 0; i < G_N_ELEMENTS(link_kinds); i++) {
		g_autofree gchar *no_node =
			g_strdup_printf("[router]\ncount = 2\n[failure.1]\nat = 1s\nkind = %s\nrouter = 1\n", link_kinds[i]);
		g_autofree gchar *want_node = g_strdup_printf("[failure.1] node: missing (kind %s needs it)", link_kinds[i]);
		CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, no_node, -1, NULL));
		expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL, want_node);
		g_autofree gchar *no_router =
			g_strdup_printf("[router]\ncount = 2\n[failure.1]\nat = 1s\nkind = %s\nnode = 1\n", link_kinds[i]);
		g_autofree gchar *want_router =
			g_strdup_printf("[failure.1] router: missing (kind %s needs it)", link_kinds[i]);
		CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, no_router, -1, NULL));
		expect_err(path, NULL, SCENARIO_ERROR_VALUE, NULL, want_router);
	}
	g_remove(again_path);
	g_remove(path);
	g_rmdir(dir);
}
