/* validate_fixture.c - the files of test_validate's suite: written under
 * the scratch directory and read back (validate_fixture.h). */
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>

#include "validate_fixture.h"

gchar *tmpdir;

void put(const char *raw, const char *name, const char *text)
{
	g_autofree gchar *p = g_build_filename(raw, name, NULL);
	g_autofree gchar *d = g_path_get_dirname(p);
	g_mkdir_with_parents(d, 0755);
	CU_ASSERT_FATAL(g_file_set_contents(p, text, -1, NULL));
}

G_GNUC_PRINTF(3, 4) void putf(const char *raw, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree gchar *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	put(raw, name, text);
}

gchar *read_file(const char *dir, const char *name)
{
	g_autofree gchar *p = g_build_filename(dir, name, NULL);
	gchar *t = NULL;
	g_file_get_contents(p, &t, NULL, NULL);
	return t;
}
