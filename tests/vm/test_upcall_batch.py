# SPDX-License-Identifier: GPL-2.0
"""Upcalls that share a datagram: our OVSDP_DP_F_UPCALL_BATCH extension.

A datapath that asks for it queues the upcalls one CPU produces for one
socket during a burst as consecutive messages of a single datagram.  The
tests read datagrams, not messages, so they see what was grouped.  A
packet whose actions hold several userspace actions produces its upcalls
in one softirq run: they must come as one datagram with the feature, one
datagram each without.
"""
import errno
import re
import select
import socket
import struct
import time

import pytest

import vmlib
from ovsnl import (OVS, Flows, a_output, a_userspace, attr, expect_errno,
                   parse_attrs)
from test_packet_netlink import (DP, MARK, PKT, _ip_flow, bench,  # noqa: F401
                                 txrx, udp_frame)

pytestmark = [pytest.mark.ours_only, pytest.mark.dataplane]

USERDATA = OVS["OVS_PACKET_ATTR_USERDATA"]
PKEY = OVS["OVS_PACKET_ATTR_KEY"]
PER_CPU = OVS["OVS_DP_F_DISPATCH_UPCALL_PER_CPU"]
VPORT_PIDS = OVS["OVS_DP_F_VPORT_PIDS"]


def _ext_bit():
    """OVSDP_DP_F_UPCALL_BATCH, read from our header so the test cannot
    drift from it."""
    with open(vmlib.REPO + "/include/ovsdp/dp_ext.h") as fh:
        text = fh.read()
    m = re.search(r"#define\s+OVSDP_DP_F_UPCALL_BATCH\s+\(1U << (\d+)\)",
                  text)
    assert m, "OVSDP_DP_F_UPCALL_BATCH not found"
    return 1 << int(m.group(1))


BATCH = _ext_bit()


def datagrams(gs, timeout=1.5):
    """The datagrams that reach genl socket @gs within @timeout seconds,
    each as the list of its packet-family messages."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([gs.sock], [], [], left)[0]:
            return out
        try:
            data = gs.sock.recv(1 << 20, socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue
        except OSError as e:
            if e.errno == errno.ENOBUFS:
                continue  # reported once after an overrun
            raise
        msgs, off = [], 0
        while off + 16 <= len(data):
            mlen, mtype = struct.unpack_from("IH", data, off)
            assert mlen >= 16 and off + mlen <= len(data), (off, mlen)
            if mtype == gs.family_id:
                msgs.append(gs._decode(data[off + 16:off + mlen]))
            off += (mlen + 3) & ~3
        assert off == len(data), "trailing bytes in a datagram"
        out.append(msgs)


def _userdata(dgrams):
    return [[m.attrs.get(USERDATA) for m in d] for d in dgrams]


def _three_userspace_flow(bench, sock, features):
    miss = bench.sock()
    dp = bench.make_dp((miss.portid,), features=features)
    _ip_flow(Flows(bench.ovs.flow, dp), 1,
             [a_userspace(sock.portid, b"u%d" % i) for i in range(3)] +
             [a_output(2)])
    return dp


def test_one_packets_upcalls_share_a_datagram(bench):
    act = bench.sock()
    _three_userspace_flow(bench, act, VPORT_PIDS | BATCH)
    m = bench.ovs.dp_get(DP)
    assert m.u32(OVS["OVS_DP_ATTR_USER_FEATURES"]) & BATCH
    frame = udp_frame(5101)
    assert txrx("ph1", [frame], rx_ns="ph2") == [frame]
    got = datagrams(act)
    assert _userdata(got) == [[b"u0", b"u1", b"u2"]]
    for msg in got[0]:
        assert msg.cmd == OVS["OVS_PACKET_CMD_ACTION"]
        assert msg.attrs[PKT] == frame
    hit, missed, lost, _ = bench.stats()
    assert (hit, lost) == (1, 0)


def test_without_the_feature_one_upcall_per_datagram(bench):
    act = bench.sock()
    _three_userspace_flow(bench, act, VPORT_PIDS)
    frame = udp_frame(5102)
    assert txrx("ph1", [frame], rx_ns="ph2") == [frame]
    assert _userdata(datagrams(act)) == [[b"u0"], [b"u1"], [b"u2"]]


def test_batched_misses_arrive_once_in_order(bench):
    """Per-CPU dispatch, many misses: every upcall arrives exactly once,
    each CPU's in the order sent, however they were grouped."""
    cpu_socks = [bench.sock(), bench.sock()]
    pids = struct.pack("2I", *(s.portid for s in cpu_socks))
    bench.make_dp((0,), features=PER_CPU | BATCH,
                  extra=[attr(OVS["OVS_DP_ATTR_PER_CPU_PIDS"], pids)])
    n = 60
    txrx("ph1", [udp_frame(6000 + i) for i in range(n)], cpu=0)
    ports = []
    for s in cpu_socks:
        for d in datagrams(s):
            for m in d:
                assert m.cmd == OVS["OVS_PACKET_CMD_MISS"]
                assert MARK in m.attrs[PKT]
                udp = parse_attrs(m.attrs[PKEY])[OVS["OVS_KEY_ATTR_UDP"]]
                ports.append(struct.unpack("!HH", udp)[0])
    assert sorted(ports) == list(range(6000, 6000 + n))
    # Frames from one CPU are handled on it, in order.
    assert ports == sorted(ports)
    hit, missed, lost, _ = bench.stats()
    assert (missed, lost) == (n, 0)


def test_refused_batch_is_lost_whole_and_counted(bench):
    """A socket with no room refuses a batch; each of its upcalls counts
    as lost, and the socket takes the next batch once drained."""
    act = bench.sock()
    act.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    _three_userspace_flow(bench, act, VPORT_PIDS | BATCH)
    # 3 upcalls of ~1.1 kB each: the first batch fills the tiny buffer
    # (an empty socket takes one datagram whatever its size), the second
    # is refused.
    frames = [udp_frame(5200 + i, pad=1000) for i in range(2)]
    for f in frames:
        txrx("ph1", [f])
    assert bench.stats()[2] == 3
    got = datagrams(act, 0.5)
    assert _userdata(got) == [[b"u0", b"u1", b"u2"]]
    assert all(m.attrs[PKT] == frames[0] for m in got[0])
    txrx("ph1", [udp_frame(5202)])
    assert _userdata(datagrams(act, 1.0)) == [[b"u0", b"u1", b"u2"]]
    assert bench.stats()[2] == 3


def test_dp_deleted_with_batches_in_flight(bench):
    """Deleting a datapath waits for batches that name it; the kernel log
    stays clean (checked by the session's kmsg guard)."""
    act = bench.sock()
    for _ in range(3):
        _three_userspace_flow(bench, act, VPORT_PIDS | BATCH)
        txrx("ph1", [udp_frame(5300 + i) for i in range(20)])
        bench.ovs.dp_del(DP)
        datagrams(act, 0.2)
    expect_errno(errno.ENODEV, bench.ovs.dp_get, DP)


def test_unknown_feature_bits_still_refused(bench):
    """Our bit is known; its neighbours are not.  Bit 31 above all:
    ovs-vswitchd sets it to probe whether unknown features are refused,
    and without per-CPU dispatch if they are not."""
    for bit in (1 << 31, BATCH >> 1, 1 << 16):
        expect_errno(errno.EOPNOTSUPP, bench.ovs.dp_new, DP,
                     features=VPORT_PIDS | bit)
    assert bench.ovs.dp_dump() == []
