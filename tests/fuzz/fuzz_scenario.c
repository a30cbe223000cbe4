/* fuzz_scenario.c - libFuzzer harness for the scenario loader
 * (scripts/fuzz builds and runs it).
 *
 * An input is a scenario file; lines at its start of the form
 * "@group.key=value" are taken as --set overrides instead (at most 8), so
 * that overrides are fuzzed too.  Checked beyond "no crash, no undefined
 * behaviour, no leak":
 *   - a refusal is a SCENARIO_ERROR whose message starts with the file name
 *     (or "--set") and a colon: never an unnamed failure;
 *   - describe's round trip: what describe writes for an accepted scenario
 *     loads again, as the same scenario (scenario_to_json equal, warnings
 *     included);
 *   - the core accepts what the loader accepted: lb_router_create() for
 *     every router, lb_node_create() (when its tables are small enough to
 *     build at fuzzing speed), the upstream stage's hash and agents;
 *   - the estimate of what a run takes is finite and within the loader's
 *     own bound. */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_scenario: check failed: %s (line %d)\n", #c, __LINE__); \
			__builtin_trap();                                                  \
		}                                                                          \
	} while (0)

#define NAME "fuzz.ini"
#define MAX_SETS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A GLib warning or critical (a precondition GLib checked and ignored: an
 * override silently dropped, say) is a finding too. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	return 0;
}

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

static void core_accepts(const struct scenario *sc)
{
	for (unsigned r = 0; r < sc->router_count; r++) {
		struct lb_router_params rp = scenario_router_params(sc, r);
		rp.act = no_router_act;
		struct lb_router *rt = lb_router_create(&rp);
		CHECK(rt != NULL);
		lb_router_free(rt);
	}
	struct lb_hasher h;
	CHECK(lb_hasher_init(&h, sc->flow_hash, sc->flow_hash_seed) == 0);
	uint64_t cells = (uint64_t)(sc->session_cache ? sc->session_capacity : 0) + sc->flow_state_capacity +
			 (sc->owner_hash == LB_OWNER_MAGLEV ? sc->maglev_table_size : 0);
	if (cells <= 200000) {
		struct lb_node_params np = scenario_node_params(sc);
		np.act = no_node_act;
		np.hasher = &h;
		np.first_refresh_ns = 1;
		struct lb_node *n = lb_node_create(&np);
		CHECK(n != NULL);
		lb_node_free(n);
	}
	if (sc->router_count > 1) {
		struct lb_hasher u;
		CHECK(lb_hasher_init(&u, sc->upstream_hash, sc->upstream_hash_seed) == 0);
		struct lb_agent_params ap = {.base_metric = 1, .refresh_ns = sc->upstream_refresh_interval_ns,
					     .first_refresh_ns = 1};
		struct lb_agent *a = lb_agent_create(&ap);
		CHECK(a != NULL);
		lb_agent_free(a);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* overrides first */
	gchar *sets[MAX_SETS + 1] = {NULL};
	size_t n_sets = 0, at = 0;
	while (n_sets < MAX_SETS && at < size && data[at] == '@') {
		const uint8_t *eol = memchr(data + at, '\n', size - at);
		size_t end = eol ? (size_t)(eol - data) : size;
		sets[n_sets++] = g_strndup((const char *)data + at + 1, end - at - 1);
		at = eol ? end + 1 : size;
	}
	GError *err = NULL;
	struct scenario *sc = scenario_load_data(NAME, (const char *)data + at, size - at, (const char *const *)sets, &err);
	if (!sc) {
		CHECK(err != NULL && err->domain == SCENARIO_ERROR);
		CHECK(g_str_has_prefix(err->message, NAME ": ") || g_str_has_prefix(err->message, "--set: "));
		g_error_free(err);
		for (size_t i = 0; i < n_sets; i++)
			g_free(sets[i]);
		return 0;
	}
	CHECK(err == NULL);
	struct scenario_cost k;
	scenario_cost(sc, &k);
	CHECK(isfinite(k.events) && k.events >= 0 && k.bytes <= (double)SCENARIO_MAX_RUN_BYTES);
	core_accepts(sc);

	/* describe's text is a scenario that resolves to the same values */
	gchar *text = scenario_describe(sc);
	struct scenario *again = scenario_load_data(NAME, text, strlen(text), NULL, &err);
	if (!again) {
		fprintf(stderr, "fuzz_scenario: describe's text does not load: %s\n--- text:\n%s\n", err->message, text);
		CHECK(again != NULL);
	}
	gchar *a = scenario_to_json(sc), *b = scenario_to_json(again);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "fuzz_scenario: describe's round trip differs\n--- before:\n%s\n--- after:\n%s\n", a, b);
		CHECK(strcmp(a, b) == 0);
	}
	g_free(a);
	g_free(b);
	g_free(text);
	scenario_free(again);
	scenario_free(sc);
	for (size_t i = 0; i < n_sets; i++)
		g_free(sets[i]);
	return 0;
}
