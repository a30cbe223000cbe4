/* lb_linux_hash.h - Linux's own IPv4/IPv6 multipath hash and hash-threshold
 * next-hop selection, bit-exact with the kernel (6.11 and later, checked on
 * 6.18 against `ip route get`; facts and sources: doc/ecmp.md, "Linux's
 * multipath hash").
 *
 * The hash (fib_multipath_hash() in net/ipv4/route.c, rt6_multipath_hash()
 * in net/ipv6/route.c, both through fib_multipath_hash_from_keys() and
 * flow_hash_from_keys_seed() in net/core/flow_dissector.c) is SipHash-2-4
 * keyed by the sysctl net.ipv4.fib_multipath_hash_seed (which also serves
 * IPv6) over the kernel's struct flow_keys image:
 *
 *   policy 0 (L3)  IPv4: source and destination address.
 *                  IPv6: addresses, flow label and next header.
 *   policy 1 (L4)  addresses, ports and IP protocol (no flow label).
 *
 * lb_linux_flow_hash() returns the kernel's 32-bit value `mhash` (never 0);
 * the kernel then selects with mhash >> 1 (lb_linux_mp_hash()).  That split
 * lets the LINUX hasher (lb_hash.h) hand every ECMP kind a 32-bit hash; the
 * Linux ECMP kinds (lb_ecmp.h) shift it themselves.
 *
 * SEED 0: the kernel treats fib_multipath_hash_seed = 0 as "use a random
 * seed drawn at boot" (proc_fib_multipath_hash_set_seed()), which no model
 * can predict.  lb_hasher_init_linux() refuses seed 0 (-EINVAL); the plain
 * functions below take the seed literally (key from 0), which is NOT what a
 * kernel with the sysctl at 0 computes.
 *
 * Not modelled: policies 2 (inner L3) and 3 (custom fields), the ICMP error
 * inner-header rule of policy 0 (ip_multipath_l3_keys()), fib rules' early
 * flow dissection (same fields), and the L4 short cut: a forwarded packet
 * whose skb already carries an L4 hash (skb->l4_hash: a NIC's RSS hash, or
 * the socket hash of a locally generated packet crossing a veth) is routed
 * by skb->hash >> 1 under policy 1, not by this SipHash.
 *
 * All functions are pure and thread-safe.
 */
#ifndef LBCORE_LB_LINUX_HASH_H
#define LBCORE_LB_LINUX_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "lb_flow.h"

#ifdef __cplusplus
extern "C" {
#endif

/* net.ipv4.fib_multipath_hash_policy / net.ipv6.fib_multipath_hash_policy */
enum lb_linux_hash_policy {
	LB_LINUX_HASH_L3 = 0,
	LB_LINUX_HASH_L4 = 1,
};

/* Largest flow_keys image hashed (IPv6): 72 bytes; IPv4: 48 bytes. */
#define LB_LINUX_KEYS_MAX 72

/* Largest next-hop weight: plain multipath routes take 1..256
 * (rtnh_hops + 1), nexthop groups 1..65536. */
#define LB_LINUX_WEIGHT_MAX 65536u

/* SipHash-2-4 (Aumasson and Bernstein, 2012) of len bytes with the 128-bit
 * key (k0, k1) as the kernel's siphash_key_t holds it (lib/siphash.c): the
 * paper's key bytes 00..0f are k0 = 0x0706050403020100,
 * k1 = 0x0f0e0d0c0b0a0908. */
uint64_t lb_siphash24(const void *data, size_t len, uint64_t k0, uint64_t k1);

/* The bytes the kernel hashes for key k (struct flow_keys from its `basic`
 * member, as laid out on a little-endian 64-bit host, after the
 * consistentify swap).  flowlabel: the IPv6 flow label (low 20 bits used;
 * only policy 0 hashes it).  Writes 48 (IPv4) or 72 (IPv6) bytes to out and
 * returns that length, or -EINVAL for a bad family or policy. */
int lb_linux_flow_keys(const struct lb_flow_key *k, enum lb_linux_hash_policy policy, uint32_t flowlabel,
		       uint8_t out[LB_LINUX_KEYS_MAX]);

/* The kernel's 32-bit multipath hash mhash of a forwarded packet of flow k,
 * 1..2^32-1 (a SipHash of 0 becomes 1), for sysctl seed `seed`.  Returns 0
 * only for a bad family or policy.  IPv6 packets with flow label 0 (as
 * every simulated flow): flowlabel = 0. */
uint32_t lb_linux_flow_hash(const struct lb_flow_key *k, uint32_t seed, enum lb_linux_hash_policy policy,
			    uint32_t flowlabel);

/* What fib_multipath_hash() returns and fib_select_multipath() compares:
 * mhash >> 1, in 0..2^31-1. */
static inline uint32_t lb_linux_mp_hash(uint32_t mhash)
{
	return mhash >> 1;
}

/* fib_rebalance() (plain multipath routes) and nh_hthr_group_rebalance()
 * (hash-threshold nexthop groups): next hop i of n, in the route's order,
 * owns the multipath hashes up to and including
 *   ub[i] = round(2^31 * (w[0] + .. + w[i]) / W) - 1,   W = sum of weights
 * (round half up: DIV_ROUND_CLOSEST_ULL).  weights NULL means all 1.
 * Returns 0, or -EINVAL (n = 0, n > 64, or a weight outside
 * 1..LB_LINUX_WEIGHT_MAX). */
int lb_linux_upper_bounds(const uint32_t *weights, unsigned n, int32_t *ub);

/* fib_select_multipath() / nexthop_select_path_hthr() with every next hop
 * alive and fib_multipath_use_neigh = 0: the first i with
 * mp_hash <= ub[i].  mp_hash is lb_linux_mp_hash()'s (< 2^31); the last
 * bound is always 2^31 - 1, so this always finds one. */
unsigned lb_linux_hthr_select(const int32_t *ub, unsigned n, uint32_t mp_hash);

#ifdef __cplusplus
}
#endif
#endif
