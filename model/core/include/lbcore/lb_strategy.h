/* lb_strategy.h - failover strategies as tables of hooks, the way BIRD's
 * `struct protocol` (nest/protocol.h) makes each routing protocol a set of
 * hooks registered once.  lb_router and lb_node never ask which strategy
 * they run: they call the hooks of the one in their parameters, and each
 * hook may be NULL (nothing to do at that point).
 *
 *   hold         the baseline: nothing beyond the routing protocol; the
 *                router drops a dead node's route when its hold timer
 *                expires (lb_strategy_hold.c)
 *   bfd          a BFD-like session per router-node pair (RFC 5880): the
 *                node sends a control packet every session_interval; the
 *                router declares the session down after session_multiplier
 *                silent intervals and treats it as the peer going down
 *                (lb_strategy_bfd.c)
 *   readvertise  the method of US 8,972,602: the survivors re-advertise the
 *                VIP with metric n - d when they see a peer fail, and
 *                restore n after W (lb_strategy_readvertise.c, driving
 *                lb_agent)
 *
 * Adding a strategy: one file defining a `const struct lb_strategy`, and one
 * line in the registry table of lb_strategy.c.  A program may also run a
 * strategy that is not in the registry by putting it in the parameters of
 * lb_router and lb_node (tests/core/test_strategy.c does, with a test-only
 * strategy).
 *
 * Hooks run inside lb_router / lb_node calls and may use the services
 * declared below (timers, events, sends, peer down).  No hook allocates;
 * per-object state is the state_size bytes the object reserves for its
 * strategy (zeroed at creation).
 */
#ifndef LBCORE_LB_STRATEGY_H
#define LBCORE_LB_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lb_router;
struct lb_node;

/* Most random phases in [0, 1) a strategy's node side may ask for. */
#define LB_STRATEGY_MAX_PHASES 2

/* What the closed forms need (seconds).  path_* are the delays from a
 * trigger to the router forwarding by the new next-hop set
 * (lb_router_path_delay_ns) and from an agent's decision to the update
 * leaving the node (lb_node_advertise_delay_ns); *_transit are one
 * packet's time on the wire (serialisation + propagation, per hop). */
struct lb_expect_in {
	unsigned nodes;
	bool alone_reduces; /* a survivor left alone re-advertises (isolation rule uplink) */
	double hold_time, refresh_interval;
	double restore_wait; /* W: the survivors restore n this long after reducing */
	double session_interval; /* BFD */
	unsigned session_multiplier;
	double heartbeat_interval;
	unsigned heartbeat_misses;
	double uplink_delay;
	double uplink_ctl;        /* a control message, node -> router */
	double uplink_data;       /* a data packet, router -> node */
	double heartbeat_transit; /* a heartbeat, node -> backplane switch -> node */
	double hold_restart;      /* a refresh's arrival -> its hold timer restarts (ideal: processing_delay) */
	double path_update;       /* an update (advertisement) received -> forwarding */
	double path_session_down; /* hold expiry, BFD down or carrier loss -> forwarding */
	double node_advertise;    /* agent decision -> update leaves the node */
};

/* A time after the crash as a function of the random timer phases:
 *
 *     value = base_s + span_s x (X - U)
 *
 * U uniform in [0, 1): the dead node's phase (its last refresh, BFD packet
 * or heartbeat before the crash lies U x span_s before it); X the phase of
 * the survivors' next tick: X = 0 when draws = 0, else the minimum (max:
 * the maximum) of `draws` independent uniforms in [0, 1) (each survivor's
 * heartbeat tick).  Mean base + span (E[X] - 1/2), E[X] = 1/(k+1) for the
 * minimum of k, k/(k+1) for the maximum. */
struct lb_expect_law {
	double base_s, span_s;
	unsigned draws;
	bool max;
};

/* Who receives the dead node's share of the traffic once the window ends. */
enum lb_expect_after {
	LB_EXPECT_ALL_SURVIVORS, /* the router dropped the route: every survivor, 1/(N-1) each */
	LB_EXPECT_REDUCERS,      /* only survivors that re-advertised, each after its own detection */
};

/* The router's blackhole window after a crash at a uniform random phase of
 * every timer: seconds from the crash until the last packet the router
 * forwards to the dead node reaches it (the router switching to a set
 * without it, plus a data packet's uplink transit), as a law of the
 * phases, its mean and the formula as text. */
struct lb_expect_window {
	double window_s; /* the mean of law */
	const char *formula;
	struct lb_expect_law law;
	/* the dead node's hold timer may end the window first (the measured
	 * window is then min(law, the hold strategy's law)); false for the
	 * hold strategy itself, whose law is that timer */
	bool hold_bounded;
	enum lb_expect_after after;
	/* LB_EXPECT_REDUCERS: from a survivor's detection to the first packet
	 * the router sends it by its reduced route (law = the first detection
	 * + this) */
	double reduce_path_s;
	/* the router detects the failure itself (BFD session down): when */
	bool router_detects;
	struct lb_expect_law router_detect;
	/* the survivors restore n (after W): when the last restore reaches the
	 * data plane; a second blackhole window follows when the dead node's
	 * stale route is still held then (premature restore) */
	bool restores;
	struct lb_expect_law restore;
};

struct lb_strategy {
	const char *name; /* as written in scenario files: [router] failover = NAME */
	const char *doc;  /* one line */
	unsigned node_phases; /* random phases the node side needs (params.strategy_phase) */
	/* the router keeps a liveness session per node (BFD: session_interval x
	 * session_multiplier), whose packets a simulation or a testbed carries */
	bool liveness_sessions;
	size_t router_state_size;

	/* router side */
	void (*router_start)(struct lb_router *r, void *state, uint64_t now);
	/* a session packet (BFD) from node arrived */
	void (*router_rx_session)(struct lb_router *r, void *state, unsigned node, uint64_t now);
	/* a timer the strategy armed with lb_router_strategy_timer(index) fired */
	void (*router_timer)(struct lb_router *r, void *state, unsigned index, uint64_t now);

	/* node side */
	void (*node_start)(struct lb_node *n, uint64_t now);
	void (*node_timer)(struct lb_node *n, unsigned index, uint64_t now);
	/* the node's membership view changed (after its owner table follows it) */
	void (*node_view_changed)(struct lb_node *n, lb_nodeset active, uint64_t now);

	/* the closed form of the blackhole window (required; fills every
	 * field of out) */
	void (*expect)(const struct lb_expect_in *in, struct lb_expect_window *out);
};

/* The registry: the strategies scenario files may name. */
const struct lb_strategy *lb_strategy_find(const char *name); /* NULL: none */
unsigned lb_strategy_count(void);
const struct lb_strategy *lb_strategy_at(unsigned i); /* NULL past the end */

extern const struct lb_strategy lb_strategy_hold;
extern const struct lb_strategy lb_strategy_bfd;
extern const struct lb_strategy lb_strategy_readvertise;

/* Services for hooks --------------------------------------------------- */

/* Router: arm (or, with LB_TIME_NEVER, cancel) the strategy's timer
 * `index` (0..LB_MAX_NODES-1), replace mode. */
void lb_router_strategy_timer(struct lb_router *r, unsigned index, uint64_t at);
/* Router: the liveness session with node went down at now: the same path
 * as a hold-time expiry or a carrier loss (lb_router.h). */
void lb_router_session_down(struct lb_router *r, unsigned node, uint64_t now);
/* Router: log an event (see lb_router.h's event kinds). */
void lb_router_strategy_event(struct lb_router *r, int event, int node, int64_t value, uint64_t now);
/* Router: BFD timing from its parameters. */
uint64_t lb_router_session_interval(const struct lb_router *r);
unsigned lb_router_session_multiplier(const struct lb_router *r);
lb_nodeset lb_router_neighbours(const struct lb_router *r);

/* Node: arm the strategy's timer `index` (0..7), replace mode. */
void lb_node_strategy_timer(struct lb_node *n, unsigned index, uint64_t at);
/* Node: send a session packet (BFD) to the router(s). */
void lb_node_send_session(struct lb_node *n);
/* Node: the phase it was given, in [0, 1). */
double lb_node_strategy_phase(const struct lb_node *n, unsigned i);
uint64_t lb_node_session_interval(const struct lb_node *n);
/* Node: hand the membership view to the agent (re-advertisement). */
void lb_node_agent_view(struct lb_node *n, lb_nodeset active, uint64_t now);

#ifdef __cplusplus
}
#endif
#endif
