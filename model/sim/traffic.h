/* traffic.h - the clients (flows to the VIP, their packets) and the
 * servers behind the nodes (deliveries, sequence checks, gaps). */
#ifndef LB_SIM_TRAFFIC_H
#define LB_SIM_TRAFFIC_H

#include "net.h"

struct traffic {
	struct net *net;
	struct shim_rng *rng_flow, *rng_addr; /* rng streams 1 and 2 */
	const uint32_t *client_dev;           /* per client: its device towards the router */
	/* [links] client_link = off: no client devices; a packet is handed to
	 * the router (or upstream stage) at once through this */
	void (*inject)(void *user, const uint8_t *pkt, size_t len, uint64_t now);
	void *inject_user;
	/* Flows' next sends, in due-time order: a ring of (due, flow id) with
	 * one pending shim event for its head. */
	struct send_slot {
		uint64_t due;
		uint32_t flow;
	} *sendq;
	size_t sendq_head, sendq_len, sendq_cap;
	uint64_t ev_send, ev_send_due;
};

/* Creates the initial flows and starts sending (the run's start). */
void traffic_start(struct traffic *t);
void traffic_server_rx(struct traffic *t, const uint8_t *pkt, size_t len, uint64_t now);
void traffic_free(struct traffic *t);

#endif
