// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue inside a hooked KVM vendor module: the attach point that
 * nestvirt.ko uses, and the dispatch from KVM's nested-entry paths to it.
 *
 * Included by nestvirt_glue_svm.c (kvm-amd.ko) and nestvirt_glue_vmx.c
 * (kvm-intel.ko), which set NESTVIRT_BACKEND and say what L1 sees.
 *
 * Lifetime: a hook runs with preemption disabled, which is an RCU read
 * section; detach() clears the ops, turns the static key off and waits for
 * RCU, so once it returns no CPU is, or will be, in nestvirt.ko's code, and
 * none is replaying a verdict.
 *
 * Replay: most nested entries repeat the last one (an L1 hypervisor
 * resumes the same L2 with the same controls). When nestvirt says a
 * verdict is replayable (NESTVIRT_VERDICT_F_REPLAYABLE), the glue keeps
 * it in a per-vCPU memo with everything it depended on, and answers an
 * entry with the very same inputs itself: no call into nestvirt.ko. The
 * inputs are compared value by value (the vendor glue compares the state,
 * see nestvirt_glue_svm.c), never taken from L1's hints such as VMCB clean
 * bits; a change of nestvirt's modes and every attach bump
 * nestvirt_policy_gen, which every memo records (detached, no hook runs).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": nestvirt: " fmt

#include <linux/file.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <generated/utsrelease.h>

/*
 * The in-tree vendor modules carry no version. DKMS refuses to install a
 * module whose version equals the in-tree one's ("exactly matches"), so the
 * hooked ones say which nestvirt they were built for (dkms.conf's
 * PACKAGE_VERSION, passed by kvm/Kbuild).
 */
MODULE_VERSION(NESTVIRT_VERSION "-nestvirt");

#include "nestvirt_glue.h"

#if !defined(NESTVIRT_BACKEND)
#error "NESTVIRT_BACKEND must be set by the Kbuild"
#endif

/* What L1 sees, for the checks: nestvirt_glue_svm.c / nestvirt_glue_vmx.c. */
static __always_inline void nestvirt_fill_l1(struct kvm_vcpu *vcpu,
					     union nestvirt_l1 *l1);

/*
 * The state ioctls' vendor part (the same files): KVM's get_state and
 * set_state, and what L1 of the vCPU may use, filled into @call.
 */
static int nestvirt_get_state(struct kvm_vcpu *vcpu, void *buf, u32 size);
static int nestvirt_set_state(struct kvm_vcpu *vcpu, void *buf,
			      struct kvm_nested_state *header);
static void nestvirt_state_l1(struct kvm_vcpu *vcpu,
			      struct nestvirt_state_call *call);

DEFINE_STATIC_KEY_FALSE(nestvirt_hooks_key);
DEFINE_STATIC_KEY_FALSE(nestvirt_tags_key);

/*
 * Whether what L1 may use (its CPUID, its VMX capability MSRs and other
 * feature MSRs) is final: once the vCPU has run, KVM refuses any change to
 * them (kvm_set_cpuid(), do_set_msr() on immutable feature MSRs), so what
 * the glue derives from them may be kept. Being in guest mode is not
 * enough (kvm_can_set_cpuid_and_feature_msrs()): KVM_SET_NESTED_STATE can
 * leave it again before the first run.
 */
static __always_inline bool nestvirt_l1_model_final(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.last_vmentry_cpu != -1;
}

/* The attached ops; written under nestvirt_attach_lock, read under RCU. */
static const struct nestvirt_hook_ops __rcu *nestvirt_ops;
static DEFINE_MUTEX(nestvirt_attach_lock);

/* Bumped whenever a remembered verdict may no longer hold; never 0. */
static atomic64_t nestvirt_policy_gen = ATOMIC64_INIT(1);

/* Checks answered by replay since attach(); zeroed by attach(). */
static DEFINE_PER_CPU(struct nestvirt_replays, nestvirt_replays);

static_assert(sizeof(union nestvirt_l1) % sizeof(u64) == 0);

/*
 * Answers an entry from @memo when it holds for the entry's inputs besides
 * the state, which the caller found unchanged since @memo was taken: the
 * vmcb12/vmcs12 address @state_gpa and what L1 sees now, under the current
 * policy. Counts the replay in @replays. Builds no entry: this is the path
 * of almost every nested entry. (kvm-intel replays nothing yet.)
 */
static bool __maybe_unused nestvirt_replay(struct kvm_vcpu *vcpu,
			    const struct nestvirt_memo *memo, u64 state_gpa,
			    u64 __percpu *replays)
{
	union nestvirt_l1 l1 = {};
	/* Word by word, not memcmp(). */
	const u64 *a = (const u64 *)&memo->l1, *b = (const u64 *)&l1;
	u64 diff;
	int i;

	nestvirt_fill_l1(vcpu, &l1);
	guard(preempt)();
	/* Detached: detach() waited for every replay that saw the ops. */
	if (!rcu_access_pointer(nestvirt_ops))
		return false;
	diff = (memo->gen ^ atomic64_read_acquire(&nestvirt_policy_gen)) |
	       (memo->state_gpa ^ state_gpa);
	for (i = 0; i < sizeof(l1) / sizeof(u64); i++)
		diff |= a[i] ^ b[i];
	if (diff)
		return false;
	this_cpu_inc(*replays);
	return true;
}

/*
 * Hands @entry to nestvirt, if it is still attached, and fills @verdict
 * (zeroed by the caller); the caller filled what the entry is, this fills
 * who and what L1 sees. With a @memo, the verdict is remembered there if
 * nestvirt says it is replayable, with the inputs nestvirt_replay()
 * compares; else @memo is emptied. Returns true when nestvirt fails the
 * entry.
 */
static bool nestvirt_dispatch_verdict(struct kvm_vcpu *vcpu,
				      struct nestvirt_entry *entry,
				      struct nestvirt_memo *memo,
				      struct nestvirt_verdict *verdict)
{
	const struct nestvirt_hook_ops *ops;
	u64 gen;

	entry->vcpu = vcpu;
	entry->vm = vcpu->kvm;
	entry->vcpu_id = vcpu->vcpu_id;
	entry->backend = NESTVIRT_BACKEND;
	nestvirt_fill_l1(vcpu, &entry->l1);

	guard(preempt)();
	ops = rcu_dereference_sched(nestvirt_ops);
	if (!ops)
		return false;
	/* Before nestvirt reads its modes: a later change bumps it. */
	gen = atomic64_read_acquire(&nestvirt_policy_gen);
	ops->nested_entry(entry, verdict);
	if (memo) {
		bool replayable = verdict->action == NESTVIRT_VERDICT_ALLOW &&
				  (verdict->flags & NESTVIRT_VERDICT_F_REPLAYABLE);

		memo->gen = replayable ? gen : 0;
		memo->state_gpa = entry->state_gpa;
		memo->l1 = entry->l1;
	}
	return verdict->action == NESTVIRT_VERDICT_FAIL;
}

/* Every memo taken before is stale from now on. */
static void nestvirt_forget_verdicts(void)
{
	atomic64_inc_return_release(&nestvirt_policy_gen);
}

/*
 * Turns the hooks on when the attached nestvirt checks anything, off when
 * every class is off (nestvirt stays attached, the ops stay set): no entry
 * pays for a check nobody asked for. Likewise the VPID/ASID mapping's hooks,
 * on only while nestvirt maps tags. Under the attach lock.
 */
static void nestvirt_update_key(const struct nestvirt_hook_ops *ops)
{
	lockdep_assert_held(&nestvirt_attach_lock);
	if (ops && (!ops->checking || ops->checking()))
		static_branch_enable(&nestvirt_hooks_key);
	else
		static_branch_disable(&nestvirt_hooks_key);
	if (ops && ops->tags_entry && ops->mapping && ops->mapping())
		static_branch_enable(&nestvirt_tags_key);
	else
		static_branch_disable(&nestvirt_tags_key);
}

static void nestvirt_policy_changed(void)
{
	guard(mutex)(&nestvirt_attach_lock);
	nestvirt_forget_verdicts();
	nestvirt_update_key(rcu_dereference_protected(nestvirt_ops,
			lockdep_is_held(&nestvirt_attach_lock)));
}

static void nestvirt_replayed(struct nestvirt_replays *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct nestvirt_replays *r = per_cpu_ptr(&nestvirt_replays, cpu);

		out->entries += READ_ONCE(r->entries);
		out->vmcb02_checks += READ_ONCE(r->vmcb02_checks);
	}
}

static int nestvirt_attach(const struct nestvirt_hook_ops *ops)
{
	int cpu;

	if (!ops || !ops->nested_entry)
		return -EPROTO;

	guard(mutex)(&nestvirt_attach_lock);
	if (rcu_access_pointer(nestvirt_ops))
		return -EBUSY;
	/* No hook runs while detached (detach() waited for the last one). */
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&nestvirt_replays, cpu), 0,
		       sizeof(struct nestvirt_replays));
	/* What an earlier nestvirt found replayable, this one has not. */
	nestvirt_forget_verdicts();
	rcu_assign_pointer(nestvirt_ops, ops);
	nestvirt_update_key(ops);
	pr_info("hooks attached\n");
	return 0;
}

static void nestvirt_detach(const struct nestvirt_hook_ops *ops)
{
	guard(mutex)(&nestvirt_attach_lock);
	if (rcu_access_pointer(nestvirt_ops) != ops)
		return;
	static_branch_disable(&nestvirt_tags_key);
	static_branch_disable(&nestvirt_hooks_key);
	RCU_INIT_POINTER(nestvirt_ops, NULL);
	/* Every hook runs with preemption disabled: an RCU read section. */
	synchronize_rcu();
	pr_info("hooks detached\n");
}

/*
 * The vCPU behind @file, or NULL when it is not a vCPU of this module's VMs.
 * kvm_init() makes the loading vendor module the owner of KVM's file
 * operations (virt/kvm/kvm_main.c); of those, the vCPU's and the device's
 * and guest_memfd's have .mmap, and only create_vcpu_fd() names its
 * anonymous inode "kvm-vcpu:<id>". KVM exports no test for a vCPU file
 * (file_is_kvm() is for VM files).
 */
static struct kvm_vcpu *nestvirt_vcpu_of_file(struct file *file)
{
	static const char prefix[] = "kvm-vcpu:";
	struct kvm_vcpu *vcpu;

	if (file->f_op->owner != THIS_MODULE || !file->f_op->mmap ||
	    strncmp(file->f_path.dentry->d_name.name, prefix,
		    sizeof(prefix) - 1))
		return NULL;
	vcpu = file->private_data;
	/* Online (KVM_RUN waits for that too), and in its VM's table. */
	if (kvm_get_vcpu_by_id(vcpu->kvm, vcpu->vcpu_id) != vcpu)
		return NULL;
	return vcpu;
}

/* KVM_SET_NESTED_STATE's own checks of the header (kvm_arch_vcpu_ioctl()). */
static bool nestvirt_state_header_ok(const struct kvm_nested_state *h)
{
	if (h->size < sizeof(*h))
		return false;
	if (h->flags & ~(KVM_STATE_NESTED_RUN_PENDING |
			 KVM_STATE_NESTED_GUEST_MODE |
			 KVM_STATE_NESTED_EVMCS |
			 KVM_STATE_NESTED_MTF_PENDING |
			 KVM_STATE_NESTED_GIF_SET))
		return false;
	return !((h->flags & KVM_STATE_NESTED_RUN_PENDING) &&
		 !(h->flags & KVM_STATE_NESTED_GUEST_MODE));
}

static int nestvirt_state_on(struct kvm_vcpu *vcpu,
			     struct nestvirt_state_call *call)
{
	struct kvm_nested_state header;
	int r, idx;

	call->vcpu_id = vcpu->vcpu_id;
	nestvirt_state_l1(vcpu, call);
	switch (call->op) {
	case NESTVIRT_STATE_GET:
		/*
		 * KVM may write the largest state whatever size it is given
		 * (vmx_get_nested_state() copies the shadow vmcs12 out also
		 * when the size it checked did not count it).
		 */
		if (call->room < nestvirt_get_state(NULL, NULL, 0))
			return -EINVAL;
		r = nestvirt_get_state(vcpu, call->kvm_state, call->room);
		if (r < 0)
			return r;
		/* @room is at least the maximum: cannot happen. */
		if (WARN_ON_ONCE(r > call->room))
			return -E2BIG;
		call->size = r;
		return 0;
	case NESTVIRT_STATE_SET:
		if (call->room < sizeof(header))
			return -EINVAL;
		memcpy(&header, call->kvm_state, sizeof(header));
		/* KVM reads up to header.size bytes from the kernel buffer. */
		if (!nestvirt_state_header_ok(&header) || header.size > call->room ||
		    !call->check)
			return -EINVAL;
		r = call->check(call);
		if (r)
			return r;
		idx = srcu_read_lock(&vcpu->kvm->srcu);
		r = nestvirt_set_state(vcpu, call->kvm_state, &header);
		srcu_read_unlock(&vcpu->kvm->srcu, idx);
		/* vmx_set_nested_state() passes on NVMX_VMENTRY_VMEXIT. */
		return r > 0 ? -EINVAL : r;
	}
	return -EINVAL;
}

static int nestvirt_nested_state(struct nestvirt_state_call *call)
{
	struct kvm_vcpu *vcpu;
	int r;

	if (call->op == NESTVIRT_STATE_MAX_SIZE) {
		call->size = nestvirt_get_state(NULL, NULL, 0);
		return 0;
	}
	CLASS(fd, f)(call->vcpu_fd);
	if (fd_empty(f))
		return -EBADF;
	vcpu = nestvirt_vcpu_of_file(fd_file(f));
	if (!vcpu)
		return -EBADF;
	/* kvm_vcpu_ioctl()'s checks, with an errno of their own. */
	if (vcpu->kvm->mm != current->mm)
		return -EPERM;
	if (vcpu->kvm->vm_dead)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	vcpu_load(vcpu);
	r = nestvirt_state_on(vcpu, call);
	vcpu_put(vcpu);
	mutex_unlock(&vcpu->mutex);
	return r;
}

/* The layout nestvirt.ko mirrors in rust/hooks_abi.rs. */
static_assert(offsetof(struct nestvirt_entry, kvm_verdict) == 44);
static_assert(offsetof(struct nestvirt_entry, l1) == 56);
static_assert(offsetof(struct nestvirt_entry, vmcb02_intercepts) == 80);
static_assert(sizeof(union nestvirt_l1) == 24);
static_assert(offsetof(struct nestvirt_vmx_env, efer_allowed) == 152);
static_assert(offsetof(struct nestvirt_vmx_env, features) == 184);
static_assert(sizeof(struct nestvirt_vmx_env) == 192);
static_assert(sizeof(struct nestvirt_entry) == 88);
static_assert(offsetof(struct nestvirt_verdict, flags) == 24);
static_assert(sizeof(struct nestvirt_verdict) == 32);
static_assert(offsetof(struct nestvirt_target, detach) == 24);
static_assert(offsetof(struct nestvirt_hook_ops, msr_entry) == 8);
static_assert(offsetof(struct nestvirt_hook_ops, checking) == 16);
static_assert(offsetof(struct nestvirt_msr_entry, list) == 16);
static_assert(offsetof(struct nestvirt_msr_entry, in_smm) == 36);
static_assert(sizeof(struct nestvirt_msr_entry) == 40);
static_assert(offsetof(struct nestvirt_target, nested_state) == 48);
static_assert(offsetof(struct nestvirt_target, tag_stats) == 56);
static_assert(sizeof(struct nestvirt_target) == 64);
static_assert(offsetof(struct nestvirt_hook_ops, tags_entry) == 24);
static_assert(offsetof(struct nestvirt_hook_ops, mapping) == 32);
static_assert(sizeof(struct nestvirt_hook_ops) == 40);
static_assert(offsetof(struct nestvirt_tags_call, l1_tag) == 12);
static_assert(offsetof(struct nestvirt_tags_call, slot) == 24);
static_assert(offsetof(struct nestvirt_tags_call, evicted) == 36);
static_assert(sizeof(struct nestvirt_tags_call) == 40);
static_assert(sizeof(struct nestvirt_tag_stats) == 48);
static_assert(offsetof(struct nestvirt_state_call, l1) == 24);
static_assert(offsetof(struct nestvirt_state_call, env) == 48);
static_assert(offsetof(struct nestvirt_state_call, check) == 240);
static_assert(offsetof(struct nestvirt_state_call, kvm_state) == 8);
static_assert(offsetof(struct nestvirt_state_call, room) == 16);
static_assert(offsetof(struct nestvirt_state_call, size) == 20);
static_assert(offsetof(struct nestvirt_state_call, ctx) == 248);
static_assert(offsetof(struct nestvirt_state_call, vcpu_id) == 256);
static_assert(sizeof(struct nestvirt_state_call) == 264);

/* The VPID/ASID mapping's counters: nestvirt_glue_tags.c. */
static void nestvirt_tag_stats(struct nestvirt_tag_stats *out);

#if NESTVIRT_BACKEND == NESTVIRT_BACKEND_SVM
#define NESTVIRT_TARGET nestvirt_svm_target
#else
#define NESTVIRT_TARGET nestvirt_vmx_target
#endif

const struct nestvirt_target NESTVIRT_TARGET = {
	.abi_version = NESTVIRT_HOOK_ABI_VERSION,
	.backend = NESTVIRT_BACKEND,
	.kernel_release = UTS_RELEASE,
	.attach = nestvirt_attach,
	.detach = nestvirt_detach,
	.policy_changed = nestvirt_policy_changed,
	.replayed = nestvirt_replayed,
	.nested_state = nestvirt_nested_state,
	.tag_stats = nestvirt_tag_stats,
};
/*
 * GPL: nestvirt.ko takes it with symbol_get(), which only finds GPL exports.
 * Spelled out: KVM's Makefile allows these two names by name (hook series
 * patch 0001), as exports meant for a module outside KVM.
 */
#if NESTVIRT_BACKEND == NESTVIRT_BACKEND_SVM
EXPORT_SYMBOL_GPL(nestvirt_svm_target);
#else
EXPORT_SYMBOL_GPL(nestvirt_vmx_target);
#endif
