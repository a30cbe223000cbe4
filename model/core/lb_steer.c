/* lb_steer.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_steer.h"
typedef int lb_steer_placeholder;
