// SPDX-License-Identifier: GPL-2.0

//! One negative and one positive boundary test per SVM rule.
//!
//! Each case starts from the sample entry (a valid 64-bit L2 on nested
//! paging), moves one thing, and asserts exactly which rules fire: the
//! negative case must fire its rule and nothing else, the positive case
//! (the nearest legal value) must fire nothing.

use core::ops::ControlFlow;
use nestvirt_engine::rule::{check_catalogue, Consequence, FirstFailure, Rule, RuleSet, Verdicts};
use nestvirt_engine::svm::bits::{
    attrib, cr0, cr3, cr4, efer, erap_ctl, event_inj, int_ctl, intercept, misc_ctl, misc_ctl2,
};
use nestvirt_engine::svm::{
    check_vmcb02_intercepts, sample, validate_vmrun, Features, Intercepts, KvmCheck, SegReg,
    SvmCaps, SvmClass, SvmRule, Vmcb12, VmrunOperand,
};

/// Everything a nested VMRUN is checked against.
struct Env {
    op: VmrunOperand,
    vmcb: Vmcb12,
    caps: SvmCaps,
    vmcb02: Intercepts,
}

impl Env {
    fn new() -> Self {
        Self {
            op: sample::operand(),
            vmcb: sample::vmcb12(),
            caps: sample::caps(),
            vmcb02: sample::vmcb02_intercepts(),
        }
    }

    fn run(&self, v: &mut impl Verdicts<SvmRule>) -> ControlFlow<()> {
        validate_vmrun(&self.op, &self.vmcb, &self.caps, v)?;
        check_vmcb02_intercepts(&self.vmcb, &self.caps, &self.vmcb02, v)
    }

    fn all(&self) -> RuleSet<SvmRule> {
        let mut set = RuleSet::new();
        let _ = self.run(&mut set);
        set
    }

    fn first(&self) -> Option<SvmRule> {
        let mut first = FirstFailure::default();
        let _ = self.run(&mut first);
        first.0
    }

    fn add(&mut self, f: Features) -> &mut Self {
        self.caps.features = self.caps.features.with(f);
        self
    }

    fn remove(&mut self, f: Features) -> &mut Self {
        self.caps.features = self.caps.features.without(f);
        self
    }

    fn legacy(&mut self) -> &mut Self {
        let e = self.vmcb.efer();
        self.vmcb.set_efer(e & !(efer::LME | efer::LMA));
        self
    }

    fn cr0(&mut self, set: u64, clear: u64) -> &mut Self {
        let v = self.vmcb.cr0();
        self.vmcb.set_cr0((v | set) & !clear);
        self
    }

    fn cr4(&mut self, set: u64, clear: u64) -> &mut Self {
        let v = self.vmcb.cr4();
        self.vmcb.set_cr4((v | set) & !clear);
        self
    }

    fn efer(&mut self, set: u64, clear: u64) -> &mut Self {
        let v = self.vmcb.efer();
        self.vmcb.set_efer((v | set) & !clear);
        self
    }

    fn int_ctl(&mut self, set: u32) -> &mut Self {
        let v = self.vmcb.int_ctl();
        self.vmcb.set_int_ctl(v | set);
        self
    }

    fn cs_attrib(&mut self, set: u16, clear: u16) -> &mut Self {
        let mut cs = self.vmcb.seg(SegReg::Cs);
        cs.attrib = (cs.attrib | set) & !clear;
        self.vmcb.set_seg(SegReg::Cs, cs);
        self
    }
}

const TOP: u64 = 1 << sample::MAXPHYADDR;
const EXC: u32 = event_inj::VALID | (event_inj::TYPE_EXEPT << event_inj::TYPE_SHIFT);

/// One rule: how to break it, and the nearest way to stay legal.
struct Case {
    rule: SvmRule,
    bad: fn(&mut Env),
    good: fn(&mut Env),
}

macro_rules! cases {
    ($($rule:ident: |$e:ident| $bad:expr, |$g:ident| $good:expr;)*) => {
        &[$(Case {
            rule: SvmRule::$rule,
            bad: |$e: &mut Env| { $bad; },
            good: |$g: &mut Env| { $good; },
        },)*]
    };
}

const CASES: &[Case] = cases! {
    VmrunCpl: |e| e.op.cpl = 3, |e| e.op.cpl = 0;
    VmrunHsave: |e| e.op.hsave_pa = 0, |e| e.op.hsave_pa = 0x1000;
    VmrunRaxAlign: |e| e.op.rax = 0x50_0800, |e| e.op.rax = 0x50_1000;
    VmrunRaxMaxphyaddr: |e| e.op.rax = TOP, |e| e.op.rax = TOP - 0x1000;
    EferSvme: |e| e.efer(0, efer::SVME), |e| e.efer(efer::SVME, 0);
    Cr0CdNw: |e| e.cr0(cr0::NW, cr0::CD), |e| e.cr0(cr0::NW | cr0::CD, 0);
    Cr0High: |e| e.cr0(1 << 32, 0), |e| e.cr0(cr0::CD, 0);
    Dr6High: |e| e.vmcb.set_dr6(1 << 32), |e| e.vmcb.set_dr6(0xffff_ffff);
    Dr7High: |e| e.vmcb.set_dr7(1 << 63), |e| e.vmcb.set_dr7(0xffff_ffff);
    LongPae: |e| e.cr4(0, cr4::PAE), |e| e.cr4(0, cr4::PAE).legacy();
    LongPe: |e| e.cr0(0, cr0::PE), |e| e.cr0(0, cr0::PE | cr0::PG);
    Cr3LongMbz: |e| e.vmcb.set_cr3(TOP), |e| e.vmcb.set_cr3(TOP - 0x1000);
    LongCsLd: |e| e.cs_attrib(attrib::DB, 0), |e| e.cs_attrib(attrib::DB, attrib::L);
    Cr4Reserved: |e| e.cr4(1 << 14, 0),
        |e| e.cr4(cr4::DEFINED & !(cr4::VMXE | cr4::LAM_SUP | cr4::LA57), 0);
    Cr4Feature: |e| e.cr4(cr4::LAM_SUP, 0), |e| e.add(Features::LAM).cr4(cr4::LAM_SUP, 0);
    EferLm: |e| e.remove(Features::LM), |e| e.remove(Features::LM).legacy();
    EferMbz: |e| e.efer(efer::TCE, 0), |e| e.add(Features::TCE).efer(efer::TCE, 0);
    Gpat: |e| e.vmcb.set_g_pat(0x0007_0406_0007_0402),
        |e| e.vmcb.set_g_pat(0x0706_0504_0100_0706);
    Cr3LegacyMbz: |e| e.legacy().vmcb.set_cr3(TOP),
        |e| e.legacy().vmcb.set_cr3(0xffff_f000);
    // The guard: in long mode CR3 bits 63:32 below MAXPHYADDR are legal.
    Cr3LegacyHigh: |e| e.legacy().vmcb.set_cr3(1 << 32), |e| e.vmcb.set_cr3(1 << 32);
    CetWp: |e| e.cr4(cr4::CET, 0).cr0(0, cr0::WP), |e| e.cr4(cr4::CET, 0);
    SCetReserved: |e| e.vmcb.set_s_cet(1 << 6), |e| e.vmcb.set_s_cet(0xc3f);
    VmrunIntercept: |e| e.vmcb.set_intercept(intercept::VMRUN, false),
        |e| e.vmcb.set_intercepts(Intercepts::default().set(intercept::VMRUN, true));
    AsidZero: |e| e.vmcb.set_asid(0), |e| e.vmcb.set_asid(1);
    NestedCr3: |e| e.vmcb.set_nested_cr3(TOP), |e| e.vmcb.set_nested_cr3(TOP - 0x1000);
    MsrpmBase: |e| e.vmcb.set_msrpm_base_pa(TOP - 0x1000),
        |e| e.vmcb.set_msrpm_base_pa(TOP - 0x2000 + 0xfff);
    IopmBase: |e| e.vmcb.set_iopm_base_pa(TOP - 0x2000),
        |e| e.vmcb.set_iopm_base_pa(TOP - 0x3000 + 0xfff);
    VnmiIntercept: |e| e.int_ctl(int_ctl::V_NMI_ENABLE).vmcb.set_intercept(intercept::NMI, false),
        |e| e.int_ctl(int_ctl::V_NMI_ENABLE);
    EventType: |e| e.vmcb.set_event_inj(event_inj::VALID | (1 << event_inj::TYPE_SHIFT)),
        |e| e.vmcb.set_event_inj(event_inj::VALID | (event_inj::TYPE_SOFT << event_inj::TYPE_SHIFT) | 0x80);
    EventVector: |e| e.vmcb.set_event_inj(EXC | 2), |e| e.vmcb.set_event_inj(EXC | 30);
    EventReserved: |e| e.vmcb.set_event_inj(EXC | 14 | event_inj::VALID_ERR | (1 << 12)),
        |e| e.vmcb.set_event_inj(EXC | 14 | event_inj::VALID_ERR);
    TlbControl: |e| e.vmcb.set_tlb_ctl(2), |e| e.vmcb.set_tlb_ctl(7);
    TlbFlushAsid: |e| e.remove(Features::FLUSHBYASID).vmcb.set_tlb_ctl(3),
        |e| e.remove(Features::FLUSHBYASID).vmcb.set_tlb_ctl(1);
    MiscCtl: |e| e.vmcb.set_misc_ctl(misc_ctl::NP | misc_ctl::SEV),
        |e| e.vmcb.set_misc_ctl(misc_ctl::NP | misc_ctl::GMET);
    MiscCtl2: |e| e.remove(Features::LBRV).vmcb.set_misc_ctl2(misc_ctl2::V_LBR),
        |e| e.vmcb.set_misc_ctl2(misc_ctl2::V_LBR | misc_ctl2::V_VMLOAD_VMSAVE);
    ErapCtl: |e| e.vmcb.set_erap_ctl(erap_ctl::ALLOW_LARGER_RAP),
        |e| e.add(Features::ERAPS).vmcb.set_erap_ctl(erap_ctl::ALLOW_LARGER_RAP | erap_ctl::CLEAR_RAP);
    Vgif: |e| e.remove(Features::VGIF).int_ctl(int_ctl::V_GIF_ENABLE),
        |e| e.int_ctl(int_ctl::V_GIF_ENABLE | int_ctl::V_GIF);
    Vnmi: |e| e.remove(Features::VNMI).int_ctl(int_ctl::V_NMI_PENDING),
        |e| e.int_ctl(int_ctl::VNMI);
    Avic: |e| e.int_ctl(int_ctl::AVIC_ENABLE), |e| e.add(Features::AVIC).int_ctl(int_ctl::AVIC_ENABLE);
    X2avic: |e| e.add(Features::AVIC).int_ctl(int_ctl::AVIC_ENABLE | int_ctl::X2APIC_MODE),
        |e| e.add(Features::AVIC | Features::X2AVIC).int_ctl(int_ctl::AVIC_ENABLE | int_ctl::X2APIC_MODE);
    X2avicWithoutAvic: |e| e.add(Features::AVIC | Features::X2AVIC).int_ctl(int_ctl::X2APIC_MODE),
        |e| e.add(Features::AVIC | Features::X2AVIC).int_ctl(int_ctl::AVIC_ENABLE | int_ctl::X2APIC_MODE);
    IntCtlReserved: |e| e.int_ctl(1 << 10),
        |e| e.add(Features::AVIC | Features::X2AVIC).int_ctl(int_ctl::DEFINED);
    IntVectorReserved: |e| e.vmcb.set_int_vector(0x100), |e| e.vmcb.set_int_vector(0xff);
    Vmcb02Vmrun: |e| { e.vmcb02.set(intercept::VMRUN, false); },
        |e| e.vmcb02 = sample::vmcb02_intercepts();
    Vmcb02VmloadVmsave: |e| { e.vmcb02.set(intercept::VMSAVE, false); },
        |e| {
            e.vmcb.set_misc_ctl2(misc_ctl2::V_VMLOAD_VMSAVE);
            e.vmcb02.set(intercept::VMLOAD, false).set(intercept::VMSAVE, false);
        };
    Vmcb02L1Intercepts: |e| { e.vmcb02.set(intercept::MSR_PROT, false); },
        |e| { e.remove(Features::XSAVE).vmcb.set_intercept(intercept::XSETBV, true); };
};

#[test]
fn test_baseline_passes() {
    let e = Env::new();
    assert!(e.all().is_empty(), "{:?}", e.all());
    assert_eq!(e.first(), None);
}

#[test]
fn test_every_rule_has_exactly_one_case() {
    for r in SvmRule::ALL {
        assert_eq!(CASES.iter().filter(|c| c.rule == *r).count(), 1, "{r:?}");
    }
    assert_eq!(CASES.len(), SvmRule::ALL.len());
}

#[test]
fn test_negative_cases_fire_exactly_their_rule() {
    for c in CASES {
        let mut e = Env::new();
        (c.bad)(&mut e);
        let all = e.all();
        assert_eq!(all.iter().collect::<Vec<_>>(), vec![c.rule], "{:?}", c.rule);
        assert_eq!(e.first(), Some(c.rule), "{:?}", c.rule);
    }
}

#[test]
fn test_positive_boundaries_pass() {
    for c in CASES {
        let mut e = Env::new();
        (c.good)(&mut e);
        assert!(e.all().is_empty(), "{:?}: {:?}", c.rule, e.all());
    }
}

/// Guards that end in a hardening rule: the architectural rule applies only
/// with the feature, and without it the bit is the hardening rule's alone
/// (a valid L1 of hardware without the feature is never rejected in the
/// architectural classes).
#[test]
fn test_feature_guards_leave_the_bit_to_hardening() {
    let mut e = Env::new();
    e.remove(Features::VNMI)
        .int_ctl(int_ctl::V_NMI_ENABLE)
        .vmcb
        .set_intercept(intercept::NMI, false);
    assert_eq!(e.all().iter().collect::<Vec<_>>(), vec![SvmRule::Vnmi]);
    let mut e = Env::new();
    e.add(Features::AVIC).int_ctl(int_ctl::X2APIC_MODE);
    assert_eq!(e.all().iter().collect::<Vec<_>>(), vec![SvmRule::X2avic]);
}

/// Guards on a feature or an enable bit: the state on the passing side of
/// each guard, next to what the negative case sets, must be clean (found
/// missing by cargo-mutants: a guard turned always-true went unnoticed).
#[test]
fn test_guards_pass_on_their_clean_side() {
    type Clean = (&'static str, fn(&mut Env));
    let clean: [Clean; 5] = [
        ("no vGIF, V_GIF_ENABLE clear", |e| {
            e.remove(Features::VGIF);
        }),
        ("no vNMI, no vNMI bit", |e| {
            e.remove(Features::VNMI)
                .vmcb
                .set_intercept(intercept::NMI, false);
        }),
        ("CR4.CET clear, CR0.WP clear", |e| {
            e.cr4(0, cr4::CET).cr0(0, cr0::WP);
        }),
        ("no CET, CR4.CET clear", |e| {
            e.remove(Features::SHSTK | Features::IBT).cr4(0, cr4::CET);
        }),
        ("no x2AVIC, x2APIC_MODE clear", |e| {
            e.remove(Features::X2AVIC);
        }),
    ];
    for (what, f) in clean {
        let mut e = Env::new();
        f(&mut e);
        assert!(e.all().is_empty(), "{what}: {:?}", e.all());
    }
    // Virtual VMLOAD/VMSAVE needs nested paging in vmcb12 too: without
    // NP_ENABLE, vmcb02 must intercept VMLOAD and VMSAVE.
    let mut e = Env::new();
    e.vmcb.set_misc_ctl(0);
    e.vmcb.set_misc_ctl2(misc_ctl2::V_VMLOAD_VMSAVE);
    e.vmcb02
        .set(intercept::VMLOAD, false)
        .set(intercept::VMSAVE, false);
    assert!(
        e.all().contains(SvmRule::Vmcb02VmloadVmsave),
        "{:?}",
        e.all()
    );
    // Without CET, CR4.CET is a missing feature.
    let mut e = Env::new();
    e.remove(Features::SHSTK | Features::IBT).cr4(cr4::CET, 0);
    assert!(e.all().contains(SvmRule::Cr4Feature), "{:?}", e.all());
}

#[test]
fn test_hardening_rules_are_the_reviewed_ones() {
    let hardening: Vec<_> = SvmRule::ALL
        .iter()
        .filter(|r| r.info().basis.is_hardening())
        .map(|r| r.info().id)
        .collect();
    assert_eq!(
        hardening,
        [
            "SVM-VMRUN-HSAVE",
            "SVM-SAVE-CR3-LEGACY-HIGH",
            "SVM-EVENT-RSVD",
            "SVM-CTL-TLB-CONTROL",
            "SVM-CTL-TLB-FLUSH-ASID",
            "SVM-CTL-MISC-UNSUPPORTED",
            "SVM-CTL-MISC2-UNSUPPORTED",
            "SVM-CTL-ERAP-UNSUPPORTED",
            "SVM-INTCTL-VGIF",
            "SVM-INTCTL-VNMI",
            "SVM-INTCTL-AVIC",
            "SVM-INTCTL-X2AVIC",
            "SVM-INTCTL-RSVD",
            "SVM-INTCTL-VECTOR-RSVD",
            "SVM-VMCB02-VMRUN",
            "SVM-VMCB02-VMLOAD-VMSAVE",
            "SVM-VMCB02-L1-INTERCEPTS",
        ]
    );
}

#[test]
fn test_catalogue_is_well_formed() {
    assert_eq!(check_catalogue::<SvmRule>(), Ok(()));
    for r in SvmRule::ALL {
        let info = r.info();
        // The VMRUN instruction's own checks raise #GP, in whichever class.
        let want = match info.id.starts_with("SVM-VMRUN-") {
            true => Consequence::GeneralProtection,
            false => Consequence::VmexitInvalid,
        };
        assert_eq!(info.consequence, want, "{r:?}");
        assert!(info.id.starts_with("SVM-"), "{r:?}");
        let s = r.source();
        assert!(!s.kvm_site.is_empty() && !s.apm.is_empty(), "{r:?}");
    }
}

#[test]
fn test_kvm_coverage_is_recorded() {
    let count = |k| SvmRule::ALL.iter().filter(|r| r.source().kvm == k).count();
    assert_eq!(count(KvmCheck::Checked), 25);
    assert_eq!(count(KvmCheck::Partial), 2);
    assert_eq!(count(KvmCheck::NotChecked), 16);
    assert_eq!(count(KvmCheck::Constructs), 3);
    // The rules KVM checks come first in their class: KVM's order.
    for class in SvmClass::ALL {
        let kinds: Vec<_> = SvmRule::ALL
            .iter()
            .filter(|r| r.info().class == class && r.source().kvm != KvmCheck::Constructs)
            .map(|r| r.source().kvm == KvmCheck::Checked)
            .collect();
        assert!(kinds.windows(2).all(|w| w[0] || !w[1]), "{class:?}");
    }
}

#[test]
fn test_cr3_lam_bits_need_lam() {
    let mut e = Env::new();
    e.vmcb.set_cr3(cr3::LAM_U48 | 0x40_0000);
    assert_eq!(e.first(), Some(SvmRule::Cr3LongMbz));
    e.add(Features::LAM);
    assert_eq!(e.first(), None);
    e.vmcb.set_cr3(cr3::LAM_U48 | cr3::LAM_U57 | 0x40_0000);
    assert_eq!(e.first(), None);
}

#[test]
fn test_event_vectors_follow_features() {
    let mut e = Env::new();
    e.vmcb.set_event_inj(EXC | 29);
    assert_eq!(e.first(), Some(SvmRule::EventVector));
    e.add(Features::SEV_ES);
    assert_eq!(e.first(), None);
    e.vmcb.set_event_inj(EXC | 21);
    assert_eq!(e.first(), None);
    e.remove(Features::SHSTK);
    assert_eq!(e.first(), Some(SvmRule::EventVector));
    for v in [9, 15, 20, 22, 31, 32, 255] {
        e.vmcb.set_event_inj(EXC | v);
        assert_eq!(e.first(), Some(SvmRule::EventVector), "vector {v}");
    }
    // Without V, EVENTINJ is not looked at.
    e.vmcb.set_event_inj(!event_inj::VALID);
    assert_eq!(e.first(), None);
}

#[test]
fn test_nested_cr3_unchecked_without_nested_paging() {
    let mut e = Env::new();
    e.vmcb
        .set_misc_ctl(0)
        .set_nested_cr3(u64::MAX)
        .set_g_pat(u64::MAX);
    assert_eq!(e.first(), None);
}

#[test]
fn test_bitmap_at_top_of_address_space_wraps() {
    let mut e = Env::new();
    e.caps.maxphyaddr = 64;
    e.vmcb.set_msrpm_base_pa(u64::MAX);
    assert_eq!(e.first(), Some(SvmRule::MsrpmBase));
    e.vmcb.set_msrpm_base_pa(u64::MAX - 0x2fff);
    assert_eq!(e.first(), None);
}

#[test]
fn test_efer_undefined_bit_is_mbz() {
    let mut e = Env::new();
    e.efer(1 << 1, 0);
    assert_eq!(e.first(), Some(SvmRule::EferMbz));
}

#[test]
fn test_first_failure_order_is_check_order() {
    let mut e = Env::new();
    e.op.cpl = 3;
    e.vmcb.set_asid(0).set_efer(0);
    assert_eq!(e.first(), Some(SvmRule::VmrunCpl));
    let all = e.all();
    assert_eq!(all.first(), Some(SvmRule::VmrunCpl));
    assert!(all.contains(SvmRule::AsidZero) && all.contains(SvmRule::EferSvme));
}

#[test]
fn test_vmcb_from_bytes() {
    use nestvirt_engine::svm::layout::VMCB_USED;
    assert!(Vmcb12::from_bytes(&[0; VMCB_USED - 1]).is_none());
    assert!(Vmcb12::view(&[0; VMCB_USED - 1]).is_none());
    assert!(Vmcb12::from_bytes(&[0; VMCB_USED]).is_some());
    let mut page = [0u8; 4096];
    sample::vmcb12().write_page(&mut page);
    let v = Vmcb12::from_bytes(&page).expect("a full page");
    assert_eq!(v, sample::vmcb12());
    assert_eq!(Vmcb12::from_page(&page), v);
    // Little-endian at the kernel's offsets.
    assert_eq!(page[0x058], 1, "asid");
    assert_eq!(page[0x400 + 0xd0 + 1], 0x1d, "EFER.LME|LMA|NX|SVME");
    assert_eq!(
        &page[0x410 + 2..0x410 + 4],
        &0x29bu16.to_le_bytes(),
        "cs.attrib"
    );
}
