/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What nestvirt's benchmarks (svm_nestvirt_bench, vmx_nestvirt_bench)
 * share: the three states they rotate, the clock and the statistics.
 */
#ifndef SELFTEST_NESTVIRT_BENCH_H
#define SELFTEST_NESTVIRT_BENCH_H

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nestvirt_util.h"

enum state { DETACHED, ENFORCE, OFF, NR_STATES };

static const char *const state_name[NR_STATES] = { "detached", "enforce", "off" };

static inline bool nestvirt_loaded(void)
{
	return access("/sys/module/nestvirt", F_OK) == 0;
}

/*
 * The benchmarks' command line: [-n ITERATIONS] [-r ROUNDS], and [-k] where
 * @kvm_only is given: time the vendor module alone, never loading nestvirt
 * (so that a stock module can be timed the same way).
 */
static inline void bench_args(int argc, char *argv[], u64 *iterations, int *rounds,
			      bool *kvm_only)
{
	int opt;

	while ((opt = getopt(argc, argv, kvm_only ? "n:r:k" : "n:r:")) != -1) {
		switch (opt) {
		case 'n':
			*iterations = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			*rounds = atoi(optarg);
			break;
		case 'k':
			*kvm_only = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-n ITERATIONS] [-r ROUNDS]%s\n", argv[0],
				kvm_only ? " [-k]" : "");
			exit(KSFT_FAIL);
		}
	}
	TEST_ASSERT(*iterations > 0 && *rounds > 0, "bad -n/-r");
}

/*
 * Loads nestvirt.ko when it is not (NESTVIRT_KO) and requires it attached
 * to @backend; returns whether it was loaded before, so that the benchmark
 * can leave it as it found it.
 */
static inline bool bench_attach(__u32 backend)
{
	bool was_loaded;

	nestvirt_ko_path();
	was_loaded = nestvirt_loaded();
	if (!was_loaded)
		TEST_ASSERT(nestvirt_load() == 0, "insmod nestvirt: %s", strerror(errno));
	TEST_REQUIRE(nestvirt_get_info().backend == backend);
	return was_loaded;
}

/* Detached: nestvirt.ko unloaded; else loaded, every class in that mode. */
static inline void enter_state(enum state s)
{
	if (s == DETACHED) {
		if (nestvirt_loaded())
			TEST_ASSERT(nestvirt_unload() == 0, "rmmod nestvirt: %s", strerror(errno));
		return;
	}
	if (!nestvirt_loaded())
		TEST_ASSERT(nestvirt_load() == 0, "insmod nestvirt: %s", strerror(errno));
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, s == ENFORCE ? NESTVIRT_MODE_ENFORCE :
							      NESTVIRT_MODE_OFF);
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline double minimum(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static inline double median(const double *v, int n)
{
	double s[n];

	memcpy(s, v, sizeof(s));
	qsort(s, n, sizeof(s[0]), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

#endif /* SELFTEST_NESTVIRT_BENCH_H */
