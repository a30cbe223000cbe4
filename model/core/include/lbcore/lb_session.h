/* lb_session.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_SESSION_H
#define LBCORE_LB_SESSION_H
#include "lb_types.h"
#endif
