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

static gboolean parse_u64(const char *s, uint64_t *out)
{
	char *end;
	*out = g_ascii_strtoull(s, &end, 0);
	return *s != '\0' && *end == '\0';
}

static void hash_usage(void)
{
	fputs("usage: lbsim hash [--seed N] [--linux-seed N] [--nexthops N] tcp|udp SRC SPORT DST DPORT\n"
	      "  --seed N        seed of the toeplitz, crc32c and fast hashes (default 0)\n"
	      "  --linux-seed N  net.ipv4.fib_multipath_hash_seed for the linux hash, 1..4294967295\n"
	      "                  (default: --seed if in that range; 0 is the kernel's random seed)\n"
	      "  --nexthops N    also print the next hop (0..N-1) a Linux multipath route of N\n"
	      "                  equal-weight next hops picks, as `ip route get` would\n",
	      stderr);
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

int inspect_hash(int argc, char **argv)
{
	uint64_t seed = 0, linux_seed = 0, nexthops = 0;
	bool have_linux_seed = false;
	int i = 2;
	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		uint64_t *dst = strcmp(argv[i], "--seed") == 0         ? &seed
				: strcmp(argv[i], "--linux-seed") == 0 ? &linux_seed
				: strcmp(argv[i], "--nexthops") == 0   ? &nexthops
								       : NULL;
		if (!dst || i + 1 >= argc || !parse_u64(argv[i + 1], dst)) {
			hash_usage();
			return 2;
		}
		have_linux_seed |= dst == &linux_seed;
		i += 2;
	}
	if (argc - i != 5) {
		hash_usage();
		return 2;
	}
	if (nexthops > LB_MAX_NODES) {
		fprintf(stderr, "lbsim: --nexthops %" PRIu64 ": expected 1..%d\n", nexthops, LB_MAX_NODES);
		return 2;
	}
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

/* The router's and a node's view of one flow for one active set. */
struct view {
	int receiver; /* the router's next hop, -1: no route */
	int owner;    /* owner selected over the set, -1: none */
	uint32_t router_hash, cluster_hash;
};

static gboolean compute(const struct scenario *sc, const struct lb_flow_key *k, lb_nodeset all, lb_nodeset set,
			struct view *v)
{
	static struct lb_hasher rh, ch;
	enum lb_hash_kind rk, ck;
	struct lb_ecmp_params ep = {.buckets = sc->resilient_buckets, .idle_timer_ns = sc->resilient_idle_timer_ns};
	struct lb_owner_params op = {.maglev_table_size = sc->maglev_table_size, .seed = sc->flow_hash_seed};
	if (lb_hash_kind_parse(sc->ecmp_hash, &rk) < 0 || lb_hash_kind_parse(sc->flow_hash, &ck) < 0 ||
	    lb_ecmp_kind_parse(sc->ecmp, &ep.kind) < 0 || lb_owner_kind_parse(sc->owner_hash, &op.kind) < 0 ||
	    lb_hasher_init(&rh, rk, sc->ecmp_hash_seed) < 0 || lb_hasher_init(&ch, ck, sc->flow_hash_seed) < 0)
		return FALSE;
	struct lb_ecmp *g = lb_ecmp_create(&ep);
	struct lb_owner *o = lb_owner_create(&op);
	gboolean ok = g && o;
	if (ok) {
		/* the router's group as the simulator builds it: every node at
		 * start, then the failure (resilient: only the removed next
		 * hop's buckets move, before any idle-timer rebalancing) */
		lb_ecmp_set(g, all, 0);
		if (set != all)
			lb_ecmp_set(g, set, 1);
		lb_owner_set_active(o, set);
		v->router_hash = lb_hasher_flow(&rh, k);
		v->cluster_hash = lb_hasher_flow(&ch, k);
		v->receiver = lb_ecmp_select(g, v->router_hash, 1);
		v->owner = lb_owner_lookup(o, v->cluster_hash);
	}
	lb_ecmp_free(g);
	lb_owner_free(o);
	return ok;
}

static void where_usage(void)
{
	fputs("usage: lbsim where FILE [--set group.key=value ...] [--fail NODE] tcp|udp SRC SPORT DST DPORT\n",
	      stderr);
}

int inspect_where(int argc, char **argv)
{
	if (argc < 3) {
		where_usage();
		return 2;
	}
	const char *file = argv[2];
	GPtrArray *sets = g_ptr_array_new();
	long fail = -1;
	int i = 3;
	for (; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--set") == 0) {
			g_ptr_array_add(sets, argv[i + 1]);
		} else if (strcmp(argv[i], "--fail") == 0) {
			char *end;
			fail = strtol(argv[i + 1], &end, 10);
			if (*argv[i + 1] == '\0' || *end != '\0' || fail < 0) {
				fprintf(stderr, "lbsim: --fail \"%s\": expected a node id\n", argv[i + 1]);
				g_ptr_array_free(sets, TRUE);
				return 2;
			}
		} else {
			break;
		}
	}
	g_ptr_array_add(sets, NULL);
	if (argc - i != 5) {
		where_usage();
		g_ptr_array_free(sets, TRUE);
		return 2;
	}
	GError *err = NULL;
	struct scenario *sc = scenario_load(file, (const char *const *)sets->pdata, &err);
	g_ptr_array_free(sets, TRUE);
	if (!sc) {
		fprintf(stderr, "lbsim: %s\n", err->message);
		g_error_free(err);
		return 2;
	}
	int rc = 2;
	struct lb_flow_key k;
	if (!parse_tuple(argv + i, &k))
		goto out;
	if (fail >= (long)sc->nodes) {
		fprintf(stderr, "lbsim: --fail %ld: the cluster has nodes 0..%u\n", fail, sc->nodes - 1);
		goto out;
	}
	if (k.family != sc->ip_version)
		fprintf(stderr, "lbsim: note: an IPv%u tuple, but the scenario's traffic is IPv%d\n", k.family,
			sc->ip_version);
	lb_nodeset all = lb_nodeset_first(sc->nodes);
	struct view before, after;
	if (!compute(sc, &k, all, all, &before)) {
		fprintf(stderr, "lbsim: %s: the core rejects these parameters\n", sc->path);
		goto out;
	}
	char buf[128];
	printf("tuple     %s\n", lb_flow_key_format(&k, buf, sizeof buf));
	printf("scenario  %s: %u nodes, router ecmp %s (hash %s, seed 0x%" PRIx32 "), owner %s (hash %s, seed 0x%" PRIx32
	       "), cache %s\n",
	       sc->name, sc->nodes, sc->ecmp, sc->ecmp_hash, sc->ecmp_hash_seed, sc->owner_hash, sc->flow_hash,
	       sc->flow_hash_seed, sc->session_cache ? "on" : "off");
	printf("hashes    router 0x%08" PRIx32 "  cluster 0x%08" PRIx32 "\n", before.router_hash, before.cluster_hash);
	printf("before    router -> node %d, owner node %d%s\n", before.receiver, before.owner,
	       before.receiver == before.owner ? " (local)" : " (steered over the backplane)");
	if (fail >= 0) {
		lb_nodeset left = all & ~lb_nodeset_bit((unsigned)fail);
		if (!compute(sc, &k, all, left, &after))
			goto out;
		printf("node %ld fails (once the router and the nodes know)\n", fail);
		if (after.receiver < 0)
			printf("after     no route\n");
		else
			printf("after     router -> node %d, owner node %d%s\n", after.receiver, after.owner,
			       after.receiver == after.owner ? " (local)" : " (steered over the backplane)");
		/* The flow's fate in the model (doc/model.md): its state lives at
		 * the old owner.  A receiver that did not change keeps its cached
		 * owner when the cache is on; a new receiver selects afresh. */
		const char *fate;
		if (before.owner == fail)
			fate = "broken: its owner failed, its state is gone";
		else if (sc->session_cache && after.receiver == before.receiver)
			fate = "survives: same receiver, cached owner still alive";
		else if (after.owner == before.owner)
			fate = "survives: the owner selected afresh is the same";
		else
			fate = "broken: the new owner holds no state for it (no_state)";
		printf("flow      %s\n", fate);
		if (strcmp(sc->ecmp, "resilient") == 0 && strcmp(sc->failover, "readvertise") == 0)
			printf("note      resilient ECMP under readvertise: the router installs the survivors one at a "
			       "time, and each step moves buckets; this is the one-step change, so the receiver is an "
			       "approximation\n");
	}
	rc = 0;
out:
	scenario_free(sc);
	return rc;
}
