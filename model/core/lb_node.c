/* lb_node.c - the cluster node state machine; see lb_node.h. */
#include "lbcore/lb_node.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lb_fifo.h"
#include "lbcore/lb_agent.h"
#include "lbcore/lb_member.h"
#include "lbcore/lb_steer.h"

LB_KIND_TABLE(lb_node_event_table, "node event", LB_NODE_EVENTS);

#define HEARTBEAT_HEALTH 100 /* every node reports itself healthy */
#define NO_METRIC UINT32_MAX /* a decision to withdraw */

struct lb_node {
	struct lb_node_params p;
	struct lb_member *member;
	struct lb_agent *agent;
	struct lb_owner *owner;
	struct lb_session *cache; /* NULL when session_cache is off */
	struct lb_session *table;
	struct lb_steer *steer;
	lb_nodeset view;
	uint32_t sent_metric;    /* the metric last sent (NO_METRIC: withdrawn) */
	uint32_t wanted_metric;  /* frr: the latest decision waiting in the queue */
	bool queue_pending;      /* frr */
	struct lb_fifo delayed;  /* uint32_t decisions waiting advertise_delay */
};

/* Actions ---------------------------------------------------------------- */

static void act(struct lb_node *n, const struct lb_node_action *a)
{
	n->p.act(n->p.user, a);
}

static void arm(struct lb_node *n, enum lb_node_timer kind, unsigned index, uint64_t at, enum lb_timer_mode mode)
{
	act(n, &(struct lb_node_action){.kind = LB_NA_TIMER, .timer = {LB_TIMER_ID(kind, index), at, mode}});
}

static void event(struct lb_node *n, enum lb_node_event ev, uint64_t now, int64_t value)
{
	act(n, &(struct lb_node_action){.kind = LB_NA_EVENT, .event = ev, .t_ns = now, .ev_value = value});
}

static void event_set(struct lb_node *n, enum lb_node_event ev, uint64_t now, int64_t value, lb_nodeset set)
{
	act(n, &(struct lb_node_action){
		       .kind = LB_NA_EVENT, .event = ev, .t_ns = now, .ev_value = value, .has_set = true, .set = set});
}

static void send_update(struct lb_node *n, uint32_t metric)
{
	n->sent_metric = metric;
	if (metric == NO_METRIC)
		act(n, &(struct lb_node_action){.kind = LB_NA_SEND_WITHDRAW});
	else
		act(n, &(struct lb_node_action){.kind = LB_NA_SEND_ADVERTISE, .value = metric});
}

/* Creation ------------------------------------------------------------------ */

struct lb_node *lb_node_create(const struct lb_node_params *p)
{
	if (!p || !p->act || !p->hasher || !p->strategy || !lb_nodeset_has(p->peers, p->self) ||
	    (unsigned)p->profile >= LB_ROUTER_PROFILE_COUNT || p->strategy->node_phases > LB_STRATEGY_MAX_PHASES)
		return NULL;
	struct lb_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->p = *p;
	lb_fifo_init(&n->delayed, sizeof(uint32_t));
	struct lb_member_params mp = {
		.self = p->self,
		.peers = p->peers,
		.interval_ns = p->heartbeat_interval_ns,
		.misses = p->heartbeat_misses,
	};
	struct lb_agent_params ap = {
		.self = p->self,
		.base_metric = p->base_metric,
		.reduction = p->metric_reduction,
		.restore_wait_ns = p->restore_wait_ns,
		.refresh_ns = p->refresh_ns,
		.first_refresh_ns = p->first_refresh_ns,
		.isolation = p->isolation,
	};
	n->member = lb_member_create(&mp);
	n->agent = lb_agent_create(&ap);
	n->owner = lb_owner_create(&p->owner);
	n->table = lb_session_create(&p->table);
	n->cache = p->session_cache ? lb_session_create(&p->cache) : NULL;
	struct lb_steer_params sp = {.self = p->self, .use_cache = p->session_cache,
				     .dead_policy = LB_STEER_DEAD_RESELECT};
	n->steer = lb_steer_create(&sp, n->cache, n->owner);
	if (!n->member || !n->agent || !n->owner || !n->table || (p->session_cache && !n->cache) || !n->steer) {
		lb_node_free(n);
		return NULL;
	}
	n->sent_metric = p->base_metric;
	return n;
}

void lb_node_free(struct lb_node *n)
{
	if (!n)
		return;
	lb_steer_free(n->steer);
	lb_session_free(n->cache);
	lb_session_free(n->table);
	lb_owner_free(n->owner);
	lb_agent_free(n->agent);
	lb_member_free(n->member);
	lb_fifo_free(&n->delayed);
	free(n);
}

/* The advertising path ----------------------------------------------------------- */

static bool immediate(const struct lb_node *n)
{
	return n->p.profile == LB_PROFILE_IDEAL && n->p.advertise_delay_ns == 0;
}

/* A decision past advertise_delay: frr, into bgpd's queue; ideal, out. */
static void decision_ready(struct lb_node *n, uint32_t metric, uint64_t now)
{
	if (n->p.profile == LB_PROFILE_IDEAL) {
		send_update(n, metric);
		event(n, LB_NE_UPDATE_SENT, now, metric == NO_METRIC ? -1 : (int64_t)metric);
		return;
	}
	n->wanted_metric = metric;
	if (!n->queue_pending) {
		n->queue_pending = true;
		arm(n, LB_NT_ADV_QUEUE, 0, now + n->p.update_queue_hold_ns, LB_TIMER_REPLACE);
	}
}

static void queue_fire(struct lb_node *n, uint64_t now)
{
	n->queue_pending = false;
	if (n->wanted_metric == n->sent_metric)
		return;
	send_update(n, n->wanted_metric);
	event(n, LB_NE_UPDATE_SENT, now, n->wanted_metric == NO_METRIC ? -1 : (int64_t)n->wanted_metric);
}

static void delay_fire(struct lb_node *n, uint64_t now)
{
	uint32_t metric;
	bool ok = lb_fifo_pop(&n->delayed, &metric);
	assert(ok);
	(void)ok;
	decision_ready(n, metric, now);
}

/* What the agent asked for: refreshes (and the start) at once with the
 * metric last sent; decisions along the advertising path. */
static void agent_out(struct lb_node *n, const struct lb_agent_out *out, uint64_t now)
{
	if (!out->advertise && !out->withdraw)
		return;
	bool decision = out->reason != LB_AGENT_REFRESH && out->reason != LB_AGENT_START;
	if (immediate(n) || !decision) {
		if (out->withdraw) {
			send_update(n, NO_METRIC);
			event(n, LB_NE_WITHDRAW, now, -1);
		}
		if (out->advertise) {
			uint32_t m = decision || out->reason == LB_AGENT_START ? out->metric : n->sent_metric;
			send_update(n, m);
			if (out->reason != LB_AGENT_REFRESH)
				event(n, out->reason == LB_AGENT_RESTORE ? LB_NE_RESTORE : LB_NE_ADVERTISE, now, m);
		}
		return;
	}
	uint32_t metric = out->withdraw ? NO_METRIC : out->metric;
	if (out->withdraw)
		event(n, LB_NE_WITHDRAW, now, -1);
	else
		event(n, out->reason == LB_AGENT_RESTORE ? LB_NE_RESTORE : LB_NE_ADVERTISE, now, metric);
	if (n->p.advertise_delay_ns == 0) {
		decision_ready(n, metric, now);
		return;
	}
	if (!lb_fifo_push(&n->delayed, &metric))
		abort(); /* out of memory on the control path */
	arm(n, LB_NT_ADV_DELAY, 0, now + n->p.advertise_delay_ns, LB_TIMER_QUEUE);
}

static void agent_rearm(struct lb_node *n)
{
	arm(n, LB_NT_AGENT, 0, lb_agent_next_deadline(n->agent), LB_TIMER_LAZY);
}

/* Membership ---------------------------------------------------------------------- */

static void view_changed(struct lb_node *n, uint64_t now)
{
	lb_nodeset prev = n->view;
	n->view = lb_member_active(n->member);
	for (unsigned p = 0; p < LB_MAX_NODES; p++) {
		if (lb_nodeset_has(prev, p) && !lb_nodeset_has(n->view, p))
			event_set(n, LB_NE_DETECT, now, p, n->view);
		else if (!lb_nodeset_has(prev, p) && lb_nodeset_has(n->view, p))
			event_set(n, LB_NE_PEER_UP, now, p, n->view);
	}
	int rc = lb_owner_set_active(n->owner, n->view);
	assert(rc >= 0);
	(void)rc;
	if (n->p.strategy->node_view_changed)
		n->p.strategy->node_view_changed(n, n->view, now);
	agent_rearm(n);
}

static void heartbeat_fire(struct lb_node *n, uint64_t now)
{
	for (unsigned p = 0; p < LB_MAX_NODES; p++)
		if (p != n->p.self && lb_nodeset_has(n->p.peers, p))
			act(n, &(struct lb_node_action){.kind = LB_NA_SEND_HEARTBEAT, .peer = p,
							.value = HEARTBEAT_HEALTH});
	arm(n, LB_NT_HEARTBEAT, 0, now + n->p.heartbeat_interval_ns, LB_TIMER_REPLACE);
	if (lb_member_tick(n->member, now) > 0)
		view_changed(n, now);
}

void lb_node_rx_heartbeat(struct lb_node *n, unsigned peer, uint32_t health, uint64_t now)
{
	if (lb_member_heartbeat(n->member, peer, health, now) > 0)
		view_changed(n, now);
}

/* Start and timers ------------------------------------------------------------------ */

void lb_node_start(struct lb_node *n, uint64_t now)
{
	lb_member_start(n->member, now);
	n->view = lb_member_active(n->member);
	int rc = lb_owner_set_active(n->owner, n->view);
	assert(rc >= 0);
	(void)rc;
	struct lb_agent_out out;
	if (lb_agent_start(n->agent, n->view, now, &out) >= 0)
		agent_out(n, &out, now);
	arm(n, LB_NT_HEARTBEAT, 0, now + n->p.heartbeat_phase_ns, LB_TIMER_REPLACE);
	if (n->p.strategy->node_start)
		n->p.strategy->node_start(n, now);
	agent_rearm(n);
}

void lb_node_timer(struct lb_node *n, uint32_t id, uint64_t now)
{
	struct lb_agent_out out;
	switch ((enum lb_node_timer)LB_TIMER_KIND(id)) {
	case LB_NT_HEARTBEAT:
		heartbeat_fire(n, now);
		return;
	case LB_NT_AGENT:
		if (lb_agent_tick(n->agent, now, &out) >= 0)
			agent_out(n, &out, now);
		agent_rearm(n);
		return;
	case LB_NT_ADV_DELAY:
		delay_fire(n, now);
		return;
	case LB_NT_ADV_QUEUE:
		queue_fire(n, now);
		return;
	case LB_NT_STRATEGY:
		if (n->p.strategy->node_timer)
			n->p.strategy->node_timer(n, LB_TIMER_INDEX(id), now);
		return;
	}
	assert(!"unknown node timer");
}

void lb_node_uplink(struct lb_node *n, bool up, uint64_t now)
{
	(void)now;
	lb_agent_set_uplink(n->agent, up);
	if (up && n->sent_metric != NO_METRIC)
		send_update(n, n->sent_metric);
}

/* Data path -------------------------------------------------------------------------- */

/* As the flow's owner: the first packet creates its state, a later one
 * needs it. */
static struct lb_node_verdict serve(struct lb_node *n, const struct lb_flow_key *k, uint32_t hash, bool first,
				    uint64_t now)
{
	int rc = first ? lb_session_insert(n->table, k, hash, n->p.self, now) : lb_session_lookup(n->table, k, hash, now);
	return (struct lb_node_verdict){.kind = rc < 0 ? LB_NV_DROP_NO_STATE : LB_NV_DELIVER};
}

struct lb_node_verdict lb_node_rx_data(struct lb_node *n, const struct lb_flow_key *k, bool first,
				       bool from_backplane, uint64_t now)
{
	if (!n->p.steering)
		return (struct lb_node_verdict){.kind = LB_NV_DELIVER};
	uint32_t hash = lb_hasher_flow(n->p.hasher, k);
	if (from_backplane)
		return serve(n, k, hash, first, now);
	struct lb_steer_result res;
	/* -ENOENT (no owner: empty view) comes with action DROP */
	(void)lb_steer_decide(n->steer, k, hash, n->view, now, &res);
	switch (res.action) {
	case LB_STEER_LOCAL:
		return serve(n, k, hash, first, now);
	case LB_STEER_REMOTE:
		return (struct lb_node_verdict){.kind = LB_NV_STEER, .owner = res.owner};
	case LB_STEER_DROP:
		break;
	}
	return (struct lb_node_verdict){.kind = LB_NV_DROP_STEER_DEAD};
}

void lb_node_sample(struct lb_node *n, uint64_t now, uint64_t *sessions, uint64_t *flow_states)
{
	*sessions = 0;
	if (n->cache) {
		lb_session_sweep(n->cache, now, 1024);
		*sessions = lb_session_count_live(n->cache, now);
	}
	lb_session_sweep(n->table, now, 1024);
	*flow_states = lb_session_count_live(n->table, now);
}

/* Queries -------------------------------------------------------------------------- */

lb_nodeset lb_node_view(const struct lb_node *n)
{
	return n->view;
}

uint32_t lb_node_metric(const struct lb_node *n)
{
	return n->sent_metric;
}

const struct lb_agent *lb_node_agent(const struct lb_node *n)
{
	return n->agent;
}

const struct lb_session *lb_node_cache(const struct lb_node *n)
{
	return n->cache;
}

const struct lb_session *lb_node_table(const struct lb_node *n)
{
	return n->table;
}

uint64_t lb_node_advertise_delay_ns(const struct lb_node_params *p)
{
	return p->advertise_delay_ns + (p->profile == LB_PROFILE_FRR ? p->update_queue_hold_ns : 0);
}

/* Services for strategies (lb_strategy.h) ---------------------------------------------- */

void lb_node_strategy_timer(struct lb_node *n, unsigned index, uint64_t at)
{
	assert(index < 8);
	arm(n, LB_NT_STRATEGY, index, at, LB_TIMER_REPLACE);
}

void lb_node_send_session(struct lb_node *n)
{
	act(n, &(struct lb_node_action){.kind = LB_NA_SEND_SESSION});
}

double lb_node_strategy_phase(const struct lb_node *n, unsigned i)
{
	assert(i < LB_STRATEGY_MAX_PHASES);
	return n->p.strategy_phase[i];
}

uint64_t lb_node_session_interval(const struct lb_node *n)
{
	return n->p.session_interval_ns;
}

void lb_node_agent_view(struct lb_node *n, lb_nodeset active, uint64_t now)
{
	struct lb_agent_out out;
	if (lb_agent_on_active_set(n->agent, active, now, &out) >= 0)
		agent_out(n, &out, now);
}
