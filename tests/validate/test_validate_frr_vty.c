/* test_validate_frr_vty.c - test_validate: the FRR vty client
 * (model/validate/frr_vty.c) against a fake daemon speaking vtysh's
 * protocol over a Unix socket. */
#define _GNU_SOURCE
#include <CUnit/CUnit.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cu_main.h"
#include "frr_vty.h"
#include "validate_fixture.h"

/* --- frr_vty against a fake daemon speaking vtysh's protocol --- */

static void fake_daemon(int lfd)
{
	int c = accept(lfd, NULL, NULL);
	char buf[256];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(c, buf + n, 1);
		if (r <= 0)
			_exit(0);
		if (buf[n] != '\0') {
			if (n < sizeof buf - 1)
				n++;
			continue;
		}
		/* one command: echo it back, then 0 0 0 status (1 for "bad") */
		unsigned char st = strcmp(buf, "bad") == 0 ? 1 : 0;
		if (write(c, buf, n) < 0 || write(c, "\0\0\0", 3) < 0 || write(c, &st, 1) < 0)
			_exit(1);
		n = 0;
	}
}

void test_frr_vty_protocol(void)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "bgpd.vty", NULL);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	g_strlcpy(a.sun_path, path, sizeof a.sun_path);
	CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0 && listen(lfd, 1) == 0);
	pid_t pid = fork();
	if (pid == 0)
		fake_daemon(lfd);
	close(lfd);
	struct frr_vty v;
	CU_ASSERT_EQUAL_FATAL(frr_vty_open(&v, path, 1000, 2000), 0); /* sends "enable" */
	char out[64];
	CU_ASSERT_EQUAL(frr_vty_cmd(&v, "set metric 9", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "set metric 9");
	CU_ASSERT_EQUAL(frr_vty_cmd(&v, "bad", NULL, 0), 1);
	CU_ASSERT_EQUAL(frr_vty_cmd(&v, "configure terminal", out, 6), 0); /* truncated output */
	CU_ASSERT_STRING_EQUAL(out, "confi");
	frr_vty_close(&v);
	waitpid(pid, NULL, 0);
	struct frr_vty w;
	CU_ASSERT(frr_vty_open(&w, path, 100, 100) < 0); /* nobody listens any more */
}
