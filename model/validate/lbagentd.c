/* lbv-agentd - the cluster agent of one real testbed node.
 *
 *   lbv-agentd --id I --nodes N --bp-base A --port P --interval NS --misses K
 *              --base-metric n --reduction d --restore-wait NS --refresh NS
 *              --failover hold|bfd|readvertise [--isolation uplink|peers-only]
 *              --vty PATH --asn AS --vip A --seed S --log FILE --until T_NS
 *
 * The node's decisions are model/core's lb_node (vnode.h: the same state
 * machine the simulator's nodes run, with no simulated delay of its own);
 * every I/O is here:
 *  - heartbeats: lb_node's heartbeat tick (at a seeded random initial
 *    phase) asks for a UDP datagram (wire.h) to every peer's backplane
 *    address (A + peer id), then checks membership on the same tick;
 *  - heartbeats received from peers go to lb_node;
 *  - lb_node's timers (heartbeat tick, the agent's restore after W and
 *    refreshes, the strategy's) run on CLOCK_MONOTONIC;
 *  - an advertisement with a metric m other than the one bgpd announces is
 *    made real as soon as the call that decided it returns, over bgpd's vty
 *    socket (frr_vty.h): the VIP's `network` statement gets the route-map
 *    LBV-MED-<m> (set metric m), so bgpd re-announces the route with MED m;
 *    a withdrawal removes the `network` statement.  A refresh needs
 *    nothing: the BGP session's keepalives keep the route alive.  Session
 *    (BFD) packets lb_node asks for are not sent: bfdd runs the real BFD.
 * Every decision is logged with its CLOCK_REALTIME time in ns, one line per
 * event, "T_NS EVENT VALUE SET" (SET as ids joined by ';', '-' when none):
 *   start, detect (VALUE = peer), peer_up, advertise (VALUE = metric),
 *   restore, withdraw (lb_node's event names), med_set (VALUE = metric,
 *   after bgpd accepted it; withdrawn: 0), error.
 * Bounded: stops by itself at --until, or on SIGTERM/SIGINT. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "frr_vty.h"
#include "lbv_util.h"
#include "vnode.h"
#include "wire.h"

static const char prog[] = "lbv-agentd";
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

#define MED_NONE 0u /* the route is withdrawn (MED values start at 1) */

struct agentd {
	struct vnode_params p;
	struct in_addr bp_base, vip;
	uint16_t port;
	const char *vty_path;
	unsigned asn;
	uint64_t seed, until;
	FILE *log;
	int sock;
	struct frr_vty vty;
	struct vnode *node;
	uint32_t med;  /* the metric bgpd announces (MED_NONE: withdrawn) */
	uint32_t want; /* the metric lb_node last sent (MED_NONE: a withdrawal) */
	uint32_t hb_seq;
};

static uint64_t mono(void)
{
	return lbv_clock_ns(CLOCK_MONOTONIC);
}

static void log_line(struct agentd *a, const char *event, long long value, lb_nodeset set, bool has_set)
{
	fprintf(a->log, "%" PRIu64 " %s ", lbv_now_ns(), event);
	if (value >= 0)
		fprintf(a->log, "%lld", value);
	else
		fputc('-', a->log);
	fputc(' ', a->log);
	bool first = true;
	for (unsigned i = 0; has_set && i < LB_MAX_NODES; i++) {
		if (lb_nodeset_has(set, i)) {
			fprintf(a->log, "%s%u", first ? "" : ";", i);
			first = false;
		}
	}
	if (first)
		fputc('-', a->log);
	fputc('\n', a->log);
}

static bool vty_run(struct agentd *a, char cmd[][96], int n)
{
	for (int i = 0; i < n; i++) {
		int rc = frr_vty_cmd(&a->vty, cmd[i], NULL, 0);
		if (rc != 0) {
			fprintf(stderr, "%s: node %u: bgpd refused \"%s\" (%d)\n", prog, a->p.self, cmd[i], rc);
			log_line(a, "error", rc < 0 ? -rc : rc, 0, false);
			frr_vty_cmd(&a->vty, "end", NULL, 0);
			return false;
		}
	}
	return true;
}

/* Makes bgpd announce the VIP with MED m, or withdraw it (MED_NONE); see
 * the file comment. */
static void set_med(struct agentd *a, uint32_t m)
{
	char vip[INET_ADDRSTRLEN], cmd[8][96];
	int n = 0;
	inet_ntop(AF_INET, &a->vip, vip, sizeof vip);
	snprintf(cmd[n++], sizeof cmd[0], "configure terminal");
	if (m != MED_NONE) {
		snprintf(cmd[n++], sizeof cmd[0], "route-map LBV-MED-%u permit 10", m);
		snprintf(cmd[n++], sizeof cmd[0], "set metric %u", m);
		snprintf(cmd[n++], sizeof cmd[0], "exit");
	}
	snprintf(cmd[n++], sizeof cmd[0], "router bgp %u", a->asn);
	snprintf(cmd[n++], sizeof cmd[0], "address-family ipv4 unicast");
	if (m != MED_NONE)
		snprintf(cmd[n++], sizeof cmd[0], "network %s/32 route-map LBV-MED-%u", vip, m);
	else
		snprintf(cmd[n++], sizeof cmd[0], "no network %s/32", vip);
	snprintf(cmd[n++], sizeof cmd[0], "end");
	if (!vty_run(a, cmd, n))
		return;
	a->med = m;
	log_line(a, "med_set", m, 0, false);
}

/* lb_node's actions (vnode.h).  Sends to bgpd wait until the call that
 * decided them returns (flush): lb_node hands out the send before its
 * event, and the log must show the decision first. */
static void act(void *user, const struct lb_node_action *x)
{
	struct agentd *a = user;
	switch (x->kind) {
	case LB_NA_SEND_HEARTBEAT: {
		uint8_t hb[LBV_HB_LEN];
		lbv_put32(hb, LBV_HB_MAGIC);
		lbv_put32(hb + 4, a->p.self);
		lbv_put32(hb + 8, x->value);
		lbv_put32(hb + 12, a->hb_seq++);
		struct sockaddr_in d = {.sin_family = AF_INET, .sin_port = htons(a->port),
					.sin_addr.s_addr = htonl(ntohl(a->bp_base.s_addr) + x->peer)};
		sendto(a->sock, hb, sizeof hb, MSG_DONTWAIT, (struct sockaddr *)&d, sizeof d);
		return;
	}
	case LB_NA_SEND_ADVERTISE:
		a->want = x->value;
		return;
	case LB_NA_SEND_WITHDRAW:
		a->want = MED_NONE;
		return;
	case LB_NA_SEND_SESSION: /* bfdd sends the real BFD packets */
	case LB_NA_TIMER:        /* vnode runs the timers */
		return;
	case LB_NA_EVENT:
		if (x->event != LB_NE_UPDATE_SENT) /* not made under profile ideal; med_set says it */
			log_line(a, lb_kind_name(&lb_node_event_table, x->event), x->ev_value, x->set, x->has_set);
		return;
	}
}

static void flush(struct agentd *a)
{
	if (a->want != a->med)
		set_med(a, a->want);
}

static void receive_heartbeats(struct agentd *a)
{
	uint8_t hb[64];
	ssize_t n;
	while ((n = recv(a->sock, hb, sizeof hb, MSG_DONTWAIT)) >= 0) {
		if (n != LBV_HB_LEN || lbv_get32(hb) != LBV_HB_MAGIC)
			continue;
		vnode_heartbeat(a->node, lbv_get32(hb + 4), lbv_get32(hb + 8), mono());
		flush(a);
	}
}

static void parse(int argc, char **argv, struct agentd *a)
{
	static const struct option lo[] = {
		{"id", 1, 0, 'i'},          {"nodes", 1, 0, 'n'},   {"bp-base", 1, 0, 'b'}, {"port", 1, 0, 'p'},
		{"interval", 1, 0, 'h'},    {"misses", 1, 0, 'm'},  {"base-metric", 1, 0, 'M'},
		{"reduction", 1, 0, 'd'},   {"restore-wait", 1, 0, 'W'}, {"refresh", 1, 0, 'r'},
		{"failover", 1, 0, 'f'},    {"isolation", 1, 0, 'I'}, {"vty", 1, 0, 'v'},  {"asn", 1, 0, 'a'},
		{"vip", 1, 0, 'V'},         {"seed", 1, 0, 's'},    {"log", 1, 0, 'l'},     {"until", 1, 0, 'u'},
		{0, 0, 0, 0},
	};
	int c, k;
	const char *log = NULL;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': a->p.self = (uint8_t)lbv_opt_u64(prog, "id", optarg, 0, LB_MAX_NODES - 1); break;
		case 'n': a->p.nodes = (unsigned)lbv_opt_u64(prog, "nodes", optarg, 1, LB_MAX_NODES); break;
		case 'b':
		case 'V':
			if (inet_pton(AF_INET, optarg, c == 'b' ? &a->bp_base : &a->vip) != 1) {
				fprintf(stderr, "%s: %s: not an IPv4 address\n", prog, optarg);
				exit(2);
			}
			break;
		case 'p': a->port = (uint16_t)lbv_opt_u64(prog, "port", optarg, 1, 65535); break;
		case 'h': a->p.heartbeat_ns = lbv_opt_u64(prog, "interval", optarg, 1000, UINT64_C(60000000000)); break;
		case 'm': a->p.misses = (unsigned)lbv_opt_u64(prog, "misses", optarg, 1, 1000); break;
		case 'M': a->p.base_metric = (uint32_t)lbv_opt_u64(prog, "base-metric", optarg, 1, UINT32_MAX); break;
		case 'd': a->p.reduction = (uint32_t)lbv_opt_u64(prog, "reduction", optarg, 0, UINT32_MAX); break;
		case 'W': a->p.restore_wait_ns = lbv_opt_u64(prog, "restore-wait", optarg, 0, UINT64_MAX / 4); break;
		case 'r': a->p.refresh_ns = lbv_opt_u64(prog, "refresh", optarg, 1, UINT64_MAX / 4); break;
		case 'f':
			a->p.strategy = lb_strategy_find(optarg);
			if (!a->p.strategy) {
				fprintf(stderr, "%s: --failover %s: not one of hold | bfd | readvertise\n", prog, optarg);
				exit(2);
			}
			break;
		case 'I':
			if ((k = lb_kind_parse(&lb_isolation_table, optarg)) < 0) {
				fprintf(stderr, "%s: --isolation %s: not one of uplink | peers-only\n", prog, optarg);
				exit(2);
			}
			a->p.isolation = (enum lb_isolation)k;
			break;
		case 'v': a->vty_path = optarg; break;
		case 'a': a->asn = (unsigned)lbv_opt_u64(prog, "asn", optarg, 1, UINT32_MAX); break;
		case 's': a->seed = lbv_opt_u64(prog, "seed", optarg, 0, UINT64_MAX); break;
		case 'l': log = optarg; break;
		case 'u': a->until = lbv_opt_u64(prog, "until", optarg, 1, UINT64_MAX / 2); break;
		default: exit(2);
		}
	}
	if (!a->p.nodes || !a->p.heartbeat_ns || !a->p.misses || !a->p.base_metric || !a->p.refresh_ns ||
	    !a->p.strategy || !a->bp_base.s_addr || !a->vip.s_addr || !a->port || !a->vty_path || !a->asn || !log ||
	    !a->until) {
		fprintf(stderr, "%s: missing options (see the comment at the top of lbagentd.c)\n", prog);
		exit(2);
	}
	a->log = fopen(log, "w");
	if (!a->log) {
		fprintf(stderr, "%s: %s: %s\n", prog, log, strerror(errno));
		exit(1);
	}
	setvbuf(a->log, NULL, _IOLBF, 0);
}

int main(int argc, char **argv)
{
	struct agentd a = {0};
	parse(argc, argv, &a);
	/* the node's phases, from its seed: refresh, heartbeat, the strategy's */
	uint64_t rng = a.seed ^ (UINT64_C(0xa9e47) + a.p.self);
	a.p.first_refresh_ns = 1 + (uint64_t)(lbv_rand_unit(&rng) * (double)(a.p.refresh_ns - 1));
	a.p.heartbeat_phase_ns = (uint64_t)(lbv_rand_unit(&rng) * (double)a.p.heartbeat_ns);
	for (unsigned i = 0; i < a.p.strategy->node_phases; i++)
		a.p.strategy_phase[i] = lbv_rand_unit(&rng);
	a.med = a.want = a.p.base_metric; /* bgpd starts with LBV-MED-<n> (testbed.sh) */
	a.node = vnode_create(&a.p, act, &a);
	if (!a.node) {
		fprintf(stderr, "%s: node %u: parameters refused by model/core\n", prog, a.p.self);
		return 2;
	}
	a.sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(a.port),
				 .sin_addr.s_addr = htonl(ntohl(a.bp_base.s_addr) + a.p.self)};
	if (a.sock < 0 || bind(a.sock, (struct sockaddr *)&me, sizeof me) < 0) {
		fprintf(stderr, "%s: node %u: heartbeat socket: %s\n", prog, a.p.self, strerror(errno));
		return 1;
	}
	int rc = frr_vty_open(&a.vty, a.vty_path, 10000, 2000);
	if (rc < 0) {
		fprintf(stderr, "%s: node %u: %s: %s\n", prog, a.p.self, a.vty_path, strerror(-rc));
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	log_line(&a, "start", a.p.self, 0, false);
	vnode_start(a.node, mono());
	flush(&a);
	while (!stop && lbv_now_ns() < a.until) {
		uint64_t now = mono(), next = vnode_next_deadline(a.node);
		if (next > now + 100000000)
			next = now + 100000000; /* look at --until and signals at least every 100 ms */
		uint64_t wait = next > now ? next - now : 0;
		struct timespec ts = {.tv_sec = (time_t)(wait / 1000000000u), .tv_nsec = (long)(wait % 1000000000u)};
		struct pollfd p = {.fd = a.sock, .events = POLLIN};
		int r = ppoll(&p, 1, &ts, NULL);
		if (stop)
			break; /* a frozen (crashed) node resumed only to be stopped: decide nothing more */
		if (r > 0)
			receive_heartbeats(&a);
		vnode_run(a.node, mono());
		flush(&a);
	}
	if (vnode_overflows(a.node))
		fprintf(stderr, "%s: node %u: %" PRIu64 " timers did not fit the queue\n", prog, a.p.self,
			vnode_overflows(a.node));
	frr_vty_close(&a.vty);
	vnode_free(a.node);
	fclose(a.log);
	return 0;
}
