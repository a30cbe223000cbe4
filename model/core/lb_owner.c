/* lb_owner.c - modulo, rendezvous and Maglev owner selection.
 *
 * Maglev population (NSDI 2016, Pseudocode 1): for node i,
 *   offset_i = h1(i) mod M, skip_i = h2(i) mod (M - 1) + 1,
 *   permutation_i[j] = (offset_i + j x skip_i) mod M;
 * nodes take turns, in ascending id order, each claiming the next entry of
 * its permutation that is still empty, until all M entries are filled.
 * M prime makes every permutation a full cycle.  Invariant after a build:
 * every node holds floor(M/N) or floor(M/N) + 1 entries (the turns are
 * round-robin and each turn fills exactly one entry).  h1 and h2 are
 * splitmix64-style mixes of (seed, id) with different constants.
 */
#include "lbcore/lb_owner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY 0xff

struct lb_owner {
	enum lb_owner_kind kind;
	uint64_t seed;
	lb_nodeset active;
	unsigned n;                  /* active count */
	uint8_t ids[LB_MAX_NODES];   /* active ids, ascending */
	uint32_t m;                  /* Maglev table size */
	uint8_t *table;              /* Maglev: m entries */
	uint32_t next[LB_MAX_NODES]; /* Maglev build state */
	uint32_t count[LB_MAX_NODES];
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

bool lb_owner_is_prime(uint32_t m)
{
	if (m < 2)
		return false;
	for (uint32_t d = 2; (uint64_t)d * d <= m; d++)
		if (m % d == 0)
			return false;
	return true;
}

struct lb_owner *lb_owner_create(const struct lb_owner_params *p)
{
	if (!p || (unsigned)p->kind > LB_OWNER_MAGLEV)
		return NULL;
	struct lb_owner *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->kind = p->kind;
	o->seed = p->seed;
	if (p->kind == LB_OWNER_MAGLEV) {
		o->m = p->maglev_table_size ? p->maglev_table_size : LB_MAGLEV_DEFAULT_M;
		if (o->m < LB_MAGLEV_MIN_M || o->m > LB_MAGLEV_MAX_M || !lb_owner_is_prime(o->m))
			goto err;
		o->table = malloc(o->m);
		if (!o->table)
			goto err;
		memset(o->table, EMPTY, o->m);
	}
	return o;
err:
	lb_owner_free(o);
	return NULL;
}

void lb_owner_free(struct lb_owner *o)
{
	if (!o)
		return;
	free(o->table);
	free(o);
}

static void maglev_build(struct lb_owner *o)
{
	uint32_t m = o->m;
	uint32_t offset[LB_MAX_NODES], skip[LB_MAX_NODES];
	memset(o->table, EMPTY, m);
	memset(o->count, 0, sizeof o->count);
	if (o->n == 0)
		return;
	for (unsigned i = 0; i < o->n; i++) {
		uint64_t id = o->ids[i];
		offset[i] = (uint32_t)(mix64(o->seed ^ (id * UINT64_C(0x9e3779b97f4a7c15) + 1)) % m);
		skip[i] = (uint32_t)(mix64(o->seed + (id + 1) * UINT64_C(0xd6e8feb86659fd93)) % (m - 1)) + 1;
		o->next[i] = 0;
	}
	uint32_t filled = 0;
	for (;;) {
		for (unsigned i = 0; i < o->n; i++) {
			uint32_t c;
			do {
				c = (uint32_t)((offset[i] + (uint64_t)o->next[i] * skip[i]) % m);
				o->next[i]++;
			} while (o->table[c] != EMPTY);
			o->table[c] = o->ids[i];
			o->count[o->ids[i]]++;
			if (++filled == m)
				return;
		}
	}
}

int lb_owner_set_active(struct lb_owner *o, lb_nodeset active)
{
	o->active = active;
	o->n = 0;
	for (unsigned id = 0; id < LB_MAX_NODES; id++)
		if (lb_nodeset_has(active, id))
			o->ids[o->n++] = (uint8_t)id;
	if (o->kind == LB_OWNER_MAGLEV)
		maglev_build(o);
	return 0;
}

lb_nodeset lb_owner_active(const struct lb_owner *o)
{
	return o->active;
}

int lb_owner_lookup(const struct lb_owner *o, uint32_t flow_hash)
{
	if (o->n == 0)
		return -ENOENT;
	switch (o->kind) {
	case LB_OWNER_MODULO:
		return o->ids[flow_hash % o->n];
	case LB_OWNER_MAGLEV:
		return o->table[flow_hash % o->m];
	case LB_OWNER_RENDEZVOUS: {
		uint64_t best = 0;
		int owner = o->ids[0];
		for (unsigned i = 0; i < o->n; i++) {
			uint64_t w = mix64(((uint64_t)flow_hash << 8 | o->ids[i]) ^ o->seed ^
					   UINT64_C(0x2545f4914f6cdd1d));
			if (i == 0 || w > best) {
				best = w;
				owner = o->ids[i];
			}
		}
		return owner;
	}
	}
	return -ENOENT;
}

uint32_t lb_owner_maglev_entries(const struct lb_owner *o, unsigned id)
{
	return o->kind == LB_OWNER_MAGLEV && id < LB_MAX_NODES ? o->count[id] : 0;
}

LB_KIND_TABLE(lb_owner_kind_table, "owner selection", LB_OWNER_KINDS);

int lb_owner_kind_parse(const char *name, enum lb_owner_kind *out)
{
	int v = lb_kind_parse(&lb_owner_kind_table, name);
	if (v < 0)
		return v;
	*out = (enum lb_owner_kind)v;
	return 0;
}

const char *lb_owner_kind_name(enum lb_owner_kind kind)
{
	const char *n = lb_kind_name(&lb_owner_kind_table, (unsigned)kind);
	return n ? n : "?";
}
