/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot entry of l1_payload.c: a stack, then l1_main(). */
	.text
	.globl _start
_start:
	cli
	movl $(l1_stack + 8192), %esp
	call l1_main
1:	hlt
	jmp 1b
	.section .note.GNU-stack,"",@progbits
