/* lb_linux_res.c - Linux's resilient nexthop group table.  Algorithm, its
 * source (net/ipv4/nexthop.c: nh_res_group_rebalance,
 * nh_res_table_migrate_buckets, nh_res_bucket_should_migrate,
 * nh_res_bucket_migrate, nh_res_table_upkeep, replace_nexthop_grp_res,
 * nexthop_select_path_res) and what is left out: lb_linux_res.h.
 *
 * Invariants: count[] sums to the number of occupied buckets; uw[0..nuw)
 * holds the underweight members as member indexes, head first (reverse
 * group order among those added by a rebalance); a member leaves uw when
 * its count reaches its share and never re-enters before the next set. */
#include "lbcore/lb_linux_res.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NONE 0xFFu

struct bucket {
	uint8_t id;   /* next hop id or NONE (unoccupied) */
	uint64_t used_ns;
	uint64_t migrated_ns;
};

struct lb_linux_res {
	struct lb_linux_res_params p;
	struct bucket *b;
	unsigned n;                    /* members */
	uint8_t ids[LB_MAX_NODES];     /* member i -> id */
	uint8_t member[LB_MAX_NODES];  /* id -> member index or NONE */
	uint32_t wants[LB_MAX_NODES];  /* by member */
	uint32_t count[LB_MAX_NODES];  /* by id */
	uint8_t uw[LB_MAX_NODES];      /* underweight members, head first */
	unsigned nuw;
	uint64_t unbalanced_since;
	uint64_t next_upkeep;
};

struct lb_linux_res *lb_linux_res_create(const struct lb_linux_res_params *p)
{
	if (!p || p->buckets == 0 || p->buckets > LB_LINUX_RES_MAX_BUCKETS)
		return NULL;
	struct lb_linux_res *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->p = *p;
	t->b = calloc(p->buckets, sizeof *t->b);
	if (!t->b) {
		lb_linux_res_free(t);
		return NULL;
	}
	for (uint32_t i = 0; i < p->buckets; i++)
		t->b[i].id = NONE;
	memset(t->member, NONE, sizeof t->member);
	t->next_upkeep = LB_TIME_NEVER;
	return t;
}

void lb_linux_res_free(struct lb_linux_res *t)
{
	if (!t)
		return;
	free(t->b);
	free(t);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void uw_remove_head(struct lb_linux_res *t)
{
	memmove(t->uw, t->uw + 1, --t->nuw);
}

static void migrate(struct lb_linux_res *t, uint32_t bi, uint64_t now)
{
	struct bucket *b = &t->b[bi];
	unsigned m = t->uw[0];
	uint8_t to = t->ids[m];
	if (b->id != NONE)
		t->count[b->id]--;
	b->id = to;
	t->count[to]++;
	b->used_ns = b->migrated_ns = now;
	if (t->count[to] == t->wants[m])
		uw_remove_head(t);
}

static bool overweight(const struct lb_linux_res *t, uint8_t id)
{
	return t->count[id] > t->wants[t->member[id]];
}

static void deadline_min(uint64_t *d, uint64_t x)
{
	if (x < *d)
		*d = x;
}

static int upkeep(struct lb_linux_res *t, uint64_t now)
{
	int moved = 0;
	uint64_t idle = t->p.idle_timer_ns, unb = t->p.unbalanced_timer_ns;
	uint64_t deadline = sat_add(now, unb ? unb : idle);
	uint64_t unb_point = sat_add(t->unbalanced_since, unb);
	for (uint32_t i = 0; i < t->p.buckets && t->nuw > 0; i++) {
		struct bucket *b = &t->b[i];
		if (b->id != NONE && !overweight(t, b->id))
			continue;
		if (b->id != NONE) {
			uint64_t idle_point = b->used_ns == b->migrated_ns ? now : sat_add(b->used_ns, idle);
			if (now < idle_point && !(unb && now > unb_point)) {
				if (unb)
					deadline_min(&deadline, unb_point);
				deadline_min(&deadline, idle_point);
				continue;
			}
		}
		migrate(t, i, now);
		moved++;
	}
	t->next_upkeep = LB_TIME_NEVER;
	if (t->nuw > 0) {
		uint64_t min = sat_add(now, LB_LINUX_RES_MIN_UPKEEP_NS);
		t->next_upkeep = deadline < min ? min : deadline;
	}
	return moved;
}

int lb_linux_res_set(struct lb_linux_res *t, const uint8_t *ids, const uint32_t *weights, unsigned n,
		     uint64_t now_ns)
{
	if (n > LB_MAX_NODES)
		return -EINVAL;
	uint8_t member[LB_MAX_NODES];
	memset(member, NONE, sizeof member);
	uint64_t total = 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t w = weights ? weights[i] : 1;
		if (ids[i] >= LB_MAX_NODES || member[ids[i]] != NONE || w == 0 || w > 65536)
			return -EINVAL;
		member[ids[i]] = (uint8_t)i;
		total += w;
	}
	bool was_unbalanced = t->nuw > 0;
	/* nh_res_table_migrate_buckets: keep buckets of surviving ids */
	for (uint32_t i = 0; i < t->p.buckets; i++) {
		struct bucket *b = &t->b[i];
		if (b->id != NONE && member[b->id] == NONE) {
			t->count[b->id]--;
			b->id = NONE;
		}
	}
	memcpy(t->member, member, sizeof member);
	memcpy(t->ids, ids, n);
	t->n = n;
	/* nh_res_group_rebalance */
	t->nuw = 0;
	uint64_t w = 0, prev = 0;
	for (unsigned i = 0; i < n; i++) {
		w += weights ? weights[i] : 1;
		uint64_t ub = ((uint64_t)t->p.buckets * w + total / 2) / total;
		t->wants[i] = (uint32_t)(ub - prev);
		prev = ub;
		if (t->count[ids[i]] < t->wants[i]) {
			if (t->nuw == 0 && !was_unbalanced)
				t->unbalanced_since = now_ns;
			memmove(t->uw + 1, t->uw, t->nuw++);
			t->uw[0] = (uint8_t)i;
		}
	}
	if (n == 0) {
		t->next_upkeep = LB_TIME_NEVER;
		return 0;
	}
	return upkeep(t, now_ns);
}

int lb_linux_res_select(struct lb_linux_res *t, uint32_t mp_hash, uint64_t now_ns)
{
	if (t->n == 0)
		return -ENOENT;
	struct bucket *b = &t->b[mp_hash % t->p.buckets];
	b->used_ns = now_ns;
	return b->id;
}

int lb_linux_res_upkeep(struct lb_linux_res *t, uint64_t now_ns)
{
	if (t->n == 0 || now_ns < t->next_upkeep)
		return 0;
	return upkeep(t, now_ns);
}

uint64_t lb_linux_res_next_upkeep(const struct lb_linux_res *t)
{
	return t->next_upkeep;
}

int lb_linux_res_bucket(const struct lb_linux_res *t, uint32_t b)
{
	if (b >= t->p.buckets || t->b[b].id == NONE)
		return -ENOENT;
	return t->b[b].id;
}

uint32_t lb_linux_res_count(const struct lb_linux_res *t, unsigned id)
{
	return id < LB_MAX_NODES ? t->count[id] : 0;
}
