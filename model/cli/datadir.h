/* datadir.h - where lbsim finds its companion files: the gnuplot scripts
 * (`lbsim plot`, `lbsim validate`), the example scenarios, and the real
 * testbed's programs and script (`lbsim validate`).
 *
 * No source path is compiled in.  In order:
 *   1. an environment variable (LBSIM_ANALYSIS, LBSIM_SCENARIOS,
 *      LBSIM_VALIDATE_HELPERS, LBSIM_VALIDATE_SCRIPT);
 *   2. the build tree: a file `lbsim-build-tree` beside the executable
 *      (meson writes it there, it is never installed) names the source and
 *      build directories;
 *   3. the installed layout, relative to the executable: <bindir>/../share/lbsim/
 *      {analysis,scenarios,validate/testbed.sh} and <bindir>/../libexec/lbsim/
 *      (meson's datadir and libexecdir, taken relative to bindir). */
#ifndef LBSIM_DATADIR_H
#define LBSIM_DATADIR_H

enum lbsim_place {
	LBSIM_ANALYSIS_DIR,     /* analysis/: plot.sh, *.gp */
	LBSIM_SCENARIOS_DIR,    /* scenarios/ */
	LBSIM_VALIDATE_HELPERS, /* lbv-agentd, lbv-send, lbv-recv */
	LBSIM_VALIDATE_SCRIPT,  /* testbed.sh */
	LBSIM_PLACES
};

/* The path (static storage, resolved once). */
const char *lbsim_place(enum lbsim_place p);

#endif
