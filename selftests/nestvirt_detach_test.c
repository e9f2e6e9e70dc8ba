// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_detach_test: unload and reload nestvirt.ko while an L1 guest runs
 * its L2 loop. The guest keeps running across every detach, the reattached
 * hooks see its VMRUNs again, and the guest finishes normally. The runner
 * checks the kernel log for oopses and warnings afterwards.
 */
#include <pthread.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "kselftest.h"

#include "nestvirt_util.h"
#include "nestvirt_l2_loop.h"

#define CYCLES 5

/* Wait until L1 has executed more VMRUNs than @than. */
static unsigned long wait_for_vmruns(struct kvm_vm *vm, unsigned long than)
{
	unsigned long n;

	for (int i = 0; i < 100000; i++) {
		n = guest_vmruns(vm);
		if (n > than)
			return n;
		usleep(100);
	}
	TEST_FAIL("L1 stopped running VMRUN (stuck at %lu)", than);
}

int main(int argc, char *argv[])
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	pthread_t thread;
	unsigned long runs;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	ksft_print_header();
	ksft_set_plan(CYCLES + 1);

	vm = l2_loop_vm(&vcpu);
	pthread_create(&thread, NULL, run_l1, vcpu);

	runs = wait_for_vmruns(vm, 0);
	for (int c = 0; c < CYCLES; c++) {
		struct nestvirt_info info;

		TEST_ASSERT(nestvirt_unload() == 0, "rmmod nestvirt: %s", strerror(errno));
		/* Detached: L1 keeps running nested guests on stock KVM paths. */
		runs = wait_for_vmruns(vm, runs);
		TEST_ASSERT(nestvirt_load() == 0, "insmod nestvirt: %s", strerror(errno));
		runs = wait_for_vmruns(vm, runs + 10);
		info = nestvirt_get_info();
		TEST_ASSERT(info.nested_entries > 0,
			    "reattached nestvirt saw no VMRUN while L1 ran %lu", runs);
		ksft_test_result_pass("detach_reattach_cycle_%d (%llu entries seen)\n",
				      c, info.nested_entries);
	}

	stop_l2_loop(vm);
	pthread_join(thread, NULL);
	kvm_vm_free(vm);
	ksft_test_result_pass("l1_finished_after_%lu_vmruns\n", runs);
	ksft_finished();
}
