/* output.h - a run's result files (doc/outputs.md).
 *
 * The files of one replication are written into a staged directory that
 * results.h puts in place as a whole, so a crash or Ctrl-C never leaves a
 * half-written result.  Every number is a plain SI value (seconds, bytes);
 * times are printed from integer nanoseconds with 9 decimals, so reruns are
 * byte-identical.  Wall-clock values never go in a CSV (run.json only). */
#ifndef LB_SIM_OUTPUT_H
#define LB_SIM_OUTPUT_H

#include <glib.h>

#include "lbcore/lb_flow.h"
#include "metrics.h"
#include "scenario.h"

/* The figures of one run besides what struct sim_metrics holds. */
struct sim_summary {
	uint32_t replication;
	uint64_t seed;
	uint64_t in_flight;  /* data packets inside the network at the end */
	uint64_t events;     /* simulator events executed */
	uint64_t t_detect_ns, t_readvertise_ns, t_install_ns, t_restore_ns; /* LB_TIME_NEVER: empty */
	double peak_node_share; /* largest share of the VIP's packets drawn by one node after the failure,
	                           over spans of bins holding >= 100 packets (or all after the failure) */
	uint64_t flows_alive_at_fail;  /* flows that had started and not ended at t_fail */
	uint64_t broken_alive_at_fail; /* ... of which broke */
	double local_fraction; /* packets the receiving node owned itself (not steered), before the first
	                          failure (the whole run without one); NAN: none received */
	double wall_s;          /* run.json only */
	/* run.json only (benchmarks): the event loop alone (world_run's
	 * simulation, not building the world), wall-clock and process CPU
	 * seconds, and the simulator events pending on average (sampled at
	 * every bin's end: shim_events_pending) */
	double run_wall_s, run_cpu_s;
	double events_pending_mean;
};

struct sim_flows_view {
	size_t n;
	const struct sim_flow_rec *(*at)(const void *ctx, size_t i);
	const void *ctx;
	const struct lb_flow_key *(*key_at)(const void *ctx, size_t i); /* the flow's 5-tuple */
};

/* The header of summary.csv (no newline); stable interface. */
extern const char sim_summary_header[];

/* Appends one summary.csv data row (with newline) to out. */
void output_summary_row(GString *out, const struct scenario *sc, const struct sim_metrics *m,
			const struct sim_summary *s);

/* The per-run CSVs' own columns and rows, shared with the real side of
 * `lbsim validate` (model/validate/analyze.c) so both write one format.
 * Every header and row of these files then ends with the run's identity
 * (output_identify). */
extern const char sim_events_header[]; /* events.csv: time_s,...,router (no newline) */
extern const char sim_nodes_header[];  /* nodes.csv (no newline) */
/* Appends timeseries.csv's header: time_s,sent,delivered,lost,drop_<cause>... (no newline). */
void output_timeseries_header(GString *out);
/* One row (with newline) of timeseries.csv for the bin starting at t_ns (lost = the sum of its drops). */
void output_timeseries_row(GString *out, uint64_t t_ns, const struct sim_bin *b);
/* One row (with newline) of nodes.csv: node's bin starting at t_ns. */
void output_nodes_row(GString *out, uint64_t t_ns, unsigned node, const struct sim_node_bin *x);
/* One row (with newline) of events.csv; node, value and router < 0 and a
 * set without has_set are written empty (doc/outputs.md). */
void output_event_row(GString *out, uint64_t t_ns, int node, const char *event, int64_t value, bool has_set,
		      lb_nodeset set, int router);
/* Consumes csv and returns it with ",scenario,sweep,replication,seed" after
 * its header line and the run's values (sweep: the run's sweep point,
 * empty without [sweep]) after every other line. */
GString *output_identify(GString *csv, const struct scenario *sc, uint32_t replication, uint64_t seed);

/* Writes summary.csv, timeseries.csv, nodes.csv, events.csv, failures.csv,
 * routers.csv, router_load.csv, run.json and, when flows is not NULL,
 * flows.csv into the existing directory dir (a run's staged replication:
 * results.h puts it in place).  FALSE with err set on an I/O error. */
gboolean output_write_files(const char *dir, const struct scenario *sc, const struct sim_metrics *m,
			    const struct sim_summary *s, const struct sim_flows_view *flows, GError **err);

/* Provenance: what made a result (run.json, campaign.json).  main() hands
 * over its command line once, before anything is written; the time of that
 * call is the run's UTC start. */
void output_set_command_line(int argc, char **argv);
/* A JSON object (json-glib; the caller unrefs it): program, version, commit
 * (git describe of the source tree at build time), ns3_version, the command
 * line as an array, every --set value, host, start_utc (ISO 8601). */
struct _JsonNode *output_provenance(void);

/* Writes contents to path atomically (path.tmp then rename). */
gboolean output_write_file(const char *path, const char *contents, gsize len, GError **err);

/* Formats t_ns as seconds with 9 decimals into buf (>= 32 bytes); an
 * LB_TIME_NEVER time gives the empty string. */
const char *output_seconds(char *buf, uint64_t t_ns);

#endif
