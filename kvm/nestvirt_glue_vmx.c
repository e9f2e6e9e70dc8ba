// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue built into kvm-intel.ko: the common attach point. The VMX
 * checks are not wired to the hooks yet, so nothing about L1 is reported.
 */
#define NESTVIRT_BACKEND NESTVIRT_BACKEND_VMX
#include "nestvirt_glue.c"

static void nestvirt_fill_l1(struct kvm_vcpu *vcpu, union nestvirt_l1 *l1)
{
}
