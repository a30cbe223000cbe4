/* scenario_suggest.c - "did you mean" for misspelt group and key names,
 * and the hint for lists written with ',' instead of ';'.
 *
 * Distance: optimal string alignment (Levenshtein with adjacent
 * transpositions, each edit costing 1; Damerau 1964).  A candidate is
 * offered when it is at most max(1, min(3, len / 3)) edits away (a
 * transposition or a missing letter in a short name; never a wild guess),
 * the nearest first, ties in table order; failing that, the one candidate
 * the word begins (at least 3 letters: `hold` for `hold_time`). */
#include <string.h>

#include "scenario_internal.h"

#define MAX_NAME 64

static unsigned distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > MAX_NAME || m > MAX_NAME)
		return 1000;
	unsigned d[MAX_NAME + 1][MAX_NAME + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

static unsigned allowed(const char *word)
{
	size_t len = strlen(word) / 3;
	return len < 1 ? 1 : len > 3 ? 3 : (unsigned)len;
}

const char *scenario_nearest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	unsigned best_d = allowed(word) + 1;
	for (size_t i = 0; candidates[i]; i++) {
		unsigned d = distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	if (best || strlen(word) < 3)
		return best;
	for (size_t i = 0; candidates[i]; i++) {
		if (strncmp(candidates[i], word, strlen(word)) != 0)
			continue;
		if (best)
			return NULL; /* two of them: no guess */
		best = candidates[i];
	}
	return best;
}

/* Every key of a group, NULL-terminated (static storage per call site is
 * not needed: the caller frees the array, not the names). */
static const char **keys_of(const char *group)
{
	if (scenario_is_failure_group(group, NULL))
		return g_memdup2(scenario_failure_keys, sizeof(const char *) * (g_strv_length((gchar **)scenario_failure_keys) + 1));
	if (scenario_is_router_group(group, NULL))
		return g_memdup2(scenario_router_keys, sizeof(const char *) * (g_strv_length((gchar **)scenario_router_keys) + 1));
	GPtrArray *a = g_ptr_array_new();
	for (size_t i = 0; i < scenario_n_keys; i++)
		if (strcmp(scenario_keys[i].group, group) == 0)
			g_ptr_array_add(a, (gpointer)scenario_keys[i].key);
	g_ptr_array_add(a, NULL);
	return (const char **)g_ptr_array_free(a, FALSE);
}

gchar *scenario_suggest_key(const char *group, const char *key)
{
	g_autofree const char **own = keys_of(group);
	const char *near = scenario_nearest(key, own);
	if (near)
		return g_strdup_printf("; did you mean `%s'?", near);
	/* the right name in another group (plain groups only: they hold the
	 * scenario's keys; [failure.K] and [router.K] are named by the file) */
	for (size_t i = 0; i < scenario_n_keys; i++)
		if (strcmp(scenario_keys[i].key, key) == 0)
			return g_strdup_printf("; `%s' is a key of [%s]", key, scenario_keys[i].group);
	const char *other = NULL, *other_group = NULL;
	unsigned best = allowed(key) + 1;
	for (size_t i = 0; i < scenario_n_keys; i++) {
		unsigned d = distance(key, scenario_keys[i].key);
		if (d < best) {
			best = d;
			other = scenario_keys[i].key;
			other_group = scenario_keys[i].group;
		}
	}
	return other ? g_strdup_printf("; did you mean [%s] `%s'?", other_group, other) : g_strdup("");
}

gchar *scenario_suggest_group(const char *group)
{
	static const char failure_form[] = "; a failure group is [failure.K], K = 1, 2, ... without leading zeros";
	static const char router_form[] = "; a router's own group is [router.K], K = 0 .. count - 1";
	const char *dot = strchr(group, '.');
	if (dot) { /* failure.K, router.K: the name before the dot */
		g_autofree gchar *head = g_strndup(group, (gsize)(dot - group));
		if (strcmp(head, "failure") == 0)
			return g_strdup(failure_form);
		if (strcmp(head, "router") == 0)
			return g_strdup(router_form);
		const char *const kinds[] = {"failure", "router", NULL};
		const char *near = scenario_nearest(head, kinds);
		return near ? g_strdup_printf("; did you mean [%s%s]?", near, dot) : g_strdup("");
	}
	if (strcmp(group, "failure") == 0)
		return g_strdup(failure_form);
	const char *near = scenario_nearest(group, scenario_plain_groups);
	if (!near) {
		const char *const more[] = {"sweep", NULL};
		near = scenario_nearest(group, more);
	}
	return near ? g_strdup_printf("; did you mean [%s]?", near) : g_strdup("");
}

gchar *scenario_suggest_param(const char *name)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; i < scenario_n_keys; i++)
		g_ptr_array_add(a, g_strdup_printf("%s.%s", scenario_keys[i].group, scenario_keys[i].key));
	g_ptr_array_add(a, NULL);
	const char *near = scenario_nearest(name, (const char *const *)a->pdata);
	gchar *s = near ? g_strdup_printf("; did you mean `%s'?", near) : g_strdup("");
	g_ptr_array_free(a, TRUE);
	return s;
}

const char *scenario_list_hint(const char *value)
{
	return value && strchr(value, ',') && !strchr(value, ';') ? " (list values are separated by ';', not ',')" : "";
}
