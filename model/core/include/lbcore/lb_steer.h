/* lb_steer.h - the steering decision of US 2014/0301388 (claim 1),
 * made by the node that received a packet (the flow receiver):
 *
 *   1. look the packet's tuple up in the steering session cache;
 *   2. hit  -> the cached owner;
 *      miss -> select the owner over the receiver's current view of the
 *              active set (lb_owner_lookup) and store the session;
 *   3. answer LOCAL (the receiver owns the flow) or REMOTE(owner) (steer it
 *      over the backplane).
 *
 * A cached owner that the receiver knows to be down (not in `active`) is
 * handled by the policy: RESELECT selects a new owner over the current set
 * and updates the session; DROP answers DROP.  Both are counted.  With
 * use_cache = false (or no cache) every packet is hashed and nothing is
 * stored.  The owner object must already reflect `active`
 * (lb_owner_set_active) - the caller rebuilds it on membership changes;
 * a RESELECT or a miss trusts lb_owner_lookup() and does not check its
 * answer against `active` again.  Under DROP the session is kept, so every
 * later packet of the flow is dropped too until the session ages out or
 * the owner comes back (the seed leaves this case open; DROP models a
 * receiver that never re-hashes a cached flow).
 *
 * lb_steer_decide() returns 0, or -ENOENT when an owner had to be selected
 * and lb_owner_lookup() found no node (empty set; out->action is DROP,
 * counted as no_owner).  No allocation per call.
 */
#ifndef LBCORE_LB_STEER_H
#define LBCORE_LB_STEER_H

#include <stdint.h>

#include "lb_flow.h"
#include "lb_owner.h"
#include "lb_session.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum lb_steer_action { LB_STEER_LOCAL, LB_STEER_REMOTE, LB_STEER_DROP };
enum lb_steer_dead_policy { LB_STEER_DEAD_RESELECT, LB_STEER_DEAD_DROP };

struct lb_steer_params {
	uint8_t self;
	bool use_cache;
	enum lb_steer_dead_policy dead_policy;
};

struct lb_steer_result {
	enum lb_steer_action action;
	uint8_t owner;   /* valid unless action is DROP for an empty set */
	bool from_cache; /* the session lookup hit (also when its owner was down) */
	bool reselected; /* the cached owner was down and a new one was chosen */
};

/* decisions = local + remote + dropped_dead_owner + no_owner. */
struct lb_steer_stats {
	uint64_t decisions;
	uint64_t local, remote;          /* answers LOCAL, REMOTE */
	uint64_t hits;                   /* decisions whose session lookup hit */
	uint64_t dropped_dead_owner;     /* DROP: cached owner down, policy DROP */
	uint64_t reselected_dead_owner;  /* cached owner down, policy RESELECT */
	uint64_t no_owner;               /* DROP: empty active set (-ENOENT) */
	uint64_t cache_refused;          /* sessions the cache refused to store (IPv6 key, ipv6 off) */
};

struct lb_steer;

/* cache and owner are borrowed and must outlive the steer object; cache may
 * be NULL (then use_cache is ignored).  NULL on bad parameters. */
struct lb_steer *lb_steer_create(const struct lb_steer_params *p, struct lb_session *cache,
				 const struct lb_owner *owner);
void lb_steer_free(struct lb_steer *s);
int lb_steer_decide(struct lb_steer *s, const struct lb_flow_key *k, uint32_t hash, lb_nodeset active,
		    uint64_t now_ns, struct lb_steer_result *out);
void lb_steer_stats(const struct lb_steer *s, struct lb_steer_stats *out);

#ifdef __cplusplus
}
#endif
#endif
