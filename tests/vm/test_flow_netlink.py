# SPDX-License-Identifier: GPL-2.0
"""The ovs_flow family driven directly over generic netlink.

Flows are installed, read, modified, dumped and deleted by key and by UFID
with hand-built attribute bytes (ovsnl.k_*, ovsnl.a_*), so that every
malformed request can be sent exactly as meant.  Each rejection must be
EINVAL (EOVERFLOW for nesting) with an extack message on our module, and
after them the datapath must still forward: a flow pair between two
namespace hosts carries a ping.  Checked against upstream with --upstream
(which gives fewer extack messages, and accepts ct()).
"""
import errno
import os
import struct

import pytest

import ovsnl
from ovsnl import (OVS, Flows, GenlSocket, Ovs, attr, expect_errno, k_arp,
                   k_eth, k_ethertype, k_icmp, k_in_port, k_ipv4, k_ipv6,
                   k_l4, k_recirc, a_output, a_set, a_clone, parse_attrs,
                   flow_stats, dp_stats, u32)

pytestmark = [pytest.mark.needs_datapath]

OURS = os.path.exists("/sys/module/openvswitch/version") and \
    "ovsdp" in open("/sys/module/openvswitch/version").read()

DP = "tfl0"
MAC1, MAC2 = "02:00:00:00:00:01", "02:00:00:00:00:02"
NETDEV = OVS["OVS_VPORT_TYPE_NETDEV"]
F = OVS  # short alias for attribute names below

KEY_ATTR = OVS["OVS_FLOW_ATTR_KEY"]
MASK_ATTR = OVS["OVS_FLOW_ATTR_MASK"]
ACTS_ATTR = OVS["OVS_FLOW_ATTR_ACTIONS"]
UFID_ATTR = OVS["OVS_FLOW_ATTR_UFID"]


def udp_key(sport=1000, dport=2000, in_port=1):
    """An exact IPv4/UDP flow key."""
    return [k_recirc(0), k_in_port(in_port), k_eth(MAC1, MAC2),
            k_ethertype(0x0800),
            k_ipv4("10.0.0.1", "10.0.0.2", proto=17, ttl=64),
            k_l4("UDP", sport, dport)]


def key_attrs(msg, which=KEY_ATTR):
    """{OVS_KEY_ATTR_*: payload} of a flow message's key or mask."""
    return parse_attrs(msg.attrs[which])


def has_msg(e, word=""):
    """@e carries an extack message (containing @word) on our module."""
    return not OURS or (e.extack and word.lower() in e.extack.lower())


@pytest.fixture
def ovs():
    with Ovs() as o:
        yield o
        for m in o.dp_dump():
            o.dp_del(m.str(OVS["OVS_DP_ATTR_NAME"]))


@pytest.fixture
def flows(ovs):
    dp = ovs.dp_new(DP).dp_ifindex
    return Flows(ovs.flow, dp)


def n_flows(ovs):
    return dp_stats(ovs.dp_get(DP))[3]


def test_new_get_dump_del_by_key(ovs, flows):
    key = udp_key()
    m = flows.new(key, actions=[a_output(2)])
    assert m.cmd == OVS["OVS_FLOW_CMD_NEW"]
    assert m.dp_ifindex == flows.dp
    k = key_attrs(m)
    assert k[F["OVS_KEY_ATTR_IN_PORT"]] == struct.pack("I", 1)
    assert k[F["OVS_KEY_ATTR_ETHERNET"]] == ovsnl.mac(MAC1) + ovsnl.mac(MAC2)
    assert k[F["OVS_KEY_ATTR_UDP"]] == struct.pack("!HH", 1000, 2000)
    # No mask given: the mask is exact over the key's fields.
    mk = key_attrs(m, MASK_ATTR)
    assert mk[F["OVS_KEY_ATTR_UDP"]] == b"\xff" * 4
    assert mk[F["OVS_KEY_ATTR_IN_PORT"]] == b"\xff" * 4
    assert m.attrs[ACTS_ATTR] == a_output(2)
    assert UFID_ATTR not in m.attrs
    assert flow_stats(m) == (0, 0)

    g = flows.get(key)
    assert g.cmd == OVS["OVS_FLOW_CMD_GET"]
    assert key_attrs(g) == k and g.attrs[ACTS_ATTR] == a_output(2)

    flows.new(udp_key(sport=1001), actions=[a_output(3)])
    dumped = flows.dump()
    ports = sorted(struct.unpack("!H", key_attrs(d)[F["OVS_KEY_ATTR_UDP"]]
                                 [:2])[0] for d in dumped)
    assert ports == [1000, 1001]
    assert n_flows(ovs) == 2

    d = flows.delete(key)
    assert d.cmd == OVS["OVS_FLOW_CMD_DEL"]
    assert key_attrs(d)[F["OVS_KEY_ATTR_UDP"]] == struct.pack("!HH", 1000,
                                                              2000)
    e = expect_errno(errno.ENOENT, flows.get, key)
    assert has_msg(e)
    expect_errno(errno.ENOENT, flows.delete, key)
    assert len(flows.dump()) == 1


def test_duplicate_and_modify(ovs, flows):
    key = udp_key()
    flows.new(key, actions=[a_output(2)])
    # NLM_F_CREATE means "create only".
    e = expect_errno(errno.EEXIST, flows.new, key, actions=[a_output(3)])
    assert has_msg(e, "exists")
    assert flows.get(key).attrs[ACTS_ATTR] == a_output(2)

    # NEW without NLM_F_CREATE modifies the existing flow's actions.
    m = flows.new(key, actions=[a_output(3), a_output(4)], create=False)
    assert m.attrs[ACTS_ATTR] == a_output(3) + a_output(4)
    assert flows.get(key).attrs[ACTS_ATTR] == a_output(3) + a_output(4)
    # ... and creates a flow that does not exist yet.
    flows.new(udp_key(dport=2001), actions=[a_output(2)], create=False)
    assert n_flows(ovs) == 2

    # SET replaces actions too.
    m = flows.set(key, actions=[a_output(5)])
    assert m.cmd == OVS["OVS_FLOW_CMD_SET"]
    assert m.attrs[ACTS_ATTR] == a_output(5)
    assert flows.get(key).attrs[ACTS_ATTR] == a_output(5)
    # SET with no actions leaves them alone.
    assert flows.set(key).attrs[ACTS_ATTR] == a_output(5)
    # Empty action list: drop.
    m = flows.set(key, actions=[])
    assert m.attrs[ACTS_ATTR] == b""
    # SET of a flow that does not exist.
    e = expect_errno(errno.ENOENT, flows.set, udp_key(sport=9),
                     actions=[a_output(2)])
    assert has_msg(e)
    assert n_flows(ovs) == 2


def test_modify_names_flow_by_unmasked_key(ovs, flows):
    """NEW without CREATE modifies the flow its key hits only if that
    flow's unmasked key is the request's: another key of the same
    megaflow names no flow."""
    mask = [k_recirc(0xffffffff), k_in_port(0xffffffff), k_eth(),
            k_ethertype(0xffff), k_ipv4(proto=0xff), k_l4("UDP", 0, 0xffff)]
    flows.new(udp_key(sport=1), mask=mask, actions=[a_output(2)])
    # Same megaflow (source port wildcarded), different unmasked key.
    e = expect_errno(errno.ENOENT, flows.new, udp_key(sport=2), mask=mask,
                     actions=[a_output(3)], create=False)
    assert has_msg(e)
    assert flows.get(udp_key(sport=1)).attrs[ACTS_ATTR] == a_output(2)
    # With NLM_F_CREATE it is a duplicate.
    expect_errno(errno.EEXIST, flows.new, udp_key(sport=2), mask=mask,
                 actions=[a_output(3)])
    # The flow's own key modifies it.
    flows.new(udp_key(sport=1), mask=mask, actions=[a_output(3)],
              create=False)
    assert flows.get(udp_key(sport=1)).attrs[ACTS_ATTR] == a_output(3)
    assert n_flows(ovs) == 1


def test_ufid_and_terse_dump(ovs, flows):
    u1, u2 = bytes(range(16)), bytes(range(16, 32))
    m = flows.new(udp_key(), actions=[a_output(2)], ufid=u1)
    assert m.attrs[UFID_ATTR] == u1
    assert KEY_ATTR in m.attrs and MASK_ATTR in m.attrs
    flows.new(udp_key(sport=7), actions=[a_output(3)], ufid=u2)
    # The same UFID again is a duplicate whatever its key.
    expect_errno(errno.EEXIST, flows.new, udp_key(sport=8),
                 actions=[a_output(2)], ufid=u1)

    g = flows.get(ufid=u2)
    assert g.attrs[UFID_ATTR] == u2
    assert key_attrs(g)[F["OVS_KEY_ATTR_UDP"]] == struct.pack("!HH", 7, 2000)
    assert g.attrs[ACTS_ATTR] == a_output(3)
    expect_errno(errno.ENOENT, flows.get, ufid=b"\xee" * 16)

    # Modify by UFID (NEW without CREATE, and SET).
    flows.new(udp_key(sport=7), actions=[a_output(4)], ufid=u2,
              create=False)
    assert flows.get(ufid=u2).attrs[ACTS_ATTR] == a_output(4)
    flows.set(udp_key(sport=7), actions=[a_output(6)], ufid=u2)
    assert flows.get(ufid=u2).attrs[ACTS_ATTR] == a_output(6)

    # Terse dumps leave out exactly what they are asked to.
    omit = {"KEY": KEY_ATTR, "MASK": MASK_ATTR, "ACTIONS": ACTS_ATTR}
    for name, atype in omit.items():
        flags = OVS["OVS_UFID_F_OMIT_" + name]
        dumped = flows.dump(ufid_flags=flags)
        assert sorted(d.attrs[UFID_ATTR] for d in dumped) == [u1, u2]
        for d in dumped:
            assert atype not in d.attrs, name
            for other in set(omit.values()) - {atype}:
                assert other in d.attrs, (name, other)
    allflags = sum(OVS["OVS_UFID_F_OMIT_" + n] for n in omit)
    for d in flows.dump(ufid_flags=allflags):
        assert not set(omit.values()) & set(d.attrs)
        assert d.attrs[UFID_ATTR] in (u1, u2)
    g = flows.get(ufid=u1, ufid_flags=allflags)
    assert not set(omit.values()) & set(g.attrs)

    # A flow without UFID keeps its key (its name) in a terse dump.
    flows.new(udp_key(sport=9), actions=[a_output(2)])
    named = [d for d in flows.dump(ufid_flags=allflags)
             if UFID_ATTR not in d.attrs]
    assert len(named) == 1 and KEY_ATTR in named[0].attrs
    assert MASK_ATTR not in named[0].attrs

    d = flows.delete(ufid=u1)
    assert d.attrs[UFID_ATTR] == u1
    expect_errno(errno.ENOENT, flows.get, ufid=u1)
    expect_errno(errno.ENOENT, flows.delete, ufid=u1)
    assert n_flows(ovs) == 2


def test_flush(ovs, flows):
    for i in range(5):
        flows.new(udp_key(sport=100 + i), actions=[a_output(2)],
                  ufid=bytes([i]) * 16 if i % 2 else None)
    assert len(flows.dump()) == 5
    flows.delete()
    assert flows.dump() == []
    assert n_flows(ovs) == 0
    # The table works after a flush.
    flows.new(udp_key(), actions=[a_output(2)])
    assert len(flows.dump()) == 1


def test_big_dump_and_big_actions(ovs, flows):
    """A dump that spans many messages lists every flow once; an action
    list of 24 kB comes back whole from GET and does not break dumps."""
    n = 300
    acts = [a_output(p) for p in range(2, 12)]
    for i in range(n):
        flows.new(udp_key(sport=i), actions=acts,
                  ufid=struct.pack("!4I", 0, 0, 0, i))
    dumped = flows.dump()
    ufids = [d.attrs[UFID_ATTR] for d in dumped]
    assert len(ufids) == len(set(ufids)) == n
    assert all(d.attrs[ACTS_ATTR] == b"".join(acts) for d in dumped)

    big = [a_output(2 + i % 1000) for i in range(3000)]
    m = flows.new(udp_key(sport=9999), actions=big)
    assert m.attrs[ACTS_ATTR] == b"".join(big)
    assert flows.get(udp_key(sport=9999)).attrs[ACTS_ATTR] == b"".join(big)
    dumped = flows.dump()
    assert len(dumped) == n + 1
    bigd = [d for d in dumped if UFID_ATTR not in d.attrs]
    assert len(bigd) == 1
    # Whole, or left out (it may not fit a dump message).
    assert bigd[0].attrs.get(ACTS_ATTR, b"".join(big)) == b"".join(big)
    flows.delete()
    assert n_flows(ovs) == 0


def test_notifications(ovs, flows):
    listener = GenlSocket(OVS["OVS_FLOW_FAMILY"])
    try:
        listener.subscribe(OVS["OVS_FLOW_MCGROUP"])
        key = udp_key()
        flows.new(key, actions=[a_output(2)])
        flows.set(key, actions=[a_output(3)])
        flows.new(key, actions=[a_output(4)], create=False)
        flows.delete(key)
        # A rejected request notifies nobody.
        expect_errno(errno.ENOENT, flows.delete, key)
        msgs = listener.recv_notifications()
        assert [m.cmd for m in msgs] == [OVS["OVS_FLOW_CMD_NEW"],
                                         OVS["OVS_FLOW_CMD_SET"],
                                         OVS["OVS_FLOW_CMD_NEW"],
                                         OVS["OVS_FLOW_CMD_DEL"]]
        assert all(m.dp_ifindex == flows.dp for m in msgs)
        assert [m.attrs[ACTS_ATTR] for m in msgs[:3]] == \
            [a_output(2), a_output(3), a_output(4)]
        for m in msgs:
            assert key_attrs(m)[F["OVS_KEY_ATTR_UDP"]] == \
                struct.pack("!HH", 1000, 2000)
    finally:
        listener.close()


def _deep_clone(depth):
    acts = [a_output(2)]
    for _ in range(depth):
        acts = [a_clone(acts)]
    return acts


ARP_KEY = [k_recirc(0), k_in_port(1), k_eth(MAC1, MAC2), k_ethertype(0x0806),
           k_arp("10.0.0.1", "10.0.0.2", 1)]
TCP_MASK = [k_recirc(0xffffffff), k_in_port(0xffffffff), k_ethertype(0xffff),
            k_ipv4(proto=0), k_l4("TCP", 0xffff, 0xffff)]

# (id, key, mask, actions, errno, extack word on ours)
BAD_FLOWS = [
    ("key-attr-short", udp_key()[:4] + [attr(F["OVS_KEY_ATTR_IPV4"],
                                             bytes(11))],
     None, [a_output(2)], errno.EINVAL, "length"),
    ("key-attr-long", [k_in_port(1), attr(F["OVS_KEY_ATTR_ETHERNET"],
                                          bytes(13))],
     None, [a_output(2)], errno.EINVAL, "length"),
    ("key-attr-unknown", udp_key() + [u32(F["OVS_KEY_ATTR_MAX"] + 1, 0)],
     None, [a_output(2)], errno.EINVAL, "attribute"),
    ("key-attr-duplicate", udp_key() + [k_in_port(2)],
     None, [a_output(2)], errno.EINVAL, "duplicate"),
    ("key-trailing-garbage", None, None, [a_output(2)], errno.EINVAL, ""),
    ("mask-without-key-field",
     udp_key(), udp_key()[:5] + [k_l4("TCP", 0xffff, 0)],
     [a_output(2)], errno.EINVAL, "mask"),
    ("mask-l4-without-proto-mask",
     [k_recirc(0), k_in_port(1), k_eth(), k_ethertype(0x0800),
      k_ipv4(proto=6), k_l4("TCP", 1, 80)], TCP_MASK,
     [a_output(2)], errno.EINVAL, "mask"),
    ("tcp-port-without-proto-6",
     [k_recirc(0), k_in_port(1), k_eth(), k_ethertype(0x0800),
      k_ipv4(proto=17), k_l4("TCP", 1, 80)], None,
     [a_output(2)], errno.EINVAL, ""),
    ("tcp-port-without-ip",
     [k_recirc(0), k_in_port(1), k_eth(), k_ethertype(0x0806),
      k_l4("TCP", 1, 80)], None,
     [a_output(2)], errno.EINVAL, ""),
    ("ipv4-key-under-ipv6-ethertype",
     [k_recirc(0), k_in_port(1), k_eth(), k_ethertype(0x86dd),
      k_ipv4(proto=17)], None, [a_output(2)], errno.EINVAL, ""),
    ("icmp-under-ipv6",
     [k_recirc(0), k_in_port(1), k_eth(), k_ethertype(0x86dd),
      k_ipv6(proto=1), k_icmp(8, 0)], None, [a_output(2)], errno.EINVAL,
     ""),
    ("ethertype-below-0x600",
     [k_recirc(0), k_in_port(1), k_eth(), k_ethertype(0x0100)], None,
     [a_output(2)], errno.EINVAL, ""),
    ("vlan-encap-too-deep",
     [k_recirc(0), k_in_port(1), k_eth(), k_ethertype(0x8100),
      ovsnl.be16(F["OVS_KEY_ATTR_VLAN"], 0x1005),
      attr(F["OVS_KEY_ATTR_ENCAP"],
           [k_ethertype(0x8100), ovsnl.be16(F["OVS_KEY_ATTR_VLAN"], 0x1006),
            attr(F["OVS_KEY_ATTR_ENCAP"],
                 [k_ethertype(0x8100),
                  ovsnl.be16(F["OVS_KEY_ATTR_VLAN"], 0x1007),
                  attr(F["OVS_KEY_ATTR_ENCAP"], [k_ethertype(0x0800)])])])],
     None, [a_output(2)], errno.EINVAL, ""),
    ("set-ipv4-on-arp-flow", ARP_KEY, None,
     [a_set(k_ipv4("1.1.1.1", "2.2.2.2", 0, 0, 64, 0)), a_output(2)],
     errno.EINVAL, "ipv4"),
    ("set-tcp-on-udp-flow", udp_key(), None,
     [a_set(k_l4("TCP", 1, 2))], errno.EINVAL, ""),
    ("output-port-ffffffff", udp_key(), None, [a_output(0xffffffff)],
     errno.EINVAL, "port"),
    ("output-port-65535", udp_key(), None, [a_output(0xffff)],
     errno.EINVAL, "port"),
    ("action-wrong-length", udp_key(), None,
     [attr(F["OVS_ACTION_ATTR_OUTPUT"], b"\2\0")], errno.EINVAL, "length"),
    ("action-unknown", udp_key(), None,
     [u32(F["OVS_ACTION_ATTR_MAX"] + 1, 0)], errno.EINVAL, "action"),
    ("userspace-without-pid", udp_key(), None,
     [attr(F["OVS_ACTION_ATTR_USERSPACE"], [])], errno.EINVAL, ""),
    ("actions-nested-too-deep", udp_key(), None, _deep_clone(17),
     errno.EOVERFLOW, "deep"),
]


def _bad_request(flows, key, mask, actions):
    if key is None:
        # A key whose last attribute's header claims more than is there.
        raw = b"".join(udp_key()) + struct.pack("HH", 12, F["OVS_KEY_ATTR_TCP"])
        return flows.sock.request(
            OVS["OVS_FLOW_CMD_NEW"],
            [attr(KEY_ATTR, raw, nested=True),
             attr(ACTS_ATTR, actions, nested=True)],
            dp_ifindex=flows.dp, flags=ovsnl.NLM_F_CREATE)
    return flows.new(key, mask=mask, actions=actions)


@pytest.mark.parametrize("case", BAD_FLOWS, ids=[c[0] for c in BAD_FLOWS])
def test_malformed_flow_rejected(ovs, flows, case):
    _, key, mask, actions, err, word = case
    e = expect_errno(err, _bad_request, flows, key, mask, actions)
    assert has_msg(e, word), e
    assert flows.dump() == []
    assert n_flows(ovs) == 0
    # Probes (OVS_FLOW_ATTR_PROBE) get the same answer.
    if key is not None:
        expect_errno(err, flows.new, key, mask=mask, actions=actions,
                     extra=[ovsnl.flag(F["OVS_FLOW_ATTR_PROBE"])])
    # GET/DEL by a key no flow can have fail too: EINVAL, or ENOENT where
    # upstream only checks that the key has what its protocols need.
    if key is not None and actions == [a_output(2)] and mask is None:
        for fn in (flows.get, flows.delete):
            with pytest.raises(ovsnl.NlError) as e:
                fn(key)
            assert e.value.errno in (errno.EINVAL, errno.ENOENT)


def test_unsupported_action_ct(ovs, flows):
    ct = attr(F["OVS_ACTION_ATTR_CT"], [], nested=True)
    if not OURS:
        pytest.skip("upstream supports conntrack")
    e = expect_errno(errno.EINVAL, flows.new, udp_key(), actions=[ct])
    assert has_msg(e, "support")
    e = expect_errno(errno.EINVAL, flows.new, udp_key(),
                     actions=[a_output(2), attr(F["OVS_ACTION_ATTR_METER"],
                                                struct.pack("I", 1))])
    assert has_msg(e)
    assert flows.dump() == []


def test_nesting_at_limit_accepted(ovs, flows):
    flows.new(udp_key(), actions=_deep_clone(15))
    assert len(flows.dump()) == 1


def test_get_del_need_a_name(ovs, flows):
    e = expect_errno(errno.EINVAL, flows.get)
    assert has_msg(e)
    e = expect_errno(errno.EINVAL, flows.sock.request, OVS["OVS_FLOW_CMD_NEW"],
                     [attr(ACTS_ATTR, [a_output(2)], nested=True)],
                     dp_ifindex=flows.dp)
    assert has_msg(e, "key")
    e = expect_errno(errno.EINVAL, flows.set, actions=[a_output(2)])
    assert has_msg(e)
    expect_errno(errno.ENODEV, Flows(flows.sock, 1).new, udp_key(),
                 actions=[a_output(2)])


# ---------------------------------------------------------------------------
# After all of that, the datapath forwards.

def _pair_flows(in_port, out_port):
    """Every IPv4 and ARP frame from @in_port goes to @out_port."""
    out = []
    for etype, l3, l3mask in ((0x0800, k_ipv4(), k_ipv4()),
                              (0x0806, k_arp(), k_arp())):
        key = [k_recirc(0), k_in_port(in_port), k_eth(), k_ethertype(etype),
               l3]
        mask = [k_recirc(0xffffffff), k_in_port(0xffffffff), k_eth(),
                k_ethertype(0xffff), l3mask]
        out.append((key, mask))
    return out


@pytest.mark.dataplane
def test_forwarding_and_clear_stats(ovs, flows, make_host):
    h1 = make_host("fh1", "10.0.0.1", "fp1", mac=MAC1)
    h2 = make_host("fh2", "10.0.0.2", "fp2", mac=MAC2)
    ovs.port_new(flows.dp, "fp1", NETDEV, port_no=1)
    ovs.port_new(flows.dp, "fp2", NETDEV, port_no=2)

    # Nothing installed: no forwarding.
    assert h1.ping(h2, count=1, timeout=1) == 0

    installed = []
    for inp, outp in ((1, 2), (2, 1)):
        for key, mask in _pair_flows(inp, outp):
            flows.new(key, mask=mask, actions=[a_output(outp)])
            installed.append((key, mask))
    assert len(flows.dump()) == 4
    assert h1.ping(h2, count=3) == 3

    ip_key = installed[0][0]
    m = flows.get(ip_key)
    n_packets, n_bytes = flow_stats(m)
    assert n_packets >= 3 and n_bytes >= 3 * 98
    assert OVS["OVS_FLOW_ATTR_USED"] in m.attrs
    hit = dp_stats(ovs.dp_get(DP))[0]
    assert hit >= 6

    # SET with CLEAR answers with the stats as they were, then zeroes them.
    m = flows.set(ip_key, clear=True)
    assert flow_stats(m)[0] >= n_packets
    m = flows.get(ip_key)
    assert flow_stats(m) == (0, 0)
    assert OVS["OVS_FLOW_ATTR_USED"] not in m.attrs
    assert h1.ping(h2, count=1) == 1
    assert flow_stats(flows.get(ip_key))[0] >= 1

    # Replacing the actions with a drop stops traffic; putting them back
    # restores it.
    flows.set(ip_key, actions=[])
    assert h1.ping(h2, count=1, timeout=1) == 0
    flows.set(ip_key, actions=[a_output(2)])
    assert h1.ping(h2, count=2) == 2
