/* cli.c - see cli.h. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

GOptionContext *cli_context(const char *cmd, const char *params, const char *summary, const char *description)
{
	g_autofree gchar *head = g_strdup_printf("%s - %s", params, summary);
	GOptionContext *ctx = g_option_context_new(head);
	(void)cmd;
	if (description)
		g_option_context_set_description(ctx, description);
	return ctx;
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree gchar *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "lbsim %s: %s\nTry `lbsim %s --help'.\n", cmd, msg, cmd);
}

/* GOption takes "-o DIR" but not "-oDIR": the short options that take a
 * value (-o DIR, -j N, -r R in every command) are split from a glued value
 * first, so "-j2" works as users expect from other tools. */
static const char glued_short[] = "ojr";

static gboolean is_glued(const char *x)
{
	return x[0] == '-' && x[1] && x[1] != '-' && x[2] && strchr(glued_short, x[1]);
}

static void split_glued(int *argc, char ***argv)
{
	int n_glued = 0;
	for (int i = 1; i < *argc; i++)
		n_glued += is_glued((*argv)[i]);
	if (n_glued == 0)
		return;
	/* The new vector lives as long as the program, as main's argv does.
	 * GOption drops the options it parsed from the vector without freeing
	 * them, so the strings are owned by a second array, held here (still
	 * reachable at exit, not leaked); a second call replaces both. */
	static GPtrArray *owned;
	static gchar **vec;
	if (owned)
		g_ptr_array_unref(owned);
	g_free(vec);
	owned = g_ptr_array_new_with_free_func(g_free);
	vec = g_new0(gchar *, (size_t)(*argc + n_glued + 1));
	int n = 0;
	for (int i = 0; i < *argc; i++) {
		const char *x = (*argv)[i];
		if (i > 0 && is_glued(x)) {
			vec[n++] = g_strndup(x, 2);
			g_ptr_array_add(owned, vec[n - 1]);
			x += 2;
		}
		vec[n++] = g_strdup(x);
		g_ptr_array_add(owned, vec[n - 1]);
	}
	*argc = n;
	*argv = vec;
}

gboolean cli_parse(GOptionContext *ctx, const char *cmd, int *argc, char ***argv)
{
	split_glued(argc, argv);
	/* GOption's --help prints "Usage: <prgname> ...": make it "lbsim CMD" */
	g_autofree gchar *self = g_strdup_printf("lbsim %s", cmd);
	g_set_prgname(self);
	char *save = (*argv)[0];
	(*argv)[0] = self;
	g_autoptr(GError) err = NULL;
	gboolean ok = g_option_context_parse(ctx, argc, argv, &err);
	(*argv)[0] = save;
	if (!ok)
		cli_usage_error(cmd, "%s", err->message);
	return ok;
}

gboolean cli_parse_file(GOptionContext *ctx, const char *cmd, int *argc, char ***argv)
{
	if (!cli_parse(ctx, cmd, argc, argv))
		return FALSE;
	if (*argc != 2) {
		cli_usage_error(cmd, *argc < 2 ? "no scenario file given" : "one scenario file, not %d", *argc - 1);
		return FALSE;
	}
	return TRUE;
}

void cli_add_scenario(GOptionContext *ctx, struct cli_scenario *o, gboolean with_out)
{
	GOptionEntry entries[] = {
		{"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->sets,
		 "Override a scenario key (repeatable), e.g. --set router.failover=bfd", "GROUP.KEY=VALUE"},
		{"seed", 0, 0, G_OPTION_ARG_STRING, &o->seed, "The base seed (as --set scenario.seed=N)", "N"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &o->out,
		 "Write results into DIR (as --set output.dir=DIR; default: the scenario's [output] dir)", "DIR"},
		G_OPTION_ENTRY_NULL,
	};
	if (!with_out)
		entries[2] = (GOptionEntry)G_OPTION_ENTRY_NULL;
	g_option_context_add_main_entries(ctx, entries, NULL);
}

gchar **cli_overrides(const struct cli_scenario *o)
{
	GPtrArray *a = g_ptr_array_new();
	for (gchar **s = o->sets; s && *s; s++)
		g_ptr_array_add(a, g_strdup(*s));
	if (o->seed)
		g_ptr_array_add(a, g_strdup_printf("scenario.seed=%s", o->seed));
	if (o->out)
		g_ptr_array_add(a, g_strdup_printf("output.dir=%s", o->out));
	g_ptr_array_add(a, NULL);
	return (gchar **)g_ptr_array_free(a, FALSE);
}

struct scenario *cli_load(const char *cmd, const char *file, const struct cli_scenario *o, gboolean quiet)
{
	g_auto(GStrv) sets = cli_overrides(o);
	g_autoptr(GError) err = NULL;
	struct scenario *sc = scenario_load(file, (const char *const *)sets, &err);
	if (!sc) {
		fprintf(stderr, "lbsim %s: %s\n", cmd, err->message);
		return NULL;
	}
	for (size_t i = 0; !quiet && i < sc->n_warnings; i++)
		fprintf(stderr, "lbsim %s: warning: %s\n", cmd, sc->warnings[i]);
	return sc;
}

void cli_scenario_clear(struct cli_scenario *o)
{
	g_strfreev(o->sets);
	g_free(o->seed);
	g_free(o->out);
	*o = (struct cli_scenario){0};
}
