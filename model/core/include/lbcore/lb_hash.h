/* lb_hash.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_HASH_H
#define LBCORE_LB_HASH_H
#include "lb_types.h"
#endif
