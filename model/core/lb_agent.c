/* lb_agent.c - PLACEHOLDER: to be written. */
#include "lbcore/lb_agent.h"
typedef int lb_agent_placeholder;
