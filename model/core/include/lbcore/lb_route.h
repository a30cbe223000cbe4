/* lb_route.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_ROUTE_H
#define LBCORE_LB_ROUTE_H
#include "lb_types.h"
#endif
