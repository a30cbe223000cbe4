/* analyze.h - one real repetition's raw logs (testbed.sh run) -> lbsim's
 * own result files (doc/outputs.md): summary.csv, events.csv,
 * timeseries.csv, nodes.csv, run.json, so the real side reads exactly like
 * a simulated run.  doc/validation.md says where each figure comes from. */
#ifndef LBV_ANALYZE_H
#define LBV_ANALYZE_H

#include <glib.h>

#include "scenario.h"

/* The header of the real summary.csv: the simulator's columns, in its
 * order (model/sim/output.c, sim_summary_header), then columns only the
 * real side has. */
const char *lbv_real_summary_header(void);

/* Reads raw_dir, writes the files into rep_dir (created) and appends the
 * repetition's summary row (with newline) to rows.  FALSE with err set when
 * a log is missing or malformed. */
gboolean lbv_analyze_rep(const char *raw_dir, const char *rep_dir, const struct scenario *sc, unsigned rep,
			 GString *rows, GError **err);

#endif
