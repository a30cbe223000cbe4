/* lb_member.c - heartbeat failure detector; see lb_member.h. */
#include <errno.h>
#include <stdlib.h>

#include "lbcore/lb_member.h"

struct lb_member {
	struct lb_member_params p;
	uint64_t timeout_ns;
	lb_nodeset active;
	struct lb_member_stats stats;
	uint64_t last_heard[LB_MAX_NODES];
};

int lb_member_check(const struct lb_member_params *p)
{
	if (!p || p->interval_ns == 0 || p->misses == 0 || p->self >= LB_MAX_NODES ||
	    !lb_nodeset_has(p->peers, p->self) || p->interval_ns > UINT64_MAX / p->misses)
		return -EINVAL;
	return 0;
}

struct lb_member *lb_member_create(const struct lb_member_params *p)
{
	if (lb_member_check(p) < 0)
		return NULL;
	struct lb_member *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->p = *p;
	m->timeout_ns = p->interval_ns * p->misses;
	m->active = lb_nodeset_bit(p->self);
	return m;
}

void lb_member_free(struct lb_member *m)
{
	free(m);
}

void lb_member_start(struct lb_member *m, uint64_t now)
{
	m->active = m->p.peers;
	for (unsigned i = 0; i < LB_MAX_NODES; i++)
		m->last_heard[i] = now;
}

int lb_member_heartbeat(struct lb_member *m, unsigned peer, uint32_t health, uint64_t now)
{
	if (peer == m->p.self || !lb_nodeset_has(m->p.peers, peer))
		return -EINVAL;
	m->stats.heartbeats++;
	m->last_heard[peer] = now;
	bool was = lb_nodeset_has(m->active, peer);
	bool healthy = m->p.health_threshold == 0 || health >= m->p.health_threshold;
	if (was && !healthy) {
		m->active &= ~lb_nodeset_bit(peer);
		m->stats.declared_down++;
		m->stats.health_down++;
		return 1;
	}
	if (!was && healthy) {
		m->active |= lb_nodeset_bit(peer);
		m->stats.came_up++;
		return 1;
	}
	return 0;
}

static uint64_t deadline_of(const struct lb_member *m, unsigned peer)
{
	uint64_t t = m->last_heard[peer];
	return t > UINT64_MAX - m->timeout_ns ? LB_TIME_NEVER : t + m->timeout_ns;
}

int lb_member_tick(struct lb_member *m, uint64_t now)
{
	lb_nodeset before = m->active;
	for (unsigned p = 0; p < LB_MAX_NODES; p++) {
		if (p == m->p.self || !lb_nodeset_has(m->active, p))
			continue;
		if (now >= deadline_of(m, p)) {
			m->active &= ~lb_nodeset_bit(p);
			m->stats.declared_down++;
		}
	}
	return m->active != before;
}

uint64_t lb_member_next_deadline(const struct lb_member *m)
{
	uint64_t best = LB_TIME_NEVER;
	for (unsigned p = 0; p < LB_MAX_NODES; p++) {
		if (p == m->p.self || !lb_nodeset_has(m->active, p))
			continue;
		uint64_t d = deadline_of(m, p);
		if (d < best)
			best = d;
	}
	return best;
}

lb_nodeset lb_member_active(const struct lb_member *m)
{
	return m->active;
}

const struct lb_member_stats *lb_member_stats(const struct lb_member *m)
{
	return &m->stats;
}
