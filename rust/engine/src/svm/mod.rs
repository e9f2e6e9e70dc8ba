// SPDX-License-Identifier: GPL-2.0

//! AMD SVM: the vmcb12 model and the VMRUN rule catalogue.
//!
//! - [`layout`]: the VMCB as declarative tables, frozen against
//!   `arch/x86/include/asm/svm.h`.
//! - [`Vmcb12`]: a snapshot of the page L1 passed to VMRUN, with typed
//!   accessors and setters (a builder for the kernel glue).
//! - [`SvmCaps`]: what L1 sees (MAXPHYADDR, CPUID features).
//! - [`SvmRule`]: the catalogue, with [`SvmRule::source`] saying whether
//!   KVM 7.3.4 makes each check.
//! - [`check_vmrun`], [`validate`], [`check_vmcb02_intercepts`]: the
//!   checks, one `cc!` line per rule.
//! - [`check_entry`], [`check_vmcb02_entry`]: what the kernel hook decides
//!   on a nested entry, class modes applied.

pub mod bits;
pub mod caps;
mod check_controls;
mod check_save;
mod entry;
pub mod layout;
pub mod rules;
pub mod sample;
mod validate;
mod vmcb02;
mod vmcb12;

pub use caps::{Features, SvmCaps, VmrunOperand};
pub use check_controls::check_controls;
pub use check_save::check_save;
pub use entry::{check_entry, check_vmcb02_entry, EntryKind};
pub use rules::{KvmCheck, RuleSource, SvmClass, SvmRule};
pub use validate::{check_vmrun, validate, validate_vmrun, FIELDS_READ, VMCB02_FIELDS_READ};
pub use vmcb02::{
    check_vmcb02_intercepts, l1_intercepts, required_vmcb02_intercepts, virtual_vmload_vmsave,
};
pub use vmcb12::{Intercepts, Seg, SegReg, Vmcb12, VmcbBytes};
