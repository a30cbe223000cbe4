/* validate.h - `lbsim validate SCENARIO [--reps N] [--set group.key=value ...]
 * [--seed N] [-o DIR] [--real DIR2]`: the scenario on a real testbed (network
 * namespaces, FRR, the Linux kernel's multipath routes, model/core's lb_node
 * on every node) N times, its simulation with N replications, and both side
 * by side (DIR/real/, DIR/sim/, DIR/comparison.csv, DIR/timing.csv and
 * .png/.svg).  Root only, unless --real: the real repetitions of an earlier
 * run (DIR2/real), analysed again, against a new simulation.
 * doc/validation.md describes it. */
#ifndef LB_CLI_VALIDATE_H
#define LB_CLI_VALIDATE_H

/* argv[1] is "validate".  Returns the exit status: 0 success; 1 a
 * repetition, the simulation or the comparison failed; 2 bad input or a
 * scenario the testbed cannot make real, or not root; 130 interrupted. */
int validate_main(int argc, char **argv);

#endif
