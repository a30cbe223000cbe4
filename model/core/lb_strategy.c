/* lb_strategy.c - the registry of failover strategies; see lb_strategy.h.
 * One line per strategy. */
#include "lbcore/lb_strategy.h"

#include <string.h>

static const struct lb_strategy *const registry[] = {
	&lb_strategy_hold,
	&lb_strategy_bfd,
	&lb_strategy_readvertise,
};

const struct lb_strategy *lb_strategy_find(const char *name)
{
	for (unsigned i = 0; name && i < sizeof registry / sizeof registry[0]; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

unsigned lb_strategy_count(void)
{
	return sizeof registry / sizeof registry[0];
}

const struct lb_strategy *lb_strategy_at(unsigned i)
{
	return i < lb_strategy_count() ? registry[i] : NULL;
}
