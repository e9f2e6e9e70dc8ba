// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for a hooked kvm-amd that nestvirt must refuse, so the
 * selftests can check the refusal (EPROTO and a dmesg line) without
 * building a second kvm-amd. It exports the symbol a hooked kvm-amd
 * exports; load it only while kvm_amd is not loaded. Built twice:
 * nestvirt_fake_target.ko has a foreign hook ABI version;
 * nestvirt_fake_target_no_detach.ko (FAKE_NO_DETACH) has the right version
 * but no detach callback, without which nestvirt could not leave safely.
 */
#include <linux/module.h>
#include <nestvirt/hooks.h>

#ifdef FAKE_NO_DETACH
#define FAKE_ABI_VERSION NESTVIRT_HOOK_ABI_VERSION
#define FAKE_DETACH NULL
#define FAKE_WHAT "without detach"
#else
#define FAKE_ABI_VERSION (NESTVIRT_HOOK_ABI_VERSION + 97)
#define FAKE_DETACH fake_detach
#define FAKE_WHAT "of a foreign hook ABI version"

static void fake_detach(const struct nestvirt_hook_ops *ops)
{
}
#endif

static int fake_attach(const struct nestvirt_hook_ops *ops)
{
	/* nestvirt must refuse the target before it ever gets here. */
	WARN(1, "nestvirt attached to a target " FAKE_WHAT "\n");
	return -EINVAL;
}

static void fake_policy_changed(void)
{
}

static void fake_replayed(struct nestvirt_replays *out)
{
}

const struct nestvirt_target nestvirt_svm_target = {
	.abi_version = FAKE_ABI_VERSION,
	.backend = NESTVIRT_BACKEND_SVM,
	.kernel_release = "fake",
	.attach = fake_attach,
	.detach = FAKE_DETACH,
	.policy_changed = fake_policy_changed,
	.replayed = fake_replayed,
};
EXPORT_SYMBOL_GPL(nestvirt_svm_target);

MODULE_DESCRIPTION("nestvirt selftest: a hook target " FAKE_WHAT);
MODULE_LICENSE("GPL");
