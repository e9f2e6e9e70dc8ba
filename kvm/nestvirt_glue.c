// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue inside a hooked KVM vendor module: the attach point that
 * nestvirt.ko uses, and the dispatch from KVM's nested-entry paths to it.
 *
 * Built into kvm-amd.ko with NESTVIRT_BACKEND=NESTVIRT_BACKEND_SVM and into
 * kvm-intel.ko with NESTVIRT_BACKEND=NESTVIRT_BACKEND_VMX.
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

DEFINE_STATIC_KEY_FALSE(nestvirt_hooks_key);
DEFINE_STATIC_SRCU(nestvirt_srcu);

/* The attached ops; written under nestvirt_attach_lock, read under SRCU. */
static const struct nestvirt_hook_ops __rcu *nestvirt_ops;
static DEFINE_MUTEX(nestvirt_attach_lock);

bool __nestvirt_nested_entry(struct kvm_vcpu *vcpu, const void *state,
			     u64 state_gpa, u32 source, bool kvm_ok)
{
	const struct nestvirt_hook_ops *ops;
	struct nestvirt_verdict verdict = {};
	struct nestvirt_entry entry = {
		.vcpu = vcpu,
		.vm = vcpu->kvm,
		.state = state,
		.state_gpa = state_gpa,
		.state_size = state ? PAGE_SIZE : 0,
		.source = source,
		.vcpu_id = vcpu->vcpu_id,
		.kvm_verdict = kvm_ok ? 0 : 1,
	};
	int idx;

	idx = srcu_read_lock(&nestvirt_srcu);
	ops = srcu_dereference(nestvirt_ops, &nestvirt_srcu);
	if (ops) {
		preempt_disable();
		ops->nested_entry(&entry, &verdict);
		preempt_enable();
	}
	srcu_read_unlock(&nestvirt_srcu, idx);

	return verdict.action == NESTVIRT_VERDICT_FAIL;
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
