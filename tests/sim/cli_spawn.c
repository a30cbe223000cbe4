/* cli_spawn.c - see cli_spawn.h. */
#include "cli_spawn.h"

#include <stdio.h>
#include <sys/wait.h>

int lbsim(const char *const *args, gchar **out, gchar **err_out)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, (gpointer)LBSIM_PATH);
	for (size_t i = 0; args[i]; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	int status = -1;
	GError *err = NULL;
	gboolean ok = g_spawn_sync(SOURCE_ROOT, (gchar **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
				   err_out, &status, &err);
	g_ptr_array_free(argv, TRUE);
	if (!ok) {
		fprintf(stderr, "spawn: %s\n", err->message);
		g_error_free(err);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
