/* scenario_write.c - a loaded scenario back to text: `lbsim describe`'s
 * INI (which loads again as the same scenario) and run.json's JSON. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <string.h>

#include "scenario_internal.h"

gchar *scenario_describe(const struct scenario *sc)
{
	g_return_val_if_fail(sc != NULL, NULL);
	GString *g = g_string_new(NULL);
	/* comments stay one line each whatever they quote (a path may hold a newline) */
	g_autofree gchar *path = g_strdup(sc->path ? sc->path : "?");
	g_strdelimit(path, "\r\n", '?');
	g_string_append_printf(g, "# scenario %s, resolved from %s\n", sc->name, path);
	struct scenario_cost cost;
	scenario_cost(sc, &cost);
	g_string_append_printf(g,
			       "# estimated per replication: %.3g flows, %.3g packets, %.3g simulator events "
			       "(%.0f s at %.0g events/s), %.0f MiB allocated\n",
			       cost.flows, cost.packets, cost.events, cost.events / SCENARIO_EVENTS_PER_S,
			       SCENARIO_EVENTS_PER_S, cost.bytes / 1048576);
	for (size_t i = 0; i < sc->n_warnings; i++) {
		g_autofree gchar *w = g_strdelimit(g_strdup(sc->warnings[i]), "\r\n", '?');
		g_string_append_printf(g, "# warning: %s\n", w);
	}
	const char *group = NULL;
	for (size_t i = 0; i < scenario_n_keys; i++) {
		const struct keydef *kd = &scenario_keys[i];
		if (strcmp(kd->group, "output") == 0 && (!group || strcmp(group, "output") != 0)) {
			/* failures come before [output], as in the reference file */
			for (size_t f = 0; f < sc->n_failures; f++) {
				const struct scenario_failure *x = &sc->failures[f];
				g_string_append_printf(g, "\n[failure.%zu]\nat = ", f + 1);
				scenario_append_duration(g, x->at_ns);
				const struct lb_failure_info *info = lb_failure_info(x->kind);
				g_string_append_printf(g, "\nkind = %s\n", lb_kind_name(&lb_failure_kind_table, x->kind));
				if (info->uses & LB_FAILURE_USES_NODES) {
					g_string_append(g, "nodes = ");
					scenario_append_nodes(g, x->partition_nodes, ";");
					g_string_append_c(g, '\n');
				} else if (info->uses & LB_FAILURE_USES_NODE) {
					g_string_append_printf(g, "node = %d\n", x->node);
				}
				if (info->uses & LB_FAILURE_USES_ROUTER)
					g_string_append_printf(g, "router = %d\n", x->router);
				if (info->uses & LB_FAILURE_USES_LOSS) {
					g_string_append(g, "loss = ");
					scenario_append_double(g, x->loss);
					g_string_append_c(g, '\n');
				}
			}
		}
		if (!group || strcmp(group, kd->group) != 0) {
			group = kd->group;
			g_string_append_printf(g, "\n[%s]\n", group);
		}
		g_string_append_printf(g, "%s = ", kd->key);
		scenario_append_value(g, kd, sc);
		if (kd->unit)
			g_string_append_printf(g, "  # %s", kd->unit);
		if ((kd->off == offsetof(struct scenario, flow_state_capacity) && sc->flow_state_capacity_auto) ||
		    (kd->off == offsetof(struct scenario, flow_state_idle_timeout_ns) && sc->flow_state_idle_timeout_auto))
			g_string_append(g, kd->unit ? " (auto)" : "  # auto");
		if (!kprofile_uses(kd->profile, sc->profile))
			g_string_append_printf(g, "  # not used by profile %s",
					       lb_kind_name(&lb_router_profile_table, sc->profile));
		g_string_append_c(g, '\n');
	}
	for (unsigned k = 0; sc->router_count > 1 && k < sc->router_count; k++)
		g_string_append_printf(g, "\n[router.%u]%s\necmp_hash = %s\necmp_hash_seed = 0x%" PRIx32 "\n", k,
				       sc->routers[k].seed_given || k == 0 ? "" : "  # seed derived from [router] ecmp_hash_seed",
				       lb_hash_kind_name(sc->routers[k].ecmp_hash), sc->routers[k].ecmp_hash_seed);
	if (sc->n_sweep) {
		g_string_append(g, "\n[sweep]\n");
		for (size_t i = 0; i < sc->n_sweep; i++) {
			g_autofree gchar *v = g_strjoinv(";", sc->sweep[i].values);
			g_string_append_printf(g, "%s = %s\n", sc->sweep[i].key, v);
		}
	}
	return g_string_free(g, FALSE);
}

/* A JSON string: UTF-8 by definition, so bytes that are not (a path in a
 * legacy encoding) become U+FFFD. */
static void json_string(GString *g, const char *raw)
{
	g_autofree gchar *s = g_utf8_make_valid(raw ? raw : "", -1);
	g_string_append_c(g, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			g_string_append(g, "\\\"");
			break;
		case '\\':
			g_string_append(g, "\\\\");
			break;
		case '\n':
			g_string_append(g, "\\n");
			break;
		case '\t':
			g_string_append(g, "\\t");
			break;
		case '\r':
			g_string_append(g, "\\r");
			break;
		default:
			if (*p < 0x20)
				g_string_append_printf(g, "\\u%04x", *p);
			else
				g_string_append_c(g, (gchar)*p);
		}
	}
	g_string_append_c(g, '"');
}

static void json_value(GString *g, const struct keydef *kd, const struct scenario *sc)
{
	const char *base = (const char *)sc + kd->off;
	switch (kd->type) {
	case K_STR:
		json_string(g, *(char *const *)base);
		return;
	case K_ENUM:
		json_string(g, lb_kind_name(kd->table, (unsigned)scenario_load_uint(base, kd->size)));
		return;
	case K_STRATEGY:
		json_string(g, (*(const struct lb_strategy *const *)base)->name);
		return;
	case K_DUR:
	case K_RATE:
	case K_UINT:
	case K_SEED:
		g_string_append_printf(g, "%" PRIu64, scenario_load_uint(base, kd->size));
		return;
	case K_BOOL:
		g_string_append(g, *(const bool *)base ? "true" : "false");
		return;
	case K_DBL:
		scenario_append_double(g, *(const double *)base);
		return;
	case K_VIP: {
		g_autofree gchar *v = scenario_value_text(kd, sc);
		json_string(g, v);
		return;
	}
	case K_IPVER:
		g_string_append_printf(g, "%d", sc->ip_version);
		return;
	case K_PROTO:
		json_string(g, sc->protocol == 17 ? "udp" : "tcp");
		return;
	case K_FLOWDUR:
		g_string_append(g, "{\"dist\": ");
		json_string(g, lb_kind_name(&scenario_dist_table, sc->flow_duration_dist));
		g_string_append_printf(g, ", \"mean_ns\": %" PRIu64 ", \"shape\": ", sc->flow_duration_mean_ns);
		scenario_append_double(g, sc->flow_duration_shape);
		g_string_append_c(g, '}');
		return;
	}
}

gchar *scenario_to_json(const struct scenario *sc)
{
	g_return_val_if_fail(sc != NULL, NULL);
	GString *g = g_string_new("{");
	const char *group = NULL;
	for (size_t i = 0; i < scenario_n_keys; i++) {
		const struct keydef *kd = &scenario_keys[i];
		if (!group || strcmp(group, kd->group) != 0) {
			g_string_append_printf(g, "%s\n  \"%s\": {", group ? "\n  }," : "", kd->group);
			group = kd->group;
		} else {
			g_string_append_c(g, ',');
		}
		const char *suffix = kd->type == K_DUR ? "_ns" : kd->type == K_RATE ? "_bps" : "";
		g_string_append_printf(g, "\n    \"%s%s\": ", kd->key, suffix);
		json_value(g, kd, sc);
	}
	g_string_append(g, "\n  },\n  \"routers\": [");
	for (unsigned k = 0; k < sc->router_count; k++) {
		g_string_append_printf(g, "%s\n    {\"ecmp_hash\": ", k ? "," : "");
		json_string(g, lb_hash_kind_name(sc->routers[k].ecmp_hash));
		g_string_append_printf(g, ", \"ecmp_hash_seed\": %" PRIu32 "}", sc->routers[k].ecmp_hash_seed);
	}
	g_string_append(g, "\n  ],\n  \"failures\": [");
	for (size_t i = 0; i < sc->n_failures; i++) {
		const struct scenario_failure *f = &sc->failures[i];
		g_string_append_printf(g, "%s\n    {\"at_ns\": %" PRIu64 ", \"kind\": ", i ? "," : "", f->at_ns);
		json_string(g, lb_kind_name(&lb_failure_kind_table, f->kind));
		g_string_append_printf(g, ", \"node\": %d, \"router\": %d, \"loss\": ", f->node, f->router);
		scenario_append_double(g, f->loss);
		g_string_append(g, ", \"nodes\": [");
		scenario_append_nodes(g, f->partition_nodes, ", ");
		g_string_append(g, "]}");
	}
	g_string_append(g, sc->n_failures ? "\n  ],\n  \"sweep\": {" : "],\n  \"sweep\": {");
	for (size_t i = 0; i < sc->n_sweep; i++) {
		g_string_append(g, i ? ",\n    " : "\n    ");
		json_string(g, sc->sweep[i].key);
		g_string_append(g, ": [");
		for (size_t j = 0; j < sc->sweep[i].n_values; j++) {
			if (j)
				g_string_append(g, ", ");
			json_string(g, sc->sweep[i].values[j]);
		}
		g_string_append_c(g, ']');
	}
	g_string_append(g, sc->n_sweep ? "\n  },\n  \"warnings\": [" : "},\n  \"warnings\": [");
	for (size_t i = 0; i < sc->n_warnings; i++) {
		g_string_append(g, i ? ", " : "");
		json_string(g, sc->warnings[i]);
	}
	g_string_append(g, "]\n}");
	return g_string_free(g, FALSE);
}

gchar *scenario_value_of(const struct scenario *sc, const char *group_key)
{
	const char *dot = strrchr(group_key, '.');
	if (!dot)
		return NULL;
	g_autofree gchar *group = g_strndup(group_key, (gsize)(dot - group_key));
	const char *key = dot + 1;
	uint64_t k;
	if (!scenario_is_failure_group(group, &k)) {
		const struct keydef *kd = scenario_find_key(group, key);
		return kd ? scenario_value_text(kd, sc) : NULL;
	}
	for (size_t i = 0; i < sc->n_failures; i++) {
		const struct scenario_failure *f = &sc->failures[i];
		if (f->k != k)
			continue;
		GString *g = g_string_new(NULL);
		if (strcmp(key, "at") == 0)
			scenario_append_duration(g, f->at_ns);
		else if (strcmp(key, "kind") == 0)
			g_string_append(g, lb_kind_name(&lb_failure_kind_table, f->kind));
		else if (strcmp(key, "node") == 0)
			g_string_append_printf(g, "%d", f->node);
		else if (strcmp(key, "router") == 0)
			g_string_append_printf(g, "%d", f->router);
		else if (strcmp(key, "loss") == 0)
			scenario_append_double(g, f->loss);
		else if (strcmp(key, "nodes") == 0)
			scenario_append_nodes(g, f->partition_nodes, ";");
		return g_string_free(g, FALSE);
	}
	return NULL;
}
