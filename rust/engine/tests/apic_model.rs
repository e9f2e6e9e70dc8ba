// SPDX-License-Identifier: GPL-2.0

//! The APIC-virtualization model (`nestvirt_engine::apic`) against the
//! SDM's pseudocode, case by case ("APIC Virtualization and Virtual
//! Interrupts": TPR, PPR, EOI and self-IPI virtualization, evaluation and
//! delivery of pending virtual interrupts, the APIC-access page's read and
//! write lists, APIC-write emulation, the x2APIC MSRs, posted-interrupt
//! processing), each case with the boundary its condition names, then
//! property tests over random pages, controls and operations.

use nestvirt_engine::apic::{
    access, page, posted,
    virt::{
        EXIT_APIC_ACCESS, EXIT_APIC_WRITE, EXIT_EXTERNAL_INTERRUPT, EXIT_TPR_BELOW_THRESHOLD,
        EXIT_VIRTUALIZED_EOI,
    },
    ApicPage, Controls, Outcome, VirtualApic,
};
use proptest::prelude::*;

type Page = [u8; page::PAGE_SIZE];
type Vapic = VirtualApic<Page>;

fn vapic() -> Vapic {
    VirtualApic::new([0; page::PAGE_SIZE], 0)
}

/// TPR shadow and virtual-interrupt delivery, as KVM's L1s set them.
fn vid() -> Controls {
    Controls {
        use_tpr_shadow: true,
        virtualize_apic_accesses: true,
        virtual_interrupt_delivery: true,
        ..Controls::default()
    }
}

/// Virtual-interrupt delivery and APIC-register virtualization.
fn arv() -> Controls {
    Controls {
        apic_register_virtualization: true,
        ..vid()
    }
}

/// TPR shadow only, with a TPR threshold.
fn shadow(threshold: u32) -> Controls {
    Controls {
        use_tpr_shadow: true,
        virtualize_apic_accesses: true,
        tpr_threshold: threshold,
        ..Controls::default()
    }
}

fn set_vtpr(v: &mut Vapic, vtpr: u32) {
    v.page.write32(page::TPR, vtpr);
}

fn exit(reason: u32, qualification: u64) -> Outcome {
    Outcome::exit(reason, qualification)
}

// ---- controls -------------------------------------------------------------

#[test]
fn controls_decode_vmcs_bits_and_ignore_inactive_secondary() {
    let c = Controls::from_vmcs(
        1 << 7,
        (1 << 21) | (1 << 31) | (1 << 2),
        0x311,
        5,
        [0; 4],
        0xf2,
    );
    assert!(c.process_posted_interrupts && c.use_tpr_shadow && c.interrupt_window_exiting);
    assert!(c.virtualize_apic_accesses && c.virtualize_x2apic_mode);
    assert!(c.apic_register_virtualization && c.virtual_interrupt_delivery);
    // The same secondary word without "activate secondary controls".
    let c = Controls::from_vmcs(0, 1 << 21, 0x311, 5, [0; 4], 0xf2);
    assert!(c.use_tpr_shadow && !c.virtualize_apic_accesses && !c.virtual_interrupt_delivery);
    assert!(!c.virtualize_x2apic_mode && !c.apic_register_virtualization);
}

#[test]
fn guest_interrupt_status_is_svi_high_rvi_low() {
    let v = VirtualApic::new([0u8; page::PAGE_SIZE], 0x4031);
    assert_eq!((v.rvi, v.svi), (0x31, 0x40));
    assert_eq!(v.guest_interrupt_status(), 0x4031);
}

// ---- PPR, TPR -------------------------------------------------------------

#[test]
fn ppr_is_vtpr_when_its_class_is_at_least_svis() {
    let mut v = vapic();
    set_vtpr(&mut v, 0x57);
    v.svi = 0x5f; // same class: VTPR wins, low bits kept
    v.ppr_virtualization();
    assert_eq!(v.page.read32(page::PPR), 0x57);
    v.svi = 0x60; // higher class: SVI's class, low bits 0
    v.ppr_virtualization();
    assert_eq!(v.page.read32(page::PPR), 0x60);
}

#[test]
fn ppr_virtualization_clears_bits_31_8() {
    let mut v = vapic();
    v.page.write32(page::PPR, 0xdead_beef);
    set_vtpr(&mut v, 0x20);
    v.ppr_virtualization();
    assert_eq!(v.page.read32(page::PPR), 0x20);
}

#[test]
fn tpr_below_threshold_exits_only_below_and_only_without_vid() {
    let mut v = vapic();
    set_vtpr(&mut v, 0x30);
    assert_eq!(
        v.tpr_virtualization(&shadow(4)),
        exit(EXIT_TPR_BELOW_THRESHOLD, 0)
    );
    assert_eq!(v.tpr_virtualization(&shadow(3)), Outcome::Continue);
    // Bits 3:0 of the threshold only.
    assert_eq!(v.tpr_virtualization(&shadow(0x13)), Outcome::Continue);
    // With virtual-interrupt delivery the threshold plays no part.
    let ctl = Controls {
        tpr_threshold: 0xf,
        ..vid()
    };
    assert_eq!(v.tpr_virtualization(&ctl), Outcome::Continue);
    assert_eq!(v.vppr(), 0x30);
}

#[test]
fn mov_to_cr8_sets_vtpr_7_4_and_clears_the_rest() {
    let mut v = vapic();
    set_vtpr(&mut v, 0xffff_ff0f);
    assert_eq!(
        access::mov_to_cr8(&mut v, &shadow(0), 0x9),
        Outcome::Continue
    );
    assert_eq!(v.page.read32(page::TPR), 0x90);
    assert_eq!(access::mov_from_cr8(&v), 0x9);
    assert_eq!(
        access::mov_to_cr8(&mut v, &shadow(0), 0x10),
        Outcome::GeneralProtection
    );
    assert_eq!(v.page.read32(page::TPR), 0x90);
    assert_eq!(
        access::mov_to_cr8(&mut v, &shadow(0xa), 0x9),
        exit(EXIT_TPR_BELOW_THRESHOLD, 0)
    );
}

// ---- evaluation and delivery ----------------------------------------------

#[test]
fn a_virtual_interrupt_is_recognized_when_rvis_class_exceeds_vpprs() {
    let mut v = vapic();
    v.page.write32(page::PPR, 0x40);
    v.rvi = 0x4f;
    assert!(!v.evaluate_pending(&vid()));
    v.rvi = 0x50;
    assert!(v.evaluate_pending(&vid()));
    let window = Controls {
        interrupt_window_exiting: true,
        ..vid()
    };
    assert!(!v.evaluate_pending(&window));
    assert!(!v.recognized);
}

#[test]
fn delivery_moves_the_vector_from_virr_to_visr() {
    let mut v = vapic();
    page::set_vector(&mut v.page, page::IRR, 0x51, true);
    page::set_vector(&mut v.page, page::IRR, 0x33, true);
    v.rvi = 0x51;
    assert_eq!(v.deliver(), None, "nothing recognized, nothing delivered");
    assert!(v.evaluate_pending(&vid()));
    assert_eq!(v.deliver(), Some(0x51));
    assert!(page::test_vector(&v.page, page::ISR, 0x51));
    assert!(!page::test_vector(&v.page, page::IRR, 0x51));
    assert_eq!((v.svi, v.rvi, v.vppr()), (0x51, 0x33, 0x50));
    assert!(!v.recognized);
    // The last one: RVI falls to 0.
    v.ppr_virtualization();
    v.page.write32(page::PPR, 0);
    assert!(v.evaluate_pending(&vid()));
    assert_eq!(v.deliver(), Some(0x33));
    assert_eq!(v.rvi, 0);
}

#[test]
fn vm_entry_performs_ppr_virtualization_then_evaluation() {
    let mut v = VirtualApic::new([0u8; page::PAGE_SIZE], 0x0061);
    v.page.write32(page::PPR, 0xf0); // stale: the entry recomputes it
    assert_eq!(v.vm_entry(&vid()), Outcome::Continue);
    assert_eq!(v.vppr(), 0);
    assert!(v.recognized);
    let mut v = vapic();
    set_vtpr(&mut v, 0x20);
    assert_eq!(v.vm_entry(&shadow(3)), exit(EXIT_TPR_BELOW_THRESHOLD, 0));
    assert_eq!(v.vm_entry(&shadow(2)), Outcome::Continue);
    assert_eq!(v.vm_entry(&Controls::default()), Outcome::Continue);
}

// ---- EOI, self-IPI --------------------------------------------------------

#[test]
fn eoi_clears_svi_finds_the_next_and_evaluates() {
    let mut v = vapic();
    page::set_vector(&mut v.page, page::ISR, 0x61, true);
    page::set_vector(&mut v.page, page::ISR, 0x42, true);
    v.svi = 0x61;
    v.rvi = 0x50;
    v.page.write32(page::EOI, 0x1234);
    assert_eq!(v.eoi_virtualization(&vid()), Outcome::Continue);
    assert!(!page::test_vector(&v.page, page::ISR, 0x61));
    assert_eq!((v.svi, v.vppr(), v.page.read32(page::EOI)), (0x42, 0x40, 0));
    assert!(v.recognized, "0x50 beats the PPR of 0x40");
    assert_eq!(v.eoi_virtualization(&vid()), Outcome::Continue);
    assert_eq!(v.svi, 0);
}

#[test]
fn eoi_of_a_vector_in_the_eoi_exit_bitmap_exits_with_it() {
    let mut v = vapic();
    page::set_vector(&mut v.page, page::ISR, 0x81, true);
    v.svi = 0x81;
    let mut ctl = vid();
    ctl.eoi_exit_bitmap[2] = 1 << 1;
    assert_eq!(v.eoi_virtualization(&ctl), exit(EXIT_VIRTUALIZED_EOI, 0x81));
    assert!(!page::test_vector(&v.page, page::ISR, 0x81));
    // Its neighbour's bit does not count.
    page::set_vector(&mut v.page, page::ISR, 0x80, true);
    v.svi = 0x80;
    assert_eq!(v.eoi_virtualization(&ctl), Outcome::Continue);
}

#[test]
fn self_ipi_sets_virr_and_raises_rvi_only() {
    let mut v = vapic();
    v.rvi = 0x40;
    v.self_ipi_virtualization(&vid(), 0x30);
    assert!(page::test_vector(&v.page, page::IRR, 0x30));
    assert_eq!(v.rvi, 0x40);
    v.self_ipi_virtualization(&vid(), 0x90);
    assert_eq!(v.rvi, 0x90);
    assert!(v.recognized);
}

// ---- the APIC-access page --------------------------------------------------

/// The SDM's lists, written out: reads with APIC-register virtualization.
fn readable(off: u16) -> bool {
    matches!(
        off,
        0x20 | 0x30 | 0x80 | 0xb0 | 0xd0 | 0xe0 | 0xf0 | 0x280 | 0x300 | 0x310 | 0x380 | 0x3e0
    ) || (0x100..=0x270).contains(&off)
        || (0x320..=0x370).contains(&off)
}

/// Which offsets a control setting virtualizes.
type OffsetList = fn(u16) -> bool;

/// Writes with APIC-register virtualization.
fn writable_arv(off: u16) -> bool {
    matches!(
        off,
        0x20 | 0x80 | 0xb0 | 0xd0 | 0xe0 | 0xf0 | 0x280 | 0x300 | 0x310 | 0x380 | 0x3e0
    ) || (0x320..=0x370).contains(&off)
}

#[test]
fn reads_without_register_virtualization_reach_only_vtpr() {
    let mut v = vapic();
    set_vtpr(&mut v, 0x12345670);
    assert_eq!(access::mmio_read(&v, &vid(), 0x80, 4), Ok(0x12345670));
    assert_eq!(access::mmio_read(&v, &vid(), 0x81, 1), Ok(0x56));
    for off in (0..0x400u16)
        .step_by(0x10)
        .filter(|&o| readable(o) && o != 0x80)
    {
        assert_eq!(
            access::mmio_read(&v, &vid(), off, 4),
            Err(exit(
                EXIT_APIC_ACCESS,
                u64::from(off) | access::ACCESS_LINEAR_READ
            )),
            "offset {off:#x}"
        );
    }
}

#[test]
fn reads_with_register_virtualization_follow_the_sdm_list() {
    let mut v = vapic();
    let ctl = arv();
    for off in (0..0x1000u16).step_by(0x10) {
        v.page.write32(off, u32::from(off) | 0xa000_0000);
        let got = access::mmio_read(&v, &ctl, off, 4);
        if readable(off) {
            assert_eq!(got, Ok(u32::from(off) | 0xa000_0000), "offset {off:#x}");
        } else {
            assert!(
                matches!(
                    got,
                    Err(Outcome::Exit {
                        reason: EXIT_APIC_ACCESS,
                        ..
                    })
                ),
                "offset {off:#x}"
            );
        }
    }
    // PPR and the current count are not in the list.
    assert!(access::mmio_read(&v, &ctl, 0xa0, 4).is_err());
    assert!(access::mmio_read(&v, &ctl, 0x390, 4).is_err());
}

#[test]
fn accesses_beyond_the_low_four_bytes_of_a_16_byte_field_exit() {
    let v = vapic();
    let ctl = arv();
    assert!(access::mmio_read(&v, &ctl, 0x80, 4).is_ok());
    assert!(access::mmio_read(&v, &ctl, 0x83, 1).is_ok());
    assert!(
        access::mmio_read(&v, &ctl, 0x82, 4).is_err(),
        "crosses byte 83H"
    );
    assert!(
        access::mmio_read(&v, &ctl, 0x84, 4).is_err(),
        "bytes 84H-87H"
    );
    assert!(
        access::mmio_read(&v, &ctl, 0x80, 8).is_err(),
        "more than 32 bits"
    );
    assert!(access::mmio_read(&v, &ctl, 0x80, 0).is_err());
    let no_shadow = Controls {
        use_tpr_shadow: false,
        ..ctl
    };
    assert!(
        access::mmio_read(&v, &no_shadow, 0x80, 4).is_err(),
        "no TPR shadow"
    );
}

#[test]
fn writes_are_virtualized_per_the_controls() {
    let cases: [(Controls, OffsetList); 3] = [
        (shadow(0), |o| o == 0x80),
        (vid(), |o| matches!(o, 0x80 | 0xb0 | 0x300)),
        (arv(), writable_arv),
    ];
    for (ctl, listed) in cases {
        for off in (0..0x1000u16).step_by(0x10) {
            let mut v = vapic();
            let out = access::mmio_write(&mut v, &ctl, off, 4, 0);
            let access_exit = exit(
                EXIT_APIC_ACCESS,
                u64::from(off) | access::ACCESS_LINEAR_WRITE,
            );
            assert_eq!(out != access_exit, listed(off), "offset {off:#x}, {ctl:?}");
        }
    }
}

#[test]
fn an_apic_access_exit_writes_nothing() {
    let mut v = vapic();
    assert!(matches!(
        access::mmio_write(&mut v, &shadow(0), 0xd0, 4, 0xffff_ffff),
        Outcome::Exit { .. }
    ));
    assert_eq!(v.page, [0; page::PAGE_SIZE]);
}

#[test]
fn a_tpr_write_clears_bytes_81_83_then_virtualizes_the_tpr() {
    let mut v = vapic();
    assert_eq!(
        access::mmio_write(&mut v, &vid(), 0x80, 4, 0xdead_be40),
        Outcome::Continue
    );
    assert_eq!(v.page.read32(page::TPR), 0x40);
    assert_eq!(v.vppr(), 0x40);
    // A byte write to 81H is virtualized, then cleared by the emulation.
    assert_eq!(
        access::mmio_write(&mut v, &vid(), 0x81, 1, 0xff),
        Outcome::Continue
    );
    assert_eq!(v.page.read32(page::TPR), 0x40);
    assert_eq!(
        access::mmio_write(&mut v, &shadow(5), 0x80, 4, 0x40),
        exit(EXIT_TPR_BELOW_THRESHOLD, 0)
    );
}

#[test]
fn an_eoi_write_is_eoi_virtualization_with_vid_else_an_apic_write_exit() {
    let mut v = vapic();
    page::set_vector(&mut v.page, page::ISR, 0x70, true);
    v.svi = 0x70;
    assert_eq!(
        access::mmio_write(&mut v, &vid(), 0xb0, 4, 0),
        Outcome::Continue
    );
    assert_eq!(v.svi, 0);
    let arv_only = Controls {
        apic_register_virtualization: true,
        ..shadow(0)
    };
    assert_eq!(
        access::mmio_write(&mut v, &arv_only, 0xb0, 4, 0),
        exit(EXIT_APIC_WRITE, 0xb0)
    );
}

#[test]
fn icr_low_self_ipis_are_virtualized_and_nothing_else_is() {
    // Fixed, edge, shorthand self, vector 0x41.
    let self_ipi = 0x0004_0041;
    assert!(access::is_virtualized_self_ipi(self_ipi));
    for (icr, why) in [
        (self_ipi | 1 << 15, "level-triggered"),
        (self_ipi | 1 << 12, "delivery status"),
        (self_ipi | 1 << 13, "reserved bit 13"),
        (self_ipi | 1 << 16, "reserved bit 16"),
        (self_ipi | 1 << 20, "reserved bit 20"),
        (self_ipi | 1 << 8, "not fixed"),
        (0x0000_0041, "no shorthand"),
        (0x000c_0041, "all including self"),
        (0x0004_000f, "vector below 16"),
    ] {
        assert!(!access::is_virtualized_self_ipi(icr), "{why}");
        let mut v = vapic();
        assert_eq!(
            access::mmio_write(&mut v, &vid(), 0x300, 4, icr),
            exit(EXIT_APIC_WRITE, 0x300),
            "{why}"
        );
        assert!(!page::test_vector(&v.page, page::IRR, icr as u8), "{why}");
    }
    assert!(
        access::is_virtualized_self_ipi(0x0004_0010),
        "vector 16 is the first"
    );
    let mut v = vapic();
    assert_eq!(
        access::mmio_write(&mut v, &vid(), 0x300, 4, self_ipi),
        Outcome::Continue
    );
    assert!(page::test_vector(&v.page, page::IRR, 0x41));
    assert_eq!(v.rvi, 0x41);
    // Register virtualization alone writes ICR low but exits for it.
    let arv_only = Controls {
        apic_register_virtualization: true,
        ..shadow(0)
    };
    let mut v = vapic();
    assert_eq!(
        access::mmio_write(&mut v, &arv_only, 0x300, 4, self_ipi),
        exit(EXIT_APIC_WRITE, 0x300)
    );
    assert_eq!(v.page.read32(page::ICR_LO), self_ipi);
}

#[test]
fn icr_high_keeps_only_its_top_byte_and_never_exits() {
    let mut v = vapic();
    let ctl = arv();
    assert_eq!(
        access::mmio_write(&mut v, &ctl, 0x310, 4, 0x1234_5678),
        Outcome::Continue
    );
    assert_eq!(v.page.read32(page::ICR_HI), 0x1200_0000);
}

#[test]
fn other_virtualized_writes_land_then_exit_trap_like() {
    let mut v = vapic();
    let ctl = arv();
    assert_eq!(
        access::mmio_write(&mut v, &ctl, 0x320, 4, 0x0001_00ef),
        exit(EXIT_APIC_WRITE, 0x320)
    );
    assert_eq!(v.page.read32(0x320), 0x0001_00ef);
    assert_eq!(
        access::mmio_write(&mut v, &ctl, 0x322, 2, 0xabcd),
        exit(EXIT_APIC_WRITE, 0x320)
    );
    assert_eq!(v.page.read32(0x320), 0xabcd_00ef);
}

// ---- x2APIC MSRs ------------------------------------------------------------

fn x2(arv: bool) -> Controls {
    Controls {
        virtualize_x2apic_mode: true,
        apic_register_virtualization: arv,
        ..vid()
    }
}

#[test]
fn rdmsr_reads_eight_bytes_at_the_msrs_offset() {
    let mut v = vapic();
    v.page.write32(0x80, 0x50);
    v.page.write32(0x84, 0x7);
    v.page.write32(0x300, 0x4041);
    v.page.write32(0x304, 0x99);
    assert_eq!(access::rdmsr(&v, &x2(false), 0x808), Some(0x7_0000_0050));
    assert_eq!(
        access::rdmsr(&v, &x2(false), 0x830),
        None,
        "ICR needs register virtualization"
    );
    assert_eq!(access::rdmsr(&v, &x2(true), 0x830), Some(0x99_0000_4041));
    assert_eq!(access::rdmsr(&v, &x2(true), 0x8ff), Some(0));
    assert_eq!(access::rdmsr(&v, &x2(true), 0x900), None);
    assert_eq!(access::rdmsr(&v, &x2(true), 0x7ff), None);
    assert_eq!(
        access::rdmsr(&v, &vid(), 0x808),
        None,
        "no x2APIC virtualization"
    );
}

#[test]
fn wrmsr_tpr_eoi_and_self_ipi() {
    let mut v = vapic();
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x808, 0x100),
        Some(Outcome::GeneralProtection)
    );
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x808, 0x60),
        Some(Outcome::Continue)
    );
    assert_eq!((v.vtpr(), v.vppr()), (0x60, 0x60));
    page::set_vector(&mut v.page, page::ISR, 0x70, true);
    v.svi = 0x70;
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x80b, 1),
        Some(Outcome::GeneralProtection)
    );
    assert_eq!(v.svi, 0x70, "a faulting EOI changes nothing");
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x80b, 0),
        Some(Outcome::Continue)
    );
    assert_eq!(v.svi, 0);
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x83f, 0x1_0041),
        Some(Outcome::GeneralProtection)
    );
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x83f, 0x41),
        Some(Outcome::Continue)
    );
    assert!(page::test_vector(&v.page, page::IRR, 0x41));
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x83f, 0xf),
        Some(exit(EXIT_APIC_WRITE, 0x3f0))
    );
    assert!(!page::test_vector(&v.page, page::IRR, 0xf));
    // Without virtual-interrupt delivery EOI and SELF IPI run normally.
    let no_vid = Controls {
        virtual_interrupt_delivery: false,
        ..x2(false)
    };
    assert_eq!(access::wrmsr(&mut v, &no_vid, 0x80b, 0), None);
    assert_eq!(access::wrmsr(&mut v, &no_vid, 0x83f, 0x1_0000), None);
    assert_eq!(
        access::wrmsr(&mut v, &x2(true), 0x830, 0),
        None,
        "ICR writes are never virtualized"
    );
    assert_eq!(access::wrmsr(&mut v, &vid(), 0x808, 0), None);
}

// ---- posted interrupts --------------------------------------------------------

fn pi() -> Controls {
    Controls {
        process_posted_interrupts: true,
        posted_interrupt_notification_vector: 0xf2,
        ..vid()
    }
}

#[test]
fn the_notification_vector_moves_pir_into_virr() {
    let mut v = vapic();
    v.rvi = 0x30;
    let mut pid = posted::Descriptor::default();
    assert!(pid.post(0x45));
    assert!(!pid.post(0x21), "ON already set: no second notification");
    assert_eq!(
        posted::process(&mut v, &pi(), &mut pid, 0xf2),
        Outcome::Continue
    );
    assert!(!pid.on());
    assert_eq!(pid.pir, [0; 4]);
    assert!(
        page::test_vector(&v.page, page::IRR, 0x45) && page::test_vector(&v.page, page::IRR, 0x21)
    );
    assert_eq!(v.rvi, 0x45);
    assert!(v.recognized);
}

#[test]
fn an_empty_pir_leaves_rvi_alone() {
    // Bochs 3.0 set RVI from VIRR here and delivered vector 0xff
    // (scripts/bochs/patches/3.0/0003).
    let mut v = vapic();
    page::set_vector(&mut v.page, page::IRR, 0x90, true);
    v.rvi = 0x20;
    let mut pid = posted::Descriptor::default();
    assert_eq!(
        posted::process(&mut v, &pi(), &mut pid, 0xf2),
        Outcome::Continue
    );
    assert_eq!(v.rvi, 0x20);
    // RVI is a maximum: a lower posted vector does not lower it.
    pid.post(0x10);
    v.rvi = 0x80;
    posted::process(&mut v, &pi(), &mut pid, 0xf2);
    assert_eq!(v.rvi, 0x80);
}

#[test]
fn other_vectors_and_no_processing_exit_for_the_external_interrupt() {
    let mut v = vapic();
    let mut pid = posted::Descriptor::default();
    pid.post(0x45);
    let before = pid;
    assert_eq!(
        posted::process(&mut v, &pi(), &mut pid, 0xf3),
        exit(EXIT_EXTERNAL_INTERRUPT, 0)
    );
    let off = Controls {
        process_posted_interrupts: false,
        ..pi()
    };
    assert_eq!(
        posted::process(&mut v, &off, &mut pid, 0xf2),
        exit(EXIT_EXTERNAL_INTERRUPT, 0)
    );
    assert_eq!(pid, before);
    assert_eq!(v.page, [0; page::PAGE_SIZE]);
}

#[test]
fn suppressed_notification_posts_without_notifying() {
    let mut pid = posted::Descriptor {
        control: 2,
        ..Default::default()
    };
    assert!(!pid.post(0x50));
    assert!(!pid.on());
    assert_eq!(pid.highest(), Some(0x50));
}

#[test]
fn descriptor_bytes_round_trip() {
    let mut bytes = [0u8; 64];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(7);
    }
    let pid = posted::Descriptor::from_bytes(&bytes);
    let mut out = bytes;
    out[..40].fill(0);
    pid.write_to(&mut out);
    assert_eq!(out, bytes);
}

// ---- properties -------------------------------------------------------------

fn naive_highest(page: &Page, base: u16) -> Option<u8> {
    (0..=255u8)
        .rev()
        .find(|&v| page::test_vector(page, base, v))
}

fn arb_page() -> impl Strategy<Value = Page> {
    proptest::collection::vec(any::<u8>(), page::PAGE_SIZE).prop_map(|v| {
        let mut p = [0u8; page::PAGE_SIZE];
        p.copy_from_slice(&v);
        p
    })
}

fn arb_controls() -> impl Strategy<Value = Controls> {
    (
        any::<[bool; 7]>(),
        any::<u32>(),
        any::<[u64; 4]>(),
        any::<u16>(),
    )
        .prop_map(|(b, t, e, n)| Controls {
            use_tpr_shadow: b[0],
            virtualize_apic_accesses: b[1],
            virtualize_x2apic_mode: b[2],
            apic_register_virtualization: b[3],
            virtual_interrupt_delivery: b[4],
            process_posted_interrupts: b[5],
            interrupt_window_exiting: b[6],
            tpr_threshold: t,
            eoi_exit_bitmap: e,
            posted_interrupt_notification_vector: n,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn highest_vector_is_the_highest_set_bit(p in arb_page()) {
        for base in [page::ISR, page::TMR, page::IRR] {
            prop_assert_eq!(page::highest_vector(&p, base), naive_highest(&p, base));
        }
    }

    #[test]
    fn recognized_means_rvi_outranks_vppr(p in arb_page(), gis in any::<u16>(), ctl in arb_controls()) {
        let mut v = VirtualApic::new(p, gis);
        v.vm_entry(&ctl);
        prop_assert!(!v.recognized || (v.rvi >> 4 > v.vppr() >> 4 && !ctl.interrupt_window_exiting));
    }

    #[test]
    fn deliver_then_eoi_restores_isr_and_svi(p in arb_page(), gis in any::<u16>()) {
        let mut v = VirtualApic::new(p, gis);
        let ctl = vid();
        v.vm_entry(&ctl);
        let rvi_before = v.rvi;
        if let Some(vector) = v.deliver() {
            prop_assert_eq!(vector, rvi_before);
            prop_assert_eq!(v.svi, vector);
            let was_set = page::test_vector(&v.page, page::ISR, vector);
            prop_assert!(was_set);
            v.eoi_virtualization(&ctl);
            prop_assert!(!page::test_vector(&v.page, page::ISR, vector));
            prop_assert_eq!(Some(v.svi), naive_highest(&v.page, page::ISR).or(Some(0)));
        }
    }

    #[test]
    fn mmio_never_panics_and_virtualizes_only_within_a_field(
        p in arb_page(), ctl in arb_controls(), offset in 0u16..0x1000, size in 0u16..9, value in any::<u32>()
    ) {
        let mut v = VirtualApic::new(p, 0);
        if access::mmio_read(&v, &ctl, offset, size).is_ok() {
            prop_assert!(ctl.use_tpr_shadow && size >= 1 && (offset & 0xf) + size <= 4);
        }
        let out = access::mmio_write(&mut v, &ctl, offset, size, value);
        if !matches!(out, Outcome::Exit { reason: EXIT_APIC_ACCESS, .. }) {
            prop_assert!(ctl.use_tpr_shadow && size >= 1 && (offset & 0xf) + size <= 4);
        } else {
            prop_assert_eq!(v.page, p);
        }
    }

    #[test]
    fn msrs_outside_the_x2apic_range_are_never_virtualized(
        p in arb_page(), ctl in arb_controls(), msr in any::<u32>(), value in any::<u64>()
    ) {
        let mut v = VirtualApic::new(p, 0);
        let inside = (0x800..=0x8ff).contains(&msr);
        prop_assert!(inside || access::rdmsr(&v, &ctl, msr).is_none());
        prop_assert!(inside || access::wrmsr(&mut v, &ctl, msr, value).is_none());
    }

    #[test]
    fn posted_processing_ors_pir_into_virr(p in arb_page(), pir in any::<[u64; 4]>(), rvi in any::<u8>()) {
        let mut v = VirtualApic::new(p, u16::from(rvi));
        let mut pid = posted::Descriptor { pir, control: 1 };
        let highest = pid.highest();
        prop_assert_eq!(posted::process(&mut v, &pi(), &mut pid, 0xf2), Outcome::Continue);
        for vector in 0..=255u8 {
            let posted = pir[usize::from(vector / 64)] & (1 << (vector % 64)) != 0;
            let before = page::test_vector(&p, page::IRR, vector);
            prop_assert_eq!(page::test_vector(&v.page, page::IRR, vector), before || posted);
        }
        prop_assert_eq!(v.rvi, highest.map_or(rvi, |h| h.max(rvi)));
        prop_assert_eq!(pid, posted::Descriptor::default());
    }
}

// ---- boundaries mutation testing asked for ----------------------------------

#[test]
fn apic_access_qualification_is_the_offset_and_the_access_type() {
    // Bits 11:0 the offset, bits 15:12 the access type: 0 linear read, 1
    // linear write.
    let mut v = vapic();
    assert_eq!(
        access::mmio_read(&v, &vid(), 0x3a4, 4),
        Err(exit(EXIT_APIC_ACCESS, 0x3a4))
    );
    assert_eq!(
        access::mmio_write(&mut v, &vid(), 0x3a4, 4, 0),
        exit(EXIT_APIC_ACCESS, 0x13a4)
    );
}

#[test]
fn cr8_takes_every_value_up_to_15() {
    let mut v = vapic();
    assert_eq!(access::mov_to_cr8(&mut v, &vid(), 0xf), Outcome::Continue);
    assert_eq!(v.vtpr(), 0xf0);
}

#[test]
fn partial_reads_return_only_their_bytes() {
    let mut v = vapic();
    set_vtpr(&mut v, 0x1234_5670);
    assert_eq!(access::mmio_read(&v, &vid(), 0x80, 1), Ok(0x70));
    assert_eq!(access::mmio_read(&v, &vid(), 0x80, 2), Ok(0x5670));
    assert_eq!(access::mmio_read(&v, &vid(), 0x81, 3), Ok(0x12_3456));
}

#[test]
fn an_access_must_end_within_the_fields_low_four_bytes() {
    let v = vapic();
    assert!(access::mmio_read(&v, &vid(), 0x81, 3).is_ok());
    assert!(access::mmio_read(&v, &vid(), 0x81, 4).is_err());
    assert!(access::mmio_read(&v, &vid(), 0x83, 2).is_err());
    // Past the page: never virtualized.
    assert!(access::mmio_read(&v, &vid(), 0x1080, 4).is_err());
}

#[test]
fn without_virtual_interrupt_delivery_nothing_is_recognized() {
    // Found by the fuzz target: a recognition left from before must not
    // survive a VM entry without the control.
    let mut v = vapic();
    v.rvi = 0x80;
    assert!(v.evaluate_pending(&vid()));
    assert!(!v.evaluate_pending(&shadow(0)));
    assert!(v.evaluate_pending(&vid()));
    assert_eq!(v.vm_entry(&shadow(0)), Outcome::Continue);
    assert!(!v.recognized);
    assert_eq!(v.deliver(), None);
}

#[test]
fn x2apic_writes_fill_exactly_their_eight_bytes() {
    let mut v = vapic();
    for off in [0x7c, 0x84, 0x200, 0x3ec, 0x3f4, 0xfc0] {
        v.page.write32(off, 0xffff_ffff);
    }
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x808, 0x20),
        Some(Outcome::Continue)
    );
    assert_eq!(
        access::wrmsr(&mut v, &x2(false), 0x83f, 0x41),
        Some(Outcome::Continue)
    );
    // The upper halves are cleared, nothing around them touched.
    assert_eq!((v.page.read32(0x84), v.page.read32(0x3f4)), (0, 0));
    assert_eq!((v.page.read32(0x3f0), v.vtpr()), (0x41, 0x20));
    for off in [0x7c, 0x200, 0x3ec, 0xfc0] {
        assert_eq!(v.page.read32(off), 0xffff_ffff, "offset {off:#x}");
    }
}

#[test]
fn posting_sets_on_and_posting_twice_keeps_the_vector() {
    let mut pid = posted::Descriptor::default();
    assert!(!pid.on());
    assert!(pid.post(0x45));
    assert!(pid.on());
    assert!(!pid.post(0x45));
    assert_eq!(pid.highest(), Some(0x45));
}

#[test]
fn each_control_bit_sets_exactly_its_field() {
    let on = |c: Controls| {
        [
            c.use_tpr_shadow,
            c.virtualize_apic_accesses,
            c.virtualize_x2apic_mode,
            c.apic_register_virtualization,
            c.virtual_interrupt_delivery,
            c.process_posted_interrupts,
            c.interrupt_window_exiting,
        ]
    };
    let activate = 1 << 31;
    let cases: [(u32, u32, u32, usize); 7] = [
        (0, 1 << 21, 0, 0),
        (0, activate, 1 << 0, 1),
        (0, activate, 1 << 4, 2),
        (0, activate, 1 << 8, 3),
        (0, activate, 1 << 9, 4),
        (1 << 7, 0, 0, 5),
        (0, 1 << 2, 0, 6),
    ];
    for (pin, proc, proc2, field) in cases {
        let got = on(Controls::from_vmcs(pin, proc, proc2, 0, [0; 4], 0));
        let mut want = [false; 7];
        want[field] = true;
        assert_eq!(got, want, "pin {pin:#x} proc {proc:#x} proc2 {proc2:#x}");
    }
    // Every other bit: nothing.
    let none = Controls::from_vmcs(!(1 << 7), !((1 << 21) | (1 << 2)), 0, 0, [0; 4], 0);
    assert_eq!(on(none), [false; 7]);
}
