/* world_internal.h - the parts of a world, shared by world.c (building and
 * running), traffic.c (clients and servers), router.c and node.c. */
#ifndef LB_SIM_WORLD_INTERNAL_H
#define LB_SIM_WORLD_INTERNAL_H

#include "lbcore/lbcore.h"
#include "shim.h"
#include "world.h"

/* Wire format of what the simulator sends.
 * Data: real IPv4/IPv6 + TCP/UDP headers (lb_flow_write_headers), then a
 * 16-byte trailer: flow id (u32), sequence (u32), send time (u64 ns), all
 * big-endian.  The first byte is 0x4_ or 0x6_.  The IP length fields cover
 * headers + trailer; the rest of packet_size is zero padding on the wire.
 * Control: first byte MSG_*, then the sender's node id, then a u32 value
 * (metric for advertisements, health for heartbeats), big-endian. */
#define DATA_TRAILER_LEN 16
#define DATA_MAX_HDR 128
/* Big-endian 32-bit fields of the trailer and of control messages. */
static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum msg_type { MSG_ADVERTISE = 0xC1, MSG_WITHDRAW = 0xC2, MSG_HEARTBEAT = 0xC3, MSG_BFD = 0xC4 };
#define MSG_LEN 6
#define MSG_WIRE_LEN 64 /* a routing update or heartbeat on the wire, bytes */

enum failover { FAILOVER_HOLD, FAILOVER_BFD, FAILOVER_READVERTISE };

/* What a device is, looked up per received packet by device id. */
enum dev_role { ROLE_NONE, ROLE_CLIENT, ROLE_ROUTER_CLIENT, ROLE_ROUTER_UPLINK, ROLE_NODE_UPLINK,
		ROLE_NODE_BACKPLANE, ROLE_NODE_SERVER, ROLE_SERVER };
struct dev_info {
	uint8_t role;
	uint8_t node; /* cluster node index for node/server/router-uplink roles */
};

/* One client flow: its generator state and its record. */
struct sim_flow {
	struct sim_flow_rec rec;
	struct lb_flow_key key;
	struct world *w;
	uint64_t interval_ns;
	uint32_t id;
	uint32_t seq;    /* next sequence number to send */
	uint16_t client; /* client index */
	bool stopped;    /* reset (broken) or ended */
};
#define FLOW_CHUNK 65536u

struct lbnode {
	struct world *w;
	unsigned id;
	bool up;           /* false after a crash, until recovery */
	bool uplink_up;    /* carrier of the router link */
	uint32_t shim_node, server_node;
	uint32_t dev_uplink, dev_backplane, dev_server, dev_server_far, dev_router; /* dev_router: router side */
	struct lb_member *member;
	struct lb_agent *agent;
	struct lb_owner *owner;
	struct lb_session *cache; /* steering sessions (NULL when session_cache = off) */
	struct lb_steer *steer;
	struct lb_session *conns; /* per-flow state held as owner */
	lb_nodeset active;
	uint64_t ev_heartbeat, ev_agent, ev_bfd; /* pending shim events, 0 = none */
	uint64_t agent_deadline;
};

/* A FIB install in flight (decided, waiting for fib_install_delay) or a
 * control message in processing: FIFO queues, one pending simulator event
 * per entry, in decision / arrival order.  Unbounded: a long delay with a
 * short refresh interval can hold many. */
struct router_install {
	lb_nodeset set;
	uint32_t metric;
};
struct router_msg {
	uint8_t node, type;
	uint32_t value;
};
struct router {
	struct lb_route *routes;
	struct lb_ecmp *ecmp;
	struct lb_hasher hasher;
	uint32_t shim_node;
	uint64_t ev_expiry, expiry_deadline;
	uint64_t ev_ecmp, ecmp_deadline; /* resilient rebalancing tick */
	GQueue installs; /* struct router_install * */
	GQueue msgs;     /* struct router_msg * */
	/* BFD: last packet from each node, and whether its session is up. */
	uint64_t bfd_last_rx[LB_MAX_NODES];
	uint64_t ev_bfd[LB_MAX_NODES];
	lb_nodeset bfd_up;
	lb_nodeset fib; /* the ECMP set the data plane forwards by */
};

struct world {
	const struct scenario *sc;
	struct world_opts opts;
	uint32_t replication;
	enum failover failover;
	struct shim_sim *sim;
	struct sim_metrics m;
	struct sim_summary s;
	struct lb_hasher cluster_hasher;
	struct router router;
	struct lbnode nodes[LB_MAX_NODES];
	unsigned n_nodes;
	uint32_t *client_node, *client_dev; /* per client */
	uint32_t *router_client_dev;
	GArray *devs; /* struct dev_info, indexed by shim device id */
	/* flows, in chunks that never move (events point into them) */
	struct sim_flow **flow_chunks;
	size_t n_flows, n_chunks, cap_chunks;
	/* Flows' next sends, in due-time order (traffic.c): a ring of
	 * (due, flow id) with one pending shim event for its head. */
	struct send_slot { uint64_t due; uint32_t flow; } *sendq;
	size_t sendq_head, sendq_len, sendq_cap;
	uint64_t ev_send, ev_send_due;
	struct shim_rng *rng_flow, *rng_addr, *rng_phase, *rng_refresh; /* rng streams 1, 2, 3, 4 */
	lb_nodeset partition_side; /* nodes cut off from the rest, 0 = none */
	bool partitioned;
	uint64_t data_in_net, ctrl_in_net; /* packets handed to the shim, not yet received or dropped */
	uint64_t ctrl_sent, ctrl_dropped;
	gboolean interrupted;
	int failed_node; /* node of the first failure, -1 if none or not node-specific */
};

/* world.c */
void world_send_data(struct world *w, uint32_t dev, uint32_t dst_dev, const uint8_t *pkt, size_t len);
void world_send_msg(struct world *w, uint32_t dev, uint32_t dst_dev, enum msg_type type, unsigned node,
		    uint32_t value);
void world_drop_data(struct world *w, const uint8_t *pkt, size_t len, enum sim_drop_cause why);
struct sim_flow *world_flow(const struct world *w, uint32_t id);
/* Keeps one pending event for a timer whose deadline is d (LB_TIME_NEVER:
 * none): *ev is the pending event (0: none), *cur the deadline it is set
 * for.  lazy: a pending event that fires before d is left alone (it fires,
 * finds nothing due and re-arms), so a deadline that moves later at every
 * message costs no cancel - ns-3 keeps cancelled events in its queue until
 * their time. */
void world_timer_rearm(struct world *w, uint64_t *ev, uint64_t *cur, uint64_t d, bool lazy, void (*cb)(void *),
		       void *user);
static inline uint64_t world_now(const struct world *w)
{
	return shim_now_ns(w->sim);
}

/* traffic.c */
void traffic_start(struct world *w);
void traffic_server_rx(struct world *w, unsigned node, const uint8_t *pkt, size_t len, uint64_t now);
void traffic_flow_broken(struct world *w, uint32_t flow_id);
uint32_t data_flow_id(const uint8_t *pkt, size_t len);
uint32_t data_seq(const uint8_t *pkt, size_t len);

/* router.c */
int router_init(struct world *w, GError **err);
void router_free(struct world *w);
void router_start(struct world *w);
void router_rx_data(struct world *w, const uint8_t *pkt, size_t len, uint64_t now);
void router_rx_msg(struct world *w, unsigned node, const uint8_t *msg, size_t len, uint64_t now);
void router_carrier(struct world *w, unsigned node, bool up);

/* node.c */
int node_init(struct world *w, struct lbnode *n, GError **err);
void node_free(struct lbnode *n);
void node_start(struct world *w, struct lbnode *n);
void node_crash(struct world *w, struct lbnode *n);
void node_recover(struct world *w, struct lbnode *n);
void node_rx_uplink(struct world *w, struct lbnode *n, const uint8_t *pkt, size_t len, uint64_t now);
void node_rx_backplane(struct world *w, struct lbnode *n, const uint8_t *pkt, size_t len, uint64_t now);
void node_uplink_changed(struct world *w, struct lbnode *n);

#endif
