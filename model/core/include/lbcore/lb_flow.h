/* lb_flow.h - the flow key (IPv4/IPv6 5-tuple), parsed from and written to
 * real IP + TCP/UDP header bytes.
 *
 * Parsing never reads past the given length.  Return codes of
 * lb_flow_parse():
 *   0                 ok, *out filled
 *   -EMSGSIZE         truncated: the bytes end inside the IP or L4 header,
 *                     or before the length the IP header claims
 *   -EINVAL           malformed: bad version, IHL < 5, total length below the
 *                     header length, TCP data offset < 5
 *   -EPROTONOSUPPORT  not TCP or UDP, an IPv4 fragment other than the first
 *                     (no ports), or an IPv6 extension header other than
 *                     hop-by-hop (the only one skipped)
 * The IP total/payload length may be shorter than len (the rest is padding
 * and ignored), never longer. */
#ifndef LBCORE_LB_FLOW_H
#define LBCORE_LB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_AF_INET 4
#define LB_AF_INET6 6
#define LB_PROTO_TCP 6
#define LB_PROTO_UDP 17

/* A 5-tuple.  Addresses in network byte order; an IPv4 address uses the
 * first 4 bytes of src/dst and the other 12 are zero.  Ports are in host
 * byte order.  pad is always zero, so two keys are equal iff memcmp says so.
 * sizeof = 40 bytes. */
struct lb_flow_key {
	uint8_t family; /* LB_AF_INET or LB_AF_INET6 */
	uint8_t proto;  /* IP protocol number: LB_PROTO_TCP, LB_PROTO_UDP */
	uint16_t sport;
	uint16_t dport;
	uint8_t pad[2];
	uint8_t src[16];
	uint8_t dst[16];
};

int lb_flow_parse(const uint8_t *pkt, size_t len, struct lb_flow_key *out);
/* The same on a capture's first bytes (a packet cut after len bytes, as
 * pcap's snap length or a device handing over its first bytes cut it): the
 * IP length may exceed len, the IP and L4 headers must be there.
 * *payload_off (may be NULL) gets the offset of the L4 payload. */
int lb_flow_parse_capture(const uint8_t *pkt, size_t len, struct lb_flow_key *out, size_t *payload_off);

#define LB_TCP_SYN 0x02
#define LB_TCP_ACK 0x10

/* What lb_flow_write_packet() writes besides the 5-tuple. */
struct lb_flow_hdr {
	uint16_t ip_len;   /* the whole IP packet's length (IPv4 total length, IPv6 40 + payload length) */
	uint8_t ttl;       /* TTL / hop limit; 0: 64 */
	uint8_t tcp_flags; /* LB_TCP_* */
	uint32_t tcp_seq, tcp_ack;
};
/* Writes the IP and L4 headers of a packet of hd->ip_len bytes for key k
 * (IPv4 with its header checksum, DF set); the L4 checksum is left 0
 * (lb_flow_fill_l4_checksum once the payload is in).  Returns the header
 * length, -ENOSPC (cap, or ip_len below the headers), -EINVAL (family or
 * protocol). */
int lb_flow_write_packet(const struct lb_flow_key *k, const struct lb_flow_hdr *hd, uint8_t *buf, size_t cap);
/* Fills the TCP or UDP checksum of a packet whose first `present` bytes
 * are in pkt and whose payload beyond them, up to the IP length, is zeros.
 * Returns 0, or lb_flow_parse_capture()'s error. */
int lb_flow_fill_l4_checksum(uint8_t *pkt, size_t present);
/* Writes an IPv4 (with its header checksum; DF set, TTL 64) or IPv6 (hop
 * limit 64) header and a TCP (20 bytes, ACK set, or SYN alone when syn) or
 * UDP (8 bytes) header for key k, with payload_len bytes of payload to
 * follow (counted in the length fields; L4 checksums are left 0).  Returns
 * the header length (28, 40, 48 or 60), -ENOSPC if cap is too small, or
 * -EINVAL for a bad family or protocol. */
int lb_flow_write_headers(const struct lb_flow_key *k, uint8_t *buf, size_t cap, uint16_t payload_len, bool syn);

/* Key constructors; addresses in network byte order. */
void lb_flow_key_v4(struct lb_flow_key *k, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		    uint16_t dport, uint8_t proto);
void lb_flow_key_v6(struct lb_flow_key *k, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
		    uint16_t dport, uint8_t proto);
bool lb_flow_key_eq(const struct lb_flow_key *a, const struct lb_flow_key *b);
/* "tcp 10.0.0.1:1234 > 203.0.113.10:80" (IPv6 in brackets) into buf;
 * returns buf.  cap >= 112 always suffices. */
char *lb_flow_key_format(const struct lb_flow_key *k, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
