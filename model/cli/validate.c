/* validate.c - lbsim validate (validate.h).
 *
 * 1. Loads the scenario with scenario_load() (every bad input gets the
 *    loader's message), refuses what the testbed cannot make real (each
 *    with the file, group, key, value and why) and anyone but root.
 * 2. Per repetition r (unless --real DIR names the real repetitions of an
 *    earlier run, DIR/real, to compare with another simulation): writes
 *    the resolved parameters as a shell file
 *    (LBV_*), runs model/validate/testbed.sh on it under a deadline
 *    (duration + 60 s), then turns its raw logs into DIR/real/rep<r>/ in
 *    lbsim's own formats (model/validate/analyze.c).  Each repetition waits
 *    a random delay before its time zero, drawn from the scenario's seed and
 *    r, so the failure falls at a random phase of the BGP keepalives, the
 *    heartbeats and BFD, as it does in the simulator, and the schedule is
 *    reproducible.
 * 3. Runs the simulation: this same program, `lbsim run SCENARIO --set ...
 *    -o DIR/sim` with the user's --set values and N replications.
 * 4. Compares (model/validate/compare.c: comparison.csv, and the real
 *    component timing, timing.csv) and plots (analysis/validation.gp).
 * SIGINT/SIGTERM: the running testbed is told to stop (SIGTERM; its trap
 * removes everything it made) and lbsim exits 130; a testbed that does not
 * end within 30 s is killed and `testbed.sh cleanup TAG` removes its
 * namespaces and processes. */
#define _POSIX_C_SOURCE 200809L
#include "validate.h"

#include "cli.h"
#include "datadir.h"

#include <glib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "compare.h"
#include "lbv_util.h"
#include "scenario.h"

#define NS_PER_S UINT64_C(1000000000)
#define MAX_NODES 32u
#define MAX_FLOWS 100000u
#define MAX_RATE_PPS 100000.0

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const char *helpers_dir(void)
{
	return lbsim_place(LBSIM_VALIDATE_HELPERS);
}

static const char *testbed_script(void)
{
	return lbsim_place(LBSIM_VALIDATE_SCRIPT);
}

/* Why the testbed cannot make sc real, as "[group] key = value: why", or
 * NULL when it can (doc/validation.md, "What the testbed refuses"). */
static gchar *unreal(const struct scenario *sc)
{
	if (sc->ip_version != 4)
		return g_strdup("[traffic] ip_version = 6: the testbed is IPv4 only");
	if (sc->protocol != 17)
		return g_strdup("[traffic] protocol = tcp: the testbed sends UDP only (set protocol = udp)");
	if (sc->steering)
		return g_strdup("[cluster] steering = on: the testbed's nodes do not steer; set steering = off so that "
				"the simulation models the same thing");
	if (sc->flow_arrival_rate != 0)
		return g_strdup_printf("[traffic] flow_arrival_rate = %g: the testbed runs initial_flows constant flows "
				       "(set flow_arrival_rate = 0)", sc->flow_arrival_rate);
	if (sc->flow_duration_dist != SCENARIO_DIST_FIXED || sc->flow_duration_mean_ns < sc->duration_ns)
		return g_strdup("[traffic] flow_duration: the testbed's flows last the whole run (set flow_duration = "
				"fixed:D with D >= duration)");
	if (sc->initial_flows < 1 || sc->initial_flows > MAX_FLOWS)
		return g_strdup_printf("[traffic] initial_flows = %u: the testbed runs 1..%u flows (one socket each)",
				       sc->initial_flows, MAX_FLOWS);
	if (sc->initial_flows * sc->packet_rate > MAX_RATE_PPS)
		return g_strdup_printf("[traffic] packet_rate = %g: %g packets/s in all is beyond what one sender "
				       "paces reliably here (at most %.0f)", sc->packet_rate,
				       sc->initial_flows * sc->packet_rate, MAX_RATE_PPS);
	if (sc->clients > 1000)
		return g_strdup_printf("[traffic] clients = %u: the testbed has at most 1000 client addresses", sc->clients);
	if (sc->nodes < 1 || sc->nodes > MAX_NODES)
		return g_strdup_printf("[cluster] nodes = %u: the testbed runs 1..%u nodes (each runs FRR)", sc->nodes,
				       MAX_NODES);
	if (sc->ecmp != LB_ECMP_HASH_THRESHOLD && sc->ecmp != LB_ECMP_LINUX)
		return g_strdup_printf("[router] ecmp = %s: the Linux kernel's multipath routes select by hash-threshold "
				       "(set ecmp = linux, the kernel's own, or hash-threshold)",
				       lb_ecmp_kind_name(sc->ecmp));
	if (sc->router_count != 1)
		return g_strdup_printf("[router] count = %u: the testbed has one router", sc->router_count);
	if (sc->refresh_interval_ns % NS_PER_S || sc->refresh_interval_ns == 0)
		return g_strdup("[router] refresh_interval: BGP's keepalive time is whole seconds (RFC 4271 section 4.4)");
	if (sc->hold_time_ns % NS_PER_S || sc->hold_time_ns < 3 * NS_PER_S)
		return g_strdup("[router] hold_time: BGP's hold time is whole seconds, at least 3 s (RFC 4271 section 4.2)");
	if (sc->failover->liveness_sessions &&
	    (sc->bfd_interval_ns % 1000000 || sc->bfd_interval_ns < 10000000 || sc->bfd_multiplier < 2 ||
	     sc->bfd_multiplier > 255))
		return g_strdup("[router] bfd_interval, bfd_multiplier: FRR's bfdd takes whole milliseconds >= 10 ms and "
				"a multiplier of 2..255");
	for (size_t i = 0; i < sc->n_failures; i++) {
		enum lb_failure_kind k = sc->failures[i].kind;
		if (k != LB_FAIL_CRASH && k != LB_FAIL_RECOVER && k != LB_FAIL_LINK_DOWN && k != LB_FAIL_LINK_UP &&
		    k != LB_FAIL_BACKPLANE_DOWN && k != LB_FAIL_BACKPLANE_UP)
			return g_strdup_printf("[failure] kind = %s (at %.3f s): the testbed cannot make this kind real; it "
					       "makes crash, recover, link-down, link-up, backplane-down, backplane-up",
					       lb_kind_name(&lb_failure_kind_table, k), (double)sc->failures[i].at_ns / 1e9);
	}
	return NULL;
}

/* The random delay before repetition rep's time zero: uniform in [0, the
 * longest periodic timer) (BGP keepalive, heartbeat, BFD), from the
 * scenario's seed and rep through SplitMix64 (lbv_util.h), so each
 * repetition's draw is independent of its neighbours'. */
static uint64_t phase_delay_ns(const struct scenario *sc, unsigned rep)
{
	uint64_t period = MAX(sc->refresh_interval_ns, sc->heartbeat_interval_ns);
	if (sc->failover->liveness_sessions)
		period = MAX(period, sc->bfd_interval_ns);
	uint64_t state = sc->seed * UINT64_C(0x9e3779b97f4a7c15) + rep;
	return (uint64_t)(lbv_rand_unit(&state) * (double)period);
}

static gchar *params_env(const struct scenario *sc, unsigned rep, const char *tag)
{
	GString *g = g_string_new(NULL);
	g_string_append_printf(g, "LBV_TAG='%s'\nLBV_HELPERS='%s'\n", tag, helpers_dir());
	g_string_append_printf(g, "LBV_NODES=%u\nLBV_VIP='%u.%u.%u.%u'\n", sc->nodes, sc->vip[0], sc->vip[1], sc->vip[2],
			       sc->vip[3]);
	g_string_append_printf(g, "LBV_BASE_METRIC=%u\nLBV_REDUCTION=%u\nLBV_RESTORE_WAIT_NS=%" PRIu64 "\n",
			       sc->base_metric, sc->metric_reduction, sc->restore_wait_ns);
	g_string_append_printf(g, "LBV_HB_INTERVAL_NS=%" PRIu64 "\nLBV_HB_MISSES=%u\nLBV_REFRESH_NS=%" PRIu64 "\n",
			       sc->heartbeat_interval_ns, sc->heartbeat_misses, sc->refresh_interval_ns);
	g_string_append_printf(g, "LBV_KEEPALIVE_S=%" PRIu64 "\nLBV_HOLD_S=%" PRIu64 "\nLBV_FAILOVER='%s'\n",
			       sc->refresh_interval_ns / NS_PER_S, sc->hold_time_ns / NS_PER_S, sc->failover->name);
	g_string_append_printf(g, "LBV_BFD_INTERVAL_MS=%" PRIu64 "\nLBV_BFD_MULT=%u\n", sc->bfd_interval_ns / 1000000,
			       sc->bfd_multiplier);
	g_string_append_printf(g, "LBV_ISOLATION='%s'\n", lb_kind_name(&lb_isolation_table, sc->isolation_check));
	/* the router's kernel hashes as the scenario's router does when it is
	 * the Linux hash (testbed.sh sets the policy and the seed) */
	g_string_append_printf(g, "LBV_ECMP_HASH='%s'\nLBV_HASH_POLICY=%u\nLBV_HASH_SEED=%u\n",
			       lb_hash_kind_name(sc->ecmp_hash), sc->linux_hash_policy, sc->ecmp_hash_seed);
	g_string_append_printf(g, "LBV_FLOWS=%u\nLBV_PKT_RATE=%.9g\nLBV_PKT_SIZE=%u\nLBV_CLIENTS=%u\n", sc->initial_flows,
			       sc->packet_rate, sc->packet_size, sc->clients);
	g_string_append_printf(g, "LBV_DURATION_NS=%" PRIu64 "\nLBV_PHASE_DELAY_NS=%" PRIu64 "\nLBV_SEED=%" PRIu64 "\n",
			       sc->duration_ns, phase_delay_ns(sc, rep), sc->seed * 1000003u + rep);
	g_string_append(g, "LBV_FAILURES='");
	for (size_t i = 0; i < sc->n_failures; i++)
		g_string_append_printf(g, "%s%" PRIu64 ":%s:%d", i ? " " : "", sc->failures[i].at_ns,
				       lb_kind_name(&lb_failure_kind_table, sc->failures[i].kind), sc->failures[i].node);
	g_string_append(g, "'\n");
	return g_string_free(g, FALSE);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Runs argv and waits for it, at most timeout_s; on lbsim's own SIGINT or
 * SIGTERM, or the deadline, sends it SIGTERM and waits up to 30 s more,
 * then SIGKILL.  Returns its exit status, 124 on the deadline, 130 when
 * interrupted, -1 when it was killed or could not start. */
static int run_bounded(char **argv, double timeout_s, bool *killed)
{
	GError *err = NULL;
	GPid pid;
	*killed = false;
	if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, &pid,
			   &err)) {
		fprintf(stderr, "lbsim: validate: %s: %s\n", argv[0], err->message);
		g_error_free(err);
		return -1;
	}
	gint64 start = g_get_monotonic_time(), told = 0;
	int status, why = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		gint64 now = g_get_monotonic_time();
		if (!told && (interrupted || now - start > (gint64)(timeout_s * 1e6))) {
			why = interrupted ? 130 : 124;
			if (why == 124)
				fprintf(stderr, "lbsim: validate: %s did not finish in %.0f s: stopping it\n", argv[1], timeout_s);
			kill(pid, SIGTERM);
			told = now;
		}
		if (told && now - told > 30 * G_USEC_PER_SEC) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*killed = true;
			return -1;
		}
		sleep_ms(100);
	}
	if (why)
		return why;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct vopts {
	const char *file, *out;
	const char *real; /* --real DIR: DIR/real from an earlier run, no testbed */
	long reps;
	GPtrArray *sets; /* NULL-terminated */
};

/* Parses `lbsim validate FILE [options]` (argv[0] = "validate"). */
static bool parse(int argc, char **argv, struct vopts *o)
{
	o->sets = g_ptr_array_new_with_free_func(g_free);
	struct cli_scenario so = {0};
	gint reps = -1;
	gchar *real = NULL;
	GOptionEntry entries[] = {
		{"reps", 0, 0, G_OPTION_ARG_INT, &reps,
		 "Real repetitions (1..1000; default: the scenario's replications); the simulation runs as many", "N"},
		{"real", 0, 0, G_OPTION_ARG_FILENAME, &real,
		 "Take the real side from DIR/real of an earlier validation (no testbed, no root): compare it with a "
		 "new simulation",
		 "DIR"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) ctx = cli_context(
		"validate", "FILE", "run the scenario on a real FRR router in network namespaces, beside the simulation",
		"Needs root, FRR, nftables and iproute2 (scripts/setup installs them).  Builds its own namespaces\n"
		"(addresses inside them only), runs N repetitions there and N simulated replications, and writes\n"
		"DIR/real/, DIR/sim/, DIR/comparison.csv and its figure; doc/validation.md.");
	cli_add_scenario(ctx, &so, TRUE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	bool ok = cli_parse_file(ctx, "validate", &argc, &argv);
	if (ok && reps != -1 && (reps < 1 || reps > 1000)) {
		cli_usage_error("validate", "--reps %d: not a count in 1..1000", reps);
		ok = false;
	}
	if (ok) {
		o->file = g_strdup(argv[1]);
		o->reps = reps;
		o->real = real;
		real = NULL;
		o->out = g_steal_pointer(&so.out);
		for (gchar **x = so.sets; x && *x; x++)
			g_ptr_array_add(o->sets, g_strdup(*x));
		if (so.seed)
			g_ptr_array_add(o->sets, g_strdup_printf("scenario.seed=%s", so.seed));
	}
	g_free(real);
	cli_scenario_clear(&so);
	return ok;
}

/* One real repetition into DIR/real/rep<r>/; appends its summary row. */
static int run_rep(const struct scenario *sc, const char *real_dir, unsigned rep, GString *rows)
{
	g_autofree gchar *tag = g_strdup_printf("lbv%d-r%u", (int)getpid(), rep);
	g_autofree gchar *rep_dir = g_strdup_printf("%s/rep%u", real_dir, rep);
	g_autofree gchar *raw = g_build_filename(rep_dir, "raw", NULL);
	g_autofree gchar *params = g_strdup_printf("%s/params-%s.env", real_dir, tag);
	g_autofree gchar *text = params_env(sc, rep, tag);
	g_autoptr(GError) err = NULL;
	char *rm[] = {"rm", "-rf", rep_dir, NULL};
	if (!g_spawn_sync(NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &err) ||
	    !g_file_set_contents(params, text, -1, &err)) {
		fprintf(stderr, "lbsim: validate: %s\n", err->message);
		return 1;
	}
	char *argv[] = {"bash", (char *)testbed_script(), "run", params, raw, NULL};
	char *bash = g_find_program_in_path("bash");
	if (bash)
		argv[0] = bash;
	bool killed;
	int rc = run_bounded(argv, (double)sc->duration_ns / 1e9 + 60, &killed);
	g_free(bash);
	g_unlink(params);
	if (killed)
		fprintf(stderr, "lbsim: validate: the testbed %s did not stop: killed it\n", tag);
	if (rc != 0) {
		/* the testbed's own trap removes what it made; this also covers a testbed that was killed */
		char *cl[] = {"bash", (char *)testbed_script(), "cleanup", tag, NULL};
		g_spawn_sync(NULL, cl, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
	}
	if (killed)
		return 1;
	if (rc == 130 || interrupted) {
		/* interrupted: the testbed removed what it made; drop the partial logs too */
		g_spawn_sync(NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
		fprintf(stderr, "lbsim: validate: interrupted during repetition %u; the testbed %s removed what it made\n",
			rep, tag);
		return 130;
	}
	if (rc != 0) {
		fprintf(stderr, "lbsim: validate: repetition %u failed (testbed exit %d; logs in %s)\n", rep, rc, raw);
		return 1;
	}
	if (!lbv_analyze_rep(raw, rep_dir, sc, rep, rows, &err)) {
		fprintf(stderr, "lbsim: validate: repetition %u: %s\n", rep, err->message);
		return 1;
	}
	return 0;
}

static int run_sim(const char *file, const struct vopts *o, unsigned reps, const char *sim_dir, double timeout_s)
{
	g_autofree gchar *self = g_file_read_link("/proc/self/exe", NULL);
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup(self ? self : "lbsim"));
	g_ptr_array_add(argv, g_strdup("run"));
	g_ptr_array_add(argv, g_strdup(file));
	for (guint i = 0; i < o->sets->len; i++) {
		g_ptr_array_add(argv, g_strdup("--set"));
		g_ptr_array_add(argv, g_strdup(g_ptr_array_index(o->sets, i)));
	}
	g_ptr_array_add(argv, g_strdup("--set"));
	g_ptr_array_add(argv, g_strdup_printf("scenario.replications=%u", reps));
	g_ptr_array_add(argv, g_strdup("-o"));
	g_ptr_array_add(argv, g_strdup(sim_dir));
	g_ptr_array_add(argv, g_strdup("--quiet"));
	g_ptr_array_add(argv, NULL);
	bool killed;
	int rc = run_bounded((char **)argv->pdata, timeout_s, &killed);
	g_ptr_array_free(argv, TRUE);
	return rc;
}

static void plot(const char *dir, const struct scenario *sc)
{
	g_autofree gchar *script = g_build_filename(lbsim_place(LBSIM_ANALYSIS_DIR), "validation.gp", NULL);
	g_autofree gchar *expr = g_strdup_printf("csv='%s/comparison.csv'; out='%s/comparison'; labels='%s'; "
						  "profiles='%s'; label='%s: real (mean, sd) against simulated'",
						  dir, dir, sc->failover->name,
						  lb_kind_name(&lb_router_profile_table, sc->profile), sc->name);
	char *argv[] = {"gnuplot", "-e", expr, script, NULL};
	int status = 0;
	g_autoptr(GError) err = NULL;
	g_autofree gchar *said = NULL; /* gnuplot's warnings, shown only when it fails */
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &said, &status, &err) ||
	    !g_spawn_check_wait_status(status, NULL))
		fprintf(stderr, "lbsim: validate: no figure (gnuplot: %s)\n%s", err ? err->message : "failed",
			said ? said : "");
}

/* real_dir/summary.csv: the real summary header, then rows (one per repetition). */
static int write_real_summary(const char *real_dir, const GString *rows)
{
	g_autoptr(GError) err = NULL;
	g_autofree gchar *summary = g_build_filename(real_dir, "summary.csv", NULL);
	g_autofree gchar *text = g_strdup_printf("%s\n%s", lbv_real_summary_header(), rows->str);
	if (!g_file_set_contents(summary, text, -1, &err)) {
		fprintf(stderr, "lbsim: validate: %s\n", err->message);
		return 1;
	}
	return 0;
}

/* The testbed: reps real repetitions into real_dir, and its summary.csv. */
static int run_reps(const struct scenario *sc, const char *real_dir, unsigned reps)
{
	g_autoptr(GError) err = NULL;
	if (geteuid() != 0) {
		fputs("lbsim: validate builds network namespaces and runs FRR: it must run as root\n", stderr);
		return 2;
	}
	/* with the Linux hash the router's kernel must take its seed */
	char *check[] = {"bash", (char *)testbed_script(), "check",
			 sc->ecmp_hash == LB_HASH_LINUX ? "linux-seed" : NULL, NULL};
	int status = 0;
	if (!g_spawn_sync(NULL, check, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &err) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		fprintf(stderr, "lbsim: validate: no testbed here (see above; %s)\n", testbed_script());
		return 1;
	}
	if (g_mkdir_with_parents(real_dir, 0755) < 0) {
		fprintf(stderr, "lbsim: validate: %s: %s\n", real_dir, g_strerror(errno));
		return 1;
	}
	g_autoptr(GString) rows = g_string_new(NULL);
	int rc = 0;
	for (unsigned r = 0; r < reps && rc == 0; r++) {
		fprintf(stderr, "lbsim: validate: real repetition %u of %u (%s, failover %s)\n", r + 1, reps, sc->name,
			sc->failover->name);
		rc = run_rep(sc, real_dir, r, rows);
		if (interrupted)
			rc = 130;
	}
	if (rc != 0)
		return rc;
	return write_real_summary(real_dir, rows);
}

/* --real: the repetitions of an earlier run (its real/summary.csv), which
 * must be of the same scenario name, failover and node count (the
 * simulation's other parameters, e.g. [router] profile, may differ: the
 * testbed does not depend on them).  Their raw logs are analysed again
 * (rep<r>/ and summary.csv rewritten), so the comparison uses this lbsim's
 * analysis.  *reps = their number. */
static int earlier_real(const struct vopts *o, const struct scenario *sc, const char *real_dir, const char *dir,
			unsigned *reps)
{
	g_autoptr(GError) err = NULL;
	struct lbv_real_info info = {0};
	if (!lbv_real_info(real_dir, &info, &err)) {
		fprintf(stderr, "lbsim: validate: --real %s: %s\n", o->real, err->message);
		return 2;
	}
	if (strcmp(info.scenario, sc->name) != 0 || strcmp(info.failover, sc->failover->name) != 0 ||
	    info.nodes != sc->nodes) {
		fprintf(stderr, "lbsim: validate: --real %s: its repetitions are of scenario %s, failover %s, %u nodes; "
				"%s is %s, failover %s, %u nodes\n", o->real, info.scenario, info.failover, info.nodes,
			o->file, sc->name, sc->failover->name, sc->nodes);
		lbv_real_info_clear(&info);
		return 2;
	}
	*reps = info.reps;
	lbv_real_info_clear(&info);
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		fprintf(stderr, "lbsim: validate: %s: %s\n", dir, g_strerror(errno));
		return 1;
	}
	fprintf(stderr, "lbsim: validate: %u real repetitions from %s (no testbed): analysing their raw logs again\n",
		*reps, real_dir);
	/* the raw logs again, with this lbsim's analysis: rep<r>/ and summary.csv are rewritten */
	g_autoptr(GString) rows = g_string_new(NULL);
	for (unsigned r = 0; r < *reps; r++) {
		g_autofree gchar *rep_dir = g_strdup_printf("%s/rep%u", real_dir, r);
		g_autofree gchar *raw = g_build_filename(rep_dir, "raw", NULL);
		if (!lbv_analyze_rep(raw, rep_dir, sc, r, rows, &err)) {
			fprintf(stderr, "lbsim: validate: --real %s: repetition %u: %s\n", o->real, r, err->message);
			return 1;
		}
	}
	return write_real_summary(real_dir, rows);
}

/* Everything after loading; sc is valid. */
static int validate_loaded(const struct vopts *o, const struct scenario *sc)
{
	g_autoptr(GError) err = NULL;
	g_autofree gchar *why = unreal(sc);
	if (why) {
		fprintf(stderr, "lbsim: validate: %s: %s\n", o->file, why);
		return 2;
	}
	unsigned reps = o->reps > 0 ? (unsigned)o->reps : sc->replications;
	const char *dir = o->out ? o->out : sc->output_dir;
	g_autofree gchar *real_dir = g_build_filename(o->real ? o->real : dir, "real", NULL);
	g_autofree gchar *sim_dir = g_build_filename(dir, "sim", NULL);
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int rc = o->real ? earlier_real(o, sc, real_dir, dir, &reps) : run_reps(sc, real_dir, reps);
	if (rc != 0)
		return rc;
	fprintf(stderr, "lbsim: validate: simulation, %u replications\n", reps);
	rc = run_sim(o->file, o, reps, sim_dir, 600.0 * reps);
	if (rc != 0) {
		if (rc != 130)
			fprintf(stderr, "lbsim: validate: the simulation failed (exit %d)\n", rc);
		return rc == 130 ? 130 : 1;
	}
	g_autofree gchar *csv = g_build_filename(dir, "comparison.csv", NULL);
	g_autoptr(GString) table = g_string_new(NULL);
	if (!lbv_compare(real_dir, sim_dir, csv, table, &err)) {
		fprintf(stderr, "lbsim: validate: %s\n", err->message);
		return 1;
	}
	g_autofree gchar *timing = g_build_filename(dir, "timing.csv", NULL);
	g_autoptr(GString) ttable = g_string_new(NULL);
	if (!lbv_timing_summary(real_dir, timing, ttable, &err)) {
		fprintf(stderr, "lbsim: validate: %s\n", err->message);
		return 1;
	}
	printf("%s: %u real repetitions and %u simulated replications, failover %s, profile %s\n%s", sc->name, reps,
	       reps, sc->failover->name, lb_kind_name(&lb_router_profile_table, sc->profile), table->str);
	printf("component timing of the real repetitions (timing.csv):\n%s", ttable->str);
	printf("results in %s/ (real/, sim/, comparison.csv, timing.csv, comparison.png; per repetition "
	       "real/rep<r>/flow_agreement.csv)\n", dir);
	plot(dir, sc);
	return 0;
}

int validate_main(int argc, char **argv)
{
	struct vopts o = {0};
	int rc = 2;
	if (parse(argc, argv, &o)) {
		g_ptr_array_add(o.sets, NULL);
		GError *err = NULL;
		struct scenario *sc = scenario_load(o.file, (const char *const *)o.sets->pdata, &err);
		g_ptr_array_remove_index(o.sets, o.sets->len - 1);
		if (!sc) {
			fprintf(stderr, "lbsim validate: %s\n", err->message);
			g_error_free(err);
		} else {
			for (size_t i = 0; i < sc->n_warnings; i++)
				fprintf(stderr, "lbsim validate: warning: %s\n", sc->warnings[i]);
			rc = validate_loaded(&o, sc);
			scenario_free(sc);
		}
	}
	g_ptr_array_free(o.sets, TRUE);
	g_free((gchar *)o.file);
	g_free((gchar *)o.out);
	g_free((gchar *)o.real);
	return rc;
}
