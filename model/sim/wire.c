/* wire.c - the control datagrams' format and the data trailer's stamp
 * (wire.h describes both). */
#include "wire.h"

#include <string.h>

void wire_addr_uplink(uint8_t out[4], unsigned router, unsigned node, bool router_side)
{
	out[0] = 172;
	out[1] = (uint8_t)(16 + router);
	out[2] = (uint8_t)node;
	out[3] = router_side ? 1 : 2;
}

void wire_addr_backplane(uint8_t out[4], unsigned node)
{
	out[0] = 192;
	out[1] = 168;
	out[2] = 0;
	out[3] = (uint8_t)(node + 1);
}

void wire_addr_stage(uint8_t out[4], unsigned router, bool stage_side)
{
	out[0] = 192;
	out[1] = 168;
	out[2] = (uint8_t)(1 + router);
	out[3] = stage_side ? 1 : 2;
}

static uint16_t port_of(enum msg_type t)
{
	switch (t) {
	case MSG_ADVERTISE:
	case MSG_WITHDRAW:
		return WIRE_PORT_ROUTING;
	case MSG_HEARTBEAT:
		return WIRE_PORT_HEARTBEAT;
	case MSG_BFD:
		return WIRE_PORT_BFD;
	}
	g_assert_not_reached();
}

/* RFC 5880 section 4.1: the mandatory section of a BFD control packet. */
static void write_bfd(const struct wire_msg *m, uint8_t *p)
{
	p[0] = 1 << 5;    /* version 1, diagnostic 0 */
	p[1] = 3 << 6;    /* state Up, no flags */
	p[2] = m->detect_mult;
	p[3] = 24;        /* length */
	be32_put(p + 4, (uint32_t)m->sender + 1u); /* my discriminator */
	be32_put(p + 8, (uint32_t)m->peer + 1u);   /* your discriminator */
	be32_put(p + 12, m->value);                 /* desired min TX interval, us */
	be32_put(p + 16, m->value);                 /* required min RX interval, us */
	be32_put(p + 20, 0);                        /* required min echo RX interval */
}

size_t wire_msg_write(const struct wire_msg *m, uint8_t *buf, size_t cap)
{
	g_assert(cap >= WIRE_MSG_PRESENT);
	memset(buf, 0, WIRE_MSG_PRESENT);
	struct lb_flow_key k;
	uint16_t dport = port_of(m->type);
	uint16_t sport = m->type == MSG_BFD ? (uint16_t)(WIRE_BFD_SRC_PORT + m->sender) : dport;
	lb_flow_key_v4(&k, m->src, m->dst, sport, dport, LB_PROTO_UDP);
	struct lb_flow_hdr hd = {.ip_len = MSG_WIRE_LEN, .ttl = 255};
	int hl = lb_flow_write_packet(&k, &hd, buf, cap);
	g_assert(hl == 28);
	uint8_t *p = buf + hl;
	if (m->type == MSG_BFD) {
		write_bfd(m, p);
	} else {
		p[0] = (uint8_t)m->type;
		p[1] = m->sender;
		be32_put(p + 4, m->value);
	}
	int rc = lb_flow_fill_l4_checksum(buf, WIRE_MSG_PRESENT);
	g_assert(rc == 0);
	return WIRE_MSG_PRESENT;
}

bool wire_msg_read(const uint8_t *pkt, size_t len, struct wire_msg *m)
{
	struct lb_flow_key k;
	size_t off = 0;
	if (lb_flow_parse_capture(pkt, len, &k, &off) != 0 || k.family != LB_AF_INET || k.proto != LB_PROTO_UDP)
		return false;
	const uint8_t *p = pkt + off;
	switch (k.dport) {
	case WIRE_PORT_ROUTING:
	case WIRE_PORT_HEARTBEAT:
		if (len < off + 8)
			return false;
		m->type = (enum msg_type)p[0];
		m->sender = p[1];
		m->peer = 0;
		m->value = be32_get(p + 4);
		m->detect_mult = 0;
		break;
	case WIRE_PORT_BFD:
		if (len < off + 24)
			return false;
		m->type = MSG_BFD;
		m->sender = (uint8_t)(be32_get(p + 4) - 1);
		m->peer = (uint8_t)(be32_get(p + 8) - 1);
		m->value = be32_get(p + 12);
		m->detect_mult = p[2];
		break;
	default:
		return false;
	}
	memcpy(m->src, k.src, 4);
	memcpy(m->dst, k.dst, 4);
	return true;
}

void wire_stamp_router(uint8_t *pkt, size_t len, unsigned r)
{
	g_assert(len >= DATA_TRAILER_LEN);
	pkt[len - DATA_TRAILER_LEN + 16] = (uint8_t)r;
	int rc = lb_flow_fill_l4_checksum(pkt, len);
	g_assert(rc == 0);
}
