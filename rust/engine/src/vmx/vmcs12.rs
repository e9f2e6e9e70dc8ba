// SPDX-License-Identifier: GPL-2.0

//! The vmcs12 snapshot: the 4 KiB page KVM keeps for L1's current VMCS
//! (and carries in `KVM_GET_NESTED_STATE`), with typed access by
//! [`Field`] and VMREAD/VMWRITE-style access by encoding.
//!
//! Checks run on a snapshot, never on memory L1 can still write.

use super::fields::Field;
use super::fields::Group;
use super::fields::Width;

/// Copies `N` bytes at `off` out of the page; out-of-range reads yield
/// zeroes (they cannot happen: every field offset is checked at build time).
#[inline(always)]
pub(crate) fn bytes_at<const N: usize>(bytes: &[u8; Vmcs12::SIZE], off: usize) -> [u8; N] {
    match off.checked_add(N).and_then(|end| bytes.get(off..end)) {
        Some(src) => <[u8; N]>::try_from(src).unwrap_or([0; N]),
        None => [0; N],
    }
}

/// Why a VMREAD or VMWRITE by encoding fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessError {
    /// VM-instruction error 12: no field has this encoding in vmcs12.
    UnsupportedComponent,
    /// VM-instruction error 13: VMWRITE to a read-only field without
    /// IA32_VMX_MISC bit 29.
    ReadOnlyComponent,
}

impl AccessError {
    /// The VM-instruction error number VMREAD/VMWRITE reports.
    pub const fn vm_instruction_error(self) -> u32 {
        match self {
            Self::UnsupportedComponent => 12,
            Self::ReadOnlyComponent => 13,
        }
    }
}

/// A field and the part of it an encoding names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Component {
    /// The field.
    pub field: Field,
    /// Whether the encoding is the high access (bit 0 set) to bits 63:32 of
    /// a 64-bit field.
    pub high: bool,
}

impl Component {
    /// Decodes a VMREAD/VMWRITE encoding: bits 31:15 must be 0; bit 0 set
    /// names the high half of a 64-bit field, and is invalid for any
    /// other width.
    pub fn decode(encoding: u64) -> Result<Self, AccessError> {
        let enc = u32::try_from(encoding).map_err(|_| AccessError::UnsupportedComponent)?;
        let field = Field::from_encoding(enc & !1).ok_or(AccessError::UnsupportedComponent)?;
        let high = enc & 1 != 0;
        if high && field.width() != Width::U64 {
            return Err(AccessError::UnsupportedComponent);
        }
        Ok(Self { field, high })
    }
}

/// A copy of L1's vmcs12 page.
///
/// # Invariants
///
/// Always exactly [`Vmcs12::SIZE`] bytes; any content is valid.
///
/// Transparent over the page, alignment 1: the kernel side reads KVM's
/// cached vmcs12 in place as a `&Vmcs12`, without a 4 KiB copy on the
/// stack of every nested entry.
#[derive(Clone, PartialEq, Eq)]
#[repr(transparent)]
pub struct Vmcs12 {
    bytes: [u8; Vmcs12::SIZE],
}

impl core::fmt::Debug for Vmcs12 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Vmcs12")
            .field("revision_id", &self.revision_id())
            .finish_non_exhaustive()
    }
}

impl Default for Vmcs12 {
    fn default() -> Self {
        Self::zeroed()
    }
}

impl Vmcs12 {
    /// Size of the vmcs12 page (`VMCS12_SIZE`,
    /// `KVM_STATE_NESTED_VMX_VMCS_SIZE`).
    pub const SIZE: usize = 4096;

    /// A page of zeroes.
    pub const fn zeroed() -> Self {
        Self {
            bytes: [0; Self::SIZE],
        }
    }

    /// A snapshot of `bytes`.
    pub const fn from_bytes(bytes: [u8; Self::SIZE]) -> Self {
        Self { bytes }
    }

    /// A snapshot of the first [`Self::SIZE`] bytes of `bytes`; a shorter
    /// slice is padded with zeroes.
    pub fn from_slice(bytes: &[u8]) -> Self {
        let mut page = Self::zeroed();
        for (dst, src) in page.bytes.iter_mut().zip(bytes) {
            *dst = *src;
        }
        page
    }

    /// The page.
    pub const fn as_bytes(&self) -> &[u8; Self::SIZE] {
        &self.bytes
    }

    /// The VMCS revision identifier (header bits 30:0).
    pub fn revision_id(&self) -> u32 {
        u32::from_le_bytes(bytes_at::<4>(&self.bytes, 0)) & 0x7fff_ffff
    }

    /// The shadow-VMCS indicator (header bit 31).
    pub fn shadow_vmcs(&self) -> bool {
        u32::from_le_bytes(bytes_at::<4>(&self.bytes, 0)) >> 31 != 0
    }

    /// The VMX-abort indicator.
    pub fn abort(&self) -> u32 {
        u32::from_le_bytes(bytes_at::<4>(&self.bytes, 4))
    }

    /// KVM's launch state: 0 after VMCLEAR, 1 after VMLAUNCH.
    pub fn launch_state(&self) -> u32 {
        u32::from_le_bytes(bytes_at::<4>(&self.bytes, 8))
    }

    /// Sets the header: revision identifier and shadow-VMCS indicator.
    pub fn set_header(&mut self, revision_id: u32, shadow: bool) {
        let hdr = (revision_id & 0x7fff_ffff) | (u32::from(shadow) << 31);
        self.put(0, &hdr.to_le_bytes());
    }

    /// The value of `field`, zero-extended.
    pub fn get(&self, field: Field) -> u64 {
        let off = usize::from(field.offset());
        match field.width() {
            Width::U16 => u64::from(u16::from_le_bytes(bytes_at::<2>(&self.bytes, off))),
            Width::U32 => u64::from(u32::from_le_bytes(bytes_at::<4>(&self.bytes, off))),
            Width::U64 | Width::Natural => u64::from_le_bytes(bytes_at::<8>(&self.bytes, off)),
        }
    }

    /// Sets `field` to `value` truncated to the field's width.
    pub fn set(&mut self, field: Field, value: u64) {
        let off = usize::from(field.offset());
        let le = value.to_le_bytes();
        let len = field.width().bytes();
        if let Some(src) = le.get(..len) {
            self.put(off, src);
        }
    }

    fn put(&mut self, off: usize, src: &[u8]) {
        let end = off.saturating_add(src.len());
        if let Some(dst) = self.bytes.get_mut(off..end) {
            dst.copy_from_slice(src);
        }
    }

    /// VMREAD: the value of the component `encoding` names, zero-extended
    /// to 64 bits; the high access to a 64-bit field reads bits 63:32.
    pub fn read(&self, encoding: u64) -> Result<u64, AccessError> {
        let c = Component::decode(encoding)?;
        let value = self.get(c.field);
        Ok(if c.high { value >> 32 } else { value })
    }

    /// VMWRITE: stores `value` into the component `encoding` names, as the
    /// SDM's VMWRITE does: truncated to a 16- or 32-bit field; the high
    /// access to a 64-bit field replaces bits 63:32 with bits 31:0 of
    /// `value`. A read-only (VM-exit information) field is writable only
    /// when `write_read_only` (IA32_VMX_MISC bit 29) is set. Returns the
    /// field written.
    pub fn write(
        &mut self,
        encoding: u64,
        value: u64,
        write_read_only: bool,
    ) -> Result<Field, AccessError> {
        let c = Component::decode(encoding)?;
        if c.field.group() == Group::ReadOnly && !write_read_only {
            return Err(AccessError::ReadOnlyComponent);
        }
        let value = if c.high {
            (self.get(c.field) & 0xffff_ffff) | (value << 32)
        } else {
            value
        };
        self.set(c.field, value);
        Ok(c.field)
    }
}
