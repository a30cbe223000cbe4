/* test_ecmp_route.c - test_ecmp: the VIP route table (lb_route): its
 * parameters, the seed's timeline event by event, expiry order. */
#include <errno.h>

#include "../cu_main.h"
#include "lbcore/lb_route.h"
#include "test_ecmp.h"

/* ---- route table ---- */

static void check_ev(const struct lb_route_event *ev, enum lb_route_event_kind kind, unsigned nbr,
		     uint32_t metric, uint64_t t, bool changed, lb_nodeset best, uint32_t best_metric)
{
	CU_ASSERT_EQUAL(ev->kind, kind);
	CU_ASSERT_EQUAL(ev->neighbour, nbr);
	CU_ASSERT_EQUAL(ev->metric, metric);
	CU_ASSERT_EQUAL(ev->time_ns, t);
	CU_ASSERT_EQUAL(ev->best_changed, changed);
	CU_ASSERT_EQUAL(ev->best_set, best);
	CU_ASSERT_EQUAL(ev->best_metric, best_metric);
}

static lb_nodeset ids4(int a, int b, int c, int d)
{
	lb_nodeset s = 0;
	int v[4] = {a, b, c, d};
	for (int i = 0; i < 4; i++)
		if (v[i] >= 0)
			s |= lb_nodeset_bit((unsigned)v[i]);
	return s;
}

void test_route_params(void)
{
	struct lb_route_params p = {.hold_time_ns = 0};
	CU_ASSERT_PTR_NULL(lb_route_create(NULL));
	CU_ASSERT_PTR_NULL(lb_route_create(&p));
	lb_route_free(NULL);
	p.hold_time_ns = S;
	struct lb_route *rt = lb_route_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	struct lb_route_event ev;
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 64, 10, 0, &ev), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 1, LB_ROUTE_METRIC_NONE, 0, &ev), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 200, 0, &ev), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 1, 0, &ev), 0);
	CU_ASSERT_EQUAL(lb_route_get(rt, 64, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_get(rt, 1, NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 1), -ENOENT);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 64), -EINVAL);
	CU_ASSERT_EQUAL(lb_route_neighbours(rt), 0);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), LB_TIME_NEVER);
	uint32_t m = 0;
	CU_ASSERT_EQUAL(lb_route_best(rt, &m), 0);
	CU_ASSERT_EQUAL(m, LB_ROUTE_METRIC_NONE);
	CU_ASSERT_STRING_EQUAL(lb_route_event_kind_name(LB_ROUTE_METRIC_CHANGE), "metric_change");
	CU_ASSERT_STRING_EQUAL(lb_route_event_kind_name(LB_ROUTE_EXPIRE), "expire");
	CU_ASSERT_PTR_NULL(lb_route_event_kind_name((enum lb_route_event_kind)9));
	lb_route_free(rt);
	/* hold LB_TIME_NEVER: never expires */
	p.hold_time_ns = LB_TIME_NEVER;
	rt = lb_route_create(&p);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 5, 1, 7, &ev), 1);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), LB_TIME_NEVER);
	CU_ASSERT_EQUAL(lb_route_expire(rt, UINT64_MAX, &ev, 1), 0);
	lb_route_free(rt);
}

/* The seed's scenario, event by event (hold = 3 s, W = 1 s < hold). */
void test_route_timeline(void)
{
	struct lb_route_params p = {.hold_time_ns = 3 * S};
	struct lb_route *rt = lb_route_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	struct lb_route_event ev, evs[4];
	uint32_t m;
	uint64_t t;

	/* t = 0: four nodes advertise metric 10, the set grows one by one */
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(lb_route_advertise(rt, (uint8_t)i, 10, 0, &ev), 1);
		check_ev(&ev, LB_ROUTE_ADD, i, 10, 0, true, lb_nodeset_first(i + 1), 10);
		CU_ASSERT_EQUAL(ev.old_metric, LB_ROUTE_METRIC_NONE);
	}
	/* t = 1 s: 0, 1, 3 refresh (no event); node 2 is silent */
	for (unsigned i = 0; i < 4; i++)
		if (i != 2)
			CU_ASSERT_EQUAL(lb_route_advertise(rt, (uint8_t)i, 10, 1 * S, &ev), 0);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 3 * S);
	/* node 2 expires exactly at 0 + hold, not a nanosecond before */
	CU_ASSERT_EQUAL(lb_route_expire(rt, 3 * S - 1, evs, 4), 0);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 3 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 2, 10, 3 * S, true, ids4(0, 1, 3, -1), 10);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 4 * S);

	/* t = 4 s: node 2 is back, everyone refreshed at 4 s */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 2, 10, 4 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_ADD, 2, 10, 4 * S, true, lb_nodeset_first(4), 10);
	for (unsigned i = 0; i < 4; i++)
		if (i != 2)
			CU_ASSERT_EQUAL(lb_route_advertise(rt, (uint8_t)i, 10, 4 * S, &ev), 0);

	/* node 2 dies at 4.5 s.  t = 5 s: the survivors re-advertise 9; the set
	 * is {0} alone, then {0,1}, then {0,1,3} - while 2's stale 10 stays */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 0, 9, 5 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 0, 9, 5 * S, true, ids4(0, -1, -1, -1), 9);
	CU_ASSERT_EQUAL(ev.old_metric, 10);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 1, 9, 5 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 1, 9, 5 * S, true, ids4(0, 1, -1, -1), 9);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 3, 9, 5 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 3, 9, 5 * S, true, ids4(0, 1, 3, -1), 9);
	CU_ASSERT_EQUAL(lb_route_get(rt, 2, &m, &t), 0);
	CU_ASSERT_EQUAL(m, 10);
	CU_ASSERT_EQUAL(t, 4 * S);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 2), 10);
	CU_ASSERT_EQUAL(lb_route_metric(rt, 0), 9);
	CU_ASSERT_EQUAL(lb_route_neighbours(rt), lb_nodeset_first(4));

	/* t = 6 s (W = 1 s): restore to 10 before node 2's route expired (at
	 * 7 s): the last restore puts dead node 2 back in the set */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 0, 10, 6 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 0, 10, 6 * S, true, ids4(1, 3, -1, -1), 9);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 1, 10, 6 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 1, 10, 6 * S, true, ids4(3, -1, -1, -1), 9);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 3, 10, 6 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 3, 10, 6 * S, true, lb_nodeset_first(4), 10);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 7 * S);
	/* the second loss window closes when 2's hold expires */
	CU_ASSERT_EQUAL(lb_route_expire(rt, 7 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 2, 10, 7 * S, true, ids4(0, 1, 3, -1), 10);

	/* t = 7.5 s: node 1 withdraws; a second withdraw is a no-op */
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 1, 7 * S + 500 * MS, &ev), 1);
	check_ev(&ev, LB_ROUTE_WITHDRAW, 1, 10, 7 * S + 500 * MS, true, ids4(0, 3, -1, -1), 10);
	CU_ASSERT_EQUAL(lb_route_withdraw(rt, 1, 7 * S + 600 * MS, &ev), 0);

	/* a refresh resets the hold timer: 0 refreshed at 8 s lives to 11 s,
	 * 3 (last heard at 6 s) goes at 9 s */
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 0, 10, 8 * S, &ev), 0);
	CU_ASSERT_EQUAL(lb_route_get(rt, 0, NULL, &t), 0);
	CU_ASSERT_EQUAL(t, 8 * S);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 9 * S);
	/* expire late (at 10 s): the event still carries the exact time */
	CU_ASSERT_EQUAL(lb_route_expire(rt, 10 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 3, 10, 9 * S, true, ids4(0, -1, -1, -1), 10);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 11 * S);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 11 * S - 1, evs, 4), 0);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 11 * S, evs, 4), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 0, 10, 11 * S, true, 0, LB_ROUTE_METRIC_NONE);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), LB_TIME_NEVER);
	lb_route_free(rt);
}

/* Several expiries at once: earliest first, ties by id, bounded by cap;
 * a worse route going does not change the best set. */
void test_route_expire_order(void)
{
	struct lb_route_params p = {.hold_time_ns = 10 * S};
	struct lb_route *rt = lb_route_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	struct lb_route_event ev, evs[3];
	lb_route_advertise(rt, 40, 20, 2 * S, &ev);
	lb_route_advertise(rt, 7, 5, 1 * S, &ev);
	lb_route_advertise(rt, 9, 5, 1 * S, &ev);
	lb_route_advertise(rt, 63, 5, 3 * S, &ev);
	CU_ASSERT_EQUAL(lb_route_best(rt, NULL), ids4(7, 9, 63, -1));
	CU_ASSERT_EQUAL(lb_route_expire(rt, 12 * S, NULL, 0), 0);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 12 * S, evs, 1), 1);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 7, 5, 11 * S, true, ids4(9, 63, -1, -1), 5);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 11 * S);
	CU_ASSERT_EQUAL(lb_route_expire(rt, 12 * S, evs, 3), 2);
	check_ev(&evs[0], LB_ROUTE_EXPIRE, 9, 5, 11 * S, true, ids4(63, -1, -1, -1), 5);
	check_ev(&evs[1], LB_ROUTE_EXPIRE, 40, 20, 12 * S, false, ids4(63, -1, -1, -1), 5);
	CU_ASSERT_EQUAL(lb_route_next_expiry(rt), 13 * S);
	/* a metric change that does not touch the best set */
	lb_route_advertise(rt, 40, 30, 12 * S, &ev);
	CU_ASSERT_EQUAL(lb_route_advertise(rt, 40, 31, 12 * S, &ev), 1);
	check_ev(&ev, LB_ROUTE_METRIC_CHANGE, 40, 31, 12 * S, false, ids4(63, -1, -1, -1), 5);
	CU_ASSERT_EQUAL(ev.old_metric, 30);
	lb_route_free(rt);
}
