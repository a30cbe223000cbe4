/* lb_error.h - what the core's error codes mean (lb_types.h: every
 * failure is a negative errno value). */
#ifndef LBCORE_LB_ERROR_H
#define LBCORE_LB_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(errno name, meaning in model/core) for every code the core returns. */
#define LB_ERRORS(X)                                                                                       \
	X(EINVAL, "invalid argument: a parameter outside its documented range, or a malformed header")    \
	X(ENOENT, "not found: no such entry, flow, node or timer")                                         \
	X(ENOSPC, "no space: a fixed capacity is full, or a buffer is too small")                          \
	X(EMSGSIZE, "truncated: the bytes end inside a header, or before the length it claims")            \
	X(EPROTONOSUPPORT, "unsupported protocol: not TCP or UDP, a later fragment, or an IPv6 extension") \
	X(EAFNOSUPPORT, "unsupported address family: an IPv6 key in a table made for IPv4 only")           \
	X(ENOMEM, "out of memory")                                                                         \
	X(EPERM, "not permitted in this state: the object has not been started")

/* A static description of err (a negative errno value the core returned,
 * or 0: "success"); "unknown error" for any other value. */
const char *lb_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
