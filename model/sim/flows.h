/* flows.h - the run's client flows: generator state and records, in chunks
 * that never move (pending events and the send queue point into them). */
#ifndef LB_SIM_FLOWS_H
#define LB_SIM_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "lbcore/lb_flow.h"
#include "metrics.h"

struct sim_flow {
	struct sim_flow_rec rec;
	struct lb_flow_key key;
	uint64_t interval_ns;
	uint32_t id;
	uint32_t seq;    /* next sequence number to send */
	uint16_t client; /* client index */
	bool stopped;    /* reset (broken) or ended */
};

struct sim_flows {
	struct sim_flow **chunks;
	size_t n, n_chunks, cap_chunks;
};

/* A new zeroed flow with the next id. */
struct sim_flow *flows_new(struct sim_flows *fs);
struct sim_flow *flows_at(const struct sim_flows *fs, uint32_t id);
void flows_free(struct sim_flows *fs);

#endif
