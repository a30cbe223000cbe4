/* lb_owner.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_OWNER_H
#define LBCORE_LB_OWNER_H
#include "lb_types.h"
#endif
