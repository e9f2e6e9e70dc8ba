// SPDX-License-Identifier: GPL-2.0

//! A guest segment register as the guest-state area holds it: selector,
//! base, limit and access rights.

use super::bits::ar;
use super::bits::selector;
use super::vmcs12::Vmcs12;

/// A guest segment register read from vmcs12.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seg {
    pub sel: u16,
    pub base: u64,
    pub limit: u32,
    pub ar: u32,
}

macro_rules! seg_reader {
    ($($name:ident: $sel:ident $base:ident $limit:ident $ar:ident;)*) => {
        impl Seg {
            $(
                pub fn $name(s: &Vmcs12) -> Self {
                    Self {
                        sel: s.$sel(),
                        base: s.$base(),
                        limit: s.$limit(),
                        ar: s.$ar(),
                    }
                }
            )*
        }
    };
}

seg_reader! {
    cs: guest_cs_selector guest_cs_base guest_cs_limit guest_cs_ar_bytes;
    ss: guest_ss_selector guest_ss_base guest_ss_limit guest_ss_ar_bytes;
    ds: guest_ds_selector guest_ds_base guest_ds_limit guest_ds_ar_bytes;
    es: guest_es_selector guest_es_base guest_es_limit guest_es_ar_bytes;
    fs: guest_fs_selector guest_fs_base guest_fs_limit guest_fs_ar_bytes;
    gs: guest_gs_selector guest_gs_base guest_gs_limit guest_gs_ar_bytes;
    tr: guest_tr_selector guest_tr_base guest_tr_limit guest_tr_ar_bytes;
    ldtr: guest_ldtr_selector guest_ldtr_base guest_ldtr_limit guest_ldtr_ar_bytes;
}

impl Seg {
    /// Whether the unusable bit (16) is 0.
    pub fn usable(&self) -> bool {
        self.ar & ar::UNUSABLE == 0
    }

    /// The segment type, bits 3:0.
    pub fn ty(&self) -> u32 {
        self.ar & ar::TYPE
    }

    /// The descriptor privilege level, bits 6:5.
    pub fn dpl(&self) -> u32 {
        (self.ar >> ar::DPL_SHIFT) & 3
    }

    /// The requested privilege level of the selector.
    pub fn rpl(&self) -> u32 {
        u32::from(self.sel & selector::RPL)
    }

    /// Whether the L bit (64-bit code) is 1.
    pub fn long(&self) -> bool {
        self.ar & ar::L != 0
    }

    /// Whether a bit is set in the access rights.
    pub fn has(&self, bit: u32) -> bool {
        self.ar & bit != 0
    }

    /// G is 1 although a bit of limit 11:0 is 0.
    pub fn g_too_coarse(&self) -> bool {
        self.limit & 0xfff != 0xfff && self.has(ar::G)
    }

    /// G is 0 although a bit of limit 31:20 is 1.
    pub fn g_too_fine(&self) -> bool {
        self.limit & 0xfff0_0000 != 0 && !self.has(ar::G)
    }
}
