// SPDX-License-Identifier: GPL-2.0

//! The controls, the guest interrupt status, and the SDM's pseudocode for
//! TPR, PPR, EOI and self-IPI virtualization, the evaluation of pending
//! virtual interrupts and virtual-interrupt delivery (SDM "Virtual-Interrupt
//! Delivery", "Virtualizing Virtual-APIC Operations").

use super::page::{self, ApicPage};

/// Basic VM-exit reasons the model produces (SDM Appendix C).
pub const EXIT_EXTERNAL_INTERRUPT: u32 = 1;
pub const EXIT_TPR_BELOW_THRESHOLD: u32 = 43;
pub const EXIT_APIC_ACCESS: u32 = 44;
pub const EXIT_VIRTUALIZED_EOI: u32 = 45;
pub const EXIT_APIC_WRITE: u32 = 56;

/// What the processor does after a virtualized operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// L2 goes on: the operation completed without a VM exit.
    Continue,
    /// A VM exit to L1 with this basic reason and exit qualification.
    /// TPR-below-threshold, virtualized-EOI and APIC-write exits are
    /// trap-like (after the instruction); APIC-access exits fault-like.
    Exit { reason: u32, qualification: u64 },
    /// The instruction faults in L2 with #GP(0).
    GeneralProtection,
}

impl Outcome {
    /// A VM exit with `reason` and `qualification`.
    pub const fn exit(reason: u32, qualification: u64) -> Self {
        Self::Exit {
            reason,
            qualification,
        }
    }
}

// VM-execution control bits (SDM "VM-Execution Controls").
const PIN_PROCESS_POSTED_INTERRUPTS: u32 = 1 << 7;
const PROC_INTERRUPT_WINDOW_EXITING: u32 = 1 << 2;
const PROC_USE_TPR_SHADOW: u32 = 1 << 21;
const PROC_ACTIVATE_SECONDARY: u32 = 1 << 31;
const PROC2_VIRTUALIZE_APIC_ACCESSES: u32 = 1 << 0;
const PROC2_VIRTUALIZE_X2APIC_MODE: u32 = 1 << 4;
const PROC2_APIC_REGISTER_VIRTUALIZATION: u32 = 1 << 8;
const PROC2_VIRTUAL_INTERRUPT_DELIVERY: u32 = 1 << 9;

/// The VM-execution controls and fields APIC virtualization reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Controls {
    pub use_tpr_shadow: bool,
    pub virtualize_apic_accesses: bool,
    pub virtualize_x2apic_mode: bool,
    pub apic_register_virtualization: bool,
    pub virtual_interrupt_delivery: bool,
    pub process_posted_interrupts: bool,
    pub interrupt_window_exiting: bool,
    /// TPR threshold; bits 3:0 are the threshold.
    pub tpr_threshold: u32,
    /// EOI-exit bitmap, vector V at bit V % 64 of word V / 64.
    pub eoi_exit_bitmap: [u64; 4],
    /// Posted-interrupt notification vector (its low 8 bits are the vector).
    pub posted_interrupt_notification_vector: u16,
}

impl Controls {
    /// The controls as vmcs12 holds them: the pin-based, primary and
    /// secondary processor-based words (the secondary word counts only
    /// when the primary activates it), the TPR threshold, the four EOI-exit
    /// bitmap words and the notification vector.
    pub fn from_vmcs(
        pin: u32,
        proc: u32,
        proc2: u32,
        tpr_threshold: u32,
        eoi_exit_bitmap: [u64; 4],
        pinv: u16,
    ) -> Self {
        let proc2 = if proc & PROC_ACTIVATE_SECONDARY != 0 {
            proc2
        } else {
            0
        };
        Self {
            use_tpr_shadow: proc & PROC_USE_TPR_SHADOW != 0,
            virtualize_apic_accesses: proc2 & PROC2_VIRTUALIZE_APIC_ACCESSES != 0,
            virtualize_x2apic_mode: proc2 & PROC2_VIRTUALIZE_X2APIC_MODE != 0,
            apic_register_virtualization: proc2 & PROC2_APIC_REGISTER_VIRTUALIZATION != 0,
            virtual_interrupt_delivery: proc2 & PROC2_VIRTUAL_INTERRUPT_DELIVERY != 0,
            process_posted_interrupts: pin & PIN_PROCESS_POSTED_INTERRUPTS != 0,
            interrupt_window_exiting: proc & PROC_INTERRUPT_WINDOW_EXITING != 0,
            tpr_threshold,
            eoi_exit_bitmap,
            posted_interrupt_notification_vector: pinv,
        }
    }

    /// Whether `vector`'s EOI-exit bit is set.
    pub fn eoi_exits(&self, vector: u8) -> bool {
        self.eoi_exit_bitmap[usize::from(vector / 64)] & (1 << (vector % 64)) != 0
    }
}

/// One vCPU's virtual APIC as L2 sees it: the page, the guest interrupt
/// status (RVI its low byte, SVI its high byte) and whether a virtual
/// interrupt is recognized (pending delivery once L2 can take it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtualApic<P> {
    pub page: P,
    pub rvi: u8,
    pub svi: u8,
    pub recognized: bool,
}

impl<P: ApicPage> VirtualApic<P> {
    /// The virtual APIC on `page` with the guest interrupt status as
    /// vmcs12's 16-bit field holds it.
    pub fn new(page: P, guest_interrupt_status: u16) -> Self {
        let [rvi, svi] = guest_interrupt_status.to_le_bytes();
        Self {
            page,
            rvi,
            svi,
            recognized: false,
        }
    }

    /// The guest interrupt status field: SVI in bits 15:8, RVI in 7:0.
    pub fn guest_interrupt_status(&self) -> u16 {
        u16::from_le_bytes([self.rvi, self.svi])
    }

    /// VTPR: bits 7:0 of the page's TPR.
    pub fn vtpr(&self) -> u8 {
        self.page.read32(page::TPR).to_le_bytes()[0]
    }

    /// VPPR: bits 7:0 of the page's PPR.
    pub fn vppr(&self) -> u8 {
        self.page.read32(page::PPR).to_le_bytes()[0]
    }

    /// PPR virtualization: IF VTPR[7:4] >= SVI[7:4] THEN VPPR := VTPR & FFH
    /// ELSE VPPR := SVI & F0H; bits 31:8 of VPPR are cleared.
    pub fn ppr_virtualization(&mut self) {
        let vtpr = self.vtpr();
        let vppr = if vtpr >> 4 >= self.svi >> 4 {
            vtpr
        } else {
            self.svi & 0xf0
        };
        self.page.write32(page::PPR, u32::from(vppr));
    }

    /// Evaluation of pending virtual interrupts: a virtual interrupt is
    /// recognized when "interrupt-window exiting" is 0 and RVI[7:4] >
    /// VPPR[7:4]; otherwise none is. Returns whether one is. Without
    /// virtual-interrupt delivery there are no virtual interrupts: the SDM
    /// evaluates only with it, and so, whoever calls it, does the model.
    pub fn evaluate_pending(&mut self, ctl: &Controls) -> bool {
        self.recognized = ctl.virtual_interrupt_delivery
            && !ctl.interrupt_window_exiting
            && self.rvi >> 4 > self.vppr() >> 4;
        self.recognized
    }

    /// TPR virtualization, after a write of VTPR (MOV to CR8, a write to
    /// offset 80H, WRMSR 808H): with virtual-interrupt delivery, PPR
    /// virtualization and evaluation of pending virtual interrupts;
    /// without it, a TPR-below-threshold VM exit when VTPR[7:4] is below
    /// TPR threshold[3:0].
    pub fn tpr_virtualization(&mut self, ctl: &Controls) -> Outcome {
        if ctl.virtual_interrupt_delivery {
            self.ppr_virtualization();
            self.evaluate_pending(ctl);
            Outcome::Continue
        } else if u32::from(self.vtpr() >> 4) < ctl.tpr_threshold & 0xf {
            Outcome::exit(EXIT_TPR_BELOW_THRESHOLD, 0)
        } else {
            Outcome::Continue
        }
    }

    /// EOI virtualization (virtual-interrupt delivery on): VISR[SVI] := 0;
    /// SVI := the highest vector set in VISR, or 0; PPR virtualization;
    /// then, if the EOI-exit bitmap has the old SVI's bit, a virtualized-EOI
    /// VM exit (qualification: that vector), else evaluation of pending
    /// virtual interrupts. VEOI is cleared (the write that triggered it is
    /// not kept).
    pub fn eoi_virtualization(&mut self, ctl: &Controls) -> Outcome {
        let vector = self.svi;
        self.page.write32(page::EOI, 0);
        page::set_vector(&mut self.page, page::ISR, vector, false);
        self.svi = page::highest_vector(&self.page, page::ISR).unwrap_or(0);
        self.ppr_virtualization();
        if ctl.eoi_exits(vector) {
            Outcome::exit(EXIT_VIRTUALIZED_EOI, u64::from(vector))
        } else {
            self.evaluate_pending(ctl);
            Outcome::Continue
        }
    }

    /// Self-IPI virtualization of `vector`: VIRR[vector] := 1; RVI :=
    /// max(RVI, vector); evaluation of pending virtual interrupts.
    pub fn self_ipi_virtualization(&mut self, ctl: &Controls, vector: u8) -> Outcome {
        page::set_vector(&mut self.page, page::IRR, vector, true);
        self.rvi = self.rvi.max(vector);
        self.evaluate_pending(ctl);
        Outcome::Continue
    }

    /// Virtual-interrupt delivery of the recognized interrupt: Vector :=
    /// RVI; VISR[Vector] := 1; SVI := Vector; VPPR := Vector & F0H;
    /// VIRR[Vector] := 0; RVI := the highest vector left in VIRR, or 0.
    /// Returns the vector L2 takes through its IDT, or `None` when none was
    /// recognized (nothing changes then).
    pub fn deliver(&mut self) -> Option<u8> {
        if !self.recognized {
            return None;
        }
        let vector = self.rvi;
        page::set_vector(&mut self.page, page::ISR, vector, true);
        self.svi = vector;
        self.page.write32(page::PPR, u32::from(vector & 0xf0));
        page::set_vector(&mut self.page, page::IRR, vector, false);
        self.rvi = page::highest_vector(&self.page, page::IRR).unwrap_or(0);
        self.recognized = false;
        Some(vector)
    }

    /// At VM entry, once RVI and SVI are loaded: with virtual-interrupt
    /// delivery, PPR virtualization, then evaluation of pending virtual
    /// interrupts; without it but with the TPR shadow, a TPR-below-
    /// threshold VM exit right after the entry when TPR threshold[3:0] >
    /// VTPR[7:4].
    pub fn vm_entry(&mut self, ctl: &Controls) -> Outcome {
        if ctl.virtual_interrupt_delivery {
            self.ppr_virtualization();
            self.evaluate_pending(ctl);
            return Outcome::Continue;
        }
        // No virtual-interrupt delivery: nothing is recognized.
        self.recognized = false;
        if ctl.use_tpr_shadow {
            self.tpr_virtualization(ctl)
        } else {
            Outcome::Continue
        }
    }
}
