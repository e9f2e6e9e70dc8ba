// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestvirt_stress_test: attach/detach and the ioctls under load.
 *
 * 1. 100 detach/attach cycles (rmmod/insmod nestvirt.ko) while two L1
 *    vCPUs run their L2 loops (one per VM, nestvirt_l2_loop.h) and a third
 *    thread hammers NESTVIRT_SET_MODE,
 *    _GET_MODE and _GET_RULE with random arguments, opening and closing
 *    /dev/nestvirt as it goes: both L1s keep running across every cycle,
 *    every failed call fails with an errno the API documents.
 * 2. 100,000 malformed ioctls on /dev/nestvirt: random commands (nestvirt's
 *    type with random numbers, sizes and directions, and other types),
 *    pointers (NULL, unmapped, kernel, misaligned, a valid buffer of random
 *    bytes): every one answered with 0 or a documented errno.
 * 3. The kernel log grows by at most a few lines over all of it (no
 *    flooding); the runner checks it for oopses and warnings, and the debug
 *    kernel's run scans kmemleak after unloading (scripts/test-debug.sh).
 *
 * Seeded (STRESS_SEED): every run makes the same calls.
 */
#include <pthread.h>
#include <sys/mman.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "kselftest.h"

#include "nestvirt_util.h"
#include "nestvirt_l2_loop.h"

#define CYCLES		100
#define MALFORMED	100000
#define NR_L1		2
#define STRESS_SEED	0x73747265737321ull	/* "stress!" */
/* Lines the whole run may add to the kernel log (attach/detach notes). */
#define MAX_LOG_LINES	(8 * CYCLES + 64)

static struct kvm_vm *vms[NR_L1];

static unsigned long vmruns(int i)
{
	return guest_vmruns(vms[i]);
}

/* Waits until both L1s executed more VMRUNs than in @than. */
static void wait_for_both(unsigned long *than)
{
	for (int i = 0; i < NR_L1; i++) {
		int tries = 0;

		while (vmruns(i) <= than[i]) {
			TEST_ASSERT(++tries < 200000, "L1 %d stopped at %lu VMRUNs", i, than[i]);
			usleep(100);
		}
		than[i] = vmruns(i);
	}
}

/* errno values the API documents for a call that fails (api.rst). */
static bool documented(int e)
{
	return e == EINVAL || e == ENOTTY || e == EFAULT || e == ENOENT || e == EPERM ||
	       e == EOPNOTSUPP || e == ENODEV || e == EBADF;
}

static volatile bool stop_hammer;
static unsigned long hammer_calls, hammer_failed;
static int hammer_bad_errno;

static void *hammer(void *arg)
{
	u64 rng = STRESS_SEED ^ 1;

	while (!READ_ONCE(stop_hammer)) {
		int fd = open("/dev/nestvirt", O_RDWR | O_CLOEXEC);

		if (fd < 0)
			continue;	/* detached: no device */
		for (int i = 0; i < 16; i++) {
			u64 r = nv_xorshift64s(&rng);
			struct nestvirt_mode m = {
				.class = r & 8 ? NESTVIRT_CLASS_ALL : (r >> 4) % 9,
				.mode = (r >> 8) % 4,
			};
			struct nestvirt_rule rule = { .index = (r >> 16) % 400 };
			int ret;

			switch (r % 3) {
			case 0:
				ret = ioctl(fd, NESTVIRT_SET_MODE, &m);
				break;
			case 1:
				ret = ioctl(fd, NESTVIRT_GET_MODE, &m);
				break;
			default:
				ret = ioctl(fd, NESTVIRT_GET_RULE, &rule);
				break;
			}
			hammer_calls++;
			if (ret) {
				hammer_failed++;
				if (!documented(errno))
					hammer_bad_errno = errno;
			}
		}
		close(fd);
		usleep(200);	/* a window for rmmod, which waits for no opener */
	}
	return NULL;
}

/* Records in the kernel log so far. */
static unsigned long kmsg_records(void)
{
	char buf[8192];
	unsigned long n = 0;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	TEST_ASSERT(fd >= 0, "open /dev/kmsg: %s", strerror(errno));
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r > 0) {
			n++;
			continue;
		}
		if (r < 0 && errno == EPIPE)
			continue;	/* overwritten records: skip on */
		break;
	}
	close(fd);
	return n;
}

/* rmmod nestvirt, retried while the hammer holds /dev/nestvirt open. */
static void unload(void)
{
	for (int i = 0; i < 100000; i++) {
		if (nestvirt_unload() == 0)
			return;
		TEST_ASSERT(errno == EWOULDBLOCK || errno == EAGAIN || errno == EBUSY,
			    "rmmod nestvirt: %s", strerror(errno));
		usleep(50);
	}
	TEST_FAIL("rmmod nestvirt never succeeded");
}

static void test_cycles(void)
{
	struct kvm_vcpu *vcpus[NR_L1];
	pthread_t threads[NR_L1], hammer_thread;
	unsigned long seen[NR_L1] = {};

	for (int i = 0; i < NR_L1; i++) {
		vms[i] = l2_loop_vm(&vcpus[i]);
		pthread_create(&threads[i], NULL, run_l1, vcpus[i]);
	}
	pthread_create(&hammer_thread, NULL, hammer, NULL);
	wait_for_both(seen);
	for (int c = 0; c < CYCLES; c++) {
		unload();
		wait_for_both(seen);	/* detached: stock KVM paths */
		TEST_ASSERT(nestvirt_load() == 0, "insmod nestvirt: %s", strerror(errno));
		wait_for_both(seen);
	}
	WRITE_ONCE(stop_hammer, true);
	pthread_join(hammer_thread, NULL);
	for (int i = 0; i < NR_L1; i++) {
		stop_l2_loop(vms[i]);
		pthread_join(threads[i], NULL);
		kvm_vm_free(vms[i]);
	}
	ksft_print_msg("%d cycles; L1 VMRUNs %lu and %lu; hammer %lu calls, %lu failed\n",
		       CYCLES, seen[0], seen[1], hammer_calls, hammer_failed);
	ksft_test_result(!hammer_bad_errno && hammer_calls > 0,
			 "attach_detach_%d_cycles_two_l1_and_a_hammer (bad errno %d)\n", CYCLES,
			 hammer_bad_errno);
}

static void test_malformed(void)
{
	static const unsigned long types[] = { NESTVIRT_IO, 'k', 0xAE, 0 };
	u64 rng = STRESS_SEED;
	unsigned long ok = 0, failed = 0;
	int bad_errno = 0;
	unsigned char *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *unmapped = buf + 4096;
	int fd = nestvirt_open();

	TEST_ASSERT(buf != MAP_FAILED, "mmap");
	TEST_ASSERT(!munmap(unmapped, 4096), "munmap");
	for (int i = 0; i < MALFORMED; i++) {
		u64 r = nv_xorshift64s(&rng);
		unsigned long dir = (r >> 2) & 3, size = (r >> 8) & 0x3fff;
		unsigned long nr = (r >> 24) & (r & 16 ? 0xff : 0xf);
		unsigned long cmd = r & 32 ? (unsigned long)(r >> 32) :
				    _IOC(dir, types[(r >> 40) & 3], nr, size);
		void *arg;
		int ret;

		switch ((r >> 48) & 7) {
		case 0:
			arg = NULL;
			break;
		case 1:
			arg = unmapped;
			break;
		case 2:
			arg = (void *)0xffffffff81000000ul;	/* kernel text */
			break;
		case 3:
			arg = buf + 4096 - ((r >> 52) & 63);	/* runs off the page */
			break;
		default:
			for (int b = 0; b < 256; b++)
				buf[b] = nv_xorshift64s(&rng);
			arg = buf + ((r >> 52) & 7);
			break;
		}
		/* A random but valid SET_MODE succeeds; main() resets the modes. */
		ret = ioctl(fd, cmd, arg);
		if (!ret) {
			ok++;
			continue;
		}
		failed++;
		if (!documented(errno))
			bad_errno = errno;
	}
	close(fd);
	munmap(buf, 4096);
	ksft_print_msg("%d malformed ioctls: %lu answered 0, %lu failed\n", MALFORMED, ok, failed);
	ksft_test_result(!bad_errno, "malformed_ioctls_%d (bad errno %d)\n", MALFORMED, bad_errno);
}

int main(int argc, char *argv[])
{
	unsigned long log0, log1;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_SVM));
	ksft_print_header();
	ksft_set_plan(3);
	log0 = kmsg_records();
	test_cycles();
	test_malformed();
	log1 = kmsg_records();
	ksft_print_msg("kernel log: %lu records before, %lu after\n", log0, log1);
	ksft_test_result(log1 - log0 <= MAX_LOG_LINES, "kernel_log_not_flooded (+%lu)\n",
			 log1 - log0);
	/* Leave every class as the runner loaded it: audit. */
	nestvirt_set_mode(NESTVIRT_CLASS_ALL, NESTVIRT_MODE_AUDIT);
	ksft_finished();
}
