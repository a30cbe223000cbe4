/* test_validate.c - lbsim validate without a testbed, one suite: here the
 * real node's decision logic (vnode: model/core's lb_node as the testbed's
 * daemon drives it) and the suite's registration; one file each for the
 * FRR vty client against a fake daemon (test_validate_frr_vty.c), the
 * analysis of raw logs into lbsim's CSVs (test_validate_analysis.c: synthetic
 * logs in the formats testbed.sh, lbv-send, lbv-recv, lbv-agentd, FRR and
 * `ip monitor` write), per-flow agreement (test_validate_agreement.c), the
 * comparison (test_validate_compare.c), and the command's refusals, bad
 * input and no root (test_validate_refusals.c). */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <glib.h>

#include "../cu_main.h"
#include "validate_fixture.h"
#include "vnode.h"

static int setup(void)
{
	tmpdir = g_dir_make_tmp("lbv-test-XXXXXX", NULL);
	return tmpdir ? 0 : 1;
}

static int teardown(void)
{
	int rc = lb_test_rmtree(tmpdir);
	g_free(tmpdir);
	return rc == 0 ? 0 : 1;
}

/* --- vnode: model/core's lb_node as the testbed's daemon drives it --- */

#define MAX_ACTS 4096

/* Every action vnode hands out, with the caller's clock at the time. */
static struct rec {
	uint64_t now;
	struct lb_node_action a;
} acts[MAX_ACTS];
static unsigned n_acts;
static uint64_t clock_now;

static void record(void *user, const struct lb_node_action *a)
{
	(void)user;
	CU_ASSERT(a->kind != LB_NA_TIMER); /* vnode runs the timers itself */
	if (n_acts < MAX_ACTS)
		acts[n_acts++] = (struct rec){clock_now, *a};
}

static struct vnode_params params0(const struct lb_strategy *s)
{
	return (struct vnode_params){.self = 0, .nodes = 4, .heartbeat_ns = 100 * MS, .misses = 3,
				     .heartbeat_phase_ns = 50 * MS, .base_metric = 10, .reduction = 1,
				     .restore_wait_ns = 4 * S, .refresh_ns = 1 * S, .first_refresh_ns = 500 * MS,
				     .strategy = s};
}

/* The index of the first recorded action of kind (and event ev) at or after
 * index from, with value v (-1: any); -1 when none. */
static int find_act(unsigned from, enum lb_node_action_kind kind, int ev, long long v)
{
	for (unsigned i = from; i < n_acts; i++) {
		const struct lb_node_action *a = &acts[i].a;
		if (a->kind != kind || (kind == LB_NA_EVENT && (int)a->event != ev))
			continue;
		long long val = kind == LB_NA_EVENT ? a->ev_value : (long long)a->value;
		if (v < 0 || val == v)
			return (int)i;
	}
	return -1;
}

/* The daemon's lb_node adds no delay of its own, whatever the scenario's
 * profile: the real vty path and the node's real bgpd are the delay. */
static void test_vnode_no_simulated_delay(void)
{
	struct vnode_params p = params0(&lb_strategy_readvertise);
	struct lb_node_params np = vnode_node_params(&p);
	CU_ASSERT_EQUAL(np.profile, LB_PROFILE_IDEAL);
	CU_ASSERT_EQUAL(np.advertise_delay_ns, 0);
	CU_ASSERT_EQUAL(lb_node_advertise_delay_ns(&np), 0);
	CU_ASSERT_FALSE(np.steering);
	CU_ASSERT_EQUAL(np.heartbeat_phase_ns, 50 * MS);
	CU_ASSERT_PTR_EQUAL(np.strategy, &lb_strategy_readvertise);
}

/* Peers 1 and 3 keep sending heartbeats, peer 2 falls silent at 1 s: node 0
 * declares it down on its first own tick at or after 1 s + 3 x 100 ms
 * (ticks at 50 ms + k x 100 ms), and (readvertise) hands out n - d in that
 * same call, then n again exactly W later; refreshes carry the metric last
 * sent. */
static void test_vnode_readvertise(void)
{
	n_acts = 0;
	clock_now = 0;
	struct vnode_params p = params0(&lb_strategy_readvertise);
	struct vnode *v = vnode_create(&p, record, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	vnode_start(v, 0);
	CU_ASSERT(find_act(0, LB_NA_EVENT, LB_NE_ADVERTISE, 10) >= 0);
	CU_ASSERT(find_act(0, LB_NA_SEND_ADVERTISE, 0, 10) >= 0);
	CU_ASSERT_EQUAL(vnode_next_deadline(v), 50 * MS); /* the first heartbeat tick, at its phase */
	uint64_t detect = 0;
	for (uint64_t t = 50 * MS; t < 3 * S && !detect; t += 100 * MS) {
		for (unsigned q = 1; q < 4; q++)
			if (q != 2 || t < 1 * S)
				CU_ASSERT_EQUAL(vnode_heartbeat(v, q, 100, t - 10 * MS), 0);
		unsigned from = n_acts;
		clock_now = t;
		vnode_run(v, t);
		/* one heartbeat to every peer per tick */
		for (unsigned q = 1; q < 4; q++)
			CU_ASSERT(find_act(from, LB_NA_SEND_HEARTBEAT, 0, 100) >= 0);
		int d = find_act(from, LB_NA_EVENT, LB_NE_DETECT, 2);
		if (d >= 0) {
			detect = t;
			CU_ASSERT(acts[d].a.has_set && acts[d].a.set == 0xb);
			int adv = find_act(from, LB_NA_EVENT, LB_NE_ADVERTISE, 9);
			int snd = find_act(from, LB_NA_SEND_ADVERTISE, 0, 9);
			CU_ASSERT(adv > d && snd >= 0); /* decided and handed out in the same call */
			CU_ASSERT_EQUAL(vnode_metric(v), 9);
		}
	}
	/* last heartbeat from 2 at 0.94 s: down at >= 1.24 s, on the tick at 1.25 s */
	CU_ASSERT_EQUAL(detect, 1250 * MS);
	/* run on to the restore at detect + W */
	unsigned from = n_acts;
	uint64_t restored = 0;
	for (int guard = 0; guard < 1000 && !restored; guard++) {
		uint64_t t = vnode_next_deadline(v);
		CU_ASSERT_FATAL(t != LB_TIME_NEVER && t <= detect + 5 * S);
		for (unsigned q = 1; q < 4; q += 2)
			vnode_heartbeat(v, q, 100, t);
		clock_now = t;
		unsigned before = n_acts;
		vnode_run(v, t);
		int r = find_act(before, LB_NA_EVENT, LB_NE_RESTORE, 10);
		if (r >= 0) {
			restored = t;
			CU_ASSERT(find_act(before, LB_NA_SEND_ADVERTISE, 0, 10) >= 0);
		}
	}
	CU_ASSERT_EQUAL(restored, detect + 4 * S);
	/* the refreshes during W (every refresh_interval after the last
	 * advertisement: 2.25 s, ...) carried 9 */
	int ref = find_act(from, LB_NA_SEND_ADVERTISE, 0, -1);
	CU_ASSERT_FATAL(ref >= 0);
	CU_ASSERT_EQUAL(acts[ref].now, 2250 * MS);
	CU_ASSERT_EQUAL(acts[ref].a.value, 9);
	CU_ASSERT_EQUAL(vnode_metric(v), 10);
	/* node 2 comes back: peer_up, no new metric */
	unsigned before = n_acts;
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 2, 100, restored + 1 * MS), 0);
	int up = find_act(before, LB_NA_EVENT, LB_NE_PEER_UP, 2);
	CU_ASSERT(up >= 0 && acts[up].a.set == 0xf);
	CU_ASSERT_EQUAL(find_act(before, LB_NA_SEND_ADVERTISE, 0, -1), -1);
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 0, 100, 7 * S), -EINVAL); /* self */
	CU_ASSERT_EQUAL(vnode_heartbeat(v, 4, 100, 7 * S), -EINVAL); /* not a node */
	CU_ASSERT_EQUAL(vnode_view(v), 0xf);
	CU_ASSERT_EQUAL(vnode_overflows(v), 0);
	vnode_free(v);
}

/* hold and bfd: membership still runs (detections are events), but the
 * metric never changes; bfd's session packets are handed out (the daemon
 * drops them: bfdd sends the real ones).  A caller stopped for seconds
 * (a frozen node) runs its late heartbeat tick at the present, not a burst
 * of catch-up ticks.  Bad parameters: NULL. */
static void test_vnode_hold_keeps_metric(void)
{
	const struct lb_strategy *kinds[] = {&lb_strategy_hold, &lb_strategy_bfd};
	for (size_t k = 0; k < 2; k++) {
		n_acts = 0;
		clock_now = 0;
		struct vnode_params p = params0(kinds[k]);
		struct vnode *v = vnode_create(&p, record, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		vnode_start(v, 0);
		vnode_run(v, 350 * MS); /* ticks at 50 .. 350 ms; nobody heard from since 0: all three down at 350 */
		CU_ASSERT_EQUAL(vnode_view(v), 0x1);
		int d = find_act(0, LB_NA_EVENT, LB_NE_DETECT, -1);
		CU_ASSERT(d >= 0);
		for (uint64_t t = 400 * MS; t < 10 * S; t += 100 * MS)
			vnode_run(v, t);
		for (unsigned i = 0; i < n_acts; i++)
			CU_ASSERT(acts[i].a.kind != LB_NA_SEND_ADVERTISE || acts[i].a.value == 10);
		CU_ASSERT_EQUAL(find_act(0, LB_NA_SEND_WITHDRAW, 0, -1), -1);
		CU_ASSERT((find_act(0, LB_NA_SEND_SESSION, 0, -1) >= 0) == (kinds[k] == &lb_strategy_bfd));
		/* stopped from 10 s to 20 s: the tick runs at 20 s, the next at 20.1 s */
		vnode_run(v, 20 * S);
		CU_ASSERT(vnode_next_deadline(v) > 20 * S && vnode_next_deadline(v) <= 20 * S + 100 * MS);
		vnode_free(v);
	}
	struct vnode_params bad = params0(&lb_strategy_hold);
	bad.self = 4;
	CU_ASSERT_PTR_NULL(vnode_create(&bad, record, NULL));
	bad = params0(NULL);
	CU_ASSERT_PTR_NULL(vnode_create(&bad, record, NULL));
	bad = params0(&lb_strategy_hold);
	bad.misses = 0;
	struct vnode *w = vnode_create(&bad, record, NULL);
	CU_ASSERT_PTR_NULL(w);
	vnode_free(w);
}

void lb_test_register(void)
{
	CU_pSuite s = CU_add_suite("validate", setup, teardown);
	CU_add_test(s, "test_vnode_no_simulated_delay", test_vnode_no_simulated_delay);
	CU_add_test(s, "test_vnode_readvertise", test_vnode_readvertise);
	CU_add_test(s, "test_vnode_hold_keeps_metric", test_vnode_hold_keeps_metric);
	CU_add_test(s, "test_frr_vty_protocol", test_frr_vty_protocol);
	CU_add_test(s, "test_summary_header_extends_the_simulator", test_summary_header_extends_the_simulator);
	CU_add_test(s, "test_analysis", test_analysis);
	CU_add_test(s, "test_analysis_refuses_broken_logs", test_analysis_refuses_broken_logs);
	CU_add_test(s, "test_flow_agreement", test_flow_agreement);
	CU_add_test(s, "test_compare", test_compare);
	CU_add_test(s, "test_refusals", test_refusals);
	CU_add_test(s, "test_refuses_non_root", test_refuses_non_root);
}
