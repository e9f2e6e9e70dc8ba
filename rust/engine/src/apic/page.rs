// SPDX-License-Identifier: GPL-2.0

//! The virtual-APIC page: the registers the SDM names "virtual" (VTPR,
//! VPPR, VEOI, VISR, VTMR, VIRR, VICR) at the offsets of the local APIC's
//! xAPIC page (SDM "Virtual-APIC Page").

/// Bytes in the virtual-APIC page.
pub const PAGE_SIZE: usize = 4096;

/// Offsets of the registers the model touches.
pub const ID: u16 = 0x020;
pub const VERSION: u16 = 0x030;
pub const TPR: u16 = 0x080;
pub const PPR: u16 = 0x0a0;
pub const EOI: u16 = 0x0b0;
pub const LDR: u16 = 0x0d0;
pub const DFR: u16 = 0x0e0;
pub const SVR: u16 = 0x0f0;
pub const ISR: u16 = 0x100;
pub const TMR: u16 = 0x180;
pub const IRR: u16 = 0x200;
pub const ESR: u16 = 0x280;
pub const LVT_CMCI: u16 = 0x2f0;
pub const ICR_LO: u16 = 0x300;
pub const ICR_HI: u16 = 0x310;
pub const LVT_TIMER: u16 = 0x320;
pub const LVT_ERROR: u16 = 0x370;
pub const TIMER_INITIAL: u16 = 0x380;
pub const TIMER_CURRENT: u16 = 0x390;
pub const TIMER_DIVIDE: u16 = 0x3e0;
/// x2APIC SELF IPI (MSR 83FH), at its place in the page.
pub const SELF_IPI: u16 = 0x3f0;

/// A 4-KiB virtual-APIC page. The model reads and writes it through these
/// two methods only, 32 bits at a 4-byte aligned offset, so the kernel can
/// back it by a mapped guest page and the tests by an array.
pub trait ApicPage {
    /// The 32 bits at `offset` (4-byte aligned, below 4096).
    fn read32(&self, offset: u16) -> u32;
    /// Writes the 32 bits at `offset` (4-byte aligned, below 4096).
    fn write32(&mut self, offset: u16, value: u32);
}

impl ApicPage for [u8; PAGE_SIZE] {
    fn read32(&self, offset: u16) -> u32 {
        let o = usize::from(offset & 0xffc);
        u32::from_le_bytes([self[o], self[o + 1], self[o + 2], self[o + 3]])
    }

    fn write32(&mut self, offset: u16, value: u32) {
        let o = usize::from(offset & 0xffc);
        self[o..o + 4].copy_from_slice(&value.to_le_bytes());
    }
}

/// The 32-bit register of a 256-bit vector array (VIRR, VISR, VTMR at
/// `base`) that holds `vector`, and its bit there: vector V is bit V & 31
/// of the register at base + 10H * (V / 32).
fn vector_slot(base: u16, vector: u8) -> (u16, u32) {
    (base + 0x10 * u16::from(vector / 32), 1 << (vector % 32))
}

/// Whether `vector`'s bit is set in the array at `base`.
pub fn test_vector(page: &impl ApicPage, base: u16, vector: u8) -> bool {
    let (reg, bit) = vector_slot(base, vector);
    page.read32(reg) & bit != 0
}

/// Sets (`on`) or clears `vector`'s bit in the array at `base`.
pub fn set_vector(page: &mut impl ApicPage, base: u16, vector: u8, on: bool) {
    let (reg, bit) = vector_slot(base, vector);
    let old = page.read32(reg);
    page.write32(reg, if on { old | bit } else { old & !bit });
}

/// The highest vector whose bit is set in the array at `base`, if any.
pub fn highest_vector(page: &impl ApicPage, base: u16) -> Option<u8> {
    (0..8u8).rev().find_map(|n| {
        let word = page.read32(base + 0x10 * u16::from(n));
        (word != 0).then(|| n * 32 + (31 - word.leading_zeros()) as u8)
    })
}
