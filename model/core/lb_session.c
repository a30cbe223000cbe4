/* lb_session.c - the steering session cache; the layout, aging and eviction
 * rules are in lb_session.h.
 *
 * Algorithm: bucketed linear probing over cache-line buckets that hold the
 * IPv4 keys inline (our code).  The bucket-per-line idea is DPDK rte_hash's
 * (which keeps 16-bit signatures in the line and the keys in a separate
 * array, so a hit reads two lines) and Swiss tables' groups; storing the
 * 13-byte key in the line itself is what makes a hit one line.  The home
 * bucket comes from the hash's high bits (Lemire's multiply-shift range
 * reduction, no division).
 *
 * Invariants:
 *   - a slot is free iff the family byte of its head is 0 (keys have 4 or
 *     6), so a free slot never matches a probe;
 *   - count = number of used slots <= capacity;
 *   - a live key whose home bucket is h sits in bucket h + d, d its
 *     distance (stored in the slot), and reach[h] = the largest d of the
 *     live keys homed at h (0 when none), < LB_SESSION_WINDOW: inserts
 *     raise it, removing the farthest key recomputes it from the stored
 *     distances of buckets h..h + reach[h].  The table has
 *     LB_SESSION_WINDOW - 1 tail buckets after the last home bucket, so a
 *     window never wraps;
 *   - at most one slot holds a given key (insert finds before it claims).
 */
#include "lbcore/lb_session.h"

#include "lb_age_ring.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* One slot: the key inline (IPv4) or with a fold of its addresses (IPv6),
 * its distance from home, and its last use. */
struct slot {
	uint8_t head[8]; /* the key's family, proto, sport, dport (its first 6 bytes), 0, distance d */
	uint8_t addr[8]; /* IPv4: source then destination; IPv6: a 32-bit fold of each */
	uint32_t last_ms;
};

struct bucket {
	struct slot slot[LB_SESSION_BUCKET];
	uint8_t owner[LB_SESSION_BUCKET];
	uint8_t reach; /* the largest distance of the live keys homed here */
};

#define LINE 64
#define DIST 7 /* head byte holding the distance */

_Static_assert(sizeof(struct slot) == 20, "a slot is 20 bytes");
_Static_assert(sizeof(struct bucket) == LINE, "a bucket is one 64-byte cache line");
_Static_assert(LB_SESSION_BUCKET == 3, "addr_match() and used_mask() are written for 3 slots");
_Static_assert(offsetof(struct lb_flow_key, dport) == 4 && offsetof(struct lb_flow_key, src) == 8,
	       "a flow key starts with family, proto, sport, dport");
_Static_assert(LB_SESSION_WINDOW <= 256, "distances fit a byte");

struct lb_session {
	uint32_t capacity;
	uint32_t timeout_ms;
	uint32_t nb; /* home buckets; the table has nb + LB_SESSION_WINDOW - 1 */
	size_t count;
	size_t sweep_pos;
	struct bucket *b; /* LINE-aligned, inside b_alloc */
	void *b_alloc;
	uint32_t *created_ms;       /* per slot */
	uint8_t (*v6)[32];          /* per slot, src then dst, or NULL */
	struct lb_session_stats st; /* lookups is derived: hits + misses */
	struct lb_age_ring live;    /* count_live only (live.count != NULL) */
};

#define NO_SLOT SIZE_MAX
/* The per-lookup helpers, inlined into the lookups. */
#define HOT static inline __attribute__((always_inline))
/* Bulk lookups prefetch the buckets of the key this many keys ahead.
 * Measured (bulk 64 against rte_hash as in bench_session_dpdk, 2 shared
 * cores, +-5%): at 100k entries 6 to 10 alike, 16 loses 19% and 20 loses
 * 28% (the lines in flight crowd out the key stream); at 1M 10 to 16
 * alike, 8 loses 5%; at 10M 10 is best by 4 to 7%. */
#define PREFETCH_AHEAD 10

/* A key as a slot stores it: compared as two 64-bit words. */
struct probe {
	uint64_t head, addr;
};

/* The key's first 6 bytes (family, proto, sport, dport), not its pad. */
static const uint8_t head_mask[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0};

HOT uint64_t mask_of_head(void)
{
	uint64_t m;
	memcpy(&m, head_mask, 8);
	return m;
}

static uint32_t fold(const uint8_t a[16])
{
	uint32_t w[4];
	memcpy(w, a, 16);
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

/* Built in registers; a slot stores these words as they are. */
HOT struct probe probe_of(const struct lb_flow_key *k)
{
	uint64_t head;
	memcpy(&head, k, 8);
	uint32_t s, d;
	if (k->family == LB_AF_INET) {
		memcpy(&s, k->src, 4);
		memcpy(&d, k->dst, 4);
	} else {
		s = fold(k->src);
		d = fold(k->dst);
	}
	return (struct probe){.head = head & mask_of_head(), .addr = s | (uint64_t)d << 32};
}

HOT uint32_t ms_of(uint64_t ns)
{
	return (uint32_t)(ns / LB_NS_PER_MS);
}

HOT struct bucket *home_of(const struct lb_session *c, uint32_t hash)
{
	return &c->b[((uint64_t)hash * c->nb) >> 32];
}

static size_t total_buckets(const struct lb_session *c)
{
	return (size_t)c->nb + LB_SESSION_WINDOW - 1;
}

HOT uint64_t addr_of(const struct bucket *b, unsigned s)
{
	uint64_t a;
	memcpy(&a, b->slot[s].addr, 8);
	return a;
}

HOT uint64_t head_of(const struct bucket *b, unsigned s)
{
	uint64_t h;
	memcpy(&h, b->slot[s].head, 8);
	return h;
}

/* The head of a probe one bucket further from home: distance + 1.  A key
 * d buckets from home is confirmed by head_of() == p.head + d x this, so
 * its distance byte need not be masked off. */
HOT uint64_t one_bucket_further(void)
{
	static const uint8_t one[8] = {[DIST] = 1};
	uint64_t u;
	memcpy(&u, one, 8);
	return u;
}

/* Bit s set when slot s of b holds the addresses a (the key is then
 * confirmed by head_of(): addresses first, as they differ most). */
HOT unsigned addr_match(const struct bucket *b, uint64_t a)
{
	return (addr_of(b, 0) == a) | (addr_of(b, 1) == a) << 1 | (addr_of(b, 2) == a) << 2;
}

static unsigned used_mask(const struct bucket *b)
{
	return (b->slot[0].head[0] != 0) | (b->slot[1].head[0] != 0) << 1 | (b->slot[2].head[0] != 0) << 2;
}

#define ALL_SLOTS ((1u << LB_SESSION_BUCKET) - 1)

static size_t slot_index(const struct lb_session *c, const struct bucket *b, unsigned s)
{
	return (size_t)(b - c->b) * LB_SESSION_BUCKET + s;
}

static struct slot *slot_at(const struct lb_session *c, size_t slot)
{
	return &c->b[slot / LB_SESSION_BUCKET].slot[slot % LB_SESSION_BUCKET];
}

struct lb_session *lb_session_create(const struct lb_session_params *p)
{
	if (!p || p->capacity == 0 || p->capacity > LB_SESSION_MAX_CAPACITY ||
	    p->idle_timeout_ns < LB_SESSION_MIN_TIMEOUT_NS || p->idle_timeout_ns > LB_SESSION_MAX_TIMEOUT_NS)
		return NULL;
	struct lb_session *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->capacity = p->capacity;
	c->timeout_ms = (uint32_t)((p->idle_timeout_ns + LB_NS_PER_MS - 1) / LB_NS_PER_MS);
	/* home slots: capacity x 3/2 (IPv4 only) or x 4/3 (with IPv6), see the header */
	uint64_t num = p->ipv6 ? 4 : 3, den = p->ipv6 ? 3 : 2;
	c->nb = (uint32_t)((p->capacity * num + den * LB_SESSION_BUCKET - 1) / (den * LB_SESSION_BUCKET));
	size_t nbt = total_buckets(c), slots = nbt * LB_SESSION_BUCKET;
	/* calloc: the kernel zeroes large tables' pages lazily; aligned by hand */
	c->b_alloc = calloc(nbt * sizeof(struct bucket) + LINE - 1, 1);
	c->created_ms = calloc(slots, sizeof *c->created_ms);
	if (p->ipv6)
		c->v6 = calloc(slots, sizeof *c->v6);
	if (!c->b_alloc || !c->created_ms || (p->ipv6 && !c->v6))
		goto err;
	c->b = (struct bucket *)(((uintptr_t)c->b_alloc + LINE - 1) & ~(uintptr_t)(LINE - 1));
	if (p->count_live && lb_age_ring_init(&c->live, c->timeout_ms) < 0)
		goto err;
	return c;
err:
	lb_session_free(c);
	return NULL;
}

void lb_session_free(struct lb_session *c)
{
	if (!c)
		return;
	free(c->b_alloc);
	free(c->created_ms);
	free(c->v6);
	lb_age_ring_free(&c->live);
	free(c);
}

/* The slot holding k (whose probe is p), or NO_SLOT. */
static size_t find(const struct lb_session *c, const struct lb_flow_key *k, struct probe p, uint32_t hash)
{
	if (k->family != LB_AF_INET && !c->v6)
		return NO_SLOT;
	const struct bucket *b = home_of(c, hash);
	uint64_t head = p.head;
	for (unsigned i = 0, reach = b->reach; i <= reach; i++, b++, head += one_bucket_further())
		for (unsigned m = addr_match(b, p.addr); m; m &= m - 1) {
			unsigned s = (unsigned)__builtin_ctz(m);
			size_t slot = slot_index(c, b, s);
			if (head_of(b, s) == head &&
			    (k->family == LB_AF_INET ||
			     (memcmp(c->v6[slot], k->src, 16) == 0 && memcmp(c->v6[slot] + 16, k->dst, 16) == 0)))
				return slot;
		}
	return NO_SLOT;
}

HOT bool expired(const struct lb_session *c, uint32_t last_ms, uint32_t now_ms)
{
	return now_ms - last_ms >= c->timeout_ms;
}

/* Frees a slot; when its key was the farthest of its home, the home's reach
 * is recomputed from the distances of the keys still there. */
static void remove_slot(struct lb_session *c, size_t slot)
{
	struct slot *s = slot_at(c, slot);
	unsigned d = s->head[DIST];
	memset(s->head, 0, sizeof s->head);
	c->count--;
	if (c->live.count)
		lb_age_ring_remove(&c->live, s->last_ms);
	struct bucket *home = &c->b[slot / LB_SESSION_BUCKET - d];
	if (d == 0 || d != home->reach)
		return;
	unsigned reach = 0;
	for (unsigned i = 1; i <= d; i++)
		for (unsigned m = used_mask(&home[i]); m; m &= m - 1)
			if (home[i].slot[__builtin_ctz(m)].head[DIST] == i)
				reach = i;
	home->reach = (uint8_t)reach;
}

/* An entry's last use moves from last to now (count_live). */
static void live_touch(struct lb_session *c, uint32_t last, uint32_t now)
{
	lb_age_ring_remove(&c->live, last);
	lb_age_ring_add(&c->live, now);
}

/* What a lookup reads of the cache, in registers across a bulk call
 * (the compiler cannot keep c's fields there: stores to last_ms and to the
 * caller's owners could alias them). */
struct view {
	struct bucket *b;
	uint32_t nb, timeout_ms;
};

HOT struct view view_of(const struct lb_session *c)
{
	return (struct view){c->b, c->nb, c->timeout_ms};
}

HOT struct bucket *home_in(struct view v, uint32_t hash)
{
	return &v.b[((uint64_t)hash * v.nb) >> 32];
}

/* lb_session_lookup() without the hit and miss counters: the owner, or
 * -ENOENT (an expired entry found is removed and counted).  An IPv4 key is
 * looked up inline: its home bucket, then the rest of the home's reach;
 * an IPv6 key by find().  `next`: prefetch the bucket after home first
 * (single lookups; bulk lookups prefetched it already). */
HOT int lookup(struct lb_session *c, struct view v, const struct lb_flow_key *k, uint32_t hash, uint32_t now,
	       bool next)
{
	struct probe p = probe_of(k);
	struct bucket *b = home_in(v, hash);
	if (next)
		__builtin_prefetch(b + 1);
	unsigned s;
	if (__builtin_expect(k->family == LB_AF_INET, 1)) {
		uint64_t head = p.head;
		for (unsigned i = 0, reach = b->reach;; i++, b++, head += one_bucket_further()) {
			for (unsigned m = addr_match(b, p.addr); m; m &= m - 1) {
				s = (unsigned)__builtin_ctz(m);
				if (__builtin_expect(head_of(b, s) == head, 1))
					goto found;
			}
			if (i == reach)
				return -ENOENT;
		}
	} else {
		size_t slot = find(c, k, p, hash);
		if (slot == NO_SLOT)
			return -ENOENT;
		b = &v.b[slot / LB_SESSION_BUCKET];
		s = (unsigned)(slot % LB_SESSION_BUCKET);
	}
found:;
	uint32_t last = b->slot[s].last_ms;
	if (__builtin_expect(now - last >= v.timeout_ms, 0)) {
		remove_slot(c, slot_index(c, b, s));
		c->st.expiries++;
		return -ENOENT;
	}
	if (last != now) { /* do not dirty the line needlessly */
		b->slot[s].last_ms = now;
		if (__builtin_expect(c->live.count != NULL, 0))
			live_touch(c, last, now);
	}
	return b->owner[s];
}

int lb_session_lookup(struct lb_session *c, const struct lb_flow_key *k, uint32_t hash, uint64_t now_ns)
{
	assert(c && k);
	int owner = lookup(c, view_of(c), k, hash, ms_of(now_ns), true);
	if (owner < 0)
		c->st.misses++;
	else
		c->st.hits++;
	return owner;
}

/* Software pipelining: while key i is looked up, the home bucket of key
 * i + PREFETCH_AHEAD and the bucket after it are on their way (DPDK's bulk
 * lookups prefetch a whole burst first; a rolling distance keeps fewer
 * lines in flight and needs no second pass). */
HOT void prefetch_window(struct view v, uint32_t hash)
{
	const struct bucket *b = home_in(v, hash);
	__builtin_prefetch(b);
	__builtin_prefetch(b + 1);
}

size_t lb_session_lookup_bulk(struct lb_session *c, const struct lb_flow_key *keys, const uint32_t *hashes,
			      size_t n, uint64_t now_ns, int *owners)
{
	assert(c && (n == 0 || (keys && hashes && owners)));
	const struct view v = view_of(c);
	const uint32_t now = ms_of(now_ns);
	size_t hits = 0;
	for (size_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		prefetch_window(v, hashes[i]);
	for (size_t i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			prefetch_window(v, hashes[i + PREFETCH_AHEAD]);
		int o = lookup(c, v, &keys[i], hashes[i], now, false);
		owners[i] = o;
		hits += o >= 0;
	}
	c->st.hits += hits;
	c->st.misses += n - hits;
	return hits;
}

/* The first free slot of hash's window, its distance stored and its home's
 * reach raised; NO_SLOT when the window is full. */
static size_t free_in_window(struct lb_session *c, uint32_t hash)
{
	struct bucket *home = home_of(c, hash);
	for (unsigned i = 0; i < LB_SESSION_WINDOW; i++) {
		unsigned m = ~used_mask(&home[i]) & ALL_SLOTS;
		if (m) {
			unsigned s = (unsigned)__builtin_ctz(m);
			home[i].slot[s].head[DIST] = (uint8_t)i;
			if (home->reach < i)
				home->reach = (uint8_t)i;
			return slot_index(c, &home[i], s);
		}
	}
	return NO_SLOT;
}

/* The LRU live slot of buckets [b0, b0 + nbk), or NO_SLOT. */
static size_t lru_in(const struct lb_session *c, size_t b0, size_t nbk)
{
	size_t best = NO_SLOT;
	uint32_t best_ms = 0;
	for (size_t b = b0; b < b0 + nbk; b++)
		for (unsigned m = used_mask(&c->b[b]); m; m &= m - 1) {
			unsigned s = (unsigned)__builtin_ctz(m);
			uint32_t ms = c->b[b].slot[s].last_ms;
			/* compare ages, not raw ms, so the 2^32 wrap does not matter */
			if (best == NO_SLOT || ms - best_ms > UINT32_MAX / 2) {
				best = b * LB_SESSION_BUCKET + s;
				best_ms = ms;
			}
		}
	return best;
}

/* The first expired live slot of hash's window, or NO_SLOT. */
static size_t expired_in_window(const struct lb_session *c, uint32_t hash, uint32_t now)
{
	const struct bucket *home = home_of(c, hash);
	for (unsigned i = 0; i < LB_SESSION_WINDOW; i++)
		for (unsigned m = used_mask(&home[i]); m; m &= m - 1) {
			unsigned s = (unsigned)__builtin_ctz(m);
			if (expired(c, home[i].slot[s].last_ms, now))
				return slot_index(c, &home[i], s);
		}
	return NO_SLOT;
}

/* A slot for a new key (see "Eviction" in lb_session.h). */
static size_t claim(struct lb_session *c, uint32_t hash, uint32_t now)
{
	if (c->count < c->capacity) {
		size_t slot = free_in_window(c, hash);
		if (slot != NO_SLOT)
			return slot;
	}
	size_t victim = expired_in_window(c, hash, now);
	if (victim != NO_SLOT) {
		c->st.expiries++;
	} else {
		size_t h = (size_t)(home_of(c, hash) - c->b), nbt = total_buckets(c);
		victim = lru_in(c, h, LB_SESSION_WINDOW);
		/* at capacity with an empty window: the next non-empty bucket,
		 * wrapping after the last (count = capacity >= 1, so one exists) */
		for (size_t b = h + LB_SESSION_WINDOW; victim == NO_SLOT; b++)
			victim = lru_in(c, b % nbt, 1);
		c->st.evictions++;
	}
	remove_slot(c, victim);
	size_t slot = free_in_window(c, hash);
	assert(slot != NO_SLOT);
	return slot;
}

/* Stores k in slot (free; free_in_window() set its distance). */
static void store(struct lb_session *c, size_t slot, const struct lb_flow_key *k, const struct probe *p,
		  uint8_t owner, uint32_t now)
{
	struct bucket *b = &c->b[slot / LB_SESSION_BUCKET];
	unsigned i = (unsigned)(slot % LB_SESSION_BUCKET);
	struct slot *s = &b->slot[i];
	uint8_t dist = s->head[DIST];
	memcpy(s->head, &p->head, 8);
	s->head[DIST] = dist;
	memcpy(s->addr, &p->addr, 8);
	s->last_ms = now;
	b->owner[i] = owner;
	c->created_ms[slot] = now;
	if (k->family == LB_AF_INET6) {
		memcpy(c->v6[slot], k->src, 16);
		memcpy(c->v6[slot] + 16, k->dst, 16);
	}
	c->count++;
	c->st.inserts++;
	if (c->live.count)
		lb_age_ring_add(&c->live, now);
}

int lb_session_insert(struct lb_session *c, const struct lb_flow_key *k, uint32_t hash, uint8_t owner,
		      uint64_t now_ns)
{
	assert(c && k && (k->family == LB_AF_INET || k->family == LB_AF_INET6));
	if (k->family == LB_AF_INET6 && !c->v6)
		return -EAFNOSUPPORT;
	uint32_t now = ms_of(now_ns);
	struct probe p = probe_of(k);
	size_t slot = find(c, k, p, hash);
	if (slot != NO_SLOT && !expired(c, slot_at(c, slot)->last_ms, now)) {
		c->b[slot / LB_SESSION_BUCKET].owner[slot % LB_SESSION_BUCKET] = owner;
		if (c->live.count)
			live_touch(c, slot_at(c, slot)->last_ms, now);
		slot_at(c, slot)->last_ms = now;
		c->st.updates++;
		return 1;
	}
	if (slot != NO_SLOT) {
		/* expired: gone (an expiry), then stored again as new */
		remove_slot(c, slot);
		c->st.expiries++;
	}
	slot = claim(c, hash, now);
	store(c, slot, k, &p, owner, now);
	return 0;
}

int lb_session_delete(struct lb_session *c, const struct lb_flow_key *k, uint32_t hash)
{
	assert(c && k);
	struct probe p = probe_of(k);
	size_t slot = find(c, k, p, hash);
	if (slot == NO_SLOT)
		return -ENOENT;
	remove_slot(c, slot);
	c->st.deletes++;
	return 0;
}

size_t lb_session_sweep(struct lb_session *c, uint64_t now_ns, size_t max_slots)
{
	assert(c);
	size_t total = lb_session_slots(c), n = 0;
	uint32_t now = ms_of(now_ns);
	for (size_t i = 0; i < max_slots && i < total; i++) {
		size_t slot = c->sweep_pos;
		c->sweep_pos = slot + 1 == total ? 0 : slot + 1;
		const struct slot *s = slot_at(c, slot);
		if (s->head[0] != 0 && expired(c, s->last_ms, now)) {
			remove_slot(c, slot);
			c->st.expiries++;
			n++;
		}
	}
	return n;
}

uint64_t lb_session_created(const struct lb_session *c, const struct lb_flow_key *k, uint32_t hash)
{
	struct probe p = probe_of(k);
	size_t slot = find(c, k, p, hash);
	return slot == NO_SLOT ? LB_TIME_NEVER : (uint64_t)c->created_ms[slot] * LB_NS_PER_MS;
}

size_t lb_session_count(const struct lb_session *c)
{
	return c->count;
}

size_t lb_session_count_live(struct lb_session *c, uint64_t now_ns)
{
	if (!c->live.count)
		return c->count;
	lb_age_ring_advance(&c->live, ms_of(now_ns));
	return c->count - lb_age_ring_expired(&c->live);
}

size_t lb_session_slots(const struct lb_session *c)
{
	return total_buckets(c) * LB_SESSION_BUCKET;
}

void lb_session_stats(const struct lb_session *c, struct lb_session_stats *out)
{
	*out = c->st;
	out->lookups = c->st.hits + c->st.misses;
}

size_t lb_session_entry_bytes(int family)
{
	/* a third of a bucket and a creation time, rounded up to a whole byte */
	size_t v4 = (sizeof(struct bucket) + LB_SESSION_BUCKET - 1) / LB_SESSION_BUCKET + sizeof(uint32_t);
	if (family == LB_AF_INET)
		return v4;
	if (family == LB_AF_INET6)
		return v4 + 32;
	return 0;
}

size_t lb_session_memory(const struct lb_session *c)
{
	size_t slots = lb_session_slots(c);
	return sizeof *c + total_buckets(c) * sizeof(struct bucket) + LINE - 1 + slots * sizeof(uint32_t) +
	       (c->v6 ? slots * 32 : 0) + (c->live.count ? (size_t)c->live.t_ms * sizeof(uint32_t) : 0);
}
