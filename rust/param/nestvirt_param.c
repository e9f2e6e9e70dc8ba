// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt's `mode` and `hardening` module parameters. They live in C
 * because the module! macro of Linux 7.3 only takes integer and bool
 * parameters, and operators write `mode=enforce`. The Rust side reads the
 * parsed values with nestvirt_param_mode() and nestvirt_param_hardening().
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

unsigned int nestvirt_param_mode(void);
unsigned int nestvirt_param_hardening(void);

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
