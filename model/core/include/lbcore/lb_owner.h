/* lb_owner.h - owner selection: which node of the active set owns a flow.
 *
 *  MODULO      the (hash mod N)-th of the active ids in ascending order
 *              (what US 2014/0301388 implies).  O(1).  One removal remaps about
 *              (N-1)/N of the flows.
 *  RENDEZVOUS  highest random weight (Thaler & Ravishankar 1998): the node
 *              with the largest mix(hash, node, seed).  O(N).  One removal
 *              remaps exactly the removed node's flows (~1/N).
 *  MAGLEV      Maglev hashing (Eisenbud et al., NSDI 2016, section 3.4):
 *              a lookup table of prime size M filled from per-node
 *              permutations; lookup table[hash mod M].  O(1).  One removal
 *              remaps the removed node's flows plus a small extra fraction.
 *
 * The table and all working memory are allocated by lb_owner_create();
 * lb_owner_set_active() and lb_owner_lookup() allocate nothing.  An object
 * may be read by several threads at once if nobody calls set_active.
 */
#ifndef LBCORE_LB_OWNER_H
#define LBCORE_LB_OWNER_H

#include <stdbool.h>
#include <stdint.h>

#include "lb_kind.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_OWNER_KINDS(X)                                                                    \
	X(LB_OWNER_MODULO, "modulo", "the (hash mod N)-th active node, as the steering patent implies") \
	X(LB_OWNER_RENDEZVOUS, "rendezvous", "highest random weight (Thaler and Ravishankar)")        \
	X(LB_OWNER_MAGLEV, "maglev", "Maglev lookup table (Eisenbud et al., NSDI 2016)")
enum lb_owner_kind { LB_OWNER_KINDS(LB_KIND_ENUM) };
#define LB_OWNER_KIND_COUNT (0 LB_OWNER_KINDS(LB_KIND_ONE))
extern const struct lb_kind_table lb_owner_kind_table;

#define LB_MAGLEV_DEFAULT_M 65537u
#define LB_MAGLEV_MIN_M LB_MAX_NODES /* one entry per possible node id at least */
#define LB_MAGLEV_MAX_M 16777213u /* a prime below 2^24 */

struct lb_owner_params {
	enum lb_owner_kind kind;
	uint32_t maglev_table_size; /* prime >= LB_MAX_NODES and <= LB_MAGLEV_MAX_M; 0 = 65537 */
	uint64_t seed;              /* rendezvous weights and Maglev permutations */
};

struct lb_owner;

/* true when m is prime (trial division; m <= LB_MAGLEV_MAX_M is fast). */
bool lb_owner_is_prime(uint32_t m);

/* NULL on bad parameters (unknown kind, M not prime or out of
 * LB_MAGLEV_MIN_M..LB_MAGLEV_MAX_M) or when out of memory. */
struct lb_owner *lb_owner_create(const struct lb_owner_params *p);
void lb_owner_free(struct lb_owner *o);
/* Rebuilds for a new active set (may be empty).  Returns 0. */
int lb_owner_set_active(struct lb_owner *o, lb_nodeset active);
lb_nodeset lb_owner_active(const struct lb_owner *o);
/* The owner's node id, or -ENOENT when the active set is empty. */
int lb_owner_lookup(const struct lb_owner *o, uint32_t flow_hash);
/* Maglev: how many table entries node id holds (0 for other kinds). */
uint32_t lb_owner_maglev_entries(const struct lb_owner *o, unsigned id);

/* "modulo", "rendezvous", "maglev" <-> kind; parse returns 0 or -EINVAL. */
int lb_owner_kind_parse(const char *name, enum lb_owner_kind *out);
const char *lb_owner_kind_name(enum lb_owner_kind kind);

#ifdef __cplusplus
}
#endif
#endif
