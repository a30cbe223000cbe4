/* lb_member.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_MEMBER_H
#define LBCORE_LB_MEMBER_H
#include "lb_types.h"
#endif
