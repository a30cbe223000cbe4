/* flows.c - see flows.h. */
#define _DEFAULT_SOURCE /* madvise */
#include "flows.h"

#include <glib.h>
#include <stdint.h>
#include <sys/mman.h>

#include "scenario.h"

/* The loader bounds what a run allocates with this size (scenario_cost):
 * a flow record and its send-queue slots (16 bytes, the ring doubling). */
G_STATIC_ASSERT(sizeof(struct sim_flow) + 2 * 16 <= SCENARIO_FLOW_BYTES);

#define FLOW_CHUNK 65536u

/* A chunk of FLOW_CHUNK zeroed flows (8 MiB): fresh anonymous memory
 * (zero, and untouched until used, as calloc's), aligned to 2 MiB and marked
 * for transparent huge pages (a hint; Linux's default THP mode "madvise"
 * honours it, others ignore it): a million flows send in random order, and
 * with 4 KiB pages each send would also miss the TLB.  The alignment keeps
 * every 128-byte flow on two cache lines. */
#define CHUNK_ALIGN ((size_t)2 << 20)
#define CHUNK_BYTES ((size_t)FLOW_CHUNK * sizeof(struct sim_flow))

static struct sim_flow *chunk_new(void)
{
	size_t map = CHUNK_BYTES + CHUNK_ALIGN;
	char *m = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		g_error("flows: out of memory (%zu bytes)", CHUNK_BYTES);
	char *p = (char *)(((uintptr_t)m + CHUNK_ALIGN - 1) & ~(uintptr_t)(CHUNK_ALIGN - 1));
	if (p > m)
		munmap(m, (size_t)(p - m));
	if (p + CHUNK_BYTES < m + map)
		munmap(p + CHUNK_BYTES, (size_t)(m + map - (p + CHUNK_BYTES)));
#ifdef MADV_HUGEPAGE
	(void)madvise(p, CHUNK_BYTES, MADV_HUGEPAGE);
#endif
	return (struct sim_flow *)p;
}

struct sim_flow *flows_new(struct sim_flows *fs)
{
	if (fs->n == fs->n_chunks * FLOW_CHUNK) {
		if (fs->n_chunks == fs->cap_chunks) {
			fs->cap_chunks = fs->cap_chunks ? 2 * fs->cap_chunks : 16;
			fs->chunks = g_renew(struct sim_flow *, fs->chunks, fs->cap_chunks);
		}
		fs->chunks[fs->n_chunks++] = chunk_new();
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
		munmap(fs->chunks[i], CHUNK_BYTES);
	g_free(fs->chunks);
	*fs = (struct sim_flows){0};
}
