/* lb_flow.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_flow.h"
typedef int lb_flow_placeholder;
