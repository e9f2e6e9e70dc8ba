// SPDX-License-Identifier: GPL-2.0

//! A snapshot of a vmcb12: the bytes L1 wrote, copied once and checked.
//!
//! Checks run on the copy, never on guest memory (the lesson of
//! CVE-2021-29657). The snapshot keeps the architecturally defined part of
//! the page ([`VMCB_USED`] bytes: control area and save area); the rest of
//! the page is not read by VMRUN for a non-SEV-ES guest.

use super::bits::intercept;
use super::layout::{control, save, seg, Field, VMCB_PAGE, VMCB_USED};

/// A segment register as stored in the VMCB (`struct vmcb_seg`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seg {
    /// Selector.
    pub selector: u16,
    /// Attributes in the VMCB's packed format (`SVM_SELECTOR_*`).
    pub attrib: u16,
    /// Limit.
    pub limit: u32,
    /// Base.
    pub base: u64,
}

/// The segment registers of the save area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegReg {
    /// ES.
    Es,
    /// CS.
    Cs,
    /// SS.
    Ss,
    /// DS.
    Ds,
    /// FS.
    Fs,
    /// GS.
    Gs,
    /// GDTR (selector and attributes unused).
    Gdtr,
    /// LDTR.
    Ldtr,
    /// IDTR (selector and attributes unused).
    Idtr,
    /// TR.
    Tr,
}

impl SegReg {
    /// The save-area field holding this register.
    pub const fn field(self) -> Field {
        match self {
            Self::Es => save::ES,
            Self::Cs => save::CS,
            Self::Ss => save::SS,
            Self::Ds => save::DS,
            Self::Fs => save::FS,
            Self::Gs => save::GS,
            Self::Gdtr => save::GDTR,
            Self::Ldtr => save::LDTR,
            Self::Idtr => save::IDTR,
            Self::Tr => save::TR,
        }
    }
}

/// The six intercept words at VMCB offset 000h.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Intercepts(pub [u32; intercept::WORDS]);

impl Intercepts {
    /// Whether intercept `bit` (an [`intercept`] constant) is set.
    pub fn has(&self, bit: u32) -> bool {
        self.word(bit).is_some_and(|w| w & (1 << (bit % 32)) != 0)
    }

    /// Sets or clears intercept `bit`; bits past the last word are ignored.
    pub fn set(&mut self, bit: u32, on: bool) -> &mut Self {
        let mask = 1 << (bit % 32);
        if let Some(w) = self.0.get_mut((bit / 32) as usize) {
            if on {
                *w |= mask;
            } else {
                *w &= !mask;
            }
        }
        self
    }

    fn word(&self, bit: u32) -> Option<u32> {
        self.0.get((bit / 32) as usize).copied()
    }
}

/// A vmcb12 snapshot.
///
/// Build one from a page image with [`Vmcb12::from_bytes`] or
/// [`Vmcb12::from_page`], or field by field from [`Vmcb12::zeroed`] with
/// the `set_*` methods. [`Vmcb12::view`] reads an image in place, without
/// a copy: what the kernel does with the image of KVM's vmcb12 caches that
/// the glue lays out (only [`FIELDS_READ`](super::FIELDS_READ) filled).
#[derive(Clone, PartialEq, Eq)]
pub struct Vmcb12<B = [u8; VMCB_USED]> {
    bytes: B,
}

/// Storage of a [`Vmcb12`]: the control and save areas, owned or borrowed.
pub trait VmcbBytes {
    /// The control area, then the save area.
    fn vmcb_bytes(&self) -> &[u8; VMCB_USED];
}

impl VmcbBytes for [u8; VMCB_USED] {
    fn vmcb_bytes(&self) -> &[u8; VMCB_USED] {
        self
    }
}

impl VmcbBytes for &[u8; VMCB_USED] {
    fn vmcb_bytes(&self) -> &[u8; VMCB_USED] {
        self
    }
}

impl<'a> Vmcb12<&'a [u8; VMCB_USED]> {
    /// Reads a VMCB image in place: its first [`VMCB_USED`] bytes (control
    /// and save areas); `None` when `bytes` is shorter.
    pub fn view(bytes: &'a [u8]) -> Option<Self> {
        let bytes = bytes.get(..VMCB_USED)?.try_into().ok()?;
        Some(Self { bytes })
    }
}

impl Default for Vmcb12 {
    fn default() -> Self {
        Self::zeroed()
    }
}

impl Vmcb12 {
    /// An all-zero VMCB.
    pub const fn zeroed() -> Self {
        Self {
            bytes: [0; VMCB_USED],
        }
    }

    /// Snapshots a VMCB image: the control and save areas (the first
    /// [`VMCB_USED`] bytes, what the kernel's snapshot holds) or a whole
    /// page; `None` when `page` is shorter. Bytes past the save area are
    /// not kept.
    pub fn from_bytes(page: &[u8]) -> Option<Self> {
        if page.len() < VMCB_USED {
            return None;
        }
        let mut v = Self::zeroed();
        let src = page.get(..VMCB_USED)?;
        v.bytes.copy_from_slice(src);
        Some(v)
    }

    /// Snapshots a VMCB page.
    pub fn from_page(page: &[u8; VMCB_PAGE]) -> Self {
        let mut v = Self::zeroed();
        if let Some(src) = page.get(..VMCB_USED) {
            v.bytes.copy_from_slice(src);
        }
        v
    }

    fn put(&mut self, at: usize, src: &[u8]) {
        if let Some(dst) = self.bytes.get_mut(at..at + src.len()) {
            dst.copy_from_slice(src);
        }
    }
}

impl<B: VmcbBytes> Vmcb12<B> {
    /// The snapshot's bytes: control area, then save area.
    pub fn as_bytes(&self) -> &[u8; VMCB_USED] {
        self.bytes.vmcb_bytes()
    }

    /// Writes the snapshot into a page image (bytes past the save area
    /// are left as they are).
    pub fn write_page(&self, page: &mut [u8; VMCB_PAGE]) {
        if let Some(dst) = page.get_mut(..VMCB_USED) {
            dst.copy_from_slice(self.as_bytes());
        }
    }

    /// The `N` bytes at `at`, zeros past the end. A plain load: the kernel
    /// builds for size, where `copy_from_slice` stays a call to `memcpy`.
    #[inline(always)]
    fn array<const N: usize>(&self, at: usize) -> [u8; N] {
        match self.as_bytes().get(at..).and_then(|s| s.first_chunk::<N>()) {
            Some(bytes) => *bytes,
            None => [0; N],
        }
    }

    /// The intercept vectors.
    #[inline]
    pub fn intercepts(&self) -> Intercepts {
        let mut words = [0; intercept::WORDS];
        let mut at = control::INTERCEPTS.page_offset();
        for w in &mut words {
            *w = u32::from_le_bytes(self.array(at));
            at += 4;
        }
        Intercepts(words)
    }
}

impl Vmcb12 {
    /// Sets the intercept vectors.
    pub fn set_intercepts(&mut self, i: &Intercepts) -> &mut Self {
        let mut at = control::INTERCEPTS.page_offset();
        for w in i.0 {
            self.put(at, &w.to_le_bytes());
            at += 4;
        }
        self
    }

    /// Sets or clears intercept `bit`.
    pub fn set_intercept(&mut self, bit: u32, on: bool) -> &mut Self {
        let mut i = self.intercepts();
        i.set(bit, on);
        self.set_intercepts(&i)
    }
}

impl<B: VmcbBytes> Vmcb12<B> {
    /// Whether intercept `bit` is set.
    pub fn intercept(&self, bit: u32) -> bool {
        self.intercepts().has(bit)
    }

    /// A segment register.
    #[inline]
    pub fn seg(&self, reg: SegReg) -> Seg {
        let base = reg.field().page_offset();
        Seg {
            selector: u16::from_le_bytes(self.array(base + seg::SELECTOR.offset)),
            attrib: u16::from_le_bytes(self.array(base + seg::ATTRIB.offset)),
            limit: u32::from_le_bytes(self.array(base + seg::LIMIT.offset)),
            base: u64::from_le_bytes(self.array(base + seg::BASE.offset)),
        }
    }
}

impl Vmcb12 {
    /// Sets a segment register.
    pub fn set_seg(&mut self, reg: SegReg, s: Seg) -> &mut Self {
        let base = reg.field().page_offset();
        self.put(base + seg::SELECTOR.offset, &s.selector.to_le_bytes());
        self.put(base + seg::ATTRIB.offset, &s.attrib.to_le_bytes());
        self.put(base + seg::LIMIT.offset, &s.limit.to_le_bytes());
        self.put(base + seg::BASE.offset, &s.base.to_le_bytes());
        self
    }
}

/// Typed accessors, one line per field, each checked against the field's
/// size in the layout table at compile time.
macro_rules! accessors {
    ($($get:ident / $set:ident: $ty:ty = $field:expr;)*) => {
        impl<B: VmcbBytes> Vmcb12<B> {
            $(
                #[doc = concat!("The `", stringify!($get), "` field.")]
                #[inline]
                pub fn $get(&self) -> $ty {
                    <$ty>::from_le_bytes(self.array($field.page_offset()))
                }
            )*
        }
        impl Vmcb12 {
            $(
                #[doc = concat!("Sets the `", stringify!($get), "` field.")]
                pub fn $set(&mut self, v: $ty) -> &mut Self {
                    self.put($field.page_offset(), &v.to_le_bytes());
                    self
                }
            )*
        }
        $(const _: () = assert!($field.size == core::mem::size_of::<$ty>());)*
    };
}

accessors! {
    pause_filter_thresh / set_pause_filter_thresh: u16 = control::PAUSE_FILTER_THRESH;
    pause_filter_count / set_pause_filter_count: u16 = control::PAUSE_FILTER_COUNT;
    iopm_base_pa / set_iopm_base_pa: u64 = control::IOPM_BASE_PA;
    msrpm_base_pa / set_msrpm_base_pa: u64 = control::MSRPM_BASE_PA;
    tsc_offset / set_tsc_offset: u64 = control::TSC_OFFSET;
    asid / set_asid: u32 = control::ASID;
    tlb_ctl / set_tlb_ctl: u8 = control::TLB_CTL;
    erap_ctl / set_erap_ctl: u8 = control::ERAP_CTL;
    int_ctl / set_int_ctl: u32 = control::INT_CTL;
    int_vector / set_int_vector: u32 = control::INT_VECTOR;
    int_state / set_int_state: u32 = control::INT_STATE;
    exit_code / set_exit_code: u64 = control::EXIT_CODE;
    misc_ctl / set_misc_ctl: u64 = control::MISC_CTL;
    event_inj / set_event_inj: u32 = control::EVENT_INJ;
    event_inj_err / set_event_inj_err: u32 = control::EVENT_INJ_ERR;
    nested_cr3 / set_nested_cr3: u64 = control::NESTED_CR3;
    misc_ctl2 / set_misc_ctl2: u64 = control::MISC_CTL2;
    clean / set_clean: u32 = control::CLEAN;
    next_rip / set_next_rip: u64 = control::NEXT_RIP;
    cpl / set_cpl: u8 = save::CPL;
    efer / set_efer: u64 = save::EFER;
    cr4 / set_cr4: u64 = save::CR4;
    cr3 / set_cr3: u64 = save::CR3;
    cr0 / set_cr0: u64 = save::CR0;
    dr7 / set_dr7: u64 = save::DR7;
    dr6 / set_dr6: u64 = save::DR6;
    rflags / set_rflags: u64 = save::RFLAGS;
    rip / set_rip: u64 = save::RIP;
    rsp / set_rsp: u64 = save::RSP;
    s_cet / set_s_cet: u64 = save::S_CET;
    ssp / set_ssp: u64 = save::SSP;
    isst_addr / set_isst_addr: u64 = save::ISST_ADDR;
    rax / set_rax: u64 = save::RAX;
    cr2 / set_cr2: u64 = save::CR2;
    g_pat / set_g_pat: u64 = save::G_PAT;
    dbgctl / set_dbgctl: u64 = save::DBGCTL;
}

impl core::fmt::Debug for Vmcb12 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Vmcb12")
            .field("intercepts", &self.intercepts())
            .field("asid", &self.asid())
            .field("tlb_ctl", &self.tlb_ctl())
            .field("int_ctl", &self.int_ctl())
            .field("misc_ctl", &self.misc_ctl())
            .field("misc_ctl2", &self.misc_ctl2())
            .field("event_inj", &self.event_inj())
            .field("nested_cr3", &self.nested_cr3())
            .field("efer", &self.efer())
            .field("cr0", &self.cr0())
            .field("cr3", &self.cr3())
            .field("cr4", &self.cr4())
            .field("cs", &self.seg(SegReg::Cs))
            .finish_non_exhaustive()
    }
}
