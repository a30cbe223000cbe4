/* lb_flow.c - 5-tuple parsing and header writing (RFC 791, RFC 8200,
 * RFC 793, RFC 768 layouts).  Every read is preceded by a length check. */
#include "lbcore/lb_flow.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static int parse_l4(const uint8_t *l4, size_t len, uint8_t proto, struct lb_flow_key *out, size_t *off)
{
	if (proto == LB_PROTO_TCP) {
		if (len < 20)
			return -EMSGSIZE;
		if ((l4[12] >> 4) < 5)
			return -EINVAL;
		*off += (size_t)(l4[12] >> 4) * 4;
	} else if (proto == LB_PROTO_UDP) {
		if (len < 8)
			return -EMSGSIZE;
		*off += 8;
	} else {
		return -EPROTONOSUPPORT;
	}
	out->proto = proto;
	out->sport = rd16(l4);
	out->dport = rd16(l4 + 2);
	return 0;
}

/* capture: the bytes may end before the IP length (a capture's first
 * bytes); the headers must still be there.  *off gets the payload's offset. */
static int parse_v4(const uint8_t *pkt, size_t len, struct lb_flow_key *out, bool capture, size_t *off)
{
	if (len < 20)
		return -EMSGSIZE;
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
	size_t total = rd16(pkt + 2);
	if (ihl < 20 || total < ihl)
		return -EINVAL;
	if ((total > len && !capture) || ihl > len)
		return -EMSGSIZE;
	if (total > len)
		total = len;
	if ((rd16(pkt + 6) & 0x1fff) != 0)
		return -EPROTONOSUPPORT; /* a non-first fragment carries no ports */
	memset(out, 0, sizeof *out);
	out->family = LB_AF_INET;
	memcpy(out->src, pkt + 12, 4);
	memcpy(out->dst, pkt + 16, 4);
	*off = ihl;
	return parse_l4(pkt + ihl, total - ihl, pkt[9], out, off);
}

static int parse_v6(const uint8_t *pkt, size_t len, struct lb_flow_key *out, bool capture, size_t *offp)
{
	if (len < 40)
		return -EMSGSIZE;
	size_t total = 40 + (size_t)rd16(pkt + 4);
	if (total > len && !capture)
		return -EMSGSIZE;
	if (total > len)
		total = len;
	memset(out, 0, sizeof *out);
	out->family = LB_AF_INET6;
	memcpy(out->src, pkt + 8, 16);
	memcpy(out->dst, pkt + 24, 16);
	uint8_t next = pkt[6];
	size_t off = 40;
	if (next == 0) { /* hop-by-hop options */
		if (total < off + 8)
			return -EMSGSIZE;
		next = pkt[off];
		size_t ext = ((size_t)pkt[off + 1] + 1) * 8;
		if (total < off + ext)
			return -EMSGSIZE;
		off += ext;
	}
	*offp = off;
	return parse_l4(pkt + off, total - off, next, out, offp);
}

static int parse(const uint8_t *pkt, size_t len, struct lb_flow_key *out, bool capture, size_t *off)
{
	if (len < 1)
		return -EMSGSIZE;
	switch (pkt[0] >> 4) {
	case 4:
		return parse_v4(pkt, len, out, capture, off);
	case 6:
		return parse_v6(pkt, len, out, capture, off);
	default:
		return -EINVAL;
	}
}

int lb_flow_parse(const uint8_t *pkt, size_t len, struct lb_flow_key *out)
{
	size_t off = 0;
	return parse(pkt, len, out, false, &off);
}

int lb_flow_parse_capture(const uint8_t *pkt, size_t len, struct lb_flow_key *out, size_t *payload_off)
{
	size_t off = 0;
	int rc = parse(pkt, len, out, true, &off);
	if (rc == 0 && payload_off)
		*payload_off = off;
	return rc;
}

/* RFC 1071 one's-complement sum over the IPv4 header. */
static uint16_t ip_checksum(const uint8_t *h, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += rd16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int lb_flow_write_packet(const struct lb_flow_key *k, const struct lb_flow_hdr *hd, uint8_t *buf, size_t cap)
{
	size_t ip = k->family == LB_AF_INET ? 20 : k->family == LB_AF_INET6 ? 40 : 0;
	size_t l4 = k->proto == LB_PROTO_TCP ? 20 : k->proto == LB_PROTO_UDP ? 8 : 0;
	if (ip == 0 || l4 == 0)
		return -EINVAL;
	if (cap < ip + l4 || hd->ip_len < ip + l4)
		return -ENOSPC;
	memset(buf, 0, ip + l4);
	if (ip == 20) {
		buf[0] = 0x45;
		wr16(buf + 2, hd->ip_len);
		wr16(buf + 6, 0x4000); /* DF */
		buf[8] = hd->ttl ? hd->ttl : 64;
		buf[9] = k->proto;
		memcpy(buf + 12, k->src, 4);
		memcpy(buf + 16, k->dst, 4);
		wr16(buf + 10, ip_checksum(buf, 20));
	} else {
		buf[0] = 0x60;
		wr16(buf + 4, (uint16_t)(hd->ip_len - 40));
		buf[6] = k->proto;
		buf[7] = hd->ttl ? hd->ttl : 64;
		memcpy(buf + 8, k->src, 16);
		memcpy(buf + 24, k->dst, 16);
	}
	uint8_t *h = buf + ip;
	wr16(h, k->sport);
	wr16(h + 2, k->dport);
	if (l4 == 20) {
		wr32(h + 4, hd->tcp_seq);
		wr32(h + 8, hd->tcp_ack);
		h[12] = 5 << 4;
		h[13] = hd->tcp_flags;
		wr16(h + 14, 65535);
	} else {
		wr16(h + 4, (uint16_t)(hd->ip_len - ip));
	}
	return (int)(ip + l4);
}

int lb_flow_write_headers(const struct lb_flow_key *k, uint8_t *buf, size_t cap, uint16_t payload_len, bool syn)
{
	size_t hl = (k->family == LB_AF_INET ? 20 : 40) + (k->proto == LB_PROTO_TCP ? 20 : 8);
	if ((size_t)payload_len + hl > 65535)
		return -ENOSPC;
	struct lb_flow_hdr hd = {.ip_len = (uint16_t)(hl + payload_len), .tcp_flags = syn ? LB_TCP_SYN : LB_TCP_ACK};
	return lb_flow_write_packet(k, &hd, buf, cap);
}

/* RFC 768 / RFC 793 (RFC 8200 section 8.1 for IPv6): the one's-complement
 * sum over the pseudo-header, the L4 header and the payload.  Payload bytes
 * past `present` are zeros, which add nothing to the sum, so a capture's
 * first bytes are enough. */
int lb_flow_fill_l4_checksum(uint8_t *pkt, size_t present)
{
	struct lb_flow_key k;
	size_t off = 0;
	int rc = parse(pkt, present, &k, true, &off);
	if (rc < 0)
		return rc;
	size_t ip = k.family == LB_AF_INET ? (size_t)(pkt[0] & 0x0f) * 4 : 40;
	size_t l4_len = k.family == LB_AF_INET ? (size_t)rd16(pkt + 2) - ip : rd16(pkt + 4);
	uint8_t *l4 = pkt + ip;
	uint8_t *ck = l4 + (k.proto == LB_PROTO_TCP ? 16 : 6);
	wr16(ck, 0);
	uint32_t sum = 0;
	size_t alen = k.family == LB_AF_INET ? 4 : 16;
	for (size_t i = 0; i < alen; i += 2)
		sum += rd16(k.src + i) + rd16(k.dst + i);
	sum += k.proto + (uint32_t)(l4_len & 0xffff) + (uint32_t)(l4_len >> 16);
	size_t n = present - ip < l4_len ? present - ip : l4_len;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += rd16(l4 + i);
	if (n & 1)
		sum += (uint32_t)l4[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	uint16_t c = (uint16_t)~sum;
	wr16(ck, k.proto == LB_PROTO_UDP && c == 0 ? 0xffff : c);
	return 0;
}

static void key_set(struct lb_flow_key *k, uint8_t family, size_t alen, const uint8_t *src, const uint8_t *dst,
		    uint16_t sport, uint16_t dport, uint8_t proto)
{
	memset(k, 0, sizeof *k);
	k->family = family;
	k->proto = proto;
	k->sport = sport;
	k->dport = dport;
	memcpy(k->src, src, alen);
	memcpy(k->dst, dst, alen);
}

void lb_flow_key_v4(struct lb_flow_key *k, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		    uint16_t dport, uint8_t proto)
{
	key_set(k, LB_AF_INET, 4, src, dst, sport, dport, proto);
}

void lb_flow_key_v6(struct lb_flow_key *k, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
		    uint16_t dport, uint8_t proto)
{
	key_set(k, LB_AF_INET6, 16, src, dst, sport, dport, proto);
}

bool lb_flow_key_eq(const struct lb_flow_key *a, const struct lb_flow_key *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

static int format_addr(char *buf, size_t cap, const uint8_t *a, int family)
{
	if (family == LB_AF_INET)
		return snprintf(buf, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	int n = snprintf(buf, cap, "[");
	for (int i = 0; i < 16; i += 2)
		n += snprintf(buf + n, cap > (size_t)n ? cap - (size_t)n : 0, "%s%x", i ? ":" : "", rd16(a + i));
	n += snprintf(buf + n, cap > (size_t)n ? cap - (size_t)n : 0, "]");
	return n;
}

char *lb_flow_key_format(const struct lb_flow_key *k, char *buf, size_t cap)
{
	char s[64], d[64];
	format_addr(s, sizeof s, k->src, k->family);
	format_addr(d, sizeof d, k->dst, k->family);
	snprintf(buf, cap, "%s %s:%u > %s:%u",
		 k->proto == LB_PROTO_TCP ? "tcp" : k->proto == LB_PROTO_UDP ? "udp" : "ip", s, k->sport, d, k->dport);
	return buf;
}
