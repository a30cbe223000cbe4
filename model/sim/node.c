/* node.c - a cluster node: model/core's membership, agent, owner selection,
 * steering and session cache, driven by packets and timers.
 *
 * Data path (seed 000): a VIP packet from the router is parsed and hashed
 * with the cluster's flow hash; lb_steer_decide() answers LOCAL (this node
 * owns the flow) or STEER(owner) (sent over the backplane) or DROP (the
 * cached owner is down and the policy drops).  The owner keeps per-flow
 * connection state (a second lb_session table): the flow's first packet
 * (sequence 0) creates it; a later packet finding none is dropped as
 * no_state and breaks its flow.  The owner forwards to its server.
 *
 * Control path (seed 004): heartbeats go to every peer over the backplane
 * every heartbeat_interval; lb_member declares a peer down after
 * heartbeat_misses silent intervals, checked on the node's own heartbeat
 * tick.  With failover = readvertise, every
 * change of the active set goes to lb_agent, whose answers (advertise n,
 * n - d, restore n, refresh) are sent to the router as packets.  With hold
 * and bfd the agent only advertises n and refreshes it.
 *
 * A crash stops the node at once (its timers are cancelled, packets reaching
 * it are dropped: blackhole from the router, steer_dead over the backplane)
 * and keeps its carrier up, so the router cannot see it.  Recovery starts
 * the node afresh: every session and connection state is lost. */
#include <string.h>

#include "world_internal.h"

static void agent_rearm(struct world *w, struct lbnode *n);

static void cancel(struct world *w, uint64_t *ev)
{
	if (*ev)
		shim_cancel(w->sim, *ev);
	*ev = 0;
}

static void send_agent_out(struct world *w, struct lbnode *n, const struct lb_agent_out *out)
{
	uint64_t now = world_now(w);
	if (out->withdraw) {
		world_send_msg(w, n->dev_uplink, 0, MSG_WITHDRAW, n->id, 0);
		metrics_event(&w->m, now, (int)n->id, "withdraw", -1);
	}
	if (out->advertise) {
		world_send_msg(w, n->dev_uplink, 0, MSG_ADVERTISE, n->id, out->metric);
		if (out->reason != LB_AGENT_REFRESH)
			metrics_event(&w->m, now, (int)n->id,
				      out->reason == LB_AGENT_RESTORE ? "restore" : "advertise", out->metric);
	}
}

static void active_changed(struct world *w, struct lbnode *n)
{
	uint64_t now = world_now(w);
	lb_nodeset prev = n->active;
	n->active = lb_member_active(n->member);
	for (unsigned p = 0; p < w->n_nodes; p++) {
		if (lb_nodeset_has(prev, p) && !lb_nodeset_has(n->active, p))
			metrics_event_set(&w->m, now, (int)n->id, "detect", p, n->active);
		else if (!lb_nodeset_has(prev, p) && lb_nodeset_has(n->active, p))
			metrics_event_set(&w->m, now, (int)n->id, "peer_up", p, n->active);
	}
	int rc = lb_owner_set_active(n->owner, n->active);
	g_assert(rc >= 0);
	if (w->failover == FAILOVER_READVERTISE) {
		struct lb_agent_out out;
		if (lb_agent_on_active_set(n->agent, n->active, now, &out) >= 0)
			send_agent_out(w, n, &out);
	}
}

static void agent_fire(void *user)
{
	struct lbnode *n = user;
	struct world *w = n->w;
	n->ev_agent = 0;
	n->agent_deadline = LB_TIME_NEVER;
	struct lb_agent_out out;
	if (lb_agent_tick(n->agent, world_now(w), &out) >= 0)
		send_agent_out(w, n, &out);
	agent_rearm(w, n);
}

static void agent_rearm(struct world *w, struct lbnode *n)
{
	world_timer_rearm(w, &n->ev_agent, &n->agent_deadline, lb_agent_next_deadline(n->agent), true, agent_fire, n);
}

/* Every heartbeat_interval, at the node's own phase: send a heartbeat to
 * every peer, then check the peers' timeouts (lb_member_tick).  Checking on
 * the node's own tick, as keepalived and corosync do, rather than at each
 * peer's exact deadline, is what spreads the survivors' detections of one
 * failure over up to an interval: the first survivor re-advertises n - d
 * alone and draws all of the VIP's traffic until the others follow (DESIGN
 * section 5).  Detection: the first own tick at or after the dead peer's
 * last heartbeat + misses x interval, i.e. misses x interval after the
 * failure on average, within ((misses-1) x interval, (misses+1) x interval). */
static void heartbeat_fire(void *user)
{
	struct lbnode *n = user;
	struct world *w = n->w;
	for (unsigned p = 0; p < w->n_nodes; p++)
		if (p != n->id)
			world_send_msg(w, n->dev_backplane, w->nodes[p].dev_backplane, MSG_HEARTBEAT, n->id, 100);
	n->ev_heartbeat = shim_schedule(w->sim, w->sc->heartbeat_interval_ns, heartbeat_fire, n);
	if (lb_member_tick(n->member, world_now(w)) > 0) {
		active_changed(w, n);
		agent_rearm(w, n);
	}
}

static void bfd_fire(void *user)
{
	struct lbnode *n = user;
	struct world *w = n->w;
	world_send_msg(w, n->dev_uplink, 0, MSG_BFD, n->id, 0);
	n->ev_bfd = shim_schedule(w->sim, w->sc->bfd_interval_ns, bfd_fire, n);
}

int node_init(struct world *w, struct lbnode *n, GError **err)
{
	const struct scenario *sc = w->sc;
	struct lb_member_params mp = {
		.self = (uint8_t)n->id,
		.peers = lb_nodeset_first(w->n_nodes),
		.interval_ns = sc->heartbeat_interval_ns,
		.misses = sc->heartbeat_misses,
	};
	struct lb_agent_params ap = {
		.self = (uint8_t)n->id,
		.base_metric = sc->base_metric,
		.reduction = sc->metric_reduction,
		.restore_wait_ns = sc->restore_wait_ns,
		.refresh_ns = sc->refresh_interval_ns,
		/* refreshes at the node's own phase in (0, refresh_interval] */
		.first_refresh_ns = 1 + (uint64_t)(shim_rng_uniform(w->rng_refresh) *
						   (double)(sc->refresh_interval_ns - 1)),
	};
	struct lb_owner_params op = {.maglev_table_size = sc->maglev_table_size, .seed = sc->flow_hash_seed};
	struct lb_session_params cp = {.capacity = sc->session_capacity,
				       .idle_timeout_ns = sc->session_idle_timeout_ns,
				       .ipv6 = sc->ip_version == 6};
	if (lb_owner_kind_parse(sc->owner_hash, &op.kind) < 0)
		goto bad;
	n->member = lb_member_create(&mp);
	n->agent = lb_agent_create(&ap);
	n->owner = lb_owner_create(&op);
	n->conns = lb_session_create(&cp);
	n->cache = sc->session_cache ? lb_session_create(&cp) : NULL;
	struct lb_steer_params stp = {.self = (uint8_t)n->id, .use_cache = sc->session_cache,
				      .dead_policy = LB_STEER_DEAD_RESELECT};
	n->steer = lb_steer_create(&stp, n->cache, n->owner);
	if (!n->member || !n->agent || !n->owner || !n->conns || (sc->session_cache && !n->cache) || !n->steer)
		goto bad;
	return 0;
bad:
	g_set_error(err, SIM_ERROR, SIM_ERROR_INVALID,
		    "%s: [cluster] parameters rejected by the node model (node %u)", sc->path, n->id);
	node_free(n);
	return -1;
}

void node_free(struct lbnode *n)
{
	lb_steer_free(n->steer);
	lb_session_free(n->cache);
	lb_session_free(n->conns);
	lb_owner_free(n->owner);
	lb_agent_free(n->agent);
	lb_member_free(n->member);
	n->steer = NULL;
	n->cache = n->conns = NULL;
	n->owner = NULL;
	n->agent = NULL;
	n->member = NULL;
}

void node_start(struct world *w, struct lbnode *n)
{
	uint64_t now = world_now(w);
	n->up = true;
	n->agent_deadline = LB_TIME_NEVER;
	lb_member_start(n->member, now);
	n->active = lb_member_active(n->member);
	int rc = lb_owner_set_active(n->owner, n->active);
	g_assert(rc >= 0);
	struct lb_agent_out out;
	if (lb_agent_start(n->agent, n->active, now, &out) >= 0)
		send_agent_out(w, n, &out);
	/* Each node's periodic sends start at a random phase within one period,
	 * as unsynchronised real nodes do: a failure at t then lands at a
	 * uniform point of the detector's interval. */
	uint64_t hb_phase = (uint64_t)(shim_rng_uniform(w->rng_phase) * (double)w->sc->heartbeat_interval_ns);
	n->ev_heartbeat = shim_schedule(w->sim, hb_phase, heartbeat_fire, n);
	if (w->failover == FAILOVER_BFD) {
		uint64_t bfd_phase = (uint64_t)(shim_rng_uniform(w->rng_phase) * (double)w->sc->bfd_interval_ns);
		n->ev_bfd = shim_schedule(w->sim, bfd_phase, bfd_fire, n);
	}
	agent_rearm(w, n);
}

void node_crash(struct world *w, struct lbnode *n)
{
	n->up = false;
	cancel(w, &n->ev_heartbeat);
	cancel(w, &n->ev_agent);
	cancel(w, &n->ev_bfd);
	n->agent_deadline = LB_TIME_NEVER;
}

void node_recover(struct world *w, struct lbnode *n)
{
	node_free(n);
	GError *err = NULL;
	int rc = node_init(w, n, &err);
	g_assert(rc == 0 && err == NULL); /* the same parameters were accepted at start */
	node_start(w, n);
}

void node_uplink_changed(struct world *w, struct lbnode *n)
{
	/* Carrier back: the routing session comes up again and the node
	 * advertises its current metric at once. */
	if (n->up && n->uplink_up) {
		struct lb_agent_out out = {.advertise = true, .metric = lb_agent_metric(n->agent),
					   .reason = LB_AGENT_REFRESH};
		send_agent_out(w, n, &out);
	}
}

static void owner_process(struct world *w, struct lbnode *n, const struct lb_flow_key *k, uint32_t hash,
			  const uint8_t *pkt, size_t len, uint64_t now)
{
	int rc;
	if (data_seq(pkt, len) == 0)
		rc = lb_session_insert(n->conns, k, hash, (uint8_t)n->id, now);
	else
		rc = lb_session_lookup(n->conns, k, hash, now);
	if (rc < 0) {
		world_drop_data(w, pkt, len, SIM_DROP_NO_STATE);
		traffic_flow_broken(w, data_flow_id(pkt, len));
		return;
	}
	metrics_node_bin(&w->m, now, n->id)->to_server++;
	world_send_data(w, n->dev_server, 0, pkt, len);
}

static uint32_t flow_hash(struct world *w, const uint8_t *pkt, size_t len, struct lb_flow_key *k)
{
	int rc = lb_flow_parse(pkt, len, k);
	g_assert(rc >= 0);
	return lb_hasher_flow(&w->cluster_hasher, k);
}

void node_rx_uplink(struct world *w, struct lbnode *n, const uint8_t *pkt, size_t len, uint64_t now)
{
	if (!n->up) {
		world_drop_data(w, pkt, len, SIM_DROP_BLACKHOLE);
		return;
	}
	if (!w->sc->steering) {
		/* no steering: the receiver serves every packet itself, as the
		 * validation testbed's nodes do (doc/validation.md) */
		metrics_node_bin(&w->m, now, n->id)->rx_router++;
		metrics_node_bin(&w->m, now, n->id)->to_server++;
		world_send_data(w, n->dev_server, 0, pkt, len);
		return;
	}
	struct lb_flow_key k;
	uint32_t hash = flow_hash(w, pkt, len, &k);
	struct lb_steer_result res;
	/* -ENOENT (no owner: empty active set) comes with action DROP */
	(void)lb_steer_decide(n->steer, &k, hash, n->active, now, &res);
	metrics_node_bin(&w->m, now, n->id)->rx_router++;
	switch (res.action) {
	case LB_STEER_LOCAL:
		owner_process(w, n, &k, hash, pkt, len, now);
		break;
	case LB_STEER_REMOTE:
		metrics_node_bin(&w->m, now, n->id)->steered_out++;
		w->m.backplane_bytes += w->sc->packet_size;
		world_send_data(w, n->dev_backplane, w->nodes[res.owner].dev_backplane, pkt, len);
		break;
	case LB_STEER_DROP:
		world_drop_data(w, pkt, len, SIM_DROP_STEER_DEAD);
		break;
	}
}

void node_rx_backplane(struct world *w, struct lbnode *n, const uint8_t *pkt, size_t len, uint64_t now)
{
	if (pkt[0] == MSG_HEARTBEAT) {
		g_assert(len >= MSG_LEN);
		if (!n->up)
			return;
		uint32_t health = be32_get(pkt + 2);
		if (lb_member_heartbeat(n->member, pkt[1], health, now) > 0) {
			active_changed(w, n);
			agent_rearm(w, n);
		}
		return;
	}
	if (!n->up) {
		world_drop_data(w, pkt, len, SIM_DROP_STEER_DEAD);
		return;
	}
	metrics_node_bin(&w->m, now, n->id)->steered_in++;
	struct lb_flow_key k;
	uint32_t hash = flow_hash(w, pkt, len, &k);
	owner_process(w, n, &k, hash, pkt, len, now);
}
