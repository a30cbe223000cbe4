/* lb_hash.c - Toeplitz, CRC32C and a fast multiply-xorshift hash.
 *
 * Toeplitz (Microsoft, "RSS hashing functions"): for every set bit i of the
 * input (most significant bit of byte 0 first), XOR in the 32-bit window of
 * the key starting at bit i.  Precomputed per input byte position p and byte
 * value v: T[p][v] = XOR of the windows at bits 8p+b for the set bits b of v,
 * so hashing is one lookup and XOR per input byte.
 *
 * CRC32C: byte-wise table over the reflected Castagnoli polynomial
 * 0x82F63B78, initial value ~crc, final complement (iSCSI, RFC 3720 B.4).
 *
 * FAST: state = seed ^ golden; for every 64-bit input word w:
 * state = fmix64(state ^ w) (murmur3's finaliser: xorshift 33, multiply,
 * xorshift 33, multiply, xorshift 33); result = low 32 bits of the last
 * fmix64(state ^ length).
 *
 * LINUX: lb_linux_hash.c.
 */
#include "lbcore/lb_hash.h"
#include "lbcore/lb_linux_hash.h"

#include <errno.h>
#include <string.h>

const uint8_t lb_toeplitz_ms_key[LB_TOEPLITZ_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64_C(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

/* 32-bit window of the key starting at bit `bit` (bit 0 = MSB of key[0]). */
static uint32_t key_window(const uint8_t *key, unsigned bit)
{
	unsigned byte = bit / 8, shift = bit % 8;
	uint64_t w = 0;
	for (unsigned i = 0; i < 5; i++)
		w = w << 8 | (byte + i < LB_TOEPLITZ_KEY_LEN ? key[byte + i] : 0);
	return (uint32_t)(w >> (8 - shift));
}

void lb_hasher_init_toeplitz_key(struct lb_hasher *h, const uint8_t key[LB_TOEPLITZ_KEY_LEN])
{
	h->kind = LB_HASH_TOEPLITZ;
	memcpy(h->key, key, LB_TOEPLITZ_KEY_LEN);
	for (unsigned p = 0; p < LB_TOEPLITZ_MAX_INPUT; p++) {
		uint32_t win[8];
		for (unsigned b = 0; b < 8; b++)
			win[b] = key_window(key, p * 8 + b);
		for (unsigned v = 0; v < 256; v++) {
			uint32_t r = 0;
			for (unsigned b = 0; b < 8; b++)
				if (v & (0x80u >> b))
					r ^= win[b];
			h->t.toeplitz[p][v] = r;
		}
	}
}

int lb_hasher_init(struct lb_hasher *h, enum lb_hash_kind kind, uint64_t seed)
{
	memset(h, 0, sizeof *h);
	h->seed = seed;
	switch (kind) {
	case LB_HASH_TOEPLITZ: {
		uint8_t key[LB_TOEPLITZ_KEY_LEN];
		if (seed == 0) {
			memcpy(key, lb_toeplitz_ms_key, sizeof key);
		} else {
			uint64_t x = seed;
			for (unsigned i = 0; i < LB_TOEPLITZ_KEY_LEN; i += 8) {
				uint64_t r = splitmix64(&x);
				for (unsigned j = 0; j < 8; j++)
					key[i + j] = (uint8_t)(r >> (56 - 8 * j));
			}
		}
		lb_hasher_init_toeplitz_key(h, key);
		h->seed = seed;
		return 0;
	}
	case LB_HASH_CRC32C:
		h->kind = kind;
		for (uint32_t v = 0; v < 256; v++) {
			uint32_t c = v;
			for (int b = 0; b < 8; b++)
				c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1u)));
			h->t.crc[v] = c;
		}
		return 0;
	case LB_HASH_FAST:
		h->kind = kind;
		return 0;
	case LB_HASH_LINUX:
		return lb_hasher_init_linux(h, seed, LB_LINUX_HASH_L4);
	}
	return -EINVAL;
}

int lb_hasher_init_linux(struct lb_hasher *h, uint64_t seed, unsigned policy)
{
	memset(h, 0, sizeof *h);
	if (seed == 0 || seed > UINT32_MAX || (policy != LB_LINUX_HASH_L3 && policy != LB_LINUX_HASH_L4))
		return -EINVAL;
	h->kind = LB_HASH_LINUX;
	h->seed = seed;
	h->linux_policy = (uint8_t)policy;
	return 0;
}

/* The key's hash input: src, dst, sport, dport (+ proto when with_proto). */
static size_t flow_bytes(const struct lb_flow_key *k, uint8_t *buf, bool with_ports, bool with_proto,
			 bool swap)
{
	size_t a = k->family == LB_AF_INET6 ? 16 : 4, n = 0;
	const uint8_t *s = swap ? k->dst : k->src, *d = swap ? k->src : k->dst;
	uint16_t sp = swap ? k->dport : k->sport, dp = swap ? k->sport : k->dport;
	memcpy(buf, s, a);
	memcpy(buf + a, d, a);
	n = 2 * a;
	if (with_ports) {
		buf[n++] = (uint8_t)(sp >> 8);
		buf[n++] = (uint8_t)sp;
		buf[n++] = (uint8_t)(dp >> 8);
		buf[n++] = (uint8_t)dp;
	}
	if (with_proto)
		buf[n++] = k->proto;
	return n;
}

static uint32_t toeplitz(const struct lb_hasher *h, const uint8_t *in, size_t n)
{
	uint32_t r = 0;
	for (size_t p = 0; p < n; p++)
		r ^= h->t.toeplitz[p][in[p]];
	return r;
}

static uint32_t crc_table(const struct lb_hasher *h, uint32_t crc, const uint8_t *in, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = (crc >> 8) ^ h->t.crc[(crc ^ in[i]) & 0xff];
	return ~crc;
}

static uint32_t fast(uint64_t seed, const uint8_t *in, size_t n)
{
	uint64_t st = seed ^ UINT64_C(0x9e3779b97f4a7c15);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, in + i, 8);
		st = fmix64(st ^ w);
	}
	uint64_t w = 0;
	for (size_t j = 0; i < n; i++, j++)
		w |= (uint64_t)in[i] << (8 * j);
	st = fmix64(st ^ w ^ ((uint64_t)n << 56));
	return (uint32_t)st ^ (uint32_t)(st >> 32);
}

static uint32_t hash_bytes(const struct lb_hasher *h, const struct lb_flow_key *k, bool swap)
{
	uint8_t in[LB_TOEPLITZ_MAX_INPUT + 1];
	switch (h->kind) {
	case LB_HASH_TOEPLITZ:
		return toeplitz(h, in, flow_bytes(k, in, true, false, swap));
	case LB_HASH_CRC32C:
		return crc_table(h, (uint32_t)h->seed, in, flow_bytes(k, in, true, true, swap));
	case LB_HASH_FAST:
		return fast(h->seed, in, flow_bytes(k, in, true, true, swap));
	case LB_HASH_LINUX:
		return lb_linux_flow_hash(k, (uint32_t)h->seed, (enum lb_linux_hash_policy)h->linux_policy, 0);
	}
	return 0;
}

uint32_t lb_hasher_flow(const struct lb_hasher *h, const struct lb_flow_key *k)
{
	return hash_bytes(h, k, false);
}

uint32_t lb_hasher_flow_symmetric(const struct lb_hasher *h, const struct lb_flow_key *k)
{
	size_t a = k->family == LB_AF_INET6 ? 16 : 4;
	int c = memcmp(k->src, k->dst, a);
	bool swap = c > 0 || (c == 0 && k->sport > k->dport);
	return hash_bytes(h, k, swap);
}

uint32_t lb_toeplitz_ip(const struct lb_hasher *h, const struct lb_flow_key *k)
{
	uint8_t in[LB_TOEPLITZ_MAX_INPUT];
	return toeplitz(h, in, flow_bytes(k, in, false, false, false));
}

uint32_t lb_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
	}
	return ~crc;
}

LB_KIND_TABLE(lb_hash_kind_table, "hash", LB_HASH_KINDS);

int lb_hash_kind_parse(const char *name, enum lb_hash_kind *out)
{
	int v = lb_kind_parse(&lb_hash_kind_table, name);
	if (v < 0)
		return v;
	*out = (enum lb_hash_kind)v;
	return 0;
}

const char *lb_hash_kind_name(enum lb_hash_kind kind)
{
	const char *n = lb_kind_name(&lb_hash_kind_table, (unsigned)kind);
	return n ? n : "?";
}
