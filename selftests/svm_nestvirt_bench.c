// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm_nestvirt_bench: what nestvirt's hook and checks cost per nested
 * VMRUN. Prints figures; asserts no budget.
 *
 * An L1 guest runs an L2 VMMCALL loop of N iterations (one VMRUN and one
 * #VMEXIT each, the exit-heavy worst case), in two workloads:
 *
 *   steady     L1 resumes L2 with the same vmcb12 (only RIP, unchecked, is
 *              rewritten): after the first VMRUN the hooked kvm-amd replays
 *              nestvirt's verdict, which is the common case of a real L1
 *   churn      L1 changes a checked field (int_vector) on every VMRUN, so
 *              no verdict is ever replayed: every check runs in nestvirt
 *
 * The host times each loop (CLOCK_MONOTONIC) in three states, rotated in
 * the same boot and the same VM so that drift and caches hit them alike:
 *
 *   detached   nestvirt.ko unloaded: the hooked kvm-amd runs stock KVM code
 *   enforce    nestvirt.ko loaded, every rule class in enforce mode: both
 *              hook calls of a VMRUN (vmcb12, then vmcb02) and every check
 *   off        nestvirt.ko loaded, every rule class off: the hook calls
 *              without the checks
 *
 * It prints, per workload, every round, the medians and minimums,
 * enforce/detached (the budget figure: at most 1.02) and off/detached,
 * per-round ratios, the cost per VMRUN and how many VMRUNs were replayed.
 * Each attached run also checks that the hook saw every VMRUN and rejected
 * none, and that churn replayed none. nestvirt is left loaded with the class modes it
 * had (its default mode, a load parameter, becomes audit), or unloaded if
 * it was.
 *
 * Under scripts/bench.sh the emulated host's clock counts instructions
 * (QEMU -icount shift=0), so every round gives the same figure; under the
 * machine's clock (scripts/bench.sh --wall) rounds swing by tens of
 * percent, hence many short rounds, rotated.
 *
 *   svm_nestvirt_bench [-n ITERATIONS] [-r ROUNDS]      (1000, 21)
 *   svm_nestvirt_bench -k [-n ITERATIONS] [-r ROUNDS]
 *
 * -k times the loaded kvm-amd alone (the detached state only, nestvirt
 * never loaded), so that the runner can compare a stock kvm-amd with a
 * hooked one that nestvirt is not attached to ("kvm-only ... median").
 *
 * NESTVIRT_KO must name nestvirt.ko (the runner sets it). The runner's
 * separate suite "bench" runs it, outside the default run.
 */
#include <time.h>

#include "kselftest.h"

#include "svm_nestvirt_common.h"
#include "nestvirt_bench.h"

enum workload { STEADY, CHURN, NR_WORKLOADS };

static const char *const workload_name[NR_WORKLOADS] = { "steady", "churn" };
static const u32 workload_cmd[NR_WORKLOADS] = { CMD_LOOP, CMD_LOOP_CHURN };

/* One timed loop of @w in state @st; returns its time in seconds. */
static double timed_loop(struct nv_l1 *l1, enum workload w, enum state st, u64 iterations,
			 u64 *replayed)
{
	struct nestvirt_info ib = {}, ia = {};
	u64 exit_code;
	double t0, t;

	enter_state(st);
	/*
	 * Let the work a module load or unload defers (RCU callbacks,
	 * workqueues) run now, not in the timed loop; idle time costs nothing
	 * on the instruction clock.
	 */
	usleep(50 * 1000);
	if (st != DETACHED)
		ib = nestvirt_get_info();
	t0 = now();
	exit_code = nv_l1_cmd(l1, workload_cmd[w], NULL);
	t = now() - t0;
	TEST_ASSERT_EQ(exit_code, SVM_EXIT_VMMCALL);
	if (st == DETACHED)
		return t;
	ia = nestvirt_get_info();
	/* Every class off, the glue calls nestvirt for no VMRUN at all. */
	TEST_ASSERT(ia.nested_entries - ib.nested_entries == (st == OFF ? 0 : iterations),
		    "%s: the hook saw %lu of %lu VMRUNs", st == OFF ? "off" : "enforce",
		    (unsigned long)(ia.nested_entries - ib.nested_entries),
		    (unsigned long)iterations);
	TEST_ASSERT(ia.nestvirt_rejected == ib.nestvirt_rejected,
		    "nestvirt rejected a valid VMRUN");
	*replayed = ia.replayed_entries - ib.replayed_entries;
	TEST_ASSERT(w != CHURN || !*replayed, "churn: %lu VMRUNs replayed",
		    (unsigned long)*replayed);
	return t;
}

/* The figures of one workload. */
static void report(enum workload w, double *const t[NR_STATES], int rounds, u64 iterations,
		   const u64 replayed[NR_STATES])
{
	const char *wn = workload_name[w];
	double md = median(t[DETACHED], rounds), me = median(t[ENFORCE], rounds);
	double mo = median(t[OFF], rounds);
	double re[rounds], ro[rounds];

	/* Per-round ratios: each round's runs are back to back. */
	for (int r = 0; r < rounds; r++) {
		re[r] = t[ENFORCE][r] / t[DETACHED][r];
		ro[r] = t[OFF][r] / t[DETACHED][r];
		ksft_print_msg("%s round %d ratio enforce/detached %.4f, off/detached %.4f\n", wn,
			       r, re[r], ro[r]);
	}

	double nd = minimum(t[DETACHED], rounds), ne = minimum(t[ENFORCE], rounds);
	double no = minimum(t[OFF], rounds);

	ksft_print_msg("%s median detached %.3f s, enforce %.3f s, off %.3f s\n", wn, md, me, mo);
	ksft_print_msg("%s minimum detached %.3f s, enforce %.3f s, off %.3f s: ratio "
		       "enforce/detached %.4f, off/detached %.4f\n", wn, nd, ne, no, ne / nd,
		       no / nd);
	ksft_print_msg("%s ratio of medians enforce/detached %.4f (%+.2f %%), off/detached %.4f "
		       "(%+.2f %%)\n", wn, me / md, (me / md - 1) * 100, mo / md,
		       (mo / md - 1) * 100);
	ksft_print_msg("%s median of per-round ratios enforce/detached %.4f, off/detached %.4f\n",
		       wn, median(re, rounds), median(ro, rounds));
	ksft_print_msg("%s per VMRUN: detached %.2f us, hook and checks %+.0f ns, "
		       "hook without checks (off) %+.0f ns\n", wn, md * 1e6 / iterations,
		       (me - md) * 1e9 / iterations, (mo - md) * 1e9 / iterations);
	ksft_print_msg("%s replayed VMRUNs: enforce %lu, off %lu of %lu\n", wn,
		       (unsigned long)replayed[ENFORCE], (unsigned long)replayed[OFF],
		       (unsigned long)(iterations * rounds));
}

/*
 * -k: ROUNDS runs of each workload on the loaded kvm-amd, nestvirt not
 * loaded; prints each and the medians.
 */
static void kvm_only(u64 iterations, int rounds)
{
	struct nv_l1 l1;
	double t[NR_WORKLOADS][rounds];

	TEST_REQUIRE(!nestvirt_loaded());
	ksft_print_header();
	ksft_set_plan(1);
	nv_l1_create(&l1, 0);
	*(u64 *)addr_gva2hva(l1.vm, (gva_t)&nv_loops) = iterations;
	nv_l1_cmd(&l1, CMD_LOOP, NULL);
	for (int r = 0; r < rounds; r++) {
		for (int w = 0; w < NR_WORKLOADS; w++) {
			double t0 = now();

			TEST_ASSERT_EQ(nv_l1_cmd(&l1, workload_cmd[w], NULL), SVM_EXIT_VMMCALL);
			t[w][r] = now() - t0;
		}
	}
	nv_l1_destroy(&l1);
	for (int w = 0; w < NR_WORKLOADS; w++)
		ksft_print_msg("kvm-only %s median %.6f s, %.4f us/VMRUN, minimum %.6f s\n",
			       workload_name[w], median(t[w], rounds),
			       median(t[w], rounds) * 1e6 / iterations, minimum(t[w], rounds));
	ksft_test_result_pass("kvm-only bench (%d rounds of %lu VMRUNs, 2 workloads)\n", rounds,
			      (unsigned long)iterations);
	ksft_finished();
}

int main(int argc, char *argv[])
{
	u64 iterations = 1000;
	int rounds = 21;
	bool was_loaded, only_kvm = false;
	u32 saved[NESTVIRT_SVM_NR_CLASSES];
	struct nv_l1 l1;
	double *t[NR_WORKLOADS][NR_STATES];
	u64 replayed[NR_WORKLOADS][NR_STATES] = {};

	bench_args(argc, argv, &iterations, &rounds, &only_kvm);
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	TEST_REQUIRE(kvm_cpu_has_npt());
	if (only_kvm)
		kvm_only(iterations, rounds);
	was_loaded = bench_attach(NESTVIRT_BACKEND_SVM);
	for (u32 c = 0; c < NESTVIRT_SVM_NR_CLASSES; c++)
		saved[c] = nestvirt_get_mode(c);

	for (int w = 0; w < NR_WORKLOADS; w++)
		for (int s = 0; s < NR_STATES; s++)
			t[w][s] = calloc(rounds, sizeof(double));

	ksft_print_header();
	ksft_set_plan(1);
	ksft_print_msg("L2 VMMCALL loop: %lu iterations per run, %d rounds of %s, %s, %s; "
		       "workloads %s, %s\n", (unsigned long)iterations, rounds,
		       state_name[DETACHED], state_name[ENFORCE], state_name[OFF],
		       workload_name[STEADY], workload_name[CHURN]);

	nv_l1_create(&l1, 0);
	*(u64 *)addr_gva2hva(l1.vm, (gva_t)&nv_loops) = iterations;
	/* Warm-up: fault in L1 and L2 memory and the nested page tables. */
	enter_state(ENFORCE);
	nv_l1_cmd(&l1, CMD_LOOP, NULL);

	for (int r = 0; r < rounds; r++) {
		for (int w = 0; w < NR_WORKLOADS; w++) {
			for (int s = 0; s < NR_STATES; s++) {
				/* Rotate the order so no state always follows another. */
				enum state st = (s + r) % NR_STATES;
				u64 rep = 0;

				t[w][st][r] = timed_loop(&l1, w, st, iterations, &rep);
				replayed[w][st] += rep;
				ksft_print_msg("round %d %-6s %-8s %8.3f s  %7.2f us/VMRUN\n", r,
					       workload_name[w], state_name[st], t[w][st][r],
					       t[w][st][r] * 1e6 / iterations);
			}
		}
	}

	nv_l1_destroy(&l1);

	for (int w = 0; w < NR_WORKLOADS; w++)
		report(w, t[w], rounds, iterations, replayed[w]);

	/* Put nestvirt back as it was. */
	if (was_loaded) {
		enter_state(ENFORCE);
		for (u32 c = 0; c < NESTVIRT_SVM_NR_CLASSES; c++)
			nestvirt_set_mode(c, saved[c]);
	} else {
		enter_state(DETACHED);
	}
	ksft_test_result_pass("bench (%d rounds of %lu VMRUNs, 2 workloads)\n", rounds,
			      (unsigned long)iterations);
	ksft_finished();
}
