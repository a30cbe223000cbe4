/* frr_vty.h - a persistent client of one FRR daemon's vty socket.
 *
 * This is the channel vtysh itself uses (FRR lib/vty.c, "vtysh" server
 * side of a daemon's <daemon>.vty Unix socket): the client writes one
 * command line terminated by a NUL byte; the daemon answers with the
 * command's output followed by three NUL bytes and one status byte
 * (0 = CMD_SUCCESS).  Keeping the socket open lets lbv-agentd change its
 * advertisement in well under a millisecond instead of paying for a vtysh
 * process per change.
 *
 * Errors: negative errno (-ETIMEDOUT when the daemon does not answer within
 * the timeout, -EPROTO for an answer that does not fit the buffer). */
#ifndef LBV_FRR_VTY_H
#define LBV_FRR_VTY_H

#include <stddef.h>
#include <stdint.h>

struct frr_vty {
	int fd;
	int timeout_ms; /* per answer */
};

/* Connects to the socket at path and enters the enable node.  Retries for
 * up to `wait_ms` while the daemon is starting. */
int frr_vty_open(struct frr_vty *v, const char *path, int wait_ms, int timeout_ms);
void frr_vty_close(struct frr_vty *v);

/* Runs one command; returns its status (>= 0; 0 = success) or a negative
 * errno.  The output (NUL-terminated, truncated to outlen) goes to out when
 * out is not NULL. */
int frr_vty_cmd(struct frr_vty *v, const char *cmd, char *out, size_t outlen);

#endif
