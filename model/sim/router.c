/* router.c - the simulated router: lb_router (model/core) driven by the
 * shim.  Control messages from node i arrive on the router's device towards
 * node i; data packets from the clients are forwarded by lb_router_select()
 * (no route: dropped as no_route).  Everything the router decides and when
 * is lb_router's (lb_router.h); this file only moves packets and timers. */
#include "router.h"

#include <string.h>

static void act(void *user, const struct lb_router_action *a)
{
	struct sim_router *sr = user;
	if (a->kind == LB_RA_TIMER) {
		sim_timers_apply(&sr->timers, &a->timer);
		return;
	}
	metrics_event_x(sr->net->m, a->t_ns, a->node, SIM_EV_ROUTER, a->event, a->value, a->has_set, a->set,
			(int)sr->id);
}

static void fire(void *obj, uint32_t id, uint64_t now)
{
	struct sim_router *sr = obj;
	lb_router_timer(sr->r, id, now);
}

gboolean sim_router_init(struct sim_router *sr, struct net *net, unsigned id, GError **err)
{
	sr->net = net;
	sr->id = id;
	struct lb_router_params p = scenario_router_params(net->sc, id);
	p.act = act;
	p.user = sr;
	sr->r = lb_router_create(&p);
	if (!sr->r) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: [router] parameters rejected by the router model",
			    net->sc->path);
		return FALSE;
	}
	sim_timers_init(&sr->timers, net->sim, fire, sr);
	return TRUE;
}

void sim_router_free(struct sim_router *sr)
{
	sim_timers_clear(&sr->timers);
	lb_router_free(sr->r);
	sr->r = NULL;
}

void sim_router_start(struct sim_router *sr)
{
	sr->up = true;
	lb_router_start(sr->r, net_now(sr->net));
}

void sim_router_crash(struct sim_router *sr)
{
	sr->up = false;
	sim_timers_cancel(&sr->timers);
}

void sim_router_recover(struct sim_router *sr)
{
	sim_router_free(sr);
	GError *err = NULL;
	gboolean ok = sim_router_init(sr, sr->net, sr->id, &err);
	g_assert(ok && err == NULL); /* the same parameters were accepted at start */
	sr->up = true;
	lb_router_start_cold(sr->r, net_now(sr->net));
}

void sim_router_rx_data(struct sim_router *sr, const uint8_t *pkt, size_t len, uint64_t now)
{
	if (!sr->up) {
		net_drop_data(sr->net, pkt, len, SIM_DROP_ROUTER_DOWN);
		return;
	}
	struct lb_flow_key k;
	int rc = lb_flow_parse_capture(pkt, len, &k, NULL);
	g_assert(rc >= 0);
	/* stamped with this router's id, so that a later loss is put down to it */
	uint8_t out[DATA_MAX_HDR];
	g_assert(len <= sizeof out);
	memcpy(out, pkt, len);
	wire_stamp_router(out, len, sr->id);
	int nh = lb_router_select(sr->r, &k, now);
	if (nh < 0) {
		net_drop_data(sr->net, out, len, SIM_DROP_NO_ROUTE);
		return;
	}
	metrics_forwarded(sr->net->m, now, sr->id, (unsigned)nh);
	net_send_data(sr->net, sr->node_dev[nh], 0, out, len);
}

void sim_router_rx_msg(struct sim_router *sr, unsigned node, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct wire_msg msg;
	bool ok = wire_msg_read(pkt, len, &msg);
	g_assert(ok && msg.sender == node);
	if (!sr->up)
		return; /* a crashed router hears nothing */
	switch (msg.type) {
	case MSG_ADVERTISE:
		lb_router_rx_advertise(sr->r, node, msg.value, now);
		break;
	case MSG_WITHDRAW:
		lb_router_rx_withdraw(sr->r, node, now);
		break;
	case MSG_BFD:
		lb_router_rx_session(sr->r, node, now);
		break;
	case MSG_HEARTBEAT:
		g_assert_not_reached();
	}
}

void sim_router_carrier(struct sim_router *sr, unsigned node, bool up)
{
	if (sr->up)
		lb_router_carrier(sr->r, node, up, net_now(sr->net));
}
