// SPDX-License-Identifier: GPL-2.0

//! L2's accesses to its local APIC with the APIC-virtualization controls
//! on: MOV to/from CR8 ("Virtualizing CR8-Based TPR Accesses"), reads and
//! writes of the APIC-access page ("Virtualizing Memory-Mapped APIC
//! Accesses", with APIC-write emulation) and RDMSR/WRMSR of 800H-8FFH
//! ("Virtualizing MSR-Based APIC Accesses").

use super::{
    page::{self, ApicPage},
    virt::{Controls, Outcome, VirtualApic, EXIT_APIC_ACCESS, EXIT_APIC_WRITE},
};

/// APIC-access exit qualification, bits 15:12: the access type.
pub const ACCESS_LINEAR_READ: u64 = 0 << 12;
pub const ACCESS_LINEAR_WRITE: u64 = 1 << 12;

/// MOV from CR8: bits 3:0 of the destination are VTPR[7:4], the rest 0.
pub fn mov_from_cr8<P: ApicPage>(vapic: &VirtualApic<P>) -> u64 {
    u64::from(vapic.vtpr() >> 4)
}

/// MOV to CR8 with the TPR shadow: VTPR[7:4] := value[3:0], the rest of
/// VTPR (bits 3:0 and 31:8) cleared, then TPR virtualization. A value
/// with bits 63:4 set faults (#GP), as MOV to CR8 does outside VMX.
pub fn mov_to_cr8<P: ApicPage>(vapic: &mut VirtualApic<P>, ctl: &Controls, value: u64) -> Outcome {
    if value > 0xf {
        return Outcome::GeneralProtection;
    }
    vapic.page.write32(page::TPR, (value as u32) << 4);
    vapic.tpr_virtualization(ctl)
}

/// Whether an access of `size` bytes at `offset` on the APIC-access page
/// can be virtualized at all: the TPR shadow on, at most 32 bits, and
/// entirely within the low 4 bytes of a naturally aligned 16-byte
/// region. (Instruction fetches, and a second access by an operation that
/// already had a write virtualized, always exit; the caller knows those.
/// Offsets past the page match no register of the lists, so they exit.)
fn virtualizable(ctl: &Controls, offset: u16, size: u16) -> bool {
    ctl.use_tpr_shadow && (1..=4).contains(&size) && (offset & 0xf) + size <= 4
}

/// Whether a read of the register at 16-byte aligned `reg` is virtualized
/// with "APIC-register virtualization" 1 (the SDM's list: ID, version,
/// TPR, EOI, LDR, DFR, SVR, ISR, TMR, IRR, ESR, ICR, LVT, initial count,
/// divide configuration).
fn readable(reg: u16) -> bool {
    matches!(reg,
        page::ID | page::VERSION | page::TPR | page::EOI | page::LDR | page::DFR | page::SVR
        | 0x100..=0x270 | page::ESR | page::ICR_LO | page::ICR_HI
        | page::LVT_TIMER..=page::LVT_ERROR | page::TIMER_INITIAL | page::TIMER_DIVIDE)
}

/// Whether a write of the register at `reg` is virtualized, by the
/// controls: TPR only with neither APIC-register virtualization nor
/// virtual-interrupt delivery; TPR, EOI and ICR low with virtual-interrupt
/// delivery alone; with APIC-register virtualization the SDM's list (ID,
/// TPR, EOI, LDR, DFR, SVR, ESR, ICR, LVT, initial count, divide
/// configuration).
fn writable(ctl: &Controls, reg: u16) -> bool {
    if ctl.apic_register_virtualization {
        matches!(
            reg,
            page::ID
                | page::TPR
                | page::EOI
                | page::LDR
                | page::DFR
                | page::SVR
                | page::ESR
                | page::ICR_LO
                | page::ICR_HI
                | page::LVT_TIMER
                ..=page::LVT_ERROR | page::TIMER_INITIAL | page::TIMER_DIVIDE
        )
    } else if ctl.virtual_interrupt_delivery {
        matches!(reg, page::TPR | page::EOI | page::ICR_LO)
    } else {
        reg == page::TPR
    }
}

/// A linear read of `size` bytes at `offset` on the APIC-access page:
/// `Ok(value)` (the bytes at that offset of the virtual-APIC page, low
/// bytes first) when virtualized, else the APIC-access VM exit
/// (qualification: the offset and "linear read").
pub fn mmio_read<P: ApicPage>(
    vapic: &VirtualApic<P>,
    ctl: &Controls,
    offset: u16,
    size: u16,
) -> Result<u32, Outcome> {
    let reg = offset & !0xf;
    let allowed = if ctl.apic_register_virtualization {
        readable(reg)
    } else {
        reg == page::TPR
    };
    if !virtualizable(ctl, offset, size) || !allowed {
        return Err(Outcome::exit(
            EXIT_APIC_ACCESS,
            u64::from(offset) | ACCESS_LINEAR_READ,
        ));
    }
    let word = vapic.page.read32(reg) >> (8 * (offset & 3));
    Ok(if size == 4 {
        word
    } else {
        word & ((1 << (8 * size)) - 1)
    })
}

/// A linear write of `size` bytes of `value` at `offset` on the
/// APIC-access page: when virtualized, the bytes are written to the
/// virtual-APIC page and APIC-write emulation follows (its outcome is
/// returned); otherwise the APIC-access VM exit, nothing written.
pub fn mmio_write<P: ApicPage>(
    vapic: &mut VirtualApic<P>,
    ctl: &Controls,
    offset: u16,
    size: u16,
    value: u32,
) -> Outcome {
    let reg = offset & !0xf;
    if !virtualizable(ctl, offset, size) || !writable(ctl, reg) {
        return Outcome::exit(EXIT_APIC_ACCESS, u64::from(offset) | ACCESS_LINEAR_WRITE);
    }
    let shift = 8 * (offset & 3);
    let mask = if size == 4 {
        u32::MAX
    } else {
        ((1u32 << (8 * size)) - 1) << shift
    };
    let old = vapic.page.read32(reg);
    vapic
        .page
        .write32(reg, (old & !mask) | ((value << shift) & mask));
    apic_write_emulation(vapic, ctl, reg)
}

/// Whether VICR_LO asks for a self-IPI that virtual-interrupt delivery
/// virtualizes: reserved bits (31:20, 17:16, 13), delivery status (12)
/// and trigger mode (15) 0, delivery mode (10:8) fixed, destination
/// shorthand (19:18) self, and a vector of 16 or more.
pub fn is_virtualized_self_ipi(icr_lo: u32) -> bool {
    const MUST_BE_ZERO: u32 = 0xfff3_b700;
    icr_lo & MUST_BE_ZERO == 0 && (icr_lo >> 18) & 3 == 1 && icr_lo & 0xf0 != 0
}

/// APIC-write emulation after a virtualized write to the register at
/// `reg`: TPR: bytes 81H-83H cleared, TPR virtualization; EOI: EOI
/// virtualization with virtual-interrupt delivery, else an APIC-write VM
/// exit; ICR low: self-IPI virtualization for a virtualized self-IPI with
/// virtual-interrupt delivery, else an APIC-write VM exit; ICR high: bytes
/// 2:0 cleared, nothing else; any other offset: an APIC-write VM exit
/// (qualification: the offset). The exits are trap-like.
pub fn apic_write_emulation<P: ApicPage>(
    vapic: &mut VirtualApic<P>,
    ctl: &Controls,
    reg: u16,
) -> Outcome {
    let apic_write = Outcome::exit(EXIT_APIC_WRITE, u64::from(reg));
    match reg {
        page::TPR => {
            let vtpr = vapic.page.read32(page::TPR) & 0xff;
            vapic.page.write32(page::TPR, vtpr);
            vapic.tpr_virtualization(ctl)
        }
        page::EOI if ctl.virtual_interrupt_delivery => vapic.eoi_virtualization(ctl),
        page::ICR_LO => {
            let icr = vapic.page.read32(page::ICR_LO);
            if ctl.virtual_interrupt_delivery && is_virtualized_self_ipi(icr) {
                vapic.self_ipi_virtualization(ctl, icr.to_le_bytes()[0])
            } else {
                apic_write
            }
        }
        page::ICR_HI => {
            let hi = vapic.page.read32(page::ICR_HI) & 0xff00_0000;
            vapic.page.write32(page::ICR_HI, hi);
            Outcome::Continue
        }
        _ => apic_write,
    }
}

/// The page offset of x2APIC MSR `msr` (800H-8FFH): (ECX & FFH) << 4.
fn x2apic_offset(msr: u32) -> u16 {
    ((msr & 0xff) as u16) << 4
}

/// RDMSR of `msr` with "virtualize x2APIC mode": `Some(EDX:EAX)` when
/// virtualized (the 8 bytes at the register's offset on the virtual-APIC
/// page: any of 800H-8FFH with APIC-register virtualization, else 808H
/// only), `None` when the instruction operates normally.
pub fn rdmsr<P: ApicPage>(vapic: &VirtualApic<P>, ctl: &Controls, msr: u32) -> Option<u64> {
    if !ctl.virtualize_x2apic_mode || !(0x800..=0x8ff).contains(&msr) {
        return None;
    }
    if msr != 0x808 && !ctl.apic_register_virtualization {
        return None;
    }
    let off = x2apic_offset(msr);
    Some(u64::from(vapic.page.read32(off)) | u64::from(vapic.page.read32(off + 4)) << 32)
}

/// WRMSR of `value` to `msr` with "virtualize x2APIC mode": `Some(outcome)`
/// when virtualized, `None` when the instruction operates normally. 808H
/// (TPR): bits 63:8 set fault, else the 8 bytes at 80H take the value and
/// TPR virtualization follows. With virtual-interrupt delivery, 80BH
/// (EOI): a non-zero value faults, else EOI virtualization; 83FH (SELF
/// IPI): bits 63:8 set fault, else the value lands at 3F0H and a vector
/// of 16 or more is self-IPI virtualized, a lower one is an APIC-write VM
/// exit (qualification 3F0H).
pub fn wrmsr<P: ApicPage>(
    vapic: &mut VirtualApic<P>,
    ctl: &Controls,
    msr: u32,
    value: u64,
) -> Option<Outcome> {
    if !ctl.virtualize_x2apic_mode {
        return None;
    }
    let vid = ctl.virtual_interrupt_delivery;
    Some(match msr {
        0x808 if value >> 8 != 0 => Outcome::GeneralProtection,
        0x808 => {
            vapic.page.write32(page::TPR, value as u32);
            vapic.page.write32(page::TPR + 4, 0);
            vapic.tpr_virtualization(ctl)
        }
        0x80b if vid && value != 0 => Outcome::GeneralProtection,
        0x80b if vid => vapic.eoi_virtualization(ctl),
        0x83f if vid && value >> 8 != 0 => Outcome::GeneralProtection,
        0x83f if vid => {
            vapic.page.write32(page::SELF_IPI, value as u32);
            vapic.page.write32(page::SELF_IPI + 4, 0);
            let vector = value as u8;
            if vector >= 16 {
                vapic.self_ipi_virtualization(ctl, vector)
            } else {
                Outcome::exit(EXIT_APIC_WRITE, u64::from(page::SELF_IPI))
            }
        }
        _ => return None,
    })
}
