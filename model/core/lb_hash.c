/* lb_hash.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_hash.h"
typedef int lb_hash_placeholder;
