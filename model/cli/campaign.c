/* campaign.c - see campaign.h: the record (reading and writing
 * campaign.json), the commit warning, the Slurm site options and the history.
 * campaign_admit.c has the resume rules, campaign_points.c the points.
 *
 * Base parameters are compared as `lbsim describe` writes them: every
 * resolved key with its unit, so a refusal reads "[router] hold_time: the
 * campaign has 3s, this sweep 4s" and two spellings of one value (3s,
 * 3000ms) are equal.  A point is identified by its values as the loader
 * resolves them (scenario_value_of() of the scenario with that value set),
 * so a value written another way later finds its point again. */
#define _POSIX_C_SOURCE 200809L
#include "campaign_internal.h"

#include <inttypes.h>
#include <string.h>

#include "output.h"

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

void campaign_add_axis(struct campaign *c, const char *key)
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

JsonNode *campaign_json_member(JsonObject *o, const char *name, JsonNodeType type)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && json_node_get_node_type(n) == type ? n : NULL;
}

/* The strings of array member name of o (NULL-terminated); NULL when it
 * is absent or holds anything but strings. */
static GStrv string_array(JsonObject *o, const char *name)
{
	JsonNode *n = campaign_json_member(o, name, JSON_NODE_ARRAY);
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

const char *campaign_json_string(JsonObject *o, const char *name)
{
	JsonNode *n = campaign_json_member(o, name, JSON_NODE_VALUE);
	return n && json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : NULL;
}

gboolean campaign_json_int(JsonObject *o, const char *name, gint64 *v)
{
	JsonNode *n = campaign_json_member(o, name, JSON_NODE_VALUE);
	if (!n || json_node_get_value_type(n) != G_TYPE_INT64)
		return FALSE;
	*v = json_node_get_int(n);
	return TRUE;
}

static gboolean read_slurm(struct campaign *c, JsonObject *root)
{
	JsonNode *n = campaign_json_member(root, "slurm", JSON_NODE_OBJECT);
	if (!n)
		return TRUE;
	JsonObject *s = json_node_get_object(n);
	gchar **fields[] = {&c->slurm.time, &c->slurm.partition, &c->slurm.account, &c->slurm.mem};
	const char *names[] = {"time", "partition", "account", "mem"};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		*fields[i] = g_strdup(campaign_json_string(s, names[i]));
	c->slurm.options = string_array(s, "options");
	return TRUE;
}

static gboolean read_record(struct campaign *c, JsonObject *root, const char *path, GError **err)
{
	gint64 format = 0, reps = 0;
	if (!campaign_json_int(root, "campaign_format", &format) || format != CAMPAIGN_FORMAT)
		return bad_record(path, "campaign_format is not 2", err);
	const char *snap = campaign_json_string(root, "snapshot");
	if (!snap || !*snap || strchr(snap, '/'))
		return bad_record(path, "snapshot", err);
	c->snapshot = g_strdup(snap);
	c->scenario_file = g_strdup(campaign_json_string(root, "scenario_file"));
	g_strfreev(c->overrides);
	if (!(c->overrides = string_array(root, "overrides")))
		return bad_record(path, "overrides", err);
	JsonNode *params = campaign_json_member(root, "parameters", JSON_NODE_OBJECT);
	if (!params)
		return bad_record(path, "parameters", err);
	c->parameters = json_object_ref(json_node_get_object(params));
	if (!campaign_json_int(root, "replications", &reps) || reps < 0 || reps > UINT32_MAX)
		return bad_record(path, "replications", err);
	c->replications = (unsigned)reps;
	JsonNode *axes = campaign_json_member(root, "axes", JSON_NODE_ARRAY);
	JsonNode *points = campaign_json_member(root, "points", JSON_NODE_ARRAY);
	JsonNode *history = campaign_json_member(root, "history", JSON_NODE_ARRAY);
	if (!axes || !points || !history)
		return bad_record(path, "axes, points or history", err);
	JsonArray *aa = json_node_get_array(axes);
	for (guint i = 0; i < json_array_get_length(aa); i++) {
		JsonNode *e = json_array_get_element(aa, i);
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		const char *key = campaign_json_string(o, "key");
		g_auto(GStrv) values = string_array(o, "values");
		if (!key || !values)
			return bad_record(path, "axes", err);
		campaign_add_axis(c, key);
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
		if (!campaign_json_int(o, "id", &id) || id != (gint64)i || !values || g_strv_length(values) != c->axes->len) {
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

gchar *campaign_path_text(const char *path)
{
	g_autofree gchar *abs = g_canonicalize_filename(path, NULL);
	return g_filename_display_name(abs);
}

const char *const *campaign_overrides(const struct campaign *c)
{
	return (const char *const *)c->overrides;
}

gchar *campaign_snapshot(const struct campaign *c)
{
	return g_build_filename(c->dir, "scenario", c->snapshot, NULL);
}

/* ---- commits ---- */

static gchar *this_commit(void)
{
	JsonNode *p = output_provenance();
	gchar *commit = g_strdup(campaign_json_string(json_node_get_object(p), "commit"));
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
		const char *action = campaign_json_string(o, "action"), *commit = campaign_json_string(o, "commit");
		gint64 to_run = 0;
		/* the entries that made or emitted runs */
		if (!action || !commit || strcmp(action, "merge") == 0 || !campaign_json_int(o, "to_run", &to_run) || to_run == 0)
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
	g_autofree gchar *shown = campaign_path_text(file);
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
