/* vnode.c - see vnode.h: lb_node plus a timer queue, driven by the
 * caller's clock. */
#include "vnode.h"

#include <errno.h>
#include <stdlib.h>

#include "lbcore/lb_hash.h"
#include "lbcore/lb_timerq.h"

/* lb_node asks for a few timers (heartbeat, agent, strategy, advertising
 * path); this is ample. */
#define VNODE_TIMERS 64

struct vnode {
	struct vnode_params p;
	struct lb_node *node;
	struct lb_timerq *tq;
	struct lb_hasher hasher; /* lb_node needs one; unused without steering */
	vnode_act_fn act;
	void *user;
	uint64_t overflows;
};

struct lb_node_params vnode_node_params(const struct vnode_params *p)
{
	/* The data path is off (the testbed's nodes do not steer), so the
	 * owner table and the flow-state table are never used: the cheapest
	 * kind and the smallest tables. */
	struct lb_session_params tiny = {.capacity = 8, .idle_timeout_ns = 60 * LB_NS_PER_S};
	struct lb_node_params np = {
		.self = p->self,
		.peers = lb_nodeset_first(p->nodes),
		.heartbeat_interval_ns = p->heartbeat_ns,
		.heartbeat_misses = p->misses,
		.heartbeat_phase_ns = p->heartbeat_phase_ns,
		.base_metric = p->base_metric,
		.metric_reduction = p->reduction,
		.restore_wait_ns = p->restore_wait_ns,
		.refresh_ns = p->refresh_ns,
		.first_refresh_ns = p->first_refresh_ns,
		.isolation = p->isolation,
		.owner = {.kind = LB_OWNER_MODULO},
		.steering = false,
		.session_cache = false,
		.cache = tiny,
		.table = tiny,
		/* No simulated delay on the advertising path: the real vty
		 * round trip and the node's real bgpd queue are the delay
		 * (vnode.h). */
		.profile = LB_PROFILE_IDEAL,
		.advertise_delay_ns = 0,
		.update_queue_hold_ns = 0,
		.strategy = p->strategy,
		/* bfd's node side is a timer of its own that sends session
		 * packets; the daemon ignores them (bfdd sends the real ones),
		 * but lb_node needs a positive interval to arm it */
		.session_interval_ns = p->heartbeat_ns,
	};
	for (unsigned i = 0; i < LB_STRATEGY_MAX_PHASES; i++)
		np.strategy_phase[i] = p->strategy_phase[i];
	return np;
}

static void node_act(void *user, const struct lb_node_action *a)
{
	struct vnode *v = user;
	if (a->kind == LB_NA_TIMER) {
		if (lb_timerq_apply(v->tq, 0, &a->timer) < 0)
			v->overflows++;
		return;
	}
	v->act(v->user, a);
}

struct vnode *vnode_create(const struct vnode_params *p, vnode_act_fn act, void *user)
{
	if (!p || !act || !p->strategy || p->nodes == 0 || p->nodes > LB_MAX_NODES || p->self >= p->nodes)
		return NULL;
	struct vnode *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->p = *p;
	v->act = act;
	v->user = user;
	struct lb_node_params np = vnode_node_params(p);
	np.hasher = &v->hasher;
	np.act = node_act;
	np.user = v;
	v->tq = lb_timerq_create(VNODE_TIMERS);
	if (!v->tq || lb_hasher_init(&v->hasher, LB_HASH_CRC32C, 0) < 0 || !(v->node = lb_node_create(&np))) {
		vnode_free(v);
		return NULL;
	}
	return v;
}

void vnode_free(struct vnode *v)
{
	if (!v)
		return;
	lb_node_free(v->node);
	lb_timerq_free(v->tq);
	free(v);
}

void vnode_start(struct vnode *v, uint64_t now)
{
	lb_node_start(v->node, now);
}

int vnode_heartbeat(struct vnode *v, unsigned peer, uint32_t health, uint64_t now)
{
	if (peer >= v->p.nodes || peer == v->p.self)
		return -EINVAL;
	lb_node_rx_heartbeat(v->node, peer, health, now);
	return 0;
}

void vnode_run(struct vnode *v, uint64_t now)
{
	unsigned owner;
	uint32_t id;
	uint64_t at;
	while (lb_timerq_pop(v->tq, now, &owner, &id, &at) == 1)
		lb_node_timer(v->node, id, now - at > v->p.heartbeat_ns ? now : at);
}

uint64_t vnode_next_deadline(const struct vnode *v)
{
	return lb_timerq_next(v->tq);
}

lb_nodeset vnode_view(const struct vnode *v)
{
	return lb_node_view(v->node);
}

uint32_t vnode_metric(const struct vnode *v)
{
	return lb_node_metric(v->node);
}

uint64_t vnode_overflows(const struct vnode *v)
{
	return v->overflows;
}
