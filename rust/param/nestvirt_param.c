// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt's `mode` module parameter. It lives in C because the module!
 * macro of Linux 7.3 only takes integer and bool parameters, and operators
 * write `mode=enforce`. The Rust side reads the parsed value with
 * nestvirt_param_mode().
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

/* Must match NESTVIRT_MODE_* in include/uapi/linux/nestvirt.h. */
static const char *const nestvirt_mode_names[] = { "off", "audit", "enforce" };

/* Audit by default: count and trace, let KVM decide. */
static unsigned int nestvirt_mode = 1;

static int nestvirt_mode_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(nestvirt_mode_names, val);
	unsigned int n;

	if (i < 0) {
		if (kstrtouint(val, 0, &n) || n >= ARRAY_SIZE(nestvirt_mode_names)) {
			pr_err("nestvirt: mode=%s is not off, audit or enforce (or 0, 1, 2)\n",
			       val);
			return -EINVAL;
		}
		i = n;
	}
	*(unsigned int *)kp->arg = i;
	return 0;
}

static int nestvirt_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  nestvirt_mode_names[*(unsigned int *)kp->arg]);
}

static const struct kernel_param_ops nestvirt_mode_ops = {
	.set = nestvirt_mode_set,
	.get = nestvirt_mode_get,
};

module_param_cb(mode, &nestvirt_mode_ops, &nestvirt_mode, 0444);
MODULE_PARM_DESC(mode,
		 "Initial validation mode of every rule class: off, audit (count and trace, KVM decides; the default) or enforce (fail the nested entry as the APM/SDM says); 0, 1, 2 also accepted. Per class at run time: NESTVIRT_SET_MODE (nestvirtctl mode).");

unsigned int nestvirt_param_mode(void);

/* The mode given at load time (NESTVIRT_MODE_*), already validated. */
unsigned int nestvirt_param_mode(void)
{
	return nestvirt_mode;
}
