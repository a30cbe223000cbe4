/* net.h - the simulated network as the router, nodes and traffic use it:
 * sending data and control packets into the shim, dropping data with a
 * cause, and the accounting that must balance at the end of a run
 * (sent = delivered + lost + data in the network).
 *
 * Every device has a role (what receives on it) and a cluster node index;
 * world.c registers them while it builds the topology and dispatches
 * received packets by role.  A partition of the backplane drops packets
 * crossing it at the switch (cause link). */
#ifndef LB_SIM_NET_H
#define LB_SIM_NET_H

#include <glib.h>

#include "flows.h"
#include "metrics.h"
#include "scenario.h"
#include "shim.h"
#include "wire.h"

enum dev_role { ROLE_NONE, ROLE_CLIENT, ROLE_ROUTER_CLIENT, ROLE_ROUTER_UPLINK, ROLE_NODE_UPLINK,
		ROLE_NODE_BACKPLANE, ROLE_NODE_SERVER, ROLE_SERVER, ROLE_STAGE_CLIENT, ROLE_STAGE_ROUTER };

struct dev_info {
	uint32_t client; /* client index for the client and client-facing roles */
	uint8_t role;
	uint8_t node;   /* cluster node index for node/server/router-uplink roles */
	uint8_t router; /* router index for router and uplink roles */
};

struct net {
	struct shim_sim *sim;
	const struct scenario *sc;
	struct sim_metrics *m;
	struct sim_flows *flows;
	GArray *devs;              /* struct dev_info, indexed by shim device id */
	lb_nodeset partition_side; /* nodes cut off from the rest, 0 = none */
	bool partitioned;
	uint64_t data_in_net, ctrl_in_net; /* handed to the shim, not yet received or dropped */
	uint64_t ctrl_sent, ctrl_dropped;
};

static inline uint64_t net_now(const struct net *n)
{
	return shim_now_ns(n->sim);
}

void net_add_dev(struct net *n, uint32_t dev, enum dev_role role, unsigned node, unsigned router);
const struct dev_info *net_dev(const struct net *n, uint32_t dev);
void net_set_client(struct net *n, uint32_t dev, uint32_t client);
/* Sends pkt[0..len) as a packet_size-byte data packet out of dev (dst_dev:
 * the destination port on the backplane, 0 elsewhere). */
void net_send_data(struct net *n, uint32_t dev, uint32_t dst_dev, const uint8_t *pkt, size_t len);
/* Sends a control message from `sender` (a node; a router towards the
 * upstream stage) out of dev as a MSG_WIRE_LEN-byte datagram (wire.h). */
void net_send_msg(struct net *n, uint32_t dev, uint32_t dst_dev, enum msg_type type, unsigned sender, uint32_t value);
/* A data packet ends here, lost for cause why; its flow is disrupted. */
void net_drop_data(struct net *n, const uint8_t *pkt, size_t len, enum sim_drop_cause why);
/* The flow's connection broke (a no_state drop): counted once; a TCP
 * client stops sending on it, a UDP client goes on. */
void net_flow_broken(struct net *n, uint32_t flow_id);

#endif
