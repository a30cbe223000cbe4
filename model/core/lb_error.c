/* lb_error.c - lb_strerror() and lb_version(). */
#include "lbcore/lb_error.h"

#include <errno.h>

#include "lbcore/lb_version.h"

const char *lb_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
#define LB_ERROR_CASE(name, text) \
	case name:                \
		return text;
		LB_ERRORS(LB_ERROR_CASE)
#undef LB_ERROR_CASE
	}
	return "unknown error";
}

const char *lb_version(void)
{
	return LBCORE_VERSION;
}
