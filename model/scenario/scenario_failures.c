/* scenario_failures.c - the [failure.K] groups: parsed in K order, each
 * against the core's failure kinds (lbcore/lb_failure.h says which keys a
 * kind uses), then stably sorted by time. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <string.h>

#include "scenario_internal.h"

struct fgroup {
	uint64_t k;
	const char *name;
};

static gint fgroup_cmp(gconstpointer a, gconstpointer b)
{
	const struct fgroup *x = a, *y = b;
	return x->k < y->k ? -1 : x->k > y->k;
}

static gint failure_cmp(gconstpointer a, gconstpointer b, gpointer user)
{
	(void)user;
	const struct scenario_failure *x = a, *y = b;
	return x->at_ns < y->at_ns ? -1 : x->at_ns > y->at_ns;
}

/* One node id (0..nodes-1) as text; NULL or the reason. */
static gchar *parse_node_id(const char *s, unsigned nodes, unsigned *out)
{
	uint64_t v = 0;
	gchar *r = scenario_parse_uint(s, 0, UINT64_MAX, &v);
	if (r) {
		g_free(r);
		return g_strdup_printf("node %s is not a node id (expected 0..%u)", s, nodes - 1);
	}
	if (v >= nodes)
		return g_strdup_printf("node %" PRIu64 " is out of range 0..%u", v, nodes - 1);
	*out = (unsigned)v;
	return NULL;
}

static bool parse_failure(struct scenario_ctx *c, const char *g, struct scenario_failure *f, GError **err)
{
	struct scenario *sc = c->sc;
	g_autofree gchar *kind = scenario_raw_value(c, g, "kind");
	g_autofree gchar *at = scenario_raw_value(c, g, "at");
	if (!kind) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] kind: missing", scenario_origin(c, g, NULL),
			    g);
		return false;
	}
	int ki = lb_kind_parse(&lb_failure_kind_table, kind);
	if (ki < 0) {
		g_autofree gchar *list = g_strjoinv(" | ", (gchar **)lb_failure_kind_table.names);
		scenario_value_error(err, scenario_origin(c, g, "kind"), g, "kind", kind, "not one of %s", list);
		return false;
	}
	f->kind = (enum lb_failure_kind)ki;
	const struct lb_failure_info *info = lb_failure_info(f->kind);
	f->node = -1;
	f->router = -1;
	f->loss = 0;
	f->partition_nodes = 0;
	if (!at) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] at: missing", scenario_origin(c, g, NULL), g);
		return false;
	}
	g_autofree gchar *r = scenario_parse_duration(at, &f->at_ns);
	if (r) {
		scenario_value_error(err, scenario_origin(c, g, "at"), g, "at", at, "%s", r);
		return false;
	}
	if (f->at_ns > sc->duration_ns) {
		g_autofree gchar *a = scenario_fmt_duration(f->at_ns);
		g_autofree gchar *d = scenario_fmt_duration(sc->duration_ns);
		scenario_value_error(err, scenario_origin(c, g, "at"), g, "at", at, "%s is beyond the duration %s", a, d);
		return false;
	}

	/* which of node / loss / nodes the kind uses */
	bool want_node = info->uses & LB_FAILURE_USES_NODE;
	bool want_loss = info->uses & LB_FAILURE_USES_LOSS;
	bool want_nodes = info->uses & LB_FAILURE_USES_NODES;
	bool want_router = info->uses & LB_FAILURE_USES_ROUTER;
	const struct {
		const char *key;
		bool want;
	} uses[] = {{"node", want_node}, {"loss", want_loss}, {"nodes", want_nodes}, {"router", want_router}};
	for (size_t i = 0; i < G_N_ELEMENTS(uses); i++) {
		g_autofree gchar *v = scenario_raw_value(c, g, uses[i].key);
		if (!uses[i].want && v) {
			scenario_value_error(err, scenario_origin(c, g, uses[i].key), g, uses[i].key, v, "not used by kind %s", kind);
			return false;
		}
		if (uses[i].want && !v) {
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] %s: missing (kind %s needs it)",
				    scenario_origin(c, g, NULL), g, uses[i].key, kind);
			return false;
		}
	}
	if (want_node) {
		g_autofree gchar *v = scenario_raw_value(c, g, "node");
		unsigned id = 0;
		g_autofree gchar *rr = parse_node_id(v, sc->nodes, &id);
		if (rr) {
			scenario_value_error(err, scenario_origin(c, g, "node"), g, "node", v, "%s", rr);
			return false;
		}
		f->node = (int)id;
	}
	if (want_router) {
		g_autofree gchar *v = scenario_raw_value(c, g, "router");
		uint64_t id = 0;
		g_autofree gchar *rr = scenario_parse_uint(v, 0, UINT64_MAX, &id);
		if (rr || id >= sc->router_count) {
			scenario_value_error(err, scenario_origin(c, g, "router"), g, "router", v,
					     "router %s is out of range 0..%u (router.count = %u)", v, sc->router_count - 1,
					     sc->router_count);
			return false;
		}
		f->router = (int)id;
	}
	if (want_loss) {
		g_autofree gchar *v = scenario_raw_value(c, g, "loss");
		g_autofree gchar *rr = scenario_parse_double(v, &f->loss);
		if (rr || f->loss < 0 || f->loss > 1) {
			scenario_value_error(err, scenario_origin(c, g, "loss"), g, "loss", v, "not a probability in 0..1");
			return false;
		}
	}
	if (want_nodes) {
		g_autofree gchar *v = scenario_raw_value(c, g, "nodes");
		g_auto(GStrv) ids = g_strsplit(v, ";", -1);
		for (gsize i = 0; ids[i]; i++) {
			g_strstrip(ids[i]);
			if (!*ids[i])
				continue;
			unsigned id = 0;
			g_autofree gchar *rr = parse_node_id(ids[i], sc->nodes, &id);
			if (rr) {
				scenario_value_error(err, scenario_origin(c, g, "nodes"), g, "nodes", v, "%s%s", rr,
						     scenario_list_hint(v));
				return false;
			}
			f->partition_nodes |= UINT64_C(1) << id;
		}
		uint64_t all = sc->nodes >= 64 ? UINT64_MAX : (UINT64_C(1) << sc->nodes) - 1;
		if (f->partition_nodes == 0) {
			scenario_value_error(err, scenario_origin(c, g, "nodes"), g, "nodes", v, "no nodes listed (expected e.g. 0;1)");
			return false;
		}
		if (f->partition_nodes == all) {
			scenario_value_error(err, scenario_origin(c, g, "nodes"), g, "nodes", v,
				    "lists all %u nodes: a partition needs nodes on both sides", sc->nodes);
			return false;
		}
	}
	return true;
}

bool scenario_parse_failures(struct scenario_ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	gsize ng = 0;
	g_auto(GStrv) groups = g_key_file_get_groups(c->kf, &ng);
	g_autoptr(GArray) fg = g_array_new(FALSE, FALSE, sizeof(struct fgroup));
	for (gsize i = 0; i < ng; i++) {
		struct fgroup x = {0, groups[i]};
		if (scenario_is_failure_group(groups[i], &x.k))
			g_array_append_val(fg, x);
	}
	g_array_sort(fg, fgroup_cmp); /* K values are unique: group names are */
	sc->failures = g_new0(struct scenario_failure, fg->len ? fg->len : 1);
	for (guint i = 0; i < fg->len; i++) {
		if (!parse_failure(c, g_array_index(fg, struct fgroup, i).name, &sc->failures[i], err))
			return false;
		sc->n_failures++;
	}
	/* by time; equal times keep K order (the groups are in K order and
	 * GLib's sort is stable); O(n log n): a file may list many failures */
	g_qsort_with_data(sc->failures, (gint)sc->n_failures, sizeof *sc->failures, failure_cmp, NULL);
	return true;
}

