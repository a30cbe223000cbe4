/* lb_owner.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_owner.h"
typedef int lb_owner_placeholder;
