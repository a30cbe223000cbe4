/* lb_route.h - the router's route table for the VIP: one advertisement per
 * neighbour (node id 0..63) with a metric and the time it was last
 * refreshed, hold-time expiry, explicit withdraw, and the best-metric ECMP
 * set (lowest metric wins; every neighbour advertising it is in the set).
 *
 * Semantics (soft state with a hold/dead timer, as in RIP, OSPF or BGP;
 * design note in doc/ecmp.md):
 *   advertise, neighbour absent            -> ADD
 *   advertise, present, same metric         -> refresh: the hold timer is
 *                                             reset (expiry = now + hold),
 *                                             nothing else; no event, 0
 *   advertise, present, other metric        -> METRIC_CHANGE (timer reset too)
 *   withdraw, present                       -> WITHDRAW
 *   not refreshed for hold_time_ns          -> EXPIRE (via lb_route_expire)
 * A route is live while now < last_refresh + hold_time; it expires at
 * exactly last_refresh + hold_time.  Advertise and withdraw do not expire
 * anything themselves: for strict hold semantics call lb_route_expire(now)
 * first (a simulator that fires expiry at lb_route_next_expiry() does).
 *
 * Every change comes back as an event carrying the best set after it, so
 * the caller can apply processing and FIB-install delays; the table never
 * sends or schedules anything.  A stale route with a worse metric stays in
 * the table, and returns to the best set if the better routes go back to
 * its metric before it expires: the "premature restore"
 * (doc/model.md, "Expectations").
 *
 * Ownership and threads: the table owns its memory; event arrays belong to
 * the caller.  Not for concurrent use.  Time is caller-supplied ns.
 */
#ifndef LBCORE_LB_ROUTE_H
#define LBCORE_LB_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* best_metric of an empty best set; not a valid advertised metric. */
#define LB_ROUTE_METRIC_NONE UINT32_MAX

struct lb_route_params {
	/* > 0; LB_TIME_NEVER = routes never expire. */
	uint64_t hold_time_ns;
};

enum lb_route_event_kind {
	LB_ROUTE_ADD,
	LB_ROUTE_METRIC_CHANGE,
	LB_ROUTE_WITHDRAW,
	LB_ROUTE_EXPIRE,
};

struct lb_route_event {
	enum lb_route_event_kind kind;
	uint8_t neighbour;
	uint32_t metric;       /* ADD, METRIC_CHANGE: the new metric;
	                          WITHDRAW, EXPIRE: the metric removed */
	uint32_t old_metric;   /* METRIC_CHANGE: the previous metric; ADD:
	                          LB_ROUTE_METRIC_NONE; else = metric */
	uint64_t time_ns;      /* when the change took effect: now for
	                          advertise/withdraw; for EXPIRE the exact
	                          expiry time last_refresh + hold (<= now) */
	bool best_changed;     /* best_set or best_metric differs from before */
	lb_nodeset best_set;   /* the best-metric ECMP set after the change */
	uint32_t best_metric;  /* its metric, LB_ROUTE_METRIC_NONE if empty */
};

struct lb_route;

/* New empty table.  Returns NULL if p is NULL, p->hold_time_ns is 0, or
 * memory runs out.  p is only read; the caller frees with lb_route_free(). */
struct lb_route *lb_route_create(const struct lb_route_params *p);

/* Frees rt; lb_route_free(NULL) is a no-op. */
void lb_route_free(struct lb_route *rt);

/* Neighbour nbr advertises the VIP with metric at now_ns (see the table
 * above).  Returns 1 and fills *ev when the route was added or its metric
 * changed; 0 for a pure refresh (*ev untouched); -EINVAL if nbr >= 64 or
 * metric == LB_ROUTE_METRIC_NONE (table untouched).  ev must not be NULL. */
int lb_route_advertise(struct lb_route *rt, uint8_t nbr, uint32_t metric, uint64_t now_ns,
		       struct lb_route_event *ev);

/* Neighbour nbr withdraws its route.  Returns 1 and fills *ev if it had
 * one, 0 if not (*ev untouched), -EINVAL if nbr >= 64. */
int lb_route_withdraw(struct lb_route *rt, uint8_t nbr, uint64_t now_ns, struct lb_route_event *ev);

/* Removes every route with last_refresh + hold <= now_ns, earliest expiry
 * first (ties: lower id first), writing one EXPIRE event per route into
 * evs[0..cap-1]; each event's best set is the one after that removal.
 * Returns the number of events written (0..cap).  If more than cap routes
 * are due, the rest stay in the table and lb_route_next_expiry() stays
 * <= now_ns: call again.  evs may be NULL only if cap is 0. */
int lb_route_expire(struct lb_route *rt, uint64_t now_ns, struct lb_route_event *evs, size_t cap);

/* The earliest last_refresh + hold over the table, LB_TIME_NEVER if empty
 * or if the hold time is LB_TIME_NEVER. */
uint64_t lb_route_next_expiry(const struct lb_route *rt);

/* The best-metric set now; *metric (if not NULL) gets its metric or
 * LB_ROUTE_METRIC_NONE. */
lb_nodeset lb_route_best(const struct lb_route *rt, uint32_t *metric);

/* The neighbours that have a route (any metric). */
lb_nodeset lb_route_neighbours(const struct lb_route *rt);

/* Neighbour nbr's route: returns 0 and fills *metric and *last_refresh_ns
 * (either may be NULL), -ENOENT if it has none, -EINVAL if nbr >= 64. */
int lb_route_get(const struct lb_route *rt, uint8_t nbr, uint32_t *metric, uint64_t *last_refresh_ns);

/* Shorthand: nbr's metric (>= 0), -ENOENT if it has no route, -EINVAL if
 * nbr >= 64. */
int64_t lb_route_metric(const struct lb_route *rt, uint8_t nbr);

/* "add", "metric_change", "withdraw", "expire"; NULL for an unknown kind. */
const char *lb_route_event_kind_name(enum lb_route_event_kind kind);

#ifdef __cplusplus
}
#endif
#endif
