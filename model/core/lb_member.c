/* lb_member.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_member.h"
typedef int lb_member_placeholder;
