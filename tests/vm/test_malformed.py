# SPDX-License-Identifier: GPL-2.0
"""A corpus of malformed and unusual frames through the datapath.

Frames truncated at and inside every header, bad IPv4 header lengths,
IPv6 extension-header chains (complete and ending early), stacked VLANs,
MPLS stacks, IPv4/IPv6 fragments, ND with broken options, zero-length
payloads and a jumbo frame enter a port:

  * of a bridge run by the real ovs-vswitchd (NORMAL: every frame is a
    miss upcall, then vswitchd executes it and installs flows);
  * of a datapath nobody listens to (upcalls to PID 0 and to a PID with
    no socket), then with catch-all flows installed (the actions run).

Nothing may crash or log a kernel problem (the kmsg_guard fixture), and
well-formed traffic must flow afterwards.  Runs on upstream too.
"""
import errno
import socket
import struct
import time

import pytest

import ovsnl
import vmlib
from ovsnl import (OVS, Flows, Ovs, a_output, dp_stats, k_eth, k_in_port,
                   k_recirc)

import scapy.all as S  # noqa: E402 - once per module: slow under TCG
from scapy.contrib.mpls import MPLS  # noqa: E402

pytestmark = [pytest.mark.needs_datapath, pytest.mark.dataplane]

MAC1, MAC2 = "02:00:00:00:00:01", "02:00:00:00:00:02"
IP1, IP2 = "10.0.0.1", "10.0.0.2"
V6A, V6B = "fd00::1", "fd00::2"
MARK = b"ovsdp-malformed"
JUMBO_MTU = 9000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def _eth(etype=None):
    e = S.Ether(src=MAC1, dst=MAC2)
    if etype is not None:
        e.type = etype
    return e


def _complete_frames():
    """Well-formed frames of every protocol the flow key knows."""
    pay = S.Raw(MARK + b"-ok")
    v4 = S.IP(src=IP1, dst=IP2)
    v6 = S.IPv6(src=V6A, dst=V6B)
    return {
        "ipv4-tcp": _eth() / v4 / S.TCP(sport=1, dport=80, flags="S") / pay,
        "ipv4-udp": _eth() / v4 / S.UDP(sport=2, dport=53) / pay,
        "ipv4-icmp": _eth() / v4 / S.ICMP() / pay,
        "ipv4-sctp": _eth() / v4 / S.SCTP(sport=3, dport=4) / pay,
        "ipv6-tcp": _eth() / v6 / S.TCP(sport=1, dport=80) / pay,
        "ipv6-udp": _eth() / v6 / S.UDP(sport=2, dport=53) / pay,
        "icmpv6-echo": _eth() / v6 / S.ICMPv6EchoRequest() / pay,
        "nd-ns": _eth() / S.IPv6(src=V6A, dst="ff02::1:ff00:2") /
        S.ICMPv6ND_NS(tgt=V6B) / S.ICMPv6NDOptSrcLLAddr(lladdr=MAC1),
        "nd-na": _eth() / v6 / S.ICMPv6ND_NA(tgt=V6A) /
        S.ICMPv6NDOptDstLLAddr(lladdr=MAC1),
        "arp": S.Ether(src=MAC1, dst="ff:ff:ff:ff:ff:ff") /
        S.ARP(psrc=IP1, pdst=IP2, hwsrc=MAC1),
        "vlan-udp": _eth() / S.Dot1Q(vlan=10) / v4 / S.UDP() / pay,
        "qinq-udp": _eth() / S.Dot1AD(vlan=10) / S.Dot1Q(vlan=20) / v4 /
        S.UDP() / pay,
        "mpls-udp": _eth(0x8847) / MPLS(label=100, s=1) / v4 / S.UDP() /
        pay,
        "mpls3": _eth(0x8847) / MPLS(label=1, s=0) / MPLS(label=2, s=0) /
        MPLS(label=3, s=1) / v4 / S.UDP() / pay,
    }


def _cuts(pkt):
    """Lengths to truncate @pkt at: each header's start, one byte in,
    half-way and one byte short of its end."""
    raw = bytes(pkt)
    out = set()
    layers = list(pkt.iterpayloads())
    for i, layer in enumerate(layers):
        start = len(raw) - len(bytes(layer))
        end = len(raw) - len(bytes(layers[i + 1])) if i + 1 < len(layers) \
            else len(raw)
        for n in (start, start + 1, (start + end) // 2, end - 1):
            if 0 < n < len(raw):
                out.add(n)
    return sorted(out)


def _special_frames():
    v6 = S.IPv6(src=V6A, dst=V6B)
    udp = S.UDP(sport=5, dport=6) / S.Raw(MARK)
    f = {}
    # IPv4 header lengths and total lengths that lie.
    for ihl in (0, 1, 4, 6, 15):
        f["ihl-%d" % ihl] = _eth() / S.IP(src=IP1, dst=IP2, ihl=ihl) / udp
    f["ipv4-options"] = _eth() / S.IP(src=IP1, dst=IP2, options=[
        S.IPOption_NOP()] * 4) / udp
    f["ipv4-totlen-big"] = _eth() / S.IP(src=IP1, dst=IP2, len=1500) / udp
    f["ipv4-totlen-small"] = _eth() / S.IP(src=IP1, dst=IP2, len=10) / udp
    f["ipv4-version-6"] = _eth(0x0800) / S.IPv6(src=V6A, dst=V6B) / udp
    # Fragments.
    f["ipv4-frag-first"] = _eth() / S.IP(src=IP1, dst=IP2, flags="MF",
                                         id=7) / udp
    f["ipv4-frag-later"] = _eth() / S.IP(src=IP1, dst=IP2, frag=185,
                                         proto=17, id=7) / S.Raw(MARK)
    f["ipv4-frag-first-tiny"] = _eth() / S.IP(src=IP1, dst=IP2, flags="MF",
                                              proto=6) / S.Raw(b"\0\1")
    f["ipv4-frag-later-tcp"] = _eth() / S.IP(src=IP1, dst=IP2, frag=1,
                                             proto=6) / S.Raw(b"\0" * 4)
    f["ipv6-frag-first"] = _eth() / v6 / S.IPv6ExtHdrFragment(m=1, id=9) / \
        udp
    f["ipv6-frag-later"] = _eth() / v6 / S.IPv6ExtHdrFragment(
        offset=100, nh=17, id=9) / S.Raw(MARK)
    # IPv6 extension header chains.
    f["ipv6-hbh"] = _eth() / v6 / S.IPv6ExtHdrHopByHop() / udp
    f["ipv6-routing"] = _eth() / v6 / S.IPv6ExtHdrRouting() / \
        S.TCP(dport=80)
    f["ipv6-destopt"] = _eth() / v6 / S.IPv6ExtHdrDestOpt() / \
        S.ICMPv6EchoRequest()
    f["ipv6-chain"] = _eth() / v6 / S.IPv6ExtHdrHopByHop() / \
        S.IPv6ExtHdrDestOpt() / S.IPv6ExtHdrRouting() / \
        S.IPv6ExtHdrFragment() / S.IPv6ExtHdrDestOpt() / udp
    f["ipv6-no-next"] = _eth() / S.IPv6(src=V6A, dst=V6B, nh=59) / \
        S.Raw(MARK)
    f["ipv6-chain-ends-early"] = _eth() / S.IPv6(src=V6A, dst=V6B, nh=0,
                                                 plen=64) / \
        S.Raw(bytes([60, 0, 1, 4, 0, 0, 0, 0]))
    f["ipv6-exthdr-len-overruns"] = _eth() / S.IPv6(src=V6A, dst=V6B,
                                                    nh=60) / \
        S.Raw(bytes([17, 255]) + bytes(6))
    f["ipv6-hbh-not-first"] = _eth() / v6 / S.IPv6ExtHdrDestOpt(nh=0) / \
        S.IPv6ExtHdrHopByHop() / udp
    f["ipv6-long-chain"] = _eth() / S.IPv6(src=V6A, dst=V6B, nh=60) / \
        S.Raw(bytes([60, 0, 1, 4, 0, 0, 0, 0]) * 40 + bytes([17, 0]) +
              bytes(6)) / udp
    # ND with broken options: zero length (a classic endless loop),
    # running past the end, and duplicates.
    ns = _eth() / S.IPv6(src=V6A, dst="ff02::1:ff00:2") / \
        S.ICMPv6ND_NS(tgt=V6B)
    f["nd-opt-len0"] = ns / S.Raw(bytes([1, 0]) + bytes(6))
    f["nd-opt-overrun"] = ns / S.Raw(bytes([1, 9]) + bytes(6))
    f["nd-opt-dup"] = ns / S.ICMPv6NDOptSrcLLAddr(lladdr=MAC1) / \
        S.ICMPv6NDOptSrcLLAddr(lladdr=MAC2)
    f["nd-opt-unknown"] = ns / S.Raw(bytes([77, 1]) + bytes(6))
    f["nd-ns-short"] = _eth() / S.IPv6(src=V6A, dst=V6B, nh=58) / \
        S.Raw(bytes([135, 0, 0, 0]) + bytes(8))
    f["nd-hlim-254"] = _eth() / S.IPv6(src=V6A, dst=V6B, hlim=254) / \
        S.ICMPv6ND_NS(tgt=V6B)
    # VLAN stacks.
    f["vlan-triple"] = _eth() / S.Dot1AD(vlan=1) / S.Dot1Q(vlan=2) / \
        S.Dot1Q(vlan=3) / S.IP(src=IP1, dst=IP2) / udp
    f["vlan-88a8-inner-88a8"] = _eth() / S.Dot1AD(vlan=1) / \
        S.Dot1AD(vlan=2) / S.IP(src=IP1, dst=IP2) / udp
    f["vlan-8-deep"] = _eth() / S.Raw(b"".join(
        struct.pack("!HH", i, 0x8100) for i in range(8))[2:] +
        b"\x08\x00") / S.IP(src=IP1, dst=IP2) / udp
    f["vlan-only-tag"] = _eth(0x8100) / S.Raw(b"\x00\x0a")
    f["vlan-tci-zero"] = _eth() / S.Dot1Q(vlan=0, prio=0) / \
        S.IP(src=IP1, dst=IP2) / udp
    f["vlan-802.3-inside"] = _eth() / S.Dot1Q(type=0x40) / S.LLC() / \
        S.Raw(MARK)
    # MPLS stacks: deep, without bottom of stack, multicast ethertype.
    f["mpls-8"] = _eth(0x8847) / S.Raw(b"".join(
        struct.pack("!I", (i << 12) | (0x100 if i == 7 else 0) | 64)
        for i in range(8))) / S.IP(src=IP1, dst=IP2) / udp
    f["mpls-no-bos"] = _eth(0x8847) / S.Raw(struct.pack("!I", 5 << 12) * 3)
    f["mpls-mcast"] = _eth(0x8848) / MPLS(label=9, s=1) / \
        S.IP(src=IP1, dst=IP2) / udp
    f["mpls-in-vlan"] = _eth() / S.Dot1Q(vlan=4, type=0x8847) / \
        MPLS(label=9, s=1) / S.IPv6(src=V6A, dst=V6B) / udp
    # ARP oddities.
    f["arp-hwlen-8"] = S.Ether(src=MAC1, dst="ff:ff:ff:ff:ff:ff") / \
        S.ARP(hwlen=8, psrc=IP1, pdst=IP2)
    f["arp-op-300"] = S.Ether(src=MAC1, dst="ff:ff:ff:ff:ff:ff") / \
        S.ARP(op=300, psrc=IP1, pdst=IP2)
    f["rarp"] = S.Ether(src=MAC1, dst="ff:ff:ff:ff:ff:ff", type=0x8035) / \
        S.ARP(op=3)
    f["arp-ipv6-ptype"] = S.Ether(src=MAC1, dst="ff:ff:ff:ff:ff:ff") / \
        S.ARP(ptype=0x86dd, plen=16)
    # Transport headers that lie.
    f["tcp-dataofs-0"] = _eth() / S.IP(src=IP1, dst=IP2) / \
        S.TCP(dataofs=0) / S.Raw(MARK)
    f["tcp-dataofs-15"] = _eth() / S.IP(src=IP1, dst=IP2) / \
        S.TCP(dataofs=15)
    f["udp-len-0"] = _eth() / S.IP(src=IP1, dst=IP2) / S.UDP(len=0)
    f["icmp-1-byte"] = _eth() / S.IP(src=IP1, dst=IP2, proto=1) / \
        S.Raw(b"\x08")
    # Zero-length payloads and unusual ethertypes.
    f["udp-empty"] = _eth() / S.IP(src=IP1, dst=IP2) / S.UDP()
    f["tcp-empty"] = _eth() / S.IPv6(src=V6A, dst=V6B) / S.TCP()
    f["ipv4-empty"] = _eth() / S.IP(src=IP1, dst=IP2, proto=200)
    f["ipv6-empty"] = _eth() / S.IPv6(src=V6A, dst=V6B, nh=200)
    f["eth-only"] = _eth(0x0800)
    f["ethertype-0"] = _eth(0) / S.Raw(MARK)
    f["ethertype-5ff"] = _eth(0x5ff) / S.Raw(MARK)
    f["802.3-llc-snap"] = S.Dot3(src=MAC1, dst=MAC2) / S.LLC() / \
        S.SNAP() / S.Raw(MARK)
    f["802.3-len-lies"] = S.Dot3(src=MAC1, dst=MAC2, len=1400) / S.LLC()
    f["lldp"] = S.Ether(src=MAC1, dst="01:80:c2:00:00:0e",
                        type=0x88cc) / S.Raw(bytes(20))
    f["pppoe"] = _eth(0x8864) / S.Raw(bytes(8))
    f["nsh"] = _eth(0x894f) / S.Raw(bytes(8))
    f["multicast-src"] = S.Ether(src="01:00:5e:00:00:01", dst=MAC2) / \
        S.IP(src=IP1, dst=IP2) / udp
    return f


def build_corpus():
    """[(name, frame bytes)]: complete frames, their truncations, the
    special cases, and short runts."""
    corpus = []
    for name, pkt in _complete_frames().items():
        raw = bytes(pkt)
        corpus.append((name, raw))
        corpus += [("%s/cut%d" % (name, n), raw[:n]) for n in _cuts(pkt)]
    for name, pkt in _special_frames().items():
        corpus.append((name, bytes(pkt)))
    corpus += [("runt-%d" % n, bytes(_eth(0x0800)) + bytes(n - 14))
               for n in (15, 20, 33)]
    # Truncations of frames that share a prefix coincide: keep one.
    seen, out = set(), []
    for name, raw in corpus:
        if raw not in seen:
            seen.add(raw)
            out.append((name, raw))
    return out


CORPUS = build_corpus()
# Well-formed, marked frames that must cross whatever the datapath is.
JUMBO = bytes(_eth() / S.IP(src=IP1, dst=IP2) / S.UDP(sport=9, dport=9) /
              S.Raw(MARK + b"-jumbo" + bytes(JUMBO_MTU - 28 - 21)))
GOOD = bytes(_complete_frames()["ipv4-udp"])


def _open_capture(ns):
    vmlib._enter_netns(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("eth0", 0))
    s.setblocking(False)
    return s


def _send_corpus(tx_ns, rx_ns, frames, wait=3.0):
    """Child: send @frames from @tx_ns, return the marked frames @rx_ns
    saw."""
    cap = _open_capture(rx_ns)
    vmlib._enter_netns(tx_ns)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("eth0", 0))
    sent, refused = 0, []
    for f in frames:
        try:
            tx.send(f)
            sent += 1
        except OSError:
            refused.append(len(f))
        if sent % 50 == 0:
            time.sleep(0.05)    # do not overrun the veth backlog
    # Only frames shorter than an Ethernet header may be refused (the
    # sending stack's choice, not the datapath's).
    assert all(n < 14 for n in refused), refused
    got = []
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            data, addr = cap.recvfrom(65535)
        except BlockingIOError:
            time.sleep(0.05)
            continue
        if addr[2] != PACKET_OUTGOING and MARK in data:
            got.append(data)
    return sent, got


def send_corpus(h1, h2, extra=(), corpus=True, wait=3.0):
    frames = [f for _, f in CORPUS] if corpus else []
    frames += list(extra)
    return vmlib.in_netns(None, _send_corpus, h1.ns, h2.ns, frames, wait,
                          timeout=300)


@pytest.fixture
def jumbo_pair(make_host):
    return (make_host("mh1", IP1, "mp1", mac=MAC1, mtu=JUMBO_MTU,
                      ipv6=True),
            make_host("mh2", IP2, "mp2", mac=MAC2, mtu=JUMBO_MTU,
                      ipv6=True))


def test_corpus_is_varied():
    names = [n for n, _ in CORPUS]
    assert len(names) == len(set(names))
    assert len({f for _, f in CORPUS}) == len(CORPUS) > 150
    assert max(len(f) for _, f in CORPUS) > 200
    assert sum(len(f) < 14 for _, f in CORPUS) >= 3


def test_corpus_through_vswitchd(ovs, jumbo_pair):
    h1, h2 = jumbo_pair
    ovs.vsctl("add-br", "br0", "--", "add-port", "br0", "mp1", "--",
              "add-port", "br0", "mp2")
    vmlib.wait_for(lambda: h1.ping(h2, count=1, timeout=1), timeout=60,
                   what="first ping through vswitchd")
    sent, got = send_corpus(h1, h2, extra=[JUMBO, GOOD])
    assert sent >= len(CORPUS) * 0.8
    # NORMAL floods or forwards to h2 what it has learned: the well-formed
    # frames, the jumbo one included, arrive whole.
    assert JUMBO in got and GOOD in got
    assert h1.ping(h2, count=3) == 3
    dp = ovs.dpctl("show")
    assert "lookups" in dp
    # vswitchd's datapath interface kept working: no netlink errors.
    bad = ovs.log_lines(levels=("ERR", "EMER"), module="dpif")
    assert not bad, bad


@pytest.fixture
def lonely_dp(jumbo_pair):
    """A datapath whose ports' upcalls go nowhere: port 1 to PID 0, port 2
    to a PID no socket has."""
    with Ovs() as o:
        dp = o.dp_new("tmal0").dp_ifindex
        o.port_new(dp, "mp1", OVS["OVS_VPORT_TYPE_NETDEV"], pids=(0,),
                   port_no=1)
        o.port_new(dp, "mp2", OVS["OVS_VPORT_TYPE_NETDEV"],
                   pids=(0x7ffffff0,), port_no=2)
        try:
            yield o, dp, jumbo_pair
        finally:
            o.dp_del("tmal0")


def test_corpus_without_userspace(lonely_dp):
    o, dp, (h1, h2) = lonely_dp
    sent, got = send_corpus(h1, h2, extra=[JUMBO])
    assert got == []
    hit, missed, lost, _ = dp_stats(o.dp_get("tmal0"))
    # Almost everything sent reaches the datapath (the receiving veth
    # may drop a few runts), and every miss is lost.
    assert hit == 0 and missed >= sent * 0.9 and lost == missed

    # Catch-all flows (any frame, whatever its ethertype): now the
    # corpus runs through the actions, and arrives.
    flows = Flows(o.flow, dp)
    for inp, outp in ((1, 2), (2, 1)):
        flows.new([k_recirc(0), k_in_port(inp), k_eth()],
                  mask=[k_recirc(0xffffffff), k_in_port(0xffffffff)],
                  actions=[a_output(outp)])
    sent2, got = send_corpus(h1, h2, extra=[JUMBO, GOOD])
    assert JUMBO in got and GOOD in got
    hit2 = dp_stats(o.dp_get("tmal0"))[0]
    # A flow without a VLAN attribute matches untagged frames only.
    untagged = [f for _, f in CORPUS
                if len(f) >= 14 and f[12:14] not in (b"\x81\x00",
                                                     b"\x88\xa8")]
    assert hit2 >= len(untagged) * 0.9
    assert h1.ping(h2, count=3) == 3

    tagged = [bytes(_complete_frames()[n]) for n in ("vlan-udp",
                                                     "qinq-udp")] * 10
    before = dp_stats(o.dp_get("tmal0"))
    send_corpus(h1, h2, extra=tagged, corpus=False)
    after = dp_stats(o.dp_get("tmal0"))
    assert after[0] - before[0] < 5
    assert after[1] - before[1] >= len(tagged)


SO_RCVBUFFORCE = 33
# Upstream (6.1) reports keys for these frames that it then refuses as
# flow keys: MPLS stacks cut before their bottom of stack, an inner VLAN
# tag cut short, 802.3 inside a VLAN tag.  Ours must accept all its keys.
UPSTREAM_REFUSES_OWN_KEY = {
    "mpls-no-bos", "qinq-udp/cut20", "qinq-udp/cut21", "vlan-802.3-inside"
} | {"mpls-udp/cut%d" % n for n in range(14, 18)} | \
    {"mpls3/cut%d" % n for n in range(16, 26)}
NAMES = {f: n for n, f in CORPUS}


def test_upcall_keys_are_valid_flow_keys(jumbo_pair):
    """Every key the datapath reports for a corpus frame can be installed
    as a flow key: that is what ovs-vswitchd does with them."""
    h1, h2 = jumbo_pair
    errors = []
    with Ovs() as o:
        us = ovsnl.GenlSocket(OVS["OVS_PACKET_FAMILY"])
        us.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        try:
            dp = o.dp_new("tmal1").dp_ifindex
            o.port_new(dp, "mp1", OVS["OVS_VPORT_TYPE_NETDEV"],
                       pids=(us.portid,), port_no=1)
            sent, _ = send_corpus(h1, h2, extra=[JUMBO], wait=0.1)
            msgs = [m for m in us.recv_notifications(3.0)
                    if m.cmd == OVS["OVS_PACKET_CMD_MISS"]]
            assert len(msgs) >= sent * 0.9
            assert dp_stats(o.dp_get("tmal1"))[2] == 0
            assert any(m.attrs[OVS["OVS_PACKET_ATTR_PACKET"]] == JUMBO
                       for m in msgs)
            flows = Flows(o.flow, dp)
            installed = 0
            for m in msgs:
                key = m.attrs[OVS["OVS_PACKET_ATTR_KEY"]]
                try:
                    flows.new(key, actions=[])
                    installed += 1
                except ovsnl.NlError as e:
                    if e.errno != errno.EEXIST:
                        pkt = m.attrs[OVS["OVS_PACKET_ATTR_PACKET"]]
                        errors.append(NAMES.get(pkt, pkt[:40].hex()))
            if vmlib.DatapathModule().ours:
                assert not errors, sorted(errors)
            else:
                assert set(errors) <= UPSTREAM_REFUSES_OWN_KEY, \
                    sorted(set(errors) - UPSTREAM_REFUSES_OWN_KEY)
            assert installed == dp_stats(o.dp_get("tmal1"))[3] > 50
        finally:
            us.close()
            o.dp_del("tmal1")
