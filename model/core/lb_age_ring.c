/* lb_age_ring.c - see lb_age_ring.h. */
#include "lb_age_ring.h"

#include <errno.h>
#include <stdlib.h>

int lb_age_ring_init(struct lb_age_ring *r, uint32_t t_ms)
{
	*r = (struct lb_age_ring){.t_ms = t_ms};
	if (t_ms == 0 || t_ms > LB_AGE_RING_MAX_MS)
		return -EINVAL;
	r->count = calloc(t_ms, sizeof *r->count);
	return r->count ? 0 : -ENOMEM;
}

void lb_age_ring_free(struct lb_age_ring *r)
{
	free(r->count);
	r->count = NULL;
}

/* true when an entry last used at t is no longer live at the horizon */
static bool out_of_window(const struct lb_age_ring *r, uint32_t t)
{
	return r->horizon_ms - t >= r->t_ms && r->horizon_ms - t <= UINT32_MAX / 2;
}

/* The counter of ms t, in the window: counters are indexed relative to
 * the horizon's (h_index), so the 2^32 ms wrap does not matter. */
static uint32_t *counter_of(struct lb_age_ring *r, uint32_t t)
{
	uint32_t back = r->horizon_ms - t; /* < t_ms */
	return &r->count[(r->h_index + r->t_ms - back) % r->t_ms];
}

void lb_age_ring_advance(struct lb_age_ring *r, uint32_t now_ms)
{
	if (!r->started) {
		r->started = true;
		r->horizon_ms = now_ms;
		return;
	}
	uint32_t d = now_ms - r->horizon_ms;
	if (d == 0 || d > UINT32_MAX / 2)
		return; /* the same ms, or an earlier time */
	/* each step: the oldest ms of the window (H - T + 1, the counter
	 * after H's) leaves it, and its counter becomes the new H's */
	uint32_t steps = d < r->t_ms ? d : r->t_ms;
	for (uint32_t i = 0; i < steps; i++) {
		r->h_index = r->h_index + 1 == r->t_ms ? 0 : r->h_index + 1;
		r->expired += r->count[r->h_index];
		r->count[r->h_index] = 0;
	}
	r->h_index = (uint32_t)((r->h_index + (uint64_t)(d - steps)) % r->t_ms);
	r->horizon_ms = now_ms;
}

void lb_age_ring_add(struct lb_age_ring *r, uint32_t last_ms)
{
	lb_age_ring_advance(r, last_ms);
	if (out_of_window(r, last_ms))
		r->expired++;
	else
		(*counter_of(r, last_ms))++;
}

void lb_age_ring_remove(struct lb_age_ring *r, uint32_t last_ms)
{
	if (out_of_window(r, last_ms))
		r->expired--;
	else
		(*counter_of(r, last_ms))--;
}
