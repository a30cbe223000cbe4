/* vnode.h - the decision logic of a real cluster node: model/core's
 * membership (lb_member) and cluster agent (lb_agent), wired exactly as the
 * simulator's node model wires them (model/sim/node.c), with no I/O.
 *
 * lbv-agentd (the daemon on each testbed node) owns every socket, clock and
 * FRR command; this module only turns inputs (its own heartbeat tick, a
 * heartbeat received, the agent's timer) into actions (a detection, a peer
 * back, an advertisement with a metric).  When model/core gains the node
 * state machine lb_node, it replaces this file and nothing else.
 *
 *   inputs (now in ns, the caller's clock)      actions
 *   vnode_start                          -> ADVERTISE n (START)
 *   vnode_tick  (own heartbeat tick;     -> DETECT peer, new set (+ ADVERTISE
 *                the caller sends the       n - d when failover = readvertise)
 *                heartbeats, then calls)
 *   vnode_heartbeat (one received)       -> PEER_UP peer, new set (+ ...)
 *   vnode_timer (at vnode_next_deadline) -> ADVERTISE (REFRESH, RESTORE)
 *
 * As in the simulator, membership runs under every failover strategy; only
 * readvertise hands membership changes to the agent.  Errors: negative
 * errno; not thread-safe. */
#ifndef LBV_VNODE_H
#define LBV_VNODE_H

#include "lbcore/lb_agent.h"
#include "lbcore/lb_member.h"

struct vnode_params {
	uint8_t self;
	unsigned nodes;            /* ids 0..nodes-1, self among them */
	uint64_t heartbeat_ns;     /* heartbeat interval */
	unsigned misses;
	uint32_t base_metric, reduction;
	uint64_t restore_wait_ns, refresh_ns, first_refresh_ns;
	bool readvertise;          /* failover = readvertise */
};

enum vnode_action_kind { VNODE_DETECT, VNODE_PEER_UP, VNODE_ADVERTISE };

struct vnode_action {
	enum vnode_action_kind kind;
	unsigned peer;             /* DETECT, PEER_UP */
	lb_nodeset set;            /* DETECT, PEER_UP: the new active set */
	uint32_t metric;           /* ADVERTISE */
	enum lb_agent_reason reason; /* ADVERTISE */
};

#define VNODE_MAX_ACTIONS (LB_MAX_NODES + 2)
struct vnode_actions {
	unsigned n;
	struct vnode_action a[VNODE_MAX_ACTIONS];
};

struct vnode;

/* NULL on bad parameters (those lb_member_create/lb_agent_create refuse). */
struct vnode *vnode_create(const struct vnode_params *p);
void vnode_free(struct vnode *v);

/* Each call empties `out` and fills it with what the caller must do. */
void vnode_start(struct vnode *v, uint64_t now, struct vnode_actions *out);
void vnode_tick(struct vnode *v, uint64_t now, struct vnode_actions *out);
/* -EINVAL when peer is self or not a node (nothing done). */
int vnode_heartbeat(struct vnode *v, unsigned peer, uint32_t health, uint64_t now, struct vnode_actions *out);
void vnode_timer(struct vnode *v, uint64_t now, struct vnode_actions *out);

/* When vnode_timer() has work next (LB_TIME_NEVER: none). */
uint64_t vnode_next_deadline(const struct vnode *v);
lb_nodeset vnode_active(const struct vnode *v);

#endif
