/* expect.c - the closed forms of a scenario's first crash (premature restore
 * included); doc/model.md ("Expectations") derives each term and lists the grid
 * test's worst errors.
 *
 * Every time is a law of the random timer phases (lb_strategy.h): the dead
 * node's refresh, BFD and heartbeat phases and each survivor's heartbeat
 * tick are uniform and independent, so a run samples one point of them and
 * the closed form is their mean.  Survivor j detects the crash at
 *   D_j = misses x iv + transit + (V_j - U) x iv
 * (U the dead node's phase, V_j j's; the first of N-1 has mean
 * misses x iv - iv/2 + iv/N + transit).  The window W (the router's switch
 * as seen at the dead node) is the strategy's law, capped by the hold
 * expiry (expect_min).  With R the VIP's packet rate, e the dead node's
 * ECMP share, a its owner share, q = P(a surviving owner changes):
 *   drop_blackhole  = R e W  (+ R' e W2, a premature restore's second window)
 *   drop_steer_dead = R a [(1-e) (T + transit) + g (E D - E min(D, W))]
 *     T the mean over survivors of the time each receives its pre-crash
 *     share before detecting (E min(D, W); readvertise: the survivors that
 *     have not detected get nothing once the first survivor's route is
 *     installed, T = mean of min(D_j, D_1 + path)); g = 1 when the router
 *     then spreads the dead node's share over every survivor (hold, BFD),
 *     0 when only survivors that re-advertised get it;
 *   broken_fraction_alive = a A + (1-a) q C  (each term in expect_first_failure)
 *   drop_no_state   = flows that break (TCP: one packet each; UDP: every
 *     packet from the flow's own break on, struct break_loss)
 *   lost            = the sum of the three.
 * Tolerances: max(25%, 3 sigma / value), sigma the spread of one run: the
 * phases (the laws' variances), the flows' shares (binomial: which flows
 * the dead node receives or owns) and the count itself (Poisson); doc/model.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "metrics.h"
#include "output.h"
#include "lbcore/lbcore.h"

#define TOL_FLOOR 0.25 /* the divergence `lbsim run` flags at least */
#define TOL_Z 3.0      /* ... or beyond 3 standard deviations of one run */

#define EXPECT_COLUMN(e, column, unit) column,
#define EXPECT_UNIT(e, column, unit) unit,
const char *const expect_column[EXP_N] = {EXPECT_FIGURES(EXPECT_COLUMN)};
const char *const expect_unit[EXP_N] = {EXPECT_FIGURES(EXPECT_UNIT)};
const enum expect_figure expect_print_order[EXP_N] = {
	EXP_T_DETECT,        EXP_T_INSTALL,     EXP_WINDOW_BLACKHOLE, EXP_WINDOW_BLACKHOLE2,     EXP_DROP_BLACKHOLE,
	EXP_DROP_STEER_DEAD, EXP_DROP_NO_STATE, EXP_LOST,             EXP_BROKEN_FRACTION_ALIVE, EXP_WINDOW_ROUTER_DOWN,
	EXP_DROP_ROUTER_DOWN,
};

bool expect_is_time(enum expect_figure f)
{
	return f == EXP_WINDOW_BLACKHOLE || f == EXP_T_DETECT || f == EXP_T_INSTALL || f == EXP_WINDOW_ROUTER_DOWN;
}

bool expect_is_router(enum expect_figure f)
{
	return f == EXP_DROP_ROUTER_DOWN || f == EXP_WINDOW_ROUTER_DOWN;
}

/* rel: one run's relative standard deviation around value */
static void fig(struct expectation *e, enum expect_figure f, double value, double rel, double slack,
		const char *formula, const char *why)
{
	double tol = fmax(TOL_FLOOR, TOL_Z * (isfinite(rel) ? rel : 0));
	e->fig[f] = (struct expect_fig){value, tol, slack, formula, "", why};
}

void expect_fig_set(struct expectation *e, enum expect_figure f, double value, double rel, double slack,
		    const char *formula, const char *why)
{
	fig(e, f, value, rel, slack, formula, why);
}

static double rel_sd(double var, double mean)
{
	return mean > 0 ? sqrt(fmax(0, var)) / mean : 0;
}

/* what a tolerance covers (each at least 25%) */
static const char *const WHY_PHASE = "3 sd over the phases";
static const char *const WHY_COUNT = "3 sd: phases, flow shares, count";

/* The pieces shared by the figures. */
struct parts {
	double w1, w1var;   /* first window (capped) */
	double ED, m_dw;    /* a survivor's detection; E min(D, W1) */
	double tau_pre;     /* mean time a survivor receives its old share before detecting */
	double post;        /* mean time a survivor receives 1/(N-1) before detecting (x g) */
	double g;
	double p_det;       /* P(a survivor that receives a flow after W1 has detected) */
	double x_surv;      /* P(a surviving receiver's flow reaches a receiver without its cache entry) */
	double x_restore;   /* ... first during the survivors' restores */
	double x_moved;     /* ... for good (its receiver after the switch is another): part of x_surv */
	double away_pk, away_pk_restore; /* the mean packets it sends to other receivers for a while (readvertise) */
};

/* What a flow that breaks loses to no_state: its first packet at or
 * after the break meets an owner without its state.  A TCP client stops
 * then: one packet, if the flow still runs.  A UDP sender never learns of
 * the break and goes on: every packet it sends from the break to the end
 * of what is measured (cap) meets no state, packet_rate x the time it
 * still runs (its phase uniform: the count's mean).  The break comes at a
 * different time for each kind of broken flow (hold, bfd: the dead node's
 * flows at a survivor break at that survivor's detection D, long before
 * the window's end), so each is weighed at its own time. */
struct break_loss {
	bool udp;
	double t0, cap; /* the crash; the end of what is measured, after it */
};

/* A flow alive at the crash that breaks at tau: TCP alive_at; UDP
 * packet_rate x int_tau^cap S_res(t) dt (residual_survival, midpoints). */
static double alive_loss(const struct scenario *sc, const struct break_loss *l, double tau)
{
	if (!l->udp)
		return expect_alive_at(sc, l->t0, tau, l->cap);
	double span = fmax(0, l->cap - tau), sum = 0;
	for (int i = 0; i < 64; i++)
		sum += expect_residual_survival(sc, l->t0, tau + (i + 0.5) / 64 * span);
	return sc->packet_rate * sum * span / 64;
}

/* A flow started at s after the crash that breaks at tau >= s: TCP
 * w_tcp (P(it still runs then), as the closed form takes it); UDP
 * packet_rate x int_tau^cap S(t - s) dt = packet_rate x (I(cap - s) - I(tau - s)). */
static double new_loss(const struct scenario *sc, const struct break_loss *l, double s, double tau, double w_tcp)
{
	if (!l->udp)
		return w_tcp;
	tau = fmin(tau, l->cap);
	return sc->packet_rate * (expect_survival_integral(sc, l->cap - s) - expect_survival_integral(sc, fmax(0, tau - s)));
}

/* The flows alive at the crash that break, each weighed by what it loses
 * (TCP: the broken fraction a A + (1-a) q C, expect_first_failure). */
static double broken_alive(const struct scenario *sc, const struct break_loss *l, const struct parts *p,
			   const struct expect_remap *rm, bool reducers, double t_restore)
{
	double a = rm->owner_share, q = rm->owner_moves, es = rm->ecmp_share;
	double tau_dead = reducers ? p->w1 : p->w1 + p->ED - p->m_dw; /* E max(W, D) */
	double tau_surv = reducers ? p->tau_pre : p->ED;
	double A = es * alive_loss(sc, l, tau_dead) + (1 - es) * alive_loss(sc, l, tau_surv);
	double C = A;
	if (sc->session_cache && !l->udp)
		C = (es * p->p_det + (1 - es) * p->x_surv) * expect_alive_at(sc, l->t0, p->w1, l->cap) +
		    (1 - es) * p->x_restore * expect_alive_at(sc, l->t0, t_restore, l->cap);
	else if (sc->session_cache) /* UDP: the exposed flows that come back to their receiver lose only what
				       they send elsewhere meanwhile */
		C = (es * p->p_det + (1 - es) * p->x_moved) * alive_loss(sc, l, p->w1) +
		    (1 - es) * (p->away_pk * expect_alive_at(sc, l->t0, p->w1, l->cap) +
				p->away_pk_restore * expect_alive_at(sc, l->t0, t_restore, l->cap));
	return a * A + (1 - a) * q * C;
}

/* The flows that start into the windows and break, each weighed by what
 * it loses: into a blackhole window (their first packet lost: every later
 * one meets an owner without state; they break at the window's end), or
 * at a survivor before its detection owned by the dead node or (no cache)
 * by an owner that changes (they break at the detection: tau_pre, or D
 * for those started after the window); each started at its interval's
 * middle.  w2, t2, w2c: the second window's mean (over every run), its
 * middle and its length when it opens. */
static double broken_new(const struct scenario *sc, const struct break_loss *l, const struct parts *p,
			 const struct expect_remap *rm, double w2, double t2, double w2c)
{
	double a = rm->owner_share, q = rm->owner_moves, es = rm->ecmp_share;
	double x_new = sc->session_cache ? p->x_surv : 1, pre;
	if (!l->udp)
		pre = (a + (1 - a) * q * x_new) * new_loss(sc, l, p->tau_pre / 2, p->tau_pre, 1);
	else /* as broken_alive: an exposed flow that comes back loses what it sends elsewhere */
		pre = (a + (1 - a) * q * (sc->session_cache ? p->x_moved : 1)) *
			      new_loss(sc, l, p->tau_pre / 2, p->tau_pre, 1) +
		      (sc->session_cache ? (1 - a) * q * p->away_pk : 0);
	return sc->flow_arrival_rate *
	       (es * p->w1 * new_loss(sc, l, p->w1 / 2, p->w1, expect_new_survival(sc, p->w1 / 2)) + (1 - es) * p->tau_pre * pre +
		p->g * p->post * (a + (sc->session_cache ? 0 : (1 - a) * q)) *
			new_loss(sc, l, p->ED - p->post / 2, p->ED, 1) +
		es * w2 * new_loss(sc, l, t2, t2 + w2c / 2, expect_new_survival(sc, w2 / 2)));
}

static void first_crash(const struct scenario *sc, struct expectation *e, double *t_next)
{
	*t_next = (double)sc->duration_ns / 1e9;
	for (size_t i = 0; i < sc->n_failures; i++) {
		const struct scenario_failure *f = &sc->failures[i];
		if (!e->has_failure && f->kind == LB_FAIL_CRASH) {
			e->has_failure = true;
			e->t_fail_ns = f->at_ns;
			e->failed_node = f->node;
		} else if (e->has_failure && f->at_ns > e->t_fail_ns) {
			*t_next = (double)f->at_ns / 1e9;
			break;
		}
	}
}

void expect_first_failure(const struct scenario *sc, struct expectation *e)
{
	memset(e, 0, sizeof *e);
	e->failed_node = -1;
	for (int f = 0; f < EXP_N; f++)
		e->fig[f] = (struct expect_fig){.value = NAN, .formula = "", .formula_more = "", .why_tolerance = ""};
	expect_router_crash(sc, e);
	double t_next;
	first_crash(sc, e, &t_next);
	unsigned N = sc->nodes;
	if (!e->has_failure || N < 2)
		return;
	double t0 = (double)e->t_fail_ns / 1e9, cap = t_next - t0;
	e->run_after_fail_s = cap;
	e->flows_at_fail = expect_flows_at(sc, t0);
	e->rate_pps = e->flows_at_fail * sc->packet_rate;
	struct lb_expect_in in = scenario_expect_in(sc);
	struct lb_expect_window win, hold;
	sc->failover->expect(&in, &win);
	lb_strategy_hold.expect(&in, &hold);
	e->path_update_s = in.path_update;
	e->path_session_down_s = in.path_session_down;
	e->node_advertise_s = in.node_advertise;
	bool reducers = win.after == LB_EXPECT_REDUCERS;
	double h = in.heartbeat_interval, iv = 1 / sc->packet_rate;
	double steer_transit = 2 * ((double)sc->packet_size * 8 / (double)sc->backplane_rate_bps +
				    (double)sc->backplane_delay_ns / 1e9);
	/* the survivors' restores come inside the run: W after the window */
	double t_restore = win.law.base_s + in.restore_wait;
	bool restore_in_run = win.restores && t_restore < cap;
	expect_remap(sc, (unsigned)e->failed_node, reducers && sc->steering && sc->session_cache, restore_in_run, h,
		     iv, &e->remap);
	const struct expect_remap *rm = &e->remap;
	double a = rm->owner_share, q = rm->owner_moves, es = rm->ecmp_share;
	e->remap_fraction = a + (1 - a) * q;

	/* detection: the first survivor (D_1), a survivor (D), the router (BFD) */
	double c = in.heartbeat_misses * h + in.heartbeat_transit;
	struct lb_expect_law D1 = {c, h, N - 1, false}, D = {c, h, 1, false};
	struct expect_min m = expect_min_of(cap);
	expect_min_add(&m, &D1);
	if (win.router_detects)
		expect_min_add(&m, &win.router_detect);
	double det, detvar;
	min_moments(&m, &det, &detvar);

	/* the first window: the strategy's law, or the hold expiry when first */
	struct parts p = {0};
	struct expect_min W1 = expect_min_of(cap);
	expect_min_add(&W1, &win.law);
	if (win.hold_bounded)
		expect_min_add(&W1, &hold.law);
	min_moments(&W1, &p.w1, &p.w1var);
	p.ED = fmin(law_mean(&D), cap);
	struct expect_min dw = W1;
	expect_min_add(&dw, &D);
	double unused;
	min_moments(&dw, &p.m_dw, &unused);
	if (reducers) {
		/* readvertise: T = mean over survivors of min(D_j, D_1 + path) =
		 * E D_1 + iv (N-2)/(N-1) E min(V - V_1, path/iv); the hold expiry,
		 * when first, hands the share to every survivor instead */
		struct expect_min own = expect_min_of(INFINITY), dh = expect_min_of(cap);
		expect_min_add(&own, &win.law);
		double p_hold = win.hold_bounded ? p_law_below(&hold.law, &own, 0) : 0, m_dh;
		expect_min_add(&dh, &D);
		expect_min_add(&dh, &hold.law);
		min_moments(&dh, &m_dh, &unused);
		double t_red = law_mean(&D1) +
			       h * (N - 2.0) / (N - 1) * spread_after_first(N - 1, win.reduce_path_s / h);
		p.tau_pre = (1 - p_hold) * fmin(t_red, p.w1) + p_hold * m_dh;
		p.g = p_hold;
		p.post = p.ED - m_dh;
		p.p_det = 1;
		p.x_surv = rm->exposure;
		p.x_restore = restore_in_run ? rm->exposure_restore - rm->exposure : 0;
		p.x_moved = rm->moved;
		p.away_pk = rm->away_s / iv;
		p.away_pk_restore = restore_in_run ? rm->away_restore_s / iv : 0;
	} else {
		p.tau_pre = p.m_dw;
		p.g = 1;
		p.post = p.ED - p.m_dw;
		p.p_det = p_law_below(&D, &W1, iv / 2);
		p.x_surv = (1 - rm->ecmp_stay) * p.p_det;
		p.x_moved = p.x_surv;
	}

	/* premature restore: a second window from the last survivor's restore
	 * to the dead node's hold expiry */
	double w2 = 0, w2var = 0, last = p.w1, lastvar = p.w1var, p2 = 0, t2 = 0;
	if (win.restores) {
		struct expect_min H = expect_min_of(cap);
		expect_min_add(&H, &hold.law);
		double h_when, hm, hv;
		second_window(&win.restore, &H, &p2, &w2, &h_when);
		min_moments(&H, &hm, &hv);
		if (p2 > 1e-9) {
			last = p.w1 * (1 - p2) + h_when;
			lastvar = (1 - p2) * p.w1var + p2 * hv + p2 * (1 - p2) * (hm - p.w1) * (hm - p.w1);
			w2var = p2 * (hv + law_var(&win.restore));
			t2 = (h_when - w2 / 2) / p2;
		}
	}
	e->p_second_window = p2;

	/* broken flows among those alive at the crash (the fraction: TCP's
	 * weight, alive_at), and what they and the new flows that break lose
	 * to no_state (struct break_loss) */
	double F = e->flows_at_fail, bf = 0, nb = 0, broken_alive_loss = 0, nb_loss = 0;
	if (sc->steering) {
		double w2c = p2 > 1e-9 ? w2 / p2 : 0;
		struct break_loss tcp = {false, t0, cap}, mine = {sc->protocol == LB_PROTO_UDP, t0, cap};
		bf = broken_alive(sc, &tcp, &p, rm, reducers, t_restore);
		nb = broken_new(sc, &tcp, &p, rm, w2, t2, w2c);
		broken_alive_loss = F * broken_alive(sc, &mine, &p, rm, reducers, t_restore);
		nb_loss = broken_new(sc, &mine, &p, rm, w2, t2, w2c);
	}
	double broken = F * bf + nb, ns = broken_alive_loss + nb_loss;

	double R = expect_flows_at(sc, t0 + p.w1 / 2) * sc->packet_rate;
	double R2 = expect_flows_at(sc, t0 + t2) * sc->packet_rate;
	if (sc->protocol == LB_PROTO_TCP && t2 > 0) /* broken TCP flows have stopped */
		R2 -= F * bf * expect_residual_survival(sc, t0, t2) / fmax(1e-9, expect_residual_survival(sc, t0, p.w1)) *
		      sc->packet_rate;
	double bh = R * es * p.w1 + fmax(0, R2) * es * w2;
	double sd = sc->steering ? R * a * ((1 - es) * (p.tau_pre + steer_transit) + p.g * p.post) : 0;
	double lost = bh + sd + ns;

	/* one run's spread */
	double rel_w = rel_sd(p.w1var + w2var, p.w1 + w2);
	double rel_bh2 = rel_w * rel_w + (1 - es) / fmax(1e-9, es * F) + 1 / fmax(1, bh);
	double rel_t = sqrt(N * h * h / (12.0 * (N - 1))) / fmax(1e-9, p.tau_pre + p.post);
	double rel_sd2 = rel_t * rel_t + 1 / fmax(1e-9, a * (1 - es) * F) + 1 / fmax(1, sd);
	double rel_ns2 = 1 / fmax(1, broken);
	double var_lost = rel_bh2 * bh * bh + rel_sd2 * sd * sd + rel_ns2 * ns * ns;

	static const char *const window_more[2][2] = {
		{"", "; premature restore: until the hold expiry (see window_blackhole2_s)"},
		{"; or the hold expiry when first", "; or the hold expiry when first; premature restore: until the "
						     "hold expiry (see window_blackhole2_s)"}};
	fig(e, EXP_WINDOW_BLACKHOLE, last, rel_sd(lastvar, last), 1e-3, win.formula, WHY_PHASE);
	e->fig[EXP_WINDOW_BLACKHOLE].formula_more = window_more[win.hold_bounded][p2 > 0.01];
	fig(e, EXP_T_INSTALL, p.w1 - in.uplink_data, rel_sd(p.w1var, p.w1 - in.uplink_data), 1e-3,
	    "the first window - uplink: the router's install of a set without the dead node", WHY_PHASE);
	fig(e, EXP_T_DETECT, det, rel_sd(detvar, det), 1e-3,
	    win.router_detects ? "min(first survivor: misses x iv - iv/2 + iv/N + transit; "
				 "router: bfd_multiplier x bfd_interval - bfd_interval/2 + uplink)"
			       : "the first survivor: heartbeat_misses x iv - iv/2 + iv/N + backplane transit",
	    WHY_PHASE);
	fig(e, EXP_DROP_BLACKHOLE, bh, sqrt(rel_bh2), 2,
	    "R e x window (+ R' e x window2): R the VIP's packet rate, e the dead node's ECMP share", WHY_COUNT);
	if (!sc->steering) {
		fig(e, EXP_DROP_STEER_DEAD, 0, 0, 2, "steering off: nothing crosses the backplane", WHY_COUNT);
		fig(e, EXP_DROP_NO_STATE, 0, 0, 2, "steering off: no owner, no state to miss", WHY_COUNT);
		fig(e, EXP_BROKEN_FRACTION_ALIVE, 0, 0, 1e-9, "steering off: no owner, no state to miss", WHY_COUNT);
	} else {
		fig(e, EXP_DROP_STEER_DEAD, sd, sqrt(rel_sd2), 2,
		    reducers ? "R a (1-e) x (mean_j min(D_j, D_1 + path) + steer transit): a the dead node's owner "
			       "share; a survivor gets nothing once the first reduced route is in, until its own"
			     : "R a [(1-e) (E min(D, window) + steer transit) + E max(0, D - window)]: a the dead "
			       "node's owner share; after the window each survivor gets 1/(N-1) until it detects",
		    WHY_COUNT);
		fig(e, EXP_BROKEN_FRACTION_ALIVE, bf, sqrt((1 - bf) / fmax(1e-9, bf * F)), 2 / fmax(1, F),
		    sc->session_cache
			    ? "a A + (1-a) q C: the dead node's flows (a) break when they reach a survivor that "
			      "detected, alive then (A); a surviving owner changes (q) and breaks the flow only "
			      "at a receiver without its cache entry (C = exposure x alive)"
			    : "a A + (1-a) q A: every receiver that detected selects the owner afresh; a = owner "
			      "share, q = P(owner changes | survived), A = P(the flow still runs when it reaches one)",
		    "3 sd: binomial");
		fig(e, EXP_DROP_NO_STATE, ns, sqrt(rel_ns2), 2,
		    sc->protocol == LB_PROTO_UDP
			    ? "UDP goes on sending: each broken flow's packets from its own break to the end (the dead "
			      "node's flows at a survivor from its detection; moved for good from the switch; a flow "
			      "that comes back to its receiver: what it sent elsewhere)"
			    : "one per broken flow: alive flows x broken_fraction + new flows started into the "
			      "windows that break",
		    WHY_COUNT);
	}
	fig(e, EXP_LOST, lost, sqrt(var_lost) / fmax(1, lost), 2, "drop_blackhole + drop_steer_dead + drop_no_state",
	    WHY_COUNT);
	if (win.restores)
		fig(e, EXP_WINDOW_BLACKHOLE2, w2, rel_sd(w2var, w2), 1e-3,
		    "E max(0, hold expiry - last restore): last restore = misses x iv + transit + max_j(V_j - U) iv "
		    "+ W + path; the hold expiry as the hold strategy's window",
		    WHY_PHASE);
}

/* The likely reasons of a divergence, per figure: {measured above, below}. */
static const char *const reasons[EXP_N][2] = {
	[EXP_WINDOW_BLACKHOLE] = {"later than the phases allow: a control message queued or lost (a loaded or lossy "
				  "uplink, a full backplane queue), or other updates batched with the survivors' (frr)",
				  "earlier than the phases allow: another trigger removed the route first (carrier "
				  "loss, a withdrawal, the hold timer), or a node detected early (health, partition)"},
	[EXP_DROP_BLACKHOLE] = {"the dead node drew more than its ECMP share e of this run's flows, or its window "
				"was longer (see window_blackhole_s)",
				"the dead node drew less than e of this run's flows, its window was shorter, or fewer "
				"flows ran (TCP flows broken before the crash stop: a session table too small?)"},
	[EXP_DROP_STEER_DEAD] = {"the survivors detected late (their ticks' phases, a loaded backplane), or the dead "
				 "node owned more of the flows they received",
				 "the survivors detected early, or the dead node owned fewer of the flows they "
				 "received"},
	[EXP_LOST] = {"see the largest of drop_blackhole, drop_steer_dead, drop_no_state (or a cause without a "
		      "closed form: queue, no_route, link)",
		      "see the largest of drop_blackhole, drop_steer_dead, drop_no_state"},
	[EXP_T_DETECT] = {"heartbeats delayed or lost on the backplane, or the phases",
			  "a node saw the failure early (a health report, a partition), or the phases"},
	[EXP_T_INSTALL] = {"as window_blackhole_s: a delayed or lost update",
			   "as window_blackhole_s: another trigger first"},
	[EXP_BROKEN_FRACTION_ALIVE] = {"flows met receivers without their cache entry more often than the install "
				       "sequence the closed form averages (frr batching, a recovery or restore inside "
				       "the run), the dead node owned more of this run's flows, or a session table "
				       "overflowed (session_capacity below the flows a node sees)",
				       "flows ended before reaching a new owner, met fewer new receivers, or the dead "
				       "node owned fewer of this run's flows"},
	[EXP_WINDOW_BLACKHOLE2] = {"the dead node's stale route was held longer (its refresh phase), or the restores "
				   "came earlier", "the stale route expired earlier, or the restores came later"},
	[EXP_DROP_NO_STATE] = {"as broken_fraction_alive; UDP flows go on losing packets after their break",
			       "as broken_fraction_alive"},
	[EXP_WINDOW_ROUTER_DOWN] = {"the router's last refresh came early in its interval (the stage held its route "
				    "longer)", "the router's last refresh came late in its interval"},
	[EXP_DROP_ROUTER_DOWN] = {"as window_router_down_s, or the stage hashed more flows to the dead router",
				  "as window_router_down_s, or fewer flows went through the dead router"},
};

const char *expect_reason(enum expect_figure f, const struct expect_fig *x, double measured)
{
	return reasons[f][measured < x->value];
}

static double after_fail(const struct sim_metrics *m, uint64_t t_ns)
{
	if (m->t_fail_ns == LB_TIME_NEVER || t_ns == LB_TIME_NEVER)
		return NAN;
	return (double)(t_ns - m->t_fail_ns) / 1e9;
}

/* The first crash's own counters (until the next failure), or NULL. */
static const struct sim_failure_stats *crash_stats(const struct sim_metrics *m)
{
	if (!m->failures)
		return NULL;
	for (guint i = 0; i < m->failures->len; i++) {
		const struct sim_failure_stats *f = &g_array_index(m->failures, struct sim_failure_stats, i);
		if (f->kind == LB_FAIL_CRASH && f->at_ns == m->t_fail_ns)
			return f;
	}
	return NULL;
}

/* The second time the dead node's route carries traffic after the crash:
 * from the install that puts it back into the ECMP set to the one that
 * removes it (or the node's recovery); 0 when it never comes back. */
static double second_window_measured(const struct sim_metrics *m)
{
	if (!m->events || m->t_fail_ns == LB_TIME_NEVER)
		return NAN;
	int dead = -1;
	bool left = false;
	uint64_t back = LB_TIME_NEVER;
	for (guint i = 0; i < m->events->len; i++) {
		const struct sim_event *e = &g_array_index(m->events, struct sim_event, i);
		if (e->t_ns < m->t_fail_ns)
			continue;
		if (dead < 0 && sim_event_is(e, SIM_EV_FAILURE, LB_FAIL_CRASH))
			dead = e->node;
		if (dead < 0)
			continue;
		bool recover = sim_event_is(e, SIM_EV_FAILURE, LB_FAIL_RECOVER) && e->node == dead;
		if (recover && back == LB_TIME_NEVER)
			break;
		bool install = sim_event_is(e, SIM_EV_ROUTER, LB_RE_ROUTE_INSTALLED);
		bool in = install && lb_nodeset_has(e->set, (unsigned)dead), out = install && !in;
		if (!left && out)
			left = true;
		else if (left && back == LB_TIME_NEVER && in)
			back = e->t_ns;
		else if (back != LB_TIME_NEVER && (out || recover))
			return (double)(e->t_ns - back) / 1e9;
	}
	if (!left)
		return NAN;
	return back == LB_TIME_NEVER ? 0 : (double)(m->n_bins * m->bin_ns - back) / 1e9;
}

/* The first router crash's own counters, or NULL. */
static const struct sim_failure_stats *router_crash_stats(const struct sim_metrics *m)
{
	for (guint i = 0; m->failures && i < m->failures->len; i++) {
		const struct sim_failure_stats *f = &g_array_index(m->failures, struct sim_failure_stats, i);
		if (f->kind == LB_FAIL_ROUTER_CRASH)
			return f;
	}
	return NULL;
}

double expect_measured(enum expect_figure f, const struct sim_metrics *m, const struct sim_summary *s)
{
	const struct sim_failure_stats *c = crash_stats(m), *rc = router_crash_stats(m);
	const uint64_t *drop = c ? c->drop : m->total.drop;
	switch (f) {
	case EXP_WINDOW_BLACKHOLE:
		return after_fail(m, c ? c->last_drop_ns[SIM_DROP_BLACKHOLE]
				       : m->last_drop_cause_ns[SIM_DROP_BLACKHOLE]);
	case EXP_DROP_BLACKHOLE:
		return (double)drop[SIM_DROP_BLACKHOLE];
	case EXP_DROP_STEER_DEAD:
		return (double)drop[SIM_DROP_STEER_DEAD];
	case EXP_DROP_NO_STATE:
		return (double)drop[SIM_DROP_NO_STATE];
	case EXP_LOST: {
		double lost = 0;
		for (int i = 0; i < SIM_DROP_N; i++)
			lost += (double)drop[i];
		return lost;
	}
	case EXP_T_DETECT:
		return after_fail(m, s->t_detect_ns);
	case EXP_T_INSTALL:
		return after_fail(m, s->t_install_ns);
	case EXP_BROKEN_FRACTION_ALIVE:
		return s->flows_alive_at_fail ? (double)s->broken_alive_at_fail / (double)s->flows_alive_at_fail : NAN;
	case EXP_WINDOW_BLACKHOLE2:
		return second_window_measured(m);
	case EXP_DROP_ROUTER_DOWN:
		return rc ? (double)rc->drop[SIM_DROP_ROUTER_DOWN] : NAN;
	case EXP_WINDOW_ROUTER_DOWN:
		if (!rc)
			return NAN;
		return rc->last_drop_ns[SIM_DROP_ROUTER_DOWN] == LB_TIME_NEVER
			       ? 0
			       : (double)(rc->last_drop_ns[SIM_DROP_ROUTER_DOWN] - rc->at_ns) / 1e9;
	case EXP_N:
		break;
	}
	return NAN;
}

bool expect_agrees(const struct expect_fig *x, double measured)
{
	if (isnan(x->value) || isnan(measured))
		return true;
	return fabs(measured - x->value) <= x->tolerance * fabs(x->value) + x->slack;
}
