// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue inside a hooked KVM vendor module: the attach point that
 * nestvirt.ko uses, and the dispatch from KVM's nested-entry paths to it.
 *
 * Included by nestvirt_glue_svm.c (kvm-amd.ko) and nestvirt_glue_vmx.c
 * (kvm-intel.ko), which set NESTVIRT_BACKEND and say what L1 sees.
 *
 * Lifetime: hook calls run inside an SRCU read section; detach() clears the
 * ops, turns the static key off and waits for that SRCU, so once it returns
 * no CPU is, or will be, in nestvirt.ko's code.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": nestvirt: " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/srcu.h>
#include <generated/utsrelease.h>

#include "nestvirt_glue.h"

#if !defined(NESTVIRT_BACKEND)
#error "NESTVIRT_BACKEND must be set by the Kbuild"
#endif

/* What L1 sees, for the checks: nestvirt_glue_svm.c / nestvirt_glue_vmx.c. */
static void nestvirt_fill_l1(struct kvm_vcpu *vcpu, struct nestvirt_entry *e);

DEFINE_STATIC_KEY_FALSE(nestvirt_hooks_key);
DEFINE_STATIC_SRCU(nestvirt_srcu);

/* The attached ops; written under nestvirt_attach_lock, read under SRCU. */
static const struct nestvirt_hook_ops __rcu *nestvirt_ops;
static DEFINE_MUTEX(nestvirt_attach_lock);

/*
 * Hands @entry to nestvirt, if it is still attached; the caller filled
 * what the entry is, this fills who and what L1 sees. Returns true when
 * nestvirt fails the entry.
 */
static bool nestvirt_dispatch(struct kvm_vcpu *vcpu,
			      struct nestvirt_entry *entry)
{
	const struct nestvirt_hook_ops *ops;
	struct nestvirt_verdict verdict = {};
	int idx;

	entry->vcpu = vcpu;
	entry->vm = vcpu->kvm;
	entry->vcpu_id = vcpu->vcpu_id;
	entry->backend = NESTVIRT_BACKEND;

	idx = srcu_read_lock(&nestvirt_srcu);
	ops = srcu_dereference(nestvirt_ops, &nestvirt_srcu);
	if (ops) {
		nestvirt_fill_l1(vcpu, entry);
		preempt_disable();
		ops->nested_entry(entry, &verdict);
		preempt_enable();
	}
	srcu_read_unlock(&nestvirt_srcu, idx);

	return verdict.action == NESTVIRT_VERDICT_FAIL;
}

bool __nestvirt_nested_entry(struct kvm_vcpu *vcpu, const void *state,
			     u32 state_size, u64 state_gpa, u32 source,
			     bool kvm_ok)
{
	struct nestvirt_entry entry = {
		.state = state,
		.state_gpa = state_gpa,
		.state_size = state ? state_size : 0,
		.source = source,
		.kvm_verdict = kvm_ok ? 0 : 1,
	};

	return nestvirt_dispatch(vcpu, &entry);
}

static int nestvirt_attach(const struct nestvirt_hook_ops *ops)
{
	if (!ops || !ops->nested_entry)
		return -EPROTO;

	guard(mutex)(&nestvirt_attach_lock);
	if (rcu_access_pointer(nestvirt_ops))
		return -EBUSY;
	rcu_assign_pointer(nestvirt_ops, ops);
	static_branch_enable(&nestvirt_hooks_key);
	pr_info("hooks attached\n");
	return 0;
}

static void nestvirt_detach(const struct nestvirt_hook_ops *ops)
{
	guard(mutex)(&nestvirt_attach_lock);
	if (rcu_access_pointer(nestvirt_ops) != ops)
		return;
	static_branch_disable(&nestvirt_hooks_key);
	RCU_INIT_POINTER(nestvirt_ops, NULL);
	synchronize_srcu(&nestvirt_srcu);
	pr_info("hooks detached\n");
}

/* The layout nestvirt.ko mirrors in rust/hooks_abi.rs. */
static_assert(offsetof(struct nestvirt_entry, kvm_verdict) == 44);
static_assert(offsetof(struct nestvirt_entry, l1) == 56);
static_assert(offsetof(struct nestvirt_entry, vmcb02_intercepts) == 80);
static_assert(sizeof(struct nestvirt_entry) == 88);
static_assert(sizeof(struct nestvirt_verdict) == 24);
static_assert(offsetof(struct nestvirt_target, detach) == 24);

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
};
/* GPL: nestvirt.ko takes it with symbol_get(), which only finds GPL exports. */
EXPORT_SYMBOL_GPL(NESTVIRT_TARGET);
