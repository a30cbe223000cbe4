/* node.c - a simulated cluster node: lb_node (model/core) driven by the
 * shim.  Everything the node decides and when is lb_node's (lb_node.h):
 * this file moves its packets, runs its timers, logs its events and counts
 * its data path into nodes.csv's bins.  A crash stops the node at once (its
 * timers are cancelled; packets reaching it are lost: blackhole from the
 * router, steer_dead over the backplane) and keeps its carrier up, so the
 * router cannot see it.  Recovery starts a fresh lb_node. */
#include "node.h"
#include "traffic.h"

static void act(void *user, const struct lb_node_action *a)
{
	struct sim_node *sn = user;
	struct net *net = sn->net;
	switch (a->kind) {
	case LB_NA_TIMER:
		sim_timers_apply(&sn->timers, &a->timer);
		return;
	case LB_NA_SEND_HEARTBEAT:
		net_send_msg(net, sn->dev_backplane, sn->peer_backplane[a->peer], MSG_HEARTBEAT, sn->id, a->value);
		return;
	case LB_NA_SEND_ADVERTISE:
	case LB_NA_SEND_WITHDRAW:
	case LB_NA_SEND_SESSION: {
		/* to every router: each has its own session with the node */
		enum msg_type t = a->kind == LB_NA_SEND_ADVERTISE ? MSG_ADVERTISE
				  : a->kind == LB_NA_SEND_WITHDRAW ? MSG_WITHDRAW
								     : MSG_BFD;
		for (unsigned r = 0; r < sn->n_routers; r++)
			net_send_msg(net, sn->dev_uplink[r], 0, t, sn->id, a->kind == LB_NA_SEND_ADVERTISE ? a->value : 0);
		return;
	}
	case LB_NA_EVENT:
		metrics_event_x(net->m, a->t_ns, (int)sn->id, SIM_EV_NODE, a->event, a->ev_value, a->has_set, a->set, -1);
		return;
	}
}

static void fire(void *obj, uint32_t id, uint64_t now)
{
	struct sim_node *sn = obj;
	lb_node_timer(sn->n, id, now);
}

gboolean sim_node_init(struct sim_node *sn, GError **err)
{
	const struct scenario *sc = sn->net->sc;
	struct lb_node_params p = scenario_node_params(sc);
	p.self = (uint8_t)sn->id;
	p.hasher = sn->hasher;
	/* each node's periodic sends start at their own random phase, as
	 * unsynchronised real nodes do: a failure then lands at a uniform
	 * point of every timer (refreshes in (0, refresh_interval]) */
	p.first_refresh_ns =
		1 + (uint64_t)(shim_rng_uniform(sn->rng_refresh) * (double)(sc->refresh_interval_ns - 1));
	p.heartbeat_phase_ns = (uint64_t)(shim_rng_uniform(sn->rng_phase) * (double)sc->heartbeat_interval_ns);
	for (unsigned i = 0; i < sc->failover->node_phases; i++)
		p.strategy_phase[i] = shim_rng_uniform(sn->rng_phase);
	p.act = act;
	p.user = sn;
	sn->cache_seen = sn->table_seen = (struct lb_session_stats){0};
	sn->n = lb_node_create(&p);
	if (!sn->n) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "%s: [cluster] parameters rejected by the node model (node %u)", sc->path, sn->id);
		return FALSE;
	}
	sim_timers_init(&sn->timers, sn->net->sim, fire, sn);
	return TRUE;
}

void sim_node_free(struct sim_node *sn)
{
	sim_timers_clear(&sn->timers);
	lb_node_free(sn->n);
	sn->n = NULL;
}

void sim_node_start(struct sim_node *sn)
{
	sn->up = true;
	lb_node_start(sn->n, net_now(sn->net));
}

void sim_node_crash(struct sim_node *sn)
{
	sn->up = false;
	sim_timers_cancel(&sn->timers);
}

void sim_node_recover(struct sim_node *sn)
{
	sim_node_free(sn);
	GError *err = NULL;
	gboolean ok = sim_node_init(sn, &err);
	g_assert(ok && err == NULL); /* the same parameters were accepted at start */
	sim_node_start(sn);
}

void sim_node_uplink_changed(struct sim_node *sn)
{
	bool any = false;
	for (unsigned r = 0; r < sn->n_routers; r++)
		any = any || sn->uplink_up[r];
	/* carrier back: the routing session comes up again and the node
	 * advertises its current metric at once; carrier lost: the agent's
	 * isolation rule knows the node no longer hears the router */
	if (sn->up)
		lb_node_uplink(sn->n, any, net_now(sn->net));
}

static void data(struct sim_node *sn, const uint8_t *pkt, size_t len, uint64_t now, bool from_backplane)
{
	struct net *net = sn->net;
	struct lb_flow_key k;
	int rc = lb_flow_parse_capture(pkt, len, &k, NULL);
	g_assert(rc >= 0);
	struct lb_node_verdict v = lb_node_rx_data(sn->n, &k, wire_seq(pkt, len) == 0, from_backplane, now);
	struct sim_node_bin *nb = metrics_node_bin(net->m, now, sn->id);
	if (from_backplane)
		nb->steered_in++;
	else
		nb->rx_router++;
	switch (v.kind) {
	case LB_NV_DELIVER:
		nb->to_server++;
		if (sn->deliver_now)
			traffic_server_rx(sn->deliver_now, pkt, len, now);
		else
			net_send_data(net, sn->dev_server, 0, pkt, len);
		return;
	case LB_NV_STEER:
		nb->steered_out++;
		net->m->backplane_bytes += net->sc->packet_size;
		net_send_data(net, sn->dev_backplane, sn->peer_backplane[v.owner], pkt, len);
		return;
	case LB_NV_DROP_STEER_DEAD:
		net_drop_data(net, pkt, len, SIM_DROP_STEER_DEAD);
		return;
	case LB_NV_DROP_NO_STATE:
		net_drop_data(net, pkt, len, SIM_DROP_NO_STATE);
		net_flow_broken(net, wire_flow_id(pkt, len));
		return;
	}
}

void sim_node_rx_uplink(struct sim_node *sn, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct sim_flow_rec *rec = &flows_at(sn->net->flows, wire_flow_id(pkt, len))->rec;
	if (rec->first_receiver == SIM_FLOW_NONE) { /* where the routers sent the flow first (flows.csv) */
		rec->first_receiver = (uint8_t)sn->id;
		rec->first_router = (uint8_t)wire_router(pkt, len);
	}
	if (!sn->up) {
		net_drop_data(sn->net, pkt, len, SIM_DROP_BLACKHOLE);
		return;
	}
	data(sn, pkt, len, now, false);
}

void sim_node_rx_backplane(struct sim_node *sn, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct wire_msg msg;
	if (wire_msg_read(pkt, len, &msg)) {
		g_assert(msg.type == MSG_HEARTBEAT);
		if (sn->up)
			lb_node_rx_heartbeat(sn->n, msg.sender, msg.value, now);
		return;
	}
	if (!sn->up) {
		net_drop_data(sn->net, pkt, len, SIM_DROP_STEER_DEAD);
		return;
	}
	data(sn, pkt, len, now, true);
}

/* What a table counted since the last sample (its counters restart at 0
 * when the node recovers: sim_node_init resets what was seen). */
static void table_delta(const struct lb_session *t, struct lb_session_stats *seen, uint64_t *hits, uint64_t *misses,
			uint64_t *evictions, uint64_t *expiries)
{
	struct lb_session_stats now = {0};
	if (t)
		lb_session_stats(t, &now);
	*hits = now.hits - seen->hits;
	*misses = now.misses - seen->misses;
	*evictions = now.evictions - seen->evictions;
	*expiries = now.expiries - seen->expiries;
	*seen = now;
}

void sim_node_sample(struct sim_node *sn, struct sim_node_bin *nb, uint64_t now)
{
	if (!sn->up)
		return;
	lb_node_sample(sn->n, now, &nb->sessions, &nb->flow_states);
	table_delta(lb_node_cache(sn->n), &sn->cache_seen, &nb->cache_hits, &nb->cache_misses, &nb->cache_evictions,
		    &nb->cache_expiries);
	table_delta(lb_node_table(sn->n), &sn->table_seen, &nb->table_hits, &nb->table_misses, &nb->table_evictions,
		    &nb->table_expiries);
}
