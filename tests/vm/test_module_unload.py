# SPDX-License-Identifier: GPL-2.0
"""Unloading the module with datapaths and ports present tears everything
down cleanly (kmsg_guard fails the test on any kernel warning), and a
reload starts from nothing."""
import os
import socket
import threading

import pytest

from ovsnl import OVS, Ovs
import vmlib


def _reload():
    ko = os.environ.get("OVSDP_VM_KO")
    if ko:
        vmlib.run(["insmod", ko])
    else:
        vmlib.run(["modprobe", "openvswitch"])


def _flood(dev, stop):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    frame = b"\xff" * 6 + b"\x02\0\0\0\0\x01" + b"\x08\x00" + bytes(46)
    while not stop.is_set():
        try:
            s.send(frame)
        except OSError:
            pass
    s.close()


def _master(dev):
    link = "/sys/class/net/%s/master" % dev
    return os.path.basename(os.readlink(link)) if os.path.exists(link) else None


# The in-tree module refuses to unload while datapaths exist ("in use").
@pytest.mark.ours_only
def test_rmmod_with_two_datapaths_and_ports():
    vmlib.ip_batch(["link add tu0 type veth peer name tu0p",
                    "link add tu1 type veth peer name tu1p",
                    "link set tu0 up", "link set tu1 up"])
    try:
        with Ovs() as o:
            for dp, dev in (("tudp0", "tu0"), ("tudp1", "tu1")):
                ifindex = o.dp_new(dp).dp_ifindex
                o.port_new(ifindex, dev, OVS["OVS_VPORT_TYPE_NETDEV"])
                o.port_new(ifindex, dp + "i", OVS["OVS_VPORT_TYPE_INTERNAL"])
        assert _master("tu0") == "tudp0" and _master("tu1") == "tudp1"
        vmlib.run(["ip", "link", "set", "tudp0i", "up"])

        # Frames in flight while the module goes: nobody listens, every
        # one is a miss.
        stop = threading.Event()
        sender = threading.Thread(target=_flood, args=("tu0p", stop))
        sender.start()
        try:
            vmlib.run(["rmmod", "openvswitch"])
        finally:
            stop.set()
            sender.join()

        assert not os.path.exists("/sys/module/openvswitch")
        for dev in ("tudp0", "tudp1", "tudp0i", "tudp1i"):
            assert not os.path.exists("/sys/class/net/" + dev)
        # The netdev ports are free again: no master, not promiscuous.
        assert _master("tu0") is None and _master("tu1") is None
        out = vmlib.run(["ip", "-d", "link", "show", "tu0"])
        assert "promiscuity 0" in out and "openvswitch" not in out
    finally:
        if not os.path.exists("/sys/module/openvswitch"):
            _reload()
        vmlib.ip_batch(["link del tu0", "link del tu1"])

    # A fresh module: no datapath survived.
    with Ovs() as o:
        assert o.dp_dump() == []
