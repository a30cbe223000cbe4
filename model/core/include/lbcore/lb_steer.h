/* lb_steer.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_STEER_H
#define LBCORE_LB_STEER_H
#include "lb_types.h"
#endif
