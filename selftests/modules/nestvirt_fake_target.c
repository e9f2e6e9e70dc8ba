// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for a hooked kvm-amd built for another hook ABI version, so the
 * selftests can check that nestvirt refuses it (EPROTO and a dmesg line)
 * without building a second kvm-amd. It exports the symbol a hooked kvm-amd
 * exports; load it only while kvm_amd is not loaded.
 */
#include <linux/module.h>
#include <nestvirt/hooks.h>

static int fake_attach(const struct nestvirt_hook_ops *ops)
{
	/* nestvirt must refuse the ABI version before it ever gets here. */
	WARN(1, "nestvirt attached to a target of the wrong hook ABI version\n");
	return -EINVAL;
}

static void fake_detach(const struct nestvirt_hook_ops *ops)
{
}

const struct nestvirt_target nestvirt_svm_target = {
	.abi_version = NESTVIRT_HOOK_ABI_VERSION + 97,
	.backend = NESTVIRT_BACKEND_SVM,
	.kernel_release = "fake",
	.attach = fake_attach,
	.detach = fake_detach,
};
EXPORT_SYMBOL_GPL(nestvirt_svm_target);

MODULE_DESCRIPTION("nestvirt selftest: a hook target of a foreign ABI version");
MODULE_LICENSE("GPL");
