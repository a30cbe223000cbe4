/* wire.h - what the simulator's packets carry.
 *
 * Data: real IPv4/IPv6 + TCP/UDP headers (lb_flow_write_headers), then a
 * 20-byte trailer: flow id (u32), sequence (u32), send time (u64 ns), all
 * big-endian, then the id of the router that forwarded the packet (u8;
 * WIRE_NO_ROUTER until one has) and 3 zero bytes.  The first byte is 0x4_ or 0x6_.  The IP length fields cover
 * headers + trailer; the rest of packet_size is zero padding on the wire.
 * Control: first byte MSG_*, then the sender's node id, then a u32 value
 * (metric for advertisements, health for heartbeats), big-endian. */
#ifndef LB_SIM_WIRE_H
#define LB_SIM_WIRE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATA_TRAILER_LEN 20
#define WIRE_NO_ROUTER 0xFF
#define DATA_MAX_HDR 128

enum msg_type { MSG_ADVERTISE = 0xC1, MSG_WITHDRAW = 0xC2, MSG_HEARTBEAT = 0xC3, MSG_BFD = 0xC4 };
#define MSG_LEN 6
#define MSG_WIRE_LEN 64 /* a routing update or heartbeat on the wire, bytes */

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

static inline bool wire_is_data(const uint8_t *pkt, size_t len)
{
	return len > 0 && (pkt[0] >> 4 == 4 || pkt[0] >> 4 == 6);
}

/* A data packet's real length (headers + trailer), from its IP header. */
static inline size_t wire_data_len(const uint8_t *pkt, size_t len)
{
	size_t n = pkt[0] >> 4 == 4 ? (size_t)(pkt[2] << 8 | pkt[3]) : 40 + (size_t)(pkt[4] << 8 | pkt[5]);
	g_assert(len >= 40 && n <= len);
	return n;
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

#endif
