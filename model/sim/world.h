/* world.h - one simulation run: the scenario's world built on ns-3 (through
 * the shim) with model/core running in the router and the cluster nodes.
 *
 * Only one world may exist at a time (ns-3's simulator is a process-wide
 * singleton).  Ownership: the world borrows the scenario, which must outlive
 * it; metrics, summary and flows belong to the world. */
#ifndef LB_SIM_WORLD_H
#define LB_SIM_WORLD_H

#include <glib.h>
#include <signal.h>

#include "metrics.h"
#include "output.h"
#include "scenario.h"

struct world;

/* Errors of a run (GError domain). */
#define SIM_ERROR sim_error_quark()
GQuark sim_error_quark(void);
enum sim_error { SIM_ERROR_INVALID, SIM_ERROR_FAILED, SIM_ERROR_INTERRUPTED, SIM_ERROR_UNBALANCED };

struct world_opts {
	const char *pcap_dir;  /* write pcap files here when the scenario asks; NULL: none */
	const volatile sig_atomic_t *stop; /* set by a signal handler: the run stops early */
	/* Called about every 100 ms of simulated time (NULL: never). */
	void (*progress)(void *user, uint64_t now_ns, uint64_t duration_ns, uint64_t events);
	void *progress_user;
};

/* Builds the world; NULL with err set when the scenario cannot be run
 * (e.g. an IPv6 traffic mix with an IPv4 VIP). */
struct world *world_create(const struct scenario *sc, uint32_t replication, const struct world_opts *o,
			   GError **err);
/* Runs to the scenario's duration.  Returns FALSE with err set when the run
 * was interrupted or its packet accounting does not balance. */
gboolean world_run(struct world *w, GError **err);
const struct sim_metrics *world_metrics(const struct world *w);
const struct sim_summary *world_summary(const struct world *w);
struct sim_flows_view world_flows(const struct world *w);
void world_free(struct world *w);

#endif
