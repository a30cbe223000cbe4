/* Tests of lb_steer: the steering decision (owner by hash, the session
 * cache keeping a flow's owner, a dead owner by policy). */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <string.h>

#include "../cu_main.h"
#include "lbcore/lb_session.h"
#include "lbcore/lb_steer.h"

#define MS LB_NS_PER_MS

static struct lb_flow_key key4(uint32_t i)
{
	struct lb_flow_key k;
	uint8_t s[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}, d[4] = {203, 0, 113, 10};
	lb_flow_key_v4(&k, s, d, (uint16_t)(1024 + i % 60000), 80, LB_PROTO_TCP);
	return k;
}

static struct lb_session *cache(uint32_t cap, uint64_t timeout_ns, bool v6)
{
	struct lb_session_params p = {.capacity = cap, .idle_timeout_ns = timeout_ns, .ipv6 = v6};
	return lb_session_create(&p);
}


struct rig {
	struct lb_session *cache;
	struct lb_owner *owner;
	struct lb_steer *steer;
};

static void rig_init(struct rig *r, uint8_t self, bool use_cache, enum lb_steer_dead_policy pol, lb_nodeset set)
{
	r->cache = cache(1000, 10 * LB_NS_PER_S, false);
	struct lb_owner_params op = {.kind = LB_OWNER_MODULO};
	r->owner = lb_owner_create(&op);
	lb_owner_set_active(r->owner, set);
	struct lb_steer_params sp = {.self = self, .use_cache = use_cache, .dead_policy = pol};
	r->steer = lb_steer_create(&sp, r->cache, r->owner);
}

static void rig_free(struct rig *r)
{
	lb_steer_free(r->steer);
	lb_owner_free(r->owner);
	lb_session_free(r->cache);
}

/* Miss then hit; LOCAL vs REMOTE (modulo over {0,1,2,3}: hash 5 -> id 1). */
static void test_steer_miss_hit(void)
{
	struct rig r;
	lb_nodeset all = lb_nodeset_first(4);
	rig_init(&r, 1, true, LB_STEER_DEAD_RESELECT, all);
	struct lb_flow_key a = key4(1);
	struct lb_steer_result res;
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &a, 5, all, 0, &res), 0);
	CU_ASSERT_EQUAL(res.action, LB_STEER_LOCAL);
	CU_ASSERT_EQUAL(res.owner, 1);
	CU_ASSERT_FALSE(res.from_cache);
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &a, 5, all, MS, &res), 0);
	CU_ASSERT_TRUE(res.from_cache);
	CU_ASSERT_EQUAL(res.action, LB_STEER_LOCAL);
	struct lb_flow_key b = key4(2);
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &b, 6, all, MS, &res), 0);
	CU_ASSERT_EQUAL(res.action, LB_STEER_REMOTE);
	CU_ASSERT_EQUAL(res.owner, 2);
	CU_ASSERT_FALSE(res.from_cache);
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &b, 6, all, 2 * MS, &res), 0);
	CU_ASSERT_EQUAL(res.action, LB_STEER_REMOTE);
	CU_ASSERT_EQUAL(res.owner, 2);
	CU_ASSERT_TRUE(res.from_cache);
	struct lb_steer_stats st;
	lb_steer_stats(r.steer, &st);
	CU_ASSERT_EQUAL(st.decisions, 4);
	CU_ASSERT_EQUAL(st.local, 2);
	CU_ASSERT_EQUAL(st.remote, 2);
	CU_ASSERT_EQUAL(st.hits, 2);
	struct lb_session_stats cs;
	lb_session_stats(r.cache, &cs);
	CU_ASSERT_EQUAL(cs.lookups, 4);
	CU_ASSERT_EQUAL(cs.hits, 2);
	CU_ASSERT_EQUAL(cs.inserts, 2);
	CU_ASSERT_EQUAL(lb_session_count(r.cache), 2);
	rig_free(&r);
}

/* The cached owner survives a membership change that would remap it: node
 * 3 leaves; hash 6 -> modulo over {0,1,2,3} = id 2 (cached); over {0,1,2}
 * it would be id 0.  The session keeps 2.  Without the cache: 0. */
static void test_steer_cache_keeps_owner(void)
{
	struct rig r, nc;
	lb_nodeset all = lb_nodeset_first(4), less = lb_nodeset_first(3);
	rig_init(&r, 1, true, LB_STEER_DEAD_RESELECT, all);
	rig_init(&nc, 1, false, LB_STEER_DEAD_RESELECT, all);
	struct lb_flow_key a = key4(1);
	struct lb_steer_result res;
	lb_steer_decide(r.steer, &a, 6, all, 0, &res);
	CU_ASSERT_EQUAL(res.owner, 2);
	lb_owner_set_active(r.owner, less);
	lb_owner_set_active(nc.owner, less);
	lb_steer_decide(r.steer, &a, 6, less, MS, &res);
	CU_ASSERT_EQUAL(res.owner, 2);
	CU_ASSERT_TRUE(res.from_cache);
	lb_steer_decide(nc.steer, &a, 6, less, MS, &res);
	CU_ASSERT_EQUAL(res.owner, 0);
	CU_ASSERT_FALSE(res.from_cache);
	CU_ASSERT_EQUAL(lb_session_count(nc.cache), 0); /* cache off stores nothing */
	struct lb_session_stats cs;
	lb_session_stats(nc.cache, &cs);
	CU_ASSERT_EQUAL(cs.lookups, 0); /* ... and never looks */
	lb_steer_decide(nc.steer, &a, 6, less, 2 * MS, &res);
	CU_ASSERT_FALSE(res.from_cache);
	struct lb_steer_stats st;
	lb_steer_stats(nc.steer, &st);
	CU_ASSERT_EQUAL(st.decisions, 2);
	CU_ASSERT_EQUAL(st.hits, 0);
	CU_ASSERT_EQUAL(st.remote, 2); /* self is 1: owner 0 both times */
	/* use_cache with a NULL cache is the same as off */
	struct lb_steer_params sp = {.self = 0, .use_cache = true};
	struct lb_steer *s0 = lb_steer_create(&sp, NULL, nc.owner);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s0);
	CU_ASSERT_EQUAL(lb_steer_decide(s0, &a, 6, less, 0, &res), 0);
	CU_ASSERT_EQUAL(res.action, LB_STEER_LOCAL);
	CU_ASSERT_FALSE(res.from_cache);
	lb_steer_free(s0);
	lb_steer_free(NULL);
	rig_free(&r);
	rig_free(&nc);
}

/* Cached owner down: RESELECT picks a new owner and updates the session;
 * DROP answers DROP.  Both counted. */
static void test_steer_dead_owner(void)
{
	lb_nodeset all = lb_nodeset_first(4), no2 = all & ~lb_nodeset_bit(2);
	struct lb_flow_key a = key4(1);
	struct lb_steer_result res;
	struct lb_steer_stats st;
	struct rig r;
	rig_init(&r, 1, true, LB_STEER_DEAD_RESELECT, all);
	lb_steer_decide(r.steer, &a, 6, all, 0, &res); /* owner 2 */
	lb_owner_set_active(r.owner, no2);             /* {0,1,3}: 6 mod 3 = 0 -> id 0 */
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &a, 6, no2, MS, &res), 0);
	CU_ASSERT_TRUE(res.reselected);
	CU_ASSERT_TRUE(res.from_cache);
	CU_ASSERT_EQUAL(res.owner, 0);
	CU_ASSERT_EQUAL(res.action, LB_STEER_REMOTE);
	CU_ASSERT_EQUAL(lb_session_lookup(r.cache, &a, 6, 2 * MS), 0); /* session updated */
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &a, 6, no2, 3 * MS, &res), 0);
	CU_ASSERT_FALSE(res.reselected);
	CU_ASSERT_EQUAL(res.owner, 0);
	lb_steer_stats(r.steer, &st);
	CU_ASSERT_EQUAL(st.reselected_dead_owner, 1);
	CU_ASSERT_EQUAL(st.dropped_dead_owner, 0);
	CU_ASSERT_EQUAL(st.remote, 3);
	struct lb_session_stats cs;
	lb_session_stats(r.cache, &cs);
	CU_ASSERT_EQUAL(cs.inserts, 1);
	CU_ASSERT_EQUAL(cs.updates, 1);
	rig_free(&r);
	rig_init(&r, 1, true, LB_STEER_DEAD_DROP, all);
	lb_steer_decide(r.steer, &a, 6, all, 0, &res);
	lb_owner_set_active(r.owner, no2);
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &a, 6, no2, MS, &res), 0);
	CU_ASSERT_EQUAL(res.action, LB_STEER_DROP);
	CU_ASSERT_EQUAL(res.owner, 2);
	lb_steer_stats(r.steer, &st);
	CU_ASSERT_EQUAL(st.dropped_dead_owner, 1);
	/* empty active set: no owner */
	lb_owner_set_active(r.owner, 0);
	struct lb_flow_key b = key4(2);
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &b, 9, 0, MS, &res), -ENOENT);
	CU_ASSERT_EQUAL(res.action, LB_STEER_DROP);
	/* the DROP policy keeps the session: the next packet is dropped too */
	CU_ASSERT_EQUAL(lb_steer_decide(r.steer, &a, 6, no2, 2 * MS, &res), 0);
	CU_ASSERT_EQUAL(res.action, LB_STEER_DROP);
	CU_ASSERT_TRUE(res.from_cache);
	lb_steer_stats(r.steer, &st);
	CU_ASSERT_EQUAL(st.decisions, 4);
	CU_ASSERT_EQUAL(st.dropped_dead_owner, 2);
	CU_ASSERT_EQUAL(st.no_owner, 1);
	CU_ASSERT_EQUAL(st.reselected_dead_owner, 0);
	CU_ASSERT_EQUAL(st.decisions, st.local + st.remote + st.dropped_dead_owner + st.no_owner);
	struct lb_steer_params bad = {.self = 64};
	CU_ASSERT_PTR_NULL(lb_steer_create(&bad, NULL, r.owner));
	rig_free(&r);
}

void lb_test_register(void)
{
	LB_SUITE("steer", LB_TEST(test_steer_miss_hit), LB_TEST(test_steer_cache_keeps_owner),
		 LB_TEST(test_steer_dead_owner));
}
