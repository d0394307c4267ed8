# SPDX-License-Identifier: GPL-2.0
"""`make install` puts our module where `modprobe openvswitch` prefers it
over the in-tree one.  Inside the VM every write lands in the overlay."""

import os

import pytest

import vmlib


def _read(path):
    with open(path) as fh:
        return fh.read().strip()


def _prefetch(top):
    for d, _, files in os.walk(top):
        for f in files:
            with open(os.path.join(d, f), "rb", buffering=0) as fh:
                while fh.read(1 << 20):
                    pass


@pytest.mark.ours_only
def test_make_install_then_modprobe_loads_ours(datapath):
    kver = os.uname().release
    dest = "/lib/modules/%s/updates/openvswitch.ko" % kver
    assert not os.path.exists(dest), "overlay not fresh: %s exists" % dest

    # depmod reads every module of the kernel (400 MB): through 9p that is
    # much faster with plain read()s than with depmod's mmap page faults.
    _prefetch("/lib/modules/%s/kernel" % kver)
    # The module was built on the host (make check builds it first); -o
    # modules skips re-running kbuild, which costs a minute under TCG and
    # proves nothing new.  The install recipe itself runs unchanged.
    vmlib.run(["make", "-s", "-C", vmlib.REPO, "-o", "modules", "install"],
              timeout=600)
    assert os.path.exists(dest)
    assert vmlib.run(["modinfo", "-F", "filename", "openvswitch"]).strip() \
        == dest

    # Swap the module run_vm.py insmod'ed for the one modprobe picks.
    vmlib.run(["rmmod", "openvswitch"])
    try:
        assert not os.path.exists("/sys/module/openvswitch")
        vmlib.run(["modprobe", "openvswitch"])
        assert _read("/sys/module/openvswitch/version") == \
            vmlib.makefile_version()
        assert _read("/sys/module/openvswitch/srcversion") == \
            vmlib.run(["modinfo", "-F", "srcversion", dest]).strip()
    finally:
        # Leave a module loaded for the tests that follow.
        if not os.path.exists("/sys/module/openvswitch"):
            vmlib.run_p(["insmod", os.environ["OVSDP_VM_KO"]])
