// SPDX-License-Identifier: GPL-2.0-only
/*
 * A bare-metal L1 hypervisor for the live-migration test: QEMU boots it
 * (multiboot, 32-bit protected mode) on KVM in the emulated AMD host; it
 * turns on paging (an identity map) and SVM, and runs an L2 that computes
 * a known value in
 * STAGES stages, reporting each stage to L1 with VMMCALL. L1 prints every
 * stage and the result on the serial port, then exits QEMU through
 * isa-debug-exit. L2 spends nearly all the time computing, so a migration
 * catches it running (L1 in guest mode). scripts in migration.sh.
 */
typedef unsigned char u8;
typedef unsigned short u16;

#include "l2_work.h"
#define COM1		0x3f8
#define DEBUG_EXIT	0xf4

#define MSR_EFER	0xc0000080u
#define EFER_SVME	(1u << 12)
#define MSR_VM_HSAVE_PA	0xc0010117u
#define EXIT_VMMCALL	0x81
#define CR0_PG		0x80000000u
#define CR4_PSE		0x10u

struct multiboot_header {
	u32 magic, flags, checksum;
};

__attribute__((section(".multiboot"), used))
static const struct multiboot_header mb = {
	0x1badb002, 0, (u32)-(0x1badb002 + 0),
};

/* Identity map of 4 GiB in 4 MiB pages: KVM runs SVM instructions only
 * with paging on (nested_svm_check_permissions(), else #UD). */
static u32 page_dir[1024] __attribute__((aligned(4096)));
static u8 vmcb[4096] __attribute__((aligned(4096)));
static u8 hsave[4096] __attribute__((aligned(4096)));
static u8 l2_stack[8192] __attribute__((aligned(16)));
u8 l1_stack[8192] __attribute__((aligned(16)));

/* What L2 reports at each VMMCALL. */
static volatile u64 l2_acc;
static volatile u32 l2_stage;

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void putc(char c)
{
	outb(COM1, c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void puthex(u64 v)
{
	int i;

	for (i = 60; i >= 0; i -= 4)
		putc("0123456789abcdef"[(v >> i) & 15]);
}

static u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}

static void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static void put32(u32 at, u32 v)
{
	*(volatile u32 *)(vmcb + at) = v;
}

static void put64(u32 at, u64 v)
{
	*(volatile u64 *)(vmcb + at) = v;
}

static u64 get64(u32 at)
{
	return *(volatile u64 *)(vmcb + at);
}

/* A flat 4 GiB segment of the save area at @at: selector, attributes. */
static void segment(u32 at, u16 sel, u16 attrib)
{
	*(volatile u16 *)(vmcb + at) = sel;
	*(volatile u16 *)(vmcb + at + 2) = attrib;
	put32(at + 4, 0xffffffffu);
	put64(at + 8, 0);
}

static __attribute__((noreturn)) void done(u8 code)
{
	outb(DEBUG_EXIT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static __attribute__((noreturn, used)) void l2_main(void)
{
	u64 acc = 1;
	u32 i;

	for (i = 1; i <= STAGES; i++) {
		acc = l2_stage_work(acc, i);
		l2_acc = acc;
		l2_stage = i;
		__asm__ volatile("vmmcall" : : : "memory");
	}
	for (;;)
		__asm__ volatile("vmmcall" : : : "memory");
}

static void setup_vmcb(void)
{
	/* Control area: intercept VMRUN (required) and VMMCALL; ASID 1. */
	put32(0x10, (1u << 0) | (1u << 1));
	put32(0x58, 1);
	/* Save area (0x400): L2 in 32-bit protected mode, flat, CPL 0. */
	segment(0x400, 0x10, 0xc93);	/* ES */
	segment(0x410, 0x08, 0xc9b);	/* CS */
	segment(0x420, 0x10, 0xc93);	/* SS */
	segment(0x430, 0x10, 0xc93);	/* DS */
	segment(0x440, 0x10, 0xc93);	/* FS */
	segment(0x450, 0x10, 0xc93);	/* GS */
	segment(0x490, 0x18, 0x08b);	/* TR: busy 32-bit TSS */
	put32(0x464, 0xffff);		/* GDTR limit */
	put32(0x484, 0xffff);		/* IDTR limit */
	put64(0x4d0, EFER_SVME);	/* EFER */
	put64(0x548, CR4_PSE);		/* CR4 */
	put64(0x550, (u32)page_dir);	/* CR3: L1's identity map */
	put64(0x558, CR0_PG | 0x11);	/* CR0: PG, PE, ET */
	put64(0x560, 0x400);		/* DR7 */
	put64(0x568, 0xffff0ff0);	/* DR6 */
	put64(0x570, 0x2);		/* RFLAGS */
	put64(0x578, (u32)l2_main);	/* RIP */
	put64(0x5d8, (u32)(l2_stack + sizeof(l2_stack)));	/* RSP */
	put64(0x668, 0x0007040600070406ull);	/* G_PAT */
}

void l1_main(void)
{
	u32 a, b, c, d;

	puts("L1: up\n");
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u));
	if (!(c & (1u << 2))) {
		puts("L1: no SVM\n");
		done(3);
	}
	for (a = 0; a < 1024; a++)
		page_dir[a] = (a << 22) | 0x83;	/* present, writable, 4 MiB */
	__asm__ volatile("mov %0, %%cr3" : : "r"(page_dir));
	__asm__ volatile("mov %%cr4, %0; or %1, %0; mov %0, %%cr4" : "=&r"(b) : "i"(CR4_PSE));
	__asm__ volatile("mov %%cr0, %0; or %1, %0; mov %0, %%cr0" : "=&r"(b) : "i"(CR0_PG));
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (u32)hsave);
	setup_vmcb();
	for (;;) {
		/* VMRUN keeps only rAX, rSP and rIP of L1: save the rest. */
		__asm__ volatile("push %%ebp; push %%ebx; push %%esi; push %%edi\n\t"
				 "vmrun\n\t"
				 "pop %%edi; pop %%esi; pop %%ebx; pop %%ebp"
				 : : "a"((u32)vmcb) : "ecx", "edx", "memory", "cc");
		if ((u32)get64(0x70) != EXIT_VMMCALL) {
			puts("L1: unexpected exit 0x");
			puthex(get64(0x70));
			puts("\n");
			done(5);
		}
		put64(0x578, get64(0x578) + 3);	/* past VMMCALL */
		if (l2_stage == STAGES) {
			puts("RESULT ");
			puthex(l2_acc);
			puts("\n");
			done(1);
		}
		puts("L2 stage ");
		putc('0' + l2_stage);
		puts(" acc ");
		puthex(l2_acc);
		puts("\n");
	}
}
