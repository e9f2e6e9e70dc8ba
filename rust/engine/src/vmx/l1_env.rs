// SPDX-License-Identifier: GPL-2.0

//! What the hooked kvm-intel tells the checks about L1 beyond vmcs12: the
//! hook ABI's `struct nestvirt_vmx_env` (include/nestvirt/hooks.h), laid
//! out as there so that the kernel reads the glue's copy in place, and the
//! [`VmxCaps`] and [`VmxContext`] it stands for. A migration container
//! carries the same bytes ([`L1Env::from_bytes`]), which nestvirtctl turns
//! into the same caps and context as the kernel.

use super::caps::{L1Features, VmxCaps, VmxContext};
use crate::engine::bytes::{le_u32, le_u64};

/// `struct nestvirt_vmx_env`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct L1Env {
    /// L1's capability MSRs, index = MSR number - 480H.
    pub caps: [u64; VmxCaps::MSR_COUNT],
    /// IA32_EFER bits KVM lets L1 set.
    pub efer_allowed: u64,
    /// IA32_DEBUGCTL bits KVM lets L1 set.
    pub debugctl_allowed: u64,
    /// IA32_PERF_GLOBAL_CTRL bits KVM lets L1 set.
    pub perf_global_ctrl_allowed: u64,
    /// L1's current-VMCS pointer.
    pub current_vmptr: u64,
    /// `BIT(L1Env::F_*)`.
    pub features: u32,
    /// L1's MAXPHYADDR.
    pub maxphyaddr: u8,
    /// 57 with LA57 in L1's CPUID, else 48.
    pub linear_address_bits: u8,
    /// L1's IA32_EFER.LMA at the entry.
    pub l1_efer_lma: u8,
    /// Whether L1 executes the entry in SMM.
    pub in_smm: u8,
}

impl L1Env {
    /// `NESTVIRT_VMX_F_SHSTK`: a bit of [`L1Env::features`].
    pub const F_SHSTK: u32 = 0;
    /// `NESTVIRT_VMX_F_IBT`.
    pub const F_IBT: u32 = 1;
    /// `NESTVIRT_VMX_F_LAM`.
    pub const F_LAM: u32 = 2;
    /// `NESTVIRT_VMX_F_RTM`.
    pub const F_RTM: u32 = 3;
    /// `NESTVIRT_VMX_F_SGX`.
    pub const F_SGX: u32 = 4;
    /// Its size in bytes, as in the hook ABI.
    pub const BYTES: usize = 192;

    /// L1's capability MSRs.
    pub fn caps(&self) -> VmxCaps {
        VmxCaps::from_msrs(self.caps)
    }

    /// The rest of what an entry depends on. Facts only L1's memory holds
    /// (the shadow VMCS header, the virtual TPR, the PDPTEs) are not given:
    /// the checks that need them do not run, KVM makes its own.
    pub fn context(&self) -> VmxContext {
        let has = |bit: u32| self.features & (1 << bit) != 0;
        VmxContext {
            maxphyaddr: self.maxphyaddr,
            linear_address_bits: self.linear_address_bits,
            l1_efer_lma: self.l1_efer_lma != 0,
            in_smm: self.in_smm != 0,
            efer_allowed: self.efer_allowed,
            debugctl_allowed: self.debugctl_allowed,
            perf_global_ctrl_allowed: self.perf_global_ctrl_allowed,
            features: L1Features {
                shstk: has(Self::F_SHSTK),
                ibt: has(Self::F_IBT),
                lam: has(Self::F_LAM),
                rtm: has(Self::F_RTM),
                sgx: has(Self::F_SGX),
                // KVM never exposes the EPTP supervisor shadow-stack control.
                ept_supervisor_shadow_stack: false,
            },
            current_vmcs_ptr: self.current_vmptr,
            link_vmcs_header: None,
            virtual_tpr: None,
            guest_pdptes: None,
        }
    }

    /// Reads the hook ABI's little-endian layout; `None` unless `b` is
    /// exactly [`L1Env::BYTES`] long.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        if b.len() != Self::BYTES {
            return None;
        }
        let u64_at = |at: usize| le_u64(b, at);
        let mut env = Self::default();
        for (i, c) in env.caps.iter_mut().enumerate() {
            *c = u64_at(i * 8);
        }
        let n = VmxCaps::MSR_COUNT * 8;
        env.efer_allowed = u64_at(n);
        env.debugctl_allowed = u64_at(n + 8);
        env.perf_global_ctrl_allowed = u64_at(n + 16);
        env.current_vmptr = u64_at(n + 24);
        env.features = le_u32(b, n + 32);
        let byte = |at: usize| b.get(at).copied().unwrap_or(0);
        env.maxphyaddr = byte(n + 36);
        env.linear_address_bits = byte(n + 37);
        env.l1_efer_lma = byte(n + 38);
        env.in_smm = byte(n + 39);
        Some(env)
    }

    /// Writes the hook ABI's little-endian layout.
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut b = [0u8; Self::BYTES];
        let words = self.caps.iter().chain([
            &self.efer_allowed,
            &self.debugctl_allowed,
            &self.perf_global_ctrl_allowed,
            &self.current_vmptr,
        ]);
        for (chunk, w) in b.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        let n = VmxCaps::MSR_COUNT * 8 + 32;
        let tail = [
            self.maxphyaddr,
            self.linear_address_bits,
            self.l1_efer_lma,
            self.in_smm,
        ];
        for (dst, src) in b[n..]
            .iter_mut()
            .zip(self.features.to_le_bytes().iter().chain(&tail))
        {
            *dst = *src;
        }
        b
    }
}

const _: () = assert!(core::mem::size_of::<L1Env>() == L1Env::BYTES);
const _: () = assert!(VmxCaps::MSR_COUNT * 8 + 40 == L1Env::BYTES);
