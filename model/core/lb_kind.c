/* lb_kind.c - parsing and naming of X-macro kinds; see lb_kind.h. */
#include "lbcore/lb_kind.h"

#include <errno.h>
#include <string.h>

int lb_kind_parse(const struct lb_kind_table *t, const char *s)
{
	if (!s)
		return -EINVAL;
	for (unsigned i = 0; i < t->count; i++)
		if (strcmp(s, t->names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *lb_kind_name(const struct lb_kind_table *t, unsigned v)
{
	return v < t->count ? t->names[v] : NULL;
}
