/* bench_core - model/core speed, in one process, next to GLib's GHashTable:
 *   1. session cache hit and miss lookups per second at 1k..1M (10M with
 *      --big) entries, single and bulk, against GHashTable holding the same
 *      IPv4 5-tuple keys (hash: the same CRC32C flow hash; equality: memcmp);
 *   2. the per-packet path: parse + hash + session lookup + steering
 *      decision, and router parse + hash + ECMP select, in ns per packet;
 *   3. Maglev table build for N = 4, 32, 64 with M = 65537.
 * Prints a Markdown table; ratios are measured in the same run.
 * Usage: bench_core [--big] [--smoke]   (--smoke: tiny sizes, for CI) */
#define _POSIX_C_SOURCE 200809L
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_keys.h"
#include "lbcore/lbcore.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t sink;

static void bench_session(uint32_t n, uint32_t lookups)
{
	struct lb_flow_key *keys = g_new(struct lb_flow_key, n);
	struct lb_flow_key *miss = g_new(struct lb_flow_key, 1024);
	uint32_t *hashes = g_new(uint32_t, n);
	uint32_t *order = g_new(uint32_t, lookups);
	for (uint32_t i = 0; i < n; i++) {
		keys[i] = key_of(i);
		hashes[i] = lb_hasher_flow(&hasher, &keys[i]);
	}
	for (uint32_t i = 0; i < 1024; i++)
		miss[i] = key_of(n + 1 + i);
	GRand *rnd = g_rand_new_with_seed(1);
	for (uint32_t i = 0; i < lookups; i++)
		order[i] = (uint32_t)g_rand_int_range(rnd, 0, (gint32)n);
	g_rand_free(rnd);
	struct lb_session_params p = {.capacity = n, .idle_timeout_ns = 3600 * LB_NS_PER_S};
	struct lb_session *c = lb_session_create(&p);
	GHashTable *g = g_hash_table_new(key_hash, key_eq);
	for (uint32_t i = 0; i < n; i++) {
		lb_session_insert(c, &keys[i], hashes[i], (uint8_t)(i % 64), 0);
		g_hash_table_insert(g, &keys[i], GUINT_TO_POINTER(i % 64 + 1));
	}
	double t0 = now_s();
	for (uint32_t i = 0; i < lookups; i++)
		sink += (uint64_t)lb_session_lookup(c, &keys[order[i]], hashes[order[i]], 1);
	double t1 = now_s();
	enum { B = 16 };
	struct lb_flow_key bk[B];
	uint32_t bh[B];
	int owners[B];
	for (uint32_t i = 0; i + B <= lookups; i += B) {
		for (int j = 0; j < B; j++) {
			bk[j] = keys[order[i + (uint32_t)j]];
			bh[j] = hashes[order[i + (uint32_t)j]];
		}
		sink += lb_session_lookup_bulk(c, bk, bh, B, 1, owners);
	}
	double t2 = now_s();
	for (uint32_t i = 0; i < lookups; i++)
		sink += GPOINTER_TO_UINT(g_hash_table_lookup(g, &keys[order[i]]));
	double t3 = now_s();
	for (uint32_t i = 0; i < lookups; i++) {
		const struct lb_flow_key *k = &miss[i & 1023];
		sink += (uint64_t)lb_session_lookup(c, k, lb_hasher_flow(&hasher, k), 1);
	}
	double t4 = now_s();
	for (uint32_t i = 0; i < lookups; i++)
		sink += GPOINTER_TO_UINT(g_hash_table_lookup(g, &miss[i & 1023]));
	double t5 = now_s();
	double hit = lookups / (t1 - t0), bulk = lookups / (t2 - t1), gh = lookups / (t3 - t2);
	double mi = lookups / (t4 - t3), gm = lookups / (t5 - t4);
	printf("| %u | %.2f | %.2f | %.2f | %.2fx | %.2fx | %.2f | %.2f | %.1f |\n", n, hit / 1e6, bulk / 1e6, gh / 1e6,
	       hit / gh, bulk / gh, mi / 1e6, gm / 1e6, (double)lb_session_memory(c) / n);
	lb_session_free(c);
	g_hash_table_destroy(g);
	g_free(keys);
	g_free(miss);
	g_free(hashes);
	g_free(order);
}

static void bench_packet_path(uint32_t packets)
{
	enum { FLOWS = 100000 };
	uint8_t(*pkts)[64] = g_malloc(sizeof *pkts * FLOWS);
	for (uint32_t i = 0; i < FLOWS; i++) {
		struct lb_flow_key k = key_of(i);
		lb_flow_write_headers(&k, pkts[i], 64, 16, false);
	}
	struct lb_owner_params op = {.kind = LB_OWNER_MAGLEV};
	struct lb_owner *own = lb_owner_create(&op);
	lb_owner_set_active(own, lb_nodeset_first(32));
	struct lb_session_params sp = {.capacity = FLOWS * 2, .idle_timeout_ns = 3600 * LB_NS_PER_S};
	struct lb_session *cache = lb_session_create(&sp);
	struct lb_steer_params stp = {.self = 0, .use_cache = true};
	struct lb_steer *st = lb_steer_create(&stp, cache, own);
	struct lb_ecmp_params ep = {.kind = LB_ECMP_HASH_THRESHOLD};
	struct lb_ecmp *g = lb_ecmp_create(&ep);
	lb_ecmp_set(g, lb_nodeset_first(32), 0);
	struct lb_hasher *rh = g_new(struct lb_hasher, 1);
	lb_hasher_init(rh, LB_HASH_TOEPLITZ, 0);
	double t0 = now_s();
	for (uint32_t i = 0; i < packets; i++) {
		struct lb_flow_key k;
		struct lb_steer_result res;
		lb_flow_parse(pkts[i % FLOWS], 56, &k);
		lb_steer_decide(st, &k, lb_hasher_flow(&hasher, &k), lb_nodeset_first(32), 1, &res);
		sink += res.owner;
	}
	double t1 = now_s();
	for (uint32_t i = 0; i < packets; i++) {
		struct lb_flow_key k;
		lb_flow_parse(pkts[i % FLOWS], 56, &k);
		sink += (uint64_t)lb_ecmp_select(g, lb_hasher_flow(rh, &k), 1);
	}
	double t2 = now_s();
	printf("\n| path | ns per packet |\n|---|---|\n");
	printf("| node: parse + CRC32C + session lookup + steering decision (Maglev, 32 nodes, %u flows) | %.1f |\n",
	       FLOWS, (t1 - t0) / packets * 1e9);
	printf("| router: parse + Toeplitz + hash-threshold ECMP select (32 next hops) | %.1f |\n",
	       (t2 - t1) / packets * 1e9);
	g_free(rh);
	lb_ecmp_free(g);
	lb_steer_free(st);
	lb_session_free(cache);
	lb_owner_free(own);
	g_free(pkts);
}

/* One call each, on precomputed hashes: owner selection (N = 32) and ECMP
 * next-hop selection (32 next hops), ns per call. */
static void bench_calls(uint32_t calls)
{
	enum { NH = 1024 };
	uint32_t hashes[NH];
	for (uint32_t i = 0; i < NH; i++)
		hashes[i] = lb_hasher_flow(&hasher, &(struct lb_flow_key){0}) ^ (i * 2654435761u);
	printf("\n| call (32 nodes / next hops) | ns per call |\n|---|---|\n");
	const enum lb_owner_kind ok[] = {LB_OWNER_MODULO, LB_OWNER_RENDEZVOUS, LB_OWNER_MAGLEV};
	for (size_t i = 0; i < 3; i++) {
		struct lb_owner_params op = {.kind = ok[i]};
		struct lb_owner *o = lb_owner_create(&op);
		lb_owner_set_active(o, lb_nodeset_first(32));
		double t0 = now_s();
		for (uint32_t c = 0; c < calls; c++)
			sink += (uint64_t)lb_owner_lookup(o, hashes[c % NH] + c);
		printf("| lb_owner_lookup, %s | %.1f |\n", lb_owner_kind_name(ok[i]), (now_s() - t0) / calls * 1e9);
		lb_owner_free(o);
	}
	const enum lb_ecmp_kind ek[] = {LB_ECMP_MODULO, LB_ECMP_HASH_THRESHOLD, LB_ECMP_RESILIENT};
	for (size_t i = 0; i < 3; i++) {
		struct lb_ecmp_params ep = {.kind = ek[i], .buckets = 128, .idle_timer_ns = LB_NS_PER_S};
		struct lb_ecmp *g = lb_ecmp_create(&ep);
		lb_ecmp_set(g, lb_nodeset_first(32), 0);
		double t0 = now_s();
		for (uint32_t c = 0; c < calls; c++)
			sink += (uint64_t)lb_ecmp_select(g, hashes[c % NH] + c, 1);
		printf("| lb_ecmp_select, %s | %.1f |\n", lb_ecmp_kind_name(ek[i]), (now_s() - t0) / calls * 1e9);
		lb_ecmp_free(g);
	}
}

static void bench_maglev(int reps)
{
	printf("\n| Maglev build, M = 65537 | ms |\n|---|---|\n");
	struct lb_owner_params op = {.kind = LB_OWNER_MAGLEV};
	struct lb_owner *o = lb_owner_create(&op);
	unsigned ns[] = {4, 32, 64};
	for (int i = 0; i < 3; i++) {
		double t0 = now_s();
		for (int r = 0; r < reps; r++)
			lb_owner_set_active(o, lb_nodeset_first(ns[i]) ^ (uint64_t)(r & 1));
		printf("| N = %u | %.3f |\n", ns[i], (now_s() - t0) / reps * 1e3);
	}
	lb_owner_free(o);
}

/* ==== Linux multipath hash (lb_linux_hash.h) - a separate block ====
 * ns per lb_hasher_flow() for the LINUX hasher (SipHash-2-4 over the
 * kernel's 48-byte IPv4 / 72-byte IPv6 flow keys) next to CRC32C on the
 * same keys, and per lb_ecmp_select() for the Linux kinds (16 next hops,
 * 128 buckets). */
static void bench_linux_hash(uint32_t calls)
{
	enum { NK = 1024 };
	static struct lb_flow_key keys[2][NK];
	for (uint32_t i = 0; i < NK; i++) {
		keys[0][i] = key_of(i);
		uint8_t s6[16] = {0xfd, 0, 1, 0}, d6[16] = {0xfd, 0, 2, 0, [15] = 10};
		uint32_t a = i * 2654435761u;
		s6[12] = (uint8_t)(a >> 24), s6[13] = (uint8_t)(a >> 16), s6[14] = (uint8_t)(a >> 8), s6[15] = (uint8_t)a;
		lb_flow_key_v6(&keys[1][i], s6, d6, (uint16_t)(1024 + i), 80, LB_PROTO_TCP);
	}
	printf("\n| hash (per 5-tuple) | ns per hash |\n|---|---|\n");
	static struct lb_hasher lh;
	const struct {
		const char *name;
		enum lb_hash_kind kind;
		unsigned policy;
	} hs[] = {{"linux, policy 1 (L4)", LB_HASH_LINUX, 1}, {"linux, policy 0 (L3)", LB_HASH_LINUX, 0},
		  {"crc32c", LB_HASH_CRC32C, 0}};
	for (size_t j = 0; j < sizeof hs / sizeof hs[0]; j++) {
		if (hs[j].kind == LB_HASH_LINUX)
			lb_hasher_init_linux(&lh, 0x5eed, hs[j].policy);
		else
			lb_hasher_init(&lh, hs[j].kind, 0x5eed);
		for (int f = 0; f < 2; f++) {
			double t0 = now_s();
			for (uint32_t c = 0; c < calls; c++)
				sink += lb_hasher_flow(&lh, &keys[f][c % NK]);
			printf("| %s, IPv%d | %.1f |\n", hs[j].name, f ? 6 : 4, (now_s() - t0) / calls * 1e9);
		}
	}
	printf("\n| Linux next-hop selection (16 next hops) | ns per call |\n|---|---|\n");
	const enum lb_ecmp_kind ek[] = {LB_ECMP_LINUX, LB_ECMP_LINUX_RESILIENT};
	for (size_t i = 0; i < 2; i++) {
		struct lb_ecmp_params ep = {.kind = ek[i], .buckets = 128, .idle_timer_ns = 120 * LB_NS_PER_S};
		struct lb_ecmp *g = lb_ecmp_create(&ep);
		lb_ecmp_set(g, lb_nodeset_first(16), 0);
		double t0 = now_s();
		for (uint32_t c = 0; c < calls; c++)
			sink += (uint64_t)lb_ecmp_select(g, c * 2654435761u, 1);
		printf("| lb_ecmp_select, %s | %.1f |\n", lb_ecmp_kind_name(ek[i]), (now_s() - t0) / calls * 1e9);
		lb_ecmp_free(g);
	}
}
/* ==== end of the Linux multipath hash block ==== */

int main(int argc, char **argv)
{
	bool big = argc > 1 && strcmp(argv[1], "--big") == 0;
	bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
	lb_hasher_init(&hasher, LB_HASH_CRC32C, 0x5eed);
	printf("| entries | lbcore hit Mlookup/s | lbcore bulk hit Mlookup/s | GHashTable hit Mlookup/s | hit ratio | bulk ratio | lbcore miss Mlookup/s | GHashTable miss Mlookup/s | bytes/entry |\n");
	printf("|---|---|---|---|---|---|---|---|---|\n");
	uint32_t sizes[] = {1000, 100000, 1000000, 10000000};
	int n = smoke ? 1 : big ? 4 : 3;
	for (int i = 0; i < n; i++)
		bench_session(sizes[i], smoke ? 10000 : 4000000);
	bench_packet_path(smoke ? 10000 : 4000000);
	bench_calls(smoke ? 10000 : 20000000);
	bench_maglev(smoke ? 2 : 50);
	bench_linux_hash(smoke ? 10000 : 10000000); /* Linux multipath hash block */
	return sink == 42 ? 1 : 0;
}
