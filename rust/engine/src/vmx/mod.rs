// SPDX-License-Identifier: GPL-2.0

//! The VMX engine: the vmcs12 model, L1's VMX capabilities, and the
//! catalogue of VM-entry checks with their evaluation.
//!
//! The kernel side snapshots vmcs12, then calls [`validate()`] (or a
//! [`Validator`] kept per vmcs12) with L1's [`VmxCaps`] and a
//! [`VmxContext`], and maps the first failing [`VmxRule`] to its
//! [`Consequence`](crate::engine::rule::Consequence). MSR-list entries are
//! checked one by one with [`check_msr_entry()`] as they are read.
//! [`check_vmx_entry()`] is what the kernel hook decides on one entry.

mod baseline;
pub mod bits;
mod caps;
mod check_controls;
mod check_guest;
mod check_guest_seg;
mod check_host;
mod check_msr_list;
mod entry;
mod env;
mod fields;
mod l1_env;
mod memo;
mod msr_fields;
mod rules;
mod segment;
mod validate;
mod vmcs12;

pub use baseline::baseline_caps;
pub use baseline::baseline_context;
pub use baseline::baseline_vmcs12;
pub use caps::AllowedControls;
pub use caps::L1Features;
pub use caps::VmxCaps;
pub use caps::VmxContext;
pub use check_msr_list::check_msr_entry;
pub use check_msr_list::check_msr_list;
pub use check_msr_list::decide_msr_entry;
pub use check_msr_list::msr_access_rule;
pub use check_msr_list::L1Msrs;
pub use check_msr_list::MsrEntry;
pub use check_msr_list::MsrList;
pub use check_msr_list::MsrListFailure;
pub use entry::check_vmx_entry;
pub use entry::EntryFailure;
pub use entry::EXIT_REASON_INVALID_STATE;
pub use entry::VMXERR_INVALID_CONTROL;
pub use entry::VMXERR_INVALID_HOST_STATE;
pub use fields::Field;
pub use fields::Group;
pub use fields::Width;
pub use fields::NON_FIELD_MEMBERS;
pub use l1_env::L1Env;
pub use memo::VmxMemo;
pub use memo::IMAGE_BYTES as MEMO_IMAGE_BYTES;
pub use rules::VmxClass;
pub use rules::VmxRule;
pub use validate::all_failures;
pub use validate::first_failure;
pub use validate::validate;
pub use validate::Validator;
pub use vmcs12::AccessError;
pub use vmcs12::Component;
pub use vmcs12::Vmcs12;
