/* upstream.h - the ECMP stage in front of several routers ([router]
 * count > 1): a provider edge or spine that hashes each flow over the live
 * routers.  It is model/core's lb_router itself, whose neighbours are the
 * routers: each router advertises itself to it (metric 1, refreshed every
 * upstream_refresh_interval at its own phase, with an lb_agent), and the
 * stage drops a router from its ECMP set at once when it fails
 * (upstream_detection = immediate, as a link down) or when its session's
 * hold time expires (hold: upstream_hold_time after its last refresh).
 * Control-plane delays: none (ideal profile, 0 ms): the stage is not the
 * router under study. */
#ifndef LB_SIM_UPSTREAM_H
#define LB_SIM_UPSTREAM_H

#include "net.h"
#include "timers.h"

struct sim_upstream {
	struct net *net;
	unsigned n; /* routers */
	struct lb_router *stage;
	struct sim_timers timers;
	uint32_t shim_node;
	uint32_t stage_dev[SCENARIO_MAX_ROUTERS];  /* the stage's device towards router r */
	uint32_t router_dev[SCENARIO_MAX_ROUTERS]; /* router r's device towards the stage */
	struct lb_agent *agent[SCENARIO_MAX_ROUTERS];
	struct sim_upstream_agent {
		struct sim_upstream *u;
		unsigned router;
		struct sim_timers timers;
	} agent_ctx[SCENARIO_MAX_ROUTERS];
	struct shim_rng *rng_phase;
};

/* FALSE with err set when the core rejects the stage's parameters. */
gboolean upstream_init(struct sim_upstream *u, struct net *net, unsigned n_routers, struct shim_rng *rng_phase,
		       GError **err);
void upstream_free(struct sim_upstream *u);
void upstream_start(struct sim_upstream *u);
/* A data packet from a client: to the router the stage selects. */
void upstream_rx_data(struct sim_upstream *u, const uint8_t *pkt, size_t len, uint64_t now);
/* A router's advertisement arrived at the stage. */
void upstream_rx_msg(struct sim_upstream *u, unsigned router, const uint8_t *msg, size_t len, uint64_t now);
void upstream_router_down(struct sim_upstream *u, unsigned router);
void upstream_router_up(struct sim_upstream *u, unsigned router);

#endif
