/* lb_steer.c - the steering decision; see lb_steer.h. */
#include "lbcore/lb_steer.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

struct lb_steer {
	struct lb_steer_params p;
	struct lb_session *cache;
	const struct lb_owner *owner;
	struct lb_steer_stats st;
};

struct lb_steer *lb_steer_create(const struct lb_steer_params *p, struct lb_session *cache,
				 const struct lb_owner *owner)
{
	if (!p || !owner || p->self >= LB_MAX_NODES || (unsigned)p->dead_policy > LB_STEER_DEAD_DROP)
		return NULL;
	struct lb_steer *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->p = *p;
	s->cache = p->use_cache ? cache : NULL;
	s->owner = owner;
	return s;
}

void lb_steer_free(struct lb_steer *s)
{
	free(s);
}

static int answer(struct lb_steer *s, int owner, struct lb_steer_result *out)
{
	out->owner = (uint8_t)owner;
	if (owner == s->p.self) {
		out->action = LB_STEER_LOCAL;
		s->st.local++;
	} else {
		out->action = LB_STEER_REMOTE;
		s->st.remote++;
	}
	return 0;
}

int lb_steer_decide(struct lb_steer *s, const struct lb_flow_key *k, uint32_t hash, lb_nodeset active,
		    uint64_t now_ns, struct lb_steer_result *out)
{
	assert(s && k && out);
	s->st.decisions++;
	out->from_cache = false;
	out->reselected = false;
	int owner = s->cache ? lb_session_lookup(s->cache, k, hash, now_ns) : -ENOENT;
	if (owner >= 0) {
		out->from_cache = true;
		s->st.hits++;
		if (lb_nodeset_has(active, (unsigned)owner))
			return answer(s, owner, out);
		if (s->p.dead_policy == LB_STEER_DEAD_DROP) {
			out->owner = (uint8_t)owner;
			out->action = LB_STEER_DROP;
			s->st.dropped_dead_owner++;
			return 0;
		}
		out->reselected = true;
		s->st.reselected_dead_owner++;
	}
	owner = lb_owner_lookup(s->owner, hash);
	if (owner < 0) {
		out->action = LB_STEER_DROP;
		out->owner = 0;
		s->st.no_owner++;
		return -ENOENT;
	}
	if (s->cache && lb_session_insert(s->cache, k, hash, (uint8_t)owner, now_ns) < 0)
		s->st.cache_refused++;
	return answer(s, owner, out);
}

void lb_steer_stats(const struct lb_steer *s, struct lb_steer_stats *out)
{
	*out = s->st;
}
