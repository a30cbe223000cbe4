/* export.h - `lbsim export DIR... -o FILE.sqlite`: every run under the
 * given result directories into one SQLite database (doc/outputs.md). */
#ifndef LB_CLI_EXPORT_H
#define LB_CLI_EXPORT_H

/* argv[0] = "lbsim", argv[1] = "export".  Returns the exit status. */
int export_main(int argc, char **argv);

#endif
