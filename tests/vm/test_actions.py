# SPDX-License-Identifier: GPL-2.0
"""The action executor, driven through Debian's unmodified ovs-dpctl.

Three hosts hang off one datapath: h1 (port 1) sends crafted frames, h2
(port 2) and h3 (port 3) capture what the flow's actions made of them.
Frames carry a marker in their payload, so that anything else on the wire
is ignored.  Every expectation here holds for upstream's module too, except
those of tests marked ours_only (our counters differ).

Run through the VM runner (see conftest.py); also with --upstream, which
checks that the expectations are upstream's semantics.
"""

import os
import re
import select
import socket
import struct
import time

import pytest

import vmlib

pytestmark = [pytest.mark.needs_datapath, pytest.mark.dataplane]

DP = "actdp"
MARK = b"ovsdp-actions-test"
MAC1, MAC2, MAC3 = "02:00:00:00:00:01", "02:00:00:00:00:02", \
    "02:00:00:00:00:03"

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6


def scapy():
    # Imported lazily: scapy is slow to import and only needed here.
    import scapy.all as s
    return s


def dpctl(*args, check=True):
    return vmlib.run(["ovs-dpctl"] + list(args), check=check)


@pytest.fixture(scope="module")
def topo():
    hosts = []
    try:
        for i, mac in ((1, MAC1), (2, MAC2), (3, MAC3)):
            h = vmlib.Host("ah%d" % i, "10.0.0.%d" % i, "ap%d" % i, mac=mac,
                           ipv6=True)
            hosts.append(h.create())
        dpctl("add-dp", DP)
        for i in (1, 2, 3):
            dpctl("add-if", DP, "ap%d,port_no=%d" % (i, i))
        yield hosts
    finally:
        dpctl("del-dp", DP, check=False)
        for h in hosts:
            h.destroy()


@pytest.fixture
def flows(topo):
    dpctl("del-flows", DP)
    yield lambda key, acts: dpctl("add-flow", DP, key, acts)
    dpctl("del-flows", DP)


def _nl():
    import ovsnl
    return ovsnl


def raw_flow(dport, actions, recirc_id=0):
    """Install recirc_id(@recirc_id),in_port(1),eth(),eth_type(0x0800),
    ipv4(proto=17,frag=no),udp(dst=@dport) with raw action attributes:
    ovs-dpctl 3.1 prints push_mpls, hash and dec_ttl but cannot parse them.
    """
    nl = _nl()
    K = nl.OVS

    def a(name, payload):
        return nl.attr(K[name], payload)

    def fields(ipv4, udp, recirc, port, etype):
        return [a("OVS_KEY_ATTR_RECIRC_ID", struct.pack("I", recirc)),
                a("OVS_KEY_ATTR_IN_PORT", struct.pack("I", port)),
                a("OVS_KEY_ATTR_ETHERNET", bytes(12)),
                a("OVS_KEY_ATTR_ETHERTYPE", struct.pack("!H", etype)),
                a("OVS_KEY_ATTR_IPV4", ipv4),
                a("OVS_KEY_ATTR_UDP", udp)]

    key = fields(bytes(8) + bytes([17, 0, 0, 0]),
                 struct.pack("!HH", 0, dport), recirc_id, 1, 0x0800)
    mask = fields(bytes(8) + bytes([0xff, 0, 0, 0xff]),
                  struct.pack("!HH", 0, 0xffff), 0xffffffff, 0xffffffff,
                  0xffff)
    raw_put(key, mask, actions)


def raw_mpls_flow(label, actions):
    """recirc_id(0),in_port(1),eth(),eth_type(0x8847),mpls(label=@label)."""
    nl = _nl()
    K = nl.OVS

    def a(name, payload):
        return nl.attr(K[name], payload)

    def fields(recirc, port, etype, lse):
        return [a("OVS_KEY_ATTR_RECIRC_ID", struct.pack("I", recirc)),
                a("OVS_KEY_ATTR_IN_PORT", struct.pack("I", port)),
                a("OVS_KEY_ATTR_ETHERNET", bytes(12)),
                a("OVS_KEY_ATTR_ETHERTYPE", struct.pack("!H", etype)),
                a("OVS_KEY_ATTR_MPLS", struct.pack("!I", lse))]

    raw_put(fields(0, 1, 0x8847, label << 12),
            fields(0xffffffff, 0xffffffff, 0xffff, 0xfffff << 12), actions)


def raw_put(key, mask, actions):
    nl = _nl()
    K = nl.OVS

    def a(name, payload):
        return nl.attr(K[name], payload)

    with nl.Ovs() as o:
        ifindex = o.dp_get(DP).dp_ifindex
        o.flow.request(K["OVS_FLOW_CMD_NEW"],
                       [a("OVS_FLOW_ATTR_KEY", key),
                        a("OVS_FLOW_ATTR_MASK", mask),
                        a("OVS_FLOW_ATTR_ACTIONS", actions)],
                       dp_ifindex=ifindex, flags=0x400 | 0x200)


def act_output(port):
    nl = _nl()
    return nl.u32(nl.OVS["OVS_ACTION_ATTR_OUTPUT"], port)


def act(name, payload):
    nl = _nl()
    return nl.attr(nl.OVS["OVS_ACTION_ATTR_" + name], payload)


def _open_capture(ns):
    vmlib._enter_netns(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind(("eth0", 0))
    s.setblocking(False)
    return s


def _with_vlan(data, ancdata):
    """Put back the VLAN tag the receive path moved to metadata."""
    for level, ctype, cdata in ancdata:
        if level != SOL_PACKET or ctype != PACKET_AUXDATA:
            continue
        status, _, _, _, _, tci, tpid = struct.unpack("IIIHHHH", cdata[:20])
        if status & TP_STATUS_VLAN_VALID:
            if not status & TP_STATUS_VLAN_TPID_VALID:
                tpid = 0x8100
            return data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
    return data


def _exchange(frames, receivers, wait):
    caps = {ns: _open_capture(ns) for ns in receivers}
    vmlib._enter_netns("ah1")
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("eth0", 0))
    for f in frames:
        tx.send(f)
    got = {ns: [] for ns in receivers}
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select(list(caps.values()), [], [], left)
        for ns, s in caps.items():
            if s not in ready:
                continue
            while True:
                try:
                    data, anc, _, addr = s.recvmsg(65535,
                                                   socket.CMSG_SPACE(32))
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING or MARK not in data:
                    continue
                got[ns].append(_with_vlan(data, anc))
    return got


def exchange(*frames, wait=0.7):
    """Send @frames from h1; {"h2": [...], "h3": [...]} of what arrived."""
    got = vmlib.in_netns("ah1", _exchange, [bytes(f) for f in frames],
                         ["ah2", "ah3"], wait)
    return got["ah2"], got["ah3"]


def udp4(dport=1000, sport=5555, ttl=64, chksum=None, size=0, **ip):
    s = scapy()
    pay = MARK + b"x" * size
    u = s.UDP(sport=sport, dport=dport)
    if chksum is not None:
        u.chksum = chksum
    return (s.Ether(src=MAC1, dst=MAC2) /
            s.IP(src=ip.get("src", "10.0.0.1"), dst=ip.get("dst", "10.0.0.2"),
                 ttl=ttl) / u / pay)


def tcp4(dport=80):
    s = scapy()
    return (s.Ether(src=MAC1, dst=MAC2) / s.IP(src="10.0.0.1", dst="10.0.0.2")
            / s.TCP(sport=4444, dport=dport, flags="S") / MARK)


# recirc_id is exact, as in every flow userspace installs: a flow
# wildcarding it would also match recirculated packets, and a later flow for
# those would be refused as a duplicate (upstream behaves the same).
UDP4_KEY = ("recirc_id(0),in_port(1),eth(),eth_type(0x0800),"
            "ipv4(proto=17,frag=no),udp(dst=%d)")


def csums_ok(frame):
    """True if every IP/L4 checksum of @frame is correct (recomputed)."""
    s = scapy()
    pkt = s.Ether(frame)
    again = pkt.copy()
    for layer, field in ((s.IP, "chksum"), (s.TCP, "chksum"),
                         (s.UDP, "chksum"), (s.ICMPv6EchoRequest, "cksum")):
        if again.haslayer(layer):
            # A zero UDP checksum means "none" and is left alone.
            if layer is s.UDP and again[layer].chksum == 0:
                continue
            delattr(again[layer], field)
    if again.haslayer(s.IP):
        del again[s.IP].len
    return bytes(s.Ether(bytes(again))) == bytes(pkt)


def test_output_to_two_ports(flows):
    flows(UDP4_KEY % 1001, "2,3")
    h2, h3 = exchange(udp4(1001))
    assert len(h2) == 1 and len(h3) == 1
    assert h2[0] == h3[0] == bytes(udp4(1001))


def test_missing_port_drops_silently(flows):
    flows(UDP4_KEY % 1002, "9,3")
    h2, h3 = exchange(udp4(1002))
    assert not h2 and len(h3) == 1


def test_set_ipv4_and_tcp_keep_checksums_right(flows):
    # Upstream insists on tcp_flags with a TCP key.
    flows("recirc_id(0),in_port(1),eth(),eth_type(0x0800),"
          "ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(0/0)",
          "set(ipv4(src=10.1.1.1,dst=10.2.2.2,tos=0x20,ttl=17)),"
          "set(tcp(dst=8080)),2")
    h2, _ = exchange(tcp4(80))
    assert len(h2) == 1
    s = scapy()
    p = s.Ether(h2[0])
    assert (p[s.IP].src, p[s.IP].dst, p[s.IP].tos, p[s.IP].ttl) == \
        ("10.1.1.1", "10.2.2.2", 0x20, 17)
    assert p[s.TCP].dport == 8080
    assert csums_ok(h2[0])


def test_set_eth_addresses(flows):
    flows(UDP4_KEY % 1003,
          "set(eth(src=0a:0b:0c:0d:0e:0f,dst=02:00:00:00:00:03)),3")
    _, h3 = exchange(udp4(1003))
    assert len(h3) == 1
    assert h3[0][:12] == bytes.fromhex("020000000003" "0a0b0c0d0e0f")
    assert h3[0][12:] == bytes(udp4(1003))[12:]


def test_udp_checksum_updated_or_left_zero(flows):
    flows(UDP4_KEY % 1004, "set(ipv4(dst=10.7.7.7)),set(udp(src=99)),2")
    h2, _ = exchange(udp4(1004), udp4(1004, chksum=0))
    assert len(h2) == 2
    s = scapy()
    with_sum, without = (s.Ether(f) for f in h2)
    assert with_sum[s.UDP].chksum != 0 and csums_ok(h2[0])
    assert without[s.UDP].chksum == 0 and csums_ok(h2[1])
    assert with_sum[s.UDP].sport == without[s.UDP].sport == 99
    assert with_sum[s.IP].dst == "10.7.7.7"


def test_set_ipv6_fields(flows):
    s = scapy()
    frame = (s.Ether(src=MAC1, dst=MAC2) /
             s.IPv6(src="fd00::1", dst="fd00::2", hlim=64, tc=0, fl=5) /
             s.UDP(sport=1, dport=1005) / MARK)
    flows("in_port(1),eth(),eth_type(0x86dd),ipv6(proto=17,frag=no),"
          "udp(dst=1005)",
          "set(ipv6(src=fd00::99,dst=fd00::77,tclass=0x28,label=0x12345,"
          "hlimit=9)),2")
    h2, _ = exchange(frame)
    assert len(h2) == 1
    p = s.Ether(h2[0])
    assert (p[s.IPv6].src, p[s.IPv6].dst) == ("fd00::99", "fd00::77")
    assert (p[s.IPv6].tc, p[s.IPv6].fl, p[s.IPv6].hlim) == \
        (0x28, 0x12345, 9)
    assert csums_ok(h2[0])


def test_set_ipv6_updates_icmpv6_checksum(flows):
    s = scapy()
    frame = (s.Ether(src=MAC1, dst=MAC2) /
             s.IPv6(src="fd00::1", dst="fd00::2") /
             s.ICMPv6EchoRequest(id=7, data=MARK))
    flows("in_port(1),eth(),eth_type(0x86dd),ipv6(proto=58,frag=no),"
          "icmpv6(type=128)", "set(ipv6(dst=fd00::3)),2")
    h2, _ = exchange(frame)
    assert len(h2) == 1
    assert s.Ether(h2[0])[s.IPv6].dst == "fd00::3"
    assert csums_ok(h2[0])


def vlan_of(frame):
    tpid, tci = struct.unpack("!HH", frame[12:16])
    return tpid, tci & 0xfff, tci >> 13


def test_push_vlan_then_qinq(flows):
    flows(UDP4_KEY % 1006, "push_vlan(vid=100,pcp=3),2,"
          "push_vlan(tpid=0x88a8,vid=10,pcp=0),3")
    h2, h3 = exchange(udp4(1006))
    assert len(h2) == 1 and len(h3) == 1
    assert vlan_of(h2[0]) == (0x8100, 100, 3)
    assert h2[0][16:] == bytes(udp4(1006))[12:]
    assert vlan_of(h3[0]) == (0x88a8, 10, 0)
    assert vlan_of(h3[0][4:]) == (0x8100, 100, 3)
    assert h3[0][20:] == bytes(udp4(1006))[12:]


def test_pop_vlan(flows):
    s = scapy()
    plain = udp4(1007)
    tagged = plain.copy()
    tagged[s.Ether].type = 0x8100
    tagged = (s.Ether(src=MAC1, dst=MAC2) / s.Dot1Q(vlan=5) /
              plain[s.IP])
    flows("in_port(1),eth(),eth_type(0x8100),vlan(vid=5),"
          "encap(eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=1007))",
          "pop_vlan,2")
    h2, _ = exchange(tagged)
    assert h2 == [bytes(plain)]


def test_clone_isolates_packet_and_key(flows):
    # The clone's rewrite must reach neither the packet nor the key that
    # the rest of the list sees.
    flows(UDP4_KEY % 1008, "clone(set(ipv4(dst=10.9.9.9)),2),3")
    h2, h3 = exchange(udp4(1008))
    s = scapy()
    assert len(h2) == 1 and len(h3) == 1
    assert s.Ether(h2[0])[s.IP].dst == "10.9.9.9" and csums_ok(h2[0])
    assert h3[0] == bytes(udp4(1008))


def test_sample_probability(flows):
    flows(UDP4_KEY % 1009, "sample(sample=0.0%,actions(2)),3")
    flows(UDP4_KEY % 1010, "sample(sample=100.0%,actions(2)),3")
    h2, h3 = exchange(udp4(1009), udp4(1010))
    assert [s_dport(f) for f in h2] == [1010]
    assert sorted(s_dport(f) for f in h3) == [1009, 1010]


def s_dport(frame):
    s = scapy()
    return s.Ether(frame)[s.UDP].dport


def test_trunc_applies_to_one_output(flows):
    flows(UDP4_KEY % 1011, "trunc(60),2,3")
    full = bytes(udp4(1011, size=300))
    h2, h3 = exchange(full)
    assert h2 == [full[:60]]
    assert h3 == [full]


def test_check_pkt_len(flows):
    flows(UDP4_KEY % 1012, "check_pkt_len(size=200,gt(2),le(3))")
    small, big = bytes(udp4(1012)), bytes(udp4(1012, size=300))
    assert len(small) <= 200 < len(big)
    h2, h3 = exchange(small, big)
    assert h2 == [big] and h3 == [small]


def test_dec_ttl(flows):
    nl = _nl()
    raw_flow(1013, [act("DEC_TTL", [nl.attr(
        nl.OVS["OVS_DEC_TTL_ATTR_ACTION"], [act_output(3)])]),
        act_output(2)])
    h2, h3 = exchange(udp4(1013, ttl=64), udp4(1013, ttl=1))
    s = scapy()
    assert len(h2) == 1 and s.Ether(h2[0])[s.IP].ttl == 63
    assert csums_ok(h2[0])
    assert h3 == [bytes(udp4(1013, ttl=1))]


def test_recirc_sees_rewritten_packet(flows):
    flows(UDP4_KEY % 1014, "set(ipv4(dst=10.5.5.5)),recirc(7)")
    # Matches only if the recirculated key carries the new address.
    flows("recirc_id(7),in_port(1),eth(),eth_type(0x0800),"
          "ipv4(dst=10.5.5.5,proto=17,frag=no),udp(dst=1014)", "2")
    h2, h3 = exchange(udp4(1014))
    assert len(h2) == 1 and not h3
    assert scapy().Ether(h2[0])[scapy().IP].dst == "10.5.5.5"


def test_recirc_in_middle_and_hash(flows):
    raw_flow(1015, [act("HASH", struct.pack("II", 0, 12345)),
                    act("RECIRC", struct.pack("I", 8)), act_output(3)])
    flows("recirc_id(8),dp_hash(0/0),in_port(1),eth(),eth_type(0x0800),"
          "ipv4(proto=17,frag=no),udp(dst=1015)", "2")
    h2, h3 = exchange(udp4(1015))
    assert len(h2) == 1 and len(h3) == 1


def test_recirc_after_push_vlan_sees_tag(flows):
    flows(UDP4_KEY % 1016, "push_vlan(vid=42,pcp=0),recirc(9)")
    flows("recirc_id(9),in_port(1),eth(),eth_type(0x8100),vlan(vid=42),"
          "encap(eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=1016))",
          "2")
    h2, _ = exchange(udp4(1016))
    assert len(h2) == 1 and vlan_of(h2[0]) == (0x8100, 42, 0)


def test_push_and_pop_mpls(flows):
    lse = (100 << 12) | (1 << 8) | 64
    raw_flow(1017, [act("PUSH_MPLS", struct.pack("!IH2x", lse, 0x8847)),
                    act_output(2)])
    h2, _ = exchange(udp4(1017))
    assert len(h2) == 1
    assert h2[0][12:14] == b"\x88\x47"
    lse = struct.unpack("!I", h2[0][14:18])[0]
    assert (lse >> 12, (lse >> 8) & 1, lse & 0xff) == (100, 1, 64)
    assert h2[0][18:] == bytes(udp4(1017))[14:]

    nl = _nl()
    new_lse = (200 << 12) | (1 << 8) | 9
    raw_mpls_flow(100, [
        act("SET", [nl.attr(nl.OVS["OVS_KEY_ATTR_MPLS"],
                            struct.pack("!I", new_lse))]),
        act_output(3),
        act("POP_MPLS", struct.pack("!H", 0x0800)),
        act_output(2)])
    h2, h3 = exchange(h2[0])
    assert h2 == [bytes(udp4(1017))]
    assert len(h3) == 1
    lse = struct.unpack("!I", h3[0][14:18])[0]
    assert (lse >> 12, lse & 0xff) == (200, 9)


def lost(dp=DP):
    m = re.search(r"lost:(\d+)", dpctl("show", dp))
    return int(m.group(1))


def test_recirculation_loop_is_bounded(flows, datapath, kmsg_guard):
    flows(UDP4_KEY % 1018, "recirc(1)")
    flows("recirc_id(1),in_port(1),eth(),eth_type(0x0800),"
          "ipv4(proto=17,frag=no),udp(dst=1018)", "3,recirc(1)")
    before = lost()
    _, h3 = exchange(udp4(1018))
    # Each pass outputs a copy; the loop ends after a bounded number
    # (ours: 10, the deferral limit; upstream: 30, as it also recurses).
    assert 1 <= len(h3) <= 64
    if datapath.kind == "ours":
        assert lost() > before
    # Still forwarding afterwards.
    flows(UDP4_KEY % 1019, "2")
    h2, _ = exchange(udp4(1019))
    assert len(h2) == 1


def _tx_dropped(port):
    with open("/sys/class/net/%s/statistics/tx_dropped" % port) as f:
        return int(f.read())


def test_over_mtu_dropped(flows, datapath):
    vmlib.run(["ip", "link", "set", "ap2", "mtu", "600"])
    try:
        flows(UDP4_KEY % 1020, "2,3")
        before = _tx_dropped("ap2")
        big = bytes(udp4(1020, size=800))
        h2, h3 = exchange(big)
        assert not h2 and h3 == [big]
        if datapath.kind == "ours":
            assert _tx_dropped("ap2") == before + 1
    finally:
        vmlib.run(["ip", "link", "set", "ap2", "mtu", "1500"])


def test_userspace_action_reaches_socket(flows):
    import ovsnl
    K = ovsnl.OVS
    with ovsnl.GenlSocket("ovs_packet") as sock, ovsnl.Ovs() as o:
        pid = sock.portid
        flows(UDP4_KEY % 1021,
              "userspace(pid=%d,userdata(0102030405060708)),2" % pid)
        # ovs-dpctl makes a per-CPU dispatch datapath: then every upcall,
        # userspace action included, goes to the CPU's socket.  (Upstream
        # resets features a SET leaves out: restate them.)
        feats = o.dp_get(DP).u32(K["OVS_DP_ATTR_USER_FEATURES"])
        o.dp.request(K["OVS_DP_CMD_SET"],
                     [ovsnl.string(K["OVS_DP_ATTR_NAME"], DP),
                      ovsnl.u32(K["OVS_DP_ATTR_USER_FEATURES"], feats),
                      ovsnl.attr(K["OVS_DP_ATTR_PER_CPU_PIDS"],
                                 struct.pack("I", pid) * os.cpu_count())])
        h2, _ = exchange(udp4(1021))
        assert len(h2) == 1
        sock.sock.settimeout(2)
        data = sock.sock.recv(65535)
    assert MARK in data
    assert bytes.fromhex("0102030405060708") in data
