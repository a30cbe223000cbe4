/* lbv_util.h - small helpers shared by the testbed's programs (lbv-send,
 * lbv-recv, lbv-agentd): clocks, bounded option parsing, a seeded generator.
 * Header-only; every function is reentrant. */
#ifndef LBV_UTIL_H
#define LBV_UTIL_H

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t lbv_clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

/* CLOCK_REALTIME: every time in the testbed's logs, comparable across
 * namespaces and processes of this machine. */
static inline uint64_t lbv_now_ns(void)
{
	return lbv_clock_ns(CLOCK_REALTIME);
}

/* Sleeps until the absolute CLOCK_REALTIME time t_ns (returns at once when
 * it has passed; EINTR ends the sleep early). */
static inline void lbv_sleep_until(uint64_t t_ns)
{
	struct timespec ts = {.tv_sec = (time_t)(t_ns / 1000000000u), .tv_nsec = (long)(t_ns % 1000000000u)};
	clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
}

/* An unsigned option value in [min, max], or exit 2 with a message naming
 * the program and the option. */
static inline uint64_t lbv_opt_u64(const char *prog, const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "%s: --%s %s: not an integer in %" PRIu64 "..%" PRIu64 "\n", prog, opt, s, min, max);
		exit(2);
	}
	return (uint64_t)v;
}

static inline double lbv_opt_double(const char *prog, const char *opt, const char *s, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max)) {
		fprintf(stderr, "%s: --%s %s: not a number in %g..%g\n", prog, opt, s, min, max);
		exit(2);
	}
	return v;
}

/* SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): the seeded generator of the real side's
 * schedule, so a repetition's ports and phases are reproducible. */
static inline uint64_t lbv_rand(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double lbv_rand_unit(uint64_t *state)
{
	return (double)(lbv_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Writes all of buf or returns -1. */
static inline int lbv_write_all(FILE *f, const void *buf, size_t len)
{
	return len == 0 || fwrite(buf, 1, len, f) == len ? 0 : -1;
}

#endif
