# SPDX-License-Identifier: GPL-2.0
"""Issue 2 acceptance: Debian's unmodified ovs-vswitchd 3.1 drives the
datapath module (bridges, ports, their netdevs), without complaining."""

import re

import pytest

import vmlib

pytestmark = pytest.mark.needs_datapath

# vswitchd log modules that speak about the kernel datapath.
DP_LOG_MODULES = r"^(dpif.*|netlink.*|netdev_linux|ofproto_dpif.*|odp_util)$"


def dp_ports(ovs):
    """{datapath name: {port name: type}} from `ovs-dpctl show`."""
    dps, cur = {}, None
    for line in ovs.dpctl("show").splitlines():
        m = re.match(r"^(\S+):$", line)
        if m:
            cur = dps.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\s+port (\d+): (\S+)(?: \((.*)\))?$", line)
        if m:
            assert cur is not None, line
            cur[m.group(2)] = m.group(3) or ""
    return dps


def link_details(dev):
    return vmlib.run(["ip", "-d", "link", "show", dev])


def is_ovs_port(dev):
    return re.search(r"^\s+openvswitch_slave\b", link_details(dev),
                     re.M) is not None


def assert_quiet_log(ovs):
    """No ERR at all, and no WARN from the datapath-facing modules."""
    errs = ovs.log_lines(levels=("EMER", "ERR"))
    warns = ovs.log_lines(levels=("WARN",), module=DP_LOG_MODULES)
    assert errs + warns == [], "\n".join(errs + warns)


def test_bridge_and_ports_reach_the_datapath(ovs, host_pair):
    ovs.vsctl("add-br", "br0")
    ovs.vsctl("add-port", "br0", "p1")
    ovs.vsctl("add-port", "br0", "p2")

    assert ovs.dpctl("dump-dps").split() == ["system@ovs-system"]
    assert dp_ports(ovs) == {"system@ovs-system": {
        "ovs-system": "internal", "br0": "internal", "p1": "", "p2": ""}}

    assert is_ovs_port("p1") and is_ovs_port("p2")
    # The bridge's own port is an internal device of link kind openvswitch.
    assert re.search(r"^\s+openvswitch\b", link_details("br0"), re.M), \
        link_details("br0")
    assert_quiet_log(ovs)


def test_del_port_and_del_br(ovs, host_pair):
    ovs.vsctl("add-br", "br0")
    ovs.vsctl("add-port", "br0", "p1")
    ovs.vsctl("add-port", "br0", "p2")

    ovs.vsctl("del-port", "br0", "p1")
    assert dp_ports(ovs) == {"system@ovs-system": {
        "ovs-system": "internal", "br0": "internal", "p2": ""}}
    assert not is_ovs_port("p1")
    assert is_ovs_port("p2")

    ovs.vsctl("del-br", "br0")
    # The last bridge gone, vswitchd deletes the datapath and its devices.
    assert ovs.dpctl("dump-dps").split() == []
    assert not is_ovs_port("p2")
    links = vmlib.run(["ip", "-o", "link", "show"])
    assert not re.search(r"^\d+: (br0|ovs-system)[:@]", links, re.M), links
    assert_quiet_log(ovs)


def test_bridge_survives_vswitchd_restart(ovs, host_pair):
    """vswitchd finds its datapath and ports again after a restart (it
    dumps the existing datapath instead of creating one)."""
    ovs.vsctl("add-br", "br0")
    ovs.vsctl("add-port", "br0", "p1")
    before = dp_ports(ovs)
    ovs.stop(cleanup=False)
    assert ovs.dpctl("dump-dps").split() == ["system@ovs-system"]
    assert dp_ports(ovs) == before
    ovs.start(fresh_db=False)
    ovs.vsctl("add-port", "br0", "p2")
    assert dp_ports(ovs) == {"system@ovs-system": {
        "ovs-system": "internal", "br0": "internal", "p1": "", "p2": ""}}
    assert_quiet_log(ovs)


@pytest.mark.dataplane
def test_ping_through_normal_bridge(ovs, host_pair):
    h1, h2 = host_pair
    ovs.vsctl("add-br", "br0")
    ovs.vsctl("add-port", "br0", "p1")
    ovs.vsctl("add-port", "br0", "p2")
    # Nothing but the bridge connects the namespaces.
    assert h1.ping(h2, count=5, timeout=5) == 5
    assert h2.ping(h1, count=5, timeout=5) == 5
    flows = ovs.dpctl("dump-flows")
    assert re.search(r"eth_type\(0x0800\).*actions:", flows), flows
    assert_quiet_log(ovs)
