// SPDX-License-Identifier: GPL-2.0

//! The state container: a header, then typed, length-prefixed sections.
//! Documentation/nestvirt/state-format.rst specifies it byte by byte;
//! the tests in `tests/state_container.rs` freeze that layout.
//!
//! Every integer is little-endian. Every section starts 8-byte aligned.
//!
//! ```text
//! header (40 bytes)
//!   0  magic          8 bytes  "NESTVIRT"
//!   8  version        u16      1
//!  10  vendor         u16      1 SVM, 2 VMX (NESTVIRT_BACKEND_*)
//!  12  header_size    u32      40
//!  16  total_size     u32      header and sections, at most 64 KiB
//!  20  section_count  u32
//!  24  crc32c         u32      of total_size bytes, this field as 0
//!  28  flags          u32      0
//!  32  reserved       u64      0
//! section (8 + length bytes, then zero padding to 8-byte alignment)
//!   0  type           u16
//!   2  flags          u16      bit 0: REQUIRED (a reader that does not
//!                              know the type must refuse the container);
//!                              the other bits 0
//!   4  length         u32      payload bytes
//! ```

use super::error::StateError;
use crate::engine::bytes::{le_u16 as u16_at, le_u32 as u32_at, le_u64 as u64_at};

/// The container's first bytes.
pub const MAGIC: [u8; 8] = *b"NESTVIRT";
/// The version this code reads and writes.
pub const VERSION: u16 = 1;
/// The header's size in version 1.
pub const HEADER_SIZE: usize = 40;
/// A section header's size.
pub const SECTION_HEADER_SIZE: usize = 8;
/// The largest container: KVM's largest nested state (VMX, 8320 bytes)
/// and every other section fit many times over.
pub const MAX_TOTAL_SIZE: usize = 64 * 1024;
/// Section flag: a reader that does not know the type must refuse.
pub const SECTION_REQUIRED: u16 = 1;

const CRC_OFFSET: usize = 24;

/// The vendor whose nested state a container holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vendor {
    /// AMD SVM (`NESTVIRT_BACKEND_SVM`).
    Svm = 1,
    /// Intel VMX (`NESTVIRT_BACKEND_VMX`).
    Vmx = 2,
}

impl Vendor {
    /// The vendor of a `NESTVIRT_BACKEND_*` value.
    pub const fn from_u16(v: u16) -> Option<Self> {
        match v {
            1 => Some(Self::Svm),
            2 => Some(Self::Vmx),
            _ => None,
        }
    }

    /// Its name, as nestvirtctl prints it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Svm => "svm",
            Self::Vmx => "vmx",
        }
    }
}

/// The section types of version 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionType {
    /// KVM's nested state exactly as `KVM_GET_NESTED_STATE` produced it
    /// (`struct kvm_nested_state` and its data). Required.
    KvmNestedState = 1,
    /// nestvirt's per-vCPU state: the class modes in force when it was
    /// saved, one byte each (0 off, 1 audit, 2 enforce). Optional.
    NestvirtVcpu = 2,
    /// What L1 could use, which the state was checked against: the hook
    /// ABI's `union nestvirt_l1` SVM part (24 bytes) or
    /// `struct nestvirt_vmx_env` (192 bytes). Required.
    L1Caps = 3,
}

impl SectionType {
    /// Every known type.
    pub const ALL: [SectionType; 3] = [Self::KvmNestedState, Self::NestvirtVcpu, Self::L1Caps];

    /// The type of a section's `type` field, if known.
    pub const fn from_u16(v: u16) -> Option<Self> {
        match v {
            1 => Some(Self::KvmNestedState),
            2 => Some(Self::NestvirtVcpu),
            3 => Some(Self::L1Caps),
            _ => None,
        }
    }

    /// Its name, as nestvirtctl prints it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::KvmNestedState => "kvm-nested-state",
            Self::NestvirtVcpu => "nestvirt-vcpu",
            Self::L1Caps => "l1-caps",
        }
    }

    /// Whether every version-1 container has it (and writers flag it
    /// `REQUIRED`).
    pub const fn required(self) -> bool {
        matches!(self, Self::KvmNestedState | Self::L1Caps)
    }
}

/// The payload length of an [`SectionType::L1Caps`] section per vendor.
pub const fn l1_caps_len(vendor: Vendor) -> usize {
    match vendor {
        Vendor::Svm => 24,
        Vendor::Vmx => 192,
    }
}

/// The most class modes a [`SectionType::NestvirtVcpu`] section holds.
pub const MAX_CLASS_MODES: usize = 64;

/// One section as found in a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section<'a> {
    /// Its `type` field.
    pub kind: u16,
    /// Its `flags` field.
    pub flags: u16,
    /// Its offset in the container (of the section header).
    pub offset: usize,
    /// Its payload.
    pub payload: &'a [u8],
}

impl Section<'_> {
    /// Its type, if known.
    pub fn known(&self) -> Option<SectionType> {
        SectionType::from_u16(self.kind)
    }
}

/// A container that passed every structural check, with its sections.
#[derive(Clone, Copy, Debug)]
pub struct Container<'a> {
    /// Whose nested state it holds.
    pub vendor: Vendor,
    /// KVM's nested state, as `KVM_GET_NESTED_STATE` produced it.
    pub kvm_state: &'a [u8],
    /// What L1 could use when it was saved.
    pub l1_caps: &'a [u8],
    /// The class modes in force when it was saved, if recorded.
    pub class_modes: Option<&'a [u8]>,
    /// The checksum it carries (and matches).
    pub crc32c: u32,
    bytes: &'a [u8],
    section_count: u32,
}

const fn padded(len: usize) -> usize {
    len.div_ceil(8) * 8
}

/// A CRC32C implementation: `update(crc, bytes)` continues the CRC32C
/// (with the standard pre- and post-inversion) `crc` over `bytes`, as
/// [`super::crc32c::update`] does. The kernel passes its own `crc32c()`,
/// which uses the CPU's CRC32 instruction where it has one.
pub type Crc32cUpdate = fn(u32, &[u8]) -> u32;

/// The CRC32C of a container's `total` bytes with the checksum field as 0.
fn container_crc(bytes: &[u8], update: Crc32cUpdate) -> u32 {
    let (head, rest) = bytes.split_at(CRC_OFFSET.min(bytes.len()));
    let tail = rest.get(4..).unwrap_or(&[]);
    let crc = update(0, head);
    let crc = update(crc, &[0; 4]);
    update(crc, tail)
}

/// Walks the sections of `bytes` (a whole container) from the header on,
/// checking each one's bounds, flags and padding.
#[derive(Clone, Debug)]
pub struct Sections<'a> {
    bytes: &'a [u8],
    at: usize,
    left: u32,
}

impl<'a> Iterator for Sections<'a> {
    type Item = Result<Section<'a>, StateError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let r = self.section();
        if r.is_err() {
            self.left = 0;
        }
        Some(r)
    }
}

impl<'a> Sections<'a> {
    fn section(&mut self) -> Result<Section<'a>, StateError> {
        let offset = self.at;
        let head = self
            .bytes
            .get(offset..offset + SECTION_HEADER_SIZE)
            .ok_or(StateError::SectionBounds)?;
        let kind = u16_at(head, 0);
        let flags = u16_at(head, 2);
        let len = u32_at(head, 4) as usize;
        let start = offset + SECTION_HEADER_SIZE;
        let payload = self
            .bytes
            .get(start..start.saturating_add(len))
            .ok_or(StateError::SectionBounds)?;
        let end = start + padded(len);
        let pad = self
            .bytes
            .get(start + len..end)
            .ok_or(StateError::SectionBounds)?;
        if flags & !SECTION_REQUIRED != 0 || pad.iter().any(|&b| b != 0) {
            return Err(StateError::Reserved);
        }
        self.at = end;
        Ok(Section {
            kind,
            flags,
            offset,
            payload,
        })
    }
}

impl<'a> Container<'a> {
    /// Checks `bytes` as a whole container — header, checksum, then each
    /// section's bounds — and finds its sections: exactly one of each
    /// required type, at most one of each other known type, unknown ones
    /// skipped unless flagged `REQUIRED`. With `expect`, the vendor must be
    /// that one. Checks no section's content beyond its length.
    pub fn parse(bytes: &'a [u8], expect: Option<Vendor>) -> Result<Self, StateError> {
        Self::parse_with(bytes, expect, super::crc32c::update)
    }

    /// [`Container::parse`], with the CRC32C computed by `crc`.
    pub fn parse_with(
        bytes: &'a [u8],
        expect: Option<Vendor>,
        update: Crc32cUpdate,
    ) -> Result<Self, StateError> {
        let header = bytes.get(..HEADER_SIZE).ok_or(StateError::Truncated)?;
        if header[..8] != MAGIC {
            return Err(StateError::Magic);
        }
        if u16_at(header, 8) != VERSION {
            return Err(StateError::Version);
        }
        let vendor = Vendor::from_u16(u16_at(header, 10)).ok_or(StateError::Vendor)?;
        if expect.is_some_and(|e| e != vendor) {
            return Err(StateError::Vendor);
        }
        if u32_at(header, 12) as usize != HEADER_SIZE {
            return Err(StateError::HeaderSize);
        }
        let total = u32_at(header, 16) as usize;
        if total > bytes.len() {
            return Err(StateError::Truncated);
        }
        if total != bytes.len() || total > MAX_TOTAL_SIZE {
            return Err(StateError::TotalSize);
        }
        if u32_at(header, 28) != 0 || u64_at(header, 32) != 0 {
            return Err(StateError::Reserved);
        }
        let crc = u32_at(header, CRC_OFFSET);
        if container_crc(bytes, update) != crc {
            return Err(StateError::Checksum);
        }
        let section_count = u32_at(header, 20);
        let mut c = Container {
            vendor,
            kvm_state: &[],
            l1_caps: &[],
            class_modes: None,
            crc32c: crc,
            bytes,
            section_count,
        };
        let (mut seen, mut end) = (0u32, HEADER_SIZE);
        for s in c.sections() {
            let s = s?;
            end = s.offset + SECTION_HEADER_SIZE + padded(s.payload.len());
            let Some(t) = s.known() else {
                if s.flags & SECTION_REQUIRED != 0 {
                    return Err(StateError::SectionUnknown);
                }
                continue;
            };
            if (s.flags & SECTION_REQUIRED != 0) != t.required() {
                return Err(StateError::SectionFlags);
            }
            let bit = 1u32 << (t as u32);
            if seen & bit != 0 {
                return Err(StateError::SectionDuplicate);
            }
            seen |= bit;
            match t {
                SectionType::KvmNestedState => c.kvm_state = s.payload,
                SectionType::L1Caps => c.l1_caps = s.payload,
                SectionType::NestvirtVcpu => c.class_modes = Some(s.payload),
            }
        }
        // Nothing may follow the last section.
        if end != total {
            return Err(StateError::SectionBounds);
        }
        for t in SectionType::ALL {
            if t.required() && seen & (1 << (t as u32)) == 0 {
                return Err(StateError::SectionMissing);
            }
        }
        if c.l1_caps.len() != l1_caps_len(vendor) {
            return Err(StateError::SectionSize);
        }
        if let Some(modes) = c.class_modes {
            if modes.len() > MAX_CLASS_MODES {
                return Err(StateError::SectionSize);
            }
            if modes.iter().any(|&m| m > 2) {
                return Err(StateError::VcpuModes);
            }
        }
        Ok(c)
    }

    /// Every section, in container order, unknown ones included.
    pub fn sections(&self) -> Sections<'a> {
        Sections {
            bytes: self.bytes,
            at: HEADER_SIZE,
            left: self.section_count,
        }
    }

    /// The container's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// A section to write: its type, flags and payload.
#[derive(Clone, Copy, Debug)]
pub struct NewSection<'a> {
    /// Its `type` field.
    pub kind: u16,
    /// Its `flags` field.
    pub flags: u16,
    /// Its payload.
    pub payload: &'a [u8],
}

impl<'a> NewSection<'a> {
    /// A known section, flagged as its type says.
    pub const fn of(t: SectionType, payload: &'a [u8]) -> Self {
        Self {
            kind: t as u16,
            flags: if t.required() { SECTION_REQUIRED } else { 0 },
            payload,
        }
    }
}

/// The size of a container holding `sections`.
pub fn encoded_size(sections: &[NewSection<'_>]) -> usize {
    size_for_payloads(sections.iter().map(|s| s.payload.len()))
}

/// The size of a container whose sections have payloads of these lengths.
pub fn size_for_payloads(lens: impl IntoIterator<Item = usize>) -> usize {
    lens.into_iter().fold(HEADER_SIZE, |n, len| {
        n.saturating_add(SECTION_HEADER_SIZE + padded(len))
    })
}

/// Copies `bytes` to `out` at `at`; `None` if they do not fit.
fn put(out: &mut [u8], at: usize, bytes: &[u8]) -> Option<()> {
    out.get_mut(at..at.checked_add(bytes.len())?)?
        .copy_from_slice(bytes);
    Some(())
}

/// Writes a container of `vendor` with `sections` into the start of `out`
/// and returns its size; `None` (nothing meaningful written) when `out` is
/// too small or the container would exceed [`MAX_TOTAL_SIZE`]. No panic
/// path: the kernel calls it.
pub fn encode(out: &mut [u8], vendor: Vendor, sections: &[NewSection<'_>]) -> Option<usize> {
    encode_with(out, vendor, sections, super::crc32c::update)
}

/// [`encode`], with the CRC32C computed by `update`.
pub fn encode_with(
    out: &mut [u8],
    vendor: Vendor,
    sections: &[NewSection<'_>],
    update: Crc32cUpdate,
) -> Option<usize> {
    let Some((first, rest)) = sections.split_first() else {
        return write_container(out, vendor, None, &[], update);
    };
    put(out, FIRST_PAYLOAD, first.payload)?;
    write_container(out, vendor, Some(first.in_place()), rest, update)
}

/// Where the first section's payload starts.
pub const FIRST_PAYLOAD: usize = HEADER_SIZE + SECTION_HEADER_SIZE;

/// A section whose payload is already where it belongs in the output.
#[derive(Clone, Copy, Debug)]
pub struct InPlace {
    /// Its `type` field.
    pub kind: u16,
    /// Its `flags` field.
    pub flags: u16,
    /// Its payload's length.
    pub len: usize,
}

impl NewSection<'_> {
    fn in_place(&self) -> InPlace {
        InPlace {
            kind: self.kind,
            flags: self.flags,
            len: self.payload.len(),
        }
    }
}

/// [`encode_with`] for a container whose first section's payload (`first`)
/// is already in `out` at [`FIRST_PAYLOAD`]: it writes everything around
/// it, so that a payload the kernel copied in from the caller is neither
/// copied again nor written back. `None` as for [`encode`].
pub fn encode_around_first(
    out: &mut [u8],
    vendor: Vendor,
    first: InPlace,
    rest: &[NewSection<'_>],
    update: Crc32cUpdate,
) -> Option<usize> {
    write_container(out, vendor, Some(first), rest, update)
}

fn write_container(
    out: &mut [u8],
    vendor: Vendor,
    first: Option<InPlace>,
    rest: &[NewSection<'_>],
    update: Crc32cUpdate,
) -> Option<usize> {
    let lens = first
        .iter()
        .map(|f| f.len)
        .chain(rest.iter().map(|s| s.payload.len()));
    let total = size_for_payloads(lens);
    if total > MAX_TOTAL_SIZE {
        return None;
    }
    let out = out.get_mut(..total)?;
    let count = rest.len() + usize::from(first.is_some());
    let mut at = HEADER_SIZE;
    let section_header = |out: &mut [u8], at: usize, kind: u16, flags: u16, len: usize| {
        put(out, at, &kind.to_le_bytes())?;
        put(out, at + 2, &flags.to_le_bytes())?;
        put(out, at + 4, &u32::try_from(len).ok()?.to_le_bytes())
    };
    out.get_mut(..HEADER_SIZE)?.fill(0);
    if let Some(f) = first {
        section_header(out, at, f.kind, f.flags, f.len)?;
        at += SECTION_HEADER_SIZE + f.len;
    }
    // Padding and every later section: zero first, then filled in.
    out.get_mut(at..)?.fill(0);
    if let Some(f) = first {
        at = FIRST_PAYLOAD + padded(f.len);
    }
    for s in rest {
        section_header(out, at, s.kind, s.flags, s.payload.len())?;
        at += SECTION_HEADER_SIZE;
        put(out, at, s.payload)?;
        at += padded(s.payload.len());
    }
    put(out, 0, &MAGIC)?;
    put(out, 8, &VERSION.to_le_bytes())?;
    put(out, 10, &(vendor as u16).to_le_bytes())?;
    put(out, 12, &(HEADER_SIZE as u32).to_le_bytes())?;
    put(out, 16, &u32::try_from(total).ok()?.to_le_bytes())?;
    put(out, 20, &u32::try_from(count).ok()?.to_le_bytes())?;
    let crc = container_crc(out, update);
    put(out, CRC_OFFSET, &crc.to_le_bytes())?;
    Some(total)
}
