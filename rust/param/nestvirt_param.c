// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt's module parameters. `mode` and `hardening` live in C because
 * the module! macro of Linux 7.3 only takes integer and bool parameters,
 * and operators write `mode=enforce`; `tags` joins them so that a bad
 * value gets a clear message as theirs do. The Rust side reads the parsed
 * values with nestvirt_param_mode(), nestvirt_param_hardening() and
 * nestvirt_param_tags().
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

/* Must match NESTVIRT_MODE_* in include/uapi/linux/nestvirt.h. */
static const char *const nestvirt_mode_names[] = { "off", "audit", "enforce" };

/* Audit by default: count and trace, let KVM decide. */
static unsigned int nestvirt_mode = 1;
/*
 * The hardening classes reject what hardware accepts: unless asked for,
 * they follow mode= but never beyond audit (NESTVIRT_PARAM_DEFAULT).
 */
#define NESTVIRT_PARAM_DEFAULT	ARRAY_SIZE(nestvirt_mode_names)
static unsigned int nestvirt_hardening = NESTVIRT_PARAM_DEFAULT;

static int nestvirt_mode_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(nestvirt_mode_names, val);
	unsigned int n;

	if (i < 0) {
		if (kstrtouint(val, 0, &n) || n >= ARRAY_SIZE(nestvirt_mode_names)) {
			pr_err("nestvirt: %s=%s is not off, audit or enforce (or 0, 1, 2)\n",
			       kp->name, val);
			return -EINVAL;
		}
		i = n;
	}
	*(unsigned int *)kp->arg = i;
	return 0;
}

static int nestvirt_mode_get(char *buf, const struct kernel_param *kp)
{
	unsigned int v = *(unsigned int *)kp->arg;

	return sysfs_emit(buf, "%s\n", v < ARRAY_SIZE(nestvirt_mode_names) ?
			  nestvirt_mode_names[v] : "default");
}

static const struct kernel_param_ops nestvirt_mode_ops = {
	.set = nestvirt_mode_set,
	.get = nestvirt_mode_get,
};

module_param_cb(mode, &nestvirt_mode_ops, &nestvirt_mode, 0444);
MODULE_PARM_DESC(mode,
		 "Initial validation mode of every architectural rule class: off, audit (count and trace, KVM decides; the default) or enforce (fail the nested entry exactly as the APM/SDM says); 0, 1, 2 also accepted. Per class at run time: NESTVIRT_SET_MODE (nestvirtctl mode).");

module_param_cb(hardening, &nestvirt_mode_ops, &nestvirt_hardening, 0444);
MODULE_PARM_DESC(hardening,
		 "Initial mode of the hardening classes (SVM forced and hardening, VMX hardening: rules stricter than the APM/SDM, which reject some vmcb12/vmcs12 hardware accepts): off, audit or enforce (or 0, 1, 2); by default the mode= value, but never beyond audit.");

/* Must match NESTVIRT_TAGS_MAX in include/nestvirt/hooks.h. */
#define NESTVIRT_PARAM_TAGS_MAX	16

/*
 * Off by default: no emulator here can show a missing flush with it on
 * (Documentation/nestvirt/tags.rst says what is proven and what is not).
 */
static unsigned int nestvirt_tags;

static int nestvirt_tags_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n > NESTVIRT_PARAM_TAGS_MAX) {
		pr_err("nestvirt: tags=%s is not a number of host tags from 0 (off) to %d\n",
		       val, NESTVIRT_PARAM_TAGS_MAX);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nestvirt_tags_ops = {
	.set = nestvirt_tags_set,
	.get = param_get_uint,
};

module_param_cb(tags, &nestvirt_tags_ops, &nestvirt_tags, 0444);
MODULE_PARM_DESC(tags,
		 "Host tags per vCPU for the tags L1 gives its L2s (SVM: ASIDs, VMX: VPIDs), so that L1 switching between L2s flushes no TLB (KVM flushes on every nested transition or VPID change): 0 (off, the default) to 16. Counters: NESTVIRT_GET_TAGS (nestvirtctl tags).");

/*
 * Testing only: the staleness test (selftests/nestvirt_vmx_stale_test.c
 * under the Bochs with a VPID-tagged TLB) must fail when the mapping skips
 * the flushes it owes; this makes it skip them. It taints the kernel.
 */
static bool nestvirt_tags_break_flush;

static int nestvirt_tags_break_flush_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (!ret && *(bool *)kp->arg) {
		pr_warn("nestvirt: tags_break_flush=1: the VPID/ASID mapping skips every TLB flush it owes, for the staleness test only; tainting the kernel\n");
		add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	}
	return ret;
}

static const struct kernel_param_ops nestvirt_tags_break_flush_ops = {
	.set = nestvirt_tags_break_flush_set,
	.get = param_get_bool,
};

module_param_cb(tags_break_flush, &nestvirt_tags_break_flush_ops, &nestvirt_tags_break_flush, 0444);
MODULE_PARM_DESC(tags_break_flush,
		 "Testing only, never in production: with tags=N the mapping skips the TLB flushes it owes (a reused host tag, L1's INVVPID or TLB_CONTROL), so that the staleness test shows it would catch that bug. Taints the kernel (TAINT_TEST). Default 0.");

unsigned int nestvirt_param_mode(void);
unsigned int nestvirt_param_hardening(void);
unsigned int nestvirt_param_tags(void);
bool nestvirt_param_tags_break_flush(void);

/* The mode given at load time (NESTVIRT_MODE_*), already validated. */
unsigned int nestvirt_param_mode(void)
{
	return nestvirt_mode;
}

/*
 * The hardening classes' mode given at load time, already validated, or
 * NESTVIRT_PARAM_DEFAULT when not given.
 */
unsigned int nestvirt_param_hardening(void)
{
	return nestvirt_hardening;
}

/* The host tags per vCPU given at load time, 0 to 16, already validated. */
unsigned int nestvirt_param_tags(void)
{
	return nestvirt_tags;
}

/* Whether the mapping must skip the flushes it owes (testing only). */
bool nestvirt_param_tags_break_flush(void)
{
	return nestvirt_tags_break_flush;
}
