/* lb_ecmp.h - the router's ECMP group: maps a 32-bit flow hash to one of a
 * set of next hops (node ids 0..63, an lb_nodeset).
 *
 * Three selection algorithms (design note: doc/ecmp.md):
 *
 *   LB_ECMP_MODULO          nexthop[hash % N] over the next hops sorted by id.
 *                           Removing one of N next hops remaps (N-1)/N of the
 *                           flows.
 *   LB_ECMP_HASH_THRESHOLD  RFC 2992: [0, 2^32) split into N equal regions in
 *                           id order; region i is {h : floor(h*N / 2^32) = i}.
 *                           Removing the next hop at position k (0-based) of
 *                           N remaps 1/2 - k(N-1-k) / (N(N-1)) of the flows
 *                           (RFC 2992 section 4): 1/2 for an end region,
 *                           about 1/4 for the middle one.
 *   LB_ECMP_RESILIENT       Linux-style resilient nexthop group: a table of B
 *                           buckets, bucket = hash % B, each bucket holding a
 *                           next hop and its last-used time.  A change moves
 *                           only the buckets of removed next hops at once;
 *                           the other buckets move to under-served next hops
 *                           later, one by one, once idle for idle_timer_ns
 *                           (lb_ecmp_tick), until each next hop holds floor
 *                           or ceil(B/N); once the group has been
 *                           unbalanced for unbalanced_timer_ns (0: never),
 *                           busy buckets move too (the kernel's timers; the
 *                           fill order and the hash bits used are lbsim's,
 *                           LB_ECMP_LINUX_RESILIENT is the kernel's own).
 *
 * and two that reproduce the Linux kernel bit for bit (lb_linux_hash.h,
 * lb_linux_res.h; doc/ecmp.md).  Their input is the 32-bit hash of
 * lb_hasher_flow(); they select with hash >> 1, as the kernel selects with
 * fib_multipath_hash() = mhash >> 1, so with the LINUX hasher they make
 * the kernel's choice.  Next hops are in ascending id order = the order of
 * the kernel's route or group; weights by lb_ecmp_set_weighted():
 *
 *   LB_ECMP_LINUX           a plain multipath route (fib_rebalance() bounds,
 *                           fib_select_multipath()), which is also a
 *                           hash-threshold nexthop group: next hop i owns
 *                           hash >> 1 <= round(2^31 (w0+..+wi) / W) - 1.
 *   LB_ECMP_LINUX_RESILIENT a resilient nexthop group: B buckets, bucket
 *                           (hash >> 1) % B, the kernel's fill order,
 *                           idle and unbalanced timers (lb_linux_res.h).
 *
 * Cost: lb_ecmp_set() does all the work (O(N) or O(B)); lb_ecmp_select() is
 * a modulo, a binary search over at most 63 thresholds (no division), or a
 * bucket lookup; it never allocates.
 *
 * Ownership and threads: the group owns all its memory; a group must not be
 * used from two threads at once.  Time is nanoseconds passed in by the
 * caller; "now" must not go backwards between calls on one group.
 */
#ifndef LBCORE_LB_ECMP_H
#define LBCORE_LB_ECMP_H

#include <stddef.h>
#include <stdint.h>

#include "lb_kind.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_ECMP_KINDS(X)                                                                      \
	X(LB_ECMP_MODULO, "modulo", "next hop hash mod N")                                      \
	X(LB_ECMP_HASH_THRESHOLD, "hash-threshold", "RFC 2992 hash-threshold regions")            \
	X(LB_ECMP_RESILIENT, "resilient", "Linux-style resilient next-hop buckets")              \
	X(LB_ECMP_LINUX, "linux", "Linux's hash-threshold: fib_rebalance() upper bounds (bit-exact)") \
	X(LB_ECMP_LINUX_RESILIENT, "linux-resilient", "Linux's resilient nexthop group (bit-exact)")
enum lb_ecmp_kind { LB_ECMP_KINDS(LB_KIND_ENUM) };
#define LB_ECMP_KIND_COUNT (0 LB_ECMP_KINDS(LB_KIND_ONE))
extern const struct lb_kind_table lb_ecmp_kind_table;

/* Largest resilient bucket table lb_ecmp_create() accepts. */
#define LB_ECMP_MAX_BUCKETS (UINT32_C(1) << 20)

struct lb_ecmp_params {
	enum lb_ecmp_kind kind;
	/* LB_ECMP_RESILIENT only (ignored otherwise): number of buckets B,
	 * 1..LB_ECMP_MAX_BUCKETS, and the time a bucket must go unused before
	 * it may migrate to another next hop (0 = at the next tick;
	 * LB_TIME_NEVER = never: only removed next hops' buckets move). */
	uint32_t buckets;
	uint64_t idle_timer_ns;
	/* Both resilient kinds: the unbalanced timer (0 = never force a busy
	 * bucket to move: the kernel's default, NH_RES_DEFAULT_UNBALANCED_TIMER).
	 * LB_ECMP_LINUX_RESILIENT: buckets 1..65535, idle_timer_ns as the
	 * kernel's idle_timer (its default 120 s; 0: a bucket is always idle). */
	uint64_t unbalanced_timer_ns;
};

/* Counters (monotonic since creation). */
struct lb_ecmp_stats {
	uint64_t selects;         /* lb_ecmp_select() calls */
	uint64_t no_route;        /* ... of which found no next hop (-ENOENT) */
	uint64_t changes;         /* lb_ecmp_set() calls that changed the set */
	uint64_t moved_at_once;   /* resilient: buckets moved by lb_ecmp_set() */
	uint64_t moved_idle;      /* resilient: buckets moved by lb_ecmp_tick() */
};

struct lb_ecmp;

/* New empty group (every select returns -ENOENT until lb_ecmp_set()).
 * Returns NULL if p is NULL, p->kind is unknown, a resilient group has
 * buckets outside 1..LB_ECMP_MAX_BUCKETS, or memory runs out.  p is only
 * read.  The caller owns the result and frees it with lb_ecmp_free(). */
struct lb_ecmp *lb_ecmp_create(const struct lb_ecmp_params *p);

/* Frees g; lb_ecmp_free(NULL) is a no-op. */
void lb_ecmp_free(struct lb_ecmp *g);

/* Replaces the set of next hops (may be empty).  Setting the current set
 * again is a no-op.  Resilient: every bucket of a next hop no longer in the
 * set (or of no next hop) is given at once to under-served next hops, in
 * ascending id order, and stamped as used at now_ns; the target share of
 * each next hop becomes floor or ceil(B/N).  Afterwards
 * lb_ecmp_next_deadline() may have changed (it may even be <= now_ns): the
 * caller must query it again and schedule lb_ecmp_tick().
 * Returns the number of buckets moved at once (always 0 for modulo and
 * hash-threshold); never fails. */
int lb_ecmp_set(struct lb_ecmp *g, lb_nodeset nexthops, uint64_t now_ns);

/* lb_ecmp_set() with a weight per next hop: weights[id] for every id in
 * nexthops (1..256 as a plain route's `weight`, up to 65536 in a nexthop
 * group); weights NULL = all 1.  Only the Linux kinds take weights other
 * than 1.  A change of weights alone is a change of the set.  Returns as
 * lb_ecmp_set(), or -EINVAL (a weight out of range, or not 1 for a kind
 * without weights; the group is then unchanged). */
int lb_ecmp_set_weighted(struct lb_ecmp *g, lb_nodeset nexthops, const uint32_t weights[LB_MAX_NODES],
			 uint64_t now_ns);

/* The next hop for a flow hash.  Resilient: also records now_ns as the
 * bucket's last-used time.  Returns the node id (0..63), or -ENOENT when
 * the set is empty. */
int lb_ecmp_select(struct lb_ecmp *g, uint32_t hash, uint64_t now_ns);

/* Resilient: moves every bucket that is (a) held by a next hop holding
 * more buckets than its target share and (b) idle, i.e. last_used +
 * idle_timer <= now_ns, to an under-served next hop, scanning buckets in
 * index order, until no next hop is under-served.  Returns the number of
 * buckets moved (>= 0); always 0 for modulo and hash-threshold.
 * Linux resilient: the kernel's delayed upkeep (lb_linux_res_upkeep()),
 * a no-op before lb_ecmp_next_deadline(). */
int lb_ecmp_tick(struct lb_ecmp *g, uint64_t now_ns);

/* The earliest time at which lb_ecmp_tick() may move a bucket given no
 * further traffic (a select on a candidate bucket pushes it later), or
 * LB_TIME_NEVER when the group is balanced (or not resilient).  May be in
 * the past: then tick now. */
uint64_t lb_ecmp_next_deadline(const struct lb_ecmp *g);

/* The current set of next hops. */
lb_nodeset lb_ecmp_nexthops(const struct lb_ecmp *g);

/* Resilient (both kinds): the number of buckets node holds now (0 if
 * node >= 64); other kinds: 0. */
uint32_t lb_ecmp_buckets_of(const struct lb_ecmp *g, unsigned node);

/* Resilient: the next hop of bucket b (no side effect on its last-used
 * time).  Returns the node id, or -ENOENT if b >= B, the bucket holds no
 * next hop, or the group is not resilient. */
int lb_ecmp_bucket(const struct lb_ecmp *g, uint32_t b);

/* Copies the counters into *out (out must not be NULL). */
void lb_ecmp_get_stats(const struct lb_ecmp *g, struct lb_ecmp_stats *out);

/* "modulo", "hash-threshold", "resilient", "linux", "linux-resilient" <->
 * kind.  parse returns 0 and sets *out, or -EINVAL (s NULL or unknown; *out untouched).  name returns
 * a static string, or NULL for an unknown kind. */
int lb_ecmp_kind_parse(const char *s, enum lb_ecmp_kind *out);
const char *lb_ecmp_kind_name(enum lb_ecmp_kind kind);

#ifdef __cplusplus
}
#endif
#endif
