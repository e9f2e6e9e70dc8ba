// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_nestvirt_bench: what nestvirt's hook and checks cost per nested
 * VMRESUME. Prints figures; asserts no budget.
 *
 * The VMX twin of svm_nestvirt_bench. An L1 guest runs an L2 VMCALL loop
 * of N iterations (one VMRESUME and one VM exit each, the exit-heavy worst
 * case), in two workloads:
 *
 *   steady     L1 only advances GUEST_RIP past the VMCALL
 *   churn      L1 also flips RFLAGS.CF, a field the guest-state checks
 *              read, on every VMRESUME
 *
 * timed by the host (CLOCK_MONOTONIC) in three states rotated in one boot
 * and one VM: detached (nestvirt.ko unloaded), enforce (every class in
 * enforce mode) and off (every class off: the hooked kvm-intel calls
 * nestvirt for nothing). Each attached run checks that nestvirt saw every
 * VMRESUME (enforce) or none (off), and rejected none.
 *
 * Under Bochs (scripts/lib/bochs-host.sh: clock sync=none) the guest's
 * clock advances by emulated instructions, so rounds repeat; the figures
 * count the instructions the host kernel and L1 execute per round trip,
 * not Bochs' own emulation of VMX transitions.
 *
 *   vmx_nestvirt_bench [-n ITERATIONS] [-r ROUNDS]      (200, 5)
 *
 * NESTVIRT_KO must name nestvirt.ko (the runner sets it). nestvirt is left
 * loaded in enforce mode, or unloaded if it was.
 */
#include <time.h>

#include "kselftest.h"

#include "nestvirt_util.h"
#include "vmx_nestvirt_common.h"
#include "nestvirt_bench.h"

#define CMD_STEADY	1
#define CMD_CHURN	2
#define CMD_QUIT	3

enum workload { STEADY, CHURN, NR_WORKLOADS };
static const char *const workload_name[NR_WORKLOADS] = { "steady", "churn" };
static const u32 workload_cmd[NR_WORKLOADS] = { CMD_STEADY, CMD_CHURN };

static u32 nv_cmd;
static u64 nv_iterations;

static void l2_guest_code(void)
{
	for (;;)
		vmcall();
}

static void l1_resume_past_vmcall(void)
{
	GUEST_ASSERT_EQ(vmreadz(VM_EXIT_REASON), EXIT_REASON_VMCALL);
	vmwrite(GUEST_RIP, vmreadz(GUEST_RIP) + vmreadz(VM_EXIT_INSTRUCTION_LEN));
}

static void l1_guest_code(struct vmx_pages *vmx)
{
	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, l2_guest_code);
	GUEST_ASSERT(!vmlaunch());
	l1_resume_past_vmcall();

	for (;;) {
		GUEST_SYNC(STAGE_READY);
		if (nv_cmd == CMD_QUIT)
			GUEST_DONE();
		for (u64 i = 0; i < nv_iterations; i++) {
			if (nv_cmd == CMD_CHURN)
				vmwrite(GUEST_RFLAGS, vmreadz(GUEST_RFLAGS) ^ X86_EFLAGS_CF);
			GUEST_ASSERT(!vmresume());
			l1_resume_past_vmcall();
		}
	}
}

static struct kvm_vm *vm;
static struct kvm_vcpu *vcpu;

static double timed_loop(enum workload w, enum state st, u64 iterations)
{
	struct nestvirt_info ib = {}, ia = {};
	double t0, t;

	enter_state(st);
	/* Deferred work of a load or unload runs now, not in the timed loop. */
	usleep(50 * 1000);
	if (st != DETACHED)
		ib = nestvirt_get_info();
	nv_cmd = workload_cmd[w];
	sync_global_to_guest(vm, nv_cmd);
	t0 = now();
	nv_run_to(vcpu, STAGE_READY);
	t = now() - t0;
	if (st == DETACHED)
		return t;
	ia = nestvirt_get_info();
	TEST_ASSERT(ia.nested_entries - ib.nested_entries == (st == OFF ? 0 : iterations),
		    "%s: nestvirt saw %llu of %lu VMRESUMEs", state_name[st],
		    ia.nested_entries - ib.nested_entries, (unsigned long)iterations);
	TEST_ASSERT(ia.nestvirt_rejected == ib.nestvirt_rejected,
		    "nestvirt rejected a valid VMRESUME");
	return t;
}

int main(int argc, char *argv[])
{
	u64 iterations = 200;
	int rounds = 5;
	bool was_loaded;
	double *t[NR_WORKLOADS][NR_STATES];
	gva_t vmx_gva;

	bench_args(argc, argv, &iterations, &rounds, NULL);
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_VMX));
	was_loaded = bench_attach(NESTVIRT_BACKEND_VMX);

	for (int w = 0; w < NR_WORKLOADS; w++)
		for (int s = 0; s < NR_STATES; s++)
			t[w][s] = calloc(rounds, sizeof(double));

	ksft_print_header();
	ksft_set_plan(1);
	ksft_print_msg("L2 VMCALL loop: %lu VMRESUMEs per run, %d rounds of detached, enforce, "
		       "off; workloads steady, churn\n", (unsigned long)iterations, rounds);

	vm = vm_create_with_one_vcpu(&vcpu, l1_guest_code);
	vcpu_alloc_vmx(vm, &vmx_gva);
	vcpu_args_set(vcpu, 1, vmx_gva);
	nv_iterations = iterations;
	sync_global_to_guest(vm, nv_iterations);
	enter_state(ENFORCE);
	nv_run_to(vcpu, STAGE_READY);
	/* Warm-up: fault in L1's and L2's memory. */
	timed_loop(STEADY, ENFORCE, iterations);

	for (int r = 0; r < rounds; r++)
		for (int w = 0; w < NR_WORKLOADS; w++)
			for (int s = 0; s < NR_STATES; s++) {
				/* Rotated, so no state always follows another. */
				enum state st = (s + r) % NR_STATES;

				t[w][st][r] = timed_loop(w, st, iterations);
				ksft_print_msg("round %d %-6s %-8s %8.4f s  %7.2f us/VMRESUME\n", r,
					       workload_name[w], state_name[st], t[w][st][r],
					       t[w][st][r] * 1e6 / iterations);
			}

	nv_cmd = CMD_QUIT;
	sync_global_to_guest(vm, nv_cmd);
	vcpu_run(vcpu);
	kvm_vm_free(vm);

	for (int w = 0; w < NR_WORKLOADS; w++) {
		double md = median(t[w][DETACHED], rounds), me = median(t[w][ENFORCE], rounds);
		double mo = median(t[w][OFF], rounds);

		ksft_print_msg("vmx %s ratio of medians enforce/detached %.4f (%+.2f %%), "
			       "off/detached %.4f (%+.2f %%)\n", workload_name[w], me / md,
			       (me / md - 1) * 100, mo / md, (mo / md - 1) * 100);
		ksft_print_msg("vmx %s per VMRESUME: detached %.2f us, hook and checks %+.0f ns, "
			       "off %+.0f ns\n", workload_name[w], md * 1e6 / iterations,
			       (me - md) * 1e9 / iterations, (mo - md) * 1e9 / iterations);
	}

	if (was_loaded)
		enter_state(ENFORCE);
	else
		enter_state(DETACHED);
	ksft_test_result_pass("figures printed\n");
	ksft_finished();
}
