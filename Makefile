# SPDX-License-Identifier: GPL-2.0
#
# nestvirt: build nestvirt.ko and the hooked KVM vendor modules.
#
#   make KDIR=<kernel build dir> KSRC=<kernel source dir>
#
# KDIR is the tree the target kernel was built in (or its headers package:
# /lib/modules/$(uname -r)/build). KSRC is the full source of that same
# kernel (a distribution's linux-source): the vendor modules are rebuilt
# from its arch/x86/kvm with kvm/patches/<version>/ applied. DKMS runs
# scripts/dkms-make.sh, which finds both (see dkms.conf). Rust needs the
# compiler the kernel was built with: pass RUSTC=... RUSTDOC=... BINDGEN=...
# as for the kernel's own make.

KDIR ?= /lib/modules/$(shell uname -r)/build
KSRC ?= $(KDIR)
BUILD ?= $(CURDIR)/build
KVM_TREE := $(BUILD)/kvm/arch/x86/kvm
# dkms.conf's PACKAGE_VERSION is nestvirt's version (package.sh holds
# debian/changelog to it); the hooked vendor modules carry it.
NESTVIRT_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)
KMAKE = $(MAKE) -C $(KDIR) $(if $(RUSTC),RUSTC=$(RUSTC)) \
	$(if $(RUSTDOC),RUSTDOC=$(RUSTDOC)) $(if $(BINDGEN),BINDGEN=$(BINDGEN))

.PHONY: all modules nestvirt kvm-hooked test-modules modules_install install clean help

all: modules

# build/modules/ collects the three modules for the runners and packaging.
modules: nestvirt kvm-hooked
	mkdir -p $(BUILD)/modules
	cp nestvirt.ko $(KVM_TREE)/kvm-amd.ko $(KVM_TREE)/kvm-intel.ko $(BUILD)/modules/

nestvirt:
	$(KMAKE) M=$(CURDIR) modules

kvm-hooked:
	scripts/prepare-kvm.sh $(KSRC) $(BUILD)/kvm
	$(KMAKE) M=$(KVM_TREE) NESTVIRT_INCLUDE=$(CURDIR)/include \
		NESTVIRT_VERSION=$(NESTVIRT_VERSION) modules

# Modules only the selftests load (never installed).
test-modules:
	$(KMAKE) M=$(CURDIR)/selftests/modules NESTVIRT_INCLUDE=$(CURDIR)/include modules
	mkdir -p $(BUILD)/modules
	cp selftests/modules/nestvirt_fake_target.ko selftests/modules/nestvirt_fake_target_no_detach.ko $(BUILD)/modules/

# Installs under updates/, which depmod prefers to the in-tree kvm-amd and
# kvm-intel.
modules_install install: modules
	$(KMAKE) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	$(KMAKE) M=$(KVM_TREE) NESTVIRT_INCLUDE=$(CURDIR)/include \
		NESTVIRT_VERSION=$(NESTVIRT_VERSION) INSTALL_MOD_DIR=updates modules_install

clean:
	-$(KMAKE) M=$(CURDIR) clean
	-$(KMAKE) M=$(CURDIR)/selftests/modules clean
	rm -rf $(BUILD)

help:
	@echo "make [KDIR=...] [KSRC=...]   build nestvirt.ko, kvm-amd.ko, kvm-intel.ko"
	@echo "make modules_install          install them under updates/"
	@echo "scripts/run.sh [--amd|--intel] boot the emulated KVM hosts, run nested guests, show what nestvirt saw"
	@echo "scripts/test.sh               run every test"
	@echo "scripts/package.sh            build the nestvirt-dkms and nestvirt-tools .debs (dkms.conf)"
