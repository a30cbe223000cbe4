/* bench_session_dpdk - the session cache (model/core lb_session) against
 * DPDK's rte_hash and GLib's GHashTable, in one process, on the same keys.
 *
 * What is compared, per table size n (100k, 1M; 10M with --big):
 *   - the keys: n IPv4 TCP 5-tuples (the generator of bench_core.c), each
 *     with one 32-bit hash, lb_hasher_flow(CRC32C, seed 0x5eed), computed
 *     once and handed to both lb_session and rte_hash;
 *   - lb_session: capacity n, all n keys inserted; rte_hash: entries = n,
 *     key_len 16 (src, dst, sport, dport, proto, 3 zero bytes), hash_func
 *     rte_hash_crc, extra_flag 0 (no extendable buckets, no locks, no
 *     multi-writer: its fastest lookup path), every key added with
 *     rte_hash_add_key_with_hash_data (data = owner + 1); GHashTable: the
 *     same keys as lb_flow_key pointers, hash = the same CRC32C (GHashTable
 *     cannot take a precomputed hash: it calls its hash function), memcmp;
 *   - one lookup stream: S hits drawn uniformly at random (splitmix64, fixed
 *     seed), laid out in lookup order as each table's key format (40-byte
 *     lb_flow_key, 16-byte rte key, plus the hash), so reading the key costs
 *     the same for everyone (it is sequential, as a packet's header in the
 *     receive buffer), and the table is what is measured;
 *   - single: lb_session_lookup(c, key, hash, now) against
 *     rte_hash_lookup_with_hash_data(h, key, hash, &data) and
 *     g_hash_table_lookup(g, key); bulk 64: lb_session_lookup_bulk(64 keys)
 *     against rte_hash_lookup_with_hash_bulk_data(64 keys);
 *   - each repetition runs every variant once over the whole stream, in a
 *     rotating order (interleaved); reported: the median over the
 *     repetitions in M lookups/s, min-max, and the ratio lbcore / rte_hash
 *     of the medians with the min-max of the per-repetition ratios; times
 *     are the thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)).
 * Every variant must return the same owner for every lookup (checked).
 *
 * rte_hash runs under rte_eal_init(--no-huge --no-pci --no-shconf
 * --no-telemetry -l 0 -m MB): 4 KiB pages, like lb_session's calloc.
 *
 * Usage: bench_session_dpdk [--big] [--smoke] [--reps R] [--lookups S]
 *                           [--entries N] [--rte-entries-factor F]
 * (--entries N: that one size instead of 100k, 1M (and 10M))
 * Prints one Markdown table (and notes) on stdout. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_log.h>

#include "bench_keys.h"
#include "lbcore/lbcore.h"

struct rte_key { /* the 16-byte IPv4 5-tuple rte_hash stores */
	uint8_t src[4], dst[4];
	uint16_t sport, dport;
	uint8_t proto, pad[3];
};
_Static_assert(sizeof(struct rte_key) == 16, "rte key is 16 bytes");

enum { BULK = 64 };

/* Thread CPU time: the benchmark is single-threaded, and time spent
 * descheduled (other work on shared cores) is not the tables' cost. */
static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t sink;

static struct rte_key rte_key_of(const struct lb_flow_key *k)
{
	struct rte_key r;
	memset(&r, 0, sizeof r);
	memcpy(r.src, k->src, 4);
	memcpy(r.dst, k->dst, 4);
	r.sport = k->sport;
	r.dport = k->dport;
	r.proto = k->proto;
	return r;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The tables and the lookup stream of one size. */
struct world {
	uint32_t n, s;
	struct lb_session *cache;
	struct rte_hash *rte;
	GHashTable *gh;
	struct lb_flow_key *keys;    /* n: GHashTable points into it */
	struct lb_flow_key *lstream; /* s, lookup order */
	struct rte_key *rstream;     /* s */
	const void **rptr;           /* s: &rstream[i] (rte bulk takes pointers) */
	uint32_t *hstream;           /* s */
	uint64_t expect_lb, expect_rte; /* sum of owners + 1 over the stream's hits */
};

enum variant { LB_SINGLE, RTE_SINGLE, LB_BULK, RTE_BULK, GHASH, NVARIANTS };
static const char *const variant_name[NVARIANTS] = {"lbcore single", "rte_hash single", "lbcore bulk 64",
						     "rte_hash bulk 64", "GHashTable single"};

static uint64_t run_variant(const struct world *w, enum variant v)
{
	uint64_t sum = 0;
	const uint64_t now = 1; /* every entry was inserted at 0: same ms, alive */
	switch (v) {
	case LB_SINGLE:
		for (uint32_t i = 0; i < w->s; i++) {
			int o = lb_session_lookup(w->cache, &w->lstream[i], w->hstream[i], now);
			sum += o >= 0 ? (uint64_t)o + 1 : 0;
		}
		break;
	case RTE_SINGLE:
		for (uint32_t i = 0; i < w->s; i++) {
			void *data = NULL;
			if (rte_hash_lookup_with_hash_data(w->rte, &w->rstream[i], w->hstream[i], &data) >= 0)
				sum += (uintptr_t)data;
		}
		break;
	case LB_BULK:
		for (uint32_t i = 0; i < w->s; i += BULK) {
			int owners[BULK];
			lb_session_lookup_bulk(w->cache, &w->lstream[i], &w->hstream[i], BULK, now, owners);
			for (int j = 0; j < BULK; j++)
				sum += owners[j] >= 0 ? (uint64_t)owners[j] + 1 : 0;
		}
		break;
	case RTE_BULK:
		for (uint32_t i = 0; i < w->s; i += BULK) {
			void *data[BULK];
			uint64_t hit = 0;
			rte_hash_lookup_with_hash_bulk_data(w->rte, &w->rptr[i], &w->hstream[i], BULK, &hit, data);
			for (int j = 0; j < BULK; j++)
				if (hit >> j & 1)
					sum += (uintptr_t)data[j];
		}
		break;
	case GHASH:
		for (uint32_t i = 0; i < w->s; i++)
			sum += GPOINTER_TO_UINT(g_hash_table_lookup(w->gh, &w->lstream[i]));
		break;
	case NVARIANTS:
		break;
	}
	return sum;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool world_init(struct world *w, uint32_t n, uint32_t s, double rte_factor)
{
	memset(w, 0, sizeof *w);
	w->n = n;
	w->s = s;
	w->keys = g_new(struct lb_flow_key, n);
	w->lstream = g_new(struct lb_flow_key, s);
	w->rstream = g_new(struct rte_key, s);
	w->rptr = g_new(const void *, s);
	w->hstream = g_new(uint32_t, s);
	uint32_t *hashes = g_new(uint32_t, n);
	struct lb_session_params p = {.capacity = n, .idle_timeout_ns = 3600 * LB_NS_PER_S};
	w->cache = lb_session_create(&p);
	char name[32];
	snprintf(name, sizeof name, "bench%u", n);
	struct rte_hash_parameters rp = {
		.name = name,
		.entries = (uint32_t)(n * rte_factor),
		.key_len = sizeof(struct rte_key),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = 0,
		.extra_flag = 0,
	};
	w->rte = rte_hash_create(&rp);
	w->gh = g_hash_table_new(key_hash, key_eq);
	if (!w->cache || !w->rte) {
		fprintf(stderr, "bench_session_dpdk: cannot create the tables for %u entries (%s)\n", n,
			w->rte ? "lb_session" : "rte_hash: raise -m");
		g_free(hashes);
		return false;
	}
	uint32_t rte_fail = 0;
	for (uint32_t i = 0; i < n; i++) {
		w->keys[i] = key_of(i);
		hashes[i] = lb_hasher_flow(&hasher, &w->keys[i]);
		uint8_t owner = (uint8_t)(i % 64);
		lb_session_insert(w->cache, &w->keys[i], hashes[i], owner, 0);
		struct rte_key rk = rte_key_of(&w->keys[i]);
		if (rte_hash_add_key_with_hash_data(w->rte, &rk, hashes[i], (void *)(uintptr_t)(owner + 1u)) < 0)
			rte_fail++;
		g_hash_table_insert(w->gh, &w->keys[i], GUINT_TO_POINTER(owner + 1u));
	}
	struct lb_session_stats st;
	lb_session_stats(w->cache, &st);
	if (rte_fail || st.evictions) /* a key a table lost is a miss in its stream */
		fprintf(stderr,
			"%u entries: rte_hash refused %u keys; lb_session, filled to its capacity, evicted %llu "
			"(%.4f%%: keys whose %d-bucket window was full), so as many of its lookups miss\n",
			n, rte_fail, (unsigned long long)st.evictions, 100.0 * (double)st.evictions / n,
			LB_SESSION_WINDOW);
	uint64_t seed = 42;
	for (uint32_t i = 0; i < s; i++) {
		uint32_t j = (uint32_t)(splitmix(&seed) % n);
		w->lstream[i] = w->keys[j];
		w->rstream[i] = rte_key_of(&w->keys[j]);
		w->rptr[i] = &w->rstream[i];
		w->hstream[i] = hashes[j];
		/* a key the table lost (an eviction, a refused add) is a miss */
		if (lb_session_created(w->cache, &w->keys[j], hashes[j]) != LB_TIME_NEVER)
			w->expect_lb += j % 64 + 1;
		if (rte_hash_lookup_with_hash(w->rte, &w->rstream[i], hashes[j]) >= 0)
			w->expect_rte += j % 64 + 1;
	}
	g_free(hashes);
	return true;
}

static void world_free(struct world *w)
{
	lb_session_free(w->cache);
	rte_hash_free(w->rte);
	if (w->gh)
		g_hash_table_destroy(w->gh);
	g_free(w->keys);
	g_free(w->lstream);
	g_free(w->rstream);
	g_free(w->rptr);
	g_free(w->hstream);
}

/* The targets (issue: lbcore >= 1.25 x rte_hash, single and bulk, with at
 * most 40 bytes per IPv4 entry), one row per size, printed after the table. */
#define TARGET_RATIO 1.25
#define TARGET_BYTES 40.0
struct verdict {
	uint32_t n;
	double single, bulk, bytes, vs_ghash;
};
static struct verdict verdicts[8];
static int nverdicts;

static void print_target(double ratio)
{
	if (ratio >= TARGET_RATIO)
		printf(" met (%.2fx) |", ratio);
	else
		printf(" **missed** (%.2fx: %.0f%% short) |", ratio, (TARGET_RATIO / ratio - 1) * 100);
}

static void print_verdicts(void)
{
	printf("| entries | single >= %.2fx rte_hash | bulk 64 >= %.2fx rte_hash | <= %.0f bytes per IPv4 entry | "
	       "lbcore single / GHashTable |\n",
	       TARGET_RATIO, TARGET_RATIO, TARGET_BYTES);
	printf("|---:|---|---|---|---:|\n");
	for (int i = 0; i < nverdicts; i++) {
		const struct verdict *v = &verdicts[i];
		printf("| %u |", v->n);
		print_target(v->single);
		print_target(v->bulk);
		printf(" %s (%.1f) | %.1fx |\n", v->bytes <= TARGET_BYTES ? "met" : "**missed**", v->bytes, v->vs_ghash);
	}
}

/* Measures one size; prints one table row. */
static int bench_size(uint32_t n, uint32_t s, int reps, double rte_factor)
{
	struct world w;
	if (!world_init(&w, n, s, rte_factor)) {
		world_free(&w);
		return 1;
	}
	double mps[NVARIANTS][64], ratio_single[64], ratio_bulk[64];
	int bad = 0;
	for (int v = 0; v < NVARIANTS; v++) /* warm-up (untimed), and the check */
		if (run_variant(&w, (enum variant)v) != (v == LB_SINGLE || v == LB_BULK ? w.expect_lb : w.expect_rte)) {
			fprintf(stderr, "bench_session_dpdk: %s returned wrong owners at %u entries\n",
				variant_name[v], n);
			bad = 1;
		}
	for (int r = 0; r < reps; r++) {
		for (int k = 0; k < NVARIANTS; k++) {
			enum variant v = (enum variant)((k + r) % NVARIANTS); /* rotate the order */
			double t0 = now_s();
			sink += run_variant(&w, v);
			mps[v][r] = s / (now_s() - t0) / 1e6;
		}
		ratio_single[r] = mps[LB_SINGLE][r] / mps[RTE_SINGLE][r];
		ratio_bulk[r] = mps[LB_BULK][r] / mps[RTE_BULK][r];
	}
	double med[NVARIANTS], lo[NVARIANTS], hi[NVARIANTS];
	for (int v = 0; v < NVARIANTS; v++) {
		med[v] = median(mps[v], reps); /* sorts */
		lo[v] = mps[v][0];
		hi[v] = mps[v][reps - 1];
	}
	median(ratio_single, reps);
	median(ratio_bulk, reps);
	printf("| %u | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | **%.2fx** (%.2f-%.2f) | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | "
	       "**%.2fx** (%.2f-%.2f) | %.1f (%.1f-%.1f) | %.1f |\n",
	       n, med[LB_SINGLE], lo[LB_SINGLE], hi[LB_SINGLE], med[RTE_SINGLE], lo[RTE_SINGLE], hi[RTE_SINGLE],
	       med[LB_SINGLE] / med[RTE_SINGLE], ratio_single[0], ratio_single[reps - 1], med[LB_BULK], lo[LB_BULK],
	       hi[LB_BULK], med[RTE_BULK], lo[RTE_BULK], hi[RTE_BULK], med[LB_BULK] / med[RTE_BULK], ratio_bulk[0],
	       ratio_bulk[reps - 1], med[GHASH], lo[GHASH], hi[GHASH], (double)lb_session_memory(w.cache) / n);
	fflush(stdout);
	if (nverdicts < 8)
		verdicts[nverdicts++] = (struct verdict){n, med[LB_SINGLE] / med[RTE_SINGLE], med[LB_BULK] / med[RTE_BULK],
							 (double)lb_session_memory(w.cache) / n,
							 med[LB_SINGLE] / med[GHASH]};
	world_free(&w);
	return bad;
}

int main(int argc, char **argv)
{
	bool big = false, smoke = false;
	int reps = 11;
	uint32_t lookups = 1u << 21;
	double rte_factor = 1.0;
	uint32_t only = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--big") == 0)
			big = true;
		else if (strcmp(argv[i], "--smoke") == 0)
			smoke = true;
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--lookups") == 0 && i + 1 < argc)
			lookups = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--entries") == 0 && i + 1 < argc)
			only = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--rte-entries-factor") == 0 && i + 1 < argc)
			rte_factor = atof(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_session_dpdk [--big] [--smoke] [--reps R (1..64)] [--lookups S] "
					"[--entries N] [--rte-entries-factor F]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > 64 || lookups < BULK || rte_factor < 1.0) {
		fprintf(stderr, "bench_session_dpdk: --reps 1..64, --lookups >= %d, --rte-entries-factor >= 1\n", BULK);
		return 2;
	}
	lookups -= lookups % BULK;
	if (smoke) {
		reps = 1;
		lookups = 4096;
	}
	char mem[16];
	snprintf(mem, sizeof mem, "%u", big ? 3072u : smoke ? 64u : 512u);
	char *eal[] = {argv[0], "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry", "-l", "0", "-m", mem,
		       "--log-level=error", NULL};
	if (rte_eal_init((int)(sizeof eal / sizeof eal[0]) - 1, eal) < 0) {
		fprintf(stderr, "bench_session_dpdk: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	lb_hasher_init(&hasher, LB_HASH_CRC32C, 0x5eed);
	printf("| entries | lbcore single M/s | rte_hash single M/s | single ratio | lbcore bulk 64 M/s | "
	       "rte_hash bulk 64 M/s | bulk ratio | GHashTable single M/s | lbcore bytes/entry |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	uint32_t sizes[] = {100000, 1000000, 10000000};
	int nsizes = smoke ? 1 : big ? 3 : 2;
	if (only) {
		sizes[0] = only;
		nsizes = 1;
	}
	int bad = 0;
	for (int i = 0; i < nsizes; i++)
		bad |= bench_size(smoke ? 10000 : sizes[i], lookups, reps, rte_factor);
	printf("\n%d repetitions of %u random hits each, interleaved; median (min-max) in M lookups/s; "
	       "ratio = lbcore / rte_hash of the medians (min-max of the per-repetition ratios); thread CPU time; "
	       "rte_hash entries = %.2f x n.\n\n",
	       reps, lookups, rte_factor);
	print_verdicts();
	rte_eal_cleanup();
	return bad || sink == 42;
}
