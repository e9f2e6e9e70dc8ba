// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt's tracepoints live in C (TRACE_EVENT); the Rust side calls the
 * function below.
 */
#include <linux/types.h>

#define CREATE_TRACE_POINTS
#include "nestvirt_trace.h"

void nestvirt_trace_rule_failed(u32 backend, u32 vcpu_id, u64 state_gpa,
				u32 rule, const char *id, int id_len,
				bool enforced);

void nestvirt_trace_rule_failed(u32 backend, u32 vcpu_id, u64 state_gpa,
				u32 rule, const char *id, int id_len,
				bool enforced)
{
	trace_nestvirt_rule_failed(backend, vcpu_id, state_gpa, rule, id,
				   id_len, enforced);
}
