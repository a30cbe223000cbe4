/* harness.c - see harness.h. */
#include "harness.h"

#include <assert.h>
#include <string.h>

#define OWNER_ROUTER H_MAX_NODES

struct lb_router_params h_router_params(unsigned n, enum lb_router_profile profile,
					 const struct lb_strategy *strategy)
{
	return (struct lb_router_params){
		.profile = profile,
		.neighbours = lb_nodeset_first(n),
		.initial_metric = 10,
		.hash = LB_HASH_CRC32C,
		.hash_seed = 1,
		.ecmp = {.kind = LB_ECMP_HASH_THRESHOLD},
		.hold_time_ns = 3 * LB_NS_PER_S,
		.processing_delay_ns = LB_NS_PER_MS,
		.fib_install_delay_ns = profile == LB_PROFILE_FRR ? 0 : 50 * LB_NS_PER_MS,
		.peer_clear_hold_ns = 10 * LB_NS_PER_MS,
		.update_queue_hold_ns = 50 * LB_NS_PER_MS,
		.rib_queue_hold_ns = 10 * LB_NS_PER_MS,
		.strategy = strategy,
		.session_interval_ns = 100 * LB_NS_PER_MS,
		.session_multiplier = 3,
	};
}

struct lb_node_params h_node_params(unsigned self, unsigned n, enum lb_router_profile profile,
				     const struct lb_strategy *strategy)
{
	struct lb_session_params sp = {.capacity = 1024, .idle_timeout_ns = 120 * LB_NS_PER_S};
	return (struct lb_node_params){
		.self = (uint8_t)self,
		.peers = lb_nodeset_first(n),
		.heartbeat_interval_ns = 100 * LB_NS_PER_MS,
		.heartbeat_misses = 3,
		.heartbeat_phase_ns = self * 10 * LB_NS_PER_MS,
		.base_metric = 10,
		.metric_reduction = 1,
		.restore_wait_ns = 4 * LB_NS_PER_S,
		.refresh_ns = LB_NS_PER_S,
		.first_refresh_ns = LB_NS_PER_S / 2 + self * LB_NS_PER_MS,
		.owner = {.kind = LB_OWNER_MAGLEV, .maglev_table_size = 65537, .seed = 0x5eed},
		.steering = true,
		.session_cache = true,
		.cache = sp,
		.table = sp,
		.profile = profile,
		.update_queue_hold_ns = 50 * LB_NS_PER_MS,
		.strategy = strategy,
		.session_interval_ns = 100 * LB_NS_PER_MS,
		.strategy_phase = {0.5, 0.25},
	};
}

static void record(struct harness *h, uint64_t t, int src, int node, const char *name, int64_t value,
		   lb_nodeset set)
{
	assert(h->n_ev < H_MAX_EVENTS);
	h->ev[h->n_ev++] = (struct h_event){t, src, node, name, value, set};
}

static void post(struct harness *h, enum h_msg_kind kind, unsigned from, unsigned to, uint32_t value)
{
	assert(h->n_msgs < H_MAX_MSGS);
	h->msgs[h->n_msgs++] = (struct h_msg){h->now + h->ctrl_delay_ns, h->seq++, kind, from, to, value};
}

static void router_act(void *user, const struct lb_router_action *a)
{
	struct harness *h = user;
	if (a->kind == LB_RA_TIMER) {
		int rc = lb_timerq_apply(h->tq, OWNER_ROUTER, &a->timer);
		assert(rc == 0);
		(void)rc;
		return;
	}
	record(h, a->t_ns, -1, a->node, lb_kind_name(&lb_router_event_table, a->event), a->value, a->set);
}

struct node_ctx {
	struct harness *h;
	unsigned id;
};
static struct node_ctx ctx[H_MAX_NODES];

static void node_act(void *user, const struct lb_node_action *a)
{
	struct node_ctx *c = user;
	struct harness *h = c->h;
	switch (a->kind) {
	case LB_NA_TIMER: {
		int rc = lb_timerq_apply(h->tq, c->id, &a->timer);
		assert(rc == 0);
		(void)rc;
		return;
	}
	case LB_NA_SEND_HEARTBEAT:
		post(h, H_HEARTBEAT, c->id, a->peer, a->value);
		return;
	case LB_NA_SEND_ADVERTISE:
		h->sent_updates[c->id]++;
		record(h, h->now, (int)c->id, (int)c->id, "tx_advertise", a->value, 0);
		post(h, H_ADVERTISE, c->id, 0, a->value);
		return;
	case LB_NA_SEND_WITHDRAW:
		h->sent_updates[c->id]++;
		record(h, h->now, (int)c->id, (int)c->id, "tx_withdraw", -1, 0);
		post(h, H_WITHDRAW, c->id, 0, 0);
		return;
	case LB_NA_SEND_SESSION:
		h->sent_sessions[c->id]++;
		record(h, h->now, (int)c->id, (int)c->id, "tx_session", -1, 0);
		post(h, H_SESSION, c->id, 0, 0);
		return;
	case LB_NA_EVENT:
		record(h, a->t_ns, (int)c->id, (int)c->id, lb_kind_name(&lb_node_event_table, a->event), a->ev_value,
		       a->set);
		return;
	}
}

void h_init(struct harness *h, unsigned n, const struct lb_router_params *rp, const struct lb_node_params *np)
{
	assert(n <= H_MAX_NODES);
	memset(h, 0, sizeof *h);
	h->n = n;
	h->ctrl_delay_ns = 5 * LB_NS_PER_US;
	h->tq = lb_timerq_create(256);
	int rc = lb_hasher_init(&h->hasher, LB_HASH_CRC32C, 0x5eed);
	assert(rc == 0 && h->tq);
	(void)rc;
	struct lb_router_params r = *rp;
	r.act = router_act;
	r.user = h;
	h->router = lb_router_create(&r);
	assert(h->router);
	for (unsigned i = 0; i < n; i++) {
		struct lb_node_params p = *np;
		p.self = (uint8_t)i;
		p.heartbeat_phase_ns = i * 10 * LB_NS_PER_MS;
		p.first_refresh_ns = LB_NS_PER_S / 2 + i * LB_NS_PER_MS;
		p.hasher = &h->hasher;
		ctx[i] = (struct node_ctx){h, i};
		p.act = node_act;
		p.user = &ctx[i];
		h->node_params[i] = p;
		h->node[i] = lb_node_create(&p);
		assert(h->node[i]);
		h->up[i] = true;
	}
}

void h_start(struct harness *h)
{
	lb_router_start(h->router, h->now);
	for (unsigned i = 0; i < h->n; i++)
		lb_node_start(h->node[i], h->now);
}

void h_free(struct harness *h)
{
	lb_router_free(h->router);
	for (unsigned i = 0; i < h->n; i++)
		lb_node_free(h->node[i]);
	lb_timerq_free(h->tq);
}

static int next_msg(const struct harness *h)
{
	int best = -1;
	for (unsigned i = 0; i < h->n_msgs; i++)
		if (best < 0 || h->msgs[i].at < h->msgs[best].at ||
		    (h->msgs[i].at == h->msgs[best].at && h->msgs[i].seq < h->msgs[best].seq))
			best = (int)i;
	return best;
}

static void deliver(struct harness *h, struct h_msg m)
{
	switch (m.kind) {
	case H_HEARTBEAT:
		if (h->up[m.to])
			lb_node_rx_heartbeat(h->node[m.to], m.from, m.value, h->now);
		return;
	case H_ADVERTISE:
		lb_router_rx_advertise(h->router, m.from, m.value, h->now);
		return;
	case H_WITHDRAW:
		lb_router_rx_withdraw(h->router, m.from, h->now);
		return;
	case H_SESSION:
		lb_router_rx_session(h->router, m.from, h->now);
		return;
	}
}

void h_run_until(struct harness *h, uint64_t t)
{
	for (;;) {
		int m = next_msg(h);
		uint64_t tm = m >= 0 ? h->msgs[m].at : LB_TIME_NEVER;
		uint64_t tt = lb_timerq_next(h->tq);
		uint64_t next = tm < tt ? tm : tt;
		if (next == LB_TIME_NEVER || next > t)
			break;
		h->now = next;
		if (tm <= tt) {
			struct h_msg msg = h->msgs[m];
			h->msgs[m] = h->msgs[--h->n_msgs];
			deliver(h, msg);
			continue;
		}
		unsigned owner;
		uint32_t id;
		uint64_t at;
		int rc = lb_timerq_pop(h->tq, h->now, &owner, &id, &at);
		assert(rc == 1);
		(void)rc;
		if (owner == OWNER_ROUTER)
			lb_router_timer(h->router, id, h->now);
		else if (h->up[owner])
			lb_node_timer(h->node[owner], id, h->now);
	}
	h->now = t;
}

void h_crash(struct harness *h, unsigned node)
{
	h->up[node] = false;
	lb_timerq_cancel_owner(h->tq, node);
}

void h_recover(struct harness *h, unsigned node)
{
	assert(!h->up[node]);
	lb_node_free(h->node[node]);
	h->node[node] = lb_node_create(&h->node_params[node]);
	assert(h->node[node]);
	h->up[node] = true;
	lb_node_start(h->node[node], h->now);
}

const struct h_event *h_find(const struct harness *h, const char *name, int src, uint64_t t)
{
	for (unsigned i = 0; i < h->n_ev; i++)
		if (h->ev[i].t >= t && strcmp(h->ev[i].name, name) == 0 && (src == -2 || h->ev[i].src == src))
			return &h->ev[i];
	return NULL;
}

unsigned h_count(const struct harness *h, const char *name, int src)
{
	unsigned c = 0;
	for (unsigned i = 0; i < h->n_ev; i++)
		if (strcmp(h->ev[i].name, name) == 0 && (src == -2 || h->ev[i].src == src))
			c++;
	return c;
}
