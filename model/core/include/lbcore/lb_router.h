/* lb_router.h - the upstream router as a sans-IO state machine: its route
 * table for the VIP (lb_route), its control plane's timing, and its ECMP
 * data plane (lb_ecmp over its own flow hash).
 *
 * Inputs are messages from the cluster nodes, carrier changes, the expiry
 * of timers it asked for, and data packets to forward, each with the
 * caller's clock; outputs are actions handed to params.act: arm a timer
 * (lb_timer.h) or an event to log.  The simulator, `lbsim where` and the
 * testbed tools drive this same object.
 *
 * Control-plane profiles (doc/model.md, "the router's control plane"):
 *
 *   ideal  every message waits processing_delay (FIFO, one by one) and is
 *          then applied to the table; a hold time is restarted when a
 *          refresh is applied; every change of the best set is forwarded
 *          by after fib_install_delay.  A hold expiry or a BFD session
 *          down withdraws the route at once; a carrier loss is handled as
 *          a withdrawal message.  Independent fixed delays: the closed
 *          forms stay simple.
 *
 *   frr    as FRR's bgpd and zebra do it (sources in doc/model.md):
 *          - a message restarts the peer's session hold timer on arrival,
 *            before any route processing (RFC 4271 section 6.5; bgpd);
 *          - a received update changes the table (Adj-RIB-In) at once and
 *            queues the prefix on bgpd's route-processing work queue; the
 *            queue's hold timer starts with its first item
 *            (update_queue_hold, bgpd: process_main_queue spec.hold = 50 ms)
 *            and, when it fires, every queued change is processed together
 *            (batching): one best-path decision;
 *          - a peer going down (session hold expiry, BFD down, carrier
 *            loss) first waits on bgpd's peer-clearing work queue
 *            (peer_clear_hold, bgp_clear_node_queue spec.hold = 10 ms), then
 *            its routes leave the table and join the route-processing queue;
 *          - the best set goes to zebra's RIB work queue (rib_queue_hold,
 *            ZEBRA_RIB_PROCESS_HOLD_TIME = 10 ms; batching likewise), then
 *            to the kernel after fib_install_delay.
 *
 *   trigger -> [peer clear 10 ms] -> [bgpd queue 50 ms] -> [zebra queue 10 ms] -> [kernel] -> FIB
 *             (session down only)    (batches)            (batches)          fib_install_delay
 *
 * Errors: constructors return NULL on bad parameters; the other calls
 * assert their preconditions (a node id outside the neighbours is a
 * programming error).  Not thread-safe.  Memory: the FIFO stages grow by
 * doubling (control messages only; forwarding never allocates).
 */
#ifndef LBCORE_LB_ROUTER_H
#define LBCORE_LB_ROUTER_H

#include <stdbool.h>
#include <stdint.h>

#include "lb_ecmp.h"
#include "lb_flow.h"
#include "lb_hash.h"
#include "lb_kind.h"
#include "lb_strategy.h"
#include "lb_timer.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_ROUTER_PROFILES(X)                                                                          \
	X(LB_PROFILE_IDEAL, "ideal", "independent fixed delays: processing_delay per message, fib_install_delay") \
	X(LB_PROFILE_FRR, "frr", "FRR bgpd + zebra: batching work queues, hold timers restarted on arrival")
enum lb_router_profile { LB_ROUTER_PROFILES(LB_KIND_ENUM) };
#define LB_ROUTER_PROFILE_COUNT (0 LB_ROUTER_PROFILES(LB_KIND_ONE))
extern const struct lb_kind_table lb_router_profile_table;

/* Events the router reports (their names are events.csv's). */
#define LB_ROUTER_EVENTS(X)                                                                         \
	X(LB_RE_ROUTE_CHANGE, "route_change", "a new best set decided (value: its metric, -1: empty)")  \
	X(LB_RE_ROUTE_INSTALLED, "route_installed", "the data plane forwards by the new set")          \
	X(LB_RE_HOLD_EXPIRY, "hold_expiry", "a neighbour's hold timer expired (node: the neighbour)")  \
	X(LB_RE_SESSION_DOWN, "detect", "a BFD session went down (value: the node)")                  \
	X(LB_RE_SESSION_UP, "bfd_up", "a BFD session came up (value: the node)")                      \
	X(LB_RE_PEER_DOWN, "peer_down", "frr: a routing session went down (node: the neighbour)")     \
	X(LB_RE_PEER_UP, "peer_up", "frr: a routing session came back (node: the neighbour)")
enum lb_router_event { LB_ROUTER_EVENTS(LB_KIND_ENUM) };
#define LB_ROUTER_EVENT_COUNT (0 LB_ROUTER_EVENTS(LB_KIND_ONE))
extern const struct lb_kind_table lb_router_event_table;

/* The router's timer kinds (LB_TIMER_ID(kind, index)). */
enum lb_router_timer {
	LB_RT_MSG,          /* ideal: a message's processing_delay (queue) */
	LB_RT_INSTALL,      /* a decided set's fib_install_delay (queue) */
	LB_RT_EXPIRY,       /* ideal: the table's next hold expiry (replace) */
	LB_RT_ECMP,         /* resilient ECMP rebalancing (replace) */
	LB_RT_SESSION_HOLD, /* frr: the earliest session hold deadline (lazy) */
	LB_RT_CLEAR_Q,      /* frr: peer-clearing queue hold (replace) */
	LB_RT_UPDATE_Q,     /* frr: route-processing queue hold (replace) */
	LB_RT_RIB_Q,        /* frr: RIB queue hold (replace) */
	LB_RT_STRATEGY,     /* the strategy's timers, index 0..63 (replace) */
};

/* What sets off a route change, for lb_router_path_delay_ns(). */
enum lb_router_trigger {
	LB_TRIGGER_UPDATE,  /* an advertisement or withdrawal received */
	LB_TRIGGER_EXPIRY,  /* a hold expiry or a BFD session down */
	LB_TRIGGER_CARRIER, /* the link to the node lost its carrier */
};

enum lb_router_action_kind { LB_RA_TIMER, LB_RA_EVENT };

struct lb_router_action {
	enum lb_router_action_kind kind;
	struct lb_timer_req timer; /* LB_RA_TIMER */
	/* LB_RA_EVENT: */
	enum lb_router_event event;
	uint64_t t_ns;
	int node;       /* the neighbour concerned; -1: the router as a whole */
	int64_t value;  /* metric or node id; -1 when not applicable */
	bool has_set;
	lb_nodeset set; /* the next-hop set */
};

typedef void (*lb_router_act_fn)(void *user, const struct lb_router_action *a);

struct lb_router_params {
	enum lb_router_profile profile;
	lb_nodeset neighbours;   /* the cluster nodes that peer with the router */
	uint32_t initial_metric; /* the run starts in steady state: every neighbour
	                            advertises it, refreshed at start, installed */
	enum lb_hash_kind hash;  /* the router's own flow hash */
	uint64_t hash_seed;
	unsigned hash_policy;    /* LB_HASH_LINUX: fib_multipath_hash_policy (0 L3, 1 L4) */
	struct lb_ecmp_params ecmp;
	uint64_t hold_time_ns;         /* > 0 */
	uint64_t processing_delay_ns;  /* ideal */
	uint64_t fib_install_delay_ns; /* both */
	uint64_t peer_clear_hold_ns;   /* frr */
	uint64_t update_queue_hold_ns; /* frr */
	uint64_t rib_queue_hold_ns;    /* frr */
	const struct lb_strategy *strategy; /* required */
	uint64_t session_interval_ns;  /* BFD, > 0 */
	unsigned session_multiplier;   /* BFD, >= 1 */
	lb_router_act_fn act;          /* required */
	void *user;
};

struct lb_router_stats {
	uint64_t messages;   /* advertisements and withdrawals received */
	uint64_t decisions;  /* best sets decided (route_change) */
	uint64_t installs;   /* sets installed */
	uint64_t expiries;   /* hold expiries */
	uint64_t peer_downs; /* sessions down (hold, BFD, carrier) */
	uint64_t batches;    /* frr: route-processing queue runs */
	uint64_t batched;    /* frr: changes they processed */
};

struct lb_router;

/* NULL on bad parameters (no strategy or act, hold 0, empty neighbours,
 * bad ECMP or hash parameters) or out of memory. */
struct lb_router *lb_router_create(const struct lb_router_params *p);
void lb_router_free(struct lb_router *r);

/* Steady state at now: routes of every neighbour installed; timers armed. */
void lb_router_start(struct lb_router *r, uint64_t now);
/* A cold start at now (a router that rebooted): no route and no session
 * until the neighbours' messages arrive; the strategy starts too. */
void lb_router_start_cold(struct lb_router *r, uint64_t now);

/* Control input from node. */
void lb_router_rx_advertise(struct lb_router *r, unsigned node, uint32_t metric, uint64_t now);
void lb_router_rx_withdraw(struct lb_router *r, unsigned node, uint64_t now);
void lb_router_rx_session(struct lb_router *r, unsigned node, uint64_t now); /* BFD packet */
void lb_router_carrier(struct lb_router *r, unsigned node, bool up, uint64_t now);
/* A timer the router asked for is due (id from its request). */
void lb_router_timer(struct lb_router *r, uint32_t id, uint64_t now);

/* Data plane: the next hop (node id) for a flow, or -ENOENT (no route). */
int lb_router_select(struct lb_router *r, const struct lb_flow_key *k, uint64_t now);
uint32_t lb_router_hash(const struct lb_router *r, const struct lb_flow_key *k);
/* The set the data plane forwards by. */
lb_nodeset lb_router_fib(const struct lb_router *r);
const struct lb_ecmp *lb_router_ecmp(const struct lb_router *r);
const struct lb_router_stats *lb_router_stats(const struct lb_router *r);

/* The delay from a trigger to the router forwarding by the new set, when
 * the trigger finds every queue idle (the first of a batch): ideal:
 * processing_delay (updates, carrier) + fib_install_delay; frr: [peer clear]
 * + update queue + RIB queue + fib_install_delay. */
uint64_t lb_router_path_delay_ns(const struct lb_router_params *p, enum lb_router_trigger t);

#ifdef __cplusplus
}
#endif
#endif
