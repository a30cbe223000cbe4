/* lb_timerq.h - a timer queue that honours lb_timer_req semantics
 * (lb_timer.h) for callers without a simulator: tests, `lbsim where`, a
 * node daemon.  Each timer belongs to an owner (the caller's index of the
 * machine that asked for it).  The caller applies every request the
 * machines hand it, asks for the next deadline, and pops due timers in
 * (time, request order) order - the order a discrete-event simulator uses.
 *
 * Fixed capacity chosen at creation; O(n) per operation (n is small: a few
 * timers per machine).  Not thread-safe.  Errors: negative errno.
 */
#ifndef LBCORE_LB_TIMERQ_H
#define LBCORE_LB_TIMERQ_H

#include <stddef.h>
#include <stdint.h>

#include "lb_timer.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lb_timerq;

struct lb_timerq *lb_timerq_create(size_t capacity); /* NULL: capacity 0 or no memory */
void lb_timerq_free(struct lb_timerq *q);
/* 0, or -ENOSPC when a new timer does not fit. */
int lb_timerq_apply(struct lb_timerq *q, unsigned owner, const struct lb_timer_req *t);
/* The earliest pending time, LB_TIME_NEVER when none. */
uint64_t lb_timerq_next(const struct lb_timerq *q);
/* Removes the earliest timer due at or before now: 1 and its owner, id and
 * time; 0 when none is due. */
int lb_timerq_pop(struct lb_timerq *q, uint64_t now, unsigned *owner, uint32_t *id, uint64_t *at);
/* Cancels every timer of owner (a machine that stopped). */
void lb_timerq_cancel_owner(struct lb_timerq *q, unsigned owner);
size_t lb_timerq_pending(const struct lb_timerq *q);

#ifdef __cplusplus
}
#endif
#endif
