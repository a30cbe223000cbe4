/* test_agent.c - lb_member (heartbeat failure detector) and lb_agent (seed
 * 004's re-advertisement state machine): exact times, exact metrics, and
 * every edge case the lb_agent.h header names. */
#include <errno.h>

#include "../cu_main.h"
#include "lbcore/lb_agent.h"
#include "lbcore/lb_member.h"
#include "lbcore/lb_route.h"

#define MS LB_NS_PER_MS
#define S LB_NS_PER_S

static struct lb_member *member4(uint8_t self, uint32_t threshold)
{
	struct lb_member_params p = {.self = self, .peers = lb_nodeset_first(4), .interval_ns = 100 * MS,
				     .misses = 3, .health_threshold = threshold};
	struct lb_member *m = lb_member_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	lb_member_start(m, 0);
	return m;
}

static void test_member_params(void)
{
	struct lb_member_params p = {.self = 0, .peers = 0x3, .interval_ns = 100, .misses = 3};
	struct lb_member_params bad = p;
	bad.interval_ns = 0;
	CU_ASSERT_PTR_NULL(lb_member_create(&bad));
	bad = p;
	bad.misses = 0;
	CU_ASSERT_PTR_NULL(lb_member_create(&bad));
	bad = p;
	bad.self = 2; /* not in peers */
	CU_ASSERT_PTR_NULL(lb_member_create(&bad));
	bad = p;
	bad.self = 64;
	CU_ASSERT_PTR_NULL(lb_member_create(&bad));
	lb_member_free(NULL);
	struct lb_member *m = lb_member_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(lb_member_active(m), 0x1); /* before start: self only */
	lb_member_free(m);
}

/* Peer 2 stops at t = 1.05 s; its last heartbeat was heard at 1.0 s, so it is
 * down at exactly 1.0 s + 3 x 100 ms = 1.3 s, not a ns before. */
static void test_member_timeout_exact(void)
{
	struct lb_member *m = member4(0, 0);
	CU_ASSERT_EQUAL(lb_member_active(m), 0xf);
	CU_ASSERT_EQUAL(lb_member_next_deadline(m), 300 * MS);
	for (uint64_t t = 0; t <= 1000 * MS; t += 100 * MS)
		for (unsigned p = 1; p < 4; p++)
			CU_ASSERT_EQUAL(lb_member_heartbeat(m, p, 100, t), 0);
	for (uint64_t t = 1100 * MS; t <= 2000 * MS; t += 100 * MS) {
		CU_ASSERT_EQUAL(lb_member_heartbeat(m, 1, 100, t), 0);
		CU_ASSERT_EQUAL(lb_member_heartbeat(m, 3, 100, t), 0);
		if (t == 1200 * MS) {
			CU_ASSERT_EQUAL(lb_member_next_deadline(m), 1300 * MS);
			CU_ASSERT_EQUAL(lb_member_tick(m, 1300 * MS - 1), 0);
			CU_ASSERT_EQUAL(lb_member_active(m), 0xf);
			CU_ASSERT_EQUAL(lb_member_tick(m, 1300 * MS), 1);
			CU_ASSERT_EQUAL(lb_member_active(m), 0xb);
			CU_ASSERT_EQUAL(lb_member_tick(m, 1300 * MS), 0);
		}
	}
	CU_ASSERT_EQUAL(lb_member_stats(m)->declared_down, 1);
	/* rejoin on the first heartbeat */
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 2, 100, 3 * S), 1);
	CU_ASSERT_EQUAL(lb_member_active(m), 0xf);
	CU_ASSERT_EQUAL(lb_member_stats(m)->came_up, 1);
	/* self and strangers are rejected */
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 0, 100, 3 * S), -EINVAL);
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 4, 100, 3 * S), -EINVAL);
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 200, 100, 3 * S), -EINVAL);
	lb_member_free(m);
}

static void test_member_all_silent(void)
{
	struct lb_member *m = member4(3, 0);
	CU_ASSERT_EQUAL(lb_member_tick(m, 300 * MS), 1);
	CU_ASSERT_EQUAL(lb_member_active(m), 0x8); /* self stays */
	CU_ASSERT_EQUAL(lb_member_next_deadline(m), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_member_stats(m)->declared_down, 3);
	lb_member_free(m);
}

static void test_member_health(void)
{
	struct lb_member *m = member4(0, 50);
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 1, 50, 10), 0); /* at the threshold: healthy */
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 1, 49, 20), 1);
	CU_ASSERT_EQUAL(lb_member_active(m), 0xd);
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 1, 10, 30), 0);
	CU_ASSERT_EQUAL(lb_member_stats(m)->health_down, 1);
	CU_ASSERT_EQUAL(lb_member_heartbeat(m, 1, 90, 40), 1);
	CU_ASSERT_EQUAL(lb_member_active(m), 0xf);
	lb_member_free(m);
}

/* ---- agent ---- */

static struct lb_agent *agent(uint32_t n, uint32_t d, uint64_t w, bool again)
{
	struct lb_agent_params p = {.self = 0, .base_metric = n, .reduction = d, .restore_wait_ns = w,
				    .refresh_ns = 10 * S, .reduce_again = again};
	struct lb_agent *a = lb_agent_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_start(a, 0xf, 0, &o), 1);
	CU_ASSERT(o.advertise && !o.withdraw && o.metric == n && o.reason == LB_AGENT_START);
	return a;
}

static void test_agent_params(void)
{
	struct lb_agent_params p = {.self = 0, .base_metric = 0, .refresh_ns = 1};
	CU_ASSERT_PTR_NULL(lb_agent_create(&p));
	p.base_metric = 1;
	p.refresh_ns = 0;
	CU_ASSERT_PTR_NULL(lb_agent_create(&p));
	p.refresh_ns = 1;
	p.self = 64;
	CU_ASSERT_PTR_NULL(lb_agent_create(&p));
	lb_agent_free(NULL);
	p.self = 1;
	struct lb_agent *a = lb_agent_create(&p);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x3, 0, &o), -EPERM); /* before start */
	lb_agent_start(a, 0x3, 0, &o);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x1, 0, &o), -EINVAL); /* self missing */
	lb_agent_free(a);
}

/* The seed's sequence: n at start, n - d at detection, n again at detection + W;
 * refreshes every refresh_ns of the metric in force. */
static void test_agent_reduce_restore(void)
{
	struct lb_agent *a = agent(10, 1, 40 * S, false);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 10 * S);
	CU_ASSERT_EQUAL(lb_agent_tick(a, 10 * S - 1, &o), 0);
	CU_ASSERT(!o.advertise && o.reason == LB_AGENT_NONE);
	CU_ASSERT_EQUAL(lb_agent_tick(a, 10 * S, &o), 1);
	CU_ASSERT(o.advertise && o.metric == 10 && o.reason == LB_AGENT_REFRESH);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 12 * S, &o), 1);
	CU_ASSERT(o.advertise && o.metric == 9 && o.reason == LB_AGENT_REDUCE);
	CU_ASSERT(lb_agent_reduced(a));
	CU_ASSERT_EQUAL(lb_agent_metric(a), 9);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 22 * S); /* refresh of 9 comes first */
	CU_ASSERT_EQUAL(lb_agent_tick(a, 22 * S, &o), 1);
	CU_ASSERT(o.metric == 9 && o.reason == LB_AGENT_REFRESH);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 32 * S);
	lb_agent_tick(a, 32 * S, &o);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 42 * S);
	lb_agent_tick(a, 42 * S, &o);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 52 * S); /* restore at 12 + 40 */
	CU_ASSERT_EQUAL(lb_agent_tick(a, 52 * S, &o), 1);
	CU_ASSERT(o.advertise && o.metric == 10 && o.reason == LB_AGENT_RESTORE);
	CU_ASSERT(!lb_agent_reduced(a));
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 62 * S);
	const struct lb_agent_stats *st = lb_agent_stats(a);
	CU_ASSERT_EQUAL(st->reductions, 1);
	CU_ASSERT_EQUAL(st->restores, 1);
	CU_ASSERT_EQUAL(st->advertisements, 7);
	lb_agent_free(a);
}

static void test_agent_second_failure_rearms(void)
{
	struct lb_agent *a = agent(10, 1, 40 * S, false);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 1 * S, &o), 1);
	CU_ASSERT_EQUAL(o.metric, 9);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x3, 5 * S, &o), 0);
	CU_ASSERT(!o.advertise && o.reason == LB_AGENT_REARM);
	CU_ASSERT_EQUAL(lb_agent_metric(a), 9);
	lb_agent_tick(a, 11 * S, &o);
	lb_agent_tick(a, 21 * S, &o);
	lb_agent_tick(a, 31 * S, &o);
	CU_ASSERT_EQUAL(lb_agent_tick(a, 41 * S, &o), 1); /* the first W would have ended here */
	CU_ASSERT(o.reason == LB_AGENT_REFRESH && o.metric == 9);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 45 * S); /* 5 + 40 */
	CU_ASSERT_EQUAL(lb_agent_tick(a, 45 * S, &o), 1);
	CU_ASSERT(o.reason == LB_AGENT_RESTORE && o.metric == 10);
	CU_ASSERT_EQUAL(lb_agent_stats(a)->rearms, 1);
	CU_ASSERT_EQUAL(lb_agent_stats(a)->reductions, 1);
	lb_agent_free(a);
}

static void test_agent_reduce_again(void)
{
	struct lb_agent *a = agent(10, 3, 40 * S, true);
	struct lb_agent_out o;
	lb_agent_on_active_set(a, 0xb, 1 * S, &o);
	CU_ASSERT_EQUAL(o.metric, 7);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x3, 2 * S, &o), 1);
	CU_ASSERT(o.reason == LB_AGENT_REDUCE && o.metric == 4);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 12 * S); /* refresh at 2 + 10 */
	CU_ASSERT_EQUAL(lb_agent_stats(a)->reductions, 2);
	lb_agent_free(a);
}

static void test_agent_recovery_during_wait(void)
{
	struct lb_agent *a = agent(10, 1, 4 * S, false);
	struct lb_agent_out o;
	lb_agent_on_active_set(a, 0xb, 1 * S, &o);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xf, 2 * S, &o), 0); /* peer 2 back */
	CU_ASSERT(!o.advertise && o.reason == LB_AGENT_NONE);
	CU_ASSERT_EQUAL(lb_agent_metric(a), 9);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 5 * S);
	CU_ASSERT_EQUAL(lb_agent_tick(a, 5 * S, &o), 1);
	CU_ASSERT(o.reason == LB_AGENT_RESTORE && o.metric == 10);
	/* a membership change that is not a strict subset (swap) does not reduce */
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 6 * S, &o), 1);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x7, 7 * S, &o), 0); /* {0,1,3} -> {0,1,2} */
	CU_ASSERT_EQUAL(o.reason, LB_AGENT_NONE);
	lb_agent_free(a);
}

/* peers-only: a node left alone is isolated, whatever its uplink. */
static void test_agent_isolated(void)
{
	struct lb_agent_params p = {.self = 0, .base_metric = 10, .reduction = 1, .restore_wait_ns = 40 * S,
				    .refresh_ns = 10 * S, .isolation = LB_ISOLATION_PEERS_ONLY};
	struct lb_agent *a = lb_agent_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct lb_agent_out o;
	lb_agent_start(a, 0xf, 0, &o);
	/* straight to {self}: no reduction */
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x1, 1 * S, &o), 0);
	CU_ASSERT(!o.advertise && o.reason == LB_AGENT_ISOLATED);
	CU_ASSERT_EQUAL(lb_agent_metric(a), 10);
	CU_ASSERT(!lb_agent_reduced(a));
	/* reduced, then isolated: back to n at once */
	lb_agent_on_active_set(a, 0xf, 2 * S, &o);
	lb_agent_on_active_set(a, 0x3, 3 * S, &o);
	CU_ASSERT_EQUAL(lb_agent_metric(a), 9);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x1, 4 * S, &o), 1);
	CU_ASSERT(o.advertise && o.metric == 10 && o.reason == LB_AGENT_ISOLATED);
	CU_ASSERT(!lb_agent_reduced(a));
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 14 * S);
	CU_ASSERT_EQUAL(lb_agent_stats(a)->isolated, 2);
	lb_agent_free(a);
}

/* uplink (the default): a node left alone that still hears the router is a
 * survivor and reduces (a two-node cluster re-advertises); with its uplink
 * down it is isolated. */
static void test_agent_alone_with_uplink(void)
{
	struct lb_agent *a = agent(10, 1, 40 * S, false);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x1, 1 * S, &o), 1);
	CU_ASSERT(o.advertise && o.metric == 9 && o.reason == LB_AGENT_REDUCE);
	CU_ASSERT(lb_agent_reduced(a));
	/* the uplink goes, then a peer rejoins and leaves again: alone without
	 * the router, the node restores n at once */
	lb_agent_set_uplink(a, false);
	lb_agent_on_active_set(a, 0x3, 2 * S, &o);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x1, 3 * S, &o), 1);
	CU_ASSERT(o.advertise && o.metric == 10 && o.reason == LB_AGENT_ISOLATED);
	CU_ASSERT_EQUAL(lb_agent_stats(a)->isolated, 1);
	/* bad rule */
	struct lb_agent_params p = {.self = 0, .base_metric = 10, .refresh_ns = S,
				    .isolation = (enum lb_isolation)LB_ISOLATION_KIND_COUNT};
	CU_ASSERT_PTR_NULL(lb_agent_create(&p));
	CU_ASSERT_EQUAL(lb_kind_parse(&lb_isolation_table, "peers-only"), LB_ISOLATION_PEERS_ONLY);
	lb_agent_free(a);
}

static void test_agent_clamp(void)
{
	struct lb_agent *a = agent(3, 5, 40 * S, true);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 1 * S, &o), 1);
	CU_ASSERT_EQUAL(o.metric, 1);
	CU_ASSERT_EQUAL(lb_agent_stats(a)->clamped, 1);
	/* already at 1: reduce_again has nothing left to reduce, W re-armed */
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x3, 2 * S, &o), 0);
	CU_ASSERT_EQUAL(o.reason, LB_AGENT_REARM);
	CU_ASSERT_EQUAL(lb_agent_metric(a), 1);
	lb_agent_free(a);
	/* d = n exactly: 3 - 3 would be 0, "no metric"; clamped to 1 (a mutant
	 * clamping only d > n advertised 0) */
	a = agent(3, 3, 40 * S, false);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 1 * S, &o), 1);
	CU_ASSERT_EQUAL(o.metric, 1);
	CU_ASSERT_EQUAL(lb_agent_metric(a), 1);
	CU_ASSERT_EQUAL(lb_agent_stats(a)->clamped, 1);
	lb_agent_free(a);
	/* d = n - 1: 1 without clamping */
	a = agent(3, 2, 40 * S, false);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 1 * S, &o), 1);
	CU_ASSERT_EQUAL(o.metric, 1);
	CU_ASSERT_EQUAL(lb_agent_stats(a)->clamped, 0);
	lb_agent_free(a);
	/* d = 0: never reduces */
	a = agent(10, 0, 40 * S, false);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 1 * S, &o), 0);
	CU_ASSERT_EQUAL(lb_agent_metric(a), 10);
	lb_agent_free(a);
}

static void test_agent_zero_wait(void)
{
	struct lb_agent *a = agent(10, 1, 0, false);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0xb, 1 * S, &o), 1);
	CU_ASSERT_EQUAL(o.metric, 9);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 1 * S);
	CU_ASSERT_EQUAL(lb_agent_tick(a, 1 * S, &o), 1);
	CU_ASSERT(o.reason == LB_AGENT_RESTORE && o.metric == 10);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 11 * S);
	lb_agent_free(a);
}

/* first_refresh_ns sets the phase of the refreshes: start at 0, first
 * refresh at 300 ms, then every refresh_ns (10 s). */
static void test_agent_first_refresh(void)
{
	struct lb_agent_params p = {.self = 0, .base_metric = 10, .reduction = 1, .restore_wait_ns = S,
				    .refresh_ns = 10 * S, .first_refresh_ns = 300 * MS};
	struct lb_agent *a = lb_agent_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_start(a, 0xf, 0, &o), 1);
	CU_ASSERT(o.advertise && o.reason == LB_AGENT_START);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 300 * MS);
	CU_ASSERT_EQUAL(lb_agent_tick(a, 300 * MS, &o), 1);
	CU_ASSERT_EQUAL(o.reason, LB_AGENT_REFRESH);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), 10300 * MS);
	lb_agent_free(a);
}

static void test_agent_stop(void)
{
	struct lb_agent *a = agent(10, 1, 4 * S, false);
	struct lb_agent_out o;
	CU_ASSERT_EQUAL(lb_agent_stop(a, &o), 1);
	CU_ASSERT(o.withdraw && !o.advertise && o.reason == LB_AGENT_WITHDRAW);
	CU_ASSERT_EQUAL(lb_agent_next_deadline(a), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_agent_tick(a, 100 * S, &o), 0);
	CU_ASSERT_EQUAL(lb_agent_on_active_set(a, 0x3, 100 * S, &o), -EPERM);
	CU_ASSERT_STRING_EQUAL(lb_agent_reason_name(LB_AGENT_RESTORE), "restore");
	CU_ASSERT_STRING_EQUAL(lb_agent_reason_name((enum lb_agent_reason)99), "?");
	lb_agent_free(a);
}

/* Member and agent together, as a node runs them: peer 2 silent after 1 s,
 * detected at 1.3 s, n - d at once, n at 1.3 s + W. */
static void test_member_drives_agent(void)
{
	struct lb_member *m = member4(0, 0);
	struct lb_agent *a = agent(10, 1, 2 * S, false);
	struct lb_agent_out o;
	uint64_t reduce_at = 0, restore_at = 0;
	for (uint64_t t = 0; t <= 5 * S; t += 50 * MS) {
		if (t % (100 * MS) == 0)
			for (unsigned p = 1; p < 4; p++)
				if (p != 2 || t <= 1 * S)
					lb_member_heartbeat(m, p, 100, t);
		if (lb_member_tick(m, t) > 0 && lb_agent_on_active_set(a, lb_member_active(m), t, &o) > 0 &&
		    o.reason == LB_AGENT_REDUCE)
			reduce_at = t;
		if (lb_agent_tick(a, t, &o) > 0 && o.reason == LB_AGENT_RESTORE)
			restore_at = t;
	}
	CU_ASSERT_EQUAL(reduce_at, 1300 * MS);
	CU_ASSERT_EQUAL(restore_at, 3300 * MS);
	lb_member_free(m);
	lb_agent_free(a);
}

/* The seed's whole timeline, four agents against the router's route table,
 * event by event (no network delays: each agent's message is applied at
 * once).  n = 10, d = 1, W = 2 s, refresh 1 s, hold 3 s; node 2 falls silent
 * after its refresh at 1 s and its peers detect it at 1.8 s:
 *   0 s     ADD x4, best {0,1,2,3} @ 10
 *   1.8 s   METRIC_CHANGE 0,1,3 -> 9: best {0} @9, {0,1} @9, {0,1,3} @9
 *   3.8 s   W ends: METRIC_CHANGE 0,1,3 -> 10: best {1,3} @9, {3} @9,
 *           then {0,1,2,3} @10 - node 2's stale route is back in the set
 *           (premature restore: W + detection < last refresh + hold)
 *   4 s     EXPIRE 2 (exactly 1 s + 3 s): best {0,1,3} @10 */
struct timeline_ev {
	uint64_t t;
	enum lb_route_event_kind kind;
	uint8_t nbr;
	uint32_t metric;
	lb_nodeset best;
	uint32_t best_metric;
};

static void test_route_agent_timeline(void)
{
	static const struct timeline_ev want[] = {
		{0, LB_ROUTE_ADD, 0, 10, 0x1, 10},
		{0, LB_ROUTE_ADD, 1, 10, 0x3, 10},
		{0, LB_ROUTE_ADD, 2, 10, 0x7, 10},
		{0, LB_ROUTE_ADD, 3, 10, 0xf, 10},
		{1800 * MS, LB_ROUTE_METRIC_CHANGE, 0, 9, 0x1, 9},
		{1800 * MS, LB_ROUTE_METRIC_CHANGE, 1, 9, 0x3, 9},
		{1800 * MS, LB_ROUTE_METRIC_CHANGE, 3, 9, 0xb, 9},
		{3800 * MS, LB_ROUTE_METRIC_CHANGE, 0, 10, 0xa, 9},
		{3800 * MS, LB_ROUTE_METRIC_CHANGE, 1, 10, 0x8, 9},
		{3800 * MS, LB_ROUTE_METRIC_CHANGE, 3, 10, 0xf, 10},
		{4000 * MS, LB_ROUTE_EXPIRE, 2, 10, 0xb, 10},
	};
	struct lb_route_params rp = {.hold_time_ns = 3 * S};
	struct lb_route *rt = lb_route_create(&rp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	struct lb_agent *ag[4];
	for (uint8_t i = 0; i < 4; i++) {
		struct lb_agent_params p = {.self = i, .base_metric = 10, .reduction = 1, .restore_wait_ns = 2 * S,
					    .refresh_ns = 1 * S};
		ag[i] = lb_agent_create(&p);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ag[i]);
	}
	struct lb_route_event got[32];
	uint64_t got_t[32];
	size_t n = 0;
	struct lb_agent_out o;
	struct lb_route_event ev;
	bool node2_alive = true;
	for (uint64_t t = 0; t <= 5 * S; t += 100 * MS) {
		if (t == 1100 * MS)
			node2_alive = false; /* silent after its refresh at 1 s */
		struct lb_route_event evs[4];
		int k = lb_route_expire(rt, t, evs, 4);
		for (int j = 0; j < k && n < 32; j++) {
			got_t[n] = t;
			got[n++] = evs[j];
		}
		for (uint8_t i = 0; i < 4; i++) {
			if (i == 2 && !node2_alive)
				continue;
			int r = t == 0 ? lb_agent_start(ag[i], 0xf, t, &o) : lb_agent_tick(ag[i], t, &o);
			if (t == 1800 * MS && i != 2)
				r = lb_agent_on_active_set(ag[i], 0xb, t, &o);
			if (r > 0 && o.advertise && lb_route_advertise(rt, i, o.metric, t, &ev) > 0 && n < 32) {
				got_t[n] = t;
				got[n++] = ev;
			}
		}
	}
	CU_ASSERT_EQUAL_FATAL(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(got_t[i], want[i].t);
		CU_ASSERT_EQUAL(got[i].kind, want[i].kind);
		CU_ASSERT_EQUAL(got[i].neighbour, want[i].nbr);
		CU_ASSERT_EQUAL(got[i].metric, want[i].metric);
		CU_ASSERT_EQUAL(got[i].best_set, want[i].best);
		CU_ASSERT_EQUAL(got[i].best_metric, want[i].best_metric);
		CU_ASSERT(got[i].best_changed);
	}
	CU_ASSERT_EQUAL(got[10].time_ns, 4 * S); /* last refresh 1 s + hold 3 s */
	for (int i = 0; i < 4; i++)
		lb_agent_free(ag[i]);
	lb_route_free(rt);
}

void lb_test_register(void)
{
	LB_SUITE("member", LB_TEST(test_member_params), LB_TEST(test_member_timeout_exact),
		 LB_TEST(test_member_all_silent), LB_TEST(test_member_health));
	LB_SUITE("agent", LB_TEST(test_agent_params), LB_TEST(test_agent_reduce_restore),
		 LB_TEST(test_agent_second_failure_rearms), LB_TEST(test_agent_reduce_again),
		 LB_TEST(test_agent_recovery_during_wait), LB_TEST(test_agent_isolated), LB_TEST(test_agent_alone_with_uplink), LB_TEST(test_agent_clamp),
		 LB_TEST(test_agent_zero_wait), LB_TEST(test_agent_first_refresh), LB_TEST(test_agent_stop), LB_TEST(test_member_drives_agent),
		 LB_TEST(test_route_agent_timeline));
}
