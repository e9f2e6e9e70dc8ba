// SPDX-License-Identifier: GPL-2.0
/* nestvirt glue built into kvm-intel.ko. */
#define NESTVIRT_BACKEND NESTVIRT_BACKEND_VMX
#include "nestvirt_glue.c"
