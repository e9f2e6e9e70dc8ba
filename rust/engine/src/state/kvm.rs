// SPDX-License-Identifier: GPL-2.0

//! KVM's nested state (`struct kvm_nested_state`, arch/x86/include/uapi/
//! asm/kvm.h, Linux 7.3): its header, and the checks of it that KVM 7.3.4's
//! `vmx_set_nested_state()` and `svm_set_nested_state()` make without
//! looking at the vCPU, so that nestvirt (and nestvirtctl, offline)
//! refuses what KVM would refuse, before anything is applied. The checks
//! that depend on the destination vCPU (its EFER, SMM, CPUID, MAXPHYADDR)
//! are the kernel's.

use super::container::Vendor;
use super::error::StateError;
use crate::engine::bytes::{le_u16, le_u32, le_u64};
use crate::engine::svm::Vmcb12;
use crate::engine::vmx::bits::{proc, proc2};
use crate::engine::vmx::Vmcs12;

const CR0_PE: u64 = 1;
const CR0_PG: u64 = 1 << 31;
const RFLAGS_VM: u64 = 1 << 17;
const EFER_LME: u64 = 1 << 8;
const EFER_LMA: u64 = 1 << 10;

/// `sizeof(struct kvm_nested_state)`: the header before the data.
pub const HEADER_SIZE: usize = 128;
/// `KVM_STATE_NESTED_VMX_VMCS_SIZE` and `KVM_STATE_NESTED_SVM_VMCB_SIZE`.
pub const PAGE: usize = 4096;
/// `KVM_STATE_NESTED_FORMAT_VMX`.
pub const FORMAT_VMX: u16 = 0;
/// `KVM_STATE_NESTED_FORMAT_SVM`.
pub const FORMAT_SVM: u16 = 1;
/// `KVM_STATE_NESTED_GUEST_MODE`.
pub const GUEST_MODE: u16 = 0x1;
/// `KVM_STATE_NESTED_RUN_PENDING`.
pub const RUN_PENDING: u16 = 0x2;
/// `KVM_STATE_NESTED_EVMCS`.
pub const EVMCS: u16 = 0x4;
/// `KVM_STATE_NESTED_MTF_PENDING`.
pub const MTF_PENDING: u16 = 0x8;
/// `KVM_STATE_NESTED_GIF_SET`.
pub const GIF_SET: u16 = 0x100;
/// `KVM_STATE_NESTED_SMM_GUEST_MODE`.
pub const SMM_GUEST_MODE: u16 = 0x1;
/// `KVM_STATE_NESTED_SMM_VMXON`.
pub const SMM_VMXON: u16 = 0x2;
/// `KVM_STATE_VMX_PREEMPTION_TIMER_DEADLINE`.
pub const VMX_PREEMPTION_TIMER_DEADLINE: u32 = 0x1;
/// KVM's `INVALID_GPA`.
pub const INVALID_GPA: u64 = !0;
/// `sizeof(struct vmcs12)` (packed): what KVM copies of each vmcs12 and
/// what decides whether a blob holds one.
pub const VMCS12_STRUCT_SIZE: usize = 998;
/// `VMCS12_REVISION`: the revision identifier of every vmcs12 KVM writes.
pub const VMCS12_REVISION: u32 = 0x11e5_7ed0;

/// The vendor part of the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvmHeader {
    /// `struct kvm_vmx_nested_state_hdr`.
    Vmx {
        /// `vmxon_pa`.
        vmxon_pa: u64,
        /// `vmcs12_pa`.
        vmcs12_pa: u64,
        /// `smm.flags`.
        smm_flags: u16,
        /// `flags`.
        flags: u32,
        /// `preemption_timer_deadline`.
        preemption_timer_deadline: u64,
    },
    /// `struct kvm_svm_nested_state_hdr`.
    Svm {
        /// `vmcb_pa`.
        vmcb_pa: u64,
        /// `gpat`.
        gpat: u64,
    },
}

/// A KVM nested state that passed the vCPU-independent checks.
#[derive(Clone, Copy, Debug)]
pub struct KvmNestedState<'a> {
    /// `flags` (`KVM_STATE_NESTED_*`).
    pub flags: u16,
    /// `format`.
    pub format: u16,
    /// `size`: the whole blob.
    pub size: u32,
    /// The vendor header.
    pub header: KvmHeader,
    /// The data after the header: vmcs12 and the shadow vmcs12, or vmcb12,
    /// as far as present.
    pub data: &'a [u8],
}

fn page_aligned(pa: u64) -> bool {
    pa & (PAGE as u64 - 1) == 0
}

impl<'a> KvmNestedState<'a> {
    /// Reads `blob` as the nested state of `vendor` and makes the checks
    /// KVM's `*_set_nested_state()` makes without the vCPU.
    pub fn parse(blob: &'a [u8], vendor: Vendor) -> Result<Self, StateError> {
        // "kvm_state.size < sizeof(kvm_state)" is refused.
        let head = blob.get(..HEADER_SIZE).ok_or(StateError::KvmSize)?;
        let flags = le_u16(head, 0);
        let format = le_u16(head, 2);
        let size = le_u32(head, 4);
        let want = match vendor {
            Vendor::Vmx => FORMAT_VMX,
            Vendor::Svm => FORMAT_SVM,
        };
        if format != want {
            return Err(StateError::KvmFormat);
        }
        // KVM reads `size` bytes from the caller's buffer: here they are
        // the section, no more, no less.
        if size as usize != blob.len() {
            return Err(StateError::KvmSize);
        }
        // kvm_arch_vcpu_ioctl(KVM_SET_NESTED_STATE), for both vendors.
        if flags & !(GUEST_MODE | RUN_PENDING | EVMCS | MTF_PENDING | GIF_SET) != 0 {
            return Err(StateError::KvmFlags);
        }
        // "nested_run_pending implies guest_mode."
        if flags & RUN_PENDING != 0 && flags & GUEST_MODE == 0 {
            return Err(StateError::KvmFlags);
        }
        let data = blob.get(HEADER_SIZE..).unwrap_or(&[]);
        let header = match vendor {
            Vendor::Vmx => vmx_header(head, flags, size, data)?,
            Vendor::Svm => svm_header(head, flags, size, data)?,
        };
        Ok(Self {
            flags,
            format,
            size,
            header,
            data,
        })
    }

    /// Whether the vCPU was in guest mode (L2 running) when it was saved.
    pub fn guest_mode(&self) -> bool {
        self.flags & GUEST_MODE != 0
    }

    /// The vmcs12 (VMX) or vmcb12 (SVM) page, if the blob has one.
    pub fn state_page(&self) -> Option<&'a [u8]> {
        self.data.get(..PAGE)
    }
}

/// `vmx_set_nested_state()`'s checks of the header.
fn vmx_header(head: &[u8], flags: u16, size: u32, data: &[u8]) -> Result<KvmHeader, StateError> {
    let vmxon_pa = le_u64(head, 8);
    let vmcs12_pa = le_u64(head, 16);
    let smm_flags = le_u16(head, 24);
    let hdr_flags = le_u32(head, 28);
    let deadline = le_u64(head, 32);
    if vmxon_pa == INVALID_GPA {
        // Not in VMX operation: nothing else may be set.
        if smm_flags != 0 || vmcs12_pa != INVALID_GPA || flags & !EVMCS != 0 {
            return Err(StateError::KvmHeader);
        }
    } else if !page_aligned(vmxon_pa) {
        return Err(StateError::KvmHeader);
    }
    // In SMM KVM refuses guest mode and a pending run; outside SMM, any
    // SMM flag: together they are refused whatever the vCPU's SMM state.
    if smm_flags != 0 && flags & (GUEST_MODE | RUN_PENDING) != 0 {
        return Err(StateError::KvmFlags);
    }
    if smm_flags & !(SMM_GUEST_MODE | SMM_VMXON) != 0
        || hdr_flags & !VMX_PREEMPTION_TIMER_DEADLINE != 0
    {
        return Err(StateError::KvmHeader);
    }
    if smm_flags & SMM_GUEST_MODE != 0 && smm_flags & SMM_VMXON == 0 {
        return Err(StateError::KvmHeader);
    }
    if vmxon_pa == INVALID_GPA {
        // Not in VMX operation: KVM takes nothing more from the blob.
    } else if (size as usize) < HEADER_SIZE + VMCS12_STRUCT_SIZE {
        // VMXON without a current VMCS.
        if flags & (GUEST_MODE | EVMCS) != 0 || vmcs12_pa != INVALID_GPA {
            return Err(StateError::KvmSize);
        }
    } else {
        if vmcs12_pa != INVALID_GPA && (vmcs12_pa == vmxon_pa || !page_aligned(vmcs12_pa)) {
            return Err(StateError::KvmHeader);
        }
        if vmcs12_pa == INVALID_GPA && flags & EVMCS == 0 {
            return Err(StateError::KvmHeader);
        }
        vmx_data(flags, size, data)?;
    }
    Ok(KvmHeader::Vmx {
        vmxon_pa,
        vmcs12_pa,
        smm_flags,
        flags: hdr_flags,
        preemption_timer_deadline: deadline,
    })
}

/// What `vmx_set_nested_state()` and `nested_vmx_check_restored_vmcs12()`
/// check of the vmcs12 and the shadow vmcs12 themselves: the revision
/// identifier, and in guest mode with VMCS shadowing and a link pointer,
/// the shadow's presence, revision and shadow-VMCS indicator.
fn vmx_data(flags: u16, size: u32, data: &[u8]) -> Result<(), StateError> {
    if le_u32(data, 0) != VMCS12_REVISION {
        return Err(StateError::KvmData);
    }
    if flags & GUEST_MODE == 0 {
        return Ok(());
    }
    let vmcs = vmcs12_of(data);
    let shadowing = vmcs.cpu_based_vm_exec_control() & proc::ACTIVATE_SECONDARY != 0
        && vmcs.secondary_vm_exec_control() & proc2::SHADOW_VMCS != 0;
    if !shadowing || vmcs.vmcs_link_pointer() == INVALID_GPA {
        return Ok(());
    }
    if (size as usize) < HEADER_SIZE + PAGE + VMCS12_STRUCT_SIZE {
        return Err(StateError::KvmSize);
    }
    let shadow_hdr = le_u32(data, PAGE);
    if shadow_hdr & 0x7fff_ffff != VMCS12_REVISION || shadow_hdr >> 31 == 0 {
        return Err(StateError::KvmData);
    }
    Ok(())
}

/// The vmcs12 at the start of `data`, as KVM copies it: the bytes present
/// (at most a page), zeros after them.
pub fn vmcs12_of(data: &[u8]) -> Vmcs12 {
    let mut bytes = [0u8; Vmcs12::SIZE];
    for (b, d) in bytes.iter_mut().zip(data) {
        *b = *d;
    }
    Vmcs12::from_bytes(bytes)
}

/// `svm_set_nested_state()`'s checks of the header, and in guest mode of
/// L1's save area in the vmcb12 page that do not depend on the vCPU: CR0.PG
/// and CR0.PE set, RFLAGS.VM clear, no EFER.LMA without EFER.LME. (Its
/// `nested_vmcb_check_save()` of that area is the catalogue's save class,
/// [`super::check_container`].)
fn svm_header(head: &[u8], flags: u16, size: u32, data: &[u8]) -> Result<KvmHeader, StateError> {
    let vmcb_pa = le_u64(head, 8);
    let gpat = le_u64(head, 16);
    if flags & !(GUEST_MODE | RUN_PENDING | GIF_SET) != 0 {
        return Err(StateError::KvmFlags);
    }
    if flags & GUEST_MODE != 0 {
        if !page_aligned(vmcb_pa) {
            return Err(StateError::KvmHeader);
        }
        if (size as usize) < HEADER_SIZE + PAGE {
            return Err(StateError::KvmSize);
        }
        let l1 = Vmcb12::view(data).ok_or(StateError::KvmSize)?;
        let (cr0, efer) = (l1.cr0(), l1.efer());
        if cr0 & CR0_PG == 0
            || cr0 & CR0_PE == 0
            || l1.rflags() & RFLAGS_VM != 0
            || (efer & EFER_LMA != 0 && efer & EFER_LME == 0)
        {
            return Err(StateError::KvmData);
        }
    }
    Ok(KvmHeader::Svm { vmcb_pa, gpat })
}
