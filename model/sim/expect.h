/* expect.h - the closed-form expectations of DESIGN section 5 for a
 * scenario's first failure, used by `lbsim describe` and by the regression
 * tests as the centre of their bounds. */
#ifndef LB_SIM_EXPECT_H
#define LB_SIM_EXPECT_H

#include <stdint.h>

#include "scenario.h"

struct expectation {
	bool has_failure;     /* the scenario has a node crash to reason about */
	uint64_t t_fail_ns;
	double flows_at_fail; /* expected concurrent flows at t_fail */
	double rate_pps;      /* R: total VIP packet rate at t_fail */
	double window_s;      /* expected loss window after t_fail */
	double lost;          /* blackhole: R / N x window */
	const char *formula;  /* the formula used, as text */
	double path_update_s, path_session_down_s; /* the router's trigger -> FIB delays */
	double node_advertise_s;                   /* a node's decision -> update sent */
	double detect_s;      /* the cluster's own detection delay (heartbeats), mean */
	double steer_dead;    /* R (N-1)/N^2 x detect_s: steered to the dead owner */
	double remap_fraction; /* fraction of flows whose owner changes on one removal, no cache */
};

void expect_first_failure(const struct scenario *sc, struct expectation *e);

#endif
