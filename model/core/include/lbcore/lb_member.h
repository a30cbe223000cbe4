/* lb_member.h - membership / failure detector of a cluster node.
 *
 * Every node sends a heartbeat to each peer every interval_ns over the
 * backplane; the caller feeds the heartbeats it receives to
 * lb_member_heartbeat() and drives lb_member_tick() at
 * lb_member_next_deadline().  A peer is declared down when `misses`
 * intervals pass without a heartbeat from it:
 *
 *     down at  last_heard(p) + misses x interval_ns      (exactly; tick at >=)
 *
 * which is the fixed-timeout detector of most cluster stacks (keepalived's
 * VRRP master-down interval, corosync's token timeout): detection latency
 * after a crash at t_f lies in [(misses-1) x interval, misses x interval]
 * plus one backplane delay, (misses - 1/2) x interval on average.
 *
 * Health (US 8,972,602: "a health metric of the first intermediary device is
 * below a threshold"): each heartbeat carries a health value; one below
 * health_threshold removes the peer at once, as if it had failed; a later
 * heartbeat at or above the threshold brings it back.  health_threshold = 0
 * disables the check.
 *
 * A heartbeat from a peer that is down brings it back at once (a recovered
 * node rejoins on its first heartbeat).  The node itself is always in its
 * active set.  lb_member_start() puts every peer in the active set with
 * last_heard = now, so a starting node does not declare everyone down
 * before the first round of heartbeats arrives.
 *
 * Errors: negative errno (lb_types.h).  No allocation after create.
 */
#ifndef LBCORE_LB_MEMBER_H
#define LBCORE_LB_MEMBER_H

#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lb_member_params {
	uint8_t self;              /* this node's id, 0..63; must be in peers */
	lb_nodeset peers;          /* every node of the cluster, self included */
	uint64_t interval_ns;      /* heartbeat interval, > 0 */
	unsigned misses;           /* >= 1 */
	uint32_t health_threshold; /* 0: health ignored */
};

struct lb_member_stats {
	uint64_t heartbeats;   /* accepted heartbeats */
	uint64_t declared_down; /* peers declared down (timeout or health) */
	uint64_t health_down;   /* of which by health below the threshold */
	uint64_t came_up;       /* peers that rejoined */
};

struct lb_member;

/* 0 when p is acceptable, -EINVAL otherwise: interval 0, misses 0, the
 * timeout interval x misses beyond 2^64 - 1 ns, self > 63 or not in peers. */
int lb_member_check(const struct lb_member_params *p);

/* NULL when lb_member_check() rejects p, or out of memory. */
struct lb_member *lb_member_create(const struct lb_member_params *p);
void lb_member_free(struct lb_member *m);

/* (Re)start at `now`: every peer active, heard at `now`. */
void lb_member_start(struct lb_member *m, uint64_t now);

/* A heartbeat from `peer` carrying `health`.  Returns 1 when the active set
 * changed, 0 when not, -EINVAL when peer is self or not in peers. */
int lb_member_heartbeat(struct lb_member *m, unsigned peer, uint32_t health, uint64_t now);

/* Declare down every peer silent for misses x interval.  Returns 1 when the
 * active set changed, 0 when not. */
int lb_member_tick(struct lb_member *m, uint64_t now);

/* The earliest time a tick can change the set; LB_TIME_NEVER when no peer
 * is active. */
uint64_t lb_member_next_deadline(const struct lb_member *m);

lb_nodeset lb_member_active(const struct lb_member *m);
const struct lb_member_stats *lb_member_stats(const struct lb_member *m);

#ifdef __cplusplus
}
#endif
#endif
