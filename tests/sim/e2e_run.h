/* e2e_run.h - run one scenario from scenarios/ (or any path) through the
 * whole simulator and keep what the end-to-end and regression tests assert
 * on.  Shared by test_e2e.c and test_regression.c. */
#ifndef LB_TESTS_E2E_RUN_H
#define LB_TESTS_E2E_RUN_H
#include <glib.h>

#include "expect.h"
#include "output.h"
#include "scenario.h"
#include "world.h"

struct run {
	struct scenario *sc;
	struct sim_metrics m; /* copied totals only (bins/events freed with the world) */
	struct sim_summary s;
	GString *summary_row;
	GArray *events; /* struct sim_event */
	uint64_t blackhole_after_restore;
	uint64_t sent_before_fail_1s; /* data packets sent in the second before t_fail */
	uint64_t rx_before_fail_1s[LB_MAX_NODES]; /* ... that node i received from the router */
	uint64_t router_before_fail_1s[SCENARIO_MAX_ROUTERS]; /* ... that router r forwarded */
	uint64_t sent_after_fail;     /* data packets sent from t_fail on */
	uint64_t cache_evictions, cache_expiries; /* over every node and bin (nodes.csv) */
	uint64_t bin_ns;
	size_t n_bins;
	uint64_t *rx_router; /* n_bins x nodes, bin-major: nodes.csv rx_router */
	uint64_t last_bin_with[SIM_DROP_N]; /* start of the last bin with a drop of that cause; LB_TIME_NEVER: none */
};

/* Loads `name`: a file name in SOURCE_ROOT/scenarios, or a path containing
 * '/' (relative to SOURCE_ROOT).  NULL (message on stderr) on error. */
struct scenario *e2e_load(const char *name, const char *const *sets);
/* Runs it with overrides; writes its files into out_dir when not NULL.
 * FALSE when the run fails (an unbalanced accounting included). */
gboolean e2e_run(const char *name, const char *const *sets, const char *out_dir, struct run *r);
void e2e_run_free(struct run *r);
/* sent = delivered + lost + in_flight, exactly (CUnit asserts) */
void e2e_assert_balanced(const struct run *r);
double e2e_seconds(uint64_t ns);
/* The readvertise bound on the loss window after a crash, in seconds:
 * (heartbeat_misses + 1) x heartbeat_interval (detection on the node's own
 * tick) + uplink_delay + processing_delay + fib_install_delay + 1 ms slack
 * (queueing). */
double e2e_readvertise_bound_s(const struct scenario *sc);
/* The contents of dir/file, NULL when unreadable. */
gchar *e2e_slurp(const char *dir, const char *file);
/* The first event of `kind` (any node when node < 0) at or after t; LB_TIME_NEVER when none. */
uint64_t e2e_event_time(const struct run *r, const char *kind, int node, uint64_t t);
/* Number of events of `kind` from `node` (any when < 0) whose value is `value` (any when < 0). */
unsigned e2e_event_count(const struct run *r, const char *kind, int node, int64_t value);
#endif
