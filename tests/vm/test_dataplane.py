# SPDX-License-Identifier: GPL-2.0
"""Data-plane acceptance: Debian's unmodified ovs-vswitchd 3.1 forwards
real traffic through the datapath module.

One ovs-vswitchd and one bridge br0 serve the whole module, with three
hosts (network namespaces) h1, h2, h3 on ports p1, p2, p3 (10.0.0.1-3/24,
fixed MACs, IPv6 off so that they are silent unless a test speaks).  Tests
that need more hosts (VLANs, IPv6) add and remove their own ports.  Before
each test the OpenFlow table is reset to a single NORMAL rule and every
datapath flow is purged.

Everything here holds for upstream's module as well: run it with
run_vm.py --upstream to check the expectations themselves.
"""

import hashlib
import os
import random
import re
import select
import signal
import socket
import struct
import tempfile
import threading
import time

import pytest

import vmlib

pytestmark = [pytest.mark.needs_datapath, pytest.mark.dataplane]

BR = "br0"
MACS = {1: "02:00:00:00:01:01", 2: "02:00:00:00:01:02",
        3: "02:00:00:00:01:03"}
MARK = b"ovsdp-dataplane-test"

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6
SO_RCVBUFFORCE = 33     # not in Python's socket module


# ---------------------------------------------------------------------------
# Fixtures

@pytest.fixture(scope="module")
def sc():
    """scapy.all, imported once for the module (slow under TCG).  Forked
    children inherit it."""
    import scapy.all as s
    return s


class Lan:
    """The module's bridge: ovs daemons, br0, hosts h1-h3 on p1-p3."""

    def __init__(self):
        self.ovs = vmlib.Ovs()
        self.hosts = {}

    def setup(self):
        for i in (1, 2, 3):
            h = vmlib.Host("h%d" % i, "10.0.0.%d" % i, "p%d" % i,
                           mac=MACS[i])
            self.hosts[i] = h.create()
        self.ovs.start()
        self.ovs.vsctl("add-br", BR, "--", "add-port", BR, "p1", "--",
                       "add-port", BR, "p2", "--", "add-port", BR, "p3")
        self.refresh_ports()
        for i in (1, 2, 3):
            assert "p%d" % i in self.dp_port, self.dp_port

    def teardown(self):
        try:
            self.ovs.stop()
        finally:
            problems = self.ovs.log_lines()
            out = os.environ.get("OVSDP_VM_OUT")
            if out:
                with open(os.path.join(out, "dataplane-vswitchd.log"),
                          "w") as fh:
                    fh.write(self.ovs.log())
            if problems:
                print("ovs-vswitchd ERR/WARN lines:\n  " +
                      "\n  ".join(problems))
            for h in self.hosts.values():
                h.destroy()

    def refresh_ports(self):
        """Port numbers: OpenFlow (of_port) and datapath (dp_port)."""
        self.dp_port, self.dp_type = dp_ports(self.ovs)
        out = self.ovs.vsctl("--columns=name,ofport", "--format=csv",
                             "--no-headings", "list", "Interface")
        self.of_port = {}
        for line in out.splitlines():
            name, num = line.split(",")
            self.of_port[name.strip('"')] = int(num)

    def h(self, i):
        return self.hosts[i]

    def reset(self):
        """A single NORMAL rule and no datapath flows."""
        vmlib.run(["ovs-ofctl", "replace-flows", BR, "-"],
                  input="priority=0,actions=NORMAL\n", env=self.ovs.env)
        self.ovs.appctl("revalidator/purge")


@pytest.fixture(scope="module")
def lan():
    if not vmlib.in_vm():
        pytest.skip("VM only")
    t = Lan()
    try:
        t.setup()
        yield t
    finally:
        t.teardown()


@pytest.fixture
def net(lan):
    """The module's bridge, reset for this test."""
    lan.reset()
    return lan


@pytest.fixture
def extra_hosts(net):
    """Factory: extra_hosts((name, ip, port, [vsctl port options],
    {Host kwargs}), ...) adds more hosts to br0 in one ovs-vsctl call and
    returns them.  Their ports leave the bridge before the hosts go."""
    made = []

    def make(*specs):
        hosts, cmd = [], []
        for spec in specs:
            name, ip, port = spec[:3]
            opts = spec[3] if len(spec) > 3 else ()
            kw = spec[4] if len(spec) > 4 else {}
            h = vmlib.Host(name, ip, port, **kw).create()
            made.append(h)
            hosts.append(h)
            cmd += ["--", "add-port", BR, port] + list(opts)
        net.ovs.vsctl(*cmd[1:])
        net.refresh_ports()
        return hosts

    yield make
    if made:
        cmd = []
        for h in made:
            cmd += ["--", "--if-exists", "del-port", BR, h.port]
        net.ovs.vsctl(*cmd[1:], check=False)
        for h in reversed(made):
            h.destroy()
        net.refresh_ports()


# ---------------------------------------------------------------------------
# Helpers

def dp_ports(ovs):
    """({port name: datapath port number}, {port name: type}) from
    `ovs-dpctl show` (type "" for a netdev port)."""
    ports, kinds = {}, {}
    for line in ovs.dpctl("show").splitlines():
        m = re.match(r"^\s+port (\d+): (\S+)(?: \((\w+)\))?", line)
        if m:
            ports[m.group(2)] = int(m.group(1))
            kinds[m.group(2)] = m.group(3) or ""
    return ports, kinds


def dp_lookups(ovs):
    """(hit, missed, lost) of the datapath, from `ovs-dpctl show`."""
    out = ovs.dpctl("show")
    m = re.search(r"lookups: hit:(\d+) missed:(\d+) lost:(\d+)", out)
    assert m, out
    return tuple(int(x) for x in m.groups())


def dev_stat(dev, name):
    return int(vmlib._read_file("/sys/class/net/%s/statistics/%s" %
                                (dev, name)))


def into_datapath(ports):
    """Packets the datapath received so far through @ports ({name: type}
    as dp_ports() gives), from the devices' own counters: a netdev port's
    frames come in as the device's rx, an internal port's as its tx (the
    host transmits into the datapath)."""
    return sum(dev_stat(p, "tx_packets" if kind == "internal" else
                        "rx_packets") for p, kind in ports.items())


def dump_flows(ovs):
    """Datapath flow lines (ovs-dpctl dump-flows)."""
    return [ln for ln in ovs.dpctl("dump-flows").splitlines() if ln.strip()]


def flow_packets(line):
    m = re.search(r"packets:(\d+)", line)
    assert m, line
    return int(m.group(1))


class Background:
    """Run fn(*args) in netns @ns (vmlib.in_netns) from a thread."""

    def __init__(self, ns, fn, *args, timeout=120):
        self.res = self.exc = None

        def body():
            try:
                self.res = vmlib.in_netns(ns, fn, *args, timeout=timeout)
            except BaseException as e:  # noqa: B902 - handed to join()
                self.exc = e
        self.thread = threading.Thread(target=body, daemon=True)
        self.thread.start()

    def join(self, timeout=180):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "background child hung"
        if self.exc is not None:
            raise self.exc
        return self.res


def ready_flag():
    fd, path = tempfile.mkstemp(prefix="ovsdp-ready-")
    os.close(fd)
    os.unlink(path)
    return path


def wait_ready(path, bg, timeout=30):
    """Wait until @bg's child created @path (or died: raise its error)."""
    def ready():
        if not bg.thread.is_alive():
            bg.join()
            raise AssertionError("child ended before it was ready")
        return os.path.exists(path)
    vmlib.wait_for(ready, timeout=timeout, interval=0.05,
                   what="child ready (%s)" % path)
    os.unlink(path)


def _touch(path):
    with open(path, "w"):
        pass


def _open_capture(ns, ifname="eth0"):
    vmlib._enter_netns(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def _vlan_of(ancdata):
    """(tpid, tci) the receive path moved from the frame to metadata."""
    for level, ctype, cdata in ancdata:
        if level != SOL_PACKET or ctype != PACKET_AUXDATA:
            continue
        status, _, _, _, _, tci, tpid = struct.unpack("IIIHHHH", cdata[:20])
        if status & TP_STATUS_VLAN_VALID:
            if not status & TP_STATUS_VLAN_TPID_VALID:
                tpid = 0x8100
            return tpid, tci
    return None


def _exchange(sender, frames, receivers, wait, udp_port):
    caps = {ns: _open_capture(ns) for ns in receivers}
    udp = None
    if udp_port:
        # A UDP socket on the first receiver: the kernel only delivers
        # datagrams whose checksums it verified.
        vmlib._enter_netns(receivers[0])
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("0.0.0.0", udp_port))
        udp.setblocking(False)
    vmlib._enter_netns(sender)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("eth0", 0))
    for f in frames:
        tx.send(f)
    got = {ns: [] for ns in receivers}
    datagrams = []
    deadline = time.monotonic() + wait
    socks = list(caps.values()) + ([udp] if udp else [])
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select(socks, [], [], left)
        if udp in ready:
            while True:
                try:
                    datagrams.append(udp.recv(65535))
                except BlockingIOError:
                    break
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
                got[ns].append((data, _vlan_of(anc)))
    return got, datagrams


def exchange(sender, frames, receivers, wait=1.0, udp_port=None):
    """Send raw @frames from host @sender's eth0; capture on the eth0 of
    each of @receivers.  Returns ({ns: [(frame, vlan or None)]}, [UDP
    payloads a socket bound to @udp_port on receivers[0] got])."""
    return vmlib.in_netns(sender, _exchange, sender,
                          [bytes(f) for f in frames], list(receivers),
                          wait, udp_port)


def csums_ok(sc, frame):
    """True if every IP/L4 checksum of @frame is what recomputation
    gives (a zero UDP checksum means none and is accepted)."""
    pkt = sc.Ether(frame)
    again = pkt.copy()
    for layer, field in ((sc.IP, "chksum"), (sc.TCP, "chksum"),
                         (sc.UDP, "chksum"), (sc.ICMP, "chksum")):
        if again.haslayer(layer):
            if layer is sc.UDP and again[layer].chksum == 0:
                continue
            delattr(again[layer], field)
    return bytes(sc.Ether(bytes(again))) == bytes(pkt)


def ping_all(hosts, count=2):
    """{(a, b): replies} for every ordered pair of @hosts."""
    res = {}
    for a in hosts:
        for b in hosts:
            if a is not b:
                res[(a.name, b.name)] = a.ping(b, count=count, timeout=3)
    return res


# ---------------------------------------------------------------------------
# NORMAL action

def _neighbours(family):
    out = vmlib.run(["ip", family, "neigh", "show", "dev", "eth0"])
    return out


def test_normal_arp_and_ping_all_pairs(net):
    hosts = [net.h(i) for i in (1, 2, 3)]
    for h in hosts:
        h.run(["ip", "neigh", "flush", "dev", "eth0"])
    res = ping_all(hosts, count=3)
    assert res == {k: 3 for k in res}, res
    # Each host resolved the others through ARP across the bridge.
    for h in hosts:
        neigh = vmlib.in_netns(h.ns, _neighbours, "-4")
        for o in hosts:
            if o is not h:
                assert re.search(r"^%s lladdr %s " % (re.escape(o.ip),
                                                      o.mac),
                                 neigh, re.M), (h.name, neigh)


# What ovs-vswitchd 3.1 probes and finds in upstream's 6.1 module, but for
# conntrack (and with it ct_clear, eventmask and timeout policies) and
# meters, which our module leaves out.
PROBED = (
    "Datapath supports recirculation",
    "VLAN header stack length probed as 2",
    "MPLS label stack length probed as 3",
    "Datapath supports truncate action",
    "Datapath supports unique flow ids",
    "Datapath supports clone action",
    "Max sample nesting level probed as 10",
    "Max dp_hash algorithm probed to be 0",
    "Datapath supports check_pkt_len action",
    "Datapath supports add_mpls action",
)


def test_vswitchd_probes_datapath_features(net):
    log = net.ovs.log()
    missing = [f for f in PROBED if f not in log]
    assert not missing, "\n".join(
        [ln for ln in log.splitlines() if "ofproto_dpif|INFO" in ln])


def _tcp_server(port, ready, timeout, family=socket.AF_INET):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
    srv.listen(1)
    srv.settimeout(timeout)
    _touch(ready)
    conn, _ = srv.accept()
    conn.settimeout(timeout)
    digest, n = hashlib.sha256(), 0
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        digest.update(chunk)
        n += len(chunk)
    conn.close()
    srv.close()
    return n, digest.hexdigest()


def _tcp_client(dst, port, size, seed):
    data = random.Random(seed).randbytes(size)
    c = socket.create_connection((dst, port), timeout=60)
    start = time.monotonic()
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    # Wait for the server's close: everything was read.
    c.recv(1)
    c.close()
    return len(data), hashlib.sha256(data).hexdigest(), \
        time.monotonic() - start


def tcp_transfer(server_ns, client_ns, dst, size, port=5001, seed=7,
                 during=None, dst_port=None):
    """Send @size pseudo-random bytes over TCP from a child in @client_ns
    to @dst:@port, served by a child in @server_ns (None: the root
    namespace); assert the server read exactly them (sha256).  @during()
    runs in this process while the transfer goes on.  The client connects
    to @dst_port if given (rules rewrite it to @port).  Returns seconds."""
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    ready = ready_flag()
    srv = Background(server_ns, _tcp_server, port, ready, 90, family)
    wait_ready(ready, srv)
    cli = Background(client_ns, _tcp_client, dst, dst_port or port, size,
                     seed)
    if during:
        during(cli)
    n, digest, secs = cli.join()
    assert srv.join() == (n, digest) and n == size
    return secs


def test_normal_tcp_transfer_4mb(net):
    secs = tcp_transfer(net.h(3).ns, net.h(1).ns, net.h(3).ip, 4 << 20)
    print("4 MiB in %.2f s" % secs)


def _udp_receiver(port, ready, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 23)
    s.bind(("0.0.0.0", port))
    _touch(ready)
    got = []
    s.settimeout(30)
    while True:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            break
        got.append((addr[0], data))
        s.settimeout(idle)
    return got


def _udp_sender(dst, port, count, gap):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(b"%s %d" % (MARK, i), (dst, port))
        time.sleep(gap)


def test_normal_udp_datagrams_arrive(net):
    h1, h2 = net.h(1), net.h(2)
    ready = ready_flag()
    rx = Background(h2.ns, _udp_receiver, 6000, ready, 2.0)
    wait_ready(ready, rx)
    h1.call(_udp_sender, h2.ip, 6000, 100, 0.002)
    got = rx.join()
    assert sorted(got) == sorted((h1.ip, b"%s %d" % (MARK, i))
                                 for i in range(100))


def _ping6(dst, count, timeout):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                      socket.IPPROTO_ICMPV6)
    ident = os.getpid() & 0xffff
    got = set()
    try:
        for seq in range(count):
            # The kernel fills in the ICMPv6 checksum of raw sockets.
            s.sendto(struct.pack("!BBHHH", 128, 0, 0, ident, seq) + MARK,
                     (dst, 0))
            deadline = time.monotonic() + timeout
            while seq not in got:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([s], [], [], left)
                if not r:
                    break
                data, addr = s.recvfrom(65535)
                if len(data) >= 8 and data[0] == 129 and \
                        addr[0] == dst and data[8:] == MARK:
                    got.add(struct.unpack("!HH", data[4:8])[1])
        return len(got)
    finally:
        s.close()


def test_normal_ipv6_ping_with_neighbour_discovery(net, extra_hosts):
    a, b = extra_hosts(("v6a", None, "p6a", (), {"ipv6": True}),
                       ("v6b", None, "p6b", (), {"ipv6": True}))
    for h, addr in ((a, "fd00:6::1"), (b, "fd00:6::2")):
        h.run(["ip", "-6", "addr", "add", addr + "/64", "dev", "eth0",
               "nodad"])
        h.ip6 = addr
    assert a.call(_ping6, b.ip6, 3, 3) == 3
    assert b.call(_ping6, a.ip6, 3, 3) == 3
    # Neighbour discovery crossed the bridge (solicitation is multicast,
    # advertisement unicast).
    neigh = vmlib.in_netns(a.ns, _neighbours, "-6")
    assert re.search(r"^fd00:6::2 lladdr %s " % b.mac, neigh, re.M), neigh
    flows = "\n".join(dump_flows(net.ovs))
    assert "eth_type(0x86dd)" in flows, flows
    # And a stream (IPv6 TSO/checksum offload through the datapath).
    tcp_transfer(b.ns, a.ns, b.ip6, 1 << 20)
    # A rule on the ND target (parsed by the datapath from the ICMPv6
    # options): a can no longer resolve b.
    net.ovs.ofctl("add-flow", BR, "priority=100,icmp6,icmp_type=135,"
                  "nd_target=%s,actions=drop" % b.ip6)
    net.ovs.appctl("revalidator/wait")
    a.run(["ip", "-6", "neigh", "flush", "dev", "eth0"])
    assert a.call(_ping6, b.ip6, 1, 2) == 0
    flows = dump_flows(net.ovs)
    assert any("icmpv6(type=135" in ln and ln.endswith("actions:drop")
               for ln in flows), flows


def test_bridge_internal_port_reaches_hosts(net):
    sysctl = "/proc/sys/net/ipv6/conf/%s/disable_ipv6" % BR
    with open(sysctl, "w") as fh:
        fh.write("1")
    vmlib.ip_batch(["addr add 10.0.0.254/24 dev %s" % BR,
                    "link set %s up" % BR])
    try:
        assert vmlib.in_netns(None, vmlib.icmp_ping, net.h(1).ip, 3,
                              3.0) == 3
        assert net.h(2).ping("10.0.0.254", count=3, timeout=3) == 3
        # Streams both ways between the host stack and a netns host.
        tcp_transfer(net.h(3).ns, None, net.h(3).ip, 2 << 20)
        tcp_transfer(None, net.h(3).ns, "10.0.0.254", 2 << 20, seed=8)
    finally:
        vmlib.ip_batch(["addr flush dev %s" % BR,
                        "link set %s down" % BR])


def test_jumbo_frames_and_their_upcalls(net, extra_hosts):
    """9000-byte MTU hosts: 8000-byte pings, whose first packets travel to
    ovs-vswitchd and back whole, and a stream of jumbo segments."""
    a, b = extra_hosts(("j1", "10.2.0.1", "pj1", (), {"mtu": 9000}),
                       ("j2", "10.2.0.2", "pj2", (), {"mtu": 9000}))
    net.ovs.appctl("revalidator/purge")
    assert a.call(vmlib.icmp_ping, b.ip, 3, 3.0, 0.2, 8000) == 3
    assert b.call(vmlib.icmp_ping, a.ip, 3, 3.0, 0.2, 8000) == 3
    tcp_transfer(b.ns, a.ns, b.ip, 2 << 20, port=5005)


def test_internal_port_follows_mtu_and_mac_requests(net):
    """ovs-vswitchd configures the bridge's internal device through
    ordinary netdev calls: MTU and Ethernet address."""
    ovs = net.ovs

    def attr(name):
        return vmlib._read_file("/sys/class/net/%s/%s" % (BR, name)).strip()
    old_mac = attr("address")
    try:
        ovs.vsctl("set", "Interface", BR, "mtu_request=1400")
        vmlib.wait_for(lambda: attr("mtu") == "1400", timeout=10,
                       what="br0 mtu 1400")
        ovs.vsctl("set", "Bridge", BR,
                  "other-config:hwaddr=\"02:00:00:00:aa:bb\"")
        vmlib.wait_for(lambda: attr("address") == "02:00:00:00:aa:bb",
                       timeout=10, what="br0 address")
        assert ovs.vsctl("get", "Interface", BR, "mtu").strip() == "1400"
    finally:
        ovs.vsctl("remove", "Bridge", BR, "other-config", "hwaddr", "--",
                  "clear", "Interface", BR, "mtu_request")
    vmlib.wait_for(lambda: attr("address") == old_mac, timeout=10,
                   what="br0 address back")


# ---------------------------------------------------------------------------
# VLANs

def test_vlan_access_ports_isolated_and_trunk_tagged(net, extra_hosts, sc):
    a1, a2, b1, b2, t = extra_hosts(
        ("va1", "10.1.0.1", "pa1", ("tag=10",)),
        ("va2", "10.1.0.2", "pa2", ("tag=10",)),
        ("vb1", "10.1.0.3", "pb1", ("tag=20",)),
        ("vb2", "10.1.0.4", "pb2", ("tag=20",)),
        ("vt", None, "pt", ("trunks=10,20",)))
    t.run("ip link add link eth0 name eth0.10 type vlan id 10 && "
          "ip addr add 10.1.0.9/24 dev eth0.10 && ip link set eth0.10 up")

    assert a1.ping(a2, count=2) == 2
    assert b2.ping(b1, count=2) == 2
    assert a1.ping(b1, count=1, timeout=1) == 0
    assert b2.ping(a2, count=1, timeout=1) == 0
    # The trunk's VLAN 10 interface talks to VLAN 10 only.
    assert t.ping("10.1.0.1", count=2) == 2
    assert t.ping("10.1.0.3", count=1, timeout=1) == 0
    # A stream across the trunk: VLAN push/pop on offloaded packets.
    tcp_transfer(a1.ns, t.ns, a1.ip, 1 << 20)
    tcp_transfer(t.ns, a2.ns, "10.1.0.9", 1 << 20, seed=9)

    def bcast(src_mac, tag=None):
        f = sc.Ether(src=src_mac, dst="ff:ff:ff:ff:ff:ff")
        if tag is not None:
            f = f / sc.Dot1Q(vlan=tag)
        return f / sc.IP(src="10.1.0.200", dst="10.1.0.255") / \
            sc.UDP(sport=9, dport=9) / MARK

    every = [h.ns for h in (a1, a2, b1, b2, t)]
    # Access -> trunk: the frame gains the access port's tag.
    for src, dst, tag in ((a1, a2, 10), (b1, b2, 20)):
        got, _ = exchange(src.ns, [bcast(src.mac)],
                          [h for h in every if h != src.ns])
        assert [v for _, v in got[t.ns]] == [(0x8100, tag)], got[t.ns]
        assert [v for _, v in got[dst.ns]] == [None], got
        others = [h for h in every if h not in (src.ns, dst.ns, t.ns)]
        assert all(got[h] == [] for h in others), got
    # Trunk -> access: the tag selects the VLAN and is stripped.
    got, _ = exchange(t.ns, [bcast(t.mac, tag=20)],
                      [a1.ns, a2.ns, b1.ns, b2.ns])
    assert got[a1.ns] == got[a2.ns] == []
    assert [v for _, v in got[b1.ns]] == [None] == \
        [v for _, v in got[b2.ns]], got
    f = sc.Ether(got[b1.ns][0][0])
    assert not f.haslayer(sc.Dot1Q) and f[sc.IP].dst == "10.1.0.255"

    acts = "\n".join(dump_flows(net.ovs))
    assert re.search(r"push_vlan\(vid=(10|20)", acts), acts
    assert "pop_vlan" in acts, acts


def test_qinq_tunnel_port_adds_service_tag(net, extra_hosts, sc):
    """dot1q-tunnel ports: customer-tagged frames get a second, 802.1ad
    service tag on the trunk (two VLAN headers in the datapath key)."""
    net.ovs.vsctl("set", "Open_vSwitch", ".", "other_config:vlan-limit=2")
    try:
        q, r, t = extra_hosts(
            ("qq", None, "pq", ("vlan_mode=dot1q-tunnel", "tag=100")),
            ("qr", None, "pr", ("vlan_mode=dot1q-tunnel", "tag=100")),
            ("qt", None, "pqt", ("trunks=100",)))
        for h, ip in ((q, "10.3.0.1"), (r, "10.3.0.2")):
            h.run("ip link add link eth0 name eth0.10 type vlan id 10 && "
                  "ip addr add %s/24 dev eth0.10 && "
                  "ip link set eth0.10 up" % ip)
        # Customer VLAN 10 between the two tunnel ports.
        assert q.ping("10.3.0.2", count=2) == 2

        def frame(src, tags):
            """Broadcast UDP frame from @src with VLAN headers @tags
            [(tpid, vid)], outermost first."""
            hdr = b"\xff" * 6 + bytes.fromhex(src.replace(":", ""))
            for tpid, vid in tags:
                hdr += struct.pack("!HH", tpid, vid)
            return hdr + b"\x08\x00" + bytes(
                sc.IP(src="10.3.0.200", dst="10.3.0.255") /
                sc.UDP(sport=9, dport=9) / MARK)

        # Customer frame in: on the trunk, S-tag 100 (0x88a8) outside the
        # C-tag 10, which stays in the frame.
        got, _ = exchange(q.ns, [frame(q.mac, [(0x8100, 10)])],
                          [r.ns, t.ns])
        (data, vlan), = got[t.ns]
        assert vlan == (0x88a8, 100), got
        assert data[12:16] == struct.pack("!HH", 0x8100, 10), data.hex()
        (data, vlan), = got[r.ns]
        assert vlan == (0x8100, 10), got
        # Double-tagged frame from the trunk: the S-tag goes, C-tag stays.
        got, _ = exchange(t.ns, [frame(t.mac, [(0x88a8, 100),
                                               (0x8100, 10)])],
                          [q.ns, r.ns])
        for ns in (q.ns, r.ns):
            (data, vlan), = got[ns]
            assert vlan == (0x8100, 10), got
            assert data[12:14] == b"\x08\x00", data.hex()
        flows = "\n".join(dump_flows(net.ovs))
        assert "push_vlan(tpid=0x88a8,vid=100" in flows, flows
        assert re.search(r"eth_type\(0x88a8\),vlan\(vid=100[^)]*\),"
                         r"encap\(eth_type\(0x8100\)", flows), flows
    finally:
        net.ovs.vsctl("remove", "Open_vSwitch", ".", "other_config",
                      "vlan-limit")


# ---------------------------------------------------------------------------
# OpenFlow rules (ovs-ofctl)

def test_ofctl_drop_rule(net):
    h1, h2, h3 = net.h(1), net.h(2), net.h(3)
    assert h1.ping(h2, count=1) == 1
    net.ovs.ofctl("add-flow", BR, "priority=100,icmp,in_port=%d,"
                  "actions=drop" % net.of_port["p1"])
    net.ovs.appctl("revalidator/wait")
    assert h1.ping(h2, count=2, timeout=1) == 0
    assert h2.ping(h1, count=2, timeout=1) == 0   # h1's replies dropped
    assert h2.ping(h3, count=2) == 2               # others unaffected
    net.ovs.ofctl("--strict", "del-flows", BR,
                  "priority=100,icmp,in_port=%d" % net.of_port["p1"])
    net.ovs.appctl("revalidator/wait")
    assert h1.ping(h2, count=2) == 2


def test_ofctl_rewrite_mac_and_ip_keeps_checksums(net, sc):
    h1, h2 = net.h(1), net.h(2)
    fake_mac, fake_ip = "02:00:00:00:01:99", "10.0.0.99"
    # h2's answers (echo reply, RST) go to a learned h1, not flooded to h3.
    assert h1.ping(h2, count=1) == 1
    net.ovs.ofctl("add-flow", BR, "priority=100,ip,in_port=%d,nw_dst=%s,"
                  "actions=mod_dl_dst:%s,mod_nw_dst:%s,output:%d" %
                  (net.of_port["p1"], fake_ip, h2.mac, h2.ip,
                   net.of_port["p2"]))

    def frame(l4):
        return sc.Ether(src=h1.mac, dst=fake_mac) / \
            sc.IP(src=h1.ip, dst=fake_ip, ttl=33) / l4 / MARK

    sent = [frame(sc.UDP(sport=4000, dport=7000)),
            frame(sc.TCP(sport=4001, dport=7001, flags="S", seq=1234)),
            frame(sc.ICMP(type=8, id=77, seq=1))]
    got, datagrams = exchange(h1.ns, sent, [h2.ns, net.h(3).ns],
                              udp_port=7000)
    assert got[net.h(3).ns] == []
    frames = [sc.Ether(f) for f, _ in got[h2.ns]]
    assert len(frames) == 3, frames
    for f, orig in zip(sorted(frames, key=lambda f: f[sc.IP].proto),
                       sorted(sent, key=lambda f: f[sc.IP].proto)):
        assert f.dst == h2.mac and f.src == h1.mac
        assert f[sc.IP].dst == h2.ip and f[sc.IP].src == h1.ip
        assert f[sc.IP].ttl == 33 and f[sc.IP].proto == orig[sc.IP].proto
        assert csums_ok(sc, bytes(f)), f.show(dump=True)
        # The L4 header is the one sent, but for its checksum.
        for layer, fields in ((sc.UDP, ("sport", "dport")),
                              (sc.TCP, ("sport", "dport", "seq")),
                              (sc.ICMP, ("type", "id", "seq"))):
            if orig.haslayer(layer):
                assert [getattr(f[layer], x) for x in fields] == \
                    [getattr(orig[layer], x) for x in fields]
        assert bytes(f[sc.IP].payload).endswith(MARK)
    # The UDP one passed h2's own checksum verification too.
    assert datagrams == [MARK]
    flows = "\n".join(dump_flows(net.ovs))
    assert re.search(r"set\(ipv4\(.*dst=10\.0\.0\.2", flows) or \
        re.search(r"set\(ipv4\(dst=10\.0\.0\.2", flows), flows


def test_ofctl_output_to_two_ports(net, sc):
    h1, h2, h3 = net.h(1), net.h(2), net.h(3)
    net.ovs.ofctl("add-flow", BR, "priority=100,udp,in_port=%d,tp_dst=7002,"
                  "actions=output:%d,output:%d" %
                  (net.of_port["p1"], net.of_port["p2"], net.of_port["p3"]))
    f = sc.Ether(src=h1.mac, dst=h2.mac) / sc.IP(src=h1.ip, dst=h2.ip) / \
        sc.UDP(sport=4002, dport=7002) / MARK
    got, _ = exchange(h1.ns, [f, f], [h2.ns, h3.ns])
    assert [x for x, _ in got[h2.ns]] == [bytes(f)] * 2
    assert [x for x, _ in got[h3.ns]] == [bytes(f)] * 2


def test_ofctl_in_port_forwarding(net):
    h1, h2, h3 = net.h(1), net.h(2), net.h(3)
    p = net.of_port
    net.ovs.ofctl("del-flows", BR)
    net.ovs.ofctl("add-flow", BR, "in_port=%d,actions=output:%d" %
                  (p["p1"], p["p3"]))
    net.ovs.ofctl("add-flow", BR, "in_port=%d,actions=output:%d" %
                  (p["p3"], p["p1"]))
    net.ovs.appctl("revalidator/purge")
    for h in (h1, h2, h3):
        h.run(["ip", "neigh", "flush", "dev", "eth0"])
    assert h1.ping(h3, count=2) == 2
    assert h3.ping(h1, count=2) == 2
    assert h1.ping(h2, count=2, timeout=1) == 0
    assert h2.ping(h3, count=2, timeout=1) == 0
    flows = dump_flows(net.ovs)
    p1, p3 = net.dp_port["p1"], net.dp_port["p3"]
    assert any(re.search(r"in_port\(%d\).*actions:%d$" % (p1, p3), ln)
               for ln in flows), flows
    assert any(re.search(r"in_port\(%d\).*actions:%d$" % (p3, p1), ln)
               for ln in flows), flows


def _connect(dst, port, timeout):
    """"refused", "timeout" or "connected"."""
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(timeout)
    try:
        c.connect((dst, port))
        return "connected"
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "timeout"
    finally:
        c.close()


def test_ofctl_matches_on_parsed_fields(net):
    """Rules on ARP target, TCP flags and fragment type: the datapath
    must parse these fields for the megaflows to separate the packets."""
    h1, h2, h3 = net.h(1), net.h(2), net.h(3)
    p = net.of_port
    add_flows(net.ovs, [
        "priority=100,arp,in_port=%d,arp_op=1,arp_tpa=%s,actions=drop" %
        (p["p1"], h3.ip),
        "priority=100,tcp,in_port=%d,tcp_flags=+syn-ack,actions=drop" %
        p["p2"],
        "priority=100,ip,in_port=%d,nw_frag=later,actions=drop" % p["p1"],
    ])
    net.ovs.appctl("revalidator/purge")
    # h3 and h2 first: an ARP probe of theirs to h1 would teach h1 their
    # addresses behind the rule's back.
    for h in (h3, h2, h1):
        h.run(["ip", "neigh", "flush", "dev", "eth0"])
    assert h1.ping(h3, count=1, timeout=2) == 0
    assert h1.ping(h2, count=1) == 1
    # No listener on h3: a SYN that arrives is refused, one that does not
    # times out.
    assert h1.call(_connect, h2.ip, 5010, 3) == "refused"
    assert h2.call(_connect, h3.ip, 5010, 2) == "timeout"
    # Only the first fragment of a big datagram gets through: it never
    # reassembles, while small datagrams arrive.
    ready = ready_flag()
    rx = Background(h2.ns, _udp_receiver, 6003, ready, 2.0)
    wait_ready(ready, rx)
    h1.call(_udp_big, h2.ip, 6003, [3000, 200])
    got = rx.join()
    assert [len(d) for _, d in got] == [200]
    flows = "\n".join(dump_flows(net.ovs))
    for what in ("arp(tip=%s" % h3.ip, "tcp_flags(", "frag=later",
                 "frag=first"):
        assert what in flows, (what, flows)


def test_ofctl_stateless_nat_tcp_stream(net):
    """h1 talks to 10.0.0.99:8080, which the rules turn into h2:5003 (and
    back): the rewrites must keep the checksums of offloaded (partial
    checksum, TSO) packets right, else the stream stalls or corrupts."""
    h1, h2 = net.h(1), net.h(2)
    vip, vmac = "10.0.0.99", "02:00:00:00:01:99"
    p = net.of_port
    h1.run(["ip", "neigh", "replace", vip, "lladdr", vmac, "dev", "eth0"])
    net.ovs.ofctl("add-flow", BR, "priority=100,tcp,in_port=%d,nw_dst=%s,"
                  "tp_dst=8080,actions=mod_dl_dst:%s,mod_nw_dst:%s,"
                  "mod_tp_dst:5003,output:%d" %
                  (p["p1"], vip, h2.mac, h2.ip, p["p2"]))
    net.ovs.ofctl("add-flow", BR, "priority=100,tcp,in_port=%d,nw_src=%s,"
                  "nw_dst=%s,tp_src=5003,actions=mod_dl_src:%s,"
                  "mod_nw_src:%s,mod_tp_src:8080,output:%d" %
                  (p["p2"], h2.ip, h1.ip, vmac, vip, p["p1"]))
    try:
        secs = tcp_transfer(h2.ns, h1.ns, vip, 2 << 20, port=5003,
                            dst_port=8080)
    finally:
        h1.run(["ip", "neigh", "del", vip, "dev", "eth0"], check=False)
    print("2 MiB through the rewrites in %.2f s" % secs)
    flows = "\n".join(dump_flows(net.ovs))
    assert re.search(r"set\(ipv4\([^)]*dst=10\.0\.0\.2", flows), flows
    assert re.search(r"set\(ipv4\([^)]*src=10\.0\.0\.99", flows), flows
    assert re.search(r"set\(tcp\(dst=5003", flows), flows
    assert re.search(r"set\(tcp\(src=8080", flows), flows


def add_flows(ovs, lines, proto="OpenFlow15"):
    vmlib.run(["ovs-ofctl", "-O", proto, "add-flows", BR, "-"],
              input="\n".join(lines) + "\n", env=ovs.env)


def test_ofctl_datapath_actions(net, sc):
    """Rules whose translation needs the datapath's less common actions:
    masked set (dec_ttl, mod_tp_dst, mod_nw_tos), trunc, check_pkt_len,
    and hash + recirc (a dp_hash select group).  One rule per UDP
    destination port, one burst of frames from h1, captured at h2, h3."""
    h1, h2, h3 = net.h(1), net.h(2), net.h(3)
    p = net.of_port
    p1, p2, p3 = p["p1"], p["p2"], p["p3"]
    vmlib.run(["ovs-ofctl", "-O", "OpenFlow15", "add-group", BR,
               "group_id=1,type=select,selection_method=dp_hash,"
               "bucket=bucket_id=0,output:%d,bucket=bucket_id=1,output:%d" %
               (p2, p3)], env=net.ovs.env)
    try:
        rule = "priority=100,udp,in_port=%d,tp_dst=%%d,actions=%%s" % p1
        add_flows(net.ovs, [
            rule % (7101, "dec_ttl,output:%d" % p2),
            rule % (7102, "output(port=%d,max_len=100)" % p2),
            rule % (7103, "check_pkt_larger(300)->NXM_NX_REG0[0],"
                    "resubmit(,1)"),
            "table=1,priority=10,reg0=1,actions=output:%d" % p3,
            "table=1,priority=10,reg0=0,actions=output:%d" % p2,
            rule % (7104, "mod_tp_dst:7204,mod_nw_tos:32,output:%d" % p2),
            rule % (7105, "group:1"),
        ])

        def udp(dport, sport=4000, size=0, ttl=20):
            return sc.Ether(src=h1.mac, dst=h2.mac) / \
                sc.IP(src=h1.ip, dst=h2.ip, ttl=ttl) / \
                sc.UDP(sport=sport, dport=dport) / (MARK + b"z" * size)

        spread = [udp(7105, sport=30000 + i) for i in range(40)]
        sent = [udp(7101), udp(7102, size=400), udp(7103, size=50),
                udp(7103, size=600), udp(7104)] + spread
        got, _ = exchange(h1.ns, sent, [h2.ns, h3.ns], wait=2.0)
        flows = "\n".join(dump_flows(net.ovs))
    finally:
        vmlib.run(["ovs-ofctl", "-O", "OpenFlow15", "del-groups", BR],
                  env=net.ovs.env)

    def by_port(ns):
        res = {}
        for data, _ in got[ns]:
            f = sc.Ether(data)
            dport = f[sc.UDP].dport if f.haslayer(sc.UDP) else None
            res.setdefault(dport, []).append((data, f))
        return res
    at2, at3 = by_port(h2.ns), by_port(h3.ns)

    (data, f), = at2[7101]
    assert f[sc.IP].ttl == 19 and csums_ok(sc, data), f.show(dump=True)
    (data, f), = at2[7102]
    assert len(data) == 100 and data == bytes(sent[1])[:100]
    (small, _), = at2[7103]
    (big, _), = at3[7103]
    assert small == bytes(sent[2]) and big == bytes(sent[3])
    (data, f), = at2.pop(7204)
    assert f[sc.IP].tos == 32 and csums_ok(sc, data), f.show(dump=True)
    assert 7104 not in at2
    # Every packet to the group went out of exactly one bucket, and the
    # 40 flows used both.
    ports2 = [f[sc.UDP].sport for _, f in at2.get(7105, [])]
    ports3 = [f[sc.UDP].sport for _, f in at3.get(7105, [])]
    assert sorted(ports2 + ports3) == list(range(30000, 30040))
    assert ports2 and ports3, (ports2, ports3)
    for what in ("trunc(100)", "check_pkt_len(size=300", "hash(",
                 "recirc(", "dp_hash("):
        assert what in flows, (what, flows)


def _udp_big(dst, port, sizes):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for n in sizes:
        s.sendto(bytes(i & 0xff for i in range(n)), (dst, port))
        time.sleep(0.05)


def test_ip_fragments_reassemble_at_the_far_end(net):
    h1, h2 = net.h(1), net.h(2)
    sizes = [4000, 9000, 1400, 20000]
    ready = ready_flag()
    rx = Background(h2.ns, _udp_receiver, 6002, ready, 2.0)
    wait_ready(ready, rx)
    h1.call(_udp_big, h2.ip, 6002, sizes)
    got = rx.join()
    assert sorted(len(d) for _, d in got) == sorted(sizes)
    assert all(d == bytes(i & 0xff for i in range(len(d))) for _, d in got)
    flows = "\n".join(dump_flows(net.ovs))
    # NORMAL does not look at fragments, but the datapath saw them.
    assert "eth_type(0x0800)" in flows, flows


def test_flows_purged_during_tcp_stream(net):
    """Flows vanish under a running stream: its (GSO) packets go to
    userspace as misses until new flows are in, and still all arrive."""
    h1, h3 = net.h(1), net.h(3)

    def purge(cli):
        n = 0
        while cli.thread.is_alive() and n < 6:
            net.ovs.appctl("revalidator/purge")
            n += 1
            time.sleep(0.2)
    hit0, miss0, lost0 = dp_lookups(net.ovs)
    tcp_transfer(h3.ns, h1.ns, h3.ip, 8 << 20, port=5004, during=purge)
    hit, miss, lost = dp_lookups(net.ovs)
    print("stream under purges: hit %d missed %d lost %d" %
          (hit - hit0, miss - miss0, lost - lost0))
    assert miss - miss0 >= 2


def _udp_stream(dst, port, secs, gap):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end, n = time.monotonic() + secs, 0
    while time.monotonic() < end:
        s.sendto(b"x" * 200, (dst, port))
        n += 1
        time.sleep(gap)
    return n


def test_port_removed_and_readded_under_traffic(net):
    h1, h2 = net.h(1), net.h(2)
    assert h1.ping(h2, count=1) == 1
    try:
        flood = Background(h1.ns, _udp_stream, h2.ip, 9, 4.0, 0.0005)
        time.sleep(0.5)
        net.ovs.vsctl("del-port", BR, "p2")
        time.sleep(0.5)
        net.ovs.vsctl("add-port", BR, "p2")
        time.sleep(0.5)
        net.ovs.vsctl("del-port", BR, "p1")
        net.ovs.vsctl("add-port", BR, "p1")
        assert flood.join() > 0
    finally:
        net.ovs.vsctl("--may-exist", "add-port", BR, "p1", "--",
                      "--may-exist", "add-port", BR, "p2")
        net.refresh_ports()
    assert h1.ping(h2, count=2) == 2
    assert h2.ping(net.h(3), count=2) == 2


# ---------------------------------------------------------------------------
# Datapath flows and counters (ovs-dpctl)

def test_dump_flows_megaflow_masks_and_counts(net):
    h1, h3 = net.h(1), net.h(3)
    h1.run(["ip", "neigh", "flush", "dev", "eth0"])
    assert h1.ping(h3, count=5) == 5
    flows = dump_flows(net.ovs)
    p1, p3 = net.dp_port["p1"], net.dp_port["p3"]
    pings = [ln for ln in flows
             if re.search(r"in_port\(%d\)" % p1, ln) and
             "eth_type(0x0800)" in ln]
    assert len(pings) == 1, flows
    ln = pings[0]
    # NORMAL switches on MACs: the megaflow matches them exactly and
    # leaves the IP addresses wildcarded.
    assert "eth(src=%s,dst=%s)" % (h1.mac, h3.mac) in ln, ln
    assert "ipv4(frag=no)" in ln and "ipv4(src=" not in ln, ln
    assert re.search(r"actions:%d$" % p3, ln), ln
    # The first request was a miss; the other four hit the flow.
    assert flow_packets(ln) >= 3, ln
    assert re.search(r"bytes:(\d+)", ln) and \
        int(re.search(r"bytes:(\d+)", ln).group(1)) >= 3 * 98, ln
    arp = [x for x in flows if "eth_type(0x0806)" in x]
    assert arp, flows


def quiet_counters(net, ports):
    """(hit, missed, lost, into-datapath) once they stop changing."""
    prev = None
    for _ in range(50):
        cur = dp_lookups(net.ovs) + (into_datapath(ports),)
        if cur == prev:
            return cur
        prev = cur
        time.sleep(0.3)
    raise AssertionError("datapath counters never settled: %s" % (cur,))


def test_show_counters_match_traffic(net):
    h1, h2, h3 = net.h(1), net.h(2), net.h(3)
    ports = net.dp_type
    hit0, miss0, lost0, rx0 = quiet_counters(net, ports)
    assert ping_all([h1, h2, h3], count=3) == \
        {(a, b): 3 for a in ("h1", "h2", "h3") for b in ("h1", "h2", "h3")
         if a != b}
    h1.call(_udp_sender, h2.ip, 6001, 50, 0)
    hit, miss, lost, rx = quiet_counters(net, ports)
    # Every frame the ports delivered was looked up exactly once.
    assert rx - rx0 >= 6 * 3 * 2 + 50
    assert (hit - hit0) + (miss - miss0) == rx - rx0, \
        (hit - hit0, miss - miss0, rx - rx0)
    assert miss > miss0 and hit > hit0
    assert lost == lost0
    out = net.ovs.dpctl("show", "-s")
    assert "lost:%d" % lost in out, out
    m = re.search(r"flows: (\d+)", out)
    assert m and int(m.group(1)) > 0, out
    # Mask lookups: at least one mask per lookup that found a flow.
    m = re.search(r"masks: hit:(\d+) total:(\d+)", out)
    assert m and int(m.group(1)) >= hit - hit0 and int(m.group(2)) >= 1, out
    # The ports' counters (OVS_VPORT_ATTR_STATS) are their devices'.  A
    # neighbour re-probe may cross the datapath at any moment, so compare
    # a dump against device counters that did not move around it.
    for _ in range(10):
        before = ports_dev_stats(("p1", "p2", "p3"))
        out = net.ovs.dpctl("show", "-s")
        if ports_dev_stats(("p1", "p2", "p3")) == before:
            break
    stats = port_stats(out)
    for p in ("p1", "p2", "p3"):
        assert stats[p] == before[p], (p, before, out)


def ports_dev_stats(names):
    """{port: (rx_packets, tx_packets)} of the devices @names."""
    return {p: (dev_stat(p, "rx_packets"), dev_stat(p, "tx_packets"))
            for p in names}


def port_stats(show):
    """{port: (RX packets, TX packets)} from `ovs-dpctl show -s`."""
    res, cur, rx = {}, None, None
    for line in show.splitlines():
        m = re.match(r"^\s+port \d+: (\S+)", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"^\s+RX packets:(\d+)", line)
        if m:
            rx = int(m.group(1))
            continue
        m = re.match(r"^\s+TX packets:(\d+)", line)
        if m and cur:
            res[cur] = (rx, int(m.group(1)))
    return res


def _icmp_flow(ovs, dp_in):
    """packets of the datapath flow for ICMP from @dp_in (None: none)."""
    for ln in dump_flows(ovs):
        if re.search(r"in_port\(%d\)" % dp_in, ln) and \
                "eth_type(0x0800)" in ln:
            return flow_packets(ln)
    return None


def _paced_pings(dst, count, gap):
    """@count single pings @gap seconds apart; replies received."""
    n = 0
    for _ in range(count):
        n += vmlib.icmp_ping(dst, 1, 1.0)
        time.sleep(gap)
    return n


def test_idle_flows_expire(net):
    ovs = net.ovs
    h1, h2 = net.h(1), net.h(2)
    p1 = net.dp_port["p1"]
    ovs.vsctl("set", "Open_vSwitch", ".", "other_config:max-idle=1000")
    try:
        # 6 s of pings, 5 a second: the flow stays while it is used,
        # although that is much longer than max-idle, and so one flow
        # counts many of them (a flow deleted as idle would start from 0
        # again).  Samples are (from, to seconds, packets of the ICMP
        # flow), while the pings go on and one right after.
        t0 = time.monotonic()

        def sample():
            start = time.monotonic() - t0
            n = _icmp_flow(ovs, p1)
            return (round(start, 1), round(time.monotonic() - t0, 1), n)
        pinger = Background(h1.ns, _paced_pings, h2.ip, 30, 0.2)
        seen = []
        while pinger.thread.is_alive():
            seen.append(sample())
            time.sleep(0.2)
        assert pinger.join() == 30
        stop = time.monotonic()
        seen.append(sample())
        counts = [n for _, _, n in seen if n is not None]
        assert counts and max(counts) >= 10, seen
        # Then it goes soon after the traffic stopped.
        vmlib.wait_for(lambda: not dump_flows(ovs), timeout=15,
                       interval=0.3, what="idle flows to expire")
        print("flows expired %.1f s after traffic, seen %s" %
              (time.monotonic() - stop, seen))
    finally:
        ovs.vsctl("remove", "Open_vSwitch", ".", "other_config",
                  "max-idle")


def _udp_flood(dst_mac, src_mac, src_ip, dst_ip, count, base_port, pad=0):
    """@count UDP frames from distinct source ports, as fast as one raw
    socket sends them, with 16 + @pad bytes of payload.  Returns how many
    were sent."""
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 16 + pad, 0, 0, 64,
                     17,
                     0, socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack("!H", vmlib._csum(ip)) + ip[12:]
    eth = bytes.fromhex(dst_mac.replace(":", "") +
                        src_mac.replace(":", "")) + b"\x08\x00"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    s.bind(("eth0", 0))
    tail = b"p" * pad
    sent = 0
    for i in range(count):
        # UDP checksum 0: none.  16 bytes of payload.
        udp = struct.pack("!HHHH", base_port + i, 7003, 8 + 16 + pad, 0)
        s.send(eth + ip + udp + b"flood-%010d" % i + tail)
        sent += 1
    return sent


def _count_udp(port, ready, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 24)
    s.bind(("0.0.0.0", port))
    _touch(ready)
    ports = set()
    s.settimeout(60)
    while True:
        try:
            _, addr = s.recvfrom(2048)
        except socket.timeout:
            break
        ports.add(addr[1])
        s.settimeout(idle)
    return len(ports)


def test_5000_udp_flows_all_accounted(net):
    h1, h2 = net.h(1), net.h(2)
    ovs = net.ovs
    n = 5000
    assert h1.ping(h2, count=1) == 1       # MACs learned, ARP resolved
    # Exact-match flows: every distinct source port is a miss.
    ovs.appctl("upcall/disable-megaflows")
    try:
        ports = net.dp_type
        hit0, miss0, lost0, _ = quiet_counters(net, ports)
        rx0 = into_datapath({"p1": ""})
        all0 = into_datapath(ports)
        drop0 = dev_stat("p2", "tx_dropped")
        ready = ready_flag()
        rx = Background(h2.ns, _count_udp, 7003, ready, 5.0, timeout=180)
        wait_ready(ready, rx)
        start = time.monotonic()
        assert h1.call(_udp_flood, h2.mac, h1.mac, h1.ip, h2.ip, n,
                       10000) == n
        got = rx.join()
        hit, miss, lost, all1 = quiet_counters(net, ports)
        rx1 = into_datapath({"p1": ""})
        drop = dev_stat("p2", "tx_dropped") - drop0
        print("flood: %d sent, p1 rx %d, hit %d missed %d lost %d, "
              "delivered %d, p2 dropped %d, %.1f s" %
              (n, rx1 - rx0, hit - hit0, miss - miss0, lost - lost0, got,
               drop, time.monotonic() - start))
        # Everything the ports delivered was looked up once; lost packets
        # count as missed too.
        assert (hit - hit0) + (miss - miss0) == all1 - all0
        assert lost - lost0 <= miss - miss0
        # Of the flood, every packet p1 took in was delivered or lost
        # (upcall queue full) or dropped on the way out; a few other
        # frames (ARP) may have come in as well.
        assert rx1 - rx0 >= n * 9 // 10
        assert 0 <= (rx1 - rx0) - (got + (lost - lost0) + drop) <= 5
        assert miss - miss0 >= 100
    finally:
        ovs.appctl("upcall/enable-megaflows")


def test_upcall_overflow_counts_lost_packets(net):
    """With ovs-vswitchd stopped, misses pile up in its sockets until they
    are full (8 MB: some 2000-3500 upcalls of 1.4 kB packets): the rest is
    lost, and counted both as lost and missed."""
    h1, h2 = net.h(1), net.h(2)
    ovs = net.ovs
    n = 5000
    assert h1.ping(h2, count=1) == 1
    ports = net.dp_type
    ready = ready_flag()
    rx = Background(h2.ns, _count_udp, 7003, ready, 5.0, timeout=180)
    wait_ready(ready, rx)
    ovs.appctl("revalidator/purge")
    assert dump_flows(ovs) == []
    hit0, miss0, lost0, all0 = quiet_counters(net, ports)
    p1_0 = into_datapath({"p1": ""})
    pid = ovs._pid("ovs-vswitchd")
    os.kill(pid, signal.SIGSTOP)
    try:
        assert h1.call(_udp_flood, h2.mac, h1.mac, h1.ip, h2.ip, n,
                       20000, 1400) == n
        time.sleep(0.5)
        hit, miss, lost = dp_lookups(ovs)
        p1 = into_datapath({"p1": ""}) - p1_0
        seen = into_datapath(ports) - all0
    finally:
        os.kill(pid, signal.SIGCONT)
    got = rx.join()
    hit1, miss1, lost1, all1 = quiet_counters(net, ports)
    print("overflow: p1 rx %d, hit %d missed %d lost %d (while stopped), "
          "delivered %d" % (p1, hit - hit0, miss - miss0, lost - lost0,
                            got))
    # While it was stopped: nothing hit (no flows), everything missed
    # (but a frame whose lookup was under way as the counters were read).
    assert hit == hit0 and seen - 2 <= miss - miss0 <= seen
    assert p1 >= n * 9 // 10
    assert 0 < lost - lost0 < miss - miss0
    # All of it: looked up once each, and delivered (by ovs-vswitchd,
    # from the queued upcalls) unless lost.
    assert (hit1 - hit0) + (miss1 - miss0) == all1 - all0
    # (A frame or two, ARP, may still have met a full socket after the
    # SIGCONT.)
    assert 0 <= lost1 - lost <= 5
    # (A few more frames, ARP, may have come in through p1.)
    assert 0 <= p1 - (lost - lost0) - got <= 5


# Modules of ovs-vswitchd's log that speak about the kernel datapath, and
# what they may say here: the upcall overflow test loses packets on
# purpose.
DP_LOG_MODULES = r"^(dpif.*|netlink.*|netdev_linux|ofproto_dpif.*|odp_util)$"
EXPECTED_WARN = ("lost packet on handler",)


def test_vswitchd_log_stayed_clean(net):
    """Last in the module: after all the traffic above, ovs-vswitchd
    logged no error, and no warning about the datapath."""
    errs = net.ovs.log_lines(levels=("EMER", "ERR"))
    warns = [ln for ln in net.ovs.log_lines(levels=("WARN",),
                                            module=DP_LOG_MODULES)
             if not any(x in ln for x in EXPECTED_WARN)]
    assert errs + warns == [], "\n".join(errs + warns)
