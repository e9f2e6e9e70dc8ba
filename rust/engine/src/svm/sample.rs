// SPDX-License-Identifier: GPL-2.0

//! A valid nested entry: a 64-bit L2 on nested paging, and an L1 with the
//! features KVM 7.3.4 commonly exposes. The baseline of the tests, the
//! benchmark and the fuzz target; every rule fails only when one field
//! moves away from it.

use super::bits::{cr0, cr4, efer, int_ctl, intercept};
use super::caps::{Features, SvmCaps, VmrunOperand};
use super::vmcb02::required_vmcb02_intercepts;
use super::vmcb12::{Intercepts, Seg, SegReg, Vmcb12};

/// L1's MAXPHYADDR in the sample.
pub const MAXPHYADDR: u8 = 48;

/// L1's view: MAXPHYADDR 48 and the features of a recent AMD host as KVM
/// exposes them (no AVIC, x2AVIC, ERAPS, TCE, AutoIBRS, LAM, LA57 or VMX).
pub fn caps() -> SvmCaps {
    let f = [
        Features::LM,
        Features::NX,
        Features::FFXSR,
        Features::LMSLE,
        Features::XSAVE,
        Features::SMEP,
        Features::SMAP,
        Features::FSGSBASE,
        Features::PKU,
        Features::UMIP,
        Features::PCID,
        Features::SHSTK,
        Features::IBT,
        Features::NPT,
        Features::FLUSHBYASID,
        Features::VGIF,
        Features::VNMI,
        Features::LBRV,
        Features::V_VMSAVE_VMLOAD,
        Features::GMET,
        Features::INVPCID,
        Features::RDTSCP,
        Features::RDPRU,
    ];
    let mut features = Features::NONE;
    for x in f {
        features = features.with(x);
    }
    SvmCaps {
        maxphyaddr: MAXPHYADDR,
        features,
    }
}

/// L1's VMRUN operands: CPL 0, host save area set, VMCB at 5 MiB.
pub fn operand() -> VmrunOperand {
    VmrunOperand {
        rax: 0x50_0000,
        cpl: 0,
        hsave_pa: 0x60_0000,
    }
}

/// The vmcb12: 64-bit L2 (CS.L), PAE/long paging, nested paging, NMI,
/// MSR and I/O intercepts, virtual interrupt masking.
pub fn vmcb12() -> Vmcb12 {
    let mut i = Intercepts::default();
    for bit in [
        intercept::NMI,
        intercept::SHUTDOWN,
        intercept::IOIO_PROT,
        intercept::MSR_PROT,
        intercept::VMRUN,
        intercept::VMMCALL,
        intercept::STGI,
        intercept::CLGI,
    ] {
        i.set(bit, true);
    }
    let mut v = Vmcb12::zeroed();
    v.set_intercepts(&i)
        .set_asid(1)
        .set_iopm_base_pa(0x10_0000)
        .set_msrpm_base_pa(0x20_0000)
        .set_misc_ctl(super::bits::misc_ctl::NP)
        .set_nested_cr3(0x30_0000)
        .set_int_ctl(int_ctl::V_INTR_MASKING)
        .set_efer(efer::SCE | efer::LME | efer::LMA | efer::NX | efer::SVME)
        .set_cr0(cr0::PE | cr0::PG | cr0::WP | (1 << 1) | (1 << 4) | (1 << 5))
        .set_cr3(0x40_0000)
        .set_cr4(cr4::PAE | cr4::PGE | cr4::OSFXSR | cr4::OSXMMEXCPT)
        .set_dr6(0xffff_0ff0)
        .set_dr7(0x400)
        .set_rflags(0x2)
        .set_rip(0x1000)
        .set_g_pat(0x0007_0406_0007_0406);
    // Long-mode code: type 0xb, S, P, L.
    v.set_seg(
        SegReg::Cs,
        Seg {
            selector: 0x10,
            attrib: 0x29b,
            limit: 0xffff_ffff,
            base: 0,
        },
    );
    v
}

/// The vmcb02 intercepts KVM would build for [`vmcb12`]: exactly the
/// required set.
pub fn vmcb02_intercepts() -> Intercepts {
    required_vmcb02_intercepts(&vmcb12(), &caps())
}
