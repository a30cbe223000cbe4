/* net.c - see net.h. */
#include "net.h"

void net_add_dev(struct net *n, uint32_t dev, enum dev_role role, unsigned node, unsigned router)
{
	if (dev >= n->devs->len)
		g_array_set_size(n->devs, dev + 1);
	struct dev_info *d = &g_array_index(n->devs, struct dev_info, dev);
	d->role = (uint8_t)role;
	d->node = (uint8_t)node;
	d->router = (uint8_t)router;
}

void net_set_client(struct net *n, uint32_t dev, uint32_t client)
{
	g_assert(dev < n->devs->len);
	g_array_index(n->devs, struct dev_info, dev).client = client;
}

const struct dev_info *net_dev(const struct net *n, uint32_t dev)
{
	g_assert(dev < n->devs->len);
	return &g_array_index(n->devs, struct dev_info, dev);
}

/* true when a backplane packet from dev to dst_dev crosses the partition */
static bool cut_off(const struct net *n, uint32_t dev, uint32_t dst_dev)
{
	const struct dev_info *d = net_dev(n, dev);
	if (d->role != ROLE_NODE_BACKPLANE)
		return false;
	unsigned a = d->node, b = net_dev(n, dst_dev)->node;
	return lb_nodeset_has(n->partition_side, a) != lb_nodeset_has(n->partition_side, b);
}

void net_send_data(struct net *n, uint32_t dev, uint32_t dst_dev, const uint8_t *pkt, size_t len)
{
	if (n->partitioned && cut_off(n, dev, dst_dev)) {
		net_drop_data(n, pkt, len, SIM_DROP_LINK);
		return;
	}
	n->data_in_net++;
	shim_send(n->sim, dev, dst_dev, pkt, len, n->sc->packet_size);
}

/* The addresses of a control message out of dev (wire.h). */
static void msg_addrs(const struct net *n, uint32_t dev, uint32_t dst_dev, struct wire_msg *m)
{
	const struct dev_info *d = net_dev(n, dev);
	switch ((enum dev_role)d->role) {
	case ROLE_NODE_UPLINK:
		wire_addr_uplink(m->src, d->router, d->node, false);
		wire_addr_uplink(m->dst, d->router, d->node, true);
		m->peer = d->router;
		return;
	case ROLE_NODE_BACKPLANE:
		wire_addr_backplane(m->src, d->node);
		wire_addr_backplane(m->dst, net_dev(n, dst_dev)->node);
		return;
	case ROLE_ROUTER_CLIENT: /* a router's link to the upstream stage */
		wire_addr_stage(m->src, d->router, false);
		wire_addr_stage(m->dst, d->router, true);
		return;
	default:
		g_assert_not_reached();
	}
}

void net_send_msg(struct net *n, uint32_t dev, uint32_t dst_dev, enum msg_type type, unsigned sender, uint32_t value)
{
	struct wire_msg m = {.type = type, .sender = (uint8_t)sender, .value = value};
	msg_addrs(n, dev, dst_dev, &m);
	if (type == MSG_BFD) {
		uint64_t us = n->sc->bfd_interval_ns / 1000;
		m.value = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
		m.detect_mult = (uint8_t)(n->sc->bfd_multiplier > 255 ? 255 : n->sc->bfd_multiplier);
	}
	uint8_t msg[WIRE_MSG_PRESENT];
	size_t len = wire_msg_write(&m, msg, sizeof msg);
	n->ctrl_sent++;
	if (n->partitioned && cut_off(n, dev, dst_dev)) {
		n->ctrl_dropped++;
		return;
	}
	n->ctrl_in_net++;
	shim_send(n->sim, dev, dst_dev, msg, len, MSG_WIRE_LEN);
}

void net_drop_data(struct net *n, const uint8_t *pkt, size_t len, enum sim_drop_cause why)
{
	metrics_drop(n->m, net_now(n), why, wire_router(pkt, len));
	flows_at(n->flows, wire_flow_id(pkt, len))->rec.disrupted = true;
}

void net_flow_broken(struct net *n, uint32_t flow_id)
{
	struct sim_flow *f = flows_at(n->flows, flow_id);
	if (!f->rec.broken) {
		f->rec.broken = true;
		n->m->flows_broken++;
	}
	/* a TCP connection is reset and its client stops; a UDP sender never
	 * learns of the break and goes on sending (its packets are counted
	 * by cause) */
	if (!f->stopped && f->key.proto == LB_PROTO_TCP) {
		f->stopped = true;
		f->rec.end_ns = net_now(n);
	}
}
