/* lb_ecmp.c - router ECMP groups: modulo-N, hash-threshold (RFC 2992),
 * resilient buckets (after Linux nexthop groups), and the kernel's own
 * selections (lb_linux_hash.c, lb_linux_res.c).  Design note: doc/ecmp.md. */
#include "lbcore/lb_ecmp.h"
#include "lbcore/lb_linux_hash.h"
#include "lbcore/lb_linux_res.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NO_NH 0xFFu

struct lb_ecmp {
	struct lb_ecmp_params p;
	lb_nodeset set;
	unsigned n;                        /* next hops in the set */
	uint8_t nh[LB_MAX_NODES];          /* the set, ascending ids */
	uint32_t limit[LB_MAX_NODES];      /* hash-threshold: see below */
	/* resilient */
	uint8_t *bucket_nh;                /* [B] node id or NO_NH */
	uint64_t *bucket_used;             /* [B] last-used time */
	uint32_t count[LB_MAX_NODES];      /* buckets held, by node id */
	uint32_t wants[LB_MAX_NODES];      /* target share, by node id */
	uint32_t deficit;                  /* sum of max(0, wants - count) */
	unsigned cursor;                   /* index into nh[]: first under-served */
	uint64_t unbalanced_since;         /* when deficit last became > 0; LB_TIME_NEVER: balanced */
	/* Linux kinds */
	uint32_t weight[LB_MAX_NODES];     /* by node id, 1 unless weighted */
	int32_t ub[LB_MAX_NODES];          /* LB_ECMP_LINUX: upper bounds, by position */
	struct lb_linux_res *lres;         /* LB_ECMP_LINUX_RESILIENT */
	struct lb_ecmp_stats st;
};

struct lb_ecmp *lb_ecmp_create(const struct lb_ecmp_params *p)
{
	if (!p)
		return NULL;
	if (p->kind != LB_ECMP_MODULO && p->kind != LB_ECMP_HASH_THRESHOLD && p->kind != LB_ECMP_RESILIENT &&
	    p->kind != LB_ECMP_LINUX && p->kind != LB_ECMP_LINUX_RESILIENT)
		return NULL;
	if (p->kind == LB_ECMP_RESILIENT && (p->buckets == 0 || p->buckets > LB_ECMP_MAX_BUCKETS))
		return NULL;
	struct lb_ecmp *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->p = *p;
	for (unsigned id = 0; id < LB_MAX_NODES; id++)
		g->weight[id] = 1;
	if (p->kind == LB_ECMP_LINUX_RESILIENT) {
		struct lb_linux_res_params rp = {.buckets = p->buckets,
						 .idle_timer_ns = p->idle_timer_ns,
						 .unbalanced_timer_ns = p->unbalanced_timer_ns};
		g->lres = lb_linux_res_create(&rp);
		if (!g->lres)
			goto err;
	} else if (p->kind == LB_ECMP_RESILIENT) {
		g->bucket_nh = malloc(p->buckets);
		g->bucket_used = calloc(p->buckets, sizeof *g->bucket_used);
		if (!g->bucket_nh || !g->bucket_used)
			goto err;
		memset(g->bucket_nh, NO_NH, p->buckets);
	} else {
		g->p.buckets = 0;
		g->p.idle_timer_ns = 0;
		g->p.unbalanced_timer_ns = 0;
	}
	g->unbalanced_since = LB_TIME_NEVER;
	return g;
err:
	lb_ecmp_free(g);
	return NULL;
}

void lb_ecmp_free(struct lb_ecmp *g)
{
	if (!g)
		return;
	free(g->bucket_nh);
	free(g->bucket_used);
	lb_linux_res_free(g->lres);
	free(g);
}

/* Hash-threshold (RFC 2992 section 1): next hop i (in id order) owns the
 * region [limit[i-1], limit[i]) with limit[-1] = 0 and limit[N-1] = 2^32,
 * limit[i] = ceil((i+1) * 2^32 / N) for i < N-1.  So region i is exactly
 * {h : floor(h*N / 2^32) = i}: equal regions up to one hash value.  The
 * limits are computed here, when the set changes; select is a binary search
 * over limit[0..N-2] (at most 6 compares, no division).
 *
 * Disruption (RFC 2992 section 4): removing the next hop at position k
 * shrinks N regions of 1/N to N-1 regions of 1/(N-1).  A survivor j < k
 * keeps the overlap of [j/N,(j+1)/N) and [j/(N-1),(j+1)/(N-1)), i.e.
 * (N-1-j)/(N(N-1)); a survivor j > k keeps j/(N(N-1)).  Summing, the
 * fraction of the hash space that stays is 1/2 + k(N-1-k)/(N(N-1)), so the
 * fraction remapped is 1/2 - k(N-1-k)/(N(N-1)): 1/2 when an end region goes
 * (worst case), about 1/4 when the middle one goes (best case), always at
 * least the 1/N that must move.  tests/core/test_ecmp.c checks this over
 * the whole 2^32 space for N = 2..16 and every k. */
static void threshold_build(struct lb_ecmp *g)
{
	for (unsigned i = 0; i + 1 < g->n; i++)
		g->limit[i] = (uint32_t)((((uint64_t)(i + 1) << 32) + g->n - 1) / g->n);
}

static unsigned threshold_find(const struct lb_ecmp *g, uint32_t hash)
{
	unsigned lo = 0, hi = g->n - 1;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (hash < g->limit[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Resilient buckets, after Linux nexthop groups
 * (Documentation/networking/nexthop-group-resilient.rst):
 * - The table has B buckets; bucket = hash % B.  Each bucket holds a next
 *   hop and the last time a packet used it.
 * - Target share: with the set sorted, next hop i wants
 *   round(B(i+1)/N) - round(Bi/N) buckets (the kernel's cumulative
 *   upper-bound rounding), which is floor or ceil(B/N) and sums to B.
 * - A next hop holding more than it wants is overweight, fewer is
 *   underweight.  On lb_ecmp_set() only orphan buckets (their next hop
 *   left the set) move, at once, to underweight next hops.  Since the
 *   shares sum to B, the total deficit always equals the orphans' count
 *   plus the survivors' excess, so every orphan finds a home.
 * - lb_ecmp_tick() moves buckets of overweight next hops that have been
 *   idle for idle_timer to underweight next hops.  A moved bucket is
 *   stamped as used at the move, so it cannot bounce.
 * - The unbalanced timer (the kernel's unbalanced_timer, 0 = never): once
 *   the group has been unbalanced (deficit > 0) for that long, buckets of
 *   overweight next hops move whether idle or not (the kernel's
 *   nh_res_bucket_should_migrate(): "force" when unbalanced_since +
 *   unbalanced_timer has passed).  Without it, busy buckets never move: a
 *   next hop that once took over every bucket keeps its surplus for as
 *   long as its flows keep sending (doc/model.md shows it).
 * Invariants (when the set is not empty): every bucket holds a next hop of
 * the set; count[] sums to B; deficit = sum over the set of
 * max(0, wants - count); tick moves nothing when deficit = 0.  Underweight
 * next hops are filled in ascending id order (cursor). */
static void res_advance_cursor(struct lb_ecmp *g)
{
	while (g->cursor < g->n && g->count[g->nh[g->cursor]] >= g->wants[g->nh[g->cursor]])
		g->cursor++;
}

static void res_move(struct lb_ecmp *g, uint32_t b, uint64_t now_ns)
{
	res_advance_cursor(g);
	assert(g->cursor < g->n && g->deficit > 0);
	uint8_t to = g->nh[g->cursor];
	if (g->bucket_nh[b] != NO_NH)
		g->count[g->bucket_nh[b]]--;
	g->bucket_nh[b] = to;
	g->count[to]++;
	g->bucket_used[b] = now_ns;
	g->deficit--;
	if (g->deficit == 0)
		g->unbalanced_since = LB_TIME_NEVER;
}

static uint32_t res_set(struct lb_ecmp *g, uint64_t now_ns)
{
	uint32_t B = g->p.buckets, moved = 0;
	memset(g->wants, 0, sizeof g->wants);
	g->deficit = 0;
	g->cursor = 0;
	if (g->n == 0) {
		for (uint32_t b = 0; b < B; b++) {
			if (g->bucket_nh[b] != NO_NH) {
				g->bucket_nh[b] = NO_NH;
				moved++;
			}
		}
		memset(g->count, 0, sizeof g->count);
		return moved;
	}
	uint64_t prev = 0;
	for (unsigned i = 0; i < g->n; i++) {
		uint64_t ub = ((uint64_t)B * (i + 1) + g->n / 2) / g->n;
		uint8_t id = g->nh[i];
		g->wants[id] = (uint32_t)(ub - prev);
		prev = ub;
		if (g->count[id] < g->wants[id])
			g->deficit += g->wants[id] - g->count[id];
	}
	if (g->deficit > 0 && g->unbalanced_since == LB_TIME_NEVER)
		g->unbalanced_since = now_ns;
	for (uint32_t b = 0; b < B; b++) {
		uint8_t id = g->bucket_nh[b];
		if (id == NO_NH || !lb_nodeset_has(g->set, id)) {
			res_move(g, b, now_ns);
			moved++;
		}
	}
	return moved;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static bool is_linux(const struct lb_ecmp *g)
{
	return g->p.kind == LB_ECMP_LINUX || g->p.kind == LB_ECMP_LINUX_RESILIENT;
}

int lb_ecmp_set(struct lb_ecmp *g, lb_nodeset nexthops, uint64_t now_ns)
{
	return lb_ecmp_set_weighted(g, nexthops, NULL, now_ns);
}

int lb_ecmp_set_weighted(struct lb_ecmp *g, lb_nodeset nexthops, const uint32_t weights[LB_MAX_NODES],
			 uint64_t now_ns)
{
	assert(g);
	uint32_t w[LB_MAX_NODES];
	for (unsigned id = 0; id < LB_MAX_NODES; id++) {
		w[id] = weights && lb_nodeset_has(nexthops, id) ? weights[id] : 1;
		if (w[id] == 0 || w[id] > LB_LINUX_WEIGHT_MAX || (w[id] != 1 && !is_linux(g)))
			return -EINVAL;
	}
	if (nexthops == g->set && memcmp(w, g->weight, sizeof w) == 0)
		return 0;
	memcpy(g->weight, w, sizeof w);
	g->set = nexthops;
	g->n = 0;
	for (unsigned id = 0; id < LB_MAX_NODES; id++)
		if (lb_nodeset_has(nexthops, id))
			g->nh[g->n++] = (uint8_t)id;
	g->st.changes++;
	uint32_t moved = 0;
	uint32_t wpos[LB_MAX_NODES];
	for (unsigned i = 0; i < g->n; i++)
		wpos[i] = w[g->nh[i]];
	if (g->p.kind == LB_ECMP_HASH_THRESHOLD)
		threshold_build(g);
	else if (g->p.kind == LB_ECMP_RESILIENT)
		moved = res_set(g, now_ns);
	else if (g->p.kind == LB_ECMP_LINUX && g->n > 0)
		lb_linux_upper_bounds(wpos, g->n, g->ub);
	else if (g->p.kind == LB_ECMP_LINUX_RESILIENT)
		moved = (uint32_t)lb_linux_res_set(g->lres, g->nh, wpos, g->n, now_ns);
	g->st.moved_at_once += moved;
	return (int)moved;
}

int lb_ecmp_select(struct lb_ecmp *g, uint32_t hash, uint64_t now_ns)
{
	assert(g);
	g->st.selects++;
	if (g->n == 0) {
		g->st.no_route++;
		return -ENOENT;
	}
	switch (g->p.kind) {
	case LB_ECMP_MODULO:
		return g->nh[hash % g->n];
	case LB_ECMP_HASH_THRESHOLD:
		return g->nh[threshold_find(g, hash)];
	case LB_ECMP_LINUX:
		return g->nh[lb_linux_hthr_select(g->ub, g->n, lb_linux_mp_hash(hash))];
	case LB_ECMP_LINUX_RESILIENT:
		return lb_linux_res_select(g->lres, lb_linux_mp_hash(hash), now_ns);
	case LB_ECMP_RESILIENT:
	default: {
		uint32_t b = hash % g->p.buckets;
		assert(g->bucket_nh[b] != NO_NH);
		g->bucket_used[b] = now_ns;
		return g->bucket_nh[b];
	}
	}
}

static bool res_candidate(const struct lb_ecmp *g, uint32_t b)
{
	uint8_t id = g->bucket_nh[b];
	return id != NO_NH && g->count[id] > g->wants[id];
}

int lb_ecmp_tick(struct lb_ecmp *g, uint64_t now_ns)
{
	assert(g);
	if (g->p.kind == LB_ECMP_LINUX_RESILIENT) {
		int moved = lb_linux_res_upkeep(g->lres, now_ns);
		g->st.moved_idle += (uint64_t)moved;
		return moved;
	}
	if (g->p.kind != LB_ECMP_RESILIENT)
		return 0;
	uint32_t moved = 0;
	bool forced = g->p.unbalanced_timer_ns != 0 && g->unbalanced_since != LB_TIME_NEVER &&
		      sat_add(g->unbalanced_since, g->p.unbalanced_timer_ns) <= now_ns;
	for (uint32_t b = 0; b < g->p.buckets && g->deficit > 0; b++) {
		if (res_candidate(g, b) && (forced || sat_add(g->bucket_used[b], g->p.idle_timer_ns) <= now_ns)) {
			res_move(g, b, now_ns);
			moved++;
		}
	}
	g->st.moved_idle += moved;
	return (int)moved;
}

uint64_t lb_ecmp_next_deadline(const struct lb_ecmp *g)
{
	assert(g);
	uint64_t d = LB_TIME_NEVER;
	if (g->p.kind == LB_ECMP_LINUX_RESILIENT)
		return lb_linux_res_next_upkeep(g->lres);
	if (g->p.kind != LB_ECMP_RESILIENT || g->deficit == 0)
		return d;
	if (g->p.unbalanced_timer_ns != 0 && g->unbalanced_since != LB_TIME_NEVER)
		d = sat_add(g->unbalanced_since, g->p.unbalanced_timer_ns);
	for (uint32_t b = 0; b < g->p.buckets; b++) {
		if (res_candidate(g, b)) {
			uint64_t t = sat_add(g->bucket_used[b], g->p.idle_timer_ns);
			if (t < d)
				d = t;
		}
	}
	return d;
}

lb_nodeset lb_ecmp_nexthops(const struct lb_ecmp *g)
{
	assert(g);
	return g->set;
}

uint32_t lb_ecmp_buckets_of(const struct lb_ecmp *g, unsigned node)
{
	assert(g);
	if (g->p.kind == LB_ECMP_LINUX_RESILIENT)
		return lb_linux_res_count(g->lres, node);
	if (g->p.kind != LB_ECMP_RESILIENT || node >= LB_MAX_NODES)
		return 0;
	return g->count[node];
}

int lb_ecmp_bucket(const struct lb_ecmp *g, uint32_t b)
{
	assert(g);
	if (g->p.kind == LB_ECMP_LINUX_RESILIENT)
		return lb_linux_res_bucket(g->lres, b);
	if (g->p.kind != LB_ECMP_RESILIENT || b >= g->p.buckets || g->bucket_nh[b] == NO_NH)
		return -ENOENT;
	return g->bucket_nh[b];
}

void lb_ecmp_get_stats(const struct lb_ecmp *g, struct lb_ecmp_stats *out)
{
	assert(g && out);
	*out = g->st;
}

LB_KIND_TABLE(lb_ecmp_kind_table, "ECMP", LB_ECMP_KINDS);

int lb_ecmp_kind_parse(const char *s, enum lb_ecmp_kind *out)
{
	assert(out);
	int v = lb_kind_parse(&lb_ecmp_kind_table, s);
	if (v < 0)
		return v;
	*out = (enum lb_ecmp_kind)v;
	return 0;
}

const char *lb_ecmp_kind_name(enum lb_ecmp_kind kind)
{
	return lb_kind_name(&lb_ecmp_kind_table, (unsigned)kind);
}
