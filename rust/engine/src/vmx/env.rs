// SPDX-License-Identifier: GPL-2.0

//! What every check reads: the snapshot, the capability MSRs and the
//! context, with the derived facts several checks share.

use super::bits::basic;
use super::bits::entry;
use super::bits::exit;
use super::bits::proc;
use super::bits::proc2;
use super::caps::VmxCaps;
use super::caps::VmxContext;
use super::vmcs12::Vmcs12;

/// The inputs of one validation.
pub(crate) struct Env<'a> {
    /// The vmcs12 snapshot.
    pub vmcs: &'a Vmcs12,
    /// L1's capability MSRs.
    pub caps: &'a VmxCaps,
    /// L1's state and memory-derived facts.
    pub ctx: &'a VmxContext,
}

impl Env<'_> {
    /// The secondary processor-based controls in effect: 0 unless
    /// "activate secondary controls" is 1.
    pub fn proc2(&self) -> u32 {
        if self.vmcs.cpu_based_vm_exec_control() & proc::ACTIVATE_SECONDARY != 0 {
            self.vmcs.secondary_vm_exec_control()
        } else {
            0
        }
    }

    /// Whether the secondary control `bit` is in effect.
    pub fn has2(&self, bit: u32) -> bool {
        self.proc2() & bit != 0
    }

    /// Whether "unrestricted guest" is in effect.
    pub fn unrestricted(&self) -> bool {
        self.has2(proc2::UNRESTRICTED_GUEST)
    }

    /// Whether the "IA-32e mode guest" VM-entry control is 1.
    pub fn ia32e_guest(&self) -> bool {
        self.vmcs.vm_entry_controls() & entry::IA32E_MODE != 0
    }

    /// Whether the "host address-space size" VM-exit control is 1.
    pub fn host_64bit(&self) -> bool {
        self.vmcs.vm_exit_controls() & exit::HOST_ADDR_SPACE_SIZE != 0
    }

    /// Whether `addr`, the address of a VMX structure, sets bits beyond the
    /// physical-address width (bits 63:32 too if IA32_VMX_BASIC bit 48).
    pub fn structure_addr_beyond(&self, addr: u64) -> bool {
        beyond(u128::from(addr), self.structure_width())
    }

    /// The physical-address width that bounds VMX structures.
    pub fn structure_width(&self) -> u8 {
        if self.caps.basic & basic::PHYS_ADDR_32BIT != 0 {
            self.ctx.maxphyaddr.min(32)
        } else {
            self.ctx.maxphyaddr
        }
    }

    /// Whether the physical address `addr` sets bits beyond MAXPHYADDR.
    pub fn phys_beyond(&self, addr: u64) -> bool {
        beyond(u128::from(addr), self.ctx.maxphyaddr)
    }

    /// Whether `addr` is canonical for L1's linear-address width.
    pub fn canonical(&self, addr: u64) -> bool {
        is_canonical(addr, self.ctx.linear_address_bits)
    }

    /// Whether bits 63:N of `addr` are identical, N being L1's
    /// linear-address width (one bit looser than canonical).
    pub fn high_bits_identical(&self, addr: u64) -> bool {
        is_canonical(addr, self.ctx.linear_address_bits.saturating_add(1))
    }
}

/// Whether `value` sets bits at or above bit `width`.
pub(crate) fn beyond(value: u128, width: u8) -> bool {
    value.checked_shr(u32::from(width)).unwrap_or(0) != 0
}

/// Whether `addr` is canonical for `bits` linear-address bits: bits 63 to
/// `bits - 1` all equal.
pub(crate) fn is_canonical(addr: u64, bits: u8) -> bool {
    let shift = 64 - u32::from(bits.clamp(1, 64));
    // Reinterpreting as i64 makes the right shift sign-extending.
    let extended = ((addr << shift) as i64 >> shift) as u64;
    extended == addr
}

/// Whether `value` is a valid IA32_PAT: each byte one of 0, 1, 4, 5, 6, 7.
pub(crate) fn pat_valid(value: u64) -> bool {
    value
        .to_le_bytes()
        .iter()
        .all(|t| matches!(t, 0 | 1 | 4 | 5 | 6 | 7))
}

/// Whether a VMX structure address at `addr` with `count` 16-byte entries
/// ends beyond `width`: the address of its last byte, computed wider than
/// the physical-address width as the SDM says.
pub(crate) fn area_end_beyond(addr: u64, count: u32, width: u8) -> bool {
    let end = u128::from(addr) + u128::from(count) * 16;
    beyond(end.saturating_sub(1), width)
}
