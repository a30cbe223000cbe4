/* lb_agent.h - PLACEHOLDER: to be written. */
#ifndef LBCORE_LB_AGENT_H
#define LBCORE_LB_AGENT_H
#include "lb_types.h"
#endif
