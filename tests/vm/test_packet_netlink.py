# SPDX-License-Identifier: GPL-2.0
"""Upcalls and OVS_PACKET_CMD_EXECUTE over raw generic netlink.

The test's own packet-family sockets stand in for ovs-vswitchd's handler
threads: their netlink port IDs are the datapath's and ports' upcall PIDs.
Frames enter from namespace host ph1 (port 1) and are captured in ph2
(port 2); each carries a marker so that nothing else on the wire counts.
Everything here holds for upstream's module too (run with --upstream).
"""
import errno
import os
import select
import socket
import struct
import time

import pytest

import ovsnl
import vmlib
from ovsnl import (OVS, Flows, GenlSocket, Ovs, a_output, a_userspace,
                   attr, dp_stats, expect_errno, k_eth, k_ethertype,
                   k_in_port, k_ipv4, k_recirc, packet_execute, parse_attrs)

pytestmark = [pytest.mark.needs_datapath, pytest.mark.dataplane]

DP = "tpk0"
MARK = b"ovsdp-packet-netlink"
MAC1, MAC2 = "02:00:00:00:00:01", "02:00:00:00:00:02"
NETDEV = OVS["OVS_VPORT_TYPE_NETDEV"]
MISS = OVS["OVS_PACKET_CMD_MISS"]
ACTION = OVS["OVS_PACKET_CMD_ACTION"]
PKT = OVS["OVS_PACKET_ATTR_PACKET"]
PKEY = OVS["OVS_PACKET_ATTR_KEY"]
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def udp_frame(sport, dport=7777, pad=0):
    """An Ethernet/IPv4/UDP frame from ph1 to ph2 carrying MARK."""
    payload = MARK + struct.pack("!H", sport) + bytes(pad)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000,
                      64, 17, 0, ovsnl.ip4("10.0.0.1"), ovsnl.ip4("10.0.0.2"))
    hdr = hdr[:10] + struct.pack("!H", vmlib._csum(hdr)) + hdr[12:]
    return ovsnl.mac(MAC2) + ovsnl.mac(MAC1) + b"\x08\x00" + hdr + udp


def _open_capture(ns):
    vmlib._enter_netns(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind(("eth0", 0))
    s.setblocking(False)
    return s


def _txrx(tx_ns, frames, rx_ns=None, action=None, wait=1.5, cpu=None):
    """In a forked child: optionally capture in @rx_ns, send @frames from
    @tx_ns (pinned to @cpu if given), run @action(); return the marked
    frames captured."""
    cap = _open_capture(rx_ns) if rx_ns else None
    if tx_ns:
        vmlib._enter_netns(tx_ns)
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})
        tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        tx.bind(("eth0", 0))
        for f in frames:
            tx.send(f)
    if action:
        action()
    got = []
    if not cap:
        return got
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if not select.select([cap], [], [], left)[0]:
            continue
        while True:
            try:
                data, addr = cap.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] != PACKET_OUTGOING and MARK in data:
                got.append(data)
    return got


def txrx(*args, **kwargs):
    return vmlib.in_netns(None, _txrx, *args, **kwargs)


def upcalls(sock, timeout=2.0):
    """Marked upcalls that arrive on @sock within @timeout seconds."""
    while True:
        try:
            msgs = sock.recv_notifications(timeout)
            break
        except OSError as e:
            # An overrun socket reports ENOBUFS once, then delivers what
            # it holds.
            if e.errno != errno.ENOBUFS:
                raise
    return [m for m in msgs if MARK in m.attrs.get(PKT, b"")]


class Bench:
    def __init__(self, ovs, h1, h2):
        self.ovs, self.h1, self.h2 = ovs, h1, h2
        self.socks = []
        self.dp = None

    def sock(self):
        s = GenlSocket(OVS["OVS_PACKET_FAMILY"])
        self.socks.append(s)
        return s

    def make_dp(self, port_pids, dp_pid=0, features=None, extra=()):
        self.dp = self.ovs.dp_new(DP, upcall_pid=dp_pid, features=features,
                                  extra=extra).dp_ifindex
        self.ovs.port_new(self.dp, "pp1", NETDEV, pids=port_pids, port_no=1)
        self.ovs.port_new(self.dp, "pp2", NETDEV, pids=port_pids, port_no=2)
        return self.dp

    def stats(self):
        return dp_stats(self.ovs.dp_get(DP))

    def close(self):
        for s in self.socks:
            s.close()


@pytest.fixture
def bench(make_host):
    h1 = make_host("ph1", "10.0.0.1", "pp1", mac=MAC1)
    h2 = make_host("ph2", "10.0.0.2", "pp2", mac=MAC2)
    with Ovs() as o:
        b = Bench(o, h1, h2)
        try:
            yield b
        finally:
            b.close()
            for m in o.dp_dump():
                o.dp_del(m.str(OVS["OVS_DP_ATTR_NAME"]))


def test_miss_upcall_then_execute(bench):
    us = bench.sock()
    dp = bench.make_dp((us.portid,))
    frame = udp_frame(5000)
    assert txrx("ph1", [frame]) == []
    got = upcalls(us)
    assert len(got) == 1
    m = got[0]
    assert m.cmd == MISS and m.dp_ifindex == dp
    assert m.attrs[PKT] == frame
    key = parse_attrs(m.attrs[PKEY])
    K = OVS
    assert struct.unpack("I", key[K["OVS_KEY_ATTR_IN_PORT"]]) == (1,)
    assert key[K["OVS_KEY_ATTR_ETHERNET"]] == ovsnl.mac(MAC1) + ovsnl.mac(MAC2)
    assert key[K["OVS_KEY_ATTR_ETHERTYPE"]] == b"\x08\x00"
    v4 = key[K["OVS_KEY_ATTR_IPV4"]]
    assert v4[:8] == ovsnl.ip4("10.0.0.1") + ovsnl.ip4("10.0.0.2")
    assert v4[8] == 17
    assert key[K["OVS_KEY_ATTR_UDP"]] == struct.pack("!HH", 5000, 7777)
    # (The stack's own frames, if any, are misses too.)
    hit, missed, lost, nflows = bench.stats()
    assert (hit, lost, nflows) == (0, 0, 0) and missed >= 1

    # Re-inject it with the upcall's key: it leaves through port 2.
    def execute():
        packet_execute(bench.ovs.packet, dp, m.attrs[PKT], m.attrs[PKEY],
                       [a_output(2)])
    assert txrx(None, [], rx_ns="ph2", action=execute) == [frame]
    # Executing is not a flow table lookup: no hit, no upcall.
    assert bench.stats()[0] == 0
    assert upcalls(us, 0.5) == []

    # Just the metadata is enough for a key; output to an absent port
    # drops the packet silently.
    def execute_meta():
        packet_execute(bench.ovs.packet, dp, frame, [k_in_port(1)],
                       [a_output(2), a_output(99)])
    assert txrx(None, [], rx_ns="ph2", action=execute_meta) == [frame]

    # A userspace action in an executed list sends it back up as an
    # action upcall.
    packet_execute(bench.ovs.packet, dp, frame, [k_in_port(1)],
                   [a_userspace(us.portid, b"exec-ud")])
    got = upcalls(us)
    assert [(m.cmd, m.attrs[PKT], m.attrs[OVS["OVS_PACKET_ATTR_USERDATA"]])
            for m in got] == [(ACTION, frame, b"exec-ud")]
    key = parse_attrs(got[0].attrs[PKEY])
    assert struct.unpack("I", key[K["OVS_KEY_ATTR_IN_PORT"]]) == (1,)

    # Malformed requests.  A runt packet fails upstream's policy (ERANGE)
    # and our own check (EINVAL).
    with pytest.raises(ovsnl.NlError) as e:
        packet_execute(bench.ovs.packet, dp, frame[:10], [k_in_port(1)],
                       [a_output(2)])
    assert e.value.errno in (errno.EINVAL, errno.ERANGE)
    e = expect_errno(errno.EINVAL, bench.ovs.packet.request,
                     OVS["OVS_PACKET_CMD_EXECUTE"],
                     [attr(PKT, frame),
                      attr(OVS["OVS_PACKET_ATTR_ACTIONS"], [a_output(2)])],
                     dp_ifindex=dp, echo=False)
    e = expect_errno(errno.EINVAL, packet_execute, bench.ovs.packet, dp,
                     frame, [k_in_port(1), k_in_port(1)], [a_output(2)])
    e = expect_errno(errno.EINVAL, packet_execute, bench.ovs.packet, dp,
                     frame, [k_in_port(1)], [a_output(0xffffffff)])
    expect_errno(errno.ENODEV, packet_execute, bench.ovs.packet, 1,
                 frame, [k_in_port(1)], [a_output(2)])


def _ip_flow(flows, in_port, actions):
    key = [k_recirc(0), k_in_port(in_port), k_eth(), k_ethertype(0x0800),
           k_ipv4()]
    mask = [k_recirc(0xffffffff), k_in_port(0xffffffff), k_eth(),
            k_ethertype(0xffff), k_ipv4()]
    flows.new(key, mask=mask, actions=actions)


def test_userspace_action(bench):
    miss, act = bench.sock(), bench.sock()
    dp = bench.make_dp((miss.portid,))
    flows = Flows(bench.ovs.flow, dp)
    _ip_flow(flows, 1, [a_userspace(act.portid, b"cookie42"), a_output(2)])
    frame = udp_frame(5001)
    # The userspace action does not stop the packet.
    assert txrx("ph1", [frame], rx_ns="ph2") == [frame]
    got = upcalls(act)
    assert len(got) == 1
    m = got[0]
    assert m.cmd == ACTION and m.dp_ifindex == dp
    assert m.attrs[PKT] == frame
    assert m.attrs[OVS["OVS_PACKET_ATTR_USERDATA"]] == b"cookie42"
    key = parse_attrs(m.attrs[PKEY])
    assert struct.unpack("I", key[OVS["OVS_KEY_ATTR_IN_PORT"]]) == (1,)
    assert upcalls(miss, 0.3) == []
    assert bench.stats()[0] >= 1 and bench.stats()[2] == 0


def test_vport_pid_array_spreads_flows(bench):
    # Upstream allows at most one PID per CPU.
    socks = [bench.sock() for _ in range(min(os.cpu_count(), 3))]
    if len(socks) < 2:
        pytest.skip("needs two CPUs")
    bench.make_dp(tuple(s.portid for s in socks))
    sports = list(range(6000, 6024))
    frames = [udp_frame(p) for p in sports] * 2
    txrx("ph1", frames)
    where = {}
    total = 0
    for i, s in enumerate(socks):
        for m in upcalls(s, 1.0):
            assert m.cmd == MISS
            sport = struct.unpack("!HH", parse_attrs(m.attrs[PKEY])
                                  [OVS["OVS_KEY_ATTR_UDP"]])[0]
            where.setdefault(sport, set()).add(i)
            total += 1
    assert total == len(frames)
    # One flow's packets all go to one socket, the flows to several.
    assert sorted(where) == sports
    assert all(len(v) == 1 for v in where.values()), where
    used = set().union(*where.values())
    assert len(used) >= 2, where
    assert bench.stats()[1] >= len(frames) and bench.stats()[2] == 0


def test_per_cpu_dispatch(bench):
    if os.cpu_count() < 2:
        pytest.skip("needs two CPUs")
    port_sock = bench.sock()
    cpu_socks = [bench.sock() for _ in range(2)]
    pids = struct.pack("2I", *(s.portid for s in cpu_socks))
    bench.make_dp((port_sock.portid,),
                  features=OVS["OVS_DP_F_DISPATCH_UPCALL_PER_CPU"],
                  extra=[attr(OVS["OVS_DP_ATTR_PER_CPU_PIDS"], pids)])
    for cpu in (0, 1):
        txrx("ph1", [udp_frame(7000 + cpu)], cpu=cpu)
    for cpu, s in enumerate(cpu_socks):
        got = upcalls(s, 1.0)
        ports = [struct.unpack("!HH", parse_attrs(m.attrs[PKEY])
                               [OVS["OVS_KEY_ATTR_UDP"]])[0] for m in got]
        assert ports == [7000 + cpu], (cpu, ports)
    # The port's own PID is not used in this mode.
    assert upcalls(port_sock, 0.3) == []

    # More PIDs than CPUs are accepted; the datapath still answers, with
    # (at least) one PID per CPU.
    many = struct.pack("1024I", *range(1, 1025))
    bench.ovs.dp.request(OVS["OVS_DP_CMD_SET"],
                         [ovsnl.string(OVS["OVS_DP_ATTR_NAME"], DP),
                          attr(OVS["OVS_DP_ATTR_PER_CPU_PIDS"], many)])
    m = bench.ovs.dp_get(DP)
    got = m.attrs.get(OVS["OVS_DP_ATTR_PER_CPU_PIDS"])
    if got is not None:
        assert many.startswith(got) and len(got) >= 4 * os.cpu_count()
    assert len(bench.ovs.dp_dump()) == 1


def test_full_socket_counts_lost(bench):
    full = bench.sock()
    full.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    bench.make_dp((full.portid,))
    n = 60
    frames = [udp_frame(8000 + i, pad=1000) for i in range(n)]
    start = time.monotonic()
    txrx("ph1", frames)
    assert time.monotonic() - start < 30
    hit, missed, lost, _ = bench.stats()
    assert missed >= n
    # A few fit in the tiny buffer; the rest are lost, not waited for.
    assert n - 10 <= lost < n
    queued = upcalls(full, 0.5)
    assert n - lost <= len(queued) <= 10

    # Drained, the socket takes upcalls again.
    txrx("ph1", [udp_frame(8100)])
    assert len(upcalls(full, 1.0)) == 1
    assert bench.stats()[2] == lost

    # A port nobody listens on (PID 0): upcalls are lost too.
    bench.ovs.vport.request(OVS["OVS_VPORT_CMD_SET"],
                            [ovsnl.string(OVS["OVS_VPORT_ATTR_NAME"], "pp1"),
                             attr(OVS["OVS_VPORT_ATTR_UPCALL_PID"],
                                  struct.pack("I", 0))])
    txrx("ph1", frames[:5])
    lost2 = bench.stats()[2]
    assert lost2 >= lost + 5
    # Traffic with a flow does not care.
    _ip_flow(Flows(bench.ovs.flow, bench.dp), 1, [a_output(2)])
    assert txrx("ph1", frames[:3], rx_ns="ph2") == frames[:3]
    assert bench.stats()[2] < lost2 + 3


def test_vlan_upcalls_keep_tags(bench):
    """The receive path moves the outer tag to skb metadata; upcalls must
    carry the frame as it was on the wire, and the key both tags."""
    us = bench.sock()
    bench.make_dp((us.portid,))
    inner = udp_frame(5100)
    single = inner[:12] + struct.pack("!HH", 0x8100, 0x2005) + inner[12:]
    double = inner[:12] + struct.pack("!HHHH", 0x88a8, 0x0064, 0x8100,
                                      0x00c8) + inner[12:]
    txrx("ph1", [single, double])
    got = upcalls(us)
    assert [m.attrs[PKT] for m in got] == [single, double]
    K = OVS
    k1 = parse_attrs(got[0].attrs[PKEY])
    assert k1[K["OVS_KEY_ATTR_ETHERTYPE"]] == b"\x81\x00"
    assert k1[K["OVS_KEY_ATTR_VLAN"]] == struct.pack("!H", 0x3005)
    e1 = parse_attrs(k1[K["OVS_KEY_ATTR_ENCAP"]])
    assert e1[K["OVS_KEY_ATTR_ETHERTYPE"]] == b"\x08\x00"
    assert e1[K["OVS_KEY_ATTR_UDP"]] == struct.pack("!HH", 5100, 7777)
    k2 = parse_attrs(got[1].attrs[PKEY])
    assert k2[K["OVS_KEY_ATTR_ETHERTYPE"]] == b"\x88\xa8"
    assert k2[K["OVS_KEY_ATTR_VLAN"]] == struct.pack("!H", 0x1064)
    e2 = parse_attrs(k2[K["OVS_KEY_ATTR_ENCAP"]])
    assert e2[K["OVS_KEY_ATTR_ETHERTYPE"]] == b"\x81\x00"
    assert e2[K["OVS_KEY_ATTR_VLAN"]] == struct.pack("!H", 0x10c8)
    e3 = parse_attrs(e2[K["OVS_KEY_ATTR_ENCAP"]])
    assert e3[K["OVS_KEY_ATTR_IPV4"]][8] == 17
