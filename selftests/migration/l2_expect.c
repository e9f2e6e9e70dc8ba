// SPDX-License-Identifier: GPL-2.0-only
/* Prints the RESULT line the migration test's L2 must end with. */
#include <stdio.h>

#include "l2_work.h"

int main(void)
{
	u64 acc = 1;
	u32 i;

	for (i = 1; i <= STAGES; i++)
		acc = l2_stage_work(acc, i);
	printf("RESULT %016llx\n", acc);
	return 0;
}
