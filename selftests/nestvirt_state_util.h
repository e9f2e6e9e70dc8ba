/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of nestvirt's state selftests: NESTVIRT_GET_STATE and
 * NESTVIRT_SET_STATE, and the container layout
 * (Documentation/nestvirt/state-format.rst) as far as the tests change it.
 */
#ifndef SELFTEST_NESTVIRT_STATE_UTIL_H
#define SELFTEST_NESTVIRT_STATE_UTIL_H

#include <time.h>

#include "nestvirt_util.h"

/* Container version 1: header, then sections; KVM's state is the first. */
#define NV_HDR_SIZE		40
#define NV_HDR_TOTAL		16
#define NV_HDR_CRC		24
#define NV_SEC_HDR		8
#define NV_KVM_AT		(NV_HDR_SIZE + NV_SEC_HDR)

/* A container and its size. */
struct nv_blob {
	u8 *bytes;
	u32 size;
};

static inline u32 nv_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static inline void nv_put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* CRC32C (Castagnoli, reflected), bit by bit: tests only. */
static inline u32 nv_crc32c(const u8 *p, size_t n)
{
	u32 crc = ~0u;
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & -(crc & 1));
	}
	return ~crc;
}

/* Recomputes the checksum of the container's first @size bytes. */
static inline void nv_fix_crc(u8 *c, u32 size)
{
	nv_put_le32(c + NV_HDR_CRC, 0);
	nv_put_le32(c + NV_HDR_CRC, nv_crc32c(c, size));
}

static inline int nv_state_size(int nv)
{
	int r = ioctl(nv, NESTVIRT_GET_STATE_SIZE);

	TEST_ASSERT(r > 0, "NESTVIRT_GET_STATE_SIZE: %d, %s", r, strerror(errno));
	return r;
}

/* NESTVIRT_GET_STATE into @buf of @room bytes: the ioctl's result. */
static inline int __nv_get(int nv, int vcpu_fd, void *buf, u32 room, struct nestvirt_state *s)
{
	memset(s, 0, sizeof(*s));
	s->vcpu_fd = vcpu_fd;
	s->buf = (u64)(unsigned long)buf;
	s->size = room;
	return ioctl(nv, NESTVIRT_GET_STATE, s);
}

static inline struct nv_blob nv_get(int nv, struct kvm_vcpu *vcpu)
{
	struct nv_blob b = { .size = nv_state_size(nv) };
	struct nestvirt_state s;

	b.bytes = calloc(1, b.size);
	TEST_ASSERT(__nv_get(nv, vcpu->fd, b.bytes, b.size, &s) == 0,
		    "NESTVIRT_GET_STATE: %s", strerror(errno));
	TEST_ASSERT(s.size >= NV_KVM_AT && s.size <= b.size, "GET wrote %u bytes", s.size);
	b.size = s.size;
	return b;
}

/* NESTVIRT_SET_STATE of @size bytes at @buf: the ioctl's result. */
static inline int __nv_set(int nv, int vcpu_fd, const void *buf, u32 size,
			   struct nestvirt_state *s)
{
	memset(s, 0, sizeof(*s));
	s->vcpu_fd = vcpu_fd;
	s->buf = (u64)(unsigned long)buf;
	s->size = size;
	return ioctl(nv, NESTVIRT_SET_STATE, s);
}

static inline void nv_set(int nv, struct kvm_vcpu *vcpu, const struct nv_blob *b)
{
	struct nestvirt_state s;
	int r = __nv_set(nv, vcpu->fd, b->bytes, b->size, &s);

	TEST_ASSERT(r == 0, "NESTVIRT_SET_STATE: %s (rule '%s')", strerror(errno), s.rule_id);
}

/* KVM's nested state in a container nestvirt wrote, and its length. */
static inline struct kvm_nested_state *nv_kvm_state(const struct nv_blob *b, u32 *len)
{
	*len = nv_le32(b->bytes + NV_HDR_SIZE + 4);
	return (struct kvm_nested_state *)(b->bytes + NV_KVM_AT);
}

static inline bool nv_same(const struct nv_blob *a, const struct nv_blob *b)
{
	return a->size == b->size && !memcmp(a->bytes, b->bytes, a->size);
}

/*
 * Writes @len bytes to $NV_STATE_CAPTURE/@name, when the runner asks for
 * captures (real containers and KVM blobs for the host tests and the fuzz
 * corpus).
 */
static inline void nv_capture(const char *name, const void *bytes, size_t len)
{
	const char *dir = getenv("NV_STATE_CAPTURE");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	TEST_ASSERT(f && fwrite(bytes, 1, len, f) == len && !fclose(f),
		    "capture %s: %s", path, strerror(errno));
}

/* The value L2 of the state tests computes by stage @i from @acc. */
static inline u64 nv_stage_value(u64 acc, int i)
{
	return acc * 6364136223846793005ull + i;
}

/*
 * L2 of the state tests, @name: @stages GUEST_SYNCs, each with the value
 * computed so far (so that a restored L2 that lost its registers or memory
 * reports a wrong one), then @leave, its exit to L1 (VMMCALL or VMCALL).
 */
#define NV_STATE_L2(name, stages, leave)			\
static void name(void)						\
{								\
	u64 acc = 1;						\
	int i;							\
								\
	for (i = 1; i <= (stages); i++) {			\
		acc = nv_stage_value(acc, i);			\
		GUEST_SYNC(acc);				\
	}							\
	leave;							\
}

/*
 * The class modes a state test found, put back when it ends: the tests
 * enforce every class, and the main job's status shows the modes the
 * operator set after them.
 */
struct nv_modes {
	u32 n;
	u32 mode[32];
};

static inline struct nv_modes nv_modes_save(u32 classes)
{
	struct nv_modes m = { .n = classes };
	u32 c;

	for (c = 0; c < classes && c < 32; c++)
		m.mode[c] = nestvirt_get_mode(c);
	return m;
}

static inline void nv_modes_restore(const struct nv_modes *m)
{
	u32 c;

	for (c = 0; c < m->n && c < 32; c++)
		nestvirt_set_mode(c, m->mode[c]);
}

static inline u64 nv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int nv_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @ns (n samples) and gives its median and 99th percentile. */
static inline void nv_median_p99(u64 *ns, int n, u64 *median, u64 *p99)
{
	qsort(ns, n, sizeof(*ns), nv_cmp_u64);
	*median = ns[n / 2];
	*p99 = ns[(n * 99) / 100];
}

#endif /* SELFTEST_NESTVIRT_STATE_UTIL_H */
