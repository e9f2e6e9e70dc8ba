// SPDX-License-Identifier: GPL-2.0

//! VMX APIC virtualization, the pure model (issue 13, engine part): what the
//! SDM's chapter "APIC Virtualization and Virtual Interrupts" (Vol. 3C,
//! chapter 30 in recent editions, 29 in older ones) has the processor do
//! to the virtual-APIC page and the guest interrupt status, step by step,
//! as functions over them. It is what an L0 without APICv must do for an
//! L2 whose L1 turned the controls on, and what nestvirt checks an L0 with
//! APICv against.
//!
//! - [`page`]: the virtual-APIC page ([`ApicPage`]: any 4-KiB store) and its
//!   256-bit vector arrays (VIRR, VISR, VTMR).
//! - [`virt`]: the controls, the guest interrupt status (RVI, SVI) and the
//!   pseudocode of TPR, PPR, EOI and self-IPI virtualization, evaluation of
//!   pending virtual interrupts and virtual-interrupt delivery.
//! - [`access`]: MOV to/from CR8, memory-mapped accesses to the APIC-access
//!   page (virtualized, or an APIC-access VM exit), APIC-write emulation,
//!   and RDMSR/WRMSR of the x2APIC range.
//! - [`posted`]: posted-interrupt processing on the descriptor.
//!
//! Every function returns what the SDM says happens next ([`Outcome`]): L2
//! continues, a VM exit to L1 (with its reason and qualification), or a
//! fault in L2; none panics, whatever the page or the controls hold.

pub mod access;
pub mod page;
pub mod posted;
pub mod virt;

pub use page::ApicPage;
pub use virt::{Controls, Outcome, VirtualApic};
