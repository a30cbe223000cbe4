/* metrics.h - what a run counts: packet totals by fate, time bins, per-node
 * bins, the event log and per-flow records.  Pure bookkeeping: no ns-3.
 *
 * Every data packet is counted once as sent and, later, exactly once as
 * delivered or dropped with one cause; what is neither at the end is in
 * flight.  The world keeps its own count of data packets inside the network
 * (sent into a link, not yet received or reported dropped) and the run
 * fails unless sent = delivered + lost + that count. */
#ifndef LB_SIM_METRICS_H
#define LB_SIM_METRICS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "lbcore/lbcore.h"

enum sim_drop_cause {
	SIM_DROP_BLACKHOLE,  /* reached a node that is down */
	SIM_DROP_STEER_DEAD, /* steered over the backplane to an owner that is down */
	SIM_DROP_NO_STATE,   /* mid-flow packet at an owner holding no state for it */
	SIM_DROP_QUEUE,      /* a full queue */
	SIM_DROP_NO_ROUTE,   /* the router had no route to the VIP */
	SIM_DROP_LINK,       /* a link or device that is down or lossy */
	SIM_DROP_ROUTER_DOWN, /* reached a router that is down (the upstream stage still sends to it) */
	SIM_DROP_N
};

/* The causes of summary.csv's first drop columns, in place; later causes
 * (router_down) are appended at the end of summary.csv. */
#define SIM_DROP_DESIGN 6

/* "blackhole", "steer_dead", ...: the CSV columns are drop_<name>. */
extern const char *const sim_drop_names[SIM_DROP_N];

struct sim_bin {
	uint64_t sent;
	uint64_t delivered;
	uint64_t drop[SIM_DROP_N];
};

struct sim_node_bin {
	uint64_t rx_router;   /* data packets received from the router */
	uint64_t steered_out; /* sent over the backplane to another owner */
	uint64_t steered_in;  /* received over the backplane, as owner */
	uint64_t to_server;   /* forwarded to this node's server */
	uint64_t sessions;    /* steering sessions held (sampled at the bin's end) */
	uint64_t flow_states; /* per-flow states held as owner (sampled likewise) */
	/* during the bin: the steering cache's and the owner's table's counters */
	uint64_t cache_hits, cache_misses, cache_evictions, cache_expiries;
	uint64_t table_hits, table_misses, table_evictions, table_expiries;
};

/* Where an event's kind comes from: its code is a value of that table. */
enum sim_event_source {
	SIM_EV_FAILURE, /* enum lb_failure_kind: the scenario's failures */
	SIM_EV_ROUTER,  /* enum lb_router_event */
	SIM_EV_NODE,    /* enum lb_node_event */
	SIM_EV_UPSTREAM, /* enum lb_router_event of the upstream stage in front of several routers */
};

struct sim_event {
	uint64_t t_ns;
	int node;       /* -1: the router (or the whole cluster) */
	uint8_t source; /* enum sim_event_source */
	uint8_t code;
	int64_t value;  /* metric, peer id, ...; -1 when not applicable */
	lb_nodeset set; /* a node set (ECMP set, active set) */
	bool has_set;
	int8_t router;  /* the router it concerns; -1: none (events.csv's router column) */
};

/* "fail", "detect", "route_installed", ... (events.csv's event column). */
const char *sim_event_name(const struct sim_event *e);
static inline bool sim_event_is(const struct sim_event *e, enum sim_event_source source, int code)
{
	return e->source == source && e->code == code;
}

/* What happened from one failure (or repair) of the scenario to the next:
 * drops counted from its time until the next one's (failures.csv). */
struct sim_failure_stats {
	uint64_t at_ns;
	uint8_t kind; /* enum lb_failure_kind */
	int node;     /* -1: not node-specific */
	int router;   /* router-*: the router K; -1 otherwise */
	uint64_t drop[SIM_DROP_N];
	uint64_t first_drop_ns[SIM_DROP_N], last_drop_ns[SIM_DROP_N];
};

/* One flow's record (flows.csv). */
struct sim_flow_rec {
	uint64_t start_ns, end_ns;
	uint64_t sent, received;
	uint64_t last_rx_ns;     /* arrival of the last packet received */
	uint64_t longest_gap_ns; /* longest time between consecutive arrivals */
	uint32_t next_seq;       /* next sequence number expected at the server */
	uint32_t out_of_order;
	bool broken;             /* a packet was dropped as no_state: connection reset */
	bool disrupted;          /* lost at least one packet */
	uint8_t first_router;    /* the router that forwarded its first packet to a node (SIM_FLOW_NONE: none) */
	uint8_t first_receiver;  /* the node it sent it to (SIM_FLOW_NONE: none) */
};
#define SIM_FLOW_NONE 0xFF

struct sim_metrics {
	uint64_t bin_ns;
	size_t n_bins;
	unsigned n_nodes;
	struct sim_bin *bins;           /* n_bins */
	struct sim_node_bin *node_bins; /* n_bins x n_nodes, bin-major */
	struct sim_bin total;
	uint64_t flows_total, flows_broken;
	uint64_t backplane_bytes;       /* data bytes (wire size) steered over the backplane */
	uint64_t first_drop_after_fail_ns, last_drop_after_fail_ns;
	uint64_t first_drop_cause_ns[SIM_DROP_N], last_drop_cause_ns[SIM_DROP_N]; /* per cause, after t_fail */
	uint64_t t_fail_ns;             /* first failure; LB_TIME_NEVER if none */
	GArray *failures;               /* struct sim_failure_stats, one per failure event, in time order */
	/* per router r (0..n_routers-1; index n_routers: packets no router had forwarded yet) */
	unsigned n_routers;
	uint64_t *router_forwarded;     /* [n_routers] data packets each router forwarded to a node */
	uint64_t *router_drop;          /* [(n_routers + 1) x SIM_DROP_N]: drops by the router that forwarded them */
	uint64_t *router_node_bins;     /* [n_bins x n_routers x n_nodes]: packets router r sent node i per bin */
	GArray *events;                 /* struct sim_event, in time order */
};

void metrics_init(struct sim_metrics *m, uint64_t duration_ns, uint64_t bin_ns, unsigned n_nodes, unsigned n_routers);
void metrics_clear(struct sim_metrics *m);

static inline size_t metrics_bin(const struct sim_metrics *m, uint64_t t_ns)
{
	size_t b = (size_t)(t_ns / m->bin_ns);
	return b < m->n_bins ? b : m->n_bins - 1;
}

static inline struct sim_node_bin *metrics_node_bin(struct sim_metrics *m, uint64_t t_ns, unsigned node)
{
	return &m->node_bins[metrics_bin(m, t_ns) * m->n_nodes + node];
}

/* The largest share of the VIP's packets one node drew from the router
 * after t0, over spans of consecutive bins holding at least 100 packets
 * (summary.csv's peak_node_share); O(bins x nodes). */
double metrics_peak_node_share(const struct sim_metrics *m, uint64_t t0);

/* A failure or repair of the scenario happened: drops from now on count for it. */
void metrics_failure(struct sim_metrics *m, uint64_t t_ns, int kind, int node, int router);
void metrics_sent(struct sim_metrics *m, uint64_t t_ns);
void metrics_delivered(struct sim_metrics *m, uint64_t t_ns);
/* router: the router that had forwarded the packet, or >= n_routers for none. */
void metrics_drop(struct sim_metrics *m, uint64_t t_ns, enum sim_drop_cause why, unsigned router);
/* Router r forwarded a data packet to node i. */
void metrics_forwarded(struct sim_metrics *m, uint64_t t_ns, unsigned router, unsigned node);
uint64_t metrics_lost(const struct sim_bin *b);
void metrics_event_x(struct sim_metrics *m, uint64_t t_ns, int node, enum sim_event_source source, int code,
		     int64_t value, bool has_set, lb_nodeset set, int router);

#endif
