/* PLACEHOLDER */
#include "scenario.h"
typedef int scenario_placeholder;
