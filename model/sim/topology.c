/* topology.c - the simulated network of one run: which shim nodes and
 * links exist and what role each device has (net.h).
 *
 * Topology: clients -- router (one point-to-point link per client, client_*
 * parameters); router -- node i (uplink_*); node i -- backplane switch
 * (backplane_*); node i -- server i (server_*).  [links] client_link = off
 * leaves out the client links (world.c's client_inject), server_link = off
 * the server links (the node delivers at once: node.c). */
#include "world_internal.h"

/* Building ---------------------------------------------------------------- */

/* A point-to-point link from node na (device role ra) to node nb (role rb),
 * both devices recorded for cluster node index `node` and router `router`. */
static gboolean link_nodes(struct world *w, uint32_t na, uint32_t nb, uint64_t rate_bps, uint64_t delay_ns,
			   enum dev_role ra, enum dev_role rb, unsigned node, unsigned router, uint32_t *a, uint32_t *b)
{
	if (shim_p2p_connect(w->sim, na, nb, rate_bps, delay_ns, w->sc->uplink_queue, a, b) < 0)
		return FALSE;
	net_add_dev(&w->net, *a, ra, node, router);
	net_add_dev(&w->net, *b, rb, node, router);
	return TRUE;
}

/* One router: clients link to it directly.  Several: clients link to the
 * upstream stage, which links to each router (upstream_*).  Then each node
 * links to every router, and to its server; the backplane joins the nodes.
 * (With one router the nodes and devices are created in the same order as
 * ever, so a run's events are too.) */
gboolean world_build_topology(struct world *w, GError **err)
{
	const struct scenario *sc = w->sc;
	struct shim_sim *sim = w->sim;
	bool stage = w->n_routers > 1;
	uint32_t front;
	if (stage) {
		front = w->upstream.shim_node = shim_node_create(sim);
		for (unsigned r = 0; r < w->n_routers; r++)
			w->routers[r].shim_node = shim_node_create(sim);
	} else {
		front = w->routers[0].shim_node = shim_node_create(sim);
	}
	w->client_node = g_new0(uint32_t, sc->clients);
	w->client_dev = g_new0(uint32_t, sc->clients);
	w->router_client_dev = g_new0(uint32_t, sc->clients);
	for (uint32_t c = 0; sc->client_link && c < sc->clients; c++) {
		w->client_node[c] = shim_node_create(sim);
		if (!link_nodes(w, w->client_node[c], front, sc->client_rate_bps, sc->client_delay_ns, ROLE_CLIENT,
				stage ? ROLE_STAGE_CLIENT : ROLE_ROUTER_CLIENT, 0, 0, &w->client_dev[c],
				&w->router_client_dev[c]))
			goto fail;
		net_set_client(&w->net, w->client_dev[c], c);
		net_set_client(&w->net, w->router_client_dev[c], c);
	}
	for (unsigned r = 0; stage && r < w->n_routers; r++)
		if (!link_nodes(w, front, w->routers[r].shim_node, sc->upstream_rate_bps, sc->upstream_delay_ns,
				ROLE_STAGE_ROUTER, ROLE_ROUTER_CLIENT, 0, r, &w->upstream.stage_dev[r],
				&w->upstream.router_dev[r]))
			goto fail;
	uint32_t bp_nodes[LB_MAX_NODES];
	for (unsigned i = 0; i < w->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];
		n->shim_node = shim_node_create(sim);
		if (sc->server_link)
			n->server_node = shim_node_create(sim);
		for (unsigned r = 0; r < w->n_routers; r++)
			if (!link_nodes(w, w->routers[r].shim_node, n->shim_node, sc->uplink_rate_bps, sc->uplink_delay_ns,
					ROLE_ROUTER_UPLINK, ROLE_NODE_UPLINK, i, r, &w->routers[r].node_dev[i],
					&n->dev_uplink[r]))
				goto fail;
		if (sc->server_link &&
		    !link_nodes(w, n->shim_node, n->server_node, sc->server_rate_bps, sc->server_delay_ns,
				ROLE_NODE_SERVER, ROLE_SERVER, i, 0, &n->dev_server, &n->dev_server_far))
			goto fail;
		bp_nodes[i] = n->shim_node;
	}
	if (shim_backplane_create(sim, bp_nodes, w->n_nodes, sc->backplane_rate_bps, sc->backplane_delay_ns,
				  sc->backplane_queue, w->backplane_dev) < 0)
		goto fail;
	for (unsigned i = 0; i < w->n_nodes; i++) {
		w->nodes[i].dev_backplane = w->backplane_dev[i];
		net_add_dev(&w->net, w->backplane_dev[i], ROLE_NODE_BACKPLANE, i, 0);
	}
	return TRUE;
fail:
	g_set_error(err, SIM_ERROR, SIM_ERROR_FAILED, "%s: the simulator rejected the topology", sc->path);
	return FALSE;
}

