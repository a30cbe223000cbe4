/* harness.h - a tiny virtual-time cluster for the core's state machines:
 * one lb_router, up to 8 lb_nodes, an lb_timerq for their timers and a
 * queue of control messages in flight (heartbeats, updates, session
 * packets), each delivered after a fixed delay.  Every event either machine
 * reports is recorded with its time.  No simulator, no clock. */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "lbcore/lbcore.h"

#define H_MAX_NODES 8
#define H_MAX_EVENTS 4096
#define H_MAX_MSGS 4096

struct h_event {
	uint64_t t;
	int src;          /* node id, or -1 for the router */
	int node;         /* the node the event concerns (router events), = src for node events */
	const char *name; /* the event's name from the kind tables */
	int64_t value;
	lb_nodeset set;
};

enum h_msg_kind { H_HEARTBEAT, H_ADVERTISE, H_WITHDRAW, H_SESSION };

struct h_msg {
	uint64_t at, seq;
	enum h_msg_kind kind;
	unsigned from, to; /* to: a node id for heartbeats */
	uint32_t value;
};

struct harness {
	uint64_t now;
	struct lb_router *router;
	struct lb_node *node[H_MAX_NODES];
	struct lb_node_params node_params[H_MAX_NODES]; /* each node's, to create it again (h_recover) */
	bool up[H_MAX_NODES]; /* false: crashed (receives and sends nothing) */
	unsigned n;
	struct lb_hasher hasher;
	struct lb_timerq *tq;
	struct h_msg msgs[H_MAX_MSGS];
	unsigned n_msgs;
	uint64_t seq;
	uint64_t ctrl_delay_ns; /* node <-> router and backplane delay */
	struct h_event ev[H_MAX_EVENTS];
	unsigned n_ev;
	unsigned sent_updates[H_MAX_NODES];
	unsigned sent_sessions[H_MAX_NODES];
};

/* Router parameters for n nodes and a profile, with the scenario reference
 * defaults (hold 3 s, processing 1 ms, fib 50 ms / frr queues 10/50/10). */
struct lb_router_params h_router_params(unsigned n, enum lb_router_profile profile,
					 const struct lb_strategy *strategy);
struct lb_node_params h_node_params(unsigned self, unsigned n, enum lb_router_profile profile,
				     const struct lb_strategy *strategy);

/* Builds the cluster (router + n nodes) from these parameters (the node
 * parameters' self field is set per node); NULL act/user are filled in. */
void h_init(struct harness *h, unsigned n, const struct lb_router_params *rp, const struct lb_node_params *np);
void h_start(struct harness *h);
void h_free(struct harness *h);
/* Runs every timer and message delivery up to and including t. */
void h_run_until(struct harness *h, uint64_t t);
void h_crash(struct harness *h, unsigned node);
/* The crashed node starts afresh (a new lb_node from its parameters, as the
 * simulator's recovery does) at h->now. */
void h_recover(struct harness *h, unsigned node);
/* Sends are recorded as events too: "tx_advertise" (value: metric),
 * "tx_withdraw", "tx_session", with src the sending node. */
/* The first event named `name` from src (-2: any) at or after t, or NULL. */
const struct h_event *h_find(const struct harness *h, const char *name, int src, uint64_t t);
unsigned h_count(const struct harness *h, const char *name, int src);

#endif
