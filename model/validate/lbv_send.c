/* lbv-send - the testbed's clients: F constant-rate UDP flows to the VIP.
 *
 *   lbv-send --vip A --port P --flows F --rate PPS --size BYTES --clients K
 *            --start T_NS --duration NS --seed S --log FILE [--print-flows]
 *
 * Flow f is a socket bound to client address f mod K (lbv_client_addr) and
 * a seeded random source port, sending to VIP:P with sendto() on an
 * unconnected socket.  Not connected on purpose: a connected UDP socket (as
 * a TCP one) gives its packets the socket's random transmit hash
 * (sk_txhash), which survives the veth into the router's namespace, and
 * the router's L4 multipath hash then uses that instead of the 5-tuple
 * (doc/ecmp.md, fact 11), so no model could say where a flow goes.  With
 * --print-flows it sends nothing and prints the flow table, "FLOW SRC
 * SPORT DST DPORT" per line (UDP), the same the sending run uses (the same seed draws the
 * same ports), so the testbed can ask the router's kernel where each flow
 * goes before the traffic starts.  Like the simulator's
 * initial flows, flow f sends its packets at start + phase_f + k x interval
 * (interval = 1 s / rate; phase_f uniform in [0, interval)) for every such
 * time before start + duration.  All flows share the interval, so the send
 * order repeats every interval: the flows sorted by phase, cycle after
 * cycle.  Each send waits for its due time with clock_nanosleep on an
 * absolute CLOCK_REALTIME deadline, so lateness does not accumulate; packets
 * whose time has passed go at once.  Each packet carries flow, sequence and
 * its send time (wire.h); the log holds one record per packet sent.
 *
 * Bounded: at most LBV_SEND_MAX packets; it stops by itself at the end of
 * the schedule, on SIGTERM/SIGINT, or when it falls LBV_SEND_MAX_LATE_NS
 * behind (exit 1: the machine is too loaded to pace the traffic). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "lbv_util.h"
#include "wire.h"

#define LBV_SEND_MAX UINT64_C(50000000)
#define LBV_SEND_MAX_LATE_NS UINT64_C(2000000000)

static const char prog[] = "lbv-send";
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	struct in_addr vip;
	uint16_t port;
	uint32_t flows, clients, size;
	double rate;
	uint64_t start_ns, duration_ns, seed;
	const char *log;
	bool print_flows;
};

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"vip", 1, 0, 'v'},      {"port", 1, 0, 'p'},  {"flows", 1, 0, 'f'}, {"rate", 1, 0, 'r'},
		{"size", 1, 0, 's'},     {"clients", 1, 0, 'c'}, {"start", 1, 0, 'S'}, {"duration", 1, 0, 'd'},
		{"seed", 1, 0, 'e'},     {"log", 1, 0, 'l'},   {"print-flows", 0, 0, 'P'}, {0, 0, 0, 0},
	};
	int c;
	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (inet_pton(AF_INET, optarg, &o->vip) != 1) {
				fprintf(stderr, "%s: --vip %s: not an IPv4 address\n", prog, optarg);
				exit(2);
			}
			break;
		case 'p': o->port = (uint16_t)lbv_opt_u64(prog, "port", optarg, 1, 65535); break;
		case 'f': o->flows = (uint32_t)lbv_opt_u64(prog, "flows", optarg, 1, 1000000); break;
		case 'r': o->rate = lbv_opt_double(prog, "rate", optarg, 1e-3, 1e6); break;
		case 's': o->size = (uint32_t)lbv_opt_u64(prog, "size", optarg, 64, 9000); break;
		case 'c': o->clients = (uint32_t)lbv_opt_u64(prog, "clients", optarg, 1, LBV_MAX_CLIENTS); break;
		case 'S': o->start_ns = lbv_opt_u64(prog, "start", optarg, 1, UINT64_MAX / 2); break;
		case 'd': o->duration_ns = lbv_opt_u64(prog, "duration", optarg, 1, UINT64_C(3600000000000)); break;
		case 'e': o->seed = lbv_opt_u64(prog, "seed", optarg, 0, UINT64_MAX); break;
		case 'l': o->log = optarg; break;
		case 'P': o->print_flows = true; break;
		default: exit(2);
		}
	}
	if (!o->vip.s_addr || !o->port || !o->flows || !o->rate || !o->size || !o->clients || !o->start_ns ||
	    !o->duration_ns || !o->log) {
		fprintf(stderr, "%s: needs --vip --port --flows --rate --size --clients --start --duration --log\n", prog);
		exit(2);
	}
}

/* Each flow's source port: seeded, distinct per client address. */
static uint16_t *choose_ports(const struct opts *o, uint64_t *rng)
{
	if (o->flows / o->clients >= 60000) {
		fprintf(stderr, "%s: %u flows over %u clients: more than 60000 ports per client\n", prog, o->flows,
			o->clients);
		return NULL;
	}
	uint16_t *port = calloc(o->flows, sizeof *port);
	uint8_t *used = malloc(65536);
	if (!port || !used) {
		free(port);
		free(used);
		return NULL;
	}
	for (uint32_t k = 0; k < o->clients; k++) {
		memset(used, 0, 65536);
		for (uint32_t f = k; f < o->flows; f += o->clients) {
			do
				port[f] = (uint16_t)(1024 + lbv_rand(rng) % (65536 - 1024));
			while (used[port[f]]);
			used[port[f]] = 1;
		}
	}
	free(used);
	return port;
}

/* One unconnected socket per flow, bound to its (client address, port). */
static int *open_flows(const struct opts *o, const uint16_t *port)
{
	struct rlimit rl = {.rlim_cur = o->flows + 64u, .rlim_max = o->flows + 64u};
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		perror("lbv-send: setrlimit(RLIMIT_NOFILE)");
		return NULL;
	}
	int *fd = calloc(o->flows, sizeof *fd);
	if (!fd)
		return NULL;
	for (uint32_t f = 0; f < o->flows; f++) {
		struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(lbv_client_addr(f % o->clients)),
					  .sin_port = htons(port[f])};
		fd[f] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd[f] < 0 || bind(fd[f], (struct sockaddr *)&src, sizeof src) < 0) {
			fprintf(stderr, "%s: flow %u from %s:%u: %s\n", prog, f, inet_ntoa(src.sin_addr), port[f],
				strerror(errno));
			free(fd);
			return NULL;
		}
	}
	return fd;
}

static void print_flows(const struct opts *o, const uint16_t *port)
{
	char vip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &o->vip, vip, sizeof vip);
	for (uint32_t f = 0; f < o->flows; f++) {
		struct in_addr a = {.s_addr = htonl(lbv_client_addr(f % o->clients))};
		printf("%u %s %u %s %u\n", f, inet_ntoa(a), port[f], vip, o->port);
	}
}

static int cmp_phase(const void *a, const void *b, void *ph)
{
	const uint64_t *p = ph;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return p[x] < p[y] ? -1 : p[x] > p[y] ? 1 : (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct opts o;
	parse(argc, argv, &o);
	uint64_t rng = o.seed ^ UINT64_C(0x5e4d);
	uint64_t iv = (uint64_t)(1e9 / o.rate);
	if (!iv)
		iv = 1;
	uint64_t *phase = malloc(o.flows * sizeof *phase);
	uint32_t *order = malloc(o.flows * sizeof *order);
	if (!phase || !order)
		return 1;
	/* packets: per flow, the k with phase + k iv < duration */
	uint64_t total = 0;
	for (uint32_t f = 0; f < o.flows; f++) {
		phase[f] = (uint64_t)(lbv_rand_unit(&rng) * (double)iv);
		order[f] = f;
		if (phase[f] < o.duration_ns)
			total += (o.duration_ns - phase[f] - 1) / iv + 1;
	}
	if (total > LBV_SEND_MAX) {
		fprintf(stderr, "%s: %" PRIu64 " packets exceed the bound %" PRIu64 "\n", prog, total, LBV_SEND_MAX);
		return 2;
	}
	qsort_r(order, o.flows, sizeof *order, cmp_phase, phase);
	uint16_t *port = choose_ports(&o, &rng);
	if (!port)
		return 1;
	if (o.print_flows) {
		print_flows(&o, port);
		free(port);
		free(phase);
		free(order);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	int *fd = open_flows(&o, port);
	struct lbv_sent *rec = malloc((total ? total : 1) * sizeof *rec);
	uint32_t *seq = calloc(o.flows, sizeof *seq);
	uint8_t *pkt = calloc(1, o.size);
	if (!fd || !rec || !seq || !pkt)
		return 1;
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	prctl(PR_SET_TIMERSLACK, 1UL);
	size_t payload = o.size - LBV_IPV4_UDP_HDR;
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_addr = o.vip, .sin_port = htons(o.port)};
	struct lbv_log_head head = {.magic = LBV_LOG_MAGIC, .kind = LBV_LOG_SENT, .flows = o.flows};
	uint64_t end = o.start_ns + o.duration_ns;
	int rc = 0;
	uint64_t sent_or_failed = 0, cycle = 0;
	for (uint32_t i = 0; !stop && sent_or_failed < total; i = (i + 1) % o.flows) {
		uint32_t f = order[i];
		uint64_t due = o.start_ns + cycle * iv + phase[f];
		if (i == o.flows - 1)
			cycle++;
		if (due >= end)
			continue; /* this flow's schedule is over */
		uint64_t now = lbv_now_ns();
		if (due > now + 20000) {
			lbv_sleep_until(due);
			now = lbv_now_ns();
		}
		if (now > due && now - due > head.late_max_ns)
			head.late_max_ns = now - due;
		if (now > due + LBV_SEND_MAX_LATE_NS) {
			fprintf(stderr, "%s: %.3f s behind schedule: the machine is too loaded to pace the flows\n", prog,
				(double)(now - due) / 1e9);
			rc = 1;
			break;
		}
		lbv_put32(pkt, LBV_DATA_MAGIC);
		lbv_put32(pkt + 4, f);
		lbv_put32(pkt + 8, seq[f]);
		lbv_put64(pkt + 16, now);
		sent_or_failed++;
		if (sendto(fd[f], pkt, payload, 0, (struct sockaddr *)&dst, sizeof dst) == (ssize_t)payload)
			rec[head.count++] = (struct lbv_sent){.flow = f, .seq = seq[f], .t_ns = now};
		else
			head.errors++; /* a sequence number that never left: not in the log, not sent */
		seq[f]++;
	}
	FILE *lf = fopen(o.log, "wb");
	if (!lf || lbv_write_all(lf, &head, sizeof head) < 0 ||
	    lbv_write_all(lf, rec, head.count * sizeof *rec) < 0 || fclose(lf) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, o.log, strerror(errno));
		rc = 1;
	}
	if (head.errors)
		fprintf(stderr, "%s: %" PRIu64 " send() calls failed\n", prog, head.errors);
	for (uint32_t f = 0; f < o.flows; f++)
		close(fd[f]);
	free(fd);
	free(port);
	free(rec);
	free(seq);
	free(pkt);
	free(phase);
	free(order);
	return rc;
}
