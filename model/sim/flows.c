/* flows.c - see flows.h. */
#include "flows.h"

#include <glib.h>

#include "scenario.h"

/* The loader bounds what a run allocates with this size (scenario_cost):
 * a flow record and its send-queue slots (16 bytes, the ring doubling). */
G_STATIC_ASSERT(sizeof(struct sim_flow) + 2 * 16 <= SCENARIO_FLOW_BYTES);

#define FLOW_CHUNK 65536u

struct sim_flow *flows_new(struct sim_flows *fs)
{
	if (fs->n == fs->n_chunks * FLOW_CHUNK) {
		if (fs->n_chunks == fs->cap_chunks) {
			fs->cap_chunks = fs->cap_chunks ? 2 * fs->cap_chunks : 16;
			fs->chunks = g_renew(struct sim_flow *, fs->chunks, fs->cap_chunks);
		}
		fs->chunks[fs->n_chunks++] = g_new0(struct sim_flow, FLOW_CHUNK);
	}
	g_assert(fs->n < UINT32_MAX);
	struct sim_flow *f = &fs->chunks[fs->n / FLOW_CHUNK][fs->n % FLOW_CHUNK];
	f->id = (uint32_t)fs->n++;
	return f;
}

struct sim_flow *flows_at(const struct sim_flows *fs, uint32_t id)
{
	g_assert(id < fs->n);
	return &fs->chunks[id / FLOW_CHUNK][id % FLOW_CHUNK];
}

void flows_free(struct sim_flows *fs)
{
	for (size_t i = 0; i < fs->n_chunks; i++)
		g_free(fs->chunks[i]);
	g_free(fs->chunks);
	*fs = (struct sim_flows){0};
}
