# SPDX-License-Identifier: GPL-2.0
"""Tests of the test bench itself: namespaces, the netns helper, the kernel
log checker.  They need no datapath module."""

import os
import subprocess

import pytest

import kmsg
import vmlib


def _links():
    return sorted(os.listdir("/sys/class/net"))


def _netns_inode():
    return os.stat("/proc/self/ns/net").st_ino


def _boom(msg):
    raise ValueError(msg)


def test_in_netns_runs_in_the_namespace(make_host):
    h = make_host("nsa", "10.9.0.1", "v-nsa")
    assert h.call(_links) == ["eth0", "lo"]
    assert "v-nsa" in _links() and "eth0" not in _links()
    assert h.call(_netns_inode) != _netns_inode()
    # Both ends are up and the address is where it should be.
    out = h.run(["ip", "-o", "-4", "addr", "show", "dev", "eth0"])
    assert "10.9.0.1/24" in out
    assert "state UP" in vmlib.run(["ip", "link", "show", "v-nsa"])


def test_in_netns_reraises_child_exceptions(make_host):
    h = make_host("nsb", "10.9.1.1", "v-nsb")
    with pytest.raises(ValueError, match="from the child"):
        h.call(_boom, "from the child")
    with pytest.raises(subprocess.CalledProcessError):
        h.run(["ip", "link", "show", "no-such-device"])


def test_veth_ping_and_its_failure(make_host):
    h = make_host("nsc", "10.9.2.1", "v-nsc")
    vmlib.run(["ip", "addr", "add", "10.9.2.254/24", "dev", "v-nsc"])
    assert h.ping("10.9.2.254", count=3) == 3
    # An address nobody owns gets no reply: ping can fail.
    assert h.ping("10.9.2.77", count=1, timeout=1.0) == 0


def test_host_teardown_removes_everything(make_host):
    h = vmlib.Host("nsd", "10.9.3.1", "v-nsd").create()
    h.destroy()
    assert "nsd" not in vmlib.run(["ip", "netns", "list"])
    assert not os.path.exists("/sys/class/net/v-nsd")


def test_kmsg_checker_catches_a_planted_warning(kmsg_guard):
    token = "%s-%d" % (kmsg.PLANTED_TOKEN, os.getpid())
    fresh = kmsg.KmsgReader(from_end=True)
    try:
        kmsg.plant("WARNING: CPU: 0 PID: 1 at nowhere.c:1 %s" % token)
        lines = fresh.poll()
    finally:
        fresh.close()
    assert any(token in line for line in lines)
    assert any(token in line for line in kmsg.bad_lines(lines))
    # The session-wide guard sees it too; reading it here consumes it, so
    # the end-of-test check does not fail this test.
    caught = kmsg_guard.bad_since_last()
    assert any(token in line for line in caught), caught
    assert kmsg_guard.bad_since_last() == []


def test_kmsg_checker_patterns():
    assert kmsg.bad_lines([
        "openvswitch: loading out-of-tree module taints kernel.",
        "openvswitch: module verification failed: signature and/or "
        "required key missing - tainting kernel",
        "device p1 entered promiscuous mode",
    ]) == []
    for line in ("BUG: kernel NULL pointer dereference, address: 0",
                 "refcount_t: underflow; use-after-free.",
                 "general protection fault, probably for non-canonical",
                 "Oops: 0000 [#1] PREEMPT SMP NOPTI",
                 "WARNING: CPU: 1 PID: 42 at net/core/dev.c:1 x+0x1/0x2",
                 "BUG: sleeping function called from invalid context"):
        assert kmsg.bad_lines([line]) == [line]


def test_module_identity_matches_the_request(datapath):
    req = os.environ.get("OVSDP_VM_MODULE")
    assert req in ("ours", "upstream", "none"), req
    assert datapath.kind == req, datapath
    if req == "ours":
        assert datapath.version == vmlib.makefile_version()
