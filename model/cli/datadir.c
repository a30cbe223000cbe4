/* datadir.c - see datadir.h. */
#include "datadir.h"

#include <glib.h>

static const struct {
	const char *env;
	const char *build_tree; /* "S/..." under the source root, "B/..." under the build root */
	const char *installed;  /* under the executable's directory */
} places[LBSIM_PLACES] = {
	[LBSIM_ANALYSIS_DIR] = {"LBSIM_ANALYSIS", "S/analysis", LBSIM_REL_DATADIR "/lbsim/analysis"},
	[LBSIM_SCENARIOS_DIR] = {"LBSIM_SCENARIOS", "S/scenarios", LBSIM_REL_DATADIR "/lbsim/scenarios"},
	[LBSIM_VALIDATE_HELPERS] = {"LBSIM_VALIDATE_HELPERS", "B/model/validate", LBSIM_REL_LIBEXECDIR "/lbsim"},
	[LBSIM_VALIDATE_SCRIPT] = {"LBSIM_VALIDATE_SCRIPT", "S/model/validate/testbed.sh",
				   LBSIM_REL_DATADIR "/lbsim/validate/testbed.sh"},
};

/* The directory of the running executable (Linux: /proc/self/exe). */
static gchar *exe_dir(void)
{
	g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);
	return exe ? g_path_get_dirname(exe) : g_strdup(".");
}

/* The build tree's roots from `lbsim-build-tree` ("source=...\nbuild=...\n"). */
static gboolean build_tree(const char *dir, gchar **source, gchar **build)
{
	g_autofree gchar *path = g_build_filename(dir, "lbsim-build-tree", NULL), *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return FALSE;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (gsize i = 0; lines[i]; i++) {
		if (g_str_has_prefix(lines[i], "source="))
			*source = g_strdup(lines[i] + 7);
		else if (g_str_has_prefix(lines[i], "build="))
			*build = g_strdup(lines[i] + 6);
	}
	return *source && *build;
}

const char *lbsim_place(enum lbsim_place p)
{
	static gchar *resolved[LBSIM_PLACES];
	g_assert(p < LBSIM_PLACES);
	if (resolved[p])
		return resolved[p];
	const char *env = g_getenv(places[p].env);
	if (env && *env)
		return resolved[p] = g_strdup(env);
	g_autofree gchar *dir = exe_dir(), *source = NULL, *build = NULL;
	if (build_tree(dir, &source, &build))
		resolved[p] = g_build_filename(places[p].build_tree[0] == 'S' ? source : build, places[p].build_tree + 2,
					       NULL);
	else if (g_path_is_absolute(places[p].installed))
		resolved[p] = g_strdup(places[p].installed);
	else
		resolved[p] = g_canonicalize_filename(places[p].installed, dir);
	return resolved[p];
}
