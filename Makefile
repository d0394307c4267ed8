# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile.  `make` builds openvswitch.ko against the installed
# Debian kernel headers; see README.md for the other targets.

OVSDP_VERSION := 0.1.0-ovsdp

# The running kernel of the dev machines has no module support and no
# /lib/modules tree, so fall back to the newest installed build tree.
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	  else ls /lib/modules 2>/dev/null | sort -V | tail -n 1; fi)
KDIR ?= /lib/modules/$(KVER)/build

PYTHON := /usr/bin/python3

.PHONY: all modules install deps check check-unit check-vm sparse checkpatch \
	bench clean vm-shell userspace check-lib

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) OVSDP_VERSION=$(OVSDP_VERSION) modules

install: modules
	install -D -m 644 openvswitch.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/openvswitch.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) OVSDP_VERSION=$(OVSDP_VERSION) C=2 W=1 modules

CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-source-*/scripts/checkpatch.pl \
	/tmp/lsrc/linux-source-*/scripts/checkpatch.pl))
checkpatch:
	@test -n "$(CHECKPATCH)" || { echo "checkpatch.pl not found: run make deps"; exit 1; }
	perl $(CHECKPATCH) --no-tree --terse --show-types -f \
		$(wildcard datapath/*.c datapath/*.h datapath/linux/*.c datapath/linux/*.h)

deps:
	bash tests/deps.sh

check-unit: check-lib
	$(MAKE) -C tests/unit check

# Userspace library (lib/) and its host tests.
userspace:
	$(MAKE) -C lib
	$(MAKE) -C lib live
	$(MAKE) -C tools

check-lib:
	$(MAKE) -C lib check

# VM targets.  VM_MODULE=--upstream runs them on the in-tree module instead
# of ours (--none: no datapath module); PYTEST_ARGS selects tests, e.g.
# PYTEST_ARGS="-k vswitchd" or PYTEST_ARGS='-m "not dataplane"'.
VM_MODULE ?= --module openvswitch.ko
PYTEST_ARGS ?=
RUN_VM = $(PYTHON) tests/vm/run_vm.py --kver $(KVER) $(VM_MODULE)

.PHONY: demo
check-vm: modules userspace
	$(RUN_VM) -- $(PYTHON) -m pytest -p no:cacheprovider -v tests/vm \
		$(PYTEST_ARGS)

# The main job: boot the VM with our module, bridge two namespaces with the
# distribution's ovs-vswitchd and ping across.
demo: modules
	$(RUN_VM) -- bash tests/vm/demo.sh

# The benchmark (not a test; see README "Benchmark"): the upstream module
# and ours take turns in one VM boot, then the host-side callgrind counts
# of the portable flow table (workload 7).  BENCH_ARGS go to bench.py, e.g.
# BENCH_ARGS="--reps 5" or BENCH_ARGS="--only w1 w2".
BENCH_ARGS ?=
BENCH_OUT ?= bench-results
bench: modules userspace
	$(MAKE) -C tests/bench
	@mkdir -p $(BENCH_OUT)
	$(PYTHON) tests/vm/run_vm.py --kver $(KVER) --none --timeout 5400 \
		--artifacts $(BENCH_OUT)/vm -- \
		$(PYTHON) tests/bench/bench.py $(BENCH_ARGS)
	cp $(BENCH_OUT)/vm/results.json $(BENCH_OUT)/raw.json
	$(MAKE) -s -C tests/unit bench bench-insert bench-install | tee $(BENCH_OUT)/callgrind.txt
	$(PYTHON) tests/bench/report.py $(BENCH_OUT)/raw.json \
		--callgrind $(BENCH_OUT)/callgrind.txt \
		--json $(BENCH_OUT)/results.json --png $(BENCH_OUT)/bench.png \
		--table $(BENCH_OUT)/table.txt

vm-shell: modules userspace
	$(RUN_VM) --shell

check: modules userspace check-unit check-vm

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C tests/unit clean
