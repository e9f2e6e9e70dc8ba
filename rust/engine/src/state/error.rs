// SPDX-License-Identifier: GPL-2.0

//! Why a state container, or the KVM nested state in it, is refused.

/// A refusal, with a stable ID (`STATE-...`) that the kernel reports in
/// the ioctl's out-field and nestvirtctl prints. The first check that
/// fails decides, in the order of [`super::Container::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateError {
    /// Shorter than a header, or than the total size the header gives.
    Truncated,
    /// Not a nestvirt state container.
    Magic,
    /// A container version this code does not read.
    Version,
    /// A vendor other than SVM or VMX, or not the one expected.
    Vendor,
    /// A header size other than this version's.
    HeaderSize,
    /// A total size other than the bytes given, or above the limit.
    TotalSize,
    /// A reserved header field or flag, or section padding, is not zero.
    Reserved,
    /// The CRC32C does not match.
    Checksum,
    /// A section header or payload runs past the end of the container.
    SectionBounds,
    /// A section the reader must understand (flag `REQUIRED`) that it
    /// does not know.
    SectionUnknown,
    /// A section type that appears twice.
    SectionDuplicate,
    /// A section that every container of this version has is missing.
    SectionMissing,
    /// A known section whose length is not its type's.
    SectionSize,
    /// KVM's nested state: a format other than the vendor's.
    KvmFormat,
    /// KVM's nested state: its size field disagrees with its section, or
    /// is shorter than its header.
    KvmSize,
    /// KVM's nested state: unknown flags, or flags that contradict each
    /// other (run pending outside guest mode, ...).
    KvmFlags,
    /// KVM's nested state: a header field KVM would refuse (an address
    /// that is not page aligned, guest mode without a VMCS, ...).
    KvmHeader,
    /// KVM's nested state: its data KVM would refuse whatever the vCPU (a
    /// vmcs12 or shadow vmcs12 of another revision, a shadow without its
    /// indicator; an L1 save area without paging, in virtual-8086 mode or
    /// with EFER.LMA but not LME).
    KvmData,
    /// nestvirt's per-vCPU section: a class mode that is not off, audit or
    /// enforce.
    VcpuModes,
    /// A known section without the flags its type has (types 1 and 3
    /// `REQUIRED`, type 2 not).
    SectionFlags,
}

impl StateError {
    /// Every refusal, in check order.
    pub const ALL: &'static [StateError] = &[
        Self::Truncated,
        Self::Magic,
        Self::Version,
        Self::Vendor,
        Self::HeaderSize,
        Self::TotalSize,
        Self::Reserved,
        Self::Checksum,
        Self::SectionBounds,
        Self::SectionUnknown,
        Self::SectionDuplicate,
        Self::SectionMissing,
        Self::SectionSize,
        Self::KvmFormat,
        Self::KvmSize,
        Self::KvmFlags,
        Self::KvmHeader,
        Self::KvmData,
        Self::VcpuModes,
        Self::SectionFlags,
    ];

    /// The stable ID.
    pub const fn id(self) -> &'static str {
        match self {
            Self::Truncated => "STATE-TRUNCATED",
            Self::Magic => "STATE-MAGIC",
            Self::Version => "STATE-VERSION",
            Self::Vendor => "STATE-VENDOR",
            Self::HeaderSize => "STATE-HEADER-SIZE",
            Self::TotalSize => "STATE-TOTAL-SIZE",
            Self::Reserved => "STATE-RESERVED",
            Self::Checksum => "STATE-CHECKSUM",
            Self::SectionBounds => "STATE-SECTION-BOUNDS",
            Self::SectionUnknown => "STATE-SECTION-UNKNOWN",
            Self::SectionDuplicate => "STATE-SECTION-DUPLICATE",
            Self::SectionMissing => "STATE-SECTION-MISSING",
            Self::SectionSize => "STATE-SECTION-SIZE",
            Self::KvmFormat => "STATE-KVM-FORMAT",
            Self::KvmSize => "STATE-KVM-SIZE",
            Self::KvmFlags => "STATE-KVM-FLAGS",
            Self::KvmHeader => "STATE-KVM-HEADER",
            Self::KvmData => "STATE-KVM-DATA",
            Self::VcpuModes => "STATE-VCPU-MODES",
            Self::SectionFlags => "STATE-SECTION-FLAGS",
        }
    }

    /// Whether the container's structure is broken (the bytes are not a
    /// well-formed container: `EBADMSG` in the kernel) rather than its
    /// content refused (`EINVAL`).
    pub const fn is_structural(self) -> bool {
        matches!(
            self,
            Self::Truncated
                | Self::Magic
                | Self::HeaderSize
                | Self::TotalSize
                | Self::Reserved
                | Self::Checksum
                | Self::SectionBounds
                | Self::SectionDuplicate
        )
    }
}
