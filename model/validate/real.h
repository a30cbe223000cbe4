/* real.h - the raw logs of one real repetition (testbed.sh run) turned
 * into lbsim's figures: shared by real_events.c, real_packets.c and
 * analyze.c.  Times are ns relative to T0, the repetition's time zero (the
 * scenario's t = 0: the sender's start), so they line up with the
 * simulator's. */
#ifndef LBV_REAL_H
#define LBV_REAL_H

#include <glib.h>
#include <stdint.h>

#include "lbcore/lb_types.h"
#include "scenario.h"

#define REAL_NEVER INT64_MAX

/* One row of events.csv. */
struct real_event {
	int64_t t_ns;
	int node;          /* -1: the router */
	const char *kind;  /* a static string: the simulator's event names, plus
			      update_rx, med_set, agent_error (real only) */
	int64_t value;     /* -1: empty */
	bool has_set;
	lb_nodeset set;
};

/* A failure as the orchestrator ran it (failures.log). */
struct real_failure {
	int64_t before_ns, after_ns; /* around the command that made it real */
	int64_t t_ns;                /* when it took effect (analyze.c): after_ns, or for
					the first failure the first packet lost from before_ns on */
	enum lb_failure_kind kind;
	int node;
};

struct real_meta {
	uint64_t t0_ns;           /* CLOCK_REALTIME of T0 */
	uint64_t phase_delay_ns;
	char tag[64];
	char frr[64];
	GArray *failures;         /* struct real_failure, in time order */
	int64_t t_fail_ns;        /* the first failure (not a recovery); REAL_NEVER: none */
	int64_t fail_begin_ns;    /* when the command making it began (its before_ns) */
	int failed_node;          /* its node, -1 */
};

/* Parses failures.log into m (kinds by the core's names, lbcore/lb_failure.h). */
gboolean real_failures_load(const char *raw, struct real_meta *m, GError **err);

/* Every event of the repetition from the agents' logs, the router's bgpd
 * log, `ip monitor route` and failures.log, in time order, within
 * [0, duration]; the first is the route the router forwards by at T0. */
GArray *real_events_load(const char *raw, const struct scenario *sc, const struct real_meta *m, GError **err);

/* What the packet logs say. */
struct real_packets {
	uint64_t sent, delivered, lost, duplicates, send_errors, recv_errors;
	uint64_t late_max_ns;
	uint64_t blackhole_by_flow; /* lost after t_fail on a flow the failed node was receiving */
	int64_t first_loss_ns, last_loss_ns; /* sent from fail_begin_ns on; REAL_NEVER: none */
	size_t n_bins;
	unsigned n_nodes;
	/* per bin: sent, delivered, lost, blackhole (by flow); per bin and node: rx */
	uint64_t *bin_sent, *bin_delivered, *bin_lost, *bin_blackhole, *node_rx;
};

gboolean real_packets_load(const char *raw, const struct scenario *sc, const struct real_meta *m,
			   struct real_packets *p, GError **err);
void real_packets_free(struct real_packets *p);

/* "FILE: what" errors of the analysis. */
#define REAL_ERROR (real_error_quark())
GQuark real_error_quark(void);

#endif
