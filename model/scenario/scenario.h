/* scenario.h - PLACEHOLDER: to be written. */
#ifndef LB_SCENARIO_H
#define LB_SCENARIO_H
#endif
