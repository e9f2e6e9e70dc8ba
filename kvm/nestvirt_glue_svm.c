// SPDX-License-Identifier: GPL-2.0
/* nestvirt glue built into kvm-amd.ko. */
#define NESTVIRT_BACKEND NESTVIRT_BACKEND_SVM
#include "nestvirt_glue.c"
