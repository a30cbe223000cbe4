/* test_flow_packet.c - lb_flow_write_packet, lb_flow_fill_l4_checksum and
 * lb_flow_parse_capture: whole packets as captures show them.  Expected
 * checksums were computed independently (RFC 1071 sum in Python over the
 * full packet with its zero padding) and are pinned here. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <string.h>

#include "../cu_main.h"
#include "lbcore/lb_flow.h"

static const uint8_t v4_src[4] = {10, 0, 0, 1}, v4_dst[4] = {203, 0, 113, 10};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A 1000-byte TCP/IPv4 packet: only its first 60 bytes (headers and a
 * 20-byte payload start) are present; the rest is zeros. */
static void test_tcp_v4_packet(void)
{
	struct lb_flow_key k;
	lb_flow_key_v4(&k, v4_src, v4_dst, 1234, 80, LB_PROTO_TCP);
	struct lb_flow_hdr hd = {.ip_len = 1000, .tcp_seq = 0x01020304, .tcp_ack = 0x0a0b0c0d, .tcp_flags = LB_TCP_ACK};
	uint8_t pkt[128];
	memset(pkt, 0xee, sizeof pkt);
	CU_ASSERT_EQUAL_FATAL(lb_flow_write_packet(&k, &hd, pkt, sizeof pkt), 40);
	CU_ASSERT_EQUAL(pkt[0], 0x45);
	CU_ASSERT_EQUAL(rd16(pkt + 2), 1000); /* the whole packet, padding included */
	CU_ASSERT_EQUAL(rd16(pkt + 6), 0x4000);
	CU_ASSERT_EQUAL(pkt[8], 64); /* ttl 0 means 64 */
	CU_ASSERT_EQUAL(rd16(pkt + 10), 0xf104);
	CU_ASSERT_EQUAL(rd16(pkt + 24), 0x0102);
	CU_ASSERT_EQUAL(rd16(pkt + 26), 0x0304);
	CU_ASSERT_EQUAL(rd16(pkt + 28), 0x0a0b);
	CU_ASSERT_EQUAL(pkt[32], 0x50);
	CU_ASSERT_EQUAL(pkt[33], LB_TCP_ACK);
	CU_ASSERT_EQUAL(rd16(pkt + 34), 65535);
	for (int i = 0; i < 20; i++)
		pkt[40 + i] = (uint8_t)(i + 1);
	CU_ASSERT_EQUAL(lb_flow_fill_l4_checksum(pkt, 60), 0);
	CU_ASSERT_EQUAL(rd16(pkt + 36), 0xe25a);
	/* a capture's first bytes parse; the whole-packet parser refuses them */
	struct lb_flow_key got;
	size_t off = 0;
	CU_ASSERT_EQUAL(lb_flow_parse_capture(pkt, 60, &got, &off), 0);
	CU_ASSERT_TRUE(lb_flow_key_eq(&got, &k));
	CU_ASSERT_EQUAL(off, 40);
	CU_ASSERT_EQUAL(lb_flow_parse(pkt, 60, &got), -EMSGSIZE);
	/* cut inside the TCP header: no capture parse, no checksum */
	CU_ASSERT_EQUAL(lb_flow_parse_capture(pkt, 39, &got, &off), -EMSGSIZE);
	CU_ASSERT_EQUAL(lb_flow_fill_l4_checksum(pkt, 39), -EMSGSIZE);
}

static void test_udp_v6_packet(void)
{
	uint8_t s6[16] = {0xfd}, d6[16] = {0x20, 0x01, 0x0d, 0xb8};
	s6[15] = 1;
	d6[15] = 0x10;
	struct lb_flow_key k;
	lb_flow_key_v6(&k, s6, d6, 5353, 80, LB_PROTO_UDP);
	struct lb_flow_hdr hd = {.ip_len = 200, .ttl = 255};
	uint8_t pkt[128];
	CU_ASSERT_EQUAL_FATAL(lb_flow_write_packet(&k, &hd, pkt, sizeof pkt), 48);
	CU_ASSERT_EQUAL(pkt[0], 0x60);
	CU_ASSERT_EQUAL(rd16(pkt + 4), 160); /* payload length: ip_len - 40 */
	CU_ASSERT_EQUAL(pkt[6], LB_PROTO_UDP);
	CU_ASSERT_EQUAL(pkt[7], 255);
	CU_ASSERT_EQUAL(rd16(pkt + 44), 160); /* UDP length */
	for (int i = 0; i < 20; i++)
		pkt[48 + i] = (uint8_t)(i + 1);
	CU_ASSERT_EQUAL(lb_flow_fill_l4_checksum(pkt, 68), 0);
	CU_ASSERT_EQUAL(rd16(pkt + 46), 0x5a3c);
	size_t off = 0;
	struct lb_flow_key got;
	CU_ASSERT_EQUAL(lb_flow_parse_capture(pkt, 68, &got, &off), 0);
	CU_ASSERT_EQUAL(off, 48);
	CU_ASSERT_TRUE(lb_flow_key_eq(&got, &k));
}

/* RFC 768: a UDP checksum that computes to 0 is sent as 0xffff (0 means
 * "no checksum").  The payload 0xe01f makes this datagram's sum 0. */
static void test_udp_zero_checksum(void)
{
	const uint8_t s[4] = {10, 0, 0, 1}, d[4] = {10, 0, 0, 2};
	struct lb_flow_key k;
	lb_flow_key_v4(&k, s, d, 1000, 2000, LB_PROTO_UDP);
	struct lb_flow_hdr hd = {.ip_len = 30};
	uint8_t pkt[64];
	CU_ASSERT_EQUAL_FATAL(lb_flow_write_packet(&k, &hd, pkt, sizeof pkt), 28);
	pkt[28] = 0xe0;
	pkt[29] = 0x1f;
	CU_ASSERT_EQUAL(lb_flow_fill_l4_checksum(pkt, 30), 0);
	CU_ASSERT_EQUAL(rd16(pkt + 26), 0xffff);
	pkt[29] = 0x20; /* any other payload: an ordinary checksum */
	CU_ASSERT_EQUAL(lb_flow_fill_l4_checksum(pkt, 30), 0);
	CU_ASSERT_NOT_EQUAL(rd16(pkt + 26), 0xffff);
}

static void test_write_refusals(void)
{
	struct lb_flow_key k;
	lb_flow_key_v4(&k, v4_src, v4_dst, 1, 2, LB_PROTO_TCP);
	uint8_t pkt[64];
	struct lb_flow_hdr hd = {.ip_len = 39}; /* below the 40 header bytes */
	CU_ASSERT_EQUAL(lb_flow_write_packet(&k, &hd, pkt, sizeof pkt), -ENOSPC);
	hd.ip_len = 40;
	CU_ASSERT_EQUAL(lb_flow_write_packet(&k, &hd, pkt, 39), -ENOSPC);
	CU_ASSERT_EQUAL(lb_flow_write_packet(&k, &hd, pkt, 40), 40);
	k.proto = 1; /* ICMP */
	CU_ASSERT_EQUAL(lb_flow_write_packet(&k, &hd, pkt, sizeof pkt), -EINVAL);
	k.proto = LB_PROTO_TCP;
	k.family = 5;
	CU_ASSERT_EQUAL(lb_flow_write_packet(&k, &hd, pkt, sizeof pkt), -EINVAL);
}

void lb_test_register(void)
{
	LB_SUITE("flow_packet", LB_TEST(test_tcp_v4_packet), LB_TEST(test_udp_v6_packet),
		 LB_TEST(test_udp_zero_checksum), LB_TEST(test_write_refusals));
}
