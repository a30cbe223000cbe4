/* test_shim_events.c - test_shim's suite shim_events: the event queue of
 * every scheduler (equal-time order), cancel, run_until and stop. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "shim_fixture.h"

/* ------------------------------------------------------------------ */
/* 5. equal-time ordering                                              */

#define NEV 100

struct ev_log {
	struct shim_sim *s;
	unsigned order[4 * NEV];
	uint64_t t[4 * NEV];
	size_t n;
};

struct ev_arg {
	struct ev_log *log;
	unsigned id;
};

static void log_ev(void *user)
{
	struct ev_arg *a = user;
	struct ev_log *l = a->log;
	CU_ASSERT(l->n < 4 * NEV);
	if (l->n >= 4 * NEV)
		return;
	l->order[l->n] = a->id;
	l->t[l->n] = shim_now_ns(l->s);
	l->n++;
}

static struct ev_arg g_late; /* scheduled from inside event 0 at delay 0 */

static void log_and_schedule_ev(void *user)
{
	struct ev_arg *a = user;
	log_ev(user);
	g_late.log = a->log;
	g_late.id = 1000;
	shim_schedule(a->log->s, 0, log_ev, &g_late);
}

static void test_equal_time_order(void)
{
	static struct ev_log log;
	static struct ev_arg args[2 * NEV];
	for (size_t k = 0; k < NSCHED; k++) {
		memset(&log, 0, sizeof log);
		log.s = sim_new(1, 1, all_scheds[k]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(log.s);
		/* ids 0..99 at 1000 ns, interleaved with ids 100..199 at 500 ns */
		for (unsigned i = 0; i < NEV; i++) {
			args[i].log = &log;
			args[i].id = i;
			shim_schedule(log.s, 1000, i == 0 ? log_and_schedule_ev : log_ev, &args[i]);
			args[NEV + i].log = &log;
			args[NEV + i].id = NEV + i;
			shim_schedule(log.s, 500, log_ev, &args[NEV + i]);
		}
		shim_run_until(log.s, END_NS);
		CU_ASSERT_EQUAL_FATAL(log.n, 2 * NEV + 1);
		unsigned bad = 0;
		for (unsigned i = 0; i < NEV; i++) {
			bad += log.order[i] != NEV + i || log.t[i] != 500;
			bad += log.order[NEV + i] != i || log.t[NEV + i] != 1000;
		}
		CU_ASSERT_EQUAL(bad, 0);
		if (bad)
			fprintf(stderr, "scheduler %zu: %u events out of order\n", k, bad);
		/* the delay-0 event from inside id 0 runs after every earlier one at 1000 */
		CU_ASSERT_EQUAL(log.order[2 * NEV], 1000);
		CU_ASSERT_EQUAL(log.t[2 * NEV], 1000);
		sim_free(log.s);
	}
}

/* ------------------------------------------------------------------ */
/* 6. cancel                                                           */

static void test_cancel(void)
{
	static struct ev_log log;
	static struct ev_arg args[4];
	memset(&log, 0, sizeof log);
	log.s = sim_new(1, 1, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log.s);
	for (unsigned i = 0; i < 4; i++) {
		args[i].log = &log;
		args[i].id = i;
	}
	uint64_t ha = shim_schedule(log.s, 100, log_ev, &args[0]);
	uint64_t hb = shim_schedule(log.s, 200, log_ev, &args[1]);
	uint64_t hc = shim_schedule(log.s, 300, log_ev, &args[2]);
	CU_ASSERT(ha != 0 && hb != 0 && hc != 0);
	CU_ASSERT(ha != hb && hb != hc && ha != hc);
	CU_ASSERT_TRUE(shim_cancel(log.s, hb));
	CU_ASSERT_FALSE(shim_cancel(log.s, hb)); /* already cancelled */
	CU_ASSERT_FALSE(shim_cancel(log.s, 0)); /* never a handle */
	CU_ASSERT_FALSE(shim_cancel(log.s, UINT64_MAX)); /* unknown */
	CU_ASSERT_FALSE(shim_cancel(log.s, (hc & 0xffffffffu) + 1000)); /* unknown slot */
	shim_run_until(log.s, 1000);
	CU_ASSERT_EQUAL_FATAL(log.n, 2);
	CU_ASSERT_EQUAL(log.order[0], 0);
	CU_ASSERT_EQUAL(log.t[0], 100);
	CU_ASSERT_EQUAL(log.order[1], 2);
	CU_ASSERT_EQUAL(log.t[1], 300);
	CU_ASSERT_FALSE(shim_cancel(log.s, ha)); /* already ran */
	CU_ASSERT_FALSE(shim_cancel(log.s, hc));
	/* slots are recycled: a stale handle must not cancel the new event */
	uint64_t hd = shim_schedule(log.s, 100, log_ev, &args[3]);
	CU_ASSERT(hd != 0);
	CU_ASSERT(hd != ha && hd != hb && hd != hc);
	CU_ASSERT_FALSE(shim_cancel(log.s, ha));
	CU_ASSERT_FALSE(shim_cancel(log.s, hb));
	CU_ASSERT_FALSE(shim_cancel(log.s, hc));
	shim_run_until(log.s, 10000);
	CU_ASSERT_EQUAL_FATAL(log.n, 3);
	CU_ASSERT_EQUAL(log.order[2], 3);
	CU_ASSERT_FALSE(shim_cancel(log.s, hd));
	/* many cancels: none of them runs */
	static struct ev_arg many[NEV];
	uint64_t h[NEV];
	for (unsigned i = 0; i < NEV; i++) {
		many[i].log = &log;
		many[i].id = 10 + i;
		h[i] = shim_schedule(log.s, 50 + i, log_ev, &many[i]);
	}
	unsigned cancelled = 0;
	for (unsigned i = 0; i < NEV; i += 2)
		cancelled += shim_cancel(log.s, h[i]);
	CU_ASSERT_EQUAL(cancelled, NEV / 2);
	shim_run_until(log.s, 100000);
	CU_ASSERT_EQUAL_FATAL(log.n, 3 + NEV / 2);
	for (unsigned i = 0; i < NEV / 2; i++)
		CU_ASSERT_EQUAL(log.order[3 + i], 10 + 2 * i + 1);
	sim_free(log.s);
}

/* ------------------------------------------------------------------ */
/* 7. run_until and stop                                               */

static void stop_ev(void *user)
{
	struct ev_arg *a = user;
	log_ev(user);
	shim_stop(a->log->s);
}

static void schedule_now_ev(void *user)
{
	struct ev_arg *a = user;
	log_ev(user);
	/* a new event at the same time, scheduled while running */
	shim_schedule(a->log->s, 0, log_ev, &a[1]);
}

static void test_run_until(void)
{
	static struct ev_log log;
	static struct ev_arg args[8];
	memset(&log, 0, sizeof log);
	log.s = sim_new(1, 1, SHIM_SCHED_MAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log.s);
	for (unsigned i = 0; i < 8; i++) {
		args[i].log = &log;
		args[i].id = i;
	}
	shim_schedule(log.s, 100, log_ev, &args[0]);
	shim_schedule(log.s, 200, schedule_now_ev, &args[1]); /* adds args[2] at 200 */
	shim_schedule(log.s, 201, log_ev, &args[3]);
	shim_run_until(log.s, 200);
	/* up to and including 200, nothing later */
	CU_ASSERT_EQUAL(log.n, 3);
	CU_ASSERT_EQUAL(log.order[0], 0);
	CU_ASSERT_EQUAL(log.order[1], 1);
	CU_ASSERT_EQUAL(log.order[2], 2);
	CU_ASSERT_EQUAL(log.t[2], 200);
	CU_ASSERT(shim_now_ns(log.s) <= 200);
	CU_ASSERT_EQUAL(shim_now_ns(log.s), 200);
	shim_run_until(log.s, 1000);
	CU_ASSERT_EQUAL_FATAL(log.n, 4);
	CU_ASSERT_EQUAL(log.order[3], 3);
	CU_ASSERT_EQUAL(log.t[3], 201);
	sim_free(log.s);
}

static void test_stop(void)
{
	static struct ev_log log;
	static struct ev_arg args[8];
	memset(&log, 0, sizeof log);
	log.s = sim_new(1, 1, SHIM_SCHED_HEAP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log.s);
	for (unsigned i = 0; i < 8; i++) {
		args[i].log = &log;
		args[i].id = i;
	}
	shim_schedule(log.s, 100, stop_ev, &args[0]);
	shim_schedule(log.s, 200, log_ev, &args[1]);
	shim_schedule(log.s, 1500, log_ev, &args[2]);
	shim_schedule(log.s, 2500, log_ev, &args[3]);
	shim_run_until(log.s, 1000);
	/* stopped right after the event at 100 */
	CU_ASSERT_EQUAL_FATAL(log.n, 1);
	CU_ASSERT_EQUAL(log.order[0], 0);
	CU_ASSERT_EQUAL(shim_now_ns(log.s), 100);
	/* resuming runs the rest up to the new limit, no stale stop */
	shim_run_until(log.s, 1000);
	CU_ASSERT_EQUAL(log.n, 2);
	shim_run_until(log.s, 2000);
	CU_ASSERT_EQUAL(log.n, 3);
	CU_ASSERT_EQUAL(log.t[2], 1500);
	shim_run_until(log.s, 3000);
	CU_ASSERT_EQUAL(log.n, 4);
	CU_ASSERT_EQUAL(log.t[3], 2500);
	sim_free(log.s);
}

void shim_events_suite(void)
{
	LB_SUITE("shim_events", LB_TEST(test_equal_time_order), LB_TEST(test_cancel), LB_TEST(test_run_until),
		 LB_TEST(test_stop));
}
