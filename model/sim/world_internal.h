/* world_internal.h - the parts of one run (world.c composes them; its
 * topology is built by topology.c).  Internal to model/sim. */
#ifndef LB_SIM_WORLD_INTERNAL_H
#define LB_SIM_WORLD_INTERNAL_H

#include "node.h"
#include "router.h"
#include "traffic.h"
#include "upstream.h"
#include "world.h"

struct world {
	const struct scenario *sc;
	struct world_opts opts;
	uint32_t replication;
	struct shim_sim *sim;
	struct sim_metrics m;
	struct sim_summary s;
	struct sim_flows flows;
	struct net net;
	struct lb_hasher cluster_hasher;
	struct sim_router routers[SCENARIO_MAX_ROUTERS];
	unsigned n_routers;
	struct sim_upstream upstream; /* n_routers > 1 only */
	struct sim_node nodes[LB_MAX_NODES];
	unsigned n_nodes;
	uint32_t backplane_dev[LB_MAX_NODES];
	struct traffic traffic;
	uint32_t *client_node, *client_dev, *router_client_dev; /* per client */
	struct shim_rng *rng_phase, *rng_refresh;               /* rng streams 3, 4 */
	struct shim_rng *rng_upstream;                          /* rng stream 5 (n_routers > 1) */
	gboolean interrupted;
	int failed_node; /* node of the first failure, -1 if none or not node-specific */
	double pending_sum; /* shim_events_pending at each bin's end (run.json) */
	uint64_t pending_samples;
};

/* Creates the shim nodes and links of w's scenario and registers every
 * device's role (topology.c).  FALSE with err set if the shim refuses. */
gboolean world_build_topology(struct world *w, GError **err);

#endif
