/* SPDX-License-Identifier: GPL-2.0 */
/* nestvirt's tracepoints. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM nestvirt

#if !defined(_NESTVIRT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NESTVIRT_TRACE_H

#include <linux/tracepoint.h>

/*
 * One rule failed on one nested entry (in audit or enforce mode): which
 * backend, vCPU and vmcb12/vmcs12, which rule, and whether it failed the
 * entry.
 */
TRACE_EVENT(nestvirt_rule_failed,
	TP_PROTO(u32 backend, u32 vcpu_id, u64 state_gpa, u32 rule,
		 const char *id, int id_len, bool enforced),
	TP_ARGS(backend, vcpu_id, state_gpa, rule, id, id_len, enforced),

	TP_STRUCT__entry(
		__field(u32, backend)
		__field(u32, vcpu_id)
		__field(u64, state_gpa)
		__field(u32, rule)
		__field(bool, enforced)
		/* Exactly the ID and its NUL: no byte of the record unset. */
		__string_len(id, id, clamp(id_len, 0, 63))
	),

	TP_fast_assign(
		__entry->backend = backend;
		__entry->vcpu_id = vcpu_id;
		__entry->state_gpa = state_gpa;
		__entry->rule = rule;
		__entry->enforced = enforced;
		/* @id is not NUL-terminated: __string_len copies its length. */
		__assign_str(id);
	),

	TP_printk("%s vcpu %u state 0x%llx rule %u %s%s",
		  __entry->backend == 1 ? "svm" : "vmx", __entry->vcpu_id,
		  __entry->state_gpa, __entry->rule, __get_str(id),
		  __entry->enforced ? " (enforced)" : "")
);

#endif /* _NESTVIRT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nestvirt_trace
#include <trace/define_trace.h>
