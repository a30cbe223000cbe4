/* bench_keys.h - the flows every session benchmark looks up (bench_core.c,
 * bench_session_dpdk.c): the same keys, so their figures compare. */
#ifndef LB_BENCH_KEYS_H
#define LB_BENCH_KEYS_H

#include <glib.h>
#include <string.h>

#include "lbcore/lbcore.h"

/* The hasher of the benchmark's tables (each program seeds it once). */
static struct lb_hasher hasher;

/* Flow i: an IPv4 TCP 5-tuple to 203.0.113.10:80, distinct for i < 2^24 x 50000. */
static inline struct lb_flow_key key_of(uint32_t i)
{
	struct lb_flow_key k;
	uint32_t a = i * 2654435761u;
	uint8_t s[4] = {10, (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a}, d[4] = {203, 0, 113, 10};
	lb_flow_key_v4(&k, s, d, (uint16_t)(1024 + (i >> 24) + (i % 50000)), 80, LB_PROTO_TCP);
	return k;
}

/* GHashTable over the same keys and hash (the common-library baseline). */
static inline guint key_hash(gconstpointer p)
{
	return lb_hasher_flow(&hasher, p);
}

static inline gboolean key_eq(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct lb_flow_key)) == 0;
}

#endif
