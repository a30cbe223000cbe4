/* lb_route.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_route.h"
typedef int lb_route_placeholder;
