/* lb_fifo.h - internal: a FIFO of fixed-size items that grows by doubling
 * (control-plane stages; never on a per-packet path).  Not installed. */
#ifndef LBCORE_LB_FIFO_H
#define LBCORE_LB_FIFO_H

#include <stdbool.h>
#include <stddef.h>

struct lb_fifo {
	unsigned char *buf;
	size_t item, cap, head, len;
};

void lb_fifo_init(struct lb_fifo *q, size_t item_size);
void lb_fifo_free(struct lb_fifo *q);
/* false when out of memory (nothing added) */
bool lb_fifo_push(struct lb_fifo *q, const void *item);
/* false when empty */
bool lb_fifo_pop(struct lb_fifo *q, void *item);

#endif
