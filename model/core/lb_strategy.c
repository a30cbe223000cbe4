/* lb_strategy.c - the registry of failover strategies; see lb_strategy.h.
 * A new strategy is its own file (lb_strategy_<name>.c defining
 * `const struct lb_strategy lb_strategy_<name>`), its line here and its
 * line in model/core/meson.build; nothing else names it. */
#include "lbcore/lb_strategy.h"

#include <string.h>

#define LB_STRATEGIES(X) \
	X(hold)          \
	X(bfd)           \
	X(readvertise)

#define LB_STRATEGY_DECLARE(name) extern const struct lb_strategy lb_strategy_##name;
LB_STRATEGIES(LB_STRATEGY_DECLARE)
#define LB_STRATEGY_ENTRY(name) &lb_strategy_##name,
static const struct lb_strategy *const registry[] = {LB_STRATEGIES(LB_STRATEGY_ENTRY)};

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
