/* test_outputs.c - a run's results as a researcher keeps them: run.json's
 * provenance (valid JSON whatever the path's bytes), every CSV row naming
 * its run, and `lbsim export` into SQLite (rows = CSV lines, parameters as
 * columns, paths as UTF-8 text, a second export adding nothing). */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "../cu_main.h"
#include "cli_spawn.h"


static unsigned data_lines(const char *path)
{
	g_autofree gchar *t = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(path, &t, NULL, NULL));
	unsigned n = 0;
	for (const char *p = t; *p; p++)
		n += *p == '\n';
	return n - 1; /* the header */
}

/* A run into a directory whose name is not ASCII (and a byte sequence that
 * is not UTF-8): run.json stays valid JSON and carries its provenance. */
static void test_run_json(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "r\xc3\xa9sultats \xff", NULL);
	const char *run[] = {"run", "scenarios/default.ini", "--set", "scenario.duration=1500ms", "--set",
			     "traffic.initial_flows=50", "-o", dir, "--quiet", NULL};
	CU_ASSERT_EQUAL_FATAL(lbsim(run, NULL, NULL), 0);
	g_autofree gchar *path = g_build_filename(dir, "rep0", "run.json", NULL);
	g_autoptr(JsonParser) p = json_parser_new();
	GError *err = NULL;
	CU_ASSERT_TRUE(json_parser_load_from_file(p, path, &err));
	if (err) {
		fprintf(stderr, "\n%s\n", err->message);
		g_error_free(err);
		return;
	}
	JsonObject *o = json_node_get_object(json_parser_get_root(p));
	const char *members[] = {"commit", "version", "ns3_version", "host", "start_utc", "command_line",
				 "sets", "wall_time_s", "parameters", "scenario", "seed", NULL};
	for (int i = 0; members[i]; i++) {
		if (!json_object_has_member(o, members[i]))
			fprintf(stderr, "\nrun.json lacks %s\n", members[i]);
		CU_ASSERT_TRUE(json_object_has_member(o, members[i]));
	}
	JsonArray *sets = json_object_get_array_member(o, "sets");
	CU_ASSERT_EQUAL(json_array_get_length(sets), 2);
	CU_ASSERT_STRING_EQUAL(json_array_get_string_element(sets, 0), "scenario.duration=1500ms");
	CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "ns3_version"), "3.37");
	CU_ASSERT(strlen(json_object_get_string_member(o, "commit")) > 0);
	/* the start is an ISO 8601 UTC time */
	const char *start = json_object_get_string_member(o, "start_utc");
	g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(start, NULL);
	CU_ASSERT_PTR_NOT_NULL(t);
	/* every CSV row names its run */
	g_autofree gchar *ev = g_build_filename(dir, "rep0", "events.csv", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(ev, &text, NULL, NULL));
	g_auto(GStrv) rows = g_strsplit(text, "\n", -1);
	CU_ASSERT(g_str_has_suffix(rows[0], ",scenario,sweep,replication,seed"));
	CU_ASSERT(g_str_has_suffix(rows[1], ",default,,0,1"));
}

/* The runs whose dir is not valid UTF-8 (SQLite hands TEXT's bytes back
 * as stored; Python's sqlite3 raises on such a row). */
static int dirs_not_utf8(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(h, "SELECT dir FROM runs", -1, &st, NULL), SQLITE_OK);
	int bad = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		bad += !g_utf8_validate((const char *)sqlite3_column_text(st, 0), sqlite3_column_bytes(st, 0), NULL);
	sqlite3_finalize(st);
	return bad;
}

/* The run of test_run_json (its directory has a 0xff byte): dir is its
 * path as UTF-8 (U+FFFD for the byte), dir_bytes its path's bytes. */
static void check_dir_not_utf8(sqlite3 *h)
{
	g_autofree gchar *rep = g_build_filename(lb_test_dir, "r\xc3\xa9sultats \xff", "rep0", NULL);
	g_autofree gchar *shown = g_build_filename(lb_test_dir, "r\xc3\xa9sultats \xef\xbf\xbd", "rep0", NULL);
	CU_ASSERT_EQUAL(dirs_not_utf8(h), 0);
	sqlite3_stmt *st = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(h, "SELECT dir FROM runs WHERE dir_bytes = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, rep, (int)strlen(rep), SQLITE_STATIC);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
	const char *dir = (const char *)sqlite3_column_text(st, 0);
	CU_ASSERT_STRING_EQUAL(dir ? dir : "", shown);
	sqlite3_finalize(st);
}

/* Export the run above and a two-point sweep: every CSV line is a row;
 * runs carries the parameters; dir is UTF-8 text whatever the path's bytes;
 * exporting again adds nothing, into a database of an earlier lbsim too
 * (dir the raw path, no dir_bytes: brought to UTF-8). */
static void test_export(void)
{
	g_autofree gchar *ini = g_build_filename(lb_test_dir, "sweep.ini", NULL);
	CU_ASSERT_FATAL(g_file_set_contents(ini,
					    "[scenario]\nname = tiny\nduration = 500ms\nreplications = 2\n"
					    "[traffic]\ninitial_flows = 50\nflow_arrival_rate = 10\n"
					    "[failure.1]\nat = 200ms\nkind = crash\nnode = 1\n"
					    "[sweep]\nrouter.failover = hold;readvertise\n",
					    -1, NULL));
	g_autofree gchar *sweep = g_build_filename(lb_test_dir, "sweep", NULL);
	const char *sw[] = {"sweep", ini, "-o", sweep, "-j", "2", NULL};
	CU_ASSERT_EQUAL_FATAL(lbsim(sw, NULL, NULL), 0);
	g_autofree gchar *db = g_build_filename(lb_test_dir, "all.sqlite", NULL);
	const char *ex[] = {"export", lb_test_dir, "-o", db, NULL};
	g_autofree gchar *out = NULL, *exerr = NULL;
	CU_ASSERT_EQUAL_FATAL(lbsim(ex, &out, &exerr), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exported 5 runs"));
	/* a campaign's points (a run at a time, no summary.csv) are no incomplete set */
	CU_ASSERT_PTR_NULL(exerr && strstr(exerr, "warning"));
	sqlite3 *h = NULL;
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	/* events rows = the events.csv lines of the run of point 1, replication 1 */
	g_autofree gchar *ev = g_build_filename(sweep, "runs", "p1", "rep1", "events.csv", NULL);
	unsigned want = data_lines(ev);
	CU_ASSERT_EQUAL(sqlite3_prepare_v2(h,
					   "SELECT count(*) FROM events e JOIN runs r USING (run_id) "
					   "WHERE r.\"router.failover\" = 'readvertise' AND r.replication = 1",
					   -1, &st, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
	CU_ASSERT_EQUAL((unsigned)sqlite3_column_int(st, 0), want);
	sqlite3_finalize(st);
	/* the parameters are columns with their values: durations in ns */
	CU_ASSERT_EQUAL(sqlite3_prepare_v2(h, "SELECT count(*), min(\"scenario.duration_ns\") FROM runs WHERE scenario = 'tiny'",
					   -1, &st, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
	CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 4);
	CU_ASSERT_EQUAL(sqlite3_column_int64(st, 1), 500000000);
	sqlite3_finalize(st);
	check_dir_not_utf8(h);
	sqlite3_close(h);
	g_free(out);
	out = NULL;
	CU_ASSERT_EQUAL(lbsim(ex, &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exported 0 runs (0 rows; 5 already there)"));
	/* an earlier lbsim's database: the raw path in dir, as TEXT, no dir_bytes */
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &h), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(h,
				     "DROP INDEX runs_dir; UPDATE runs SET dir = CAST(dir_bytes AS TEXT); "
				     "ALTER TABLE runs DROP COLUMN dir_bytes",
				     NULL, NULL, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(dirs_not_utf8(h), 1);
	sqlite3_close(h);
	g_free(out);
	out = NULL;
	CU_ASSERT_EQUAL(lbsim(ex, &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "exported 0 runs (0 rows; 5 already there)"));
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &h), SQLITE_OK);
	check_dir_not_utf8(h);
	sqlite3_close(h);
	/* bad input */
	const char *bad[] = {"export", "/nonexistent/x", "-o", db, NULL};
	g_autofree gchar *err = NULL;
	CU_ASSERT_EQUAL(lbsim(bad, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x: not a directory"));
}

/* A result directory without its summary.csv (a run killed while putting
 * its set in place): its runs are exported one by one, with a warning that
 * the set is not complete. */
static void test_export_incomplete(void)
{
	g_autofree gchar *dir = g_build_filename(lb_test_dir, "incomplete", NULL);
	g_autofree gchar *set = g_build_filename(dir, "set", NULL);
	const char *run[] = {"run", "scenarios/default.ini", "--set", "scenario.duration=1500ms", "--set",
			     "scenario.replications=2", "--quiet", "-o", set, NULL};
	CU_ASSERT_EQUAL_FATAL(lbsim(run, NULL, NULL), 0);
	g_autofree gchar *manifest = g_build_filename(set, "summary.csv", NULL);
	CU_ASSERT_EQUAL_FATAL(g_unlink(manifest), 0);
	g_autofree gchar *db = g_build_filename(dir, "inc.sqlite", NULL);
	const char *ex[] = {"export", dir, "-o", db, NULL};
	g_autofree gchar *out = NULL, *err = NULL;
	CU_ASSERT_EQUAL(lbsim(ex, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "exported 2 runs ("));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "; some from incomplete result sets: see above"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "lbsim: export: warning: "));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "no summary.csv, so no complete result set"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "its runs are exported one by one"));
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("outputs", lb_test_dir_setup, lb_test_dir_teardown);
	CU_add_test(s, "test_run_json", test_run_json);
	CU_add_test(s, "test_export", test_export);
	CU_add_test(s, "test_export_incomplete", test_export_incomplete);
}
