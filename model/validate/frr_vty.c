/* frr_vty.c - see frr_vty.h. */
#define _GNU_SOURCE
#include "frr_vty.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int frr_vty_open(struct frr_vty *v, const char *path, int wait_ms, int timeout_ms)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path)
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	v->fd = -1;
	v->timeout_ms = timeout_ms;
	int err = -ENOENT;
	for (int waited = 0; waited <= wait_ms; waited += 50) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
			v->fd = fd;
			int rc = frr_vty_cmd(v, "enable", NULL, 0);
			if (rc != 0) {
				frr_vty_close(v);
				return rc < 0 ? rc : -EPERM;
			}
			return 0;
		}
		err = -errno;
		close(fd);
		nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
	}
	return err;
}

void frr_vty_close(struct frr_vty *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

int frr_vty_cmd(struct frr_vty *v, const char *cmd, char *out, size_t outlen)
{
	if (v->fd < 0)
		return -EBADF;
	size_t len = strlen(cmd) + 1; /* with its NUL */
	for (size_t done = 0; done < len;) {
		ssize_t n = send(v->fd, cmd + done, len - done, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	/* the answer ends with 0 0 0 status; keep the last four bytes seen */
	unsigned char tail[4] = {1, 1, 1, 1};
	size_t kept = 0, total = 0;
	for (;;) {
		struct pollfd p = {.fd = v->fd, .events = POLLIN};
		int r = poll(&p, 1, v->timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -ETIMEDOUT : -errno;
		unsigned char buf[4096];
		ssize_t n = recv(v->fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		for (ssize_t i = 0; i < n; i++, total++) {
			if (out && kept + 1 < outlen)
				out[kept++] = (char)buf[i];
			memmove(tail, tail + 1, 3);
			tail[3] = buf[i];
		}
		if (tail[0] == 0 && tail[1] == 0 && tail[2] == 0) {
			if (out && outlen)
				out[total - 4 < kept ? total - 4 : kept] = '\0'; /* without the trailer */
			return tail[3];
		}
	}
}
