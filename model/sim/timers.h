/* timers.h - the one timer helper: a core state machine's timer requests
 * (lb_timer.h) as shim events.
 *
 * A sim_timers serves one machine (a router or a node): `fire(obj, id, now)`
 * is called when a requested timer is due.  REPLACE and LAZY requests keep
 * one pending event per id (a LAZY request leaves an earlier pending event
 * alone: it fires, finds nothing due and asks again - ns-3 keeps cancelled
 * events in its queue until their time, so a deadline that moves later at
 * every message costs no cancel); QUEUE requests add one event each, fired
 * in order.  sim_timers_cancel() cancels everything pending (a crash). */
#ifndef LB_SIM_TIMERS_H
#define LB_SIM_TIMERS_H

#include <glib.h>

#include "lbcore/lb_timer.h"
#include "shim.h"

typedef void (*sim_timer_fn)(void *obj, uint32_t id, uint64_t now);

struct sim_timers {
	struct shim_sim *sim;
	sim_timer_fn fire;
	void *obj;
	GHashTable *slots; /* id -> struct sim_slot */
};

void sim_timers_init(struct sim_timers *t, struct shim_sim *sim, sim_timer_fn fire, void *obj);
void sim_timers_apply(struct sim_timers *t, const struct lb_timer_req *r);
void sim_timers_cancel(struct sim_timers *t);
void sim_timers_clear(struct sim_timers *t);

#endif
