/* test_scenario_describe.c - test_scenario: describe and JSON, their
 * determinism and round trip, and warnings in describe's text. */
#include "../cu_main.h"
#include "scenario.h"
#include "scenario_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- describe / JSON ---- */

void test_describe(void)
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
void test_describe_round_trip(void)
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

void test_warnings_in_describe(void)
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

void test_json(void)
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
