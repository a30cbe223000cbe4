/* timers.c - see timers.h. */
#include "timers.h"

#include "lbcore/lb_types.h"

struct sim_slot {
	struct sim_timers *t;
	uint32_t id;
	uint64_t ev, cur; /* REPLACE/LAZY: the pending event and its time (LB_TIME_NEVER: none) */
	GQueue queued;    /* QUEUE: pending event handles, in order */
};

void sim_timers_init(struct sim_timers *t, struct shim_sim *sim, sim_timer_fn fire, void *obj)
{
	t->sim = sim;
	t->fire = fire;
	t->obj = obj;
	t->slots = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

static struct sim_slot *slot(struct sim_timers *t, uint32_t id)
{
	struct sim_slot *s = g_hash_table_lookup(t->slots, GUINT_TO_POINTER(id));
	if (!s) {
		s = g_new0(struct sim_slot, 1);
		s->t = t;
		s->id = id;
		s->cur = LB_TIME_NEVER;
		g_hash_table_insert(t->slots, GUINT_TO_POINTER(id), s);
	}
	return s;
}

static void fire_slot(void *user)
{
	struct sim_slot *s = user;
	s->ev = 0;
	s->cur = LB_TIME_NEVER;
	s->t->fire(s->t->obj, s->id, shim_now_ns(s->t->sim));
}

static void fire_queued(void *user)
{
	struct sim_slot *s = user;
	g_queue_pop_head(&s->queued);
	s->t->fire(s->t->obj, s->id, shim_now_ns(s->t->sim));
}

static uint64_t delay_to(const struct sim_timers *t, uint64_t at)
{
	uint64_t now = shim_now_ns(t->sim);
	return at > now ? at - now : 0;
}

void sim_timers_apply(struct sim_timers *t, const struct lb_timer_req *r)
{
	struct sim_slot *s = slot(t, r->id);
	if (r->mode == LB_TIMER_QUEUE) {
		g_assert(r->at != LB_TIME_NEVER);
		uint64_t h = shim_schedule(t->sim, delay_to(t, r->at), fire_queued, s);
		g_queue_push_tail(&s->queued, (gpointer)(uintptr_t)h);
		return;
	}
	if (r->at == s->cur || (r->mode == LB_TIMER_LAZY && s->ev && s->cur < r->at))
		return;
	if (s->ev)
		shim_cancel(t->sim, s->ev);
	s->ev = 0;
	s->cur = r->at;
	if (r->at != LB_TIME_NEVER)
		s->ev = shim_schedule(t->sim, delay_to(t, r->at), fire_slot, s);
}

void sim_timers_cancel(struct sim_timers *t)
{
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, t->slots);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct sim_slot *s = v;
		if (s->ev)
			shim_cancel(t->sim, s->ev);
		s->ev = 0;
		s->cur = LB_TIME_NEVER;
		gpointer h;
		while ((h = g_queue_pop_head(&s->queued)))
			shim_cancel(t->sim, (uint64_t)(uintptr_t)h);
	}
}

void sim_timers_clear(struct sim_timers *t)
{
	if (!t->slots)
		return;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, t->slots);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_queue_clear(&((struct sim_slot *)v)->queued);
	g_hash_table_destroy(t->slots);
	t->slots = NULL;
}
