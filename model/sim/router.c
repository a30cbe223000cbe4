/* router.c - the upstream router: control plane (route table from
 * model/core fed by advertisement packets, processing delay, FIB-install
 * delay, hold-time expiry, optional BFD sessions) and data plane (VIP
 * packets forwarded by model/core's ECMP group; no route = drop no_route).
 *
 * Timing: a control message that arrives at t is acted on at
 * t + processing_delay (messages are processed in arrival order); a change
 * of the best ECMP set decided at t is forwarded by from t + fib_install_delay
 * (installs apply in decision order).  Hold-time expiry and BFD detection are
 * decisions too: they pay the FIB-install delay but not the processing delay.
 * A link whose carrier goes down is seen at once and handled like a
 * withdrawal message (with the processing delay). */
#include <string.h>

#include "world_internal.h"

static void router_schedule_expiry(struct world *w);
static void ecmp_schedule(struct world *w);

static void fib_install(void *user)
{
	struct world *w = user;
	struct router *r = &w->router;
	struct router_install *in = g_queue_pop_head(&r->installs);
	g_assert(in);
	lb_nodeset set = in->set;
	uint32_t metric = in->metric;
	g_free(in);
	uint64_t now = world_now(w);
	lb_ecmp_set(r->ecmp, set, now);
	r->fib = set;
	ecmp_schedule(w);
	metrics_event_set(&w->m, now, -1, "route_installed", set ? (int64_t)metric : -1, set);
}

/* A new best set was decided now: forward by it after the install delay. */
static void route_decided(struct world *w, lb_nodeset set, uint32_t metric)
{
	struct router *r = &w->router;
	uint64_t now = world_now(w);
	metrics_event_set(&w->m, now, -1, "route_change", set ? (int64_t)metric : -1, set);
	struct router_install *in = g_new(struct router_install, 1);
	in->set = set;
	in->metric = metric;
	g_queue_push_tail(&r->installs, in);
	shim_schedule(w->sim, w->sc->fib_install_delay_ns, fib_install, w);
}

static void apply_route_event(struct world *w, const struct lb_route_event *ev)
{
	if (ev->best_changed)
		route_decided(w, ev->best_set, ev->best_metric);
}

static void expiry_fire(void *user)
{
	struct world *w = user;
	struct router *r = &w->router;
	r->ev_expiry = 0;
	r->expiry_deadline = LB_TIME_NEVER;
	struct lb_route_event evs[LB_MAX_NODES];
	uint64_t now = world_now(w);
	int n = lb_route_expire(r->routes, now, evs, LB_MAX_NODES);
	g_assert(n >= 0);
	for (int i = 0; i < n; i++) {
		metrics_event(&w->m, now, evs[i].neighbour, "hold_expiry", -1);
		apply_route_event(w, &evs[i]);
	}
	router_schedule_expiry(w);
}

static void router_schedule_expiry(struct world *w)
{
	struct router *r = &w->router;
	world_timer_rearm(w, &r->ev_expiry, &r->expiry_deadline, lb_route_next_expiry(r->routes), false, expiry_fire,
			  w);
}

static void process_msg(void *user)
{
	struct world *w = user;
	struct router *r = &w->router;
	struct router_msg *m = g_queue_pop_head(&r->msgs);
	g_assert(m);
	unsigned node = m->node;
	uint8_t type = m->type;
	uint32_t value = m->value;
	g_free(m);
	uint64_t now = world_now(w);
	struct lb_route_event ev;
	int rc;
	if (type == MSG_ADVERTISE)
		rc = lb_route_advertise(r->routes, (uint8_t)node, value, now, &ev);
	else
		rc = lb_route_withdraw(r->routes, (uint8_t)node, now, &ev);
	g_assert(rc >= 0);
	if (rc > 0)
		apply_route_event(w, &ev);
	router_schedule_expiry(w);
}

static void enqueue_msg(struct world *w, unsigned node, uint8_t type, uint32_t value)
{
	struct router *r = &w->router;
	struct router_msg *m = g_new(struct router_msg, 1);
	m->node = (uint8_t)node;
	m->type = type;
	m->value = value;
	g_queue_push_tail(&r->msgs, m);
	shim_schedule(w->sim, w->sc->processing_delay_ns, process_msg, w);
}

/* BFD (failover = bfd): every node sends a control packet every
 * bfd_interval; the router declares the session down when none arrived for
 * bfd_multiplier intervals (RFC 5880 detection time) and withdraws the
 * node's route at once. */
static void bfd_check(void *user)
{
	struct lbnode *n = user;
	struct world *w = n->w;
	struct router *r = &w->router;
	uint64_t now = world_now(w);
	uint64_t detect = w->sc->bfd_interval_ns * w->sc->bfd_multiplier;
	r->ev_bfd[n->id] = 0;
	if (!lb_nodeset_has(r->bfd_up, n->id))
		return;
	if (now - r->bfd_last_rx[n->id] >= detect) {
		r->bfd_up &= ~lb_nodeset_bit(n->id);
		metrics_event(&w->m, now, -1, "detect", n->id);
		struct lb_route_event ev;
		if (lb_route_withdraw(r->routes, (uint8_t)n->id, now, &ev) > 0)
			apply_route_event(w, &ev);
		router_schedule_expiry(w);
		return;
	}
	r->ev_bfd[n->id] = shim_schedule(w->sim, r->bfd_last_rx[n->id] + detect - now, bfd_check, n);
}

static void bfd_rx(struct world *w, unsigned node, uint64_t now)
{
	struct router *r = &w->router;
	r->bfd_last_rx[node] = now;
	if (!lb_nodeset_has(r->bfd_up, node)) {
		r->bfd_up |= lb_nodeset_bit(node);
		metrics_event(&w->m, now, -1, "bfd_up", node);
	}
	if (!r->ev_bfd[node])
		r->ev_bfd[node] = shim_schedule(w->sim, w->sc->bfd_interval_ns * w->sc->bfd_multiplier, bfd_check,
					       &w->nodes[node]);
}

void router_rx_msg(struct world *w, unsigned node, const uint8_t *msg, size_t len, uint64_t now)
{
	g_assert(len >= MSG_LEN);
	uint32_t value = be32_get(msg + 2);
	g_assert(msg[1] == node);
	switch (msg[0]) {
	case MSG_ADVERTISE:
	case MSG_WITHDRAW:
		enqueue_msg(w, node, msg[0], value);
		break;
	case MSG_BFD:
		if (w->failover == FAILOVER_BFD)
			bfd_rx(w, node, now);
		break;
	default:
		g_assert_not_reached();
	}
}

void router_carrier(struct world *w, unsigned node, bool up)
{
	if (!up)
		enqueue_msg(w, node, MSG_WITHDRAW, 0);
}

void router_rx_data(struct world *w, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct router *r = &w->router;
	struct lb_flow_key k;
	int rc = lb_flow_parse(pkt, len, &k);
	g_assert(rc >= 0);
	int nh = lb_ecmp_select(r->ecmp, lb_hasher_flow(&r->hasher, &k), now);
	if (nh < 0) {
		world_drop_data(w, pkt, len, SIM_DROP_NO_ROUTE);
		return;
	}
	world_send_data(w, w->nodes[nh].dev_router, 0, pkt, len);
}

static void ecmp_tick(void *user);

/* Resilient groups: one pending tick at the group's next deadline. */
static void ecmp_schedule(struct world *w)
{
	struct router *r = &w->router;
	world_timer_rearm(w, &r->ev_ecmp, &r->ecmp_deadline, lb_ecmp_next_deadline(r->ecmp), false, ecmp_tick, w);
}

static void ecmp_tick(void *user)
{
	struct world *w = user;
	w->router.ev_ecmp = 0;
	w->router.ecmp_deadline = LB_TIME_NEVER;
	lb_ecmp_tick(w->router.ecmp, world_now(w));
	ecmp_schedule(w);
}

int router_init(struct world *w, GError **err)
{
	const struct scenario *sc = w->sc;
	struct router *r = &w->router;
	memset(r, 0, sizeof *r);
	r->expiry_deadline = LB_TIME_NEVER;
	r->ecmp_deadline = LB_TIME_NEVER;
	enum lb_hash_kind hk;
	struct lb_ecmp_params ep = {0};
	if (lb_hash_kind_parse(sc->ecmp_hash, &hk) < 0 || lb_hasher_init(&r->hasher, hk, sc->ecmp_hash_seed) < 0 ||
	    lb_ecmp_kind_parse(sc->ecmp, &ep.kind) < 0) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INVALID, "%s: [router] cannot use ecmp = %s, ecmp_hash = %s",
			    sc->path, sc->ecmp, sc->ecmp_hash);
		return -1;
	}
	ep.buckets = sc->resilient_buckets;
	ep.idle_timer_ns = sc->resilient_idle_timer_ns;
	struct lb_route_params rp = {.hold_time_ns = sc->hold_time_ns};
	r->ecmp = lb_ecmp_create(&ep);
	r->routes = lb_route_create(&rp);
	if (!r->ecmp || !r->routes) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INVALID, "%s: [router] invalid ECMP or route parameters",
			    sc->path);
		return -1;
	}
	return 0;
}

/* The run starts in steady state, as after a long uptime: the table already
 * holds every node's route with metric n, refreshed at t = 0 and installed,
 * so traffic flows from the first packet (the nodes' first advertisements
 * at t = 0 are plain refreshes). */
void router_start(struct world *w)
{
	struct router *r = &w->router;
	struct lb_route_event ev;
	for (unsigned i = 0; i < w->n_nodes; i++) {
		int rc = lb_route_advertise(r->routes, (uint8_t)i, w->sc->base_metric, 0, &ev);
		g_assert(rc >= 0);
	}
	uint32_t metric;
	lb_nodeset set = lb_route_best(r->routes, &metric);
	lb_ecmp_set(r->ecmp, set, 0);
	r->fib = set;
	metrics_event_set(&w->m, 0, -1, "route_installed", (int64_t)metric, set);
	router_schedule_expiry(w);
	if (w->failover == FAILOVER_BFD) {
		r->bfd_up = lb_nodeset_first(w->n_nodes);
		for (unsigned i = 0; i < w->n_nodes; i++)
			r->ev_bfd[i] = shim_schedule(w->sim, w->sc->bfd_interval_ns * w->sc->bfd_multiplier,
						     bfd_check, &w->nodes[i]);
	}
}

void router_free(struct world *w)
{
	g_queue_clear_full(&w->router.installs, g_free);
	g_queue_clear_full(&w->router.msgs, g_free);
	lb_ecmp_free(w->router.ecmp);
	lb_route_free(w->router.routes);
}
