/* inspect.c - `lbsim hash` and `lbsim where`; see inspect.h.
 *
 * Both build the same model/core objects, from the same scenario keys, as
 * the simulated router (model/sim/router.c) and nodes (model/sim/node.c):
 * the router hashes with (ecmp_hash, ecmp_hash_seed) and selects with
 * lb_ecmp; a node hashes with (flow_hash, flow_hash_seed) and selects the
 * owner with lb_owner over its active set. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

#include "cli.h"
#include "lbcore/lbcore.h"
#include "scenario.h"

/* PROTO SRC SPORT DST DPORT -> key; FALSE with a message on stderr. */
static gboolean parse_tuple(char **a, struct lb_flow_key *k)
{
	int proto = strcmp(a[0], "tcp") == 0 ? LB_PROTO_TCP : strcmp(a[0], "udp") == 0 ? LB_PROTO_UDP : 0;
	if (!proto) {
		fprintf(stderr, "lbsim: protocol \"%s\": expected tcp or udp\n", a[0]);
		return FALSE;
	}
	uint16_t port[2];
	for (int i = 0; i < 2; i++) {
		char *end;
		unsigned long v = strtoul(a[2 + 2 * i], &end, 10);
		if (*a[2 + 2 * i] == '\0' || *end != '\0' || v > 65535) {
			fprintf(stderr, "lbsim: port \"%s\": expected 0..65535\n", a[2 + 2 * i]);
			return FALSE;
		}
		port[i] = (uint16_t)v;
	}
	uint8_t s6[16], d6[16];
	if (inet_pton(AF_INET, a[1], s6) == 1 && inet_pton(AF_INET, a[3], d6) == 1) {
		lb_flow_key_v4(k, s6, d6, port[0], port[1], (uint8_t)proto);
	} else if (inet_pton(AF_INET6, a[1], s6) == 1 && inet_pton(AF_INET6, a[3], d6) == 1) {
		lb_flow_key_v6(k, s6, d6, port[0], port[1], (uint8_t)proto);
	} else {
		fprintf(stderr, "lbsim: addresses \"%s\" and \"%s\": expected two IPv4 or two IPv6 addresses\n", a[1],
			a[3]);
		return FALSE;
	}
	return TRUE;
}

/* The Linux multipath hash under policies 0 and 1 (lb_linux_hash.h): the
 * kernel's 32-bit mhash and the value it selects with, mhash >> 1. */
static void print_linux(const struct lb_flow_key *k, uint64_t seed, unsigned nexthops)
{
	if (seed == 0 || seed > UINT32_MAX) {
		printf("linux        (needs --linux-seed 1..4294967295: the kernel's seed 0 is random)\n");
		return;
	}
	int32_t ub[LB_MAX_NODES];
	if (nexthops)
		lb_linux_upper_bounds(NULL, nexthops, ub);
	for (unsigned policy = LB_LINUX_HASH_L3; policy <= LB_LINUX_HASH_L4; policy++) {
		uint32_t mhash = lb_linux_flow_hash(k, (uint32_t)seed, (enum lb_linux_hash_policy)policy, 0);
		printf("linux-l%u     0x%08" PRIx32 "   multipath 0x%08" PRIx32 " (policy %u, seed %" PRIu64 ")",
		       policy == LB_LINUX_HASH_L3 ? 3u : 4u, mhash, lb_linux_mp_hash(mhash), policy, seed);
		if (nexthops)
			printf("   next hop %u of %u", lb_linux_hthr_select(ub, nexthops, lb_linux_mp_hash(mhash)),
			       nexthops);
		printf("\n");
	}
}

/* A 64-bit number option ("0x..." or decimal), into *out. */
static gboolean parse_u64(const char *opt, const char *s, uint64_t *out, uint64_t max)
{
	char *end;
	*out = g_ascii_strtoull(s, &end, 0);
	if (*s == '\0' || *end != '\0' || *out > max) {
		cli_usage_error("hash", "%s \"%s\": expected 0..%" PRIu64, opt, s, max);
		return FALSE;
	}
	return TRUE;
}

int inspect_hash(int argc, char **argv)
{
	g_autofree gchar *seed_s = NULL, *linux_s = NULL;
	gint nexthops = 0;
	GOptionEntry entries[] = {
		{"seed", 0, 0, G_OPTION_ARG_STRING, &seed_s, "Seed of the toeplitz, crc32c and fast hashes (default 0)", "N"},
		{"linux-seed", 0, 0, G_OPTION_ARG_STRING, &linux_s,
		 "net.ipv4.fib_multipath_hash_seed for the linux hash, 1..4294967295 (default: --seed if in that "
		 "range; 0 is the kernel's random seed)",
		 "N"},
		{"nexthops", 0, 0, G_OPTION_ARG_INT, &nexthops,
		 "Also print the next hop (0..N-1) a Linux multipath route of N equal-weight next hops picks, as "
		 "`ip route get` would",
		 "N"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx = cli_context("hash", "tcp|udp SRC SPORT DST DPORT", "print every hash of a 5-tuple",
						    "Toeplitz with seed 0 uses Microsoft's RSS key, so it can be checked "
						    "against their published table.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, "hash", &argc, &argv))
		return 2;
	uint64_t seed = 0, linux_seed = 0;
	bool have_linux_seed = linux_s != NULL;
	if ((seed_s && !parse_u64("--seed", seed_s, &seed, UINT64_MAX)) ||
	    (linux_s && !parse_u64("--linux-seed", linux_s, &linux_seed, UINT32_MAX)))
		return 2;
	if (argc != 6) {
		cli_usage_error("hash", "expected a 5-tuple: tcp|udp SRC SPORT DST DPORT");
		return 2;
	}
	if (nexthops < 0 || nexthops > LB_MAX_NODES) {
		cli_usage_error("hash", "--nexthops %d: expected 1..%d", nexthops, LB_MAX_NODES);
		return 2;
	}
	int i = 1;
	struct lb_flow_key k;
	if (!parse_tuple(argv + i, &k))
		return 2;
	char buf[128];
	printf("tuple        %s\n", lb_flow_key_format(&k, buf, sizeof buf));
	printf("seed         0x%" PRIx64 "%s\n", seed, seed == 0 ? " (Toeplitz: Microsoft's RSS key)" : "");
	static struct lb_hasher h; /* the Toeplitz tables are 36 KiB */
	const enum lb_hash_kind kinds[] = {LB_HASH_TOEPLITZ, LB_HASH_CRC32C, LB_HASH_FAST};
	for (size_t j = 0; j < G_N_ELEMENTS(kinds); j++) {
		if (lb_hasher_init(&h, kinds[j], seed) < 0)
			return 2;
		printf("%-12s 0x%08" PRIx32 "   symmetric 0x%08" PRIx32 "\n", lb_hash_kind_name(kinds[j]),
		       lb_hasher_flow(&h, &k), lb_hasher_flow_symmetric(&h, &k));
		if (kinds[j] == LB_HASH_TOEPLITZ)
			printf("toeplitz-ip  0x%08" PRIx32 "   (addresses only)\n", lb_toeplitz_ip(&h, &k));
	}
	print_linux(&k, have_linux_seed ? linux_seed : seed, (unsigned)nexthops);
	return 0;
}

/* `lbsim where` drives the scenario's router and nodes - the same lb_router
 * and lb_node objects the simulator runs - through one flow's life: its
 * first packet with every node up, then (with --fail) the node's crash,
 * until the router forwards by the survivors and every survivor has
 * declared the node down, then one more packet.  Control messages arrive at
 * once; timers run on a virtual clock (lb_timerq).  The tables are sized
 * for one flow (their capacity never matters here). */
#define ROUTER_OWNER LB_MAX_NODES

struct drive {
	const struct scenario *sc;
	unsigned router_id; /* the scenario's router this drive runs */
	struct lb_hasher hasher; /* the cluster's */
	struct lb_router *router;
	struct lb_node *node[LB_MAX_NODES];
	bool up[LB_MAX_NODES];
	struct node_ctx {
		struct drive *d;
		unsigned id;
	} ctx[LB_MAX_NODES];
	struct lb_timerq *tq;
	uint64_t now;
	uint64_t installed; /* route_installed events seen */
	bool overflow;      /* a timer did not fit the queue */
};

static struct drive *drive_of(void *user)
{
	return user;
}

static void apply(struct drive *d, unsigned owner, const struct lb_timer_req *t)
{
	if (lb_timerq_apply(d->tq, owner, t) < 0)
		d->overflow = true;
}

static void router_act(void *user, const struct lb_router_action *a)
{
	struct drive *d = drive_of(user);
	if (a->kind == LB_RA_TIMER)
		apply(d, ROUTER_OWNER, &a->timer);
	else if (a->event == LB_RE_ROUTE_INSTALLED)
		d->installed++;
}

static void node_act(void *user, const struct lb_node_action *a)
{
	const struct node_ctx *c = user;
	struct drive *d = c->d;
	const unsigned *id = &c->id;
	switch (a->kind) {
	case LB_NA_TIMER:
		apply(d, *id, &a->timer);
		return;
	case LB_NA_SEND_HEARTBEAT:
		if (d->up[a->peer])
			lb_node_rx_heartbeat(d->node[a->peer], *id, a->value, d->now);
		return;
	case LB_NA_SEND_ADVERTISE:
		lb_router_rx_advertise(d->router, *id, a->value, d->now);
		return;
	case LB_NA_SEND_WITHDRAW:
		lb_router_rx_withdraw(d->router, *id, d->now);
		return;
	case LB_NA_SEND_SESSION:
		lb_router_rx_session(d->router, *id, d->now);
		return;
	case LB_NA_EVENT:
		return;
	}
}

static void drive_free(struct drive *d)
{
	for (unsigned i = 0; i < LB_MAX_NODES; i++)
		lb_node_free(d->node[i]);
	lb_router_free(d->router);
	lb_timerq_free(d->tq);
	g_free(d);
}

static struct drive *drive_new(const struct scenario *sc, unsigned router)
{
	struct drive *d = g_new0(struct drive, 1);
	d->sc = sc;
	d->router_id = router;
	d->tq = lb_timerq_create(64 * (LB_MAX_NODES + 1));
	struct lb_router_params rp = scenario_router_params(sc, router);
	rp.act = router_act;
	rp.user = d;
	d->router = lb_router_create(&rp);
	struct lb_node_params np = scenario_node_params(sc);
	np.cache.capacity = np.table.capacity = 1024;
	np.hasher = &d->hasher;
	np.act = node_act;
	bool ok = d->tq && d->router && lb_hasher_init(&d->hasher, sc->flow_hash, sc->flow_hash_seed) == 0;
	for (unsigned i = 0; ok && i < sc->nodes; i++) {
		d->ctx[i] = (struct node_ctx){d, i};
		np.self = (uint8_t)i;
		np.user = &d->ctx[i];
		d->node[i] = lb_node_create(&np);
		d->up[i] = d->node[i] != NULL;
		ok = d->up[i];
	}
	if (!ok) {
		drive_free(d);
		return NULL;
	}
	lb_router_start(d->router, 0);
	for (unsigned i = 0; i < sc->nodes; i++)
		lb_node_start(d->node[i], 0);
	return d;
}

/* Runs every timer due up to t. */
static void drive_until(struct drive *d, uint64_t t)
{
	unsigned owner;
	uint32_t id;
	uint64_t at;
	while (lb_timerq_pop(d->tq, t, &owner, &id, &at) == 1) {
		d->now = at;
		if (owner == ROUTER_OWNER)
			lb_router_timer(d->router, id, at);
		else if (d->up[owner])
			lb_node_timer(d->node[owner], id, at);
	}
	d->now = t;
}

/* One packet of k from the router: where it lands and its verdict there,
 * and at the owner if it is steered.  Returns the flow's owner (the node
 * that served it), or -1 when it was dropped. */
static int drive_packet(struct drive *d, const struct lb_flow_key *k, bool first, int *receiver)
{
	*receiver = lb_router_select(d->router, k, d->now);
	if (*receiver < 0 || !d->up[*receiver])
		return -1;
	struct lb_node_verdict v = lb_node_rx_data(d->node[*receiver], k, first, false, d->now);
	if (v.kind == LB_NV_DELIVER)
		return *receiver;
	if (v.kind != LB_NV_STEER || !d->up[v.owner])
		return -1;
	return lb_node_rx_data(d->node[v.owner], k, first, true, d->now).kind == LB_NV_DELIVER ? v.owner : -1;
}

/* The steering decision at a receiver, without serving (for the printout). */
static int owner_at(struct drive *d, int receiver, const struct lb_flow_key *k)
{
	struct lb_owner_params op = scenario_node_params(d->sc).owner;
	struct lb_owner *o = lb_owner_create(&op);
	int r = -1;
	if (o) {
		lb_owner_set_active(o, lb_node_view(d->node[receiver]));
		r = lb_owner_lookup(o, lb_hasher_flow(&d->hasher, k));
	}
	lb_owner_free(o);
	return r;
}

/* Crash fail and run until the router forwards without it and every
 * survivor's view excludes it (bounded: the slowest detection plus the
 * router's longest path, ten times over). */
static bool drive_fail(struct drive *d, unsigned fail)
{
	d->up[fail] = false;
	lb_timerq_cancel_owner(d->tq, fail);
	lb_router_carrier(d->router, fail, false, d->now);
	const struct scenario *sc = d->sc;
	uint64_t bound = d->now + 10 * (sc->heartbeat_interval_ns * (sc->heartbeat_misses + 1) + sc->hold_time_ns +
					 LB_NS_PER_S);
	uint64_t step = sc->heartbeat_interval_ns;
	for (uint64_t t = d->now; t <= bound; t += step) {
		drive_until(d, t);
		bool done = !lb_nodeset_has(lb_router_fib(d->router), fail);
		for (unsigned i = 0; done && i < sc->nodes; i++)
			done = !d->up[i] || !lb_nodeset_has(lb_node_view(d->node[i]), fail);
		if (done)
			return !d->overflow;
	}
	return false;
}

static void stage_act(void *user, const struct lb_router_action *a)
{
	if (a->kind == LB_RA_TIMER && lb_timerq_apply(user, 0, &a->timer) < 0)
		fprintf(stderr, "lbsim: the upstream stage's timers overflow\n");
}

/* The router the upstream stage (scenario_stage_params: the same object
 * model/sim/upstream.c runs) sends k to once every router has advertised
 * itself; -1 if it has no route. */
static int stage_pick(const struct scenario *sc, const struct lb_flow_key *k)
{
	struct lb_timerq *tq = lb_timerq_create(64);
	struct lb_router_params p = scenario_stage_params(sc);
	p.act = stage_act;
	p.user = tq;
	struct lb_router *stage = tq ? lb_router_create(&p) : NULL;
	int r = -1;
	if (stage) {
		lb_router_start(stage, 0);
		for (unsigned i = 0; i < sc->router_count; i++)
			lb_router_rx_advertise(stage, i, 1, 0);
		unsigned owner;
		uint32_t id;
		uint64_t at, until = LB_NS_PER_US;
		while (lb_timerq_pop(tq, until, &owner, &id, &at) == 1)
			lb_router_timer(stage, id, at);
		r = lb_router_select(stage, k, until);
	}
	lb_router_free(stage);
	lb_timerq_free(tq);
	return r;
}

int inspect_where(int argc, char **argv)
{
	struct cli_scenario so = {0};
	gint fail_i = -1, router_i = -1;
	GOptionEntry entries[] = {
		{"fail", 0, 0, G_OPTION_ARG_INT, &fail_i,
		 "Then crash node NODE and follow the flow once the router and the nodes know", "NODE"},
		{"router", 0, 0, G_OPTION_ARG_INT, &router_i,
		 "With [router] count > 1: follow the flow through router K (default: the router the upstream "
		 "stage's hash picks for it)",
		 "K"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx =
		cli_context("where", "FILE tcp|udp SRC SPORT DST DPORT", "follow one flow through the routers and nodes",
			    "Drives the scenario's router(s) and nodes - the same model/core objects the simulator runs -\n"
			    "through one flow: which router and node it reaches, which node owns it, and with --fail\n"
			    "what happens to it when that node crashes.");
	cli_add_scenario(ctx, &so, FALSE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, "where", &argc, &argv)) {
		cli_scenario_clear(&so);
		return 2;
	}
	if (argc != 7) {
		cli_usage_error("where", "expected a scenario file and a 5-tuple: FILE tcp|udp SRC SPORT DST DPORT");
		cli_scenario_clear(&so);
		return 2;
	}
	if (fail_i < -1 || router_i < -1) {
		cli_usage_error("where", "--fail and --router take a node or router id (0, 1, ...)");
		cli_scenario_clear(&so);
		return 2;
	}
	long fail = fail_i, router = router_i;
	struct scenario *sc = cli_load("where", argv[1], &so, TRUE);
	cli_scenario_clear(&so);
	if (!sc)
		return 2;
	int i = 2;
	int rc = 2;
	struct lb_flow_key k;
	if (!parse_tuple(argv + i, &k))
		goto out;
	if (fail >= (long)sc->nodes) {
		fprintf(stderr, "lbsim: --fail %ld: the cluster has nodes 0..%u\n", fail, sc->nodes - 1);
		goto out;
	}
	if (router >= (long)sc->router_count) {
		fprintf(stderr, "lbsim: --router %ld: the scenario has routers 0..%u ([router] count = %u)\n", router,
			sc->router_count - 1, sc->router_count);
		goto out;
	}
	int picked = sc->router_count > 1 ? stage_pick(sc, &k) : 0;
	if (router < 0 && picked < 0) {
		fprintf(stderr, "lbsim: the upstream stage has no route\n");
		goto out;
	}
	if (router < 0)
		router = picked;
	if (k.family != (unsigned)sc->ip_version) {
		/* the nodes keep state for the scenario's family only: no owner to tell */
		fprintf(stderr,
			"lbsim where: an IPv%u tuple, but the scenario's traffic is IPv%d ([traffic] ip_version = %d): "
			"give an IPv%d tuple, or --set traffic.ip_version=%u\n",
			k.family, sc->ip_version, sc->ip_version, sc->ip_version, k.family);
		goto out;
	}
	struct drive *d = drive_new(sc, (unsigned)router);
	if (!d) {
		fprintf(stderr, "lbsim: %s: the core rejects these parameters\n", sc->path);
		goto out;
	}
	drive_until(d, LB_NS_PER_US);
	int recv_before, owner_before = drive_packet(d, &k, true, &recv_before);
	char buf[128];
	printf("tuple     %s\n", lb_flow_key_format(&k, buf, sizeof buf));
	const struct scenario_router *sr = &sc->routers[router];
	printf("scenario  %s: %u nodes, router %ld ecmp %s (hash %s, seed 0x%" PRIx32 "), owner %s (hash %s, seed 0x%" PRIx32
	       "), cache %s, profile %s\n",
	       sc->name, sc->nodes, router, lb_ecmp_kind_name(sc->ecmp), lb_hash_kind_name(sr->ecmp_hash),
	       sr->ecmp_hash_seed, lb_owner_kind_name(sc->owner_hash), lb_hash_kind_name(sc->flow_hash),
	       sc->flow_hash_seed, sc->session_cache ? "on" : "off", lb_kind_name(&lb_router_profile_table, sc->profile));
	if (sc->router_count > 1)
		printf("upstream  stage -> router %d of %u (hash %s, seed 0x%" PRIx32 ")%s\n", picked, sc->router_count,
		       lb_hash_kind_name(sc->upstream_hash), sc->upstream_hash_seed,
		       picked == router ? "" : "; followed through the router given by --router");
	printf("hashes    router 0x%08" PRIx32 "  cluster 0x%08" PRIx32 "\n", lb_router_hash(d->router, &k),
	       lb_hasher_flow(&d->hasher, &k));
	printf("before    router %ld -> node %d, owner node %d%s\n", router, recv_before, owner_before,
	       recv_before == owner_before ? " (local)" : " (steered over the backplane)");
	if (fail >= 0) {
		if (!drive_fail(d, (unsigned)fail)) {
			fprintf(stderr, "lbsim: the router or the nodes did not converge after node %ld failed\n", fail);
			drive_free(d);
			goto out;
		}
		printf("node %ld fails (once the router and the nodes know)\n", fail);
		int recv_after;
		int owner_pick = -1;
		int served = drive_packet(d, &k, false, &recv_after);
		if (recv_after >= 0 && d->up[recv_after])
			owner_pick = owner_at(d, recv_after, &k);
		if (recv_after < 0)
			printf("after     no route\n");
		else
			printf("after     router %ld -> node %d, owner node %d%s\n", router, recv_after,
			       served >= 0 ? served : owner_pick,
			       recv_after == (served >= 0 ? served : owner_pick) ? " (local)" : " (steered over the backplane)");
		/* The flow's fate in the model (doc/model.md): its state lives at
		 * the old owner; a receiver keeps its cached owner when the cache
		 * is on, a new receiver selects afresh. */
		const char *fate;
		if (owner_before == fail)
			fate = "broken: its owner failed, its state is gone";
		else if (served < 0)
			fate = "broken: the new owner holds no state for it (no_state)";
		else if (sc->session_cache && recv_after == recv_before)
			fate = "survives: same receiver, cached owner still alive";
		else
			fate = "survives: the owner selected afresh is the same";
		printf("flow      %s\n", fate);
		if (sc->ecmp == LB_ECMP_RESILIENT && sc->failover == &lb_strategy_readvertise)
			printf("note      resilient ECMP under readvertise: the router installs the survivors one at a "
			       "time, and each step moves buckets; this is the one-step change, so the receiver is an "
			       "approximation\n");
	}
	drive_free(d);
	rc = 0;
out:
	scenario_free(sc);
	return rc;
}
