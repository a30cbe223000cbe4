/* lb_session.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_session.h"
typedef int lb_session_placeholder;
