// SPDX-License-Identifier: GPL-2.0

//! The entry points: what nested VMRUN checks, in the order it checks.
//!
//! 1. [`check_vmrun`]: the instruction's own checks (#GP), before the VMCB
//!    is read.
//! 2. [`validate`]: the vmcb12 snapshot. The save area first, then the
//!    control area, as KVM 7.3.4's `nested_svm_check_cached_vmcb12()`
//!    does; every failure is `#VMEXIT(VMEXIT_INVALID)`.
//! 3. [`check_vmcb02_intercepts`](super::check_vmcb02_intercepts): after
//!    KVM built vmcb02, before L2 runs.
//!
//! The catalogue order of [`SvmRule`] is this order, so the first failure
//! reported by a [`FirstFailure`](crate::engine::rule::FirstFailure) sink
//! is the first rule of the full [`RuleSet`](crate::engine::rule::RuleSet).

use core::ops::ControlFlow;

use super::caps::{SvmCaps, VmrunOperand};
use super::check_controls::check_controls;
use super::check_save::check_save;
use super::layout::{control, save, Field};
use super::rules::SvmRule;
use super::vmcb12::{Vmcb12, VmcbBytes};
use crate::engine::rule::{cc, Verdicts};

/// Checks the VMRUN instruction itself: CPL, the host save area and the
/// VMCB address in rAX. Failures raise #GP(0).
pub fn check_vmrun(
    op: &VmrunOperand,
    caps: &SvmCaps,
    v: &mut impl Verdicts<SvmRule>,
) -> ControlFlow<()> {
    cc!(v, SvmRule::VmrunCpl, op.cpl != 0);
    cc!(v, SvmRule::VmrunHsave, op.hsave_pa == 0);
    cc!(v, SvmRule::VmrunRaxAlign, op.rax & 0xfff != 0);
    cc!(v, SvmRule::VmrunRaxMaxphyaddr, !caps.legal_pa(op.rax));
    ControlFlow::Continue(())
}

/// Checks a vmcb12 snapshot: every VMRUN consistency check on guest state
/// and controls. Failures are `#VMEXIT(VMEXIT_INVALID)`.
pub fn validate(
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    v: &mut impl Verdicts<SvmRule>,
) -> ControlFlow<()> {
    check_save(vmcb, caps, v)?;
    check_controls(vmcb, caps, v)
}

/// [`check_vmrun`], then [`validate`]: everything VMRUN checks before
/// entering the guest.
pub fn validate_vmrun(
    op: &VmrunOperand,
    vmcb: &Vmcb12<impl VmcbBytes>,
    caps: &SvmCaps,
    v: &mut impl Verdicts<SvmRule>,
) -> ControlFlow<()> {
    check_vmrun(op, caps, v)?;
    validate(vmcb, caps, v)
}

/// Every vmcb12 field [`validate`] and
/// [`check_vmcb02_intercepts`](super::check_vmcb02_intercepts) read: what
/// the kernel glue must copy into a [`Vmcb12`] built field by field. Of CS
/// only the attributes are read.
pub const FIELDS_READ: &[Field] = &[
    control::INTERCEPTS,
    control::IOPM_BASE_PA,
    control::MSRPM_BASE_PA,
    control::ASID,
    control::TLB_CTL,
    control::ERAP_CTL,
    control::INT_CTL,
    control::INT_VECTOR,
    control::MISC_CTL,
    control::EVENT_INJ,
    control::NESTED_CR3,
    control::MISC_CTL2,
    save::CS,
    save::EFER,
    save::CR4,
    save::CR3,
    save::CR0,
    save::DR7,
    save::DR6,
    save::S_CET,
    save::G_PAT,
];

/// The vmcb12 fields [`check_vmcb02_intercepts`](super::check_vmcb02_intercepts)
/// reads, of [`FIELDS_READ`]: what the kernel glue lays out again, from the
/// caches KVM built vmcb02 from, for the vmcb02 check.
pub const VMCB02_FIELDS_READ: &[Field] =
    &[control::INTERCEPTS, control::MISC_CTL, control::MISC_CTL2];
