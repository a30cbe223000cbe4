/* scenario_fixture.c - loading scenarios for test_scenario's files
 * (scenario_fixture.h): the ones that must load, and the ones that must
 * fail with an exact message. */
#include "../cu_main.h"
#include "scenario.h"
#include "scenario_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

struct scenario *load_ok(const char *path, const char *const *over)
{
	GError *err = NULL;
	struct scenario *sc = scenario_load(path, over, &err);
	if (!sc) {
		fprintf(stderr, "\n%s: unexpected error: %s\n", path, err ? err->message : "(no error set)");
		g_clear_error(&err);
	}
	CU_ASSERT_PTR_NULL(err);
	return sc;
}

void expect_err(const char *path, const char *const *over, int code, const char *file, const char *rest)
{
	GError *err = NULL;
	struct scenario *sc = scenario_load(path, over, &err);
	CU_ASSERT_PTR_NULL(sc);
	scenario_free(sc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	g_autofree gchar *want = g_strdup_printf("%s: %s", file ? file : path, rest);
	if (strcmp(err->message, want) != 0)
		fprintf(stderr, "\n got: %s\nwant: %s\n", err->message, want);
	CU_ASSERT_STRING_EQUAL(err->message, want);
	CU_ASSERT_EQUAL(err->domain, SCENARIO_ERROR);
	CU_ASSERT_EQUAL(err->code, code);
	g_error_free(err);
}
