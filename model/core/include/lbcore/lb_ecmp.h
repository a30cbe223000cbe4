/* lb_ecmp.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_ECMP_H
#define LBCORE_LB_ECMP_H
#include "lb_types.h"
#endif
