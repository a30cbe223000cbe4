/* inspect.h - a command-line view of model/core: `lbsim hash` prints every
 * hash of a 5-tuple, `lbsim where` shows which node the router picks and
 * which node owns a flow under a scenario, before and after a node fails. */
#ifndef LB_CLI_INSPECT_H
#define LB_CLI_INSPECT_H

/* argv[1] is "hash" or "where".  Returns the exit status (0, or 2 on bad
 * input with a message on stderr). */
int inspect_hash(int argc, char **argv);
int inspect_where(int argc, char **argv);

#endif
