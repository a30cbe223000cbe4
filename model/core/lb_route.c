/* lb_route.c - the router's VIP route table.
 *
 * Soft-state routes, as in RIP/OSPF/BGP with a hold (dead) timer: each
 * neighbour's advertisement lives for hold_time after its last refresh;
 * an advertisement with the same metric is a refresh (resets the timer,
 * changes nothing else), one with another metric is a change (and a
 * refresh).  The best set is the set of neighbours advertising the lowest
 * metric (ECMP over equal best costs).  It is recomputed after every change
 * (a scan of 64 entries), so each event reports the set the FIB should
 * install.  Invariants: neighbour i has a route iff bit i of `have`;
 * best = {i in have : metric[i] = min metric}; best_metric =
 * LB_ROUTE_METRIC_NONE iff have = 0.  Source: US 8,972,602 (the ECMP
 * re-advertisement patent): a dead node's stale route stays until the hold timer expires;
 * a better metric from the survivors removes it from the ECMP set at once).
 */
#include "lbcore/lb_route.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

struct lb_route {
	uint64_t hold;
	lb_nodeset have;
	uint32_t metric[LB_MAX_NODES];
	uint64_t refreshed[LB_MAX_NODES];
	lb_nodeset best;
	uint32_t best_metric;
};

struct lb_route *lb_route_create(const struct lb_route_params *p)
{
	if (!p || p->hold_time_ns == 0)
		return NULL;
	struct lb_route *rt = calloc(1, sizeof *rt);
	if (!rt)
		return NULL;
	rt->hold = p->hold_time_ns;
	rt->best_metric = LB_ROUTE_METRIC_NONE;
	return rt;
}

void lb_route_free(struct lb_route *rt)
{
	free(rt);
}

static uint64_t deadline(const struct lb_route *rt, unsigned i)
{
	uint64_t t = rt->refreshed[i];
	return t > UINT64_MAX - rt->hold ? LB_TIME_NEVER : t + rt->hold;
}

/* Recomputes the best set and fills the event's best fields. */
static void finish(struct lb_route *rt, struct lb_route_event *ev)
{
	uint32_t m = LB_ROUTE_METRIC_NONE;
	lb_nodeset best = 0;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		if (!lb_nodeset_has(rt->have, i))
			continue;
		if (rt->metric[i] < m) {
			m = rt->metric[i];
			best = 0;
		}
		if (rt->metric[i] == m)
			best |= lb_nodeset_bit(i);
	}
	ev->best_changed = best != rt->best || m != rt->best_metric;
	ev->best_set = rt->best = best;
	ev->best_metric = rt->best_metric = m;
}

static void removed(struct lb_route *rt, unsigned i, enum lb_route_event_kind kind, uint64_t t,
		    struct lb_route_event *ev)
{
	ev->kind = kind;
	ev->neighbour = (uint8_t)i;
	ev->metric = ev->old_metric = rt->metric[i];
	ev->time_ns = t;
	rt->have &= ~lb_nodeset_bit(i);
	finish(rt, ev);
}

int lb_route_advertise(struct lb_route *rt, uint8_t nbr, uint32_t metric, uint64_t now_ns,
		       struct lb_route_event *ev)
{
	assert(rt && ev);
	if (nbr >= LB_MAX_NODES || metric == LB_ROUTE_METRIC_NONE)
		return -EINVAL;
	bool had = lb_nodeset_has(rt->have, nbr);
	uint32_t old = had ? rt->metric[nbr] : LB_ROUTE_METRIC_NONE;
	rt->refreshed[nbr] = now_ns;
	if (had && old == metric)
		return 0;
	rt->have |= lb_nodeset_bit(nbr);
	rt->metric[nbr] = metric;
	ev->kind = had ? LB_ROUTE_METRIC_CHANGE : LB_ROUTE_ADD;
	ev->neighbour = nbr;
	ev->metric = metric;
	ev->old_metric = old;
	ev->time_ns = now_ns;
	finish(rt, ev);
	return 1;
}

int lb_route_withdraw(struct lb_route *rt, uint8_t nbr, uint64_t now_ns, struct lb_route_event *ev)
{
	assert(rt && ev);
	if (nbr >= LB_MAX_NODES)
		return -EINVAL;
	if (!lb_nodeset_has(rt->have, nbr))
		return 0;
	removed(rt, nbr, LB_ROUTE_WITHDRAW, now_ns, ev);
	return 1;
}

/* The due neighbour with the earliest deadline (ties: lowest id), or -1. */
static int next_due(const struct lb_route *rt, uint64_t now_ns)
{
	int best = -1;
	uint64_t bt = LB_TIME_NEVER;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		if (!lb_nodeset_has(rt->have, i))
			continue;
		uint64_t d = deadline(rt, i);
		if (d != LB_TIME_NEVER && d <= now_ns && (best < 0 || d < bt)) {
			best = (int)i;
			bt = d;
		}
	}
	return best;
}

int lb_route_expire(struct lb_route *rt, uint64_t now_ns, struct lb_route_event *evs, size_t cap)
{
	assert(rt && (evs || cap == 0));
	size_t n = 0;
	int i;
	while (n < cap && (i = next_due(rt, now_ns)) >= 0) {
		removed(rt, (unsigned)i, LB_ROUTE_EXPIRE, deadline(rt, (unsigned)i), &evs[n]);
		n++;
	}
	return (int)n;
}

uint64_t lb_route_next_expiry(const struct lb_route *rt)
{
	assert(rt);
	uint64_t t = LB_TIME_NEVER;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		if (lb_nodeset_has(rt->have, i)) {
			uint64_t d = deadline(rt, i);
			if (d < t)
				t = d;
		}
	}
	return t;
}

lb_nodeset lb_route_best(const struct lb_route *rt, uint32_t *metric)
{
	assert(rt);
	if (metric)
		*metric = rt->best_metric;
	return rt->best;
}

lb_nodeset lb_route_neighbours(const struct lb_route *rt)
{
	assert(rt);
	return rt->have;
}

int lb_route_get(const struct lb_route *rt, uint8_t nbr, uint32_t *metric, uint64_t *last_refresh_ns)
{
	assert(rt);
	if (nbr >= LB_MAX_NODES)
		return -EINVAL;
	if (!lb_nodeset_has(rt->have, nbr))
		return -ENOENT;
	if (metric)
		*metric = rt->metric[nbr];
	if (last_refresh_ns)
		*last_refresh_ns = rt->refreshed[nbr];
	return 0;
}

int64_t lb_route_metric(const struct lb_route *rt, uint8_t nbr)
{
	uint32_t m;
	int rc = lb_route_get(rt, nbr, &m, NULL);
	return rc < 0 ? rc : (int64_t)m;
}

const char *lb_route_event_kind_name(enum lb_route_event_kind kind)
{
	switch (kind) {
	case LB_ROUTE_ADD:
		return "add";
	case LB_ROUTE_METRIC_CHANGE:
		return "metric_change";
	case LB_ROUTE_WITHDRAW:
		return "withdraw";
	case LB_ROUTE_EXPIRE:
		return "expire";
	}
	return NULL;
}
