/* scenario_load.c - scenario files -> validated parameters.
 *
 * How a file is read (doc/scenario.md is the user's page):
 *   1. the text is read and inline comments are cut: a '#' at the start of a
 *      line or after a blank runs to the end of the line (group header lines
 *      included); ';' is kept, it separates list items;
 *   2. GKeyFile parses the rest (G_KEY_FILE_NONE);
 *   3. overrides "group.key=value" are set into the same key file, and the
 *      (group, key) pairs they touch are remembered so that errors about them
 *      name "--set" instead of the file;
 *   4. every group and key is checked against the schema (scenario_value.c;
 *      unknown group or key: error), then every key of the schema is parsed:
 *      a key that is absent takes its default (the profile's, for keys with
 *      one), parsed from text by the same code (so a default can never escape
 *      validation);
 *   5. [failure.K] groups are parsed in K order and stably sorted by time;
 *   6. cross-key checks, with the core's own limits, and warnings;
 *   7. each [sweep] value is validated by loading the scenario again with that
 *      one value as an extra override (steps 2-6 on the same text).
 *
 * Every error message has the form  FILE: [GROUP] KEY = "VALUE": REASON.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario_internal.h"

G_DEFINE_QUARK(scenario-error-quark, scenario_error)


static gchar *pair_id(const char *group, const char *key)
{
	return g_strconcat(group, "\n", key, NULL);
}

/* The file an error about group/key names: "--set" when an override set it. */
const char *scenario_origin(const struct scenario_ctx *c, const char *group, const char *key)
{
	if (key) {
		g_autofree gchar *id = pair_id(group, key);
		if (g_hash_table_contains(c->set_keys, id))
			return OVERRIDE_FILE;
	}
	if (g_hash_table_contains(c->set_groups, group))
		return OVERRIDE_FILE;
	return c->path;
}

void scenario_value_error(GError **err, const char *file, const char *group, const char *key,
					    const char *value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree gchar *reason = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* an empty value is often a comment the author did not mean: "dir = #b" */
	g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] %s = \"%s\": %s%s", file, group, key, value,
		    reason, *value ? "" : " (the value is empty: a '#' at its start or after a blank begins a comment)");
}

/* The value as written (trimmed), or NULL when the key is absent. */
gchar *scenario_raw_value(const struct scenario_ctx *c, const char *group, const char *key)
{
	gchar *v = g_key_file_get_value(c->kf, group, key, NULL);
	return v ? g_strstrip(v) : NULL;
}

/* The value for an error message about a key: as written, else the default. */
gchar *scenario_shown_value(const struct scenario_ctx *c, const struct keydef *kd)
{
	gchar *v = scenario_raw_value(c, kd->group, kd->key);
	return v ? v : scenario_value_text(kd, c->sc);
}

static bool check_names(struct scenario_ctx *c, GError **err)
{
	gsize ng = 0;
	g_auto(GStrv) groups = g_key_file_get_groups(c->kf, &ng);
	for (gsize i = 0; i < ng; i++) {
		const char *g = groups[i];
		if (!scenario_group_known(g)) {
			g_autofree gchar *hint = scenario_suggest_group(g);
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN, "%s: [%s]: unknown group%s",
				    scenario_origin(c, g, NULL), g, hint);
			return false;
		}
		gsize nk = 0;
		g_auto(GStrv) ks = g_key_file_get_keys(c->kf, g, &nk, NULL);
		/* every value is text in run.json, campaign.json and the CSVs (a
		 * path is bytes: they show it as UTF-8, g_filename_display_name) */
		for (gsize j = 0; j < nk; j++) {
			const struct keydef *kd = scenario_find_key(g, ks[j]);
			g_autofree gchar *v = g_key_file_get_value(c->kf, g, ks[j], NULL);
			if (v && !(kd && kd->path) && !g_utf8_validate(v, -1, NULL)) {
				g_autofree gchar *shown = g_utf8_make_valid(v, -1);
				scenario_value_error(err, scenario_origin(c, g, ks[j]), g, ks[j], shown,
						     "not UTF-8 text (a result file carries every value as text)");
				return false;
			}
		}
		if (strcmp(g, "sweep") == 0)
			continue; /* its keys are group.key names, checked with the sweep */
		for (gsize j = 0; j < nk; j++) {
			if (!scenario_key_known(g, ks[j])) {
				g_autofree gchar *hint = scenario_suggest_key(g, ks[j]);
				g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN, "%s: [%s] %s: unknown key%s",
					    scenario_origin(c, g, ks[j]), g, ks[j], hint);
				return false;
			}
		}
	}
	return true;
}

/* The router profile the file (or an override) asks for; the default
 * when it does not say or says something invalid (parse_keys reports it). */
static enum lb_router_profile profile_of(const struct scenario_ctx *c)
{
	g_autofree gchar *v = scenario_raw_value(c, "router", "profile");
	int p = v ? lb_kind_parse(&lb_router_profile_table, v) : -1;
	return p < 0 ? LB_PROFILE_IDEAL : (enum lb_router_profile)p;
}

/* Whether kd's value in sc is its default (under profile). */
static bool is_default(const struct keydef *kd, enum lb_router_profile profile, const struct scenario *sc)
{
	const char *def = profile == LB_PROFILE_FRR && kd->def_frr ? kd->def_frr : kd->def;
	if (!def)
		return false;
	struct scenario d = {0};
	gchar *r = scenario_parse_value(kd, def, &d);
	g_assert(r == NULL);
	g_autofree gchar *a = scenario_value_text(kd, sc), *b = scenario_value_text(kd, &d);
	if (kd->type == K_STR)
		g_free(*(char **)((char *)&d + kd->off));
	return strcmp(a, b) == 0;
}

static bool parse_keys(struct scenario_ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	enum lb_router_profile profile = profile_of(c);
	/* defaults first, the profile's where it has its own, parsed by the same code */
	for (size_t i = 0; i < scenario_n_keys; i++) {
		const struct keydef *kd = &scenario_keys[i];
		const char *def = profile == LB_PROFILE_FRR && kd->def_frr ? kd->def_frr : kd->def;
		if (!def)
			continue;
		gchar *r = scenario_parse_value(kd, def, sc);
		g_assert(r == NULL);
	}
	for (size_t i = 0; i < scenario_n_keys; i++) {
		const struct keydef *kd = &scenario_keys[i];
		g_autofree gchar *v = scenario_raw_value(c, kd->group, kd->key);
		if (!v)
			continue;
		g_autofree gchar *r = scenario_parse_value(kd, v, sc);
		if (r) {
			scenario_value_error(err, scenario_origin(c, kd->group, kd->key), kd->group, kd->key, v, "%s", r);
			return false;
		}
		if (kd->type == K_STR && strcmp(kd->key, "name") == 0 && strpbrk(v, "/,\"\\")) {
			scenario_value_error(err, scenario_origin(c, kd->group, kd->key), kd->group, kd->key, v,
				    "must not contain '/', ',', '\"' or '\\' (it names the output directory and is "
				    "a CSV field)");
			return false;
		}
		g_autofree gchar *resolved = scenario_value_text(kd, sc); /* as describe writes it */
		if (!kprofile_uses(kd->profile, profile) && !is_default(kd, profile, sc))
			g_ptr_array_add(c->warnings,
					g_strdup_printf("[%s] %s = %s: not used by [router] profile = %s (only by %s)",
							kd->group, kd->key, resolved,
							lb_kind_name(&lb_router_profile_table, profile),
							lb_kind_name(&lb_router_profile_table, (unsigned)kd->profile - 1)));
	}
	if (!sc->name) {
		/* the file's name without .ini, with what a name may not hold
		 * (see above and scenario_parse_value) replaced by '_' */
		gchar *b = g_path_get_basename(sc->path);
		if (g_str_has_suffix(b, ".ini") && strlen(b) > 4)
			b[strlen(b) - 4] = '\0';
		for (char *p = b; *p; p++)
			if (strchr("/,\"\\", *p) || (unsigned char)*p < 0x20 ||
			    (*p == '#' && (p == b || p[-1] == ' ' || p[-1] == '\t')))
				*p = '_';
		g_strstrip(b);
		if (!*b) {
			g_free(b);
			b = g_strdup("scenario");
		}
		sc->name = b;
	}
	if (!sc->output_dir)
		sc->output_dir = g_strconcat("results/", sc->name, NULL);
	if (sc->ip_version == 6 && !g_key_file_has_key(c->kf, "cluster", "vip", NULL)) {
		gchar *r = scenario_parse_value(scenario_find_key("cluster", "vip"), DEFAULT_VIP6, sc);
		g_assert(r == NULL);
	}
	return true;
}

/* "auto" sizes of the owner's flow-state table: every flow the run can
 * have (the initial flows plus the Poisson arrivals over the duration, to
 * 6 standard deviations) and the run's duration as the idle timeout, so
 * that the table never evicts or expires a flow by itself.  Capped at the
 * core's limits (LB_SESSION_MAX_CAPACITY, LB_SESSION_MAX_TIMEOUT_NS). */
static void resolve_auto(struct scenario *sc)
{
	sc->flow_state_capacity_auto = sc->flow_state_capacity == 0;
	if (sc->flow_state_capacity_auto) {
		double arrivals = sc->flow_arrival_rate * (double)sc->duration_ns / 1e9;
		double n = (double)sc->initial_flows + arrivals + 6 * sqrt(arrivals) + 16;
		sc->flow_state_capacity = n >= (double)LB_SESSION_MAX_CAPACITY ? LB_SESSION_MAX_CAPACITY : (uint32_t)n;
	}
	sc->flow_state_idle_timeout_auto = sc->flow_state_idle_timeout_ns == 0;
	if (sc->flow_state_idle_timeout_auto) {
		/* whole ms (the table's clock) beyond the duration: no entry
		 * idles that long within the run */
		uint64_t t = (sc->duration_ns / LB_NS_PER_MS + 1) * LB_NS_PER_MS;
		sc->flow_state_idle_timeout_ns = t > LB_SESSION_MAX_TIMEOUT_NS ? LB_SESSION_MAX_TIMEOUT_NS : t;
	}
}

static bool cross_check(struct scenario_ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	const struct keydef *kd;

	if (sc->bin_ns > sc->duration_ns) {
		kd = scenario_find_key("scenario", "bin");
		g_autofree gchar *v = scenario_shown_value(c, kd);
		g_autofree gchar *d = scenario_fmt_duration(sc->duration_ns);
		scenario_value_error(err, scenario_origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "the bin is longer than the duration %s", d);
		return false;
	}
	/* rates whose period would not fit the nanosecond clock (1e-6/s: one
	 * packet or flow per 11.6 days) */
	kd = scenario_find_key("traffic", "packet_rate");
	if (sc->packet_rate < 1e-6 || sc->packet_rate > 1e9) {
		g_autofree gchar *v = scenario_shown_value(c, kd);
		scenario_value_error(err, scenario_origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be in 1e-6..1e9 packets/s per flow");
		return false;
	}
	kd = scenario_find_key("traffic", "flow_arrival_rate");
	if (sc->flow_arrival_rate != 0 && (sc->flow_arrival_rate < 1e-6 || sc->flow_arrival_rate > 1e9)) {
		g_autofree gchar *v = scenario_shown_value(c, kd);
		scenario_value_error(err, scenario_origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be 0 (no arrivals) or in 1e-6..1e9 flows/s");
		return false;
	}
	if (!scenario_check_core_limits(c, err))
		return false;
	if (sc->vip_family != sc->ip_version) {
		kd = scenario_find_key("cluster", "vip");
		g_autofree gchar *v = scenario_shown_value(c, kd);
		scenario_value_error(err, scenario_origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "vip %s is IPv%d but traffic.ip_version = %d", v, sc->vip_family, sc->ip_version);
		return false;
	}
	if (sc->ip_version == 6 && sc->packet_size < 80) {
		kd = scenario_find_key("traffic", "packet_size");
		g_autofree gchar *v = scenario_shown_value(c, kd);
		scenario_value_error(err, scenario_origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be at least 80 with traffic.ip_version = 6 (IPv6 and L4 headers)");
		return false;
	}

	if (!scenario_check_allocation(c, err))
		return false;
	scenario_warn(c);
	return true;
}

/* Cuts inline comments: '#' at line start or after a blank, to end of line;
 * trailing blanks of every line go too. */
static gchar *strip_comments(const char *text)
{
	GString *out = g_string_sized_new(strlen(text) + 1);
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		size_t cut = len;
		for (size_t i = 0; i < len; i++) {
			if (p[i] == '#' && (i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t')) {
				cut = i;
				break;
			}
		}
		while (cut > 0 && (p[cut - 1] == ' ' || p[cut - 1] == '\t' || p[cut - 1] == '\r'))
			cut--;
		g_string_append_len(out, p, (gssize)cut);
		g_string_append_c(out, '\n');
		p += len;
		if (*p == '\n')
			p++;
	}
	return g_string_free(out, FALSE);
}

/* Splits "group.key=value" (group from key at the last '.' before '=');
 * FALSE when malformed.  Outputs are trimmed and newly allocated. */
static bool split_override(const char *o, gchar **group, gchar **key, gchar **value)
{
	const char *eq = strchr(o, '=');
	if (!eq)
		return false;
	g_autofree gchar *lhs = g_strstrip(g_strndup(o, (gsize)(eq - o)));
	char *dot = strrchr(lhs, '.');
	if (!dot || dot == lhs || dot[1] == '\0')
		return false;
	*dot = '\0';
	*group = g_strstrip(g_strdup(lhs));
	*key = g_strstrip(g_strdup(dot + 1));
	*value = g_strstrip(g_strdup(eq + 1));
	/* what GKeyFile takes as a group or key name (g_key_file_is_group_name:
	 * no '[', ']' or control character; otherwise it ignores the value) */
	bool cntrl = false;
	for (const char *p = *group; *p; p++)
		cntrl = cntrl || g_ascii_iscntrl(*p);
	for (const char *p = *key; *p; p++)
		cntrl = cntrl || g_ascii_iscntrl(*p);
	if (!**group || !**key || cntrl || strpbrk(*group, "[]") || strpbrk(*key, "=[]") || strchr(*value, '\n')) {
		g_clear_pointer(group, g_free);
		g_clear_pointer(key, g_free);
		g_clear_pointer(value, g_free);
		return false;
	}
	return true;
}

static bool apply_overrides(struct scenario_ctx *c, const char *const *overrides, GError **err)
{
	for (size_t i = 0; overrides && overrides[i]; i++) {
		gchar *g = NULL, *k = NULL, *v = NULL;
		if (!split_override(overrides[i], &g, &k, &v)) {
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_PARSE,
				    "%s: \"%s\": malformed override (expected group.key=value)", OVERRIDE_FILE,
				    overrides[i]);
			return false;
		}
		if (!g_key_file_has_group(c->kf, g))
			g_hash_table_add(c->set_groups, g_strdup(g));
		g_key_file_set_value(c->kf, g, k, v);
		g_hash_table_add(c->set_keys, pair_id(g, k));
		g_free(g);
		g_free(k);
		g_free(v);
	}
	return true;
}

static struct scenario *load_text(const char *path, const char *text, const char *const *overrides,
				  bool with_sweep, GError **err);

/* [sweep]: "group.key = v1;v2;..."; every value is checked by loading the
 * scenario with it as one more override. */
static bool parse_sweep(struct scenario_ctx *c, const char *text, const char *const *overrides, GError **err)
{
	struct scenario *sc = c->sc;
	if (!g_key_file_has_group(c->kf, "sweep"))
		return true;
	gsize nk = 0;
	g_auto(GStrv) ks = g_key_file_get_keys(c->kf, "sweep", &nk, NULL);
	sc->sweep = g_new0(struct scenario_sweep_axis, nk ? nk : 1);
	gsize n_over = overrides ? g_strv_length((gchar **)overrides) : 0;
	g_autofree const char **over = g_new0(const char *, n_over + 2);
	for (gsize i = 0; i < n_over; i++)
		over[i] = overrides[i];

	for (gsize i = 0; i < nk; i++) {
		const char *key = ks[i];
		const char *file = scenario_origin(c, "sweep", key);
		g_autofree gchar *raw = scenario_raw_value(c, "sweep", key);
		const char *dot = strrchr(key, '.');
		g_autofree gchar *grp = dot ? g_strndup(key, (gsize)(dot - key)) : NULL;
		if (!dot || !scenario_key_known(grp, dot + 1)) {
			g_autofree gchar *hint = scenario_suggest_param(key);
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN,
				    "%s: [sweep] %s = \"%s\": not a parameter (expected group.key, e.g. "
				    "router.failover)%s",
				    file, key, raw, hint);
			return false;
		}
		if (strcmp(key, "scenario.replications") == 0) {
			scenario_value_error(err, file, "sweep", key, raw,
				    "replications cannot be swept (set [scenario] replications instead)");
			return false;
		}
		struct scenario_sweep_axis *ax = &sc->sweep[sc->n_sweep++];
		ax->key = g_strdup(key);
		g_auto(GStrv) vals = g_strsplit(raw, ";", -1);
		ax->values = g_new0(char *, g_strv_length(vals) + 1);
		for (gsize j = 0; vals[j]; j++) {
			g_strstrip(vals[j]);
			if (!*vals[j])
				continue;
			g_autofree gchar *o = g_strdup_printf("%s=%s", key, vals[j]);
			over[n_over] = o;
			GError *e = NULL;
			struct scenario *t = load_text(c->path, text, over, false, &e);
			over[n_over] = NULL;
			if (!t) {
				/* keep only the reason when the error is about this very value */
				g_autofree gchar *prefix = g_strdup_printf("%s: [%s] %s = \"%s\": ", OVERRIDE_FILE, grp,
									  dot + 1, vals[j]);
				g_autofree gchar *file_prefix = g_strconcat(c->path, ": ", NULL);
				const char *msg = e->message;
				if (g_str_has_prefix(msg, prefix))
					msg += strlen(prefix);
				else if (g_str_has_prefix(msg, file_prefix))
					msg += strlen(file_prefix); /* a check elsewhere in the file fails */
				g_set_error(err, SCENARIO_ERROR, e->code, "%s: [sweep] %s = \"%s\": %s%s", file, key,
					    vals[j], msg, scenario_list_hint(raw));
				g_error_free(e);
				return false;
			}
			scenario_free(t);
			ax->values[ax->n_values++] = g_strdup(vals[j]);
		}
		if (ax->n_values == 0) {
			scenario_value_error(err, file, "sweep", key, raw, "no values (expected v1;v2;...)");
			return false;
		}
	}
	return true;
}

static struct scenario *load_text(const char *path, const char *text, const char *const *overrides,
				  bool with_sweep, GError **err)
{
	struct scenario *sc = g_new0(struct scenario, 1);
	sc->path = g_strdup(path);
	struct scenario_ctx c = {
		.path = path,
		.kf = g_key_file_new(),
		.set_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.set_groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.sc = sc,
		.warnings = g_ptr_array_new_with_free_func(g_free),
	};
	GError *e = NULL;
	bool ok = false;

	if (!g_key_file_load_from_data(c.kf, text, (gsize)-1, G_KEY_FILE_NONE, &e)) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_PARSE, "%s: %s", path, e->message);
		g_error_free(e);
		goto out;
	}
	if (!apply_overrides(&c, overrides, err) || !check_names(&c, err) || !parse_keys(&c, err) ||
	    !scenario_parse_routers(&c, err) || !scenario_parse_failures(&c, err))
		goto out;
	resolve_auto(sc);
	if (!cross_check(&c, err))
		goto out;
	if (with_sweep && !parse_sweep(&c, text, overrides, err))
		goto out;
	sc->n_warnings = c.warnings->len;
	g_ptr_array_add(c.warnings, NULL);
	sc->warnings = (char **)g_ptr_array_free(c.warnings, FALSE);
	c.warnings = NULL;
	ok = true;
out:
	if (c.warnings)
		g_ptr_array_free(c.warnings, TRUE);
	g_hash_table_destroy(c.set_keys);
	g_hash_table_destroy(c.set_groups);
	g_key_file_free(c.kf);
	if (!ok) {
		scenario_free(sc);
		return NULL;
	}
	return sc;
}

struct scenario *scenario_load(const char *path, const char *const *overrides, GError **err)
{
	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(err == NULL || *err == NULL, NULL);
	gchar *data = NULL;
	gsize len = 0;
	GError *e = NULL;
	if (!g_file_get_contents(path, &data, &len, &e)) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "%s: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	struct scenario *sc = scenario_load_data(path, data, len, overrides, err);
	g_free(data);
	return sc;
}

struct scenario *scenario_load_data(const char *path, const char *data, size_t len, const char *const *overrides,
				    GError **err)
{
	g_return_val_if_fail(path != NULL && (data != NULL || len == 0), NULL);
	g_return_val_if_fail(err == NULL || *err == NULL, NULL);
	/* the text ends at its first NUL, as a C string read from the file does */
	g_autofree gchar *copy = g_strndup(data ? data : "", len);
	g_autofree gchar *text = strip_comments(copy);
	return load_text(path, text, overrides, true, err);
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	g_free(sc->path);
	for (size_t i = 0; i < scenario_n_keys; i++)
		if (scenario_keys[i].type == K_STR)
			g_free(*(char **)((char *)sc + scenario_keys[i].off));
	g_free(sc->failures);
	for (size_t i = 0; i < sc->n_sweep; i++) {
		g_free(sc->sweep[i].key);
		g_strfreev(sc->sweep[i].values);
	}
	g_free(sc->sweep);
	for (size_t i = 0; i < sc->n_warnings; i++)
		g_free(sc->warnings[i]);
	g_free(sc->warnings);
	g_free(sc);
}

