/* lb_linux_res.h - Linux's resilient nexthop group, bucket for bucket
 * (net/ipv4/nexthop.c, `ip nexthop add id G group A/B/.. type resilient`;
 * Documentation/networking/nexthop-group-resilient.rst).  Checked against
 * `ip nexthop bucket show` on 6.18 (tests/core/data/linux-vectors-buckets.csv).
 *
 * The group's members are next hops 0..n-1 in the group's order, each with
 * an id (0..63, what lb_linux_res_select() returns) and a weight.  The table
 * has B buckets; a packet with multipath hash h (lb_linux_mp_hash(), < 2^31)
 * uses bucket h % B and marks it busy (its used time := now).
 *
 * On lb_linux_res_set() (group created or replaced, as nh_res_group_rebalance
 * + nh_res_table_upkeep do):
 *  - a member's share: wants[i] = round(B * (w0+..+wi) / W) - round(B *
 *    (w0+..+w(i-1)) / W) (round half up);
 *  - buckets of ids no longer in the group become unoccupied;
 *  - underweight members (count < wants) form a list in REVERSE group order
 *    (the kernel adds each at the list head), and a bucket that migrates
 *    goes to the head of that list; a member leaves the list once balanced.
 *    So a new group fills buckets 0.. with its LAST member first.
 * Upkeep (at set and at every deadline): scan buckets 0..B-1; an unoccupied
 * bucket migrates at once; a bucket of an overweight member migrates when
 *  (a) idle: it was not used since its last migration, or now >= used time +
 *      idle timer, or
 *  (b) the group has been unbalanced for longer than the unbalanced timer
 *      (0: never).
 * A migrated bucket's used and migrated times become now.  If the group is
 * still unbalanced, the next upkeep is at the earliest idle or unbalanced
 * point of a candidate bucket, and at least 0.5 s after this upkeep
 * (NH_RES_UPKEEP_DW_MINIMUM_INTERVAL = HZ / 2); upkeep before that deadline
 * does nothing, as the kernel's delayed work would not have run.
 * The kernel's times are jiffies: "not used since its migration" there means
 * "used time == migrated time" at jiffy resolution, here at nanoseconds.
 *
 * Not modelled: driver vetoes of migrations (offloaded groups), next hops
 * that are not "good" (resilient groups do not check).
 *
 * Ownership: the table owns its memory; one thread at a time.  Time only
 * moves forward between calls.
 */
#ifndef LBCORE_LB_LINUX_RES_H
#define LBCORE_LB_LINUX_RES_H

#include <stdint.h>

#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* `ip nexthop ... buckets` takes 1..65535 (u16 NHA_RES_GROUP_BUCKETS). */
#define LB_LINUX_RES_MAX_BUCKETS 65535u
/* NH_RES_UPKEEP_DW_MINIMUM_INTERVAL */
#define LB_LINUX_RES_MIN_UPKEEP_NS (500 * LB_NS_PER_MS)

struct lb_linux_res_params {
	uint32_t buckets;             /* 1..LB_LINUX_RES_MAX_BUCKETS (kernel default 128) */
	uint64_t idle_timer_ns;       /* kernel default 120 s */
	uint64_t unbalanced_timer_ns; /* 0 = never force (kernel default) */
};

struct lb_linux_res;

/* New table with no members (select returns -ENOENT).  NULL if p is NULL,
 * buckets is outside 1..LB_LINUX_RES_MAX_BUCKETS, or memory runs out. */
struct lb_linux_res *lb_linux_res_create(const struct lb_linux_res_params *p);
void lb_linux_res_free(struct lb_linux_res *t);

/* Creates or replaces the group: n members (0..64) with ids[i] (distinct,
 * < 64) and weights[i] (1..65536; NULL = all 1), in the group's order, then
 * runs an upkeep at now_ns.  n = 0 empties the table.  Returns the number
 * of buckets that migrated, or -EINVAL (bad id, duplicate, weight). */
int lb_linux_res_set(struct lb_linux_res *t, const uint8_t *ids, const uint32_t *weights, unsigned n,
		     uint64_t now_ns);

/* The next hop id for multipath hash mp_hash, marking its bucket busy;
 * -ENOENT when the group is empty. */
int lb_linux_res_select(struct lb_linux_res *t, uint32_t mp_hash, uint64_t now_ns);

/* The kernel's delayed upkeep: does nothing (returns 0) before
 * lb_linux_res_next_upkeep(); else migrates as above and returns the
 * number of buckets moved. */
int lb_linux_res_upkeep(struct lb_linux_res *t, uint64_t now_ns);

/* When the next upkeep runs, or LB_TIME_NEVER when balanced. */
uint64_t lb_linux_res_next_upkeep(const struct lb_linux_res *t);

/* Bucket b's next hop id (no side effect), or -ENOENT if b >= B or it is
 * unoccupied. */
int lb_linux_res_bucket(const struct lb_linux_res *t, uint32_t b);

/* Buckets held by id (0 if none). */
uint32_t lb_linux_res_count(const struct lb_linux_res *t, unsigned id);

#ifdef __cplusplus
}
#endif
#endif
