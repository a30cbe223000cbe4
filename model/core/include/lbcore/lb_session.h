/* lb_session.h - the steering session cache (US 2014/0301388):
 * flow key -> owner node id, with creation and last-use time.
 *
 * Layout (bucketed linear probing over cache lines, after DPDK rte_hash's
 * 64-byte buckets and Swiss tables' groups, with the keys in the line): a
 * bucket is one 64-byte cache line holding LB_SESSION_BUCKET = 3 slots.  A
 * slot is 20 bytes: the IPv4 5-tuple inline (family, proto, ports, source
 * and destination: 14 bytes), the slot's distance from its home bucket
 * (1 byte, 1 zero byte) and the last-use time (4 bytes); the bucket's last
 * 4 bytes are the 3 owners and the home's reach (the largest distance of
 * the keys homed there).  So an IPv4 hit reads one line where rte_hash
 * reads two (its bucket of 16-bit signatures, then the key in a separate
 * array).  Creation times (4 bytes per slot, read only by
 * lb_session_created()) live in a side array, and so do IPv6 addresses
 * (32 bytes per slot, only in a cache created with ipv6 = true; the slot
 * keeps a 32-bit XOR fold of each address, and a fold match is confirmed
 * there).
 *
 * Memory: (64 / 3 + 4) = 25.3 bytes per slot (+ 32 with IPv6), and
 *   IPv4-only cache:  capacity x 3/2 slots (load <= 2/3) = 38.0 bytes per entry,
 *   with IPv6:        capacity x 4/3 slots (load <= 3/4) = 76.4 bytes per entry,
 * plus LB_SESSION_WINDOW - 1 tail buckets (1.7 KB: 39.9 bytes per entry at
 * 1000 entries) and a fixed header.  (2/3 keeps
 * more keys in their home bucket, 87% against 83%; 3/4 keeps IPv6 within
 * 80 bytes.)  lb_session_entry_bytes() gives the per-slot cost,
 * lb_session_memory() the exact total (test: 38.00 and 76.45 bytes per
 * entry at 1M entries).
 *
 * Lookups: the flow hash picks a home bucket (hash x buckets / 2^32, the
 * high bits); a key lives in its home bucket or one of the next
 * LB_SESSION_WINDOW - 1 buckets (its window, 72 slots), at most reach
 * buckets from home, so a lookup reads the home bucket and at most reach
 * more (adjacent lines; single lookups prefetch the second one, bulk
 * lookups prefetch both ahead).  Reach is exact: removing the farthest key
 * of a home recomputes it, so misses do not slow down as keys come and go.
 * O(1) worst case: at most LB_SESSION_WINDOW buckets are read.  With a good
 * hash 87% of the keys are in their home bucket at full load.
 *
 * Times: stored as 32-bit whole milliseconds (now_ns / 1e6, wrapping every
 * 49.7 days; differences are taken modulo 2^32, which is exact for idle
 * times below 2^32 ms - the sweep removes entries long before).  An entry
 * is expired when now_ms - last_use_ms >= ceil(idle_timeout / 1 ms): with a
 * 100 ms timeout an entry last used at 0 is alive at 99.999 ms and gone at
 * 100 ms.  A lookup that finds an expired entry removes it (an expiry) and
 * misses; a hit refreshes last use (Katran's lazy aging).  An insert that
 * finds its key expired also counts an expiry and stores it as new.
 * lb_session_sweep() expires entries incrementally.
 *
 * Eviction (when the cache already holds `capacity` entries, or the key's
 * window has no free slot): the insert removes the first expired entry of
 * the window if there is one (counted as an expiry), else the least
 * recently used entry of the window (ties: the lowest slot; counted as an
 * eviction).  If the table is at capacity and the key's window is empty,
 * the victim is the LRU entry of the first non-empty bucket after the
 * window (wrapping to the first bucket).  Inserts therefore never fail for
 * lack of room.  A full window below capacity is rare: 1M random keys into
 * a 1M cache evict 4 that way (test_fill_1m pins the number).
 *
 * Ownership: the cache owns all its memory; nothing is allocated after
 * lb_session_create().  Not thread-safe (even lookups write: stats, last use).
 *
 * Return codes:
 *   lb_session_lookup  owner id (0..255) on a hit; -ENOENT on a miss.
 *   lb_session_insert  0 new entry; 1 existing entry updated (owner and
 *                      last use; creation time kept); -EAFNOSUPPORT for an
 *                      IPv6 key in a cache created with ipv6 = false.
 *   lb_session_delete  0 removed; -ENOENT not present (an expired entry
 *                      still present is deleted and counted as a delete).
 *   lb_session_lookup_bulk  the number of hits.
 */
#ifndef LBCORE_LB_SESSION_H
#define LBCORE_LB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lb_flow.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_SESSION_BUCKET 3
#define LB_SESSION_WINDOW 24
#define LB_SESSION_MAX_CAPACITY (UINT32_C(1) << 30)
/* Timeout bounds: 1 ms (the time resolution) .. 2^31 - 1 ms (~24.8 days). */
#define LB_SESSION_MIN_TIMEOUT_NS LB_NS_PER_MS
#define LB_SESSION_MAX_TIMEOUT_NS (((UINT64_C(1) << 31) - 1) * LB_NS_PER_MS)
/* The longest timeout count_live takes (2^22 ms, 69 min 54 s: 16 MiB). */
#define LB_SESSION_LIVE_MAX_TIMEOUT_NS ((UINT64_C(1) << 22) * LB_NS_PER_MS)

struct lb_session_params {
	uint32_t capacity;        /* entries, 1 .. LB_SESSION_MAX_CAPACITY */
	uint64_t idle_timeout_ns; /* LB_SESSION_MIN_TIMEOUT_NS .. LB_SESSION_MAX_TIMEOUT_NS */
	bool ipv6;                /* accept IPv6 keys (32 bytes per slot, and 4/3 slots per entry, not 3/2) */
	bool count_live;          /* keep lb_session_count_live() exact: 4 bytes per ms of idle timeout,
				     timeout <= LB_SESSION_LIVE_MAX_TIMEOUT_NS */
};

struct lb_session_stats {
	uint64_t lookups, hits, misses; /* lookups = hits + misses */
	uint64_t inserts;               /* new entries */
	uint64_t updates;               /* inserts that found the key alive */
	uint64_t deletes;               /* successful lb_session_delete() */
	uint64_t evictions;             /* live LRU entries removed to make room */
	uint64_t expiries;              /* idle entries removed: lookup, insert or sweep */
};

struct lb_session;

/* NULL on bad parameters (see the bounds above) or out of memory. */
struct lb_session *lb_session_create(const struct lb_session_params *p);
void lb_session_free(struct lb_session *c);
int lb_session_lookup(struct lb_session *c, const struct lb_flow_key *k, uint32_t hash, uint64_t now_ns);
/* n lookups with software prefetch (the buckets of key i + 10 while key i
 * is looked up), the same semantics and counters as n calls of
 * lb_session_lookup() in order.  owners[i] gets each result (owner or
 * -ENOENT).  keys, hashes and owners are the caller's arrays of n. */
size_t lb_session_lookup_bulk(struct lb_session *c, const struct lb_flow_key *keys, const uint32_t *hashes,
			      size_t n, uint64_t now_ns, int *owners);
int lb_session_insert(struct lb_session *c, const struct lb_flow_key *k, uint32_t hash, uint8_t owner,
		      uint64_t now_ns);
int lb_session_delete(struct lb_session *c, const struct lb_flow_key *k, uint32_t hash);
/* Examines up to max_slots slots, round-robin from where the last sweep
 * stopped, and removes the expired entries; returns how many (each counted
 * as an expiry).  lb_session_slots() slots make a full pass. */
size_t lb_session_sweep(struct lb_session *c, uint64_t now_ns, size_t max_slots);
/* Creation time (ns, truncated to the ms) of k's entry, or LB_TIME_NEVER
 * when absent.  Does not age or count. */
uint64_t lb_session_created(const struct lb_session *c, const struct lb_flow_key *k, uint32_t hash);
/* Entries in the table, live or expired but not yet removed. */
size_t lb_session_count(const struct lb_session *c);
/* Entries live at now (not idle for the timeout), exactly, in O(1)
 * amortised, in a cache created with count_live (an age histogram by last
 * use, one counter per ms of timeout: model/core/lb_age_ring.h); without
 * it, lb_session_count().  now must not go back, nor the clock cross a
 * multiple of 2^32 ms. */
size_t lb_session_count_live(struct lb_session *c, uint64_t now_ns);
size_t lb_session_slots(const struct lb_session *c);
void lb_session_stats(const struct lb_session *c, struct lb_session_stats *out);
/* Bytes per slot, rounded up: LB_AF_INET -> 26 (IPv4-only cache: 25.3),
 * LB_AF_INET6 -> 58 (a cache created with ipv6 = true, whatever the key
 * family: 57.3); 0 for an unknown family.  A cache has about capacity x 3/2
 * slots (IPv4-only) or capacity x 4/3 (with IPv6). */
size_t lb_session_entry_bytes(int family);
/* Bytes allocated by the cache in all. */
size_t lb_session_memory(const struct lb_session *c);

#ifdef __cplusplus
}
#endif
#endif
