/* wire.h - what the testbed's programs put on the wire and in their logs.
 *
 * Data packets (lbv-send -> lbv-recv): a UDP payload that starts with
 *     magic (4) | flow id (4) | sequence (4) | reserved (4) | send time (8)
 * all big-endian; the send time is CLOCK_REALTIME in ns just before send().
 * The rest of the payload is zero up to the scenario's packet_size (the IP
 * packet's length).
 *
 * Heartbeats (lbv-agentd <-> lbv-agentd over the backplane):
 *     magic (4) | node id (4) | health (4) | sequence (4)
 *
 * Logs: lbv-send writes one struct lbv_sent per packet it sent, lbv-recv one
 * struct lbv_rcvd per packet it received, each file starting with a struct
 * lbv_log_head; host byte order (the logs never leave the machine).
 * Header-only; no state. */
#ifndef LBV_WIRE_H
#define LBV_WIRE_H

#include <stdint.h>
#include <string.h>

#define LBV_DATA_MAGIC UINT32_C(0x4c425644)  /* "LBVD" */
#define LBV_HB_MAGIC UINT32_C(0x4c425648)    /* "LBVH" */
#define LBV_LOG_MAGIC UINT32_C(0x4c42564c)   /* "LBVL" */
#define LBV_DATA_HDR 24u                     /* payload bytes the receiver reads */
#define LBV_HB_LEN 16u
#define LBV_IPV4_UDP_HDR 28u                 /* IPv4 + UDP headers */

enum lbv_log_kind { LBV_LOG_SENT = 1, LBV_LOG_RCVD = 2 };

struct lbv_log_head {
	uint32_t magic;   /* LBV_LOG_MAGIC */
	uint32_t kind;    /* enum lbv_log_kind */
	uint32_t node;    /* receiver's node id; 0 for the sender */
	uint32_t flows;   /* sender: flows; receiver: 0 */
	uint64_t count;   /* records that follow */
	uint64_t errors;  /* sender: failed send() calls; receiver: malformed packets */
	uint64_t late_max_ns; /* sender: the latest a packet left after its due time */
};

struct lbv_sent {
	uint32_t flow, seq;
	uint64_t t_ns; /* CLOCK_REALTIME at send */
};

struct lbv_rcvd {
	uint32_t flow, seq;
	uint64_t t_sent_ns, t_rcvd_ns;
};

static inline void lbv_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t lbv_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void lbv_put64(uint8_t *p, uint64_t v)
{
	lbv_put32(p, (uint32_t)(v >> 32));
	lbv_put32(p + 4, (uint32_t)v);
}

static inline uint64_t lbv_get64(const uint8_t *p)
{
	return (uint64_t)lbv_get32(p) << 32 | lbv_get32(p + 4);
}

/* The k-th client's source address, 10.30.(1 + k / 250).(1 + k % 250): the
 * orchestrator (testbed.sh) puts the same addresses on the client's port. */
static inline uint32_t lbv_client_addr(uint32_t k)
{
	return (UINT32_C(10) << 24) | (UINT32_C(30) << 16) | ((1 + k / 250) << 8) | (1 + k % 250);
}
#define LBV_MAX_CLIENTS 1000u

#endif
