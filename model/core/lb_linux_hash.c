/* lb_linux_hash.c - the kernel's multipath hash and hash-threshold bounds.
 *
 * Source (facts only, no code copied): Linux 6.11+ net/ipv4/route.c
 * fib_multipath_hash(), net/ipv6/route.c rt6_multipath_hash() and
 * ip6_multipath_l3_keys(), include/net/ip_fib.h
 * fib_multipath_hash_construct_key(), net/core/flow_dissector.c
 * __flow_hash_consistentify() / __flow_hash_from_keys() /
 * flow_keys_hash_length(), include/net/flow_dissector.h struct flow_keys,
 * lib/siphash.c, net/ipv4/fib_semantics.c fib_rebalance() /
 * fib_select_multipath(); written up in doc/ecmp.md.
 *
 * Algorithm:
 * 1. Build the flow_keys image from its `basic` member on (offsets relative
 *    to it; everything not named is zero, as after the kernel's memset):
 *      0 n_proto (2, always 0 here)   2 ip_proto   3 padding
 *      4 flow label (4, network order, low 20 bits)
 *      8 vlan, 16 cvlan (8 each)      24 GRE key id (4)
 *     28 source port, 30 destination port (network order)
 *     32 icmp (4)                     36 addresses: src then dst
 *    and hash 48 bytes for IPv4 (the 8 address bytes plus 4 zero bytes of
 *    the address union) or 72 for IPv6 (32 address bytes plus 4 bytes of
 *    tail padding): sizeof(struct flow_keys) = 80 minus the 8-byte
 *    control member minus the unused part of the 32-byte address union.
 * 2. Consistentify: IPv4 swaps the addresses when dst < src compared as
 *    host-order (little-endian) 32-bit words; IPv6 when memcmp(dst, src)
 *    < 0; both swap the ports when dport < sport compared as host-order
 *    16-bit words (i.e. byte-swapped port numbers on little endian).
 *    Addresses and ports are swapped independently.
 * 3. mhash = low 32 bits of SipHash-2-4 with k0 = k1 = seed << 32 | seed;
 *    0 becomes 1.
 */
#include "lbcore/lb_linux_hash.h"

#include <errno.h>
#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* SipHash-2-4's state, one round, and the steps every message takes. */
struct sip {
	uint64_t v0, v1, v2, v3;
};

static inline void sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static inline struct sip sip_init(uint64_t k0, uint64_t k1)
{
	return (struct sip){UINT64_C(0x736f6d6570736575) ^ k0, UINT64_C(0x646f72616e646f6d) ^ k1,
			    UINT64_C(0x6c7967656e657261) ^ k0, UINT64_C(0x7465646279746573) ^ k1};
}

/* one 64-bit message word: two compression rounds */
static inline void sip_word(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

/* the last word b (the length in its top byte), then four finalisation rounds */
static inline uint64_t sip_finish(struct sip *s, uint64_t b)
{
	sip_word(s, b);
	s->v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t lb_siphash24(const void *data, size_t len, uint64_t k0, uint64_t k1)
{
	const uint8_t *p = data;
	struct sip s = sip_init(k0, k1);
	uint64_t b = (uint64_t)len << 56;
	size_t i = 0;
	for (; i + 8 <= len; i += 8)
		sip_word(&s, le64(p + i));
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	return sip_finish(&s, b);
}

enum {
	OFF_PROTO = 2,
	OFF_LABEL = 4,
	OFF_SPORT = 28,
	OFF_DPORT = 30,
	OFF_ADDRS = 36,
	LEN_V4 = 48,
	LEN_V6 = 72,
};

static uint32_t host32(const uint8_t *p) /* a __be32 read as a little-endian u32 */
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t host16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

int lb_linux_flow_keys(const struct lb_flow_key *k, enum lb_linux_hash_policy policy, uint32_t flowlabel,
		       uint8_t out[LB_LINUX_KEYS_MAX])
{
	if ((k->family != LB_AF_INET && k->family != LB_AF_INET6) ||
	    (policy != LB_LINUX_HASH_L3 && policy != LB_LINUX_HASH_L4))
		return -EINVAL;
	bool v6 = k->family == LB_AF_INET6;
	size_t alen = v6 ? 16 : 4;
	memset(out, 0, LB_LINUX_KEYS_MAX);
	memcpy(out + OFF_ADDRS, k->src, alen);
	memcpy(out + OFF_ADDRS + alen, k->dst, alen);
	if (policy == LB_LINUX_HASH_L4) {
		out[OFF_PROTO] = k->proto;
		out[OFF_SPORT] = (uint8_t)(k->sport >> 8);
		out[OFF_SPORT + 1] = (uint8_t)k->sport;
		out[OFF_DPORT] = (uint8_t)(k->dport >> 8);
		out[OFF_DPORT + 1] = (uint8_t)k->dport;
	} else if (v6) {
		out[OFF_PROTO] = k->proto;
		out[OFF_LABEL + 1] = (uint8_t)((flowlabel >> 16) & 0x0f);
		out[OFF_LABEL + 2] = (uint8_t)(flowlabel >> 8);
		out[OFF_LABEL + 3] = (uint8_t)flowlabel;
	}
	uint8_t *src = out + OFF_ADDRS, *dst = out + OFF_ADDRS + alen;
	if (v6 ? memcmp(dst, src, 16) < 0 : host32(dst) < host32(src))
		swap_bytes(src, dst, alen);
	if (host16(out + OFF_DPORT) < host16(out + OFF_SPORT))
		swap_bytes(out + OFF_SPORT, out + OFF_DPORT, 2);
	return v6 ? LEN_V6 : LEN_V4;
}

/* SipHash-2-4 of nw little-endian 64-bit words (a length of 8 nw bytes). */
static uint64_t siphash_words(const uint64_t *m, unsigned nw, uint64_t k0, uint64_t k1)
{
	struct sip s = sip_init(k0, k1);
	for (unsigned i = 0; i < nw; i++)
		sip_word(&s, m[i]);
	return sip_finish(&s, (uint64_t)(8 * nw) << 56);
}

static uint64_t bswap16(uint16_t v)
{
	return (uint64_t)(uint16_t)(v << 8 | v >> 8);
}

/* The per-packet path: the same image as lb_linux_flow_keys(), built
 * directly as the little-endian words SipHash reads (word j = bytes
 * 8j..8j+7), with the consistentify swaps done on the inputs.  The test
 * checks both paths agree. */
uint32_t lb_linux_flow_hash(const struct lb_flow_key *k, uint32_t seed, enum lb_linux_hash_policy policy,
			    uint32_t flowlabel)
{
	if ((k->family != LB_AF_INET && k->family != LB_AF_INET6) ||
	    (policy != LB_LINUX_HASH_L3 && policy != LB_LINUX_HASH_L4))
		return 0;
	uint64_t w[9] = {0};
	unsigned nw;
	if (policy == LB_LINUX_HASH_L4) {
		uint64_t sp = bswap16(k->sport), dp = bswap16(k->dport); /* host16 of the wire bytes */
		w[0] = (uint64_t)k->proto << 16;
		w[3] = (dp < sp ? dp | sp << 16 : sp | dp << 16) << 32;
	}
	if (k->family == LB_AF_INET) {
		uint64_t s = host32(k->src), d = host32(k->dst);
		if (d < s) {
			uint64_t t = s;
			s = d;
			d = t;
		}
		w[4] = s << 32;
		w[5] = d;
		nw = 6;
	} else {
		const uint8_t *s = k->src, *d = k->dst;
		if (memcmp(d, s, 16) < 0) {
			s = k->dst;
			d = k->src;
		}
		if (policy == LB_LINUX_HASH_L3) {
			w[0] = (uint64_t)k->proto << 16 | (uint64_t)((flowlabel >> 16) & 0x0f) << 40 |
			       (uint64_t)((flowlabel >> 8) & 0xff) << 48 | (uint64_t)(flowlabel & 0xff) << 56;
		}
		w[4] = (uint64_t)host32(s) << 32;
		w[5] = le64(s + 4);
		w[6] = host32(s + 12) | (uint64_t)host32(d) << 32;
		w[7] = le64(d + 4);
		w[8] = host32(d + 12);
		nw = 9;
	}
	uint64_t key = (uint64_t)seed << 32 | seed;
	uint32_t h = (uint32_t)siphash_words(w, nw, key, key);
	return h ? h : 1;
}

int lb_linux_upper_bounds(const uint32_t *weights, unsigned n, int32_t *ub)
{
	if (n == 0 || n > 64)
		return -EINVAL;
	uint64_t total = 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t w = weights ? weights[i] : 1;
		if (w == 0 || w > LB_LINUX_WEIGHT_MAX)
			return -EINVAL;
		total += w;
	}
	uint64_t w = 0;
	for (unsigned i = 0; i < n; i++) {
		w += weights ? weights[i] : 1;
		ub[i] = (int32_t)(((w << 31) + total / 2) / total - 1);
	}
	return 0;
}

unsigned lb_linux_hthr_select(const int32_t *ub, unsigned n, uint32_t mp_hash)
{
	/* The bounds strictly increase (each weight adds at least
	 * 2^31 / (64 * 65536) = 512), so the first i with mp_hash <= ub[i]
	 * is found by bisection. */
	unsigned lo = 0, hi = n - 1;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if ((int64_t)mp_hash <= ub[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
