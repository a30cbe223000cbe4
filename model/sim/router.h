/* router.h - the simulated upstream router: model/core's lb_router bound to
 * the shim (its devices towards the clients and the nodes, its timers as
 * shim events, its events into the run's log). */
#ifndef LB_SIM_ROUTER_H
#define LB_SIM_ROUTER_H

#include "net.h"
#include "timers.h"

struct sim_router {
	struct net *net;
	struct lb_router *r;
	struct sim_timers timers;
	uint32_t shim_node;
	const uint32_t *node_dev; /* per cluster node: the router's device towards it */
};

/* FALSE with err set when the core rejects the scenario's router. */
gboolean sim_router_init(struct sim_router *sr, struct net *net, const uint32_t *node_dev, GError **err);
void sim_router_free(struct sim_router *sr);
void sim_router_start(struct sim_router *sr);
void sim_router_rx_data(struct sim_router *sr, const uint8_t *pkt, size_t len, uint64_t now);
void sim_router_rx_msg(struct sim_router *sr, unsigned node, const uint8_t *msg, size_t len, uint64_t now);
void sim_router_carrier(struct sim_router *sr, unsigned node, bool up);

#endif
