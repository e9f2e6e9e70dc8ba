// SPDX-License-Identifier: GPL-2.0
/* nestvirt_fake_target.c without the detach callback. */
#define FAKE_NO_DETACH
#include "nestvirt_fake_target.c"
