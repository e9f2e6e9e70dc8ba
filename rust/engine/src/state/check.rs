// SPDX-License-Identifier: GPL-2.0

//! The catalogue on the nested state a container holds, against the L1 it
//! records: what `NESTVIRT_SET_STATE` will decide before applying it, and
//! what `nestvirtctl state validate` decides offline, with the same code
//! the kernel's hooks run.
//!
//! In guest mode the vmcb12 or vmcs12 is checked as KVM_SET_NESTED_STATE
//! restores it: SVM the control area and the save area (L1's there, which
//! KVM checks as VMRUN checks L2's), VMX
//! the whole vmcs12 with the host address-space size taken from its own
//! VM-exit control and no SMM, as the kvm-intel glue does for restored
//! state. Outside guest mode no L2 state is restored and nothing is
//! checked beyond the header.

use super::container::{Container, Vendor};
use super::error::StateError;
use super::kvm::{vmcs12_of, KvmHeader, KvmNestedState, INVALID_GPA};
use crate::engine::bytes::le_u64;
use crate::engine::rule::{ClassModes, Outcome};
use crate::engine::svm::{
    check_entry, EntryKind, Features, SvmCaps, SvmRule, Vmcb12, VmrunOperand,
};
use crate::engine::vmx::{bits::exit, check_vmx_entry, L1Env, VmxRule};

/// SVM's `l1-caps` payload: the hook ABI's `struct nestvirt_svm_l1`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SvmL1 {
    /// `NESTVIRT_SVM_F_*` bits L1 may use.
    pub features: u64,
    /// L1's VM_HSAVE_PA.
    pub hsave_pa: u64,
    /// L1's MAXPHYADDR.
    pub maxphyaddr: u8,
    /// L1's CPL.
    pub cpl: u8,
}

impl SvmL1 {
    /// Its size in bytes, as in the hook ABI.
    pub const BYTES: usize = 24;

    /// What a vCPU with `caps`, VM_HSAVE_PA `hsave_pa` and CPL `cpl` has.
    pub fn new(caps: SvmCaps, hsave_pa: u64, cpl: u8) -> Self {
        Self {
            features: caps.features.0,
            hsave_pa,
            maxphyaddr: caps.maxphyaddr,
            cpl,
        }
    }

    /// Reads the little-endian layout; `None` unless exactly 24 bytes with
    /// the reserved ones (18 to 23) zero.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let reserved = b.get(18..).is_some_and(|r| r.iter().any(|&x| x != 0));
        (b.len() == Self::BYTES && !reserved).then(|| Self {
            features: le_u64(b, 0),
            hsave_pa: le_u64(b, 8),
            maxphyaddr: b.get(16).copied().unwrap_or(0),
            cpl: b.get(17).copied().unwrap_or(0),
        })
    }

    /// Writes the little-endian layout.
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut b = [0u8; Self::BYTES];
        b[..8].copy_from_slice(&self.features.to_le_bytes());
        b[8..16].copy_from_slice(&self.hsave_pa.to_le_bytes());
        b[16] = self.maxphyaddr;
        b[17] = self.cpl;
        b
    }

    /// The capabilities the SVM checks read.
    pub fn caps(&self) -> SvmCaps {
        SvmCaps {
            maxphyaddr: self.maxphyaddr,
            features: Features(self.features),
        }
    }
}

/// What the catalogue decided on a container's state.
#[derive(Clone, Copy, Debug)]
pub enum Checked {
    /// Not in guest mode: no vmcb12/vmcs12 is restored.
    NoGuestState,
    /// The SVM rules on the restored vmcb12 controls.
    Svm(Outcome<SvmRule>),
    /// The VMX rules on the restored vmcs12.
    Vmx(Outcome<VmxRule>),
}

impl Checked {
    /// The first failure of an enforced class, by its ID.
    pub fn enforced_id(&self) -> Option<&'static str> {
        use crate::engine::rule::Rule;
        match self {
            Self::NoGuestState => None,
            Self::Svm(o) => o.enforced.map(|r| r.info().id),
            Self::Vmx(o) => o.enforced.map(|r| r.info().id),
        }
    }
}

/// Checks the KVM nested state in `c` (its header, then in guest mode the
/// vmcb12/vmcs12 with the catalogue under `modes`) against the L1 `c`
/// records.
pub fn check_container(c: &Container<'_>, modes: ClassModes) -> Result<Checked, StateError> {
    check_state(c.vendor, c.kvm_state, c.l1_caps, modes)
}

/// Checks `kvm_state`, KVM's nested state of `vendor` (its header, then in
/// guest mode the vmcb12/vmcs12 with the catalogue under `modes`), against
/// `l1_caps`, an `l1-caps` payload: the container's own offline, the
/// destination vCPU's in `NESTVIRT_SET_STATE`.
pub fn check_state(
    vendor: Vendor,
    kvm_state: &[u8],
    l1_caps: &[u8],
    modes: ClassModes,
) -> Result<Checked, StateError> {
    let state = KvmNestedState::parse(kvm_state, vendor)?;
    let svm_l1 = || {
        SvmL1::from_bytes(l1_caps).ok_or(if l1_caps.len() == SvmL1::BYTES {
            StateError::Reserved
        } else {
            StateError::SectionSize
        })
    };
    let vmx_env = || L1Env::from_bytes(l1_caps).ok_or(StateError::SectionSize);
    let maxphyaddr = match vendor {
        Vendor::Svm => svm_l1()?.maxphyaddr,
        Vendor::Vmx => vmx_env()?.maxphyaddr,
    };
    addresses_within(&state, maxphyaddr)?;
    if !state.guest_mode() {
        return Ok(Checked::NoGuestState);
    }
    match vendor {
        Vendor::Svm => {
            let l1 = svm_l1()?;
            let page = state.state_page().ok_or(StateError::KvmSize)?;
            let vmcb = Vmcb12::view(page).ok_or(StateError::KvmSize)?;
            // No VMRUN executes on a restore: its operand is not checked.
            // KVM checks the controls and, as VMRUN checks L2's, the save
            // area, which is L1's here (nested_vmcb_check_save()): the
            // save and control classes, as on the return from SMM.
            let op = VmrunOperand::default();
            let kind = EntryKind::Rsm;
            Ok(Checked::Svm(check_entry(
                kind,
                &op,
                &vmcb,
                &l1.caps(),
                modes,
            )))
        }
        Vendor::Vmx => {
            let env = vmx_env()?;
            let vmcs = vmcs12_of(state.data);
            let mut ctx = env.context();
            ctx.l1_efer_lma = vmcs.vm_exit_controls() & exit::HOST_ADDR_SPACE_SIZE != 0;
            ctx.in_smm = false;
            // KVM made the restored vmcs12 current before it checks it.
            if let KvmHeader::Vmx { vmcs12_pa, .. } = state.header {
                ctx.current_vmcs_ptr = vmcs12_pa;
            }
            Ok(Checked::Vmx(check_vmx_entry(
                &vmcs,
                &env.caps(),
                &ctx,
                modes,
            )))
        }
    }
}

/// KVM's `page_address_valid()` on the header's addresses, against the
/// vCPU's MAXPHYADDR: the SVM vmcb12 address in guest mode
/// (`svm_set_nested_state()`), the VMX VMXON and vmcs12 addresses when
/// given (`vmx_set_nested_state()`, which checks the vmcs12 address only
/// after it left VMX operation: checked here, it refuses before anything
/// changes). Alignment was checked with the header.
fn addresses_within(state: &KvmNestedState<'_>, maxphyaddr: u8) -> Result<(), StateError> {
    let beyond = |pa: u64| maxphyaddr < 64 && pa >> maxphyaddr != 0;
    let bad = match state.header {
        KvmHeader::Svm { vmcb_pa, .. } => state.guest_mode() && beyond(vmcb_pa),
        KvmHeader::Vmx {
            vmxon_pa,
            vmcs12_pa,
            ..
        } => {
            (vmxon_pa != INVALID_GPA && beyond(vmxon_pa))
                || (vmcs12_pa != INVALID_GPA && beyond(vmcs12_pa))
        }
    };
    if bad {
        return Err(StateError::KvmHeader);
    }
    Ok(())
}
