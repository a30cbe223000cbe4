/* upstream.c - see upstream.h. */
#include "upstream.h"

static void stage_act(void *user, const struct lb_router_action *a)
{
	struct sim_upstream *u = user;
	if (a->kind == LB_RA_TIMER) {
		sim_timers_apply(&u->timers, &a->timer);
		return;
	}
	metrics_event_x(u->net->m, a->t_ns, a->node, SIM_EV_UPSTREAM, a->event, a->value, a->has_set, a->set, -1);
}

static void stage_fire(void *obj, uint32_t id, uint64_t now)
{
	struct sim_upstream *u = obj;
	lb_router_timer(u->stage, id, now);
}

static void agent_send(struct sim_upstream *u, unsigned r, const struct lb_agent_out *out)
{
	if (out->advertise)
		net_send_msg(u->net, u->router_dev[r], 0, MSG_ADVERTISE, r, out->metric);
}

static void agent_rearm(struct sim_upstream_agent *c)
{
	struct lb_timer_req t = {LB_TIMER_ID(0, 0), lb_agent_next_deadline(c->u->agent[c->router]), LB_TIMER_LAZY};
	sim_timers_apply(&c->timers, &t);
}

static void agent_fire(void *obj, uint32_t id, uint64_t now)
{
	(void)id;
	struct sim_upstream_agent *c = obj;
	struct lb_agent_out out;
	if (lb_agent_tick(c->u->agent[c->router], now, &out) >= 0)
		agent_send(c->u, c->router, &out);
	agent_rearm(c);
}

gboolean upstream_init(struct sim_upstream *u, struct net *net, unsigned n_routers, struct shim_rng *rng_phase,
		       GError **err)
{
	const struct scenario *sc = net->sc;
	u->net = net;
	u->n = n_routers;
	u->rng_phase = rng_phase;
	struct lb_router_params p = scenario_stage_params(sc);
	g_assert(n_routers == sc->router_count);
	p.act = stage_act;
	p.user = u;
	u->stage = lb_router_create(&p);
	for (unsigned r = 0; r < n_routers; r++) {
		struct lb_agent_params ap = {
			.self = (uint8_t)r,
			.base_metric = 1,
			.refresh_ns = sc->upstream_refresh_interval_ns,
			.first_refresh_ns = 1 + (uint64_t)(shim_rng_uniform(rng_phase) *
							   (double)(sc->upstream_refresh_interval_ns - 1)),
		};
		u->agent[r] = lb_agent_create(&ap);
		u->agent_ctx[r] = (struct sim_upstream_agent){u, r, {0}};
		sim_timers_init(&u->agent_ctx[r].timers, net->sim, agent_fire, &u->agent_ctx[r]);
		if (!u->agent[r])
			u->stage = NULL;
	}
	if (!u->stage) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: [router] upstream parameters rejected", sc->path);
		return FALSE;
	}
	sim_timers_init(&u->timers, net->sim, stage_fire, u);
	return TRUE;
}

void upstream_free(struct sim_upstream *u)
{
	for (unsigned r = 0; r < u->n; r++) {
		sim_timers_clear(&u->agent_ctx[r].timers);
		lb_agent_free(u->agent[r]);
	}
	sim_timers_clear(&u->timers);
	lb_router_free(u->stage);
	u->stage = NULL;
}

void upstream_start(struct sim_upstream *u)
{
	uint64_t now = net_now(u->net);
	lb_router_start(u->stage, now);
	for (unsigned r = 0; r < u->n; r++)
		upstream_router_up(u, r);
	(void)now;
}

void upstream_rx_data(struct sim_upstream *u, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct lb_flow_key k;
	int rc = lb_flow_parse_capture(pkt, len, &k, NULL);
	g_assert(rc >= 0);
	int r = lb_router_select(u->stage, &k, now);
	if (r < 0) {
		net_drop_data(u->net, pkt, len, SIM_DROP_NO_ROUTE);
		return;
	}
	net_send_data(u->net, u->stage_dev[r], 0, pkt, len);
}

void upstream_rx_msg(struct sim_upstream *u, unsigned router, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct wire_msg msg;
	bool ok = wire_msg_read(pkt, len, &msg);
	g_assert(ok && msg.type == MSG_ADVERTISE && msg.sender == router);
	lb_router_rx_advertise(u->stage, router, msg.value, now);
}

void upstream_router_down(struct sim_upstream *u, unsigned router)
{
	struct lb_agent_out out;
	lb_agent_stop(u->agent[router], &out); /* a crashed router sends nothing (no withdrawal) */
	sim_timers_cancel(&u->agent_ctx[router].timers);
	if (u->net->sc->upstream_detection == SCENARIO_UPSTREAM_IMMEDIATE)
		lb_router_carrier(u->stage, router, false, net_now(u->net));
}

void upstream_router_up(struct sim_upstream *u, unsigned router)
{
	struct lb_agent_out out;
	if (lb_agent_start(u->agent[router], lb_nodeset_bit(router), net_now(u->net), &out) >= 0)
		agent_send(u, router, &out);
	agent_rearm(&u->agent_ctx[router]);
}
