/* campaign_admit.c - the resume rules of campaign.h: base parameters
 * compared as `lbsim describe` writes them, the swept keys, remembered --set
 * values. */
#define _POSIX_C_SOURCE 200809L
#include "campaign_internal.h"

#include <inttypes.h>
#include <string.h>

#include "output.h"

/* ---- base parameters ---- */

/* group.key -> (group, key): the group ends at the last '.'. */
static gboolean split_key(const char *gk, const char *group, const char *key)
{
	const char *dot = strrchr(gk, '.');
	return dot && strlen(group) == (size_t)(dot - gk) && strncmp(gk, group, (size_t)(dot - gk)) == 0 &&
	       strcmp(dot + 1, key) == 0;
}

/* Not base parameters: what may change (replications, the swept keys) and
 * what changes no result (the scheduler; where the runs go). */
static gboolean not_base(const struct scenario *sc, const char *group, const char *key)
{
	if ((strcmp(group, "scenario") == 0 && (strcmp(key, "replications") == 0 || strcmp(key, "scheduler") == 0)) ||
	    (strcmp(group, "output") == 0 && strcmp(key, "dir") == 0))
		return TRUE;
	for (size_t i = 0; i < sc->n_sweep; i++)
		if (split_key(sc->sweep[i].key, group, key))
			return TRUE;
	return FALSE;
}

/* The base parameters of sc: `lbsim describe`'s text, group -> key ->
 * value, without comments, the [expectation] (not parameters) and [sweep]
 * groups, and not_base() keys. */
static JsonObject *base_parameters(const struct scenario *sc)
{
	g_autofree gchar *text = scenario_describe(sc);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	JsonObject *all = json_object_new();
	JsonObject *group = NULL;
	g_autofree gchar *gname = NULL;
	for (gchar **l = lines; *l; l++) {
		/* an inline comment starts at a '#' after a blank (the loader's rule) */
		for (char *h = *l; (h = strchr(h, '#')); h++)
			if (h == *l || h[-1] == ' ' || h[-1] == '\t') {
				*h = '\0';
				break;
			}
		char *s = g_strstrip(*l);
		if (!*s)
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			g_free(gname);
			gname = g_strndup(s + 1, end ? (gsize)(end - s - 1) : strlen(s + 1));
			group = NULL;
			if (strcmp(gname, "expectation") != 0 && strcmp(gname, "sweep") != 0) {
				group = json_object_new();
				json_object_set_object_member(all, gname, group);
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (!group || !eq)
			continue;
		*eq = '\0';
		const char *key = g_strstrip(s), *value = g_strstrip(eq + 1);
		if (!not_base(sc, gname, key))
			json_object_set_string_member(group, key, value);
	}
	return all;
}

static const char *param(JsonObject *params, const char *group, const char *key)
{
	JsonNode *g = campaign_json_member(params, group, JSON_NODE_OBJECT);
	return g ? campaign_json_string(json_node_get_object(g), key) : NULL;
}

/* "[group] key: the campaign has A, this sweep B" for the first key
 * (this sweep's order, then keys only the campaign has) that differs. */
static gchar *first_difference(JsonObject *have, JsonObject *want)
{
	for (int pass = 0; pass < 2; pass++) {
		JsonObject *a = pass == 0 ? want : have, *b = pass == 0 ? have : want;
		g_autoptr(GList) groups = json_object_get_members(a);
		for (GList *g = groups; g; g = g->next) {
			JsonNode *gn = campaign_json_member(a, g->data, JSON_NODE_OBJECT);
			if (!gn)
				continue;
			g_autoptr(GList) keys = json_object_get_members(json_node_get_object(gn));
			for (GList *k = keys; k; k = k->next) {
				const char *va = param(a, g->data, k->data), *vb = param(b, g->data, k->data);
				if (va && vb && strcmp(va, vb) == 0)
					continue;
				const char *in_campaign = pass == 0 ? vb : va, *in_sweep = pass == 0 ? va : vb;
				return g_strdup_printf("[%s] %s: the campaign has %s, this sweep %s", (const char *)g->data,
						       (const char *)k->data, in_campaign ? in_campaign : "none",
						       in_sweep ? in_sweep : "none");
			}
		}
	}
	return NULL;
}

static gboolean refuse(const struct campaign *c, const char *why, GError **err)
{
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_EXIST,
		    "%s holds a campaign of other parameters: %s (only the replications and the swept keys' values "
		    "may change; use another -o, or delete the campaign)",
		    c->dir, why);
	return FALSE;
}

static gchar *joined_keys(const struct campaign *c, const struct scenario *sc)
{
	GString *g = g_string_new(NULL);
	for (guint i = 0; c && i < c->axes->len; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "", ((struct axis *)g_ptr_array_index(c->axes, i))->key);
	for (size_t i = 0; sc && i < sc->n_sweep; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "", sc->sweep[i].key);
	if (!g->len)
		g_string_append(g, "nothing");
	return g_string_free(g, FALSE);
}

static gboolean same_axes(const struct campaign *c, const struct scenario *sc)
{
	if (c->axes->len != sc->n_sweep)
		return FALSE;
	for (size_t i = 0; i < sc->n_sweep; i++) {
		gboolean found = FALSE;
		for (guint j = 0; j < c->axes->len && !found; j++)
			found = strcmp(((struct axis *)g_ptr_array_index(c->axes, j))->key, sc->sweep[i].key) == 0;
		if (!found)
			return FALSE;
	}
	return TRUE;
}

/* key=value's key (the text before '='). */
static gboolean same_key(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");
	return la == lb && strncmp(a, b, la) == 0;
}

/* The overrides with each of sets replacing the one of its key, or added. */
static void remember(struct campaign *c, const char *const *sets)
{
	GPtrArray *a = g_ptr_array_new();
	for (gchar **o = c->overrides; *o; o++)
		g_ptr_array_add(a, g_strdup(*o));
	for (size_t i = 0; sets && sets[i]; i++) {
		guint j = 0;
		while (j < a->len && !same_key(g_ptr_array_index(a, j), sets[i]))
			j++;
		if (j < a->len) {
			g_free(g_ptr_array_index(a, j));
			a->pdata[j] = g_strdup(sets[i]);
		} else {
			g_ptr_array_add(a, g_strdup(sets[i]));
		}
	}
	g_ptr_array_add(a, NULL);
	g_strfreev(c->overrides);
	c->overrides = (GStrv)g_ptr_array_free(a, FALSE);
}

/* The only file under dir/scenario/ (a format-1 campaign's copy), or NULL. */
static gchar *only_snapshot(const char *dir)
{
	g_autofree gchar *sdir = g_build_filename(dir, "scenario", NULL);
	g_autoptr(GDir) d = g_dir_open(sdir, 0, NULL);
	const char *name, *found = NULL;
	unsigned n = 0;
	while (d && (name = g_dir_read_name(d))) {
		g_autofree gchar *p = g_build_filename(sdir, name, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR)) {
			found = name;
			n++;
		}
	}
	return n == 1 ? g_strdup(found) : NULL;
}

gboolean campaign_admit(struct campaign *c, const char *file, const struct scenario *sc,
			const char *const *user_sets, GError **err)
{
	JsonObject *want = base_parameters(sc);
	g_free(c->scenario_file);
	c->scenario_file = campaign_path_text(file);
	if (!c->exists || c->legacy) {
		if (c->legacy) {
			/* format 1 held scenario_to_json() of the campaign's scenario
			 * (output dir and scheduler neutral): only the very same
			 * parameters resume it, and its points keep their grid order */
			struct scenario fp = *sc;
			fp.output_dir = (char *)"";
			fp.scheduler = SHIM_SCHED_MAP;
			g_autofree gchar *fingerprint = scenario_to_json(&fp);
			if (strcmp(c->legacy, fingerprint) != 0) {
				json_object_unref(want);
				return refuse(c,
					      "its campaign.json, written by an earlier lbsim, names no key: compare it with "
					      "`lbsim describe` of this scenario",
					      err);
			}
			c->snapshot = only_snapshot(c->dir);
		}
		/* the copy's name is UTF-8, as campaign.json holds it: a name
		 * that is not (or a format-1 copy so named) becomes its display
		 * name, and the sweep copies file there (a format-1 campaign's
		 * parameters are this file's: checked above) */
		g_autofree gchar *name = c->snapshot ? g_steal_pointer(&c->snapshot) : g_path_get_basename(file);
		c->snapshot = g_filename_display_name(name);
		c->parameters = want;
		for (size_t i = 0; i < sc->n_sweep; i++)
			campaign_add_axis(c, sc->sweep[i].key);
		remember(c, user_sets);
		return TRUE;
	}
	if (!same_axes(c, sc)) {
		g_autofree gchar *had = joined_keys(c, NULL), *has = joined_keys(NULL, sc);
		g_autofree gchar *why = g_strdup_printf("[sweep]: the campaign sweeps %s, this sweep %s", had, has);
		json_object_unref(want);
		return refuse(c, why, err);
	}
	g_autofree gchar *diff = first_difference(c->parameters, want);
	json_object_unref(want);
	if (diff)
		return refuse(c, diff, err);
	remember(c, user_sets);
	return TRUE;
}

