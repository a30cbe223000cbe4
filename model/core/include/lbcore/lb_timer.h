/* lb_timer.h - how the core's sans-IO state machines (lb_router, lb_node)
 * ask their caller for timers.
 *
 * A state machine never schedules anything: it hands its caller a timer
 * request {id, at, mode} and the caller calls the machine's timer function
 * with that id once `at` has come (a simulator schedules an event; a daemon
 * arms a timerfd).  Ids are LB_TIMER_ID(kind, index), the kind and index
 * being the machine's own.  Three modes:
 *
 *   LB_TIMER_REPLACE  the single timer of this id now fires at `at`
 *                     (LB_TIME_NEVER: it is cancelled).  Asking again for
 *                     the same `at` changes nothing.
 *   LB_TIMER_LAZY     the same, except that a pending timer due before `at`
 *                     may be kept: the machine, called early, finds nothing
 *                     due and asks again (this saves a cancel per message
 *                     for deadlines that keep moving later).
 *   LB_TIMER_QUEUE    one more independent firing of id at `at`; never
 *                     cancels one already pending.  Firings of one id come
 *                     in request order (a FIFO stage: every item waits its
 *                     own delay).
 *
 * A timer due "now" fires after the call that asked for it returns, never
 * inside it.  Times are nanoseconds on the caller's clock.
 */
#ifndef LBCORE_LB_TIMER_H
#define LBCORE_LB_TIMER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum lb_timer_mode { LB_TIMER_REPLACE, LB_TIMER_LAZY, LB_TIMER_QUEUE };

#define LB_TIMER_ID(kind, index) ((uint32_t)(kind) << 8 | (uint32_t)(index))
#define LB_TIMER_KIND(id) ((id) >> 8)
#define LB_TIMER_INDEX(id) ((id)&0xffu)

struct lb_timer_req {
	uint32_t id;
	uint64_t at;
	enum lb_timer_mode mode;
};

#ifdef __cplusplus
}
#endif
#endif
