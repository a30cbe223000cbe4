/* real.h - the raw logs of one real repetition (testbed.sh run) turned
 * into lbsim's figures: shared by real_events.c, real_packets.c and
 * analyze.c.  Times are ns relative to T0, the repetition's time zero (the
 * scenario's t = 0: the sender's start), so they line up with the
 * simulator's. */
#ifndef LBV_REAL_H
#define LBV_REAL_H

#include <glib.h>
#include <stdint.h>

#include "lbcore/lb_types.h"
#include "scenario.h"

#define REAL_NEVER INT64_MAX

/* One row of events.csv. */
struct real_event {
	int64_t t_ns;
	int node;          /* -1: the router */
	const char *kind;  /* a static string: the simulator's event names, plus
			      update_rx, med_set, agent_error (real only) */
	int64_t value;     /* -1: empty */
	bool has_set;
	lb_nodeset set;
	int router;        /* the router the event concerns, as the simulator
			      writes it: REAL_ROUTER for the router's own events
			      (its bgpd, bfdd and kernel route), -1 for a node's
			      and a failure's */
};

/* The testbed's one router: the simulator's router 0. */
#define REAL_ROUTER 0

/* A failure as the orchestrator ran it (failures.log). */
struct real_failure {
	int64_t before_ns, after_ns; /* around the command that made it real */
	int64_t t_ns;                /* when it took effect (analyze.c): after_ns, or for
					the first failure the first packet lost from before_ns on */
	enum lb_failure_kind kind;
	int node;
};

struct real_meta {
	uint64_t t0_ns;           /* CLOCK_REALTIME of T0 */
	uint64_t phase_delay_ns;
	char tag[64];
	char frr[64];
	uint64_t seed;            /* the repetition's seed (lbv-send's, lbv-agentd's: params.env) */
	GArray *failures;         /* struct real_failure, in time order */
	int64_t t_fail_ns;        /* the first failure (not a recovery); REAL_NEVER: none */
	int64_t fail_begin_ns;    /* when the command making it began (its before_ns) */
	int failed_node;          /* its node, -1 */
};

/* The node whose router-side address addr is ("10.10.<i>.2", testbed.sh);
 * -1 for any other text. */
int real_node_of(const char *addr);

/* Parses failures.log into m (kinds by the core's names, lbcore/lb_failure.h). */
gboolean real_failures_load(const char *raw, struct real_meta *m, GError **err);

/* Every event of the repetition from the agents' logs, the router's bgpd
 * log, `ip monitor route` and failures.log, in time order, within
 * [0, duration]; the first is the route the router forwards by at T0. */
GArray *real_events_load(const char *raw, const struct scenario *sc, const struct real_meta *m, GError **err);

/* What the packet logs say. */
struct real_packets {
	uint64_t sent, delivered, lost, duplicates, send_errors, recv_errors;
	uint64_t late_max_ns;
	uint64_t blackhole_by_flow; /* lost after t_fail on a flow the failed node was receiving */
	int64_t first_loss_ns, last_loss_ns; /* sent from fail_begin_ns on; REAL_NEVER: none */
	size_t n_bins;
	unsigned n_nodes;
	/* per bin: sent, delivered, lost, blackhole (by flow); per bin and node: rx */
	uint64_t *bin_sent, *bin_delivered, *bin_lost, *bin_blackhole, *node_rx;
	/* per flow: the nodes that received its packets sent before the
	 * failure (before fail_begin_ns; all of them without a failure) */
	uint32_t n_flows;
	lb_nodeset *flow_nodes;
};

gboolean real_packets_load(const char *raw, const struct scenario *sc, const struct real_meta *m,
			   struct real_packets *p, GError **err);
void real_packets_free(struct real_packets *p);

/* Per-flow agreement (flow_agree.c): for every flow, the node the real
 * router sent it to before the failure against the node lbsim's router
 * (lb_router built from the scenario) picks for its 5-tuple. */
struct real_agreement {
	bool predicted;         /* the scenario's router hash is the kernel's (linux): lbsim can say */
	bool order_natural;     /* the router's route lists its next hops in node order */
	unsigned flows;         /* in the sender's flow table */
	unsigned compared;      /* flows that reached exactly one node before the failure */
	unsigned agree;         /* of those, lbsim's node */
	unsigned split;         /* flows that reached two or more nodes before the failure */
	unsigned routeget_compared, routeget_agree; /* `ip route get` (the kernel's own answer) vs real */
	char order[256];        /* the route's next hops as node ids, "0;1;2;3" */
};

/* Reads raw/flows.txt ("FLOW SRC SPORT DST DPORT", UDP), raw/route-at-start.txt
 * (the next hops' order) and raw/route-get.txt ("FLOW NEXTHOP"), compares
 * with flow_nodes (n_flows) and writes out_csv (flow_agreement.csv:
 * flow,src,sport,dst,dport,real_node,route_get_node,lbsim_node,agree;
 * real_node -1: no packet before the failure, -2: several nodes).  Without
 * flows.txt (older logs): FALSE with *missing set and nothing written.  The
 * router's k-th next hop in lbsim (node ids in ascending order) is the
 * route's k-th next hop on the real router, mapped by address (10.10.<i>.2
 * is node i). */
gboolean real_flow_agreement(const char *raw, const struct scenario *sc, const lb_nodeset *flow_nodes,
			     uint32_t n_flows, const char *out_csv, struct real_agreement *a, bool *missing,
			     GError **err);

/* The repetition's component timing (real_timing.c) as timing.csv: one
 * row per trigger, the seconds each step took. */
extern const char real_timing_header[];
GString *real_timing_csv(const GArray *ev);

/* "FILE: what" errors of the analysis. */
#define REAL_ERROR (real_error_quark())
GQuark real_error_quark(void);

#endif
