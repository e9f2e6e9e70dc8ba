// SPDX-License-Identifier: GPL-2.0
/*
 * nestvirt glue, both vendors: what the VPID/ASID mapping's vendor parts
 * (nestvirt_glue_svm_tags.c, nestvirt_glue_vmx_tags.c) share: the
 * counters, and the call into nestvirt.ko (Documentation/nestvirt/tags.rst).
 * Included by each of them.
 */

/* The mapping's counters; in_use is a gauge over every vCPU. */
static DEFINE_PER_CPU(struct nestvirt_tag_stats, nestvirt_tag_counters);
static atomic64_t nestvirt_tags_in_use = ATOMIC64_INIT(0);

static void nestvirt_tag_stats(struct nestvirt_tag_stats *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct nestvirt_tag_stats *c =
			per_cpu_ptr(&nestvirt_tag_counters, cpu);

		out->transitions += READ_ONCE(c->transitions);
		out->flushes_avoided += READ_ONCE(c->flushes_avoided);
		out->tag_flushes += READ_ONCE(c->tag_flushes);
		out->evictions += READ_ONCE(c->evictions);
		out->asids += READ_ONCE(c->asids);
	}
	out->in_use = atomic64_read(&nestvirt_tags_in_use);
}

/*
 * A vCPU's share of the in_use gauge, @share, becomes @in_use. Called on
 * every mapped entry, where the share rarely changes: the shared atomic is
 * touched only when it does.
 */
static void nestvirt_tags_account(u32 *share, u32 in_use)
{
	if (in_use == *share)
		return;
	atomic64_add((s64)in_use - *share, &nestvirt_tags_in_use);
	*share = in_use;
}

/*
 * Hands @call to nestvirt, on a vCPU whose map was started under policy
 * @map_gen (0: never). Returns the policy generation the answer holds for,
 * with @call's outputs set; 0 when nestvirt maps nothing (detached, or
 * tags=0: the hooks are off then, but may still be running when that
 * changes), and @call says nothing.
 */
static u64 nestvirt_tags_call(struct nestvirt_tags_call *call, u64 map_gen)
{
	const struct nestvirt_hook_ops *ops;
	u64 gen;

	guard(preempt)();
	ops = rcu_dereference_sched(nestvirt_ops);
	gen = atomic64_read_acquire(&nestvirt_policy_gen);
	if (!ops || !ops->tags_entry)
		return 0;
	call->fresh = map_gen != gen;
	ops->tags_entry(call);
	if (call->slot == NESTVIRT_TAGS_OFF)
		return 0;
	if (call->evicted)
		this_cpu_inc(nestvirt_tag_counters.evictions);
	return gen;
}
