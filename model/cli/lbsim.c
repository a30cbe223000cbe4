/* lbsim - the command-line program: one table of commands (below), each
 * with its own GOptionContext (`lbsim COMMAND --help`).
 *
 * Exit status: 0 success; 1 a run failed (e.g. its accounting did not
 * balance), a tool it calls failed, or another run is writing into the same
 * output directory; 2 bad input or usage; 130 interrupted by SIGINT, SIGTERM
 * or SIGHUP (nothing of the unfinished run is left in results). */
#define _POSIX_C_SOURCE 200809L
#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.h"
#include "export.h"
#include "inspect.h"
#include "output.h"
#include "results.h"
#include "scenario.h"
#include "sweep.h"
#include "cli.h"
#include "commit.h"
#include "datadir.h"
#include "validate.h"
#include "version.h"
#include "world.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* describe: the closed forms, an [expectation] block printed as comments
 * (print_expectation_comments), so that describe's whole text loads back as
 * the same scenario. */
/* The expectations' figures (router_only: only the router crash's). */
static void print_figures(FILE *f, const struct expectation *e, bool router_only)
{
	for (int k = 0; k < EXP_N; k++) {
		enum expect_figure i = expect_print_order[k];
		const struct expect_fig *x = &e->fig[i];
		if (isnan(x->value) || (router_only && !expect_is_router(i)))
			continue;
		fprintf(f, "%s = %.6g%s  # +-%.0f%% [%s]: %s%s\n", expect_column[i], x->value,
			!expect_is_time(i)     ? ""
			: expect_is_router(i) ? " s after the router crash"
					      : " s after t_fail",
			x->tolerance * 100, x->why_tolerance, x->formula, x->formula_more);
	}
}

static void print_expectation(FILE *f, const struct scenario *sc)
{
	struct expectation e;
	expect_first_failure(sc, &e);
	fprintf(f, "\n[expectation]  # closed forms (doc/model.md, \"Expectations\"); not part of the scenario\n");
	if (sc->profile == LB_PROFILE_IDEAL)
		fprintf(f, "# router profile ideal: independent fixed delays, not a real router's control plane "
			   "(profile = frr imitates FRR's work queues: doc/model.md)\n");
	if (e.has_router_failure)
		fprintf(f, "t_router_fail_s = %.6f  # the first router crash (router %d)\n"
			   "router_share = %.4f  # s: its share of the flows (the upstream stage's ECMP)\n"
			   "router_rate_pps = %.0f  # R_tot at its crash\n",
			(double)e.t_router_fail_ns / 1e9, e.failed_router, e.router_share, e.router_rate_pps);
	if (!e.has_failure || sc->nodes < 2) {
		fprintf(f, "# %s: no node loss window to expect\n",
			e.has_failure ? "one node, no survivor" : "no node crash in the scenario");
		print_figures(f, &e, true);
		return;
	}
	const struct expect_remap *r = &e.remap;
	fprintf(f, "t_fail_s = %.6f  # the first crash (node %d); %.3f s of it measured\n"
		   "flows_at_fail = %.0f\nrate_pps = %.0f  # R\n"
		   "path_update_s = %.6f  # update received -> forwarding\n"
		   "path_session_down_s = %.6f  # hold expiry / BFD down -> forwarding\n"
		   "node_advertise_s = %.6f  # agent decision -> update sent\n"
		   "owner_share = %.4f  # a: the dead node's flows (owner selection)\n"
		   "owner_moves = %.4f  # q: P(a surviving owner changes), no cache\n"
		   "owner_remap_fraction = %.4f  # a + (1-a) q: flows whose owner changes, no cache\n"
		   "ecmp_share = %.4f  # e: the dead node's share of the router's ECMP\n"
		   "ecmp_stay = %.4f  # a survivor's flow keeps its receiver when the route goes\n",
		(double)e.t_fail_ns / 1e9, e.failed_node, e.run_after_fail_s, e.flows_at_fail, e.rate_pps,
		e.path_update_s, e.path_session_down_s, e.node_advertise_s, r->owner_share, r->owner_moves,
		e.remap_fraction, r->ecmp_share, r->ecmp_stay);
	if (r->exposure > 0)
		fprintf(f, "exposure = %.4f  # a survivor's flow meets a receiver without its cache entry\n",
			r->exposure);
	if (e.p_second_window > 0)
		fprintf(f, "p_second_window = %.4f  # a premature restore (W < the dead route's remaining hold)\n",
			e.p_second_window);
	if (sc->router_count > 1)
		fprintf(f, "# seen by %u routers: every node refreshes and advertises to all at once and each "
			   "router's timers follow the same law, so each router's window is the one below and the "
			   "loss is summed over them (each carries 1/%u of the flows)\n",
			sc->router_count, sc->router_count);
	fprintf(f, "# each figure: the mean over the random timer phases, +- what one run may differ by "
		   "(at least 25%%; 3 sd of one run: its timer phases, which flows the dead node receives or owns, "
		   "the count)\n");
	print_figures(f, &e, false);
}

/* The [expectation] block with every line commented out ("# "). */
static void print_expectation_comments(FILE *f, const struct scenario *sc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return;
	print_expectation(m, sc);
	fclose(m);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	free(text);
	for (char **l = lines; *l; l++)
		if (**l || l[1]) /* not the empty string after the last newline */
			fprintf(f, "%s%s\n", **l && **l != '#' ? "# " : "", *l);
}

static void progress(void *user, uint64_t now_ns, uint64_t duration_ns, uint64_t events)
{
	GTimer *t = user;
	static double last_print;
	double el = g_timer_elapsed(t, NULL);
	if (el - last_print < 0.2 && now_ns < duration_ns)
		return;
	last_print = el;
	double frac = (double)now_ns / (double)duration_ns;
	double eta = frac > 0 ? el * (1 - frac) / frac : 0;
	fprintf(stderr, "\r  t = %8.3f / %.3f s   %6.2f Mevents/s   ETA %5.0f s ", (double)now_ns / 1e9,
		(double)duration_ns / 1e9, el > 0 ? (double)events / el / 1e6 : 0.0, eta);
}

static void print_summary(const struct scenario *sc, const struct sim_metrics *m, const struct sim_summary *s)
{
	char a[32], b[32], c[32], d[32], e[32];
	const struct sim_bin *t = &m->total;
	printf("%s rep %" PRIu32 " (seed %" PRIu64 ", %u nodes, failover %s, owner %s, cache %s, ecmp %s)\n",
	       sc->name, s->replication, s->seed, sc->nodes, sc->failover->name, lb_owner_kind_name(sc->owner_hash),
	       sc->session_cache ? "on" : "off", lb_ecmp_kind_name(sc->ecmp));
	printf("  packets  sent %" PRIu64 "  delivered %" PRIu64 "  lost %" PRIu64 "  in flight %" PRIu64 "\n",
	       t->sent, t->delivered, metrics_lost(t), s->in_flight);
	printf("  drops   ");
	for (int i = 0; i < SIM_DROP_N; i++)
		printf(" %s %" PRIu64, sim_drop_names[i], t->drop[i]);
	printf("\n  flows    total %" PRIu64 "  broken %" PRIu64 "\n", m->flows_total, m->flows_broken);
	uint64_t win = m->last_drop_after_fail_ns == LB_TIME_NEVER ? LB_TIME_NEVER
								    : m->last_drop_after_fail_ns - m->t_fail_ns;
	printf("  times    fail %s  detect %s  readvertise %s  install %s  restore %s  (s)\n",
	       output_seconds(a, m->t_fail_ns), output_seconds(b, s->t_detect_ns),
	       output_seconds(c, s->t_readvertise_ns), output_seconds(d, s->t_install_ns),
	       output_seconds(e, s->t_restore_ns));
	printf("  loss window %s s   backplane %" PRIu64 " bytes   peak node share %.3f   %" PRIu64
	       " events in %.2f s wall\n",
	       win == LB_TIME_NEVER ? "-" : output_seconds(a, win), m->backplane_bytes, s->peak_node_share, s->events,
	       s->wall_s);
	struct expectation x;
	expect_first_failure(sc, &x);
	if ((!x.has_failure || sc->nodes < 2) && !x.has_router_failure)
		return;
	/* the closed forms take the router's and the cluster's hashes as
	 * independent: say so when they are one function (doc/model.md, "Hash
	 * polarisation") */
	for (unsigned r = 0; r < sc->router_count; r++)
		if (sc->routers[r].ecmp_hash == sc->flow_hash && sc->routers[r].ecmp_hash_seed == sc->flow_hash_seed)
			printf("  note: router %u's ECMP hash is the cluster's flow hash (%s, seed 0x%" PRIx32
			       "): the closed forms assume independent hashes (hash polarisation, doc/model.md)\n",
			       r, lb_hash_kind_name(sc->flow_hash), sc->flow_hash_seed);
	printf("  %-22s %12s %12s %7s\n", "measured vs expected", "measured", "expected", "bound");
	for (int k = 0; k < EXP_N; k++) {
		enum expect_figure i = expect_print_order[k];
		const struct expect_fig *f = &x.fig[i];
		double got = expect_measured(i, m, s);
		if (isnan(f->value))
			continue;
		bool ok = expect_agrees(f, got);
		/* beyond 25% but within the figure's own bound (what one run's
		 * timer phases and flow draws may move it): said, not flagged */
		double off = f->value != 0 ? (got - f->value) / fabs(f->value) : 0;
		g_autofree gchar *note = ok && fabs(off) > 0.25 && fabs(got - f->value) > f->slack
						 ? g_strdup_printf("  off by %+.0f%%, within one run's spread", off * 100)
						 : g_strdup("");
		printf("  %-22s %12.6g %12.6g %6.0f%%%s%s%s%s\n", expect_column[i], got, f->value, f->tolerance * 100,
		       !expect_is_time(i)     ? ""
		       : expect_is_router(i) ? "  (s after the router crash)"
					     : "  (s after t_fail)",
		       note, ok ? "" : "  DIVERGES: ", ok ? "" : expect_reason(i, f, got));
	}
}

struct cli_run {
	gboolean quiet;
	long replication; /* -1: all */
};
static int run_scenario(struct scenario *sc, const struct cli_run *c);

static int cmd_run(int argc, char **argv)
{
	struct cli_scenario so = {0};
	gint replication = -1;
	gboolean quiet = FALSE;
	GOptionEntry entries[] = {
		{"run", 'r', 0, G_OPTION_ARG_INT, &replication, "Run only replication R (0 .. replications - 1)", "R"},
		{"replication", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &replication, "The same as --run", "R"},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx =
		cli_context("run", "FILE", "run a scenario's replications and write their results",
			    "Writes DIR/summary.csv (one row per replication) and DIR/rep<R>/ (timeseries, nodes, events,\n"
			    "failures, routers, run.json, ...), doc/outputs.md.  The result set is replaced as a whole;\n"
			    "a second writer into the same DIR is refused.  A [sweep] group is not expanded: use\n"
			    "`lbsim sweep`.");
	cli_add_scenario(ctx, &so, TRUE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse_file(ctx, "run", &argc, &argv)) {
		cli_scenario_clear(&so);
		return 2;
	}
	struct cli_run c = {.quiet = quiet, .replication = replication};
	struct scenario *sc = cli_load("run", argv[1], &so, quiet);
	cli_scenario_clear(&so);
	if (!sc)
		return 2;
	if (sc->n_sweep > 0 && !quiet)
		fprintf(stderr,
			"lbsim run: warning: %s has a [sweep] group (%zu key%s): `lbsim run` runs its base point only; "
			"`lbsim sweep %s` runs every point\n",
			sc->path, sc->n_sweep, sc->n_sweep == 1 ? "" : "s", sc->path);
	return run_scenario(sc, &c);
}

/* Runs sc's replications (all, or c->replication) into its output dir;
 * frees sc. */
static int run_scenario(struct scenario *sc, const struct cli_run *c)
{
	g_autoptr(GError) err = NULL;
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C kills at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL); /* the terminal went away: stop as cleanly as on Ctrl-C */
	bool tty = !c->quiet && isatty(STDERR_FILENO);
	GString *all = g_string_new(sim_summary_header);
	g_string_append_c(all, '\n');
	int rc = 0;
	uint32_t first = 0, last = sc->replications;
	if (c->replication >= 0) {
		if ((uint32_t)c->replication >= sc->replications) {
			fprintf(stderr, "lbsim run: --run %ld: the scenario has %" PRIu32 " replications (0..%" PRIu32 ")\n",
				c->replication, sc->replications, sc->replications - 1);
			scenario_free(sc);
			g_string_free(all, TRUE);
			return 2;
		}
		first = (uint32_t)c->replication;
		last = first + 1;
	}
	/* The result directory, locked against a second writer; the new
	 * replications are staged beside the old set and put in place together
	 * at the end (results.h).  A directory this run creates goes away again
	 * if the run fails (a user's existing one stays as it was). */
	struct results *res = results_open(sc->output_dir, first, last, c->replication < 0, &err);
	if (!res) {
		fprintf(stderr, "lbsim: %s\n", err->message);
		scenario_free(sc);
		g_string_free(all, TRUE);
		return 1;
	}
	for (uint32_t r = first; r < last && rc == 0; r++) {
		const char *tmp = results_stage(res, r, &err);
		if (!tmp) {
			fprintf(stderr, "lbsim: %s\n", err->message);
			rc = 1;
			break;
		}
		GTimer *timer = g_timer_new();
		struct world_opts o = {.pcap_dir = tmp, .stop = &stop_flag, .progress = tty ? progress : NULL,
				       .progress_user = timer};
		struct world *w = world_create(sc, r, &o, &err);
		if (!w) {
			fprintf(stderr, "lbsim: %s\n", err->message);
			g_timer_destroy(timer);
			rc = 2;
			break;
		}
		gboolean ok = world_run(w, &err);
		if (tty)
			fputs("\r\033[K", stderr);
		struct sim_summary s = *world_summary(w);
		s.wall_s = g_timer_elapsed(timer, NULL);
		g_timer_destroy(timer);
		if (ok) {
			struct sim_flows_view fv = world_flows(w);
			ok = output_write_files(tmp, sc, world_metrics(w), &s, sc->flows ? &fv : NULL, &err);
		}
		if (ok) {
			output_summary_row(all, sc, world_metrics(w), &s);
			if (!c->quiet)
				print_summary(sc, world_metrics(w), &s);
		} else {
			fprintf(stderr, "lbsim: %s: replication %" PRIu32 ": %s\n", sc->path, r, err->message);
			rc = stop_flag ? 130 : 1;
		}
		world_free(w);
	}
	if (rc == 0 && stop_flag)
		rc = 130; /* a signal after the last replication: put nothing in place */
	if (rc == 0) {
		if (!results_commit(res, all->str, all->len, &err)) {
			fprintf(stderr, "lbsim: %s\n", err->message);
			rc = 1;
		} else if (!c->quiet && c->replication < 0) {
			printf("results in %s/ (summary.csv; rep*/timeseries.csv, nodes.csv, events.csv, run.json)\n",
			       sc->output_dir);
		}
	}
	results_close(res);
	g_string_free(all, TRUE);
	scenario_free(sc);
	return rc;
}

static int cmd_describe(int argc, char **argv)
{
	struct cli_scenario so = {0};
	gboolean output_dir = FALSE;
	GOptionEntry entries[] = {
		{"output-dir", 0, 0, G_OPTION_ARG_NONE, &output_dir, "Print only the directory a run would write into",
		 NULL},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx =
		cli_context("describe", "FILE", "print the resolved scenario and its closed-form expectations",
			    "Prints every key with its resolved value, then, as comments, the [expectation] block: the\n"
			    "closed forms of the first node crash and router crash with their formulas and tolerances\n"
			    "(doc/model.md, \"Expectations\").  The whole text loads back as the same scenario.");
	cli_add_scenario(ctx, &so, TRUE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse_file(ctx, "describe", &argc, &argv)) {
		cli_scenario_clear(&so);
		return 2;
	}
	struct scenario *sc = cli_load("describe", argv[1], &so, output_dir);
	cli_scenario_clear(&so);
	if (!sc)
		return 2;
	if (output_dir) {
		printf("%s\n", sc->output_dir);
	} else {
		g_autofree gchar *text = scenario_describe(sc);
		fputs(text, stdout);
		print_expectation_comments(stdout, sc);
	}
	scenario_free(sc);
	return 0;
}

/* Runs analysis/plot.sh DIR (datadir.h: where it is). */
static int cmd_plot(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx =
		cli_context("plot", "DIR", "draw the figures of a run or a campaign (gnuplot)",
			    "DIR is a run's output directory (its rep<R>/ get loss, share and outage figures) or a\n"
			    "campaign's (sweep-<figure>.png/.svg from sweep.csv); doc/outputs.md, \"Figures\".");
	if (!cli_parse(ctx, "plot", &argc, &argv))
		return 2;
	if (argc != 2) {
		cli_usage_error("plot", argc < 2 ? "no directory given" : "one directory, not %d", argc - 1);
		return 2;
	}
	g_autofree gchar *script = g_build_filename(lbsim_place(LBSIM_ANALYSIS_DIR), "plot.sh", NULL);
	char *args[] = {"sh", script, argv[1], NULL};
	g_autoptr(GError) err = NULL;
	int status = 0;
	if (!g_spawn_sync(NULL, args, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
			  NULL, &status, &err)) {
		fprintf(stderr, "lbsim plot: %s\n", err->message);
		return 1;
	}
	return g_spawn_check_wait_status(status, NULL) ? 0 : 1;
}

static int cmd_version(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = cli_context("version", "", "print lbsim's version", NULL);
	if (!cli_parse(ctx, "version", &argc, &argv))
		return 2;
	printf("lbsim %s (commit %s, ns-3 %s)\n", LBSIM_VERSION, LBSIM_COMMIT, LBSIM_NS3_VERSION);
	return 0;
}

/* The commands: looked up once by name; each parses its own options. */
static const struct command {
	const char *name, *params, *summary;
	int (*main)(int argc, char **argv); /* argv[0] is the command's name */
} commands[] = {
	{"run", "FILE", "run a scenario's replications", cmd_run},
	{"sweep", "FILE", "run a parameter study: the [sweep] grid x replications", sweep_cli},
	{"describe", "FILE", "print the resolved scenario and its closed-form expectations", cmd_describe},
	{"plot", "DIR", "draw the figures of a run or a campaign", cmd_plot},
	{"where", "FILE tcp|udp SRC SPORT DST DPORT", "follow one flow through the routers and nodes", inspect_where},
	{"hash", "tcp|udp SRC SPORT DST DPORT", "print every hash of a 5-tuple", inspect_hash},
	{"export", "DIR... -o FILE.sqlite", "put runs and campaigns into one SQLite database", export_main},
	{"validate", "FILE", "run the scenario on a real FRR router in namespaces (root)", validate_main},
	{"version", "", "print the version", cmd_version},
};

static void usage(FILE *f)
{
	fputs("usage: lbsim COMMAND [OPTIONS] ARGS   (lbsim COMMAND --help: every option)\n\n", f);
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-9s %-34s %s\n", commands[i].name, commands[i].params, commands[i].summary);
}

int main(int argc, char **argv)
{
	output_set_command_line(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0)
		name = "version";
	if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		if (argc < 3 || strcmp(name, "help") != 0) {
			usage(stdout);
			return 0;
		}
		/* lbsim help COMMAND = lbsim COMMAND --help */
		char *args[] = {argv[2], "--help", NULL};
		for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
			if (strcmp(commands[i].name, argv[2]) == 0)
				return commands[i].main(2, args);
		name = argv[2];
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	const char *names[G_N_ELEMENTS(commands) + 1];
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		names[i] = commands[i].name;
	names[G_N_ELEMENTS(commands)] = NULL;
	const char *near = scenario_nearest(name, names);
	fprintf(stderr, "lbsim: unknown command \"%s\"%s%s%s\n", name, near ? "; did you mean `" : "",
		near ? near : "", near ? "'?" : "");
	usage(stderr);
	return 2;
}
