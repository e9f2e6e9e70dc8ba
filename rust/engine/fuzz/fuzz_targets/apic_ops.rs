// SPDX-License-Identifier: GPL-2.0

//! Fuzzes the APIC-virtualization model (`nestvirt_engine::apic`) with what
//! an L2 and its L1 control: the controls, the guest interrupt status, the
//! virtual-APIC page and a sequence of APIC operations (CR8, APIC-access
//! page reads and writes of any offset and size, x2APIC MSRs, EOIs,
//! self-IPIs, deliveries, posted-interrupt notifications, VM entries).
//! Whatever the bytes: no panic, a read never changes the page, and after
//! every VM entry a recognized virtual interrupt outranks VPPR.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nestvirt_engine::apic::{access, page, posted, ApicPage, Controls, VirtualApic};

/// Little-endian integer from `data` at `*at`, advancing; 0 past the end.
fn take(data: &[u8], at: &mut usize, len: usize) -> u64 {
    let mut v = 0u64;
    for i in 0..len {
        v |= u64::from(data.get(*at + i).copied().unwrap_or(0)) << (8 * i);
    }
    *at += len;
    v
}

fuzz_target!(|data: &[u8]| {
    let mut at = 0;
    let ctl = Controls::from_vmcs(
        take(data, &mut at, 4) as u32,
        take(data, &mut at, 4) as u32,
        take(data, &mut at, 4) as u32,
        take(data, &mut at, 4) as u32,
        [take(data, &mut at, 8), take(data, &mut at, 8), take(data, &mut at, 8), take(data, &mut at, 8)],
        take(data, &mut at, 2) as u16,
    );
    let gis = take(data, &mut at, 2) as u16;
    // The page: the input repeated (a page of zeroes without input).
    let mut bytes = [0u8; page::PAGE_SIZE];
    if !data.is_empty() {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = data[i % data.len()];
        }
    }
    let mut v = VirtualApic::new(bytes, gis);
    let mut pid = posted::Descriptor::default();
    while at < data.len() {
        let op = take(data, &mut at, 1) % 10;
        let a = take(data, &mut at, 2);
        let b = take(data, &mut at, 8);
        match op {
            0 => {
                let _ = access::mov_to_cr8(&mut v, &ctl, b & 0x1f);
            }
            1 => {
                let before = v.page;
                let _ = access::mmio_read(&v, &ctl, (a & 0xfff) as u16, (b % 9) as u16);
                assert!(before == v.page);
            }
            2 => {
                let _ = access::mmio_write(&mut v, &ctl, (a & 0xfff) as u16, (b % 9) as u16, (b >> 8) as u32);
            }
            3 => {
                let _ = access::rdmsr(&v, &ctl, 0x7f0 + (a as u32 & 0x1ff));
            }
            4 => {
                let _ = access::wrmsr(&mut v, &ctl, 0x7f0 + (a as u32 & 0x1ff), b);
            }
            5 => {
                let _ = v.eoi_virtualization(&ctl);
            }
            6 => {
                let _ = v.self_ipi_virtualization(&ctl, a as u8);
            }
            7 => {
                if let Some(vector) = v.deliver() {
                    assert!(page::test_vector(&v.page, page::ISR, vector));
                }
            }
            8 => {
                pid.post(a as u8);
                let _ = posted::process(&mut v, &ctl, &mut pid, (b as u8) ^ ctl.posted_interrupt_notification_vector as u8);
            }
            _ => {
                let _ = v.vm_entry(&ctl);
                if v.recognized {
                    assert!(v.rvi >> 4 > v.vppr() >> 4);
                }
                let _ = v.page.read32(page::PPR);
            }
        }
    }
});
