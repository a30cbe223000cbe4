/* campaign_points.c - a campaign's stable point ids and the runs of a
 * request (campaign_request() of campaign.h). */
#define _POSIX_C_SOURCE 200809L
#include "campaign_internal.h"

#include <inttypes.h>
#include <string.h>

#include "output.h"

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

