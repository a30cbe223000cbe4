/* router.h - a simulated upstream router: model/core's lb_router bound to
 * the shim (its devices towards the clients or the upstream stage and
 * towards the nodes, its timers as shim events, its events into the run's
 * log), with its life: up, crashed (every packet reaching it is lost as
 * router_down; its timers stop; nobody sees it until they notice), and
 * recovered (a cold start: no route until the nodes advertise again). */
#ifndef LB_SIM_ROUTER_H
#define LB_SIM_ROUTER_H

#include "net.h"
#include "timers.h"

struct sim_router {
	struct net *net;
	unsigned id;
	bool up;
	struct lb_router *r;
	struct sim_timers timers;
	uint32_t shim_node;
	uint32_t node_dev[LB_MAX_NODES]; /* per cluster node: this router's device towards it */
};

/* FALSE with err set when the core rejects the scenario's router. */
gboolean sim_router_init(struct sim_router *sr, struct net *net, unsigned id, GError **err);
void sim_router_free(struct sim_router *sr);
void sim_router_start(struct sim_router *sr);
void sim_router_crash(struct sim_router *sr);
void sim_router_recover(struct sim_router *sr);
void sim_router_rx_data(struct sim_router *sr, const uint8_t *pkt, size_t len, uint64_t now);
void sim_router_rx_msg(struct sim_router *sr, unsigned node, const uint8_t *msg, size_t len, uint64_t now);
void sim_router_carrier(struct sim_router *sr, unsigned node, bool up);

#endif
