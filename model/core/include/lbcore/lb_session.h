/* lb_session.h - the steering session cache (seed 000, US 2014/0301388):
 * flow key -> owner node id, with creation and last-use time.
 *
 * Layout (a bucketed open-addressing table with hash tags, as in DPDK's
 * rte_hash and Swiss tables): buckets of LB_SESSION_BUCKET = 8 slots; a
 * bucket's 8 16-bit tags (low 16 bits of the flow hash, 0 reserved for
 * "free") share one 16-byte array, so a lookup reads one tag line and then
 * only the entries whose tag matches.  An entry is 24 bytes: IPv4 source
 * and destination, ports, protocol, owner, family, creation and last-use
 * time.  IPv6 addresses (32 bytes) live in a parallel array that exists
 * only when the cache is created with ipv6 = true.
 *
 * Memory: the table has capacity x 4/3 slots (load <= 75%), so
 *   IPv4-only cache:  (2 + 24) x 4/3      = 34.7 bytes per entry,
 *   with IPv6:        (2 + 24 + 32) x 4/3 = 77.3 bytes per entry,
 * plus one overflow byte per 8 slots and a fixed header.
 * lb_session_entry_bytes() gives the per-slot cost, lb_session_memory()
 * the exact total (test: 34.85 bytes per entry at 1M IPv4 entries).
 *
 * Lookups: the flow hash picks a home bucket (hash x buckets / 2^32, the
 * high bits); a key lives in its home bucket or one of the next
 * LB_SESSION_WINDOW - 1 buckets (its probe window, 64 slots).  A bucket
 * that was full when an insert passed over it is marked overflowed; a
 * lookup stops at the first bucket that is not.  O(1) worst case: at most
 * 8 tag arrays and the tag-matching entries are read; a hit usually reads
 * one tag array and one entry.
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
 * probe window has no free slot): the insert removes the first expired
 * entry of the window if there is one (counted as an expiry), else the
 * least recently used entry of the window (ties: the lowest slot; counted
 * as an eviction).  If the table is at capacity and the key's window is
 * empty, the victim is the LRU entry of the first non-empty bucket after
 * the window.  Inserts therefore never fail for lack of room.  A full
 * window below capacity is rare: 1M random keys into a 1M cache (75% table
 * load) evict 318 (0.03%) that way (test_fill_1m pins the number).
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

struct lb_session_params {
	uint32_t capacity;        /* entries, 1 .. LB_SESSION_MAX_CAPACITY */
	uint64_t idle_timeout_ns; /* LB_SESSION_MIN_TIMEOUT_NS .. LB_SESSION_MAX_TIMEOUT_NS */
	bool ipv6;                /* accept IPv6 keys (costs 32 bytes per slot) */
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
/* n lookups with software prefetch (tag arrays first, then candidate
 * entries), the same semantics and counters as n calls of
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
size_t lb_session_count(const struct lb_session *c);
size_t lb_session_slots(const struct lb_session *c);
void lb_session_stats(const struct lb_session *c, struct lb_session_stats *out);
/* Bytes per slot: LB_AF_INET -> 26 (IPv4-only cache), LB_AF_INET6 -> 58
 * (a cache created with ipv6 = true, whatever the key family); 0 for an
 * unknown family.  A cache has about capacity x 4/3 slots. */
size_t lb_session_entry_bytes(int family);
/* Bytes allocated by the cache in all. */
size_t lb_session_memory(const struct lb_session *c);

#ifdef __cplusplus
}
#endif
#endif
