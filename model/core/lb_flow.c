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

static int parse_l4(const uint8_t *l4, size_t len, uint8_t proto, struct lb_flow_key *out)
{
	if (proto == LB_PROTO_TCP) {
		if (len < 20)
			return -EMSGSIZE;
		if ((l4[12] >> 4) < 5)
			return -EINVAL;
	} else if (proto == LB_PROTO_UDP) {
		if (len < 8)
			return -EMSGSIZE;
	} else {
		return -EPROTONOSUPPORT;
	}
	out->proto = proto;
	out->sport = rd16(l4);
	out->dport = rd16(l4 + 2);
	return 0;
}

static int parse_v4(const uint8_t *pkt, size_t len, struct lb_flow_key *out)
{
	if (len < 20)
		return -EMSGSIZE;
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
	size_t total = rd16(pkt + 2);
	if (ihl < 20 || total < ihl)
		return -EINVAL;
	if (total > len || ihl > len)
		return -EMSGSIZE;
	if ((rd16(pkt + 6) & 0x1fff) != 0)
		return -EPROTONOSUPPORT; /* a non-first fragment carries no ports */
	memset(out, 0, sizeof *out);
	out->family = LB_AF_INET;
	memcpy(out->src, pkt + 12, 4);
	memcpy(out->dst, pkt + 16, 4);
	return parse_l4(pkt + ihl, total - ihl, pkt[9], out);
}

static int parse_v6(const uint8_t *pkt, size_t len, struct lb_flow_key *out)
{
	if (len < 40)
		return -EMSGSIZE;
	size_t total = 40 + (size_t)rd16(pkt + 4);
	if (total > len)
		return -EMSGSIZE;
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
	return parse_l4(pkt + off, total - off, next, out);
}

int lb_flow_parse(const uint8_t *pkt, size_t len, struct lb_flow_key *out)
{
	if (len < 1)
		return -EMSGSIZE;
	switch (pkt[0] >> 4) {
	case 4:
		return parse_v4(pkt, len, out);
	case 6:
		return parse_v6(pkt, len, out);
	default:
		return -EINVAL;
	}
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

int lb_flow_write_headers(const struct lb_flow_key *k, uint8_t *buf, size_t cap, uint16_t payload_len, bool syn)
{
	size_t ip = k->family == LB_AF_INET ? 20 : k->family == LB_AF_INET6 ? 40 : 0;
	size_t l4 = k->proto == LB_PROTO_TCP ? 20 : k->proto == LB_PROTO_UDP ? 8 : 0;
	if (ip == 0 || l4 == 0)
		return -EINVAL;
	if (cap < ip + l4 || (size_t)payload_len + ip + l4 > 65535)
		return -ENOSPC;
	memset(buf, 0, ip + l4);
	if (ip == 20) {
		buf[0] = 0x45;
		wr16(buf + 2, (uint16_t)(ip + l4 + payload_len));
		wr16(buf + 6, 0x4000); /* DF */
		buf[8] = 64;
		buf[9] = k->proto;
		memcpy(buf + 12, k->src, 4);
		memcpy(buf + 16, k->dst, 4);
		wr16(buf + 10, ip_checksum(buf, 20));
	} else {
		buf[0] = 0x60;
		wr16(buf + 4, (uint16_t)(l4 + payload_len));
		buf[6] = k->proto;
		buf[7] = 64;
		memcpy(buf + 8, k->src, 16);
		memcpy(buf + 24, k->dst, 16);
	}
	uint8_t *h = buf + ip;
	wr16(h, k->sport);
	wr16(h + 2, k->dport);
	if (l4 == 20) {
		h[12] = 5 << 4;
		h[13] = syn ? 0x02 : 0x10;
		wr16(h + 14, 65535);
	} else {
		wr16(h + 4, (uint16_t)(8 + payload_len));
	}
	return (int)(ip + l4);
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
