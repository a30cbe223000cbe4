/* vnode.h - the decision logic of a real testbed node: model/core's node
 * state machine lb_node (lb_node.h; the same object the simulator's nodes
 * and `lbsim where` drive) with a timer queue (lb_timerq), and no I/O.
 *
 * lbv-agentd (the daemon on each testbed node) owns every socket, clock and
 * FRR command; this module runs lb_node's timers and hands the daemon every
 * other action of lb_node (lb_node_action, never LB_NA_TIMER): send a
 * heartbeat to a peer, send an advertisement or a withdrawal (the daemon
 * makes bgpd announce it), send a session (BFD) packet (ignored by the
 * daemon: bfdd sends the real ones), log an event (detect, peer_up,
 * advertise, restore, withdraw).
 *
 *   inputs (now in ns, the caller's clock)            lb_node
 *   vnode_start                                  -> lb_node_start
 *   vnode_heartbeat (one received from a peer)   -> lb_node_rx_heartbeat
 *   vnode_run (at or after vnode_next_deadline)  -> lb_node_timer, for
 *                                                   every timer due
 *
 * No simulated delay of its own: the real node's advertising path is real.
 * The agent's decision goes over bgpd's vty socket (the configuration
 * change the scenario's advertise_delay stands for) and then waits in the
 * node's own bgpd route-processing queue (advertise_queue_hold), so lb_node
 * runs here with profile ideal and advertise_delay 0 (lb_node.h: "ideal
 * advertise_delay (0: at once)"): every decision is handed to the daemon
 * at the instant lb_node makes it, whatever the scenario's profile.
 *
 * Errors: negative errno; not thread-safe.  The actions are handed out
 * during the call that causes them. */
#ifndef LBV_VNODE_H
#define LBV_VNODE_H

#include "lbcore/lb_agent.h"
#include "lbcore/lb_node.h"
#include "lbcore/lb_strategy.h"

struct vnode_params {
	uint8_t self;
	unsigned nodes;              /* ids 0..nodes-1, self among them */
	uint64_t heartbeat_ns;       /* heartbeat interval */
	unsigned misses;
	uint64_t heartbeat_phase_ns; /* the first heartbeat tick this long after start */
	uint32_t base_metric, reduction;
	uint64_t restore_wait_ns, refresh_ns, first_refresh_ns;
	enum lb_isolation isolation;
	const struct lb_strategy *strategy; /* hold, bfd, readvertise (lb_strategy_find) */
	double strategy_phase[LB_STRATEGY_MAX_PHASES];
};

/* Every lb_node action but LB_NA_TIMER. */
typedef void (*vnode_act_fn)(void *user, const struct lb_node_action *a);

struct vnode;

/* The lb_node parameters vnode runs with (profile ideal, advertise_delay 0,
 * no steering: the testbed's nodes do not steer; see the file comment). */
struct lb_node_params vnode_node_params(const struct vnode_params *p);

/* NULL on bad parameters (those lb_node_create refuses, or nodes out of
 * 1..LB_MAX_NODES, self not among them, no strategy, no act). */
struct vnode *vnode_create(const struct vnode_params *p, vnode_act_fn act, void *user);
void vnode_free(struct vnode *v);

void vnode_start(struct vnode *v, uint64_t now);
/* -EINVAL when peer is self or not a node (nothing done). */
int vnode_heartbeat(struct vnode *v, unsigned peer, uint32_t health, uint64_t now);
/* Runs every timer due at or before now, each at its own time (the phase
 * of the heartbeat tick does not drift with the caller's wake-up latency),
 * except a timer more than one heartbeat interval late (the caller was
 * stopped), which runs at now. */
void vnode_run(struct vnode *v, uint64_t now);

/* When vnode_run() has work next (LB_TIME_NEVER: none). */
uint64_t vnode_next_deadline(const struct vnode *v);
lb_nodeset vnode_view(const struct vnode *v);
/* The metric lb_node last sent (lb_node_metric). */
uint32_t vnode_metric(const struct vnode *v);
/* Timers that did not fit the queue (0 unless a bug). */
uint64_t vnode_overflows(const struct vnode *v);

#endif
