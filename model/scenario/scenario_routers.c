/* scenario_routers.c - the routers in front of the cluster ([router] count)
 * and their own hashes: [router.K] may give router K its ecmp_hash and
 * ecmp_hash_seed; otherwise router K uses [router]'s hash with a seed
 * derived from [router]'s ecmp_hash_seed (router 0: that seed itself, so
 * one router is exactly the single-router model; router K > 0: the low 32
 * bits of splitmix64(seed + K), never 0), so that routers hash
 * independently, as real ones seeded apart do. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <string.h>

#include "scenario_internal.h"

static uint32_t derived_seed(uint32_t seed, unsigned k)
{
	if (k == 0)
		return seed;
	uint64_t z = (uint64_t)seed + k + UINT64_C(0x9E3779B97F4A7C15);
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	z ^= z >> 31;
	return (uint32_t)z ? (uint32_t)z : 1;
}

bool scenario_parse_routers(struct scenario_ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	gsize ng = 0;
	g_auto(GStrv) groups = g_key_file_get_groups(c->kf, &ng);
	for (gsize i = 0; i < ng; i++) {
		unsigned k;
		if (scenario_is_router_group(groups[i], &k) && k >= sc->router_count) {
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE,
				    "%s: [%s]: no router %u (the scenario has router.count = %u: routers 0..%u)",
				    scenario_origin(c, groups[i], NULL), groups[i], k, sc->router_count,
				    sc->router_count - 1);
			return false;
		}
	}
	for (unsigned k = 0; k < sc->router_count; k++) {
		struct scenario_router *r = &sc->routers[k];
		g_autofree gchar *g = g_strdup_printf("router.%u", k);
		g_autofree gchar *hash = scenario_raw_value(c, g, "ecmp_hash");
		g_autofree gchar *seed = scenario_raw_value(c, g, "ecmp_hash_seed");
		r->ecmp_hash = sc->ecmp_hash;
		r->ecmp_hash_seed = derived_seed(sc->ecmp_hash_seed, k);
		r->hash_given = hash != NULL;
		r->seed_given = seed != NULL;
		struct scenario tmp = *sc;
		/* parse with the [router] keys' own parsers (same choices, same ranges) */
		const struct {
			const char *key, *text;
		} kv[] = {{"ecmp_hash", hash}, {"ecmp_hash_seed", seed}};
		for (size_t j = 0; j < G_N_ELEMENTS(kv); j++) {
			if (!kv[j].text)
				continue;
			g_autofree gchar *why = scenario_parse_value(scenario_find_key("router", kv[j].key), kv[j].text, &tmp);
			if (why) {
				scenario_value_error(err, scenario_origin(c, g, kv[j].key), g, kv[j].key, kv[j].text, "%s",
						     why);
				return false;
			}
		}
		if (hash)
			r->ecmp_hash = tmp.ecmp_hash;
		if (seed)
			r->ecmp_hash_seed = tmp.ecmp_hash_seed;
		/* router 0 with neither key of its own is [router] itself: the
		 * loader's check of [router] names that group */
		if (r->ecmp_hash == LB_HASH_LINUX && r->ecmp_hash_seed == 0 && (k > 0 || hash || seed)) {
			scenario_value_error(err, scenario_origin(c, g, "ecmp_hash_seed"), g, "ecmp_hash_seed",
					     seed ? seed : "0",
					     "must be 1..4294967295 with ecmp_hash = linux (0 is the kernel's random per-boot "
					     "seed, which no model can predict)");
			return false;
		}
	}
	return true;
}
