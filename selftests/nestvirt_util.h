/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by nestvirt's KVM selftests: /dev/nestvirt access and
 * loading/unloading nestvirt.ko from a test.
 */
#ifndef SELFTEST_NESTVIRT_UTIL_H
#define SELFTEST_NESTVIRT_UTIL_H

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_util.h"
#include <linux/nestvirt.h>

static inline int nestvirt_open(void)
{
	int fd = open("/dev/nestvirt", O_RDWR);

	__TEST_REQUIRE(fd >= 0, "/dev/nestvirt not available (is nestvirt.ko loaded?)");
	return fd;
}

static inline struct nestvirt_info nestvirt_get_info(void)
{
	struct nestvirt_info info;
	int fd = nestvirt_open();
	int r = ioctl(fd, NESTVIRT_GET_INFO, &info);

	TEST_ASSERT(r == 0, "NESTVIRT_GET_INFO failed: %s", strerror(errno));
	close(fd);
	return info;
}

/* Path of nestvirt.ko, from the environment the runner sets. */
static inline const char *nestvirt_ko_path(void)
{
	const char *path = getenv("NESTVIRT_KO");

	__TEST_REQUIRE(path, "NESTVIRT_KO (path of nestvirt.ko) not set");
	return path;
}

static inline int nestvirt_unload(void)
{
	return syscall(__NR_delete_module, "nestvirt", O_NONBLOCK);
}

static inline int nestvirt_load(void)
{
	int fd = open(nestvirt_ko_path(), O_RDONLY | O_CLOEXEC);
	int r;

	TEST_ASSERT(fd >= 0, "open %s: %s", nestvirt_ko_path(), strerror(errno));
	r = syscall(__NR_finit_module, fd, "", 0);
	close(fd);
	return r;
}

#endif /* SELFTEST_NESTVIRT_UTIL_H */
