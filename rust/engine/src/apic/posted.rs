// SPDX-License-Identifier: GPL-2.0

//! Posted-interrupt processing (SDM "Posted-Interrupt Processing") on the
//! 64-byte posted-interrupt descriptor: PIR (bits 255:0), ON, the
//! outstanding-notification bit (256), SN, suppress notification (257),
//! NV (279:272) and NDST (319:288).

use super::{
    page::{self, ApicPage},
    virt::{Controls, Outcome, VirtualApic, EXIT_EXTERNAL_INTERRUPT},
};

/// The posted-interrupt descriptor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// PIR: vector V at bit V % 64 of word V / 64.
    pub pir: [u64; 4],
    /// Bits 319:256: ON (bit 0), SN (bit 1), NV (bits 23:16), NDST (63:32).
    pub control: u64,
}

const ON: u64 = 1;
const SN: u64 = 1 << 1;

impl Descriptor {
    /// The descriptor from its 64 bytes in memory (the last 24 bytes are
    /// available to software and not read).
    pub fn from_bytes(bytes: &[u8; 64]) -> Self {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
            u64::from_le_bytes(w)
        };
        Self {
            pir: [word(0), word(1), word(2), word(3)],
            control: word(4),
        }
    }

    /// Writes PIR and the control word back into `bytes`.
    pub fn write_to(&self, bytes: &mut [u8; 64]) {
        for (i, w) in self
            .pir
            .iter()
            .chain(core::iter::once(&self.control))
            .enumerate()
        {
            bytes[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
        }
    }

    /// The outstanding-notification bit.
    pub fn on(&self) -> bool {
        self.control & ON != 0
    }

    /// The highest vector posted in PIR, if any.
    pub fn highest(&self) -> Option<u8> {
        (0..4u8).rev().find_map(|i| {
            let w = self.pir[usize::from(i)];
            (w != 0).then(|| i * 64 + (63 - w.leading_zeros()) as u8)
        })
    }

    /// What a sender does to post `vector` (software, not the processor):
    /// sets its PIR bit, then ON unless ON or SN is set; returns whether a
    /// notification (an IPI with NV) must be sent.
    pub fn post(&mut self, vector: u8) -> bool {
        self.pir[usize::from(vector / 64)] |= 1 << (vector % 64);
        if self.control & (ON | SN) != 0 {
            return false;
        }
        self.control |= ON;
        true
    }
}

/// An external interrupt with `vector` arriving while L2 runs with
/// "process posted interrupts": for the notification vector, ON is
/// cleared, PIR is ORed into VIRR and cleared, RVI := max(RVI, the highest
/// vector PIR held) (unchanged when PIR was empty), and pending virtual
/// interrupts are evaluated; L2 continues. Any other vector (or the
/// control off) is an external-interrupt VM exit, nothing changed. The
/// local APIC's EOI for the notification is the caller's.
pub fn process<P: ApicPage>(
    vapic: &mut VirtualApic<P>,
    ctl: &Controls,
    pid: &mut Descriptor,
    vector: u8,
) -> Outcome {
    if !ctl.process_posted_interrupts
        || u16::from(vector) != ctl.posted_interrupt_notification_vector & 0xff
    {
        return Outcome::exit(EXIT_EXTERNAL_INTERRUPT, 0);
    }
    pid.control &= !ON;
    let highest = pid.highest();
    for (n, word) in pid.pir.iter().enumerate() {
        for half in 0..2u16 {
            let reg = page::IRR + 0x20 * n as u16 + 0x10 * half;
            let bits = (word >> (32 * half)) as u32;
            let old = vapic.page.read32(reg);
            vapic.page.write32(reg, old | bits);
        }
    }
    pid.pir = [0; 4];
    if let Some(v) = highest {
        vapic.rvi = vapic.rvi.max(v);
    }
    vapic.evaluate_pending(ctl);
    Outcome::Continue
}
