/* lb_fifo.c - see lb_fifo.h. */
#include "lb_fifo.h"

#include <stdlib.h>
#include <string.h>

void lb_fifo_init(struct lb_fifo *q, size_t item_size)
{
	memset(q, 0, sizeof *q);
	q->item = item_size;
}

void lb_fifo_free(struct lb_fifo *q)
{
	free(q->buf);
	q->buf = NULL;
	q->cap = q->len = q->head = 0;
}

bool lb_fifo_push(struct lb_fifo *q, const void *item)
{
	if (q->len == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 16;
		unsigned char *b = malloc(cap * q->item);
		if (!b)
			return false;
		for (size_t i = 0; i < q->len; i++)
			memcpy(b + i * q->item, q->buf + ((q->head + i) % q->cap) * q->item, q->item);
		free(q->buf);
		q->buf = b;
		q->cap = cap;
		q->head = 0;
	}
	memcpy(q->buf + ((q->head + q->len) % q->cap) * q->item, item, q->item);
	q->len++;
	return true;
}

bool lb_fifo_pop(struct lb_fifo *q, void *item)
{
	if (q->len == 0)
		return false;
	memcpy(item, q->buf + q->head * q->item, q->item);
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return true;
}
