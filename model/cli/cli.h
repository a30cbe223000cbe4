/* cli.h - what every lbsim command shares: its option parser (GLib's
 * GOptionContext: `lbsim COMMAND --help` lists every option, `--opt=value`
 * and `-j2` forms work), the options of the commands that load a scenario
 * (--set, --seed, -o) and the loading itself, with one error style:
 * "lbsim COMMAND: message" and exit status 2 for bad input or usage. */
#ifndef LB_CLI_CLI_H
#define LB_CLI_CLI_H

#include <glib.h>

#include "scenario.h"

/* A command's parser: "lbsim CMD PARAMS - SUMMARY", DESCRIPTION after the options. */
GOptionContext *cli_context(const char *cmd, const char *params, const char *summary, const char *description);
/* Parses argv[1..] of `lbsim CMD ...` (argv[0] becomes "lbsim CMD"); on a
 * usage error prints it with a pointer to --help and returns FALSE.  The
 * positional arguments are left in (*argv)[1 .. *argc - 1]. */
gboolean cli_parse(GOptionContext *ctx, const char *cmd, int *argc, char ***argv);
/* cli_parse, then exactly one positional argument, the scenario file
 * ((*argv)[1]); a usage error otherwise. */
gboolean cli_parse_file(GOptionContext *ctx, const char *cmd, int *argc, char ***argv);
/* Prints "lbsim CMD: <fmt>" and "Try `lbsim CMD --help'." to stderr. */
void cli_usage_error(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The options of a command that loads a scenario. */
struct cli_scenario {
	gchar **sets;  /* --set group.key=value (repeatable) */
	gchar *seed;   /* --seed N: scenario.seed */
	gchar *out;    /* -o DIR: output.dir */
};
/* Adds --set, --seed and (with_out) -o/--output to the context's main group. */
void cli_add_scenario(GOptionContext *ctx, struct cli_scenario *o, gboolean with_out);
/* The overrides in order (--set ..., then --seed, -o), NULL-terminated (g_strfreev). */
gchar **cli_overrides(const struct cli_scenario *o);
/* Loads file with the overrides; prints the loader's error (which names
 * file, group, key and value) and returns NULL on bad input.  Prints the
 * scenario's warnings unless quiet. */
struct scenario *cli_load(const char *cmd, const char *file, const struct cli_scenario *o, gboolean quiet);
void cli_scenario_clear(struct cli_scenario *o);

#endif
