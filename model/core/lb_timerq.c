/* lb_timerq.c - see lb_timerq.h.  Entries in an unsorted array; a
 * sequence number orders timers due at the same time by request. */
#include "lbcore/lb_timerq.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lbcore/lb_types.h"

struct entry {
	uint64_t at, seq;
	unsigned owner;
	uint32_t id;
	bool queued; /* LB_TIMER_QUEUE: never replaced */
};

struct lb_timerq {
	size_t cap, n;
	uint64_t seq;
	struct entry e[];
};

struct lb_timerq *lb_timerq_create(size_t capacity)
{
	if (capacity == 0 || capacity > SIZE_MAX / sizeof(struct entry) - 1)
		return NULL;
	struct lb_timerq *q = calloc(1, sizeof *q + capacity * sizeof(struct entry));
	if (q)
		q->cap = capacity;
	return q;
}

void lb_timerq_free(struct lb_timerq *q)
{
	free(q);
}

static void remove_at(struct lb_timerq *q, size_t i)
{
	q->e[i] = q->e[--q->n];
}

int lb_timerq_apply(struct lb_timerq *q, unsigned owner, const struct lb_timer_req *t)
{
	if (t->mode != LB_TIMER_QUEUE) {
		for (size_t i = 0; i < q->n; i++) {
			struct entry *e = &q->e[i];
			if (e->queued || e->owner != owner || e->id != t->id)
				continue;
			if (e->at == t->at || (t->mode == LB_TIMER_LAZY && e->at < t->at))
				return 0;
			remove_at(q, i);
			break;
		}
		if (t->at == LB_TIME_NEVER)
			return 0;
	}
	if (q->n == q->cap)
		return -ENOSPC;
	q->e[q->n++] = (struct entry){t->at, q->seq++, owner, t->id, t->mode == LB_TIMER_QUEUE};
	return 0;
}

static size_t earliest(const struct lb_timerq *q)
{
	size_t best = q->n;
	for (size_t i = 0; i < q->n; i++)
		if (best == q->n || q->e[i].at < q->e[best].at ||
		    (q->e[i].at == q->e[best].at && q->e[i].seq < q->e[best].seq))
			best = i;
	return best;
}

uint64_t lb_timerq_next(const struct lb_timerq *q)
{
	size_t i = earliest(q);
	return i < q->n ? q->e[i].at : LB_TIME_NEVER;
}

int lb_timerq_pop(struct lb_timerq *q, uint64_t now, unsigned *owner, uint32_t *id, uint64_t *at)
{
	size_t i = earliest(q);
	if (i == q->n || q->e[i].at > now)
		return 0;
	*owner = q->e[i].owner;
	*id = q->e[i].id;
	*at = q->e[i].at;
	remove_at(q, i);
	return 1;
}

void lb_timerq_cancel_owner(struct lb_timerq *q, unsigned owner)
{
	for (size_t i = 0; i < q->n;)
		if (q->e[i].owner == owner)
			remove_at(q, i);
		else
			i++;
}

size_t lb_timerq_pending(const struct lb_timerq *q)
{
	return q->n;
}
