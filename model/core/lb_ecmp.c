/* lb_ecmp.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_ecmp.h"
typedef int lb_ecmp_placeholder;
