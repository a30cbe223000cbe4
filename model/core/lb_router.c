/* lb_router.c - the router state machine; the model and its sources are in
 * lb_router.h (and doc/model.md).
 *
 * Invariants: `fib` is the set lb_ecmp forwards by; `decided` the last set
 * announced as route_change; installs apply in decision order.  ideal: the
 * table holds its own hold times (lb_route expiry); frr: the table never
 * expires (hold LB_TIME_NEVER) and the sessions hold the timers instead
 * (RFC 4271: the hold timer belongs to the session, not to a route). */
#include "lbcore/lb_router.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lb_fifo.h"
#include "lbcore/lb_route.h"

LB_KIND_TABLE(lb_router_profile_table, "router profile", LB_ROUTER_PROFILES);
LB_KIND_TABLE(lb_router_event_table, "router event", LB_ROUTER_EVENTS);

struct msg {
	uint8_t node;
	bool withdraw;
	uint32_t metric;
};

struct install {
	lb_nodeset set;
	uint32_t metric;
};

struct lb_router {
	struct lb_router_params p;
	struct lb_hasher hasher;
	struct lb_route *routes;
	struct lb_ecmp *ecmp;
	lb_nodeset fib;
	struct lb_fifo msgs;     /* ideal: struct msg waiting processing_delay */
	struct lb_fifo installs; /* struct install waiting fib_install_delay */
	/* frr */
	lb_nodeset session_up;
	uint64_t last_rx[LB_MAX_NODES];
	lb_nodeset clear_pending;
	bool update_pending, rib_pending;
	lb_nodeset decided, rib_set;
	uint32_t decided_metric, rib_metric;
	uint64_t batch_items;
	void *strategy_state;
	struct lb_router_stats stats;
};

/* Actions ------------------------------------------------------------------ */

static void arm(struct lb_router *r, enum lb_router_timer kind, unsigned index, uint64_t at, enum lb_timer_mode mode)
{
	struct lb_router_action a = {.kind = LB_RA_TIMER, .timer = {LB_TIMER_ID(kind, index), at, mode}};
	r->p.act(r->p.user, &a);
}

static void event(struct lb_router *r, enum lb_router_event ev, uint64_t t, int node, int64_t value)
{
	struct lb_router_action a = {.kind = LB_RA_EVENT, .event = ev, .t_ns = t, .node = node, .value = value};
	r->p.act(r->p.user, &a);
}

static void event_set(struct lb_router *r, enum lb_router_event ev, uint64_t t, lb_nodeset set, uint32_t metric)
{
	struct lb_router_action a = {.kind = LB_RA_EVENT, .event = ev, .t_ns = t, .node = -1,
				     .value = set ? (int64_t)metric : -1, .has_set = true, .set = set};
	r->p.act(r->p.user, &a);
}

/* Creation ----------------------------------------------------------------- */

struct lb_router *lb_router_create(const struct lb_router_params *p)
{
	if (!p || !p->strategy || !p->act || p->hold_time_ns == 0 || p->neighbours == 0 ||
	    (unsigned)p->profile >= LB_ROUTER_PROFILE_COUNT || p->session_interval_ns == 0 ||
	    p->session_multiplier == 0 || p->initial_metric == LB_ROUTE_METRIC_NONE)
		return NULL;
	struct lb_router *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->p = *p;
	lb_fifo_init(&r->msgs, sizeof(struct msg));
	lb_fifo_init(&r->installs, sizeof(struct install));
	struct lb_route_params rp = {.hold_time_ns = p->profile == LB_PROFILE_FRR ? LB_TIME_NEVER : p->hold_time_ns};
	r->routes = lb_route_create(&rp);
	r->ecmp = lb_ecmp_create(&p->ecmp);
	if (p->strategy->router_state_size)
		r->strategy_state = calloc(1, p->strategy->router_state_size);
	int hrc = p->hash == LB_HASH_LINUX ? lb_hasher_init_linux(&r->hasher, p->hash_seed, p->hash_policy)
					   : lb_hasher_init(&r->hasher, p->hash, p->hash_seed);
	if (!r->routes || !r->ecmp || hrc < 0 ||
	    (p->strategy->router_state_size && !r->strategy_state)) {
		lb_router_free(r);
		return NULL;
	}
	r->decided_metric = LB_ROUTE_METRIC_NONE;
	return r;
}

void lb_router_free(struct lb_router *r)
{
	if (!r)
		return;
	lb_route_free(r->routes);
	lb_ecmp_free(r->ecmp);
	lb_fifo_free(&r->msgs);
	lb_fifo_free(&r->installs);
	free(r->strategy_state);
	free(r);
}

static bool frr(const struct lb_router *r)
{
	return r->p.profile == LB_PROFILE_FRR;
}

static void check_node(const struct lb_router *r, unsigned node)
{
	assert(lb_nodeset_has(r->p.neighbours, node));
	(void)r;
	(void)node;
}

/* Timers kept in step with the state ----------------------------------------- */

static void rearm_expiry(struct lb_router *r)
{
	if (!frr(r))
		arm(r, LB_RT_EXPIRY, 0, lb_route_next_expiry(r->routes), LB_TIMER_REPLACE);
}

static void rearm_ecmp(struct lb_router *r)
{
	arm(r, LB_RT_ECMP, 0, lb_ecmp_next_deadline(r->ecmp), LB_TIMER_REPLACE);
}

static uint64_t add_sat(uint64_t t, uint64_t d)
{
	return t > UINT64_MAX - d ? LB_TIME_NEVER : t + d;
}

/* frr: the earliest hold deadline of an established session. */
static void rearm_session_hold(struct lb_router *r)
{
	uint64_t at = LB_TIME_NEVER;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		uint64_t d = add_sat(r->last_rx[i], r->p.hold_time_ns);
		if (lb_nodeset_has(r->session_up, i) && d < at)
			at = d;
	}
	arm(r, LB_RT_SESSION_HOLD, 0, at, LB_TIMER_LAZY);
}

/* Decisions and installs ------------------------------------------------------- */

/* A new best set was decided at now: it is forwarded by after the RIB/FIB
 * stages of the profile. */
static void push_install(struct lb_router *r, lb_nodeset set, uint32_t metric, uint64_t now)
{
	struct install in = {set, metric};
	if (!lb_fifo_push(&r->installs, &in))
		abort(); /* out of memory on the control path: nothing sensible to do */
	arm(r, LB_RT_INSTALL, 0, add_sat(now, r->p.fib_install_delay_ns), LB_TIMER_QUEUE);
}

static void decided(struct lb_router *r, lb_nodeset set, uint32_t metric, uint64_t now)
{
	r->stats.decisions++;
	r->decided = set;
	r->decided_metric = metric;
	event_set(r, LB_RE_ROUTE_CHANGE, now, set, metric);
	if (!frr(r)) {
		push_install(r, set, metric, now);
		return;
	}
	r->rib_set = set;
	r->rib_metric = metric;
	if (!r->rib_pending) {
		r->rib_pending = true;
		arm(r, LB_RT_RIB_Q, 0, add_sat(now, r->p.rib_queue_hold_ns), LB_TIMER_REPLACE);
	}
}

static void install_fire(struct lb_router *r, uint64_t now)
{
	struct install in;
	bool ok = lb_fifo_pop(&r->installs, &in);
	assert(ok);
	(void)ok;
	r->stats.installs++;
	lb_ecmp_set(r->ecmp, in.set, now);
	r->fib = in.set;
	rearm_ecmp(r);
	event_set(r, LB_RE_ROUTE_INSTALLED, now, in.set, in.metric);
}

/* ideal: a table change takes effect at once. */
static void apply(struct lb_router *r, const struct lb_route_event *ev, uint64_t now)
{
	if (ev->best_changed)
		decided(r, ev->best_set, ev->best_metric, now);
}

/* frr: a change of the table joins the route-processing queue. */
static void update_enqueue(struct lb_router *r, uint64_t now)
{
	r->batch_items++;
	if (r->update_pending)
		return;
	r->update_pending = true;
	arm(r, LB_RT_UPDATE_Q, 0, add_sat(now, r->p.update_queue_hold_ns), LB_TIMER_REPLACE);
}

static void update_fire(struct lb_router *r, uint64_t now)
{
	r->update_pending = false;
	r->stats.batches++;
	r->stats.batched += r->batch_items;
	r->batch_items = 0;
	uint32_t metric;
	lb_nodeset best = lb_route_best(r->routes, &metric);
	if (best != r->decided || metric != r->decided_metric)
		decided(r, best, metric, now);
}

static void rib_fire(struct lb_router *r, uint64_t now)
{
	r->rib_pending = false;
	push_install(r, r->rib_set, r->rib_metric, now);
}

/* Sessions (frr) and peers going down (both) ------------------------------------ */

static void peer_down(struct lb_router *r, unsigned node, uint64_t now)
{
	r->stats.peer_downs++;
	if (!frr(r)) {
		struct lb_route_event ev;
		if (lb_route_withdraw(r->routes, (uint8_t)node, now, &ev) > 0)
			apply(r, &ev, now);
		rearm_expiry(r);
		return;
	}
	r->session_up &= ~lb_nodeset_bit(node);
	event(r, LB_RE_PEER_DOWN, now, (int)node, -1);
	if (r->clear_pending == 0)
		arm(r, LB_RT_CLEAR_Q, 0, add_sat(now, r->p.peer_clear_hold_ns), LB_TIMER_REPLACE);
	r->clear_pending |= lb_nodeset_bit(node);
}

static void clear_fire(struct lb_router *r, uint64_t now)
{
	lb_nodeset pending = r->clear_pending;
	r->clear_pending = 0;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		struct lb_route_event ev;
		if (lb_nodeset_has(pending, i) && lb_route_withdraw(r->routes, (uint8_t)i, now, &ev) > 0)
			update_enqueue(r, now);
	}
}

/* frr: every message restarts its session's hold timer on arrival; one from
 * a peer whose session is down brings the session back. */
static void session_rx(struct lb_router *r, unsigned node, uint64_t now)
{
	r->last_rx[node] = now;
	if (!lb_nodeset_has(r->session_up, node)) {
		r->session_up |= lb_nodeset_bit(node);
		event(r, LB_RE_PEER_UP, now, (int)node, -1);
	}
	rearm_session_hold(r);
}

static void session_hold_fire(struct lb_router *r, uint64_t now)
{
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		if (lb_nodeset_has(r->session_up, i) && add_sat(r->last_rx[i], r->p.hold_time_ns) <= now) {
			r->stats.expiries++;
			event(r, LB_RE_HOLD_EXPIRY, now, (int)i, -1);
			peer_down(r, i, now);
		}
	}
	rearm_session_hold(r);
}

/* ideal: the table's own expiry. */
static void expiry_fire(struct lb_router *r, uint64_t now)
{
	struct lb_route_event evs[LB_MAX_NODES];
	int n = lb_route_expire(r->routes, now, evs, LB_MAX_NODES);
	assert(n >= 0);
	for (int i = 0; i < n; i++) {
		r->stats.expiries++;
		event(r, LB_RE_HOLD_EXPIRY, now, evs[i].neighbour, -1);
		apply(r, &evs[i], now);
	}
	rearm_expiry(r);
}

/* Messages ----------------------------------------------------------------------- */

/* ideal: applied after processing_delay; frr: applied to the table on arrival. */
static void message(struct lb_router *r, unsigned node, bool withdraw, uint32_t metric, uint64_t now)
{
	check_node(r, node);
	r->stats.messages++;
	if (!frr(r)) {
		struct msg m = {(uint8_t)node, withdraw, metric};
		if (!lb_fifo_push(&r->msgs, &m))
			abort();
		arm(r, LB_RT_MSG, 0, add_sat(now, r->p.processing_delay_ns), LB_TIMER_QUEUE);
		return;
	}
	session_rx(r, node, now);
	struct lb_route_event ev;
	int rc = withdraw ? lb_route_withdraw(r->routes, (uint8_t)node, now, &ev)
			  : lb_route_advertise(r->routes, (uint8_t)node, metric, now, &ev);
	assert(rc >= 0);
	if (rc > 0)
		update_enqueue(r, now);
}

static void msg_fire(struct lb_router *r, uint64_t now)
{
	struct msg m;
	bool ok = lb_fifo_pop(&r->msgs, &m);
	assert(ok);
	(void)ok;
	struct lb_route_event ev;
	int rc = m.withdraw ? lb_route_withdraw(r->routes, m.node, now, &ev)
			    : lb_route_advertise(r->routes, m.node, m.metric, now, &ev);
	assert(rc >= 0);
	if (rc > 0)
		apply(r, &ev, now);
	rearm_expiry(r);
}

void lb_router_rx_advertise(struct lb_router *r, unsigned node, uint32_t metric, uint64_t now)
{
	assert(metric != LB_ROUTE_METRIC_NONE);
	message(r, node, false, metric, now);
}

void lb_router_rx_withdraw(struct lb_router *r, unsigned node, uint64_t now)
{
	message(r, node, true, 0, now);
}

void lb_router_rx_session(struct lb_router *r, unsigned node, uint64_t now)
{
	check_node(r, node);
	if (r->p.strategy->router_rx_session)
		r->p.strategy->router_rx_session(r, r->strategy_state, node, now);
}

/* A lost carrier is seen at once: ideal, as a withdrawal message; frr, as
 * the session going down (bgpd's fast external failover). */
void lb_router_carrier(struct lb_router *r, unsigned node, bool up, uint64_t now)
{
	check_node(r, node);
	if (up)
		return;
	if (frr(r))
		peer_down(r, node, now);
	else
		message(r, node, true, 0, now);
}

/* Start and timers ------------------------------------------------------------------ */

void lb_router_start(struct lb_router *r, uint64_t now)
{
	struct lb_route_event ev;
	for (unsigned i = 0; i < LB_MAX_NODES; i++) {
		if (!lb_nodeset_has(r->p.neighbours, i))
			continue;
		int rc = lb_route_advertise(r->routes, (uint8_t)i, r->p.initial_metric, now, &ev);
		assert(rc >= 0);
		(void)rc;
		r->last_rx[i] = now;
	}
	uint32_t metric;
	lb_nodeset set = lb_route_best(r->routes, &metric);
	lb_ecmp_set(r->ecmp, set, now);
	r->fib = r->decided = set;
	r->decided_metric = metric;
	event_set(r, LB_RE_ROUTE_INSTALLED, now, set, metric);
	if (frr(r)) {
		r->session_up = r->p.neighbours;
		rearm_session_hold(r);
	}
	rearm_expiry(r);
	if (r->p.strategy->router_start)
		r->p.strategy->router_start(r, r->strategy_state, now);
}

void lb_router_start_cold(struct lb_router *r, uint64_t now)
{
	lb_ecmp_set(r->ecmp, 0, now);
	r->fib = r->decided = 0;
	r->decided_metric = LB_ROUTE_METRIC_NONE;
	event_set(r, LB_RE_ROUTE_INSTALLED, now, 0, 0);
	if (r->p.strategy->router_start)
		r->p.strategy->router_start(r, r->strategy_state, now);
}

void lb_router_timer(struct lb_router *r, uint32_t id, uint64_t now)
{
	switch ((enum lb_router_timer)LB_TIMER_KIND(id)) {
	case LB_RT_MSG:
		msg_fire(r, now);
		return;
	case LB_RT_INSTALL:
		install_fire(r, now);
		return;
	case LB_RT_EXPIRY:
		expiry_fire(r, now);
		return;
	case LB_RT_ECMP:
		lb_ecmp_tick(r->ecmp, now);
		rearm_ecmp(r);
		return;
	case LB_RT_SESSION_HOLD:
		session_hold_fire(r, now);
		return;
	case LB_RT_CLEAR_Q:
		clear_fire(r, now);
		return;
	case LB_RT_UPDATE_Q:
		update_fire(r, now);
		return;
	case LB_RT_RIB_Q:
		rib_fire(r, now);
		return;
	case LB_RT_STRATEGY:
		if (r->p.strategy->router_timer)
			r->p.strategy->router_timer(r, r->strategy_state, LB_TIMER_INDEX(id), now);
		return;
	}
	assert(!"unknown router timer");
}

/* Data plane and queries ------------------------------------------------------------- */

uint32_t lb_router_hash(const struct lb_router *r, const struct lb_flow_key *k)
{
	return lb_hasher_flow(&r->hasher, k);
}

int lb_router_select(struct lb_router *r, const struct lb_flow_key *k, uint64_t now)
{
	return lb_ecmp_select(r->ecmp, lb_hasher_flow(&r->hasher, k), now);
}

lb_nodeset lb_router_fib(const struct lb_router *r)
{
	return r->fib;
}

const struct lb_ecmp *lb_router_ecmp(const struct lb_router *r)
{
	return r->ecmp;
}

const struct lb_router_stats *lb_router_stats(const struct lb_router *r)
{
	return &r->stats;
}

uint64_t lb_router_path_delay_ns(const struct lb_router_params *p, enum lb_router_trigger t)
{
	if (p->profile == LB_PROFILE_FRR) {
		uint64_t d = p->update_queue_hold_ns + p->rib_queue_hold_ns + p->fib_install_delay_ns;
		return t == LB_TRIGGER_UPDATE ? d : d + p->peer_clear_hold_ns;
	}
	return (t == LB_TRIGGER_EXPIRY ? 0 : p->processing_delay_ns) + p->fib_install_delay_ns;
}

/* Services for strategies (lb_strategy.h) ---------------------------------------------- */

void lb_router_strategy_timer(struct lb_router *r, unsigned index, uint64_t at)
{
	assert(index < LB_MAX_NODES);
	arm(r, LB_RT_STRATEGY, index, at, LB_TIMER_REPLACE);
}

void lb_router_session_down(struct lb_router *r, unsigned node, uint64_t now)
{
	check_node(r, node);
	peer_down(r, node, now);
}

void lb_router_strategy_event(struct lb_router *r, int ev, int node, int64_t value, uint64_t now)
{
	assert(ev >= 0 && ev < LB_ROUTER_EVENT_COUNT);
	event(r, (enum lb_router_event)ev, now, node, value);
}

uint64_t lb_router_session_interval(const struct lb_router *r)
{
	return r->p.session_interval_ns;
}

unsigned lb_router_session_multiplier(const struct lb_router *r)
{
	return r->p.session_multiplier;
}

lb_nodeset lb_router_neighbours(const struct lb_router *r)
{
	return r->p.neighbours;
}
