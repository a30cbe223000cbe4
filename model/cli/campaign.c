/* campaign.c - see campaign.h.
 *
 * Base parameters are compared as `lbsim describe` writes them: every
 * resolved key with its unit, so a refusal reads "[router] hold_time: the
 * campaign has 3s, this sweep 4s" and two spellings of one value (3s,
 * 3000ms) are equal.  A point is identified by its values as the loader
 * resolves them (scenario_value_of() of the scenario with that value set),
 * so a value written another way later finds its point again. */
#define _POSIX_C_SOURCE 200809L
#include "campaign.h"

#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "output.h"

/* 2: overrides, parameters, axes, points, history; 1 (no campaign_format
 * member): scenario_to_json() of the campaign's scenario alone. */
#define CAMPAIGN_FORMAT 2

struct axis {
	gchar *key;
	GPtrArray *values; /* gchar *: every value recorded, first spelling, order of first appearance */
};

struct point {
	unsigned id;
	gchar **values; /* one per axis, in the campaign's axis order */
};

struct campaign {
	gchar *dir;     /* absolute */
	gboolean exists;
	gchar *legacy;  /* format 1: the file's text */
	gchar *snapshot; /* the scenario copy's file name, under dir/scenario/ */
	gchar *scenario_file;
	GStrv overrides;
	JsonObject *parameters;
	GPtrArray *axes;   /* struct axis * */
	GPtrArray *points; /* struct point *, by id */
	unsigned replications;
	struct slurm_site slurm;
	JsonArray *history;
	JsonObject *current; /* this invocation's entry, in history */
};

static void axis_free(gpointer p)
{
	struct axis *a = p;
	g_free(a->key);
	g_ptr_array_free(a->values, TRUE);
	g_free(a);
}

static void point_free(gpointer p)
{
	struct point *pt = p;
	g_strfreev(pt->values);
	g_free(pt);
}

static void add_axis(struct campaign *c, const char *key)
{
	struct axis *a = g_new0(struct axis, 1);
	a->key = g_strdup(key);
	a->values = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(c->axes, a);
}

void campaign_free(struct campaign *c)
{
	if (!c)
		return;
	g_free(c->dir);
	g_free(c->legacy);
	g_free(c->snapshot);
	g_free(c->scenario_file);
	g_strfreev(c->overrides);
	if (c->parameters)
		json_object_unref(c->parameters);
	g_ptr_array_free(c->axes, TRUE);
	g_ptr_array_free(c->points, TRUE);
	slurm_site_clear(&c->slurm);
	json_array_unref(c->history);
	g_free(c);
}

/* ---- reading campaign.json ---- */

static gboolean bad_record(const char *path, const char *what, GError **err)
{
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		    "%s: not a campaign record lbsim can read (%s); use another -o, or delete the campaign", path, what);
	return FALSE;
}

static JsonNode *member(JsonObject *o, const char *name, JsonNodeType type)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && json_node_get_node_type(n) == type ? n : NULL;
}

/* The strings of array member name of o (NULL-terminated); NULL when it
 * is absent or holds anything but strings. */
static GStrv string_array(JsonObject *o, const char *name)
{
	JsonNode *n = member(o, name, JSON_NODE_ARRAY);
	if (!n)
		return NULL;
	JsonArray *a = json_node_get_array(n);
	GStrvBuilder *b = g_strv_builder_new();
	gboolean ok = TRUE;
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *e = json_array_get_element(a, i);
		if (!JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_STRING) {
			ok = FALSE;
			break;
		}
		g_strv_builder_add(b, json_node_get_string(e));
	}
	GStrv v = g_strv_builder_end(b);
	g_strv_builder_unref(b);
	if (!ok) {
		g_strfreev(v);
		return NULL;
	}
	return v;
}

static const char *string_member(JsonObject *o, const char *name)
{
	JsonNode *n = member(o, name, JSON_NODE_VALUE);
	return n && json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : NULL;
}

static gboolean int_member(JsonObject *o, const char *name, gint64 *v)
{
	JsonNode *n = member(o, name, JSON_NODE_VALUE);
	if (!n || json_node_get_value_type(n) != G_TYPE_INT64)
		return FALSE;
	*v = json_node_get_int(n);
	return TRUE;
}

static gboolean read_slurm(struct campaign *c, JsonObject *root)
{
	JsonNode *n = member(root, "slurm", JSON_NODE_OBJECT);
	if (!n)
		return TRUE;
	JsonObject *s = json_node_get_object(n);
	gchar **fields[] = {&c->slurm.time, &c->slurm.partition, &c->slurm.account, &c->slurm.mem};
	const char *names[] = {"time", "partition", "account", "mem"};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		*fields[i] = g_strdup(string_member(s, names[i]));
	c->slurm.options = string_array(s, "options");
	return TRUE;
}

static gboolean read_record(struct campaign *c, JsonObject *root, const char *path, GError **err)
{
	gint64 format = 0, reps = 0;
	if (!int_member(root, "campaign_format", &format) || format != CAMPAIGN_FORMAT)
		return bad_record(path, "campaign_format is not 2", err);
	const char *snap = string_member(root, "snapshot");
	if (!snap || !*snap || strchr(snap, '/'))
		return bad_record(path, "snapshot", err);
	c->snapshot = g_strdup(snap);
	c->scenario_file = g_strdup(string_member(root, "scenario_file"));
	if (!(c->overrides = string_array(root, "overrides")))
		return bad_record(path, "overrides", err);
	JsonNode *params = member(root, "parameters", JSON_NODE_OBJECT);
	if (!params)
		return bad_record(path, "parameters", err);
	c->parameters = json_object_ref(json_node_get_object(params));
	if (!int_member(root, "replications", &reps) || reps < 0 || reps > UINT32_MAX)
		return bad_record(path, "replications", err);
	c->replications = (unsigned)reps;
	JsonNode *axes = member(root, "axes", JSON_NODE_ARRAY);
	JsonNode *points = member(root, "points", JSON_NODE_ARRAY);
	JsonNode *history = member(root, "history", JSON_NODE_ARRAY);
	if (!axes || !points || !history)
		return bad_record(path, "axes, points or history", err);
	JsonArray *aa = json_node_get_array(axes);
	for (guint i = 0; i < json_array_get_length(aa); i++) {
		JsonNode *e = json_array_get_element(aa, i);
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		const char *key = string_member(o, "key");
		g_auto(GStrv) values = string_array(o, "values");
		if (!key || !values)
			return bad_record(path, "axes", err);
		add_axis(c, key);
		struct axis *a = g_ptr_array_index(c->axes, c->axes->len - 1);
		for (gchar **v = values; *v; v++)
			g_ptr_array_add(a->values, g_strdup(*v));
	}
	JsonArray *pa = json_node_get_array(points);
	for (guint i = 0; i < json_array_get_length(pa); i++) {
		JsonNode *e = json_array_get_element(pa, i);
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		gint64 id = -1;
		GStrv values = string_array(o, "values");
		/* ids are 0, 1, ... in order: a point's id is its index */
		if (!int_member(o, "id", &id) || id != (gint64)i || !values || g_strv_length(values) != c->axes->len) {
			g_strfreev(values);
			return bad_record(path, "points", err);
		}
		struct point *pt = g_new0(struct point, 1);
		pt->id = (unsigned)id;
		pt->values = values;
		g_ptr_array_add(c->points, pt);
	}
	json_array_unref(c->history);
	c->history = json_array_ref(json_node_get_array(history));
	return read_slurm(c, root);
}

struct campaign *campaign_open(const char *dir, GError **err)
{
	struct campaign *c = g_new0(struct campaign, 1);
	c->dir = g_canonicalize_filename(dir, NULL);
	c->axes = g_ptr_array_new_with_free_func(axis_free);
	c->points = g_ptr_array_new_with_free_func(point_free);
	c->history = json_array_new();
	c->overrides = g_new0(gchar *, 1);
	g_autofree gchar *path = g_build_filename(c->dir, "campaign.json", NULL);
	g_autofree gchar *runs = g_build_filename(c->dir, "runs", NULL);
	g_autofree gchar *text = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &text, &len, NULL)) {
		if (g_file_test(runs, G_FILE_TEST_EXISTS)) {
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_EXIST,
				    "%s has runs but no campaign.json: use another -o, or delete it", dir);
			campaign_free(c);
			return NULL;
		}
		return c;
	}
	c->exists = TRUE;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) perr = NULL;
	JsonNode *root = json_parser_load_from_data(parser, text, (gssize)len, &perr) ? json_parser_get_root(parser) : NULL;
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		bad_record(path, perr ? perr->message : "not a JSON object", err);
		campaign_free(c);
		return NULL;
	}
	JsonObject *o = json_node_get_object(root);
	if (!json_object_has_member(o, "campaign_format")) {
		c->legacy = g_steal_pointer(&text);
		return c;
	}
	if (!read_record(c, o, path, err)) {
		campaign_free(c);
		return NULL;
	}
	return c;
}

const char *const *campaign_overrides(const struct campaign *c)
{
	return (const char *const *)c->overrides;
}

gchar *campaign_snapshot(const struct campaign *c)
{
	return g_build_filename(c->dir, "scenario", c->snapshot, NULL);
}

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
	JsonNode *g = member(params, group, JSON_NODE_OBJECT);
	return g ? string_member(json_node_get_object(g), key) : NULL;
}

/* "[group] key: the campaign has A, this sweep B" for the first key
 * (this sweep's order, then keys only the campaign has) that differs. */
static gchar *first_difference(JsonObject *have, JsonObject *want)
{
	for (int pass = 0; pass < 2; pass++) {
		JsonObject *a = pass == 0 ? want : have, *b = pass == 0 ? have : want;
		g_autoptr(GList) groups = json_object_get_members(a);
		for (GList *g = groups; g; g = g->next) {
			JsonNode *gn = member(a, g->data, JSON_NODE_OBJECT);
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
	c->scenario_file = g_filename_display_name(file);
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
		if (!c->snapshot)
			c->snapshot = g_path_get_basename(file);
		c->parameters = want;
		for (size_t i = 0; i < sc->n_sweep; i++)
			add_axis(c, sc->sweep[i].key);
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

/* ---- commits ---- */

static gchar *this_commit(void)
{
	JsonNode *p = output_provenance();
	gchar *commit = g_strdup(string_member(json_node_get_object(p), "commit"));
	json_node_unref(p);
	return commit;
}

gchar *campaign_commit_warning(const struct campaign *c)
{
	g_autofree gchar *now = this_commit();
	g_autoptr(GString) others = g_string_new(NULL);
	g_autoptr(GString) first_seen = g_string_new(NULL);
	for (guint i = 0; i < json_array_get_length(c->history); i++) {
		JsonNode *e = json_array_get_element(c->history, i);
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		const char *action = string_member(o, "action"), *commit = string_member(o, "commit");
		gint64 to_run = 0;
		/* the entries that made or emitted runs */
		if (!action || !commit || strcmp(action, "merge") == 0 || !int_member(o, "to_run", &to_run) || to_run == 0)
			continue;
		if (now && strcmp(commit, now) == 0)
			continue;
		g_autofree gchar *tagged = g_strdup_printf("\x1f%s\x1f", commit);
		if (strstr(first_seen->str, tagged))
			continue;
		g_string_append(first_seen, tagged);
		g_string_append_printf(others, "%s%s", others->len ? ", " : "", commit);
	}
	if (!others->len)
		return NULL;
	return g_strdup_printf("%s: runs of this campaign were made by lbsim %s; this lbsim is %s: their results may "
			       "differ (each run's run.json names its commit)",
			       c->dir, others->str, now ? now : "unknown");
}

/* ---- points ---- */

/* value of key as the loader resolves it in file with overrides (the
 * written value when it does not load, or names no single parameter). */
static gchar *resolved(const char *file, const char *const *overrides, const char *key, const char *value,
		       GHashTable *cache)
{
	g_autofree gchar *kv = g_strdup_printf("%s=%s", key, value);
	const char *hit = g_hash_table_lookup(cache, kv);
	if (hit)
		return g_strdup(hit);
	GPtrArray *o = g_ptr_array_new();
	for (size_t i = 0; overrides && overrides[i]; i++)
		g_ptr_array_add(o, (gpointer)overrides[i]);
	g_ptr_array_add(o, kv);
	g_ptr_array_add(o, NULL);
	struct scenario *sc = scenario_load(file, (const char *const *)o->pdata, NULL);
	g_ptr_array_free(o, TRUE);
	gchar *v = sc ? scenario_value_of(sc, key) : NULL;
	scenario_free(sc);
	if (!v)
		v = g_strdup(value);
	g_hash_table_insert(cache, g_strdup(kv), g_strdup(v));
	return v;
}

/* The identity of a point: its resolved values in the campaign's axis
 * order, joined by a unit separator. */
static gchar *identity(const struct campaign *c, const char *file, const char *const *overrides,
		       const char *const *values, GHashTable *cache)
{
	GString *g = g_string_new(NULL);
	for (guint j = 0; j < c->axes->len; j++) {
		const struct axis *a = g_ptr_array_index(c->axes, j);
		g_autofree gchar *v = resolved(file, overrides, a->key, values[j], cache);
		g_string_append_printf(g, "%s\x1f", v);
	}
	return g_string_free(g, FALSE);
}

static void add_run(struct sweep_request *rq, const struct campaign *c, const struct point *pt,
		    const unsigned *axis_of, uint32_t r, const char *qself, const char *qsnap)
{
	struct sweep_run *run = g_new0(struct sweep_run, 1);
	run->point = pt->id;
	run->rep = r;
	run->id = g_strdup_printf("p%u-r%" PRIu32, pt->id, r);
	run->dir = g_strdup_printf("%s/runs/p%u", c->dir, pt->id);
	g_autofree gchar *qdir = g_shell_quote(run->dir);
	GString *cmd = g_string_new(NULL);
	g_string_append_printf(cmd, "%s run %s --quiet --replication %" PRIu32 " -o %s", qself, qsnap, r, qdir);
	for (gchar **o = c->overrides; *o; o++) {
		g_autofree gchar *q = g_shell_quote(*o);
		g_string_append_printf(cmd, " --set %s", q);
	}
	for (size_t i = 0; i < rq->n_axes; i++) {
		const struct axis *a = g_ptr_array_index(c->axes, axis_of[i]);
		g_autofree gchar *kv = g_strdup_printf("%s=%s", a->key, pt->values[axis_of[i]]);
		g_autofree gchar *q = g_shell_quote(kv);
		g_string_append_printf(cmd, " --set %s", q);
	}
	run->cmd = g_string_free(cmd, FALSE);
	g_ptr_array_add(rq->runs, run);
}

struct sweep_request *campaign_request(struct campaign *c, const char *file, const char *const *overrides,
				       const struct scenario *sc, const char *self)
{
	struct sweep_request *rq = g_new0(struct sweep_request, 1);
	rq->dir = g_strdup(c->dir);
	rq->n_axes = sc->n_sweep;
	rq->keys = g_new0(gchar *, sc->n_sweep + 1);
	rq->reps = sc->replications;
	rq->runs = g_ptr_array_new();
	/* axis_of[i]: the campaign's axis of the scenario's axis i (same_axes) */
	g_autofree unsigned *axis_of = g_new0(unsigned, sc->n_sweep + 1);
	size_t np = 1;
	for (size_t i = 0; i < sc->n_sweep; i++) {
		rq->keys[i] = g_strdup(sc->sweep[i].key);
		np *= sc->sweep[i].n_values;
		for (guint j = 0; j < c->axes->len; j++)
			if (strcmp(((struct axis *)g_ptr_array_index(c->axes, j))->key, sc->sweep[i].key) == 0)
				axis_of[i] = j;
	}
	g_autoptr(GHashTable) cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint k = 0; k < c->points->len; k++) {
		struct point *pt = g_ptr_array_index(c->points, k);
		g_hash_table_insert(known, identity(c, file, overrides, (const char *const *)pt->values, cache), pt);
	}
	rq->ids = g_new0(unsigned, np);
	rq->values = g_new0(gchar **, np);
	g_autoptr(GHashTable) asked = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autofree gchar **vals = g_new0(gchar *, c->axes->len + 1);
	for (size_t p = 0; p < np; p++) {
		size_t rest = p;
		for (size_t i = sc->n_sweep; i-- > 0;) {
			vals[axis_of[i]] = sc->sweep[i].values[rest % sc->sweep[i].n_values];
			rest /= sc->sweep[i].n_values;
		}
		gchar *id = identity(c, file, overrides, (const char *const *)vals, cache);
		struct point *pt = g_hash_table_lookup(known, id);
		if (!pt) {
			pt = g_new0(struct point, 1);
			pt->id = c->points->len;
			pt->values = g_strdupv(vals);
			g_ptr_array_add(c->points, pt);
			g_hash_table_insert(known, id, pt);
			/* a value the axis has not recorded (in any spelling) */
			for (guint j = 0; j < c->axes->len; j++) {
				struct axis *a = g_ptr_array_index(c->axes, j);
				g_autofree gchar *v = resolved(file, overrides, a->key, vals[j], cache);
				gboolean have = FALSE;
				for (guint m = 0; m < a->values->len && !have; m++) {
					g_autofree gchar *w =
						resolved(file, overrides, a->key, g_ptr_array_index(a->values, m), cache);
					have = strcmp(v, w) == 0;
				}
				if (!have)
					g_ptr_array_add(a->values, g_strdup(vals[j]));
			}
		} else {
			g_free(id);
		}
		if (g_hash_table_contains(asked, GUINT_TO_POINTER(pt->id + 1)))
			continue; /* the same point twice in the grid */
		g_hash_table_add(asked, GUINT_TO_POINTER(pt->id + 1));
		size_t q = rq->n_points++;
		rq->ids[q] = pt->id;
		rq->values[q] = g_new0(gchar *, sc->n_sweep + 1);
		for (size_t i = 0; i < sc->n_sweep; i++)
			rq->values[q][i] = g_strdup(pt->values[axis_of[i]]);
	}
	if (rq->reps > c->replications)
		c->replications = rq->reps;
	g_autofree gchar *snap = campaign_snapshot(c);
	g_autofree gchar *qself = g_shell_quote(self), *qsnap = g_shell_quote(snap);
	for (size_t q = 0; q < rq->n_points; q++)
		for (uint32_t r = 0; r < rq->reps; r++)
			add_run(rq, c, g_ptr_array_index(c->points, rq->ids[q]), axis_of, r, qself, qsnap);
	return rq;
}

/* ---- Slurm site options ---- */

const struct slurm_site *campaign_slurm(struct campaign *c, const struct slurm_site *given)
{
	slurm_site_update(&c->slurm, given);
	return &c->slurm;
}

/* ---- history and writing ---- */

void campaign_begin(struct campaign *c, const char *action, const char *file, const struct sweep_request *rq,
		    unsigned to_run, unsigned emit)
{
	JsonNode *prov = output_provenance();
	JsonObject *o = json_node_get_object(prov);
	json_object_set_string_member(o, "action", action);
	g_autofree gchar *shown = g_filename_display_name(file);
	json_object_set_string_member(o, "scenario_file", shown);
	JsonArray *ids = json_array_new();
	for (size_t q = 0; q < rq->n_points; q++)
		json_array_add_int_element(ids, rq->ids[q]);
	json_object_set_array_member(o, "points", ids);
	json_object_set_int_member(o, "replications", rq->reps);
	json_object_set_int_member(o, "runs", rq->runs->len);
	json_object_set_int_member(o, "to_run", to_run);
	if (emit)
		json_object_set_int_member(o, "emit", emit);
	json_object_set_null_member(o, "wall_time_s");
	json_array_add_element(c->history, prov);
	c->current = o;
}

void campaign_end(struct campaign *c, double wall_s)
{
	if (c->current)
		json_object_set_double_member(c->current, "wall_time_s", wall_s);
}

static JsonNode *strv_node(const char *const *v)
{
	JsonArray *a = json_array_new();
	for (size_t i = 0; v && v[i]; i++)
		json_array_add_string_element(a, v[i]);
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	json_node_take_array(n, a);
	return n;
}

static JsonObject *slurm_object(const struct slurm_site *s)
{
	JsonObject *o = json_object_new();
	const char *names[] = {"time", "partition", "account", "mem"};
	const char *values[] = {s->time, s->partition, s->account, s->mem};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (values[i])
			json_object_set_string_member(o, names[i], values[i]);
	json_object_set_member(o, "options", strv_node((const char *const *)s->options));
	return o;
}

gboolean campaign_save(const struct campaign *c, GError **err)
{
	JsonObject *root = json_object_new();
	json_object_set_int_member(root, "campaign_format", CAMPAIGN_FORMAT);
	/* the latest invocation's provenance, as run.json has it */
	static const char *const prov[] = {"program", "version", "commit", "ns3_version", "command_line",
					   "sets",    "host",    "start_utc", "wall_time_s", NULL};
	for (size_t i = 0; c->current && prov[i]; i++) {
		JsonNode *n = json_object_get_member(c->current, prov[i]);
		if (n)
			json_object_set_member(root, prov[i], json_node_copy(n));
	}
	if (c->scenario_file)
		json_object_set_string_member(root, "scenario_file", c->scenario_file);
	json_object_set_string_member(root, "snapshot", c->snapshot);
	json_object_set_member(root, "overrides", strv_node((const char *const *)c->overrides));
	json_object_set_int_member(root, "replications", c->replications);
	JsonArray *axes = json_array_new();
	for (guint j = 0; j < c->axes->len; j++) {
		const struct axis *a = g_ptr_array_index(c->axes, j);
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "key", a->key);
		JsonArray *v = json_array_new();
		for (guint m = 0; m < a->values->len; m++)
			json_array_add_string_element(v, g_ptr_array_index(a->values, m));
		json_object_set_array_member(o, "values", v);
		json_array_add_object_element(axes, o);
	}
	json_object_set_array_member(root, "axes", axes);
	JsonArray *points = json_array_new();
	for (guint k = 0; k < c->points->len; k++) {
		const struct point *pt = g_ptr_array_index(c->points, k);
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", pt->id);
		json_object_set_member(o, "values", strv_node((const char *const *)pt->values));
		json_array_add_object_element(points, o);
	}
	json_object_set_array_member(root, "points", points);
	json_object_set_object_member(root, "parameters", json_object_ref(c->parameters));
	json_object_set_object_member(root, "slurm", slurm_object(&c->slurm));
	json_object_set_array_member(root, "history", json_array_ref(c->history));
	JsonNode *node = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(node, root);
	g_autoptr(JsonGenerator) g = json_generator_new();
	json_generator_set_pretty(g, TRUE);
	json_generator_set_root(g, node);
	gsize len = 0;
	g_autofree gchar *text = json_generator_to_data(g, &len);
	json_node_unref(node);
	g_autofree gchar *path = g_build_filename(c->dir, "campaign.json", NULL);
	return output_write_file(path, text, len, err);
}
