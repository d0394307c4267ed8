# SPDX-License-Identifier: GPL-2.0
"""Fair shares of a per-CPU upcall socket (datapath/upcall_fair.c and the
keeping of refused upcalls in datapath/linux/upcall.c).

One tiny socket stands for a handler that cannot keep up: every CPU's
upcalls go to it, port 1 floods it with misses, and port 2 opens a few new
flows meanwhile.  Upstream loses most of port 2's upcalls (the socket is
always full, and an overrun netlink socket refuses everything until it has
been emptied); ours keeps them and delivers them once there is room.
"""
import errno
import os
import select
import socket
import struct
import threading
import time

import pytest

import vmlib
from ovsnl import OVS, attr, dp_stats, parse_attrs
from test_packet_netlink import MARK, PKEY, PKT, bench, udp_frame  # noqa: F401

pytestmark = [pytest.mark.needs_datapath, pytest.mark.dataplane,
              pytest.mark.ours_only]

B_FLOWS = 6


def _flood(seconds):
    """In ph1: distinct frames, as fast as Python sends them."""
    vmlib._enter_netns("ph1")
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("eth0", 0))
    frames = [udp_frame(10000 + i) for i in range(2000)]
    n = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tx.send(frames[n % len(frames)])
        n += 1
    return n


def _new_flows(count, gap):
    """In ph2: @count new flows, @gap seconds apart."""
    vmlib._enter_netns("ph2")
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("eth0", 0))
    for i in range(count):
        tx.send(udp_frame(20000 + i))
        time.sleep(gap)
    return count


def _in_port(msg):
    key = parse_attrs(msg.attrs[PKEY])
    return struct.unpack("I", key[OVS["OVS_KEY_ATTR_IN_PORT"]])[0]


def _recv_upcalls(sock, timeout):
    """One datagram's marked upcalls ([] on timeout).  An overrun socket
    reports ENOBUFS once per overrun; what it holds is still there."""
    if not select.select([sock.sock], [], [], timeout)[0]:
        return []
    try:
        data = sock.sock.recv(1 << 16, socket.MSG_DONTWAIT)
    except BlockingIOError:
        return []
    except OSError as e:
        if e.errno != errno.ENOBUFS:
            raise
        return []
    out = []
    off = 0
    while off + 16 <= len(data):
        mlen, mtype = struct.unpack_from("IH", data, off)
        if mtype == sock.family_id:
            m = sock._decode(data[off + 16:off + mlen])
            if MARK in m.attrs.get(PKT, b""):
                out.append(m)
        off += (mlen + 3) & ~3
    return out


def _read_upcalls(sock, until):
    """Drain @sock until @until() is true and a quiet half second passed;
    the marked upcalls' input ports."""
    ports = []
    quiet_since = None
    while True:
        msgs = _recv_upcalls(sock, 0.1)
        ports += [_in_port(m) for m in msgs]
        if msgs or not until():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.5:
            return ports


def test_quiet_port_upcalls_survive_a_flood(bench):
    sock = bench.sock()
    sock.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    pids = struct.pack("%dI" % os.cpu_count(),
                       *([sock.portid] * os.cpu_count()))
    bench.make_dp((0,), features=OVS["OVS_DP_F_DISPATCH_UPCALL_PER_CPU"],
                  extra=[attr(OVS["OVS_DP_ATTR_PER_CPU_PIDS"], pids)])

    results = {}

    def run(name, fn, *args):
        results[name] = vmlib.in_netns(None, fn, *args, timeout=60)

    flood = threading.Thread(target=run, args=("a", _flood, 3.0))
    flood.start()
    time.sleep(0.5)
    quiet = threading.Thread(target=run, args=("b", _new_flows, B_FLOWS,
                                               0.25))
    quiet.start()
    ports = _read_upcalls(sock, lambda: not flood.is_alive() and
                          not quiet.is_alive())
    flood.join()
    quiet.join()

    sent_a = results["a"]
    assert results["b"] == B_FLOWS
    got_b = ports.count(2)
    got_a = ports.count(1)
    _, missed, lost, _ = dp_stats(bench.ovs.dp_get("tpk0"))
    # The flood overran the socket: most of port 1's upcalls were lost...
    assert lost > sent_a // 2, (lost, sent_a, got_a)
    # ... but every one of port 2's new flows reached userspace.
    assert got_b == B_FLOWS, (got_b, got_a, sent_a, lost, missed)
    # Nothing is counted twice: delivered + lost = missed.
    assert got_a + got_b + lost <= missed


def test_lone_port_is_not_limited(bench):
    """A single port on a full socket: refusals, but no shedding beyond
    what the socket refuses, and the port is served once it drains."""
    sock = bench.sock()
    sock.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    pids = struct.pack("%dI" % os.cpu_count(),
                       *([sock.portid] * os.cpu_count()))
    bench.make_dp((0,), features=OVS["OVS_DP_F_DISPATCH_UPCALL_PER_CPU"],
                  extra=[attr(OVS["OVS_DP_ATTR_PER_CPU_PIDS"], pids)])
    vmlib.in_netns(None, _flood, 0.5)
    _read_upcalls(sock, lambda: True)
    # Drained: the next upcalls of the same port go through at once.
    for i in range(3):
        vmlib.in_netns(None, _new_flows_from_ph1, 30000 + i)
        got = _read_upcalls(sock, lambda: True)
        assert got == [1], got


def _new_flows_from_ph1(sport):
    vmlib._enter_netns("ph1")
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("eth0", 0))
    tx.send(udp_frame(sport))
    return sport
