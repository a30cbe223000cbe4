/* lb_types.h - types shared by every model/core module.
 *
 * Error rule (the only one in model/core, as in libuv): a function that can
 * fail returns a negative errno value (-EINVAL, -ENOSPC, -ENOENT, ...);
 * success is 0 or a non-negative value (an index, a node id, a count).
 * Constructors return NULL on bad parameters or allocation failure, and
 * every x_free(NULL) is a no-op.  Programming errors are assert()s.
 *
 * Time is always a uint64_t count of nanoseconds passed in by the caller;
 * model/core never reads a clock or a random source.  No object is shared
 * between threads unless its header says so.
 */
#ifndef LBCORE_LB_TYPES_H
#define LBCORE_LB_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Node ids are 0..LB_MAX_NODES-1; a set of nodes is a bitmask (bit i = node i). */
#define LB_MAX_NODES 64
typedef uint64_t lb_nodeset;

#define LB_NS_PER_US UINT64_C(1000)
#define LB_NS_PER_MS UINT64_C(1000000)
#define LB_NS_PER_S UINT64_C(1000000000)
/* "Never" for deadlines. */
#define LB_TIME_NEVER UINT64_MAX

static inline lb_nodeset lb_nodeset_bit(unsigned id)
{
	return (lb_nodeset)1 << id;
}

static inline bool lb_nodeset_has(lb_nodeset s, unsigned id)
{
	return id < LB_MAX_NODES && ((s >> id) & 1u) != 0;
}

static inline unsigned lb_nodeset_count(lb_nodeset s)
{
	return (unsigned)__builtin_popcountll(s);
}

/* Sets with the first n ids: lb_nodeset_first(4) = {0,1,2,3}. */
static inline lb_nodeset lb_nodeset_first(unsigned n)
{
	return n >= LB_MAX_NODES ? ~(lb_nodeset)0 : (lb_nodeset_bit(n) - 1);
}

/* true when a is a strict subset of b */
static inline bool lb_nodeset_strict_subset(lb_nodeset a, lb_nodeset b)
{
	return (a & ~b) == 0 && a != b;
}

#ifdef __cplusplus
}
#endif
#endif
