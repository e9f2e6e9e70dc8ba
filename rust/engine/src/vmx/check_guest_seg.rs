// SPDX-License-Identifier: GPL-2.0

//! SDM 27.3.1.2 and 27.3.1.3, checks on the guest segment registers and
//! descriptor-table registers. A failure is a VM exit with basic reason 33.

use core::ops::ControlFlow;

use super::bits::ar;
use super::bits::cr0;
use super::bits::rflags;
use super::bits::selector;
use super::env::Env;
use super::rules::VmxRule as R;
use super::segment::Seg;
use crate::engine::rule::{cc, Verdicts};

/// The rules of one of DS, ES, FS and GS, in check order.
struct DataSegRules {
    accessed: R,
    readable: R,
    s: R,
    dpl: R,
    p: R,
    reserved: R,
    g_low: R,
    g_high: R,
    reserved_high: R,
}

macro_rules! data_seg {
    ($a:ident $r:ident $s:ident $d:ident $p:ident $rs:ident $gl:ident $gh:ident $rh:ident) => {
        DataSegRules {
            accessed: R::$a,
            readable: R::$r,
            s: R::$s,
            dpl: R::$d,
            p: R::$p,
            reserved: R::$rs,
            g_low: R::$gl,
            g_high: R::$gh,
            reserved_high: R::$rh,
        }
    };
}

/// DS, ES, FS and GS, in the SDM's order.
const DATA_SEG_RULES: [DataSegRules; 4] = [
    data_seg!(GuestDsAccessed GuestDsReadable GuestDsS GuestDsDpl GuestDsP
        GuestDsReserved GuestDsGLow GuestDsGHigh GuestDsReservedHigh),
    data_seg!(GuestEsAccessed GuestEsReadable GuestEsS GuestEsDpl GuestEsP
        GuestEsReserved GuestEsGLow GuestEsGHigh GuestEsReservedHigh),
    data_seg!(GuestFsAccessed GuestFsReadable GuestFsS GuestFsDpl GuestFsP
        GuestFsReserved GuestFsGLow GuestFsGHigh GuestFsReservedHigh),
    data_seg!(GuestGsAccessed GuestGsReadable GuestGsS GuestGsDpl GuestGsP
        GuestGsReserved GuestGsGLow GuestGsGHigh GuestGsReservedHigh),
];

/// The guest's segment registers, read once.
struct Segs {
    cs: Seg,
    ss: Seg,
    /// DS, ES, FS, GS.
    data: [Seg; 4],
    tr: Seg,
    ldtr: Seg,
}

/// SDM 27.3.1.2 and 27.3.1.3.
pub(crate) fn check_guest_segments(e: &Env<'_>, v: &mut impl Verdicts<R>) -> ControlFlow<()> {
    let s = e.vmcs;
    let g = Segs {
        cs: Seg::cs(s),
        ss: Seg::ss(s),
        data: [Seg::ds(s), Seg::es(s), Seg::fs(s), Seg::gs(s)],
        tr: Seg::tr(s),
        ldtr: Seg::ldtr(s),
    };
    let v8086 = s.guest_rflags() & rflags::VM != 0;
    let urg = e.unrestricted();
    let [ds, es, fs, gs] = g.data;

    // Selector fields.
    cc!(v, R::GuestTrTi, g.tr.sel & selector::TI != 0);
    cc!(
        v,
        R::GuestLdtrTi,
        g.ldtr.usable() && g.ldtr.sel & selector::TI != 0
    );
    cc!(v, R::GuestSsRpl, !v8086 && !urg && g.ss.rpl() != g.cs.rpl());

    // Base-address fields.
    let v86_all = [g.cs, g.ss, ds, es, fs, gs];
    let v86_base = [
        R::GuestV86CsBase,
        R::GuestV86SsBase,
        R::GuestV86DsBase,
        R::GuestV86EsBase,
        R::GuestV86FsBase,
        R::GuestV86GsBase,
    ];
    for (seg, rule) in v86_all.iter().zip(v86_base) {
        cc!(v, rule, v8086 && seg.base != u64::from(seg.sel) << 4);
    }
    cc!(v, R::GuestTrBaseCanonical, !e.canonical(g.tr.base));
    cc!(v, R::GuestFsBaseCanonical, !e.canonical(fs.base));
    cc!(v, R::GuestGsBaseCanonical, !e.canonical(gs.base));
    cc!(
        v,
        R::GuestLdtrBaseCanonical,
        g.ldtr.usable() && !e.canonical(g.ldtr.base)
    );
    cc!(v, R::GuestCsBaseHigh, g.cs.base >> 32 != 0);
    cc!(v, R::GuestSsBaseHigh, g.ss.usable() && g.ss.base >> 32 != 0);
    cc!(v, R::GuestDsBaseHigh, ds.usable() && ds.base >> 32 != 0);
    cc!(v, R::GuestEsBaseHigh, es.usable() && es.base >> 32 != 0);

    if v8086 {
        let limits = [
            R::GuestV86CsLimit,
            R::GuestV86SsLimit,
            R::GuestV86DsLimit,
            R::GuestV86EsLimit,
            R::GuestV86FsLimit,
            R::GuestV86GsLimit,
        ];
        for (seg, rule) in v86_all.iter().zip(limits) {
            cc!(v, rule, seg.limit != 0xffff);
        }
        let rights = [
            R::GuestV86CsAr,
            R::GuestV86SsAr,
            R::GuestV86DsAr,
            R::GuestV86EsAr,
            R::GuestV86FsAr,
            R::GuestV86GsAr,
        ];
        for (seg, rule) in v86_all.iter().zip(rights) {
            cc!(v, rule, seg.ar != ar::V8086);
        }
    } else {
        check_cs(e, v, &g)?;
        check_ss(e, v, &g)?;
        for (seg, rules) in g.data.iter().zip(&DATA_SEG_RULES) {
            check_data_seg(v, seg, rules, urg)?;
        }
    }
    check_tr(e, v, &g.tr)?;
    check_ldtr(v, &g.ldtr)?;

    // SDM 27.3.1.3, descriptor-table registers.
    cc!(
        v,
        R::GuestGdtrBaseCanonical,
        !e.canonical(s.guest_gdtr_base())
    );
    cc!(
        v,
        R::GuestIdtrBaseCanonical,
        !e.canonical(s.guest_idtr_base())
    );
    cc!(v, R::GuestGdtrLimit, s.guest_gdtr_limit() >> 16 != 0);
    cc!(v, R::GuestIdtrLimit, s.guest_idtr_limit() >> 16 != 0);
    ControlFlow::Continue(())
}

/// The CS access-rights checks outside virtual-8086 mode.
fn check_cs(e: &Env<'_>, v: &mut impl Verdicts<R>, g: &Segs) -> ControlFlow<()> {
    let cs = &g.cs;
    let ty = cs.ty();
    let type_ok = matches!(ty, 9 | 11 | 13 | 15) || (ty == 3 && e.unrestricted());
    cc!(v, R::GuestCsType, !type_ok);
    cc!(v, R::GuestCsS, !cs.has(ar::S));
    cc!(v, R::GuestCsDplData, ty == 3 && cs.dpl() != 0);
    cc!(
        v,
        R::GuestCsDplNonConforming,
        matches!(ty, 9 | 11) && cs.dpl() != g.ss.dpl()
    );
    cc!(
        v,
        R::GuestCsDplConforming,
        matches!(ty, 13 | 15) && cs.dpl() > g.ss.dpl()
    );
    cc!(v, R::GuestCsP, !cs.has(ar::P));
    cc!(v, R::GuestCsReserved, cs.has(ar::RESERVED_11_8));
    cc!(
        v,
        R::GuestCsDbL,
        e.ia32e_guest() && cs.long() && cs.has(ar::DB)
    );
    cc!(v, R::GuestCsGLow, cs.g_too_coarse());
    cc!(v, R::GuestCsGHigh, cs.g_too_fine());
    cc!(v, R::GuestCsReservedHigh, cs.has(ar::RESERVED_31_17));
    cc!(v, R::GuestCsUnusable, !cs.usable());
    ControlFlow::Continue(())
}

/// The SS access-rights checks outside virtual-8086 mode.
fn check_ss(e: &Env<'_>, v: &mut impl Verdicts<R>, g: &Segs) -> ControlFlow<()> {
    let ss = &g.ss;
    let usable = ss.usable();
    let real_mode = e.vmcs.guest_cr0() & cr0::PE == 0;
    cc!(v, R::GuestSsType, usable && !matches!(ss.ty(), 3 | 7));
    cc!(v, R::GuestSsS, usable && !ss.has(ar::S));
    cc!(
        v,
        R::GuestSsDplRpl,
        !e.unrestricted() && ss.dpl() != ss.rpl()
    );
    cc!(
        v,
        R::GuestSsDplZero,
        (g.cs.ty() == 3 || real_mode) && ss.dpl() != 0
    );
    cc!(v, R::GuestSsP, usable && !ss.has(ar::P));
    cc!(v, R::GuestSsReserved, usable && ss.has(ar::RESERVED_11_8));
    cc!(v, R::GuestSsGLow, usable && ss.g_too_coarse());
    cc!(v, R::GuestSsGHigh, usable && ss.g_too_fine());
    cc!(
        v,
        R::GuestSsReservedHigh,
        usable && ss.has(ar::RESERVED_31_17)
    );
    ControlFlow::Continue(())
}

/// The access-rights checks of DS, ES, FS or GS outside virtual-8086 mode.
fn check_data_seg(
    v: &mut impl Verdicts<R>,
    seg: &Seg,
    r: &DataSegRules,
    urg: bool,
) -> ControlFlow<()> {
    if !seg.usable() {
        return ControlFlow::Continue(());
    }
    let ty = seg.ty();
    cc!(v, r.accessed, ty & ar::TYPE_ACCESSED == 0);
    let unreadable_code = ty & ar::TYPE_CODE != 0 && ty & ar::TYPE_READ_WRITE == 0;
    cc!(v, r.readable, unreadable_code);
    cc!(v, r.s, !seg.has(ar::S));
    cc!(v, r.dpl, !urg && ty <= 11 && seg.dpl() < seg.rpl());
    cc!(v, r.p, !seg.has(ar::P));
    cc!(v, r.reserved, seg.has(ar::RESERVED_11_8));
    cc!(v, r.g_low, seg.g_too_coarse());
    cc!(v, r.g_high, seg.g_too_fine());
    cc!(v, r.reserved_high, seg.has(ar::RESERVED_31_17));
    ControlFlow::Continue(())
}

/// The TR access-rights checks.
fn check_tr(e: &Env<'_>, v: &mut impl Verdicts<R>, tr: &Seg) -> ControlFlow<()> {
    let type_ok = match tr.ty() {
        ar::TYPE_BUSY_TSS32 => true,
        ar::TYPE_BUSY_TSS16 => !e.ia32e_guest(),
        _ => false,
    };
    cc!(v, R::GuestTrType, !type_ok);
    cc!(v, R::GuestTrS, tr.has(ar::S));
    cc!(v, R::GuestTrP, !tr.has(ar::P));
    cc!(v, R::GuestTrReserved, tr.has(ar::RESERVED_11_8));
    cc!(v, R::GuestTrGLow, tr.g_too_coarse());
    cc!(v, R::GuestTrGHigh, tr.g_too_fine());
    cc!(v, R::GuestTrUnusable, !tr.usable());
    cc!(v, R::GuestTrReservedHigh, tr.has(ar::RESERVED_31_17));
    ControlFlow::Continue(())
}

/// The LDTR access-rights checks, when LDTR is usable.
fn check_ldtr(v: &mut impl Verdicts<R>, ldtr: &Seg) -> ControlFlow<()> {
    if !ldtr.usable() {
        return ControlFlow::Continue(());
    }
    cc!(v, R::GuestLdtrType, ldtr.ty() != ar::TYPE_LDT);
    cc!(v, R::GuestLdtrS, ldtr.has(ar::S));
    cc!(v, R::GuestLdtrP, !ldtr.has(ar::P));
    cc!(v, R::GuestLdtrReserved, ldtr.has(ar::RESERVED_11_8));
    cc!(v, R::GuestLdtrGLow, ldtr.g_too_coarse());
    cc!(v, R::GuestLdtrGHigh, ldtr.g_too_fine());
    cc!(v, R::GuestLdtrReservedHigh, ldtr.has(ar::RESERVED_31_17));
    ControlFlow::Continue(())
}
