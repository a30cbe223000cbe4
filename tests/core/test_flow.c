/* Tests of lb_flow (parsing, header writing) and lb_hash (Toeplitz against
 * Microsoft's "Verifying the RSS Hash Calculation" tables, CRC32C, FAST). */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../cu_main.h"
#include "lbcore/lb_flow.h"
#include "lbcore/lb_hash.h"

struct rss_v4 {
	uint8_t dst[4];
	uint16_t dport;
	uint8_t src[4];
	uint16_t sport;
	uint32_t with_ports, ip_only;
};

/* Microsoft's IPv4 table (destination, source, hash with ports, IP only). */
static const struct rss_v4 rss4[] = {
	{{161, 142, 100, 80}, 1766, {66, 9, 149, 187}, 2794, 0x51ccc178, 0x323e8fc2},
	{{65, 69, 140, 83}, 4739, {199, 92, 111, 2}, 14230, 0xc626b0ea, 0xd718262a},
	{{12, 22, 207, 184}, 38024, {24, 19, 198, 95}, 12898, 0x5c2b394a, 0xd2d0a5de},
	{{209, 142, 163, 6}, 2217, {38, 27, 205, 30}, 48228, 0xafc7327f, 0x82989176},
	{{202, 188, 127, 2}, 1303, {153, 39, 163, 191}, 44251, 0x10e828a2, 0x5d1809c5},
};

struct rss_v6 {
	uint8_t dst[16];
	uint16_t dport;
	uint8_t src[16];
	uint16_t sport;
	uint32_t with_ports, ip_only;
};

/* Microsoft's IPv6 table. */
static const struct rss_v6 rss6[] = {
	{{0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01}, 1766,
	 {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07}, 2794, 0x40207d3d, 0x2cc18cd5},
	{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}, 4739,
	 {0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab}, 14230,
	 0xdde51bbf, 0x0f0c461c},
	{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf}, 38024,
	 {0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf}, 44251,
	 0x02d1feef, 0x4b61e985},
};

static struct lb_hasher hasher; /* 36 KiB: not on the stack */

static void test_toeplitz_ms_ipv4(void)
{
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_TOEPLITZ, 0), 0);
	for (size_t i = 0; i < sizeof rss4 / sizeof rss4[0]; i++) {
		struct lb_flow_key k;
		lb_flow_key_v4(&k, rss4[i].src, rss4[i].dst, rss4[i].sport, rss4[i].dport, LB_PROTO_TCP);
		CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &k), rss4[i].with_ports);
		CU_ASSERT_EQUAL(lb_toeplitz_ip(&hasher, &k), rss4[i].ip_only);
	}
}

static void test_toeplitz_ms_ipv6(void)
{
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_TOEPLITZ, 0), 0);
	for (size_t i = 0; i < sizeof rss6 / sizeof rss6[0]; i++) {
		struct lb_flow_key k;
		lb_flow_key_v6(&k, rss6[i].src, rss6[i].dst, rss6[i].sport, rss6[i].dport, LB_PROTO_UDP);
		CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &k), rss6[i].with_ports);
		CU_ASSERT_EQUAL(lb_toeplitz_ip(&hasher, &k), rss6[i].ip_only);
	}
}

static void test_toeplitz_seeded_key_differs(void)
{
	struct lb_flow_key k;
	lb_flow_key_v4(&k, rss4[0].src, rss4[0].dst, rss4[0].sport, rss4[0].dport, LB_PROTO_TCP);
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_TOEPLITZ, 1), 0);
	uint32_t a = lb_hasher_flow(&hasher, &k);
	CU_ASSERT_NOT_EQUAL(a, rss4[0].with_ports);
	CU_ASSERT_NOT_EQUAL(memcmp(hasher.key, lb_toeplitz_ms_key, LB_TOEPLITZ_KEY_LEN), 0);
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_TOEPLITZ, 1), 0);
	CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &k), a); /* deterministic */
}

static void test_crc32c_check_value(void)
{
	CU_ASSERT_EQUAL(lb_crc32c(0, "123456789", 9), 0xE3069283u);
	CU_ASSERT_EQUAL(lb_crc32c(0, "", 0), 0u);
	/* continuation: crc(ab) == crc(b, starting from crc(a)) */
	CU_ASSERT_EQUAL(lb_crc32c(lb_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

static void fixed_keys(struct lb_flow_key *v4, struct lb_flow_key *v6)
{
	lb_flow_key_v4(v4, rss4[0].src, rss4[0].dst, rss4[0].sport, rss4[0].dport, LB_PROTO_TCP);
	lb_flow_key_v6(v6, rss6[0].src, rss6[0].dst, rss6[0].sport, rss6[0].dport, LB_PROTO_UDP);
}

/* The table-driven CRC32C of the flow equals the bitwise lb_crc32c over the
 * documented input bytes, and the pinned values do not drift. */
static void test_crc32c_flow_pinned(void)
{
	struct lb_flow_key v4, v6;
	fixed_keys(&v4, &v6);
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_CRC32C, 0), 0);
	uint8_t in[13] = {66, 9, 149, 187, 161, 142, 100, 80, 2794 >> 8, 2794 & 0xff, 1766 >> 8, 1766 & 0xff, 6};
	CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &v4), lb_crc32c(0, in, sizeof in));
	CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &v4), 0x842d16eau);
	CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &v6), 0xa2c94938u);
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_CRC32C, 0x5eed), 0);
	CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &v4), lb_crc32c(0x5eed, in, sizeof in));
}

static void test_fast_pinned(void)
{
	struct lb_flow_key v4, v6;
	fixed_keys(&v4, &v6);
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_FAST, 0), 0);
	CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &v4), 0x5c69420fu);
	CU_ASSERT_EQUAL(lb_hasher_flow(&hasher, &v6), 0x83d6b099u);
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_FAST, 7), 0);
	CU_ASSERT_NOT_EQUAL(lb_hasher_flow(&hasher, &v4), 0x5c69420fu);
}

/* FAST spreads: 2^16 keys differing in the source port fill 1024 buckets of
 * hash % 1024 evenly: every bucket within 64 +- 40 (chi-square-free sanity
 * bound, ~5 sigma). */
static void test_fast_spread(void)
{
	CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, LB_HASH_FAST, 3), 0);
	static unsigned b[1024];
	memset(b, 0, sizeof b);
	for (unsigned p = 0; p < 65536; p++) {
		struct lb_flow_key k;
		lb_flow_key_v4(&k, rss4[1].src, rss4[1].dst, (uint16_t)p, 80, LB_PROTO_TCP);
		b[lb_hasher_flow(&hasher, &k) % 1024]++;
	}
	for (unsigned i = 0; i < 1024; i++)
		CU_ASSERT(b[i] >= 24 && b[i] <= 104);
}

static void test_symmetric(void)
{
	struct lb_flow_key a, b;
	lb_flow_key_v4(&a, rss4[0].src, rss4[0].dst, rss4[0].sport, rss4[0].dport, LB_PROTO_TCP);
	lb_flow_key_v4(&b, rss4[0].dst, rss4[0].src, rss4[0].dport, rss4[0].sport, LB_PROTO_TCP);
	for (int kind = 0; kind < 3; kind++) {
		CU_ASSERT_EQUAL_FATAL(lb_hasher_init(&hasher, (enum lb_hash_kind)kind, 9), 0);
		CU_ASSERT_EQUAL(lb_hasher_flow_symmetric(&hasher, &a), lb_hasher_flow_symmetric(&hasher, &b));
		CU_ASSERT_NOT_EQUAL(lb_hasher_flow(&hasher, &a), lb_hasher_flow(&hasher, &b));
	}
}

static void test_kind_names(void)
{
	enum lb_hash_kind k;
	CU_ASSERT_EQUAL(lb_hash_kind_parse("toeplitz", &k), 0);
	CU_ASSERT_EQUAL(k, LB_HASH_TOEPLITZ);
	CU_ASSERT_EQUAL(lb_hash_kind_parse("crc32c", &k), 0);
	CU_ASSERT_EQUAL(k, LB_HASH_CRC32C);
	CU_ASSERT_EQUAL(lb_hash_kind_parse("fast", &k), 0);
	CU_ASSERT_EQUAL(lb_hash_kind_parse("md5", &k), -EINVAL);
	CU_ASSERT_STRING_EQUAL(lb_hash_kind_name(LB_HASH_FAST), "fast");
	CU_ASSERT_EQUAL(lb_hasher_init(&hasher, (enum lb_hash_kind)99, 0), -EINVAL);
}

static void test_write_parse_roundtrip(void)
{
	uint8_t buf[80];
	struct lb_flow_key k, out;
	lb_flow_key_v4(&k, rss4[2].src, rss4[2].dst, rss4[2].sport, rss4[2].dport, LB_PROTO_TCP);
	CU_ASSERT_EQUAL(lb_flow_write_headers(&k, buf, sizeof buf, 16, true), 40);
	CU_ASSERT_EQUAL(buf[33], 0x02); /* SYN */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 56, &out), 0);
	CU_ASSERT(lb_flow_key_eq(&k, &out));
	/* IPv4 header checksum verifies: the one's-complement sum is 0xffff */
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	CU_ASSERT_EQUAL(sum, 0xffff);
	lb_flow_key_v4(&k, rss4[2].src, rss4[2].dst, rss4[2].sport, rss4[2].dport, LB_PROTO_UDP);
	CU_ASSERT_EQUAL(lb_flow_write_headers(&k, buf, sizeof buf, 0, false), 28);
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 28, &out), 0);
	CU_ASSERT(lb_flow_key_eq(&k, &out));
	lb_flow_key_v6(&k, rss6[1].src, rss6[1].dst, rss6[1].sport, rss6[1].dport, LB_PROTO_TCP);
	CU_ASSERT_EQUAL(lb_flow_write_headers(&k, buf, sizeof buf, 16, false), 60);
	CU_ASSERT_EQUAL(buf[53], 0x10); /* ACK */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 76, &out), 0);
	CU_ASSERT(lb_flow_key_eq(&k, &out));
	lb_flow_key_v6(&k, rss6[1].src, rss6[1].dst, rss6[1].sport, rss6[1].dport, LB_PROTO_UDP);
	CU_ASSERT_EQUAL(lb_flow_write_headers(&k, buf, sizeof buf, 0, false), 48);
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 48, &out), 0);
	CU_ASSERT(lb_flow_key_eq(&k, &out));
	/* too small a buffer, bad family or protocol */
	CU_ASSERT_EQUAL(lb_flow_write_headers(&k, buf, 47, 0, false), -ENOSPC);
	k.proto = 1;
	CU_ASSERT_EQUAL(lb_flow_write_headers(&k, buf, sizeof buf, 0, false), -EINVAL);
	k.proto = LB_PROTO_UDP;
	k.family = 5;
	CU_ASSERT_EQUAL(lb_flow_write_headers(&k, buf, sizeof buf, 0, false), -EINVAL);
}

/* Truncated at every length below the header: -EMSGSIZE, and never a read
 * past the end (each copy is an exact-size heap block, so ASan would see an
 * overread). */
static void truncations(const struct lb_flow_key *k, int hl)
{
	uint8_t buf[80];
	CU_ASSERT_EQUAL_FATAL(lb_flow_write_headers(k, buf, sizeof buf, 0, false), hl);
	for (int n = 0; n < hl; n++) {
		uint8_t *p = malloc(n ? (size_t)n : 1);
		memcpy(p, buf, (size_t)n);
		struct lb_flow_key out;
		CU_ASSERT_EQUAL(lb_flow_parse(p, (size_t)n, &out), -EMSGSIZE);
		free(p);
	}
}

static void test_truncated(void)
{
	struct lb_flow_key k;
	lb_flow_key_v4(&k, rss4[3].src, rss4[3].dst, 1, 2, LB_PROTO_TCP);
	truncations(&k, 40);
	lb_flow_key_v6(&k, rss6[2].src, rss6[2].dst, 1, 2, LB_PROTO_UDP);
	truncations(&k, 48);
}

static void test_malformed(void)
{
	uint8_t buf[80];
	struct lb_flow_key k, out;
	lb_flow_key_v4(&k, rss4[3].src, rss4[3].dst, 1, 2, LB_PROTO_TCP);
	CU_ASSERT_EQUAL_FATAL(lb_flow_write_headers(&k, buf, sizeof buf, 0, false), 40);
	buf[0] = 0x55; /* version 5 */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 40, &out), -EINVAL);
	buf[0] = 0x44; /* IHL 4 */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 40, &out), -EINVAL);
	buf[0] = 0x45;
	buf[2] = 0, buf[3] = 10; /* total length below the header */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 40, &out), -EINVAL);
	buf[3] = 40;
	buf[32] = 4 << 4; /* TCP data offset 4 */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 40, &out), -EINVAL);
	buf[32] = 5 << 4;
	buf[9] = 1; /* ICMP */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 40, &out), -EPROTONOSUPPORT);
	buf[9] = LB_PROTO_TCP;
	buf[6] = 0x00, buf[7] = 0x10; /* fragment offset 16 */
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 40, &out), -EPROTONOSUPPORT);
	buf[6] = 0x40, buf[7] = 0;
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 40, &out), 0);
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 0, &out), -EMSGSIZE);
	/* IPv6 with a routing header (43) is not skipped */
	lb_flow_key_v6(&k, rss6[0].src, rss6[0].dst, 1, 2, LB_PROTO_UDP);
	CU_ASSERT_EQUAL_FATAL(lb_flow_write_headers(&k, buf, sizeof buf, 0, false), 48);
	buf[6] = 43;
	CU_ASSERT_EQUAL(lb_flow_parse(buf, 48, &out), -EPROTONOSUPPORT);
	/* a hop-by-hop header (8 bytes) is skipped */
	uint8_t hbh[56];
	memcpy(hbh, buf, 40);
	hbh[4] = 0, hbh[5] = 16;
	hbh[6] = 0;
	memset(hbh + 40, 0, 8);
	hbh[40] = LB_PROTO_UDP;
	memcpy(hbh + 48, buf + 40, 8);
	CU_ASSERT_EQUAL(lb_flow_parse(hbh, sizeof hbh, &out), 0);
	CU_ASSERT_EQUAL(out.sport, 1);
	CU_ASSERT_EQUAL(out.dport, 2);
}

static void test_format(void)
{
	struct lb_flow_key k;
	char buf[128];
	lb_flow_key_v4(&k, rss4[0].src, rss4[0].dst, rss4[0].sport, rss4[0].dport, LB_PROTO_TCP);
	CU_ASSERT_STRING_EQUAL(lb_flow_key_format(&k, buf, sizeof buf), "tcp 66.9.149.187:2794 > 161.142.100.80:1766");
	lb_flow_key_v6(&k, rss6[1].src, rss6[1].dst, 1, 2, LB_PROTO_UDP);
	CU_ASSERT_STRING_EQUAL(lb_flow_key_format(&k, buf, sizeof buf),
			       "udp [3ffe:501:8:0:260:97ff:fe40:efab]:1 > [ff02:0:0:0:0:0:0:1]:2");
	CU_ASSERT_EQUAL(sizeof(struct lb_flow_key), 40);
}

void lb_test_register(void)
{
	LB_SUITE("hash", LB_TEST(test_toeplitz_ms_ipv4), LB_TEST(test_toeplitz_ms_ipv6),
		 LB_TEST(test_toeplitz_seeded_key_differs), LB_TEST(test_crc32c_check_value),
		 LB_TEST(test_crc32c_flow_pinned), LB_TEST(test_fast_pinned), LB_TEST(test_fast_spread),
		 LB_TEST(test_symmetric), LB_TEST(test_kind_names));
	LB_SUITE("flow", LB_TEST(test_write_parse_roundtrip), LB_TEST(test_truncated), LB_TEST(test_malformed),
		 LB_TEST(test_format));
}
