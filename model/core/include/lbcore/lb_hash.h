/* lb_hash.h - flow hashes, each seeded or keyed.
 *
 *  Toeplitz (Microsoft RSS): input in RSS order - source address,
 *    destination address, source port, destination port (ports omitted by
 *    lb_toeplitz_ip()); a 40-byte key, by default Microsoft's verification
 *    key.  Matches "Verifying the RSS Hash Calculation" bit for bit.
 *  CRC32C (Castagnoli, reflected polynomial 0x82F63B78; RFC 3720 B.4).
 *  FAST: a 64-bit multiply-xorshift hash (the murmur3 fmix64 finaliser
 *    applied to a seeded running state), for simulations.
 *  LINUX: the Linux kernel's multipath hash (lb_linux_hash.h), bit-exact:
 *    SipHash-2-4 over the kernel's flow keys, keyed by the sysctl
 *    net.ipv4.fib_multipath_hash_seed, under fib_multipath_hash_policy 0
 *    (L3) or 1 (L4).  lb_hasher_flow() returns the kernel's 32-bit mhash;
 *    the kernel (and LB_ECMP_LINUX*) select with mhash >> 1.  The hash is
 *    symmetric already, so lb_hasher_flow_symmetric() gives the same value.
 *
 * A flow key is hashed over its meaningful bytes only: source address (4 or
 * 16 bytes), destination address, source port, destination port (big-endian)
 * and, for CRC32C and FAST, the protocol byte.
 *
 * struct lb_hasher holds the precomputed tables (Toeplitz: 36 x 256 32-bit
 * windows, ~36 KiB; CRC32C: 256 entries), so the per-packet path is one
 * table lookup per input byte.  It is a plain value: init it once, then use
 * it from any number of threads read-only.
 */
#ifndef LBCORE_LB_HASH_H
#define LBCORE_LB_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "lb_flow.h"
#include "lb_kind.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_HASH_KINDS(X)                                                                           \
	X(LB_HASH_CRC32C, "crc32c", "CRC32C (Castagnoli), as NICs and DPDK compute it")              \
	X(LB_HASH_TOEPLITZ, "toeplitz", "Toeplitz (Microsoft RSS), as NICs and routers compute it") \
	X(LB_HASH_FAST, "fast", "a 64-bit multiply-xorshift hash, for simulations")                 \
	X(LB_HASH_LINUX, "linux", "Linux's fib_multipath_hash (SipHash over the flow keys; policy 1 by default)")
enum lb_hash_kind { LB_HASH_KINDS(LB_KIND_ENUM) };
#define LB_HASH_KIND_COUNT (0 LB_HASH_KINDS(LB_KIND_ONE))
extern const struct lb_kind_table lb_hash_kind_table;

#define LB_TOEPLITZ_KEY_LEN 40
#define LB_TOEPLITZ_MAX_INPUT 36 /* IPv6 addresses + ports */

/* Microsoft's RSS verification key. */
extern const uint8_t lb_toeplitz_ms_key[LB_TOEPLITZ_KEY_LEN];

struct lb_hasher {
	enum lb_hash_kind kind;
	uint64_t seed;
	uint8_t linux_policy;             /* LINUX: enum lb_linux_hash_policy */
	uint8_t key[LB_TOEPLITZ_KEY_LEN]; /* Toeplitz key in use */
	union {
		uint32_t toeplitz[LB_TOEPLITZ_MAX_INPUT][256];
		uint32_t crc[256];
	} t;
};

/* Initialises h.  Toeplitz: seed 0 selects Microsoft's key; any other seed
 * derives the key from splitmix64(seed) (8 bytes per step, big-endian).
 * CRC32C: the seed's low 32 bits are the initial CRC value (as for
 * lb_crc32c()).  LINUX: policy 1 (L4, what lbsim validate's router runs),
 * the seed is the sysctl's value, 1..2^32-1.  Returns 0 or -EINVAL (unknown
 * kind; LINUX with seed 0 or above 2^32-1). */
int lb_hasher_init(struct lb_hasher *h, enum lb_hash_kind kind, uint64_t seed);
/* LINUX with a policy: seed = net.ipv4.fib_multipath_hash_seed (1..2^32-1;
 * the kernel's 0 means "a random seed drawn at boot", which cannot be
 * predicted, so it is refused), policy = fib_multipath_hash_policy
 * (LB_LINUX_HASH_L3 = 0 or LB_LINUX_HASH_L4 = 1), applied to IPv4 and
 * IPv6 flows alike (the kernel has one policy sysctl per family: model a
 * router whose two are equal).  Returns 0 or -EINVAL. */
int lb_hasher_init_linux(struct lb_hasher *h, uint64_t seed, unsigned policy);
/* Toeplitz with an explicit key. */
void lb_hasher_init_toeplitz_key(struct lb_hasher *h, const uint8_t key[LB_TOEPLITZ_KEY_LEN]);

/* The flow hash. */
uint32_t lb_hasher_flow(const struct lb_hasher *h, const struct lb_flow_key *k);
/* Symmetric variant: hashes the key with (address, port) pairs ordered so that
 * both directions of a connection give the same value. */
uint32_t lb_hasher_flow_symmetric(const struct lb_hasher *h, const struct lb_flow_key *k);
/* Toeplitz over addresses only (RSS "IP only"); h must be a Toeplitz hasher. */
uint32_t lb_toeplitz_ip(const struct lb_hasher *h, const struct lb_flow_key *k);

/* CRC32C of buf continuing from crc (0 to start): the standard check value
 * lb_crc32c(0, "123456789", 9) is 0xE3069283. */
uint32_t lb_crc32c(uint32_t crc, const void *buf, size_t len);

/* "crc32c", "toeplitz", "fast", "linux" <-> kind; parse returns 0 or -EINVAL. */
int lb_hash_kind_parse(const char *name, enum lb_hash_kind *out);
const char *lb_hash_kind_name(enum lb_hash_kind kind);

#ifdef __cplusplus
}
#endif
#endif
