/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What L2 of the migration test computes, shared by the payload and by
 * l2_expect.c, which computes the result on the build host for the test
 * to compare with.
 */
#ifndef NESTVIRT_L2_WORK_H
#define NESTVIRT_L2_WORK_H

typedef unsigned int u32;
typedef unsigned long long u64;

#define STAGES		9
#define ITERS		(1u << 27)

static inline u64 l2_stage_work(u64 acc, u32 stage)
{
	u32 j;

	for (j = 0; j < ITERS; j++)
		acc = acc * 6364136223846793005ull + j + stage;
	return acc;
}

#endif
