/* export.c - `lbsim export DIR... -o FILE.sqlite`.
 *
 * A run directory is one holding run.json and summary.csv (a run's rep<r>/,
 * a campaign's runs/p<P>/rep<R>/); the directories given are searched
 * recursively.  Each run gets a row of `runs` (its identity, provenance and
 * every resolved parameter as a column "group.key"), and each of its CSV
 * files becomes rows of the table of the same name (summary, timeseries,
 * nodes, events, failures, routers, router_load, flows) with the run's
 * run_id in front.  Columns are created as files bring them (older results
 * with fewer columns still load); values are stored as integers, reals or
 * text as they read (empty = NULL).  A run already in the database (same
 * directory) is skipped, so exporting again adds only new runs.
 *
 * A run's directory is stored twice: `dir`, its absolute path as UTF-8
 * text (g_filename_display_name(), as run.json's paths: Python's sqlite3
 * raises on TEXT that is not UTF-8), and `dir_bytes`, the path's own bytes
 * as a BLOB, which identifies the run (two paths that are not UTF-8 may
 * have one display name).  A result directory of `lbsim run` (its
 * rep<r>/ and summary.csv) that is not a complete set (results_set_complete:
 * a run killed while replacing it, or single replications run with --run)
 * gets a warning: its runs are still exported, each whole (a replication
 * is put in place as a whole) and named by its own run.json, but they may
 * come from different invocations.  A database of an earlier lbsim (`dir` alone,
 * raw bytes) is brought to this on its next export.  The
 * database is written to FILE.tmp and renamed at the end: an interrupted
 * export leaves the previous database as it was. */
#define _POSIX_C_SOURCE 200809L
#include "export.h"

#include "cli.h"
#include "results.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const tables[] = {"summary",  "timeseries", "nodes",       "events", "failures",
				     "routers",  "router_load", "flows",      NULL};

struct exporter {
	sqlite3 *db;
	GHashTable *columns; /* "table\ncolumn" present */
	unsigned runs, skipped, incomplete;
	guint64 rows;
};

static void fail_db(struct exporter *x, const char *what)
{
	fprintf(stderr, "lbsim: export: %s: %s\n", what, sqlite3_errmsg(x->db));
}

static gboolean exec(struct exporter *x, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(x->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "lbsim: export: %s: %s\n", sql, msg);
		sqlite3_free(msg);
		return FALSE;
	}
	return TRUE;
}

/* "quoted" SQL identifier */
static gchar *ident(const char *s)
{
	GString *g = g_string_new("\"");
	for (; *s; s++) {
		if (*s == '"')
			g_string_append_c(g, '"');
		g_string_append_c(g, *s);
	}
	g_string_append_c(g, '"');
	return g_string_free(g, FALSE);
}

static gboolean ensure_column(struct exporter *x, const char *table, const char *col)
{
	g_autofree gchar *id = g_strconcat(table, "\n", col, NULL);
	if (g_hash_table_contains(x->columns, id))
		return TRUE;
	g_autofree gchar *qt = ident(table), *qc = ident(col);
	g_autofree gchar *sql = g_strdup_printf("ALTER TABLE %s ADD COLUMN %s", qt, qc);
	if (!exec(x, sql))
		return FALSE;
	g_hash_table_add(x->columns, g_steal_pointer(&id));
	return TRUE;
}

/* Binds text as the type it reads as: empty NULL, integer, real, or text. */
static void bind_value(sqlite3_stmt *st, int i, const char *v)
{
	if (!*v) {
		sqlite3_bind_null(st, i);
		return;
	}
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*end && errno == 0 && (v[0] != '0' || !v[1]) && !(v[0] == '-' && v[1] == '0')) {
		sqlite3_bind_int64(st, i, n);
		return;
	}
	double d = g_ascii_strtod(v, &end);
	if (!*end && end != v && !strchr(v, 'x')) {
		sqlite3_bind_double(st, i, d);
		return;
	}
	sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* One CSV line into fields (RFC 4180 quotes). */
static GPtrArray *csv_fields(const char *line)
{
	GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
	const char *p = line;
	for (;;) {
		GString *g = g_string_new(NULL);
		if (*p == '"') {
			for (p++; *p; p++) {
				if (*p == '"' && p[1] == '"')
					g_string_append_c(g, *++p);
				else if (*p == '"') {
					p++;
					break;
				} else
					g_string_append_c(g, *p);
			}
		}
		while (*p && *p != ',')
			g_string_append_c(g, *p++);
		g_ptr_array_add(f, g_string_free(g, FALSE));
		if (*p != ',')
			break;
		p++;
	}
	return f;
}

static gboolean load_csv(struct exporter *x, const char *table, const char *path, sqlite3_int64 run_id)
{
	g_autofree gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return TRUE; /* the run has no such file */
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	if (!lines[0] || !*lines[0])
		return TRUE;
	g_autoptr(GPtrArray) head = csv_fields(lines[0]);
	g_autofree gchar *qt = ident(table);
	GString *sql = g_string_new(NULL);
	g_string_printf(sql, "INSERT INTO %s (run_id", qt);
	for (guint i = 0; i < head->len; i++) {
		if (!ensure_column(x, table, head->pdata[i])) {
			g_string_free(sql, TRUE);
			return FALSE;
		}
		g_autofree gchar *qc = ident(head->pdata[i]);
		g_string_append_printf(sql, ", %s", qc);
	}
	g_string_append(sql, ") VALUES (?");
	for (guint i = 0; i < head->len; i++)
		g_string_append(sql, ", ?");
	g_string_append_c(sql, ')');
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(x->db, sql->str, -1, &st, NULL);
	g_string_free(sql, TRUE);
	if (rc != SQLITE_OK) {
		fail_db(x, path);
		return FALSE;
	}
	for (gsize l = 1; lines[l]; l++) {
		if (!*lines[l])
			continue;
		g_autoptr(GPtrArray) f = csv_fields(lines[l]);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, run_id);
		for (guint i = 0; i < head->len && i < f->len; i++)
			bind_value(st, (int)i + 2, f->pdata[i]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fail_db(x, path);
			sqlite3_finalize(st);
			return FALSE;
		}
		x->rows++;
	}
	sqlite3_finalize(st);
	return TRUE;
}

/* The run's row of `runs`: identity and provenance from run.json, and every
 * resolved parameter as "group.key" (integers are the scenario's unsigned
 * values: json-glib reads them as gint64, so they are taken back as
 * uint64; above 2^63 - 1 they are stored as text). */
static gboolean add_run(struct exporter *x, const char *dir, sqlite3_int64 *run_id)
{
	/* dir: the canonical path; its bytes are the last column (a BLOB) */
	g_autofree gchar *path = g_build_filename(dir, "run.json", NULL);
	g_autoptr(JsonParser) p = json_parser_new();
	GError *err = NULL;
	if (!json_parser_load_from_file(p, path, &err)) {
		fprintf(stderr, "lbsim: export: %s: %s\n", path, err->message);
		g_error_free(err);
		return FALSE;
	}
	JsonObject *o = json_node_get_object(json_parser_get_root(p));
	GPtrArray *cols = g_ptr_array_new_with_free_func(g_free), *vals = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(cols, g_strdup("dir"));
	g_ptr_array_add(vals, g_filename_display_name(dir));
	const char *const top[] = {"scenario", "replication", "seed", "commit", "version", "ns3_version",
				   "host", "start_utc", "wall_time_s", "events", NULL};
	for (int i = 0; top[i]; i++) {
		if (!json_object_has_member(o, top[i]))
			continue;
		JsonNode *n = json_object_get_member(o, top[i]);
		g_ptr_array_add(cols, g_strdup(top[i]));
		g_ptr_array_add(vals, json_node_get_value_type(n) == G_TYPE_STRING ? g_strdup(json_node_get_string(n))
				: json_node_get_value_type(n) == G_TYPE_DOUBLE
					? g_strdup_printf("%.17g", json_node_get_double(n))
					: g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n)));
	}
	JsonObject *params = json_object_has_member(o, "parameters") ? json_object_get_object_member(o, "parameters") : NULL;
	g_autoptr(GList) groups = params ? json_object_get_members(params) : NULL;
	for (GList *g = groups; g; g = g->next) {
		JsonNode *gn = json_object_get_member(params, g->data);
		if (!JSON_NODE_HOLDS_OBJECT(gn))
			continue;
		JsonObject *go = json_node_get_object(gn);
		g_autoptr(GList) keys = json_object_get_members(go);
		for (GList *k = keys; k; k = k->next) {
			JsonNode *v = json_object_get_member(go, k->data);
			gchar *text;
			if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_INT64)
				text = g_strdup_printf("%" G_GUINT64_FORMAT, (guint64)json_node_get_int(v));
			else if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_DOUBLE)
				text = g_strdup_printf("%.17g", json_node_get_double(v));
			else if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_BOOLEAN)
				text = g_strdup(json_node_get_boolean(v) ? "1" : "0");
			else if (JSON_NODE_HOLDS_VALUE(v))
				text = g_strdup(json_node_get_string(v));
			else
				text = json_to_string(v, FALSE);
			g_ptr_array_add(cols, g_strdup_printf("%s.%s", (char *)g->data, (char *)k->data));
			g_ptr_array_add(vals, text);
		}
	}
	gboolean ok = TRUE;
	GString *sql = g_string_new("INSERT INTO runs (");
	for (guint i = 0; ok && i < cols->len; i++) {
		ok = ensure_column(x, "runs", cols->pdata[i]);
		g_autofree gchar *qc = ident(cols->pdata[i]);
		g_string_append_printf(sql, "%s%s", i ? ", " : "", qc);
	}
	g_string_append(sql, ", dir_bytes) VALUES (");
	for (guint i = 0; i < cols->len; i++)
		g_string_append(sql, i ? ", ?" : "?");
	g_string_append(sql, ", ?)");
	sqlite3_stmt *st = NULL;
	if (ok && sqlite3_prepare_v2(x->db, sql->str, -1, &st, NULL) != SQLITE_OK) {
		fail_db(x, path);
		ok = FALSE;
	}
	for (guint i = 0; ok && i < vals->len; i++)
		bind_value(st, (int)i + 1, vals->pdata[i]);
	if (ok)
		sqlite3_bind_blob(st, (int)vals->len + 1, dir, (int)strlen(dir), SQLITE_TRANSIENT);
	if (ok && sqlite3_step(st) != SQLITE_DONE) {
		fail_db(x, path);
		ok = FALSE;
	}
	sqlite3_finalize(st);
	*run_id = sqlite3_last_insert_rowid(x->db);
	g_string_free(sql, TRUE);
	g_ptr_array_free(cols, TRUE);
	g_ptr_array_free(vals, TRUE);
	return ok;
}

static gboolean known(struct exporter *x, const char *dir)
{
	sqlite3_stmt *st = NULL;
	gboolean found = FALSE;
	if (sqlite3_prepare_v2(x->db, "SELECT 1 FROM runs WHERE dir_bytes = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_blob(st, 1, dir, (int)strlen(dir), SQLITE_TRANSIENT);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

static gboolean export_run(struct exporter *x, const char *dir)
{
	g_autofree gchar *canon = g_canonicalize_filename(dir, NULL);
	if (known(x, canon)) {
		x->skipped++;
		return TRUE;
	}
	sqlite3_int64 id;
	if (!add_run(x, canon, &id))
		return FALSE;
	for (int t = 0; tables[t]; t++) {
		g_autofree gchar *name = g_strconcat(tables[t], ".csv", NULL);
		g_autofree gchar *path = g_build_filename(dir, name, NULL);
		if (!load_csv(x, tables[t], path, id))
			return FALSE;
	}
	x->runs++;
	return TRUE;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether dir is the result directory of a `lbsim run` (a rep<r>/ of its
 * holds run.json), not a campaign's runs/p<P>/ (written a run at a time,
 * with no summary.csv of its own: D/campaign.json two levels up). */
static gboolean is_result_set(const char *dir, GPtrArray *names)
{
	g_autofree gchar *parent = g_path_get_dirname(dir);
	g_autofree gchar *campaign = g_build_filename(parent, "..", "campaign.json", NULL);
	if (g_file_test(campaign, G_FILE_TEST_EXISTS))
		return FALSE;
	for (guint i = 0; i < names->len; i++) {
		const char *n = names->pdata[i];
		if (!g_str_has_prefix(n, "rep") || !n[3] || strspn(n + 3, "0123456789") != strlen(n + 3))
			continue;
		g_autofree gchar *rj = g_build_filename(dir, n, "run.json", NULL);
		if (g_file_test(rj, G_FILE_TEST_IS_REGULAR))
			return TRUE;
	}
	return FALSE;
}

/* Every run directory under dir (sorted, so the run_ids are reproducible). */
static gboolean walk(struct exporter *x, const char *dir)
{
	g_autofree gchar *rj = g_build_filename(dir, "run.json", NULL);
	g_autofree gchar *sc = g_build_filename(dir, "summary.csv", NULL);
	if (g_file_test(rj, G_FILE_TEST_IS_REGULAR) && g_file_test(sc, G_FILE_TEST_IS_REGULAR))
		return export_run(x, dir);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	if (!d)
		return TRUE;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	while ((n = g_dir_read_name(d)))
		if (!g_str_has_suffix(n, ".tmp"))
			g_ptr_array_add(names, g_strdup(n));
	g_ptr_array_sort(names, compare_names);
	g_autoptr(GError) why = NULL;
	if (is_result_set(dir, names) && !results_set_complete(dir, &why)) {
		fprintf(stderr, "lbsim: export: warning: %s; its runs are exported one by one, each whole and named by "
				"its own run.json, but they may come from different invocations\n",
			why->message);
		x->incomplete++;
	}
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *p = g_build_filename(dir, names->pdata[i], NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !walk(x, p))
			return FALSE;
	}
	return TRUE;
}

/* An earlier lbsim's rows (dir_bytes NULL, dir the raw path as TEXT): dir
 * becomes UTF-8 text, dir_bytes the path's bytes. */
static gboolean upgrade_dirs(struct exporter *x)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(x->db, "SELECT run_id, dir FROM runs WHERE dir_bytes IS NULL", -1, &st, NULL) != SQLITE_OK) {
		fail_db(x, "runs");
		return FALSE;
	}
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(sqlite3_int64));
	g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		const unsigned char *d = sqlite3_column_text(st, 1);
		g_array_append_val(ids, id);
		g_ptr_array_add(dirs, g_strndup(d ? (const char *)d : "", (gsize)sqlite3_column_bytes(st, 1)));
	}
	sqlite3_finalize(st);
	if (!ids->len)
		return TRUE;
	if (sqlite3_prepare_v2(x->db, "UPDATE runs SET dir = ?, dir_bytes = ? WHERE run_id = ?", -1, &st, NULL) != SQLITE_OK) {
		fail_db(x, "runs");
		return FALSE;
	}
	gboolean ok = TRUE;
	for (guint i = 0; ok && i < ids->len; i++) {
		const char *d = dirs->pdata[i];
		g_autofree gchar *text = g_filename_display_name(d);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 2, d, (int)strlen(d), SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, g_array_index(ids, sqlite3_int64, i));
		if (sqlite3_step(st) != SQLITE_DONE) {
			fail_db(x, d);
			ok = FALSE;
		}
	}
	sqlite3_finalize(st);
	return ok;
}

static gboolean schema(struct exporter *x)
{
	if (!exec(x, "CREATE TABLE IF NOT EXISTS runs (run_id INTEGER PRIMARY KEY, dir TEXT, dir_bytes BLOB)"))
		return FALSE;
	for (int t = 0; tables[t]; t++) {
		g_autofree gchar *sql = g_strdup_printf(
			"CREATE TABLE IF NOT EXISTS %s (run_id INTEGER REFERENCES runs(run_id))", tables[t]);
		if (!exec(x, sql))
			return FALSE;
	}
	/* the columns already there (an export adding to a database) */
	const char *all[] = {"runs", "summary", "timeseries", "nodes", "events", "failures", "routers",
			     "router_load", "flows", NULL};
	for (int t = 0; all[t]; t++) {
		g_autofree gchar *sql = g_strdup_printf("PRAGMA table_info(%s)", all[t]);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK)
			return FALSE;
		while (sqlite3_step(st) == SQLITE_ROW)
			g_hash_table_add(x->columns, g_strconcat(all[t], "\n", sqlite3_column_text(st, 1), NULL));
		sqlite3_finalize(st);
	}
	return ensure_column(x, "runs", "dir_bytes") && upgrade_dirs(x) &&
	       exec(x, "CREATE UNIQUE INDEX IF NOT EXISTS runs_dir ON runs(dir_bytes)");
}

/* The usual queries: by run, by scenario and point, events by kind, bins by time. */
static const char indexes[] = "CREATE INDEX IF NOT EXISTS runs_identity ON runs(scenario, replication);"
			      "CREATE INDEX IF NOT EXISTS summary_run ON summary(run_id);"
			      "CREATE INDEX IF NOT EXISTS timeseries_run ON timeseries(run_id, time_s);"
			      "CREATE INDEX IF NOT EXISTS nodes_run ON nodes(run_id, node, time_s);"
			      "CREATE INDEX IF NOT EXISTS events_run ON events(run_id, event);"
			      "CREATE INDEX IF NOT EXISTS failures_run ON failures(run_id);"
			      "CREATE INDEX IF NOT EXISTS routers_run ON routers(run_id);"
			      "CREATE INDEX IF NOT EXISTS router_load_run ON router_load(run_id, router, time_s);"
			      "CREATE INDEX IF NOT EXISTS flows_run ON flows(run_id);";

int export_main(int argc, char **argv)
{
	g_autofree gchar *out = NULL;
	GOptionEntry entries[] = {
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The database (created, or extended)", "FILE.sqlite"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx = cli_context(
		"export", "DIR...", "put every run under the directories into one SQLite database",
		"Runs, sweeps and validations (any directory holding run.json and summary.csv): tables runs\n"
		"(identity, provenance, every parameter), summary, timeseries, nodes, events, failures, routers,\n"
		"router_load, flows; a run already in FILE is skipped.  doc/outputs.md has example queries.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, "export", &argc, &argv))
		return 2;
	if (!out || argc < 2) {
		cli_usage_error("export", !out ? "no database given (-o FILE.sqlite)" : "no directory given");
		return 2;
	}
	GPtrArray *dirs = g_ptr_array_new();
	for (int i = 1; i < argc; i++)
		g_ptr_array_add(dirs, argv[i]);
	for (guint i = 0; i < dirs->len; i++) {
		if (!g_file_test(dirs->pdata[i], G_FILE_TEST_IS_DIR)) {
			fprintf(stderr, "lbsim: export: %s: not a directory\n", (char *)dirs->pdata[i]);
			g_ptr_array_free(dirs, TRUE);
			return 2;
		}
	}
	g_autofree gchar *tmp = g_strconcat(out, ".tmp", NULL);
	g_remove(tmp);
	if (g_file_test(out, G_FILE_TEST_EXISTS)) {
		g_autofree gchar *data = NULL;
		gsize len = 0;
		GError *e = NULL;
		if (!g_file_get_contents(out, &data, &len, &e) || !g_file_set_contents(tmp, data, (gssize)len, &e)) {
			fprintf(stderr, "lbsim: export: %s\n", e->message);
			g_error_free(e);
			g_ptr_array_free(dirs, TRUE);
			return 1;
		}
	}
	struct exporter x = {.columns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
	gboolean ok = sqlite3_open(tmp, &x.db) == SQLITE_OK && exec(&x, "PRAGMA journal_mode = OFF") &&
		      exec(&x, "PRAGMA synchronous = OFF") && exec(&x, "BEGIN") && schema(&x);
	for (guint i = 0; ok && i < dirs->len; i++)
		ok = walk(&x, dirs->pdata[i]);
	ok = ok && exec(&x, indexes) && exec(&x, "COMMIT");
	if (x.db && sqlite3_close(x.db) != SQLITE_OK)
		ok = FALSE;
	if (ok && g_rename(tmp, out) != 0) {
		fprintf(stderr, "lbsim: export: %s: %s\n", out, g_strerror(errno));
		ok = FALSE;
	}
	if (!ok)
		g_remove(tmp);
	else
		printf("exported %u runs (%" G_GUINT64_FORMAT " rows; %u already there%s) into %s\n", x.runs, x.rows,
		       x.skipped, x.incomplete ? "; some from incomplete result sets: see above" : "", out);
	g_hash_table_destroy(x.columns);
	g_ptr_array_free(dirs, TRUE);
	return ok ? 0 : 1;
}
