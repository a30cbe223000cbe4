#ifndef TOY_H
#define TOY_H
#include <stdbool.h>
extern const char *const toy_name;
bool toy_adult(int age);
bool toy_both(bool a, bool b);
bool toy_even(int x);
unsigned toy_countdown(unsigned n);
int toy_last(int n);
#endif
