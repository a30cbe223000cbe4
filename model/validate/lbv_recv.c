/* lbv-recv - the server behind one testbed node: records every data packet
 * that reaches the node.
 *
 *   lbv-recv --node I --port P --until T_NS --log FILE
 *
 * Binds UDP port P on every address of the node's namespace (the VIP is on
 * its loopback), reads in batches (recvmmsg) and keeps, per packet, flow,
 * sequence, send time (from the payload, wire.h) and arrival time.  The
 * socket's receive buffer is forced to 16 MB so that the node's own socket
 * is not where packets are lost; what it does drop still shows in the
 * namespace's UDP RcvbufErrors, which the orchestrator reads.
 *
 * Bounded: it keeps at most LBV_RECV_MAX records (more count as errors) and
 * stops by itself at --until (CLOCK_REALTIME ns), or on SIGTERM/SIGINT; it
 * then writes its log (struct lbv_log_head + struct lbv_rcvd records). */
#define _GNU_SOURCE
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "lbv_util.h"
#include "wire.h"

#define LBV_RECV_MAX UINT64_C(50000000)
#define BATCH 64

static const char prog[] = "lbv-recv";
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"node", 1, 0, 'n'}, {"port", 1, 0, 'p'}, {"until", 1, 0, 'u'}, {"log", 1, 0, 'l'}, {0, 0, 0, 0},
	};
	uint32_t node = 0;
	uint16_t port = 0;
	uint64_t until = 0;
	const char *log = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': node = (uint32_t)lbv_opt_u64(prog, "node", optarg, 0, 63); break;
		case 'p': port = (uint16_t)lbv_opt_u64(prog, "port", optarg, 1, 65535); break;
		case 'u': until = lbv_opt_u64(prog, "until", optarg, 1, UINT64_MAX / 2); break;
		case 'l': log = optarg; break;
		default: return 2;
		}
	}
	if (!port || !until || !log) {
		fprintf(stderr, "%s: needs --node --port --until --log\n", prog);
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY), .sin_port = htons(port)};
	int buf = 16 << 20;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		fprintf(stderr, "%s: node %u: UDP port %u: %s\n", prog, node, port, strerror(errno));
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	struct lbv_log_head head = {.magic = LBV_LOG_MAGIC, .kind = LBV_LOG_RCVD, .node = node};
	size_t cap = 1 << 16;
	struct lbv_rcvd *rec = malloc(cap * sizeof *rec);
	static uint8_t bufs[BATCH][LBV_DATA_HDR];
	struct iovec iov[BATCH];
	struct mmsghdr msg[BATCH];
	if (!rec)
		return 1;
	while (!stop && lbv_now_ns() < until) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		memset(msg, 0, sizeof msg);
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = LBV_DATA_HDR};
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL);
		uint64_t now = lbv_now_ns();
		for (int i = 0; i < n; i++) {
			const uint8_t *b = bufs[i];
			if (msg[i].msg_len < LBV_DATA_HDR || lbv_get32(b) != LBV_DATA_MAGIC || head.count >= LBV_RECV_MAX) {
				head.errors++;
				continue;
			}
			if (head.count == cap) {
				struct lbv_rcvd *r = realloc(rec, 2 * cap * sizeof *rec);
				if (!r) {
					head.errors++;
					continue;
				}
				rec = r;
				cap *= 2;
			}
			rec[head.count++] = (struct lbv_rcvd){.flow = lbv_get32(b + 4), .seq = lbv_get32(b + 8),
							      .t_sent_ns = lbv_get64(b + 16), .t_rcvd_ns = now};
		}
	}
	FILE *lf = fopen(log, "wb");
	if (!lf || lbv_write_all(lf, &head, sizeof head) < 0 ||
	    lbv_write_all(lf, rec, head.count * sizeof *rec) < 0 || fclose(lf) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, log, strerror(errno));
		free(rec);
		return 1;
	}
	free(rec);
	close(fd);
	return 0;
}
