/* cli_spawn.h - run the lbsim binary from the source root (tests). */
#ifndef LB_TESTS_CLI_SPAWN_H
#define LB_TESTS_CLI_SPAWN_H
#include <glib.h>

/* Runs lbsim with args (NULL-terminated); stdout and stderr into *out and
 * *err_out when not NULL.  Returns its exit status (128 + signal when
 * killed), or -1 when it could not be started. */
int lbsim(const char *const *args, gchar **out, gchar **err_out);
#endif
