/* lb_kind.h - named kinds: enums whose values each have one name, as in
 * libuv's UV_ERRNO_MAP.  Every kind (hash, owner selection, ECMP, failure,
 * router profile, ...) is one X-macro list in its module's header,
 *
 *     #define LB_HASH_KINDS(X) X(LB_HASH_CRC32C, "crc32c", "CRC32C ...") ...
 *     enum lb_hash_kind { LB_HASH_KINDS(LB_KIND_ENUM) };
 *     #define LB_HASH_KIND_COUNT (0 LB_HASH_KINDS(LB_KIND_ONE))
 *     extern const struct lb_kind_table lb_hash_kind_table;
 *
 * from which the enum, the name table (defined once, in the module's .c,
 * with LB_KIND_NAME / LB_KIND_DOC) and the parser come.  Scenario files,
 * the command line and the documentation take their choices from these
 * tables; nothing else spells a kind's name.
 */
#ifndef LBCORE_LB_KIND_H
#define LBCORE_LB_KIND_H

#ifdef __cplusplus
extern "C" {
#endif

#define LB_KIND_ENUM(e, name, doc) e,
#define LB_KIND_NAME(e, name, doc) name,
#define LB_KIND_DOC(e, name, doc) doc,
#define LB_KIND_ONE(e, name, doc) +1

struct lb_kind_table {
	const char *what;          /* what the kind is, e.g. "hash" */
	unsigned count;            /* values 0..count-1 */
	const char *const *names;  /* count names, as written in scenario files */
	const char *const *docs;   /* count one-line descriptions */
};

/* Defines `const struct lb_kind_table var` from an X-macro list. */
#define LB_KIND_TABLE(var, what_, LIST)                                                     \
	static const char *const var##_names[] = {LIST(LB_KIND_NAME)};                      \
	static const char *const var##_docs[] = {LIST(LB_KIND_DOC)};                        \
	const struct lb_kind_table var = {what_, sizeof var##_names / sizeof var##_names[0], \
					  var##_names, var##_docs}

/* The value named s (>= 0), or -EINVAL when s is NULL or names none. */
int lb_kind_parse(const struct lb_kind_table *t, const char *s);
/* The name of value v, or NULL when v is out of range. */
const char *lb_kind_name(const struct lb_kind_table *t, unsigned v);

#ifdef __cplusplus
}
#endif
#endif
