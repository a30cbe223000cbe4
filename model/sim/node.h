/* node.h - a simulated cluster node: model/core's lb_node bound to the
 * shim (its router, backplane and server devices, its timers as shim
 * events), with the node's life: up, crashed (every packet reaching it is
 * lost, its timers stop, its carrier stays up so nobody sees it), recovered
 * (a fresh lb_node: every session and flow state is lost). */
#ifndef LB_SIM_NODE_H
#define LB_SIM_NODE_H

#include "net.h"
#include "timers.h"

struct sim_node {
	struct net *net;
	unsigned id;
	bool up;        /* false after a crash, until recovery */
	unsigned n_routers;
	bool uplink_up[SCENARIO_MAX_ROUTERS]; /* carrier of each router link */
	struct lb_node *n;
	struct sim_timers timers;
	const struct lb_hasher *hasher; /* the cluster's flow hash */
	struct shim_rng *rng_refresh, *rng_phase;
	uint32_t shim_node, server_node;
	uint32_t dev_uplink[SCENARIO_MAX_ROUTERS]; /* towards router r */
	uint32_t dev_backplane, dev_server, dev_server_far;
	const uint32_t *peer_backplane; /* every node's backplane device */
	/* [links] server_link = off: no server devices; a delivered packet
	 * reaches the servers' accounting at once */
	struct traffic *deliver_now;
	/* the tables' counters at the last sample (nodes.csv counts per bin) */
	struct lb_session_stats cache_seen, table_seen;
};

/* Creates the node's lb_node, drawing its phases (first refresh from
 * rng_refresh; heartbeat and the strategy's from rng_phase, in that order).
 * FALSE with err set when the core rejects the scenario's parameters. */
gboolean sim_node_init(struct sim_node *sn, GError **err);
void sim_node_free(struct sim_node *sn);
void sim_node_start(struct sim_node *sn);
void sim_node_crash(struct sim_node *sn);
void sim_node_recover(struct sim_node *sn);
/* A router link's carrier changed (sn->uplink_up[] already set), or a
 * router came back (its session restarts): the node hears the router(s)
 * again and advertises its metric. */
void sim_node_uplink_changed(struct sim_node *sn);
void sim_node_rx_uplink(struct sim_node *sn, const uint8_t *pkt, size_t len, uint64_t now);
void sim_node_rx_backplane(struct sim_node *sn, const uint8_t *pkt, size_t len, uint64_t now);
/* Ages the node's tables a little and samples them into its bin. */
void sim_node_sample(struct sim_node *sn, struct sim_node_bin *nb, uint64_t now);

#endif
