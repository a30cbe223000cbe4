/* lb_node.h - a cluster node as a sans-IO state machine: membership
 * (lb_member), the cluster agent (lb_agent), owner selection (lb_owner),
 * the steering session cache and decision (lb_session, lb_steer), the
 * owner's per-flow state, and the node's path from an agent decision to an
 * update leaving it.
 *
 * Inputs: heartbeats from peers, data packets (from the router or over the
 * backplane), the carrier of its router link coming back, the expiry of
 * timers it asked for, each with the caller's clock.  Outputs: actions
 * handed to params.act (arm a timer, send a heartbeat to a peer, send an
 * advertisement / withdrawal / session packet to the router(s), log an
 * event), and for each data packet a verdict returned at once (the
 * per-packet path does not go through actions).  The simulator, `lbsim
 * where` and the testbed's node daemon drive this same object.
 *
 * Data path (US 2014/0301388): the receiver of a packet from the router
 * hashes its 5-tuple (params.hasher), asks lb_steer for the owner (cached
 * session or a fresh selection over the node's view) and either serves it
 * (it owns the flow) or steers it over the backplane.  The owner keeps one
 * state per flow, created by the flow's first packet; a later packet that
 * finds none is dropped (no_state) and its flow is broken.  With steering
 * off the receiver serves every packet itself (no owner, no state).
 *
 * Control path (US 8,972,602): a heartbeat to every peer every
 * heartbeat_interval at the node's own phase; the failure detector is
 * checked on that same tick (as keepalived and corosync do), which spreads
 * the survivors' detections over up to one interval.  The membership view
 * goes to the owner table and to the strategy (readvertise: to the agent).
 * The agent's refreshes go out at once; its decisions (reduce, restore,
 * isolated) take the advertising path:
 *
 *   ideal  advertise_delay (0 by default: at once), one by one
 *   frr    advertise_delay (the configuration change reaching bgpd), then
 *          bgpd's route-processing work queue (update_queue_hold, 50 ms,
 *          batching: the update carries the latest decision)
 *
 * Errors: lb_node_create() returns NULL on bad parameters; other calls
 * assert their preconditions.  Not thread-safe.  The hasher is borrowed and
 * must outlive the node; everything else is the node's own.
 */
#ifndef LBCORE_LB_NODE_H
#define LBCORE_LB_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "lb_agent.h"
#include "lb_flow.h"
#include "lb_hash.h"
#include "lb_kind.h"
#include "lb_owner.h"
#include "lb_router.h"
#include "lb_session.h"
#include "lb_strategy.h"
#include "lb_timer.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_NODE_EVENTS(X)                                                                          \
	X(LB_NE_DETECT, "detect", "the node declared a peer down (value: the peer; set: its view)")    \
	X(LB_NE_PEER_UP, "peer_up", "a peer rejoined the node's view (value: the peer)")              \
	X(LB_NE_ADVERTISE, "advertise", "the agent decided to advertise a metric (value)")            \
	X(LB_NE_RESTORE, "restore", "the agent restored the base metric after W (value)")             \
	X(LB_NE_WITHDRAW, "withdraw", "the agent withdrew the route")                                  \
	X(LB_NE_UPDATE_SENT, "update_sent", "a decision left the node as an update (value: metric, -1: withdrawal)")
enum lb_node_event { LB_NODE_EVENTS(LB_KIND_ENUM) };
#define LB_NODE_EVENT_COUNT (0 LB_NODE_EVENTS(LB_KIND_ONE))
extern const struct lb_kind_table lb_node_event_table;

enum lb_node_timer {
	LB_NT_HEARTBEAT, /* the node's heartbeat tick (replace) */
	LB_NT_AGENT,     /* the agent's next deadline (lazy) */
	LB_NT_ADV_DELAY, /* a decision's advertise_delay (queue) */
	LB_NT_ADV_QUEUE, /* frr: bgpd route-processing queue hold (replace) */
	LB_NT_STRATEGY,  /* the strategy's timers, index 0..7 (replace) */
};

enum lb_node_action_kind {
	LB_NA_TIMER,
	LB_NA_SEND_HEARTBEAT, /* to peer, carrying value (health) over the backplane */
	LB_NA_SEND_ADVERTISE, /* to the router(s): the VIP with metric value */
	LB_NA_SEND_WITHDRAW,  /* to the router(s) */
	LB_NA_SEND_SESSION,   /* a session (BFD) packet to the router(s) */
	LB_NA_EVENT,
};

struct lb_node_action {
	enum lb_node_action_kind kind;
	struct lb_timer_req timer; /* LB_NA_TIMER */
	unsigned peer;             /* LB_NA_SEND_HEARTBEAT */
	uint32_t value;            /* heartbeat health, advertised metric */
	/* LB_NA_EVENT: */
	enum lb_node_event event;
	uint64_t t_ns;
	int64_t ev_value; /* -1 when not applicable */
	bool has_set;
	lb_nodeset set;
};

typedef void (*lb_node_act_fn)(void *user, const struct lb_node_action *a);

struct lb_node_params {
	uint8_t self;
	lb_nodeset peers;             /* every node of the cluster, self included */
	uint64_t heartbeat_interval_ns;
	unsigned heartbeat_misses;
	uint64_t heartbeat_phase_ns;  /* first tick this long after start */
	uint32_t base_metric;         /* n */
	uint32_t metric_reduction;    /* d */
	uint64_t restore_wait_ns;     /* W */
	uint64_t refresh_ns;
	uint64_t first_refresh_ns;    /* the agent's first refresh (its phase) */
	enum lb_isolation isolation;  /* the agent's rule for a node left alone */
	struct lb_owner_params owner;
	bool steering;                /* false: serve every packet locally */
	bool session_cache;           /* cache steering decisions */
	struct lb_session_params cache; /* the steering session cache */
	struct lb_session_params table; /* the owner's per-flow state */
	const struct lb_hasher *hasher; /* the cluster's flow hash (borrowed) */
	enum lb_router_profile profile;
	uint64_t advertise_delay_ns;
	uint64_t update_queue_hold_ns; /* frr */
	const struct lb_strategy *strategy;
	uint64_t session_interval_ns;  /* BFD */
	double strategy_phase[LB_STRATEGY_MAX_PHASES]; /* in [0, 1) */
	lb_node_act_fn act;
	void *user;
};

enum lb_node_verdict_kind {
	LB_NV_DELIVER,         /* served here: to this node's server */
	LB_NV_STEER,           /* over the backplane to owner */
	LB_NV_DROP_STEER_DEAD, /* no owner to steer to (empty view) */
	LB_NV_DROP_NO_STATE,   /* mid-flow packet, no state here: the flow breaks */
};

struct lb_node_verdict {
	enum lb_node_verdict_kind kind;
	uint8_t owner; /* LB_NV_STEER */
};

struct lb_node;

struct lb_node *lb_node_create(const struct lb_node_params *p);
void lb_node_free(struct lb_node *n);

/* Start at now: every peer in the view, advertise n, arm the timers. */
void lb_node_start(struct lb_node *n, uint64_t now);
void lb_node_timer(struct lb_node *n, uint32_t id, uint64_t now);
void lb_node_rx_heartbeat(struct lb_node *n, unsigned peer, uint32_t health, uint64_t now);
/* The router link's carrier went down or came back (the agent's isolation
 * rule uses it); back: the node advertises the metric last sent, at once. */
void lb_node_uplink(struct lb_node *n, bool up, uint64_t now);

/* A data packet of flow k (first: its first packet, which creates the
 * owner's state) from the router, or over the backplane as its owner. */
struct lb_node_verdict lb_node_rx_data(struct lb_node *n, const struct lb_flow_key *k, bool first,
				       bool from_backplane, uint64_t now);

/* Ages both tables a little (sweeps of 1024 slots) and counts their live
 * entries (exactly when the tables were created with count_live). */
void lb_node_sample(struct lb_node *n, uint64_t now, uint64_t *sessions, uint64_t *flow_states);

lb_nodeset lb_node_view(const struct lb_node *n);
uint32_t lb_node_metric(const struct lb_node *n); /* the metric last sent */
const struct lb_agent *lb_node_agent(const struct lb_node *n);
const struct lb_session *lb_node_cache(const struct lb_node *n); /* NULL without a cache */
const struct lb_session *lb_node_table(const struct lb_node *n);

/* From an agent decision to its update leaving the node, when the node's
 * queue is idle: ideal advertise_delay; frr advertise_delay +
 * update_queue_hold. */
uint64_t lb_node_advertise_delay_ns(const struct lb_node_params *p);

#ifdef __cplusplus
}
#endif
#endif
