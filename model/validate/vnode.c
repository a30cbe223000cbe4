/* vnode.c - see vnode.h.  The wiring follows model/sim/node.c
 * (active_changed, heartbeat_fire, agent_fire) so the real node decides as
 * the simulated one does. */
#include "vnode.h"

#include <stdlib.h>
#include <string.h>

struct vnode {
	struct vnode_params p;
	struct lb_member *member;
	struct lb_agent *agent;
	lb_nodeset active;
};

struct vnode *vnode_create(const struct vnode_params *p)
{
	if (p->nodes == 0 || p->nodes > LB_MAX_NODES || p->self >= p->nodes)
		return NULL;
	struct vnode *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->p = *p;
	struct lb_member_params mp = {.self = p->self, .peers = lb_nodeset_first(p->nodes),
				      .interval_ns = p->heartbeat_ns, .misses = p->misses};
	struct lb_agent_params ap = {.self = p->self, .base_metric = p->base_metric, .reduction = p->reduction,
				     .restore_wait_ns = p->restore_wait_ns, .refresh_ns = p->refresh_ns,
				     .first_refresh_ns = p->first_refresh_ns};
	v->member = lb_member_create(&mp);
	v->agent = lb_agent_create(&ap);
	if (!v->member || !v->agent) {
		vnode_free(v);
		return NULL;
	}
	return v;
}

void vnode_free(struct vnode *v)
{
	if (!v)
		return;
	lb_agent_free(v->agent);
	lb_member_free(v->member);
	free(v);
}

static void push(struct vnode_actions *out, struct vnode_action a)
{
	if (out->n < VNODE_MAX_ACTIONS)
		out->a[out->n++] = a;
}

static void agent_out(struct vnode_actions *out, int rc, const struct lb_agent_out *o)
{
	if (rc > 0 && o->advertise)
		push(out, (struct vnode_action){.kind = VNODE_ADVERTISE, .metric = o->metric, .reason = o->reason});
}

static void active_changed(struct vnode *v, uint64_t now, struct vnode_actions *out)
{
	lb_nodeset prev = v->active;
	v->active = lb_member_active(v->member);
	for (unsigned p = 0; p < v->p.nodes; p++) {
		if (lb_nodeset_has(prev, p) != lb_nodeset_has(v->active, p))
			push(out, (struct vnode_action){.kind = lb_nodeset_has(prev, p) ? VNODE_DETECT : VNODE_PEER_UP,
							.peer = p, .set = v->active});
	}
	if (v->p.readvertise) {
		struct lb_agent_out o;
		agent_out(out, lb_agent_on_active_set(v->agent, v->active, now, &o), &o);
	}
}

void vnode_start(struct vnode *v, uint64_t now, struct vnode_actions *out)
{
	out->n = 0;
	lb_member_start(v->member, now);
	v->active = lb_member_active(v->member);
	struct lb_agent_out o;
	agent_out(out, lb_agent_start(v->agent, v->active, now, &o), &o);
}

void vnode_tick(struct vnode *v, uint64_t now, struct vnode_actions *out)
{
	out->n = 0;
	if (lb_member_tick(v->member, now) > 0)
		active_changed(v, now, out);
}

int vnode_heartbeat(struct vnode *v, unsigned peer, uint32_t health, uint64_t now, struct vnode_actions *out)
{
	out->n = 0;
	int rc = lb_member_heartbeat(v->member, peer, health, now);
	if (rc > 0)
		active_changed(v, now, out);
	return rc < 0 ? rc : 0;
}

void vnode_timer(struct vnode *v, uint64_t now, struct vnode_actions *out)
{
	out->n = 0;
	struct lb_agent_out o;
	agent_out(out, lb_agent_tick(v->agent, now, &o), &o);
}

uint64_t vnode_next_deadline(const struct vnode *v)
{
	return lb_agent_next_deadline(v->agent);
}

lb_nodeset vnode_active(const struct vnode *v)
{
	return v->active;
}
