/* wire.h - what the simulator's packets carry (doc/outputs.md, "pcap
 * files", documents the same for readers of the captures).
 *
 * Data: a real IPv4 or IPv6 packet of packet_size bytes.  Its IP and TCP or
 * UDP headers (lb_flow_write_packet) count the whole packet in their length
 * fields; right after them comes a 20-byte trailer: flow id (u32), sequence
 * (u32), send time (u64 ns), all big-endian, then the id of the router that
 * forwarded the packet (u8; WIRE_NO_ROUTER until one has) and 3 zero bytes.
 * The rest of the payload is zeros.  TCP packets carry real sequence
 * numbers (the flow's first packet is the SYN) and every L4 checksum is
 * right.  The simulator hands the bytes up to the trailer's end to the
 * receiver (wire_data_present); the zeros are ns-3 zero-area bytes.
 *
 * Control: IPv4/UDP datagrams of MSG_WIRE_LEN bytes (IP total length), TTL
 * 255, on addresses of their own (wire_ctl_addrs):
 *   port 7179  routing: a node's advertisement or withdrawal to a router,
 *              and a router's advertisement to the upstream stage;
 *   port 7180  heartbeats between nodes over the backplane;
 *   port 3784  BFD control packets (RFC 5880 section 4.1, RFC 5881: source
 *              port 49152 + node, state Up, discriminators node + 1 and
 *              router + 1, intervals in microseconds).
 * The routing and heartbeat payload (8 bytes, big-endian):
 *   type (u8: MSG_ADVERTISE, MSG_WITHDRAW, MSG_HEARTBEAT), sender (u8: node
 *   or router index), 2 zero bytes, value (u32: the metric of an
 *   advertisement, the health of a heartbeat, 0 otherwise);
 * zeros fill the datagram up to MSG_WIRE_LEN. */
#ifndef LB_SIM_WIRE_H
#define LB_SIM_WIRE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lbcore/lb_flow.h"

#define DATA_TRAILER_LEN 20
#define WIRE_NO_ROUTER 0xFF
#define DATA_MAX_HDR 128

enum msg_type { MSG_ADVERTISE = 0xC1, MSG_WITHDRAW = 0xC2, MSG_HEARTBEAT = 0xC3, MSG_BFD = 0xC4 };
#define MSG_WIRE_LEN 64 /* a routing update, heartbeat or BFD packet on the wire, bytes */
#define WIRE_PORT_ROUTING 7179
#define WIRE_PORT_HEARTBEAT 7180
#define WIRE_PORT_BFD 3784 /* RFC 5881 section 4 */
#define WIRE_BFD_SRC_PORT 49152 /* RFC 5881 section 4: 49152..65535 */

static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A control message: what it says, and between which addresses it goes. */
struct wire_msg {
	enum msg_type type;
	uint8_t sender;  /* node index (router index for the upstream stage) */
	uint8_t peer;    /* BFD: the router; otherwise unused */
	uint32_t value;  /* metric, health; BFD: the interval in us */
	uint8_t detect_mult; /* BFD only */
	uint8_t src[4], dst[4];
};

/* The control addresses: 172.(16+r).i.2 (node i) and .1 (router r) on the
 * link between node i and router r; 192.168.0.(i+1) for node i on the
 * backplane; 192.168.(1+r).2 (router r) and .1 (the stage) on the link
 * between router r and the upstream stage. */
void wire_addr_uplink(uint8_t out[4], unsigned router, unsigned node, bool router_side);
void wire_addr_backplane(uint8_t out[4], unsigned node);
void wire_addr_stage(uint8_t out[4], unsigned router, bool stage_side);

/* Writes m as a MSG_WIRE_LEN-byte datagram's first bytes into buf (cap >=
 * WIRE_MSG_PRESENT); returns the bytes written (the rest are zeros). */
#define WIRE_MSG_PRESENT 52
size_t wire_msg_write(const struct wire_msg *m, uint8_t *buf, size_t cap);
/* Reads a control message from a received packet's first len bytes;
 * false if it is not one (a data packet). */
bool wire_msg_read(const uint8_t *pkt, size_t len, struct wire_msg *m);

/* True for a data packet (anything not a control datagram). */
static inline bool wire_is_data(const uint8_t *pkt, size_t len)
{
	struct wire_msg m;
	return !wire_msg_read(pkt, len, &m);
}

/* A data packet's bytes up to the end of its trailer, from its headers
 * (len: the bytes present, at least that many). */
static inline size_t wire_data_present(const uint8_t *pkt, size_t len)
{
	struct lb_flow_key k;
	size_t off = 0;
	int rc = lb_flow_parse_capture(pkt, len, &k, &off);
	g_assert(rc == 0 && off + DATA_TRAILER_LEN <= len);
	return off + DATA_TRAILER_LEN;
}

static inline uint32_t wire_flow_id(const uint8_t *pkt, size_t len)
{
	g_assert(len >= DATA_TRAILER_LEN);
	return be32_get(pkt + len - DATA_TRAILER_LEN);
}

/* The router that forwarded the packet (WIRE_NO_ROUTER: none yet). */
static inline unsigned wire_router(const uint8_t *pkt, size_t len)
{
	g_assert(len >= DATA_TRAILER_LEN);
	return pkt[len - DATA_TRAILER_LEN + 16];
}

static inline uint32_t wire_seq(const uint8_t *pkt, size_t len)
{
	g_assert(len >= DATA_TRAILER_LEN);
	return be32_get(pkt + len - DATA_TRAILER_LEN + 4);
}

/* Stamps router r into the trailer of a packet whose first len bytes end
 * with it, and fixes its L4 checksum. */
void wire_stamp_router(uint8_t *pkt, size_t len, unsigned r);

#endif
