/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nestvirt: userspace ABI of /dev/nestvirt.
 *
 * Every structure has a fixed size, naturally aligned fields and no implicit
 * padding; reserved fields must be zero on input and are zero on output.
 * See Documentation/nestvirt/api.rst.
 */
#ifndef _UAPI_LINUX_NESTVIRT_H
#define _UAPI_LINUX_NESTVIRT_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define NESTVIRT_ABI_VERSION		1

#define NESTVIRT_IO			0xBB

/* nestvirt_info.backend: the hooked vendor module nestvirt is attached to. */
#define NESTVIRT_BACKEND_NONE		0
#define NESTVIRT_BACKEND_SVM		1
#define NESTVIRT_BACKEND_VMX		2

/* Validation modes (per rule class; nestvirt_info.mode is the default). */
#define NESTVIRT_MODE_OFF		0
#define NESTVIRT_MODE_AUDIT		1
#define NESTVIRT_MODE_ENFORCE		2

/**
 * struct nestvirt_info - what nestvirt is attached to and what it has seen.
 * @abi_version: NESTVIRT_ABI_VERSION of the running module.
 * @backend: NESTVIRT_BACKEND_SVM or NESTVIRT_BACKEND_VMX.
 * @hook_abi_version: version of the hook ABI the vendor module was built with.
 * @mode: default validation mode (NESTVIRT_MODE_*).
 * @nested_entries: nested entries (VMRUN, VMLAUNCH, VMRESUME) the hooks saw,
 *	since nestvirt was loaded, across all VMs.
 * @kvm_rejected: of those, entries KVM's own checks failed.
 * @nestvirt_rejected: of those, entries nestvirt failed in enforce mode.
 * @state_missing: entries that came without a copy of vmcb12/vmcs12.
 * @kernel_release: release of the kernel source the vendor module was built
 *	from, NUL-terminated.
 * @reserved: zero.
 */
struct nestvirt_info {
	__u32 abi_version;
	__u32 backend;
	__u32 hook_abi_version;
	__u32 mode;
	__u64 nested_entries;
	__u64 kvm_rejected;
	__u64 nestvirt_rejected;
	__u64 state_missing;
	char kernel_release[64];
	__u64 reserved[8];
};

#define NESTVIRT_GET_INFO	_IOR(NESTVIRT_IO, 0x00, struct nestvirt_info)

#endif /* _UAPI_LINUX_NESTVIRT_H */
