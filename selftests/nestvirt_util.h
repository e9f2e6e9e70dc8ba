/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by nestvirt's KVM selftests: /dev/nestvirt access and
 * loading/unloading nestvirt.ko from a test.
 */
#ifndef SELFTEST_NESTVIRT_UTIL_H
#define SELFTEST_NESTVIRT_UTIL_H

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "ucall_common.h"
#include <linux/nestvirt.h>

/*
 * The differential tests' corpus generator: xorshift64* over *@state, so
 * that a seed gives the same corpus on every run.
 */
static inline u64 nv_xorshift64s(u64 *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

static inline int nestvirt_open(void)
{
	int fd = open("/dev/nestvirt", O_RDWR);

	__TEST_REQUIRE(fd >= 0, "/dev/nestvirt not available (is nestvirt.ko loaded?)");
	return fd;
}

static inline struct nestvirt_info nestvirt_get_info(void)
{
	struct nestvirt_info info;
	int fd = nestvirt_open();
	int r = ioctl(fd, NESTVIRT_GET_INFO, &info);

	TEST_ASSERT(r == 0, "NESTVIRT_GET_INFO failed: %s", strerror(errno));
	close(fd);
	return info;
}

/* Path of nestvirt.ko, from the environment the runner sets. */
static inline const char *nestvirt_ko_path(void)
{
	const char *path = getenv("NESTVIRT_KO");

	__TEST_REQUIRE(path, "NESTVIRT_KO (path of nestvirt.ko) not set");
	return path;
}

static inline int nestvirt_unload(void)
{
	return syscall(__NR_delete_module, "nestvirt", O_NONBLOCK);
}

/* Loads nestvirt.ko with the parameters in NESTVIRT_PARAMS, if set. */
static inline int nestvirt_load(void)
{
	int fd = open(nestvirt_ko_path(), O_RDONLY | O_CLOEXEC);
	const char *params = getenv("NESTVIRT_PARAMS");
	int r;

	TEST_ASSERT(fd >= 0, "open %s: %s", nestvirt_ko_path(), strerror(errno));
	r = syscall(__NR_finit_module, fd, params ? params : "", 0);
	close(fd);
	return r;
}

/*
 * Per-class modes and per-rule counters (NESTVIRT_SET_MODE, NESTVIRT_GET_MODE,
 * NESTVIRT_GET_RULE). The raw calls return the ioctl's result (-1 and errno
 * on error) so tests can check error paths; the others assert success. Each
 * opens /dev/nestvirt for the call only: a test that unloads nestvirt.ko must
 * not hold it open.
 */
static inline int __nestvirt_ioctl(unsigned long cmd, void *arg)
{
	int fd = nestvirt_open();
	int r = ioctl(fd, cmd, arg);
	int err = errno;

	close(fd);
	errno = err;
	return r;
}

static inline int __nestvirt_set_mode(u32 class, u32 mode)
{
	struct nestvirt_mode m = { .class = class, .mode = mode };

	return __nestvirt_ioctl(NESTVIRT_SET_MODE, &m);
}

static inline void nestvirt_set_mode(u32 class, u32 mode)
{
	int r = __nestvirt_set_mode(class, mode);

	TEST_ASSERT(r == 0, "NESTVIRT_SET_MODE class %#x mode %u: %s", class, mode,
		    strerror(errno));
}

static inline u32 nestvirt_get_mode(u32 class)
{
	struct nestvirt_mode m = { .class = class };
	int r = __nestvirt_ioctl(NESTVIRT_GET_MODE, &m);

	TEST_ASSERT(r == 0, "NESTVIRT_GET_MODE class %u: %s", class, strerror(errno));
	return m.mode;
}

/* NESTVIRT_GET_RULE of @index into @rule; -1 and errno ENOENT past the end. */
static inline int __nestvirt_get_rule(u32 index, struct nestvirt_rule *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->index = index;
	return __nestvirt_ioctl(NESTVIRT_GET_RULE, rule);
}

/* Number of rules in the attached backend's catalogue. */
static inline u32 nestvirt_nr_rules(void)
{
	struct nestvirt_rule rule;
	u32 n = 0;

	while (__nestvirt_get_rule(n, &rule) == 0)
		n++;
	TEST_ASSERT(errno == ENOENT, "NESTVIRT_GET_RULE %u: %s, want ENOENT", n, strerror(errno));
	return n;
}

/* Index of the rule with ID @id; -1 when the catalogue has no such rule. */
static inline int nestvirt_rule_index(const char *id)
{
	struct nestvirt_rule rule;

	for (u32 i = 0; __nestvirt_get_rule(i, &rule) == 0; i++)
		if (!strcmp(rule.id, id))
			return i;
	return -1;
}

static inline u64 nestvirt_rule_failures(u32 index)
{
	struct nestvirt_rule rule;
	int r = __nestvirt_get_rule(index, &rule);

	TEST_ASSERT(r == 0, "NESTVIRT_GET_RULE %u: %s", index, strerror(errno));
	return rule.failures;
}

/*
 * The failure counters of rules 0..@n-1 into @failures, with one open of
 * /dev/nestvirt (cheaper than nestvirt_rule_failures() per rule).
 */
static inline void nestvirt_rule_counters(u64 *failures, u32 n)
{
	int fd = nestvirt_open();

	for (u32 i = 0; i < n; i++) {
		struct nestvirt_rule rule = { .index = i };
		int r = ioctl(fd, NESTVIRT_GET_RULE, &rule);

		TEST_ASSERT(r == 0, "NESTVIRT_GET_RULE %u: %s", i, strerror(errno));
		failures[i] = rule.failures;
	}
	close(fd);
}

/* GET_INFO reports @backend, the ABI version and a well-formed record. */
static inline void nestvirt_check_info(__u32 backend)
{
	struct nestvirt_info info = nestvirt_get_info();

	TEST_ASSERT(info.abi_version == NESTVIRT_ABI_VERSION,
		    "abi_version %u, want %u", info.abi_version, NESTVIRT_ABI_VERSION);
	TEST_ASSERT(info.backend == backend, "backend %u, want %u", info.backend, backend);
	TEST_ASSERT(info.hook_abi_version >= 1, "hook_abi_version %u", info.hook_abi_version);
	TEST_ASSERT(info.kernel_release[0] && memchr(info.kernel_release, 0, sizeof(info.kernel_release)),
		    "kernel_release not a NUL-terminated string");
}

/*
 * Runs @vcpu until its L1 guest is done, and checks that nestvirt saw
 * exactly @entries nested entries, none rejected by KVM, all with a copy of
 * vmcb12/vmcs12. Frees @vm.
 */
static inline void nestvirt_check_entry_count(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
					      unsigned long long entries)
{
	struct nestvirt_info before, after;
	struct ucall uc;

	before = nestvirt_get_info();
	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	case UCALL_DONE:
		break;
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
	after = nestvirt_get_info();
	kvm_vm_free(vm);

	TEST_ASSERT(after.nested_entries - before.nested_entries == entries,
		    "nested_entries grew by %llu, L1 executed %llu nested entries",
		    after.nested_entries - before.nested_entries, entries);
	TEST_ASSERT(after.kvm_rejected == before.kvm_rejected,
		    "KVM rejected %llu valid nested entries", after.kvm_rejected - before.kvm_rejected);
	TEST_ASSERT(after.state_missing == before.state_missing,
		    "%llu entries came without a vmcb12/vmcs12 copy",
		    after.state_missing - before.state_missing);
}

/* Unknown ioctls get ENOTTY, bad pointers EFAULT. */
static inline void nestvirt_check_bad_ioctls(void)
{
	int fd = nestvirt_open();
	int r;

	r = ioctl(fd, _IO(NESTVIRT_IO, 0x7f), 0);
	TEST_ASSERT(r == -1 && errno == ENOTTY, "unknown ioctl: r %d errno %d, want ENOTTY", r, errno);
	r = ioctl(fd, _IOR(0xAE, 0x00, struct nestvirt_info), 0);
	TEST_ASSERT(r == -1 && errno == ENOTTY, "foreign type: r %d errno %d, want ENOTTY", r, errno);
	r = ioctl(fd, NESTVIRT_GET_INFO, NULL);
	TEST_ASSERT(r == -1 && errno == EFAULT, "NULL arg: r %d errno %d, want EFAULT", r, errno);
	r = ioctl(fd, NESTVIRT_GET_INFO, (void *)1);
	TEST_ASSERT(r == -1 && errno == EFAULT, "bad pointer: r %d errno %d, want EFAULT", r, errno);
	close(fd);
}

/* Host: runs @vcpu to its next GUEST_SYNC, which must be @stage. */
static inline struct ucall nv_run_to(struct kvm_vcpu *vcpu, u64 stage)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	case UCALL_SYNC:
		TEST_ASSERT(uc.args[1] == stage, "stage %lu, want %lu", uc.args[1], stage);
		return uc;
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
	return uc;
}

/* Runs the vCPU to its next ucall, which must be @cmd (with @arg for a sync). */
static inline void nv_run_expect(struct kvm_vcpu *vcpu, u64 cmd, u64 arg)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_KVM_EXIT_REASON(vcpu, KVM_EXIT_IO);
	if (get_ucall(vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == cmd, "ucall %lu, want %lu", uc.cmd, cmd);
	if (cmd == UCALL_SYNC)
		TEST_ASSERT(uc.args[1] == arg, "ucall argument 0x%lx, want 0x%lx",
			    (ulong)uc.args[1], (ulong)arg);
}

#endif /* SELFTEST_NESTVIRT_UTIL_H */
