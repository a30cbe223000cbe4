/* lb_age_ring.h - internal: how many of a table's entries are live, exactly,
 * without scanning the table (lb_session's live count).
 *
 * An entry last used at ms t is live at ms now while now - t < T (the idle
 * timeout in ms; lb_session.h).  The ring counts entries by last use, one
 * counter per ms of the last T ms before the horizon H (the latest time
 * seen): one counter holds the entries last used at t, for each t in
 * (H - T, H] (H's counter is h_index, t's is T - (H - t) before it,
 * cyclically, so the 2^32 ms wrap of the times does not matter).  When H moves on, the counters of the ms that fall out of
 * that window are added to `expired` (entries still in the table but no
 * longer live) and cleared for reuse.  So at any H:
 *     sum(counters) + expired = entries in the table,
 *     live = entries - expired,
 * and every update is O(1) (moving H costs one step per ms, at most T).
 * Memory: 4 bytes per ms of timeout (T <= LB_AGE_RING_MAX_MS).
 * The idea is a timing wheel's (Varghese and Lauck, "Hashed and
 * hierarchical timing wheels", SOSP 1987) with counts in its slots. */
#ifndef LBCORE_LB_AGE_RING_H
#define LBCORE_LB_AGE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LB_AGE_RING_MAX_MS (UINT32_C(1) << 22) /* 69 min 54 s; 16 MiB */

struct lb_age_ring {
	uint32_t *count; /* T counters */
	uint32_t t_ms;   /* T */
	uint32_t horizon_ms;
	uint32_t h_index; /* the horizon's counter */
	bool started;
	size_t expired;
};

/* 0, or -EINVAL (T = 0 or above LB_AGE_RING_MAX_MS), -ENOMEM. */
int lb_age_ring_init(struct lb_age_ring *r, uint32_t t_ms);
void lb_age_ring_free(struct lb_age_ring *r);
/* Moves the horizon to now_ms (times modulo 2^32; an earlier time is ignored). */
void lb_age_ring_advance(struct lb_age_ring *r, uint32_t now_ms);
/* An entry last used at last_ms enters / leaves the table. */
void lb_age_ring_add(struct lb_age_ring *r, uint32_t last_ms);
void lb_age_ring_remove(struct lb_age_ring *r, uint32_t last_ms);
/* Entries in the table no longer live at the horizon. */
static inline size_t lb_age_ring_expired(const struct lb_age_ring *r)
{
	return r->expired;
}

#endif
