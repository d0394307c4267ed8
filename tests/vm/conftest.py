# SPDX-License-Identifier: GPL-2.0
"""pytest fixtures for the tests that run inside the VM.

Run the suite through the VM runner, never on the host:

    /usr/bin/python3 tests/vm/run_vm.py --module openvswitch.ko -- \\
        /usr/bin/python3 -m pytest -p no:cacheprovider -v tests/vm

Fixtures (see README.md for examples):
    kmsg_guard   autouse; fails the test whose run logged a kernel problem
    datapath     session; vmlib.DatapathModule of the loaded module
    make_host    factory: make_host(name, ip, port=None, **kw) -> vmlib.Host
    host_pair    (h1, h2): 10.0.0.1 and 10.0.0.2/24, root-side ports p1, p2
    ovs          started vmlib.Ovs (ovsdb-server + ovs-vswitchd)
    netns_call   vmlib.in_netns(ns, fn, *args, **kwargs)
Markers:
    ours_only       skipped unless our module is loaded
    needs_datapath  skipped when no openvswitch module is loaded
    dataplane       needs packet forwarding (deselect: -m "not dataplane")
"""

import os

import pytest

import kmsg
import vmlib


def pytest_configure(config):
    for m in ("ours_only: needs our openvswitch.ko (skipped on upstream)",
              "needs_datapath: needs an openvswitch module loaded",
              "dataplane: forwards packets through the datapath's flow "
              "table (deselect with -m 'not dataplane')"):
        config.addinivalue_line("markers", m)


def pytest_collection_modifyitems(config, items):
    if vmlib.in_vm():
        return
    skip = pytest.mark.skip(reason="VM test: run it through "
                            "tests/vm/run_vm.py (see README.md)")
    for item in items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def datapath():
    """Which openvswitch module is loaded (vmlib.DatapathModule)."""
    return vmlib.DatapathModule()


@pytest.fixture(autouse=True)
def _datapath_markers(request):
    if not vmlib.in_vm():
        return
    node = request.node
    if node.get_closest_marker("ours_only") or \
            node.get_closest_marker("needs_datapath"):
        dp = request.getfixturevalue("datapath")
        if node.get_closest_marker("ours_only") and not dp.ours:
            pytest.skip("needs our openvswitch.ko; loaded: %s "
                        "(run_vm.py --module openvswitch.ko)" % dp.kind)
        if dp.kind == "none":
            pytest.skip("no openvswitch module loaded (run_vm.py --none)")


class KmsgGuard:
    """Reads the kernel log incrementally; see bad_since_last()."""

    def __init__(self):
        self.reader = kmsg.KmsgReader()
        self.allowed = []
        # Lines planted by an earlier pytest session in this VM are fine.
        self.boot_bad = kmsg.bad_lines(self.reader.poll(),
                                       [kmsg.PLANTED_TOKEN])
        self.boot_reported = False

    def allow(self, token):
        """Do not fail the current test on lines containing @token."""
        self.allowed.append(token)

    def bad_since_last(self):
        """Problem lines logged since the previous call (and consume them:
        the end-of-test check will not see them again)."""
        bad = kmsg.bad_lines(self.reader.poll(), self.allowed)
        return bad


@pytest.fixture(scope="session")
def _kmsg_session():
    if not vmlib.in_vm():
        yield None
        return
    guard = KmsgGuard()
    yield guard
    guard.reader.close()


@pytest.fixture(autouse=True)
def kmsg_guard(_kmsg_session):
    """Fails the test (at teardown, so the report names it) when the kernel
    logged a WARNING/BUG/Oops/... while it ran, fixtures included."""
    guard = _kmsg_session
    if guard is None:
        yield None
        return
    if guard.boot_bad and not guard.boot_reported:
        guard.boot_reported = True
        pytest.fail("kernel log problems before the first test (boot or "
                    "module load):\n  " + "\n  ".join(guard.boot_bad),
                    pytrace=False)
    guard.allowed = []
    yield guard
    bad = guard.bad_since_last()
    guard.allowed = []
    if bad:
        pytest.fail("kernel log problems during this test:\n  " +
                    "\n  ".join(bad), pytrace=False)


@pytest.fixture
def netns_call():
    """vmlib.in_netns: run a function in a netns in a forked child."""
    return vmlib.in_netns


@pytest.fixture
def make_host():
    """Factory: make_host(name, ip, port=None, prefix=24, ifname="eth0",
    mac=None, ipv6=False, mtu=None) creates netns @name with a veth whose
    inside end is @ifname (@ip/@prefix) and whose root-side end is @port
    (default "v-" + name).  All are destroyed after the test."""
    made = []

    def make(name, ip, port=None, **kw):
        h = vmlib.Host(name, ip, port or "v-" + name, **kw)
        made.append(h)
        return h.create()

    yield make
    for h in reversed(made):
        h.destroy()


@pytest.fixture
def host_pair(make_host):
    """Two hosts on 10.0.0.0/24: h1 (10.0.0.1, port p1), h2 (10.0.0.2,
    port p2)."""
    return (make_host("h1", "10.0.0.1", "p1"),
            make_host("h2", "10.0.0.2", "p2"))


@pytest.fixture
def ovs(request):
    """ovsdb-server + ovs-vswitchd, started (waits for 11 s of uptime
    first) and stopped with `exit --cleanup` afterwards.  Their ERR/WARN
    log lines are printed at teardown (shown when the test fails)."""
    # Hosts made by the test (make_host, host_pair) must outlive the
    # daemons, whatever the order of the test's arguments: set make_host
    # up first so that it is torn down after ovs.
    request.getfixturevalue("make_host")
    o = vmlib.Ovs()
    try:
        o.start()
        yield o
    finally:
        o.stop()
        problems = o.log_lines()
        if problems:
            print("ovs-vswitchd ERR/WARN lines:\n  " + "\n  ".join(problems))
        if os.environ.get("OVSDP_VM_OUT"):
            # Keep the last log where the host can read it after the run.
            try:
                with open(os.path.join(os.environ["OVSDP_VM_OUT"],
                                       "ovs-vswitchd.log"), "a") as fh:
                    fh.write("==== %s\n%s" % (request.node.nodeid,
                                                o.log()))
            except OSError:
                pass
