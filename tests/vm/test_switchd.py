# SPDX-License-Identifier: GPL-2.0
"""tools/ovsdp-switchd: a VLAN-aware learning switch with only our module
and our tools (no ovsdb-server, no ovs-vswitchd).

    /usr/bin/python3 tests/vm/run_vm.py --module openvswitch.ko -- \\
        /usr/bin/python3 -m pytest -p no:cacheprovider -v \\
        tests/vm/test_switchd.py
"""

import hashlib
import os
import re
import signal
import socket
import struct
import time

import pytest

import vmlib

pytestmark = [pytest.mark.needs_datapath, pytest.mark.dataplane]

SWITCHD = os.path.join(vmlib.REPO, "tools", "ovsdp-switchd")
DPCTL = os.path.join(vmlib.REPO, "tools", "ovsdp-dpctl")
DP = "sw0"


class Switchd:
    """One ovsdp-switchd daemon on datapath DP (started with --detach)."""

    def __init__(self, tmpdir, args):
        self.dir = str(tmpdir)
        self.ctl = os.path.join(self.dir, "ctl")
        self.pidfile = os.path.join(self.dir, "pid")
        self.log = os.path.join(self.dir, "log")
        self.args = list(args)
        self.pid = None

    def start(self, extra=()):
        vmlib.run([SWITCHD, "--dp", DP, "--detach", "--ctl", self.ctl,
                   "--pidfile", self.pidfile, "--log-file", self.log, "-v"]
                  + self.args + list(extra), timeout=60)
        with open(self.pidfile) as fh:
            self.pid = int(fh.read())
        return self

    def stop(self):
        if not self.pid:
            return
        os.kill(self.pid, signal.SIGTERM)
        vmlib.wait_for(lambda: not os.path.exists("/proc/%d" % self.pid)
                       or _zombie(self.pid), timeout=20,
                       what="switchd exit")
        self.pid = None

    def status(self, what="all"):
        return vmlib.run([SWITCHD, "--status=" + what, "--ctl", self.ctl])

    def ports(self):
        """{name: {counter: value}} from the status query."""
        out = {}
        for line in self.status("ports").splitlines():
            f = line.split()
            if f[0] != "port":
                continue
            out[f[2]] = {k: int(v) for k, v in
                         (x.split("=") for x in f[4:])}
        return out

    def logtext(self):
        try:
            with open(self.log) as fh:
                return fh.read()
        except OSError:
            return ""


def _zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().split()[2] == "Z"
    except OSError:
        return True


@pytest.fixture
def switchd(make_host, tmp_path):
    """Factory: switchd(*args) starts a daemon on DP; stopped and the
    datapath deleted afterwards (before the hosts go away)."""
    made = []

    def start(*args):
        d = Switchd(tmp_path / ("d%d" % len(made)), args)
        os.makedirs(d.dir, exist_ok=True)
        made.append(d)
        return d.start()

    yield start
    problems = []
    for d in made:
        d.stop()
        log = d.logtext()
        print("---- switchd log %s\n%s" % (d.dir, log[-6000:]))
        problems += [x for x in log.splitlines()
                     if "|warn|" in x or "|err|" in x]
        assert "|info|stopping" in log, "no clean shutdown"
    vmlib.run_p([DPCTL, "del-dp", DP])
    assert not problems, "daemon warnings:\n" + "\n".join(problems[:20])


FLOW_RE = re.compile(r"in_port\((\d+)\).*?eth\(src=([0-9a-f:]+),"
                     r"dst=([0-9a-f:]+)\)(?:.*?vlan\(vid=(\d+))?.*"
                     r"actions:(.*)$")


def dump_flows():
    """[(in_port, vid or None, src, dst, actions)] from ovsdp-dpctl."""
    out = []
    for line in vmlib.run([DPCTL, "dump-flows", DP]).splitlines():
        m = FLOW_RE.search(line)
        assert m, "unexpected flow line: " + line
        out.append((int(m.group(1)), m.group(4) and int(m.group(4)),
                    m.group(2), m.group(3), m.group(5)))
    return out


def port_no(name):
    out = vmlib.run([DPCTL, "show", DP])
    m = re.search(r"port (\d+): %s\b" % re.escape(name), out)
    assert m, out
    return int(m.group(1))


def paced_ping(dst, count, interval, timeout=1.0):
    """Echo requests every @interval s; returns the set of answered seqs
    and the send time of each (in the calling netns)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setblocking(False)
    ident = os.getpid() & 0xffff
    got, sent = set(), {}
    start = time.monotonic()
    seq = 0
    end = start + count * interval + timeout
    while time.monotonic() < end:
        now = time.monotonic()
        if seq < count and now >= start + seq * interval:
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"x" * 32
            pkt = struct.pack("!BBHHH", 8, 0, vmlib._csum(hdr), ident,
                              seq) + b"x" * 32
            s.sendto(pkt, (dst, 0))
            sent[seq] = now - start
            seq += 1
        try:
            data, addr = s.recvfrom(2048)
        except BlockingIOError:
            time.sleep(0.002)
            continue
        icmp = data[(data[0] & 0x0f) * 4:]
        typ, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
        if typ == 0 and rid == ident and addr[0] == dst:
            got.add(rseq)
    s.close()
    return got, sent


def three_hosts(make_host):
    return [make_host("h%d" % i, "10.0.0.%d" % i, "p%d" % i)
            for i in (1, 2, 3)]


def test_three_hosts_ping_and_megaflows(make_host, switchd, datapath):
    hosts = three_hosts(make_host)
    d = switchd("--create", "--port", "p1", "--port", "p2", "--port", "p3")
    # Ours lets upcalls share datagrams; upstream refuses, and the daemon
    # goes on with one upcall per datagram.
    assert ("upcalls share datagrams" if datapath.ours else
            "upcalls come one per datagram") in d.logtext(), d.logtext()
    for a in hosts:
        for b in hosts:
            if a is not b:
                assert a.ping(b, count=3) == 3, (a, b)
    flows = dump_flows()
    seen = {}
    for in_port, vid, src, dst, acts in flows:
        key = (in_port, vid, dst)
        assert key not in seen, "two megaflows for %s:\n%s\n%s" % (
            key, seen[key], acts)
        seen[key] = acts
    # Every host talked to every other one: unicast flows each way.
    nos = {h.mac: port_no(h.port) for h in hosts}
    for a in hosts:
        for b in hosts:
            if a is not b:
                assert seen.get((nos[a.mac], None, b.mac)) == \
                    str(nos[b.mac]), (a, b, flows)


def _tcp_server(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(1)
    srv.settimeout(60)
    c, _ = srv.accept()
    c.settimeout(60)
    h = hashlib.sha256()
    n = 0
    while True:
        d = c.recv(65536)
        if not d:
            break
        h.update(d)
        n += len(d)
    c.close()
    srv.close()
    return n, h.hexdigest()


def _tcp_client(dst, port, data):
    deadline = time.monotonic() + 20
    while True:
        try:
            s = socket.create_connection((dst, port), timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    s.settimeout(60)
    s.sendall(data)
    s.close()


def test_tcp_transfer_intact(make_host, switchd):
    h1, h2, _ = three_hosts(make_host)
    switchd("--create", "--port", "p1", "--port", "p2", "--port", "p3")
    data = os.urandom(3 << 20)
    join = vmlib.in_background(h2.call, _tcp_server, 5001, timeout=120)
    time.sleep(0.5)
    h1.call(_tcp_client, h2.ip, 5001, data, timeout=120)
    n, digest = join()
    assert n == len(data)
    assert digest == hashlib.sha256(data).hexdigest()


def _add_vlan_if(vid, ip):
    vmlib.run(["ip", "link", "add", "link", "eth0", "name", "eth0.%d" % vid,
               "type", "vlan", "id", str(vid)])
    vmlib.run(["ip", "addr", "add", ip + "/24", "dev", "eth0.%d" % vid])
    vmlib.run(["ip", "link", "set", "eth0.%d" % vid, "up"])


def test_vlans_isolated_and_trunk(make_host, switchd):
    a1 = make_host("a1", "10.0.0.1", "p1")
    a2 = make_host("a2", "10.0.0.2", "p2")
    b1 = make_host("b1", "10.0.0.3", "p3")
    b2 = make_host("b2", "10.0.0.4", "p4")
    # A trunk host: 10.0.10.5 in VLAN 10, 10.0.20.5 in VLAN 20.
    t = make_host("t", None, "p5")
    t.call(_add_vlan_if, 10, "10.0.0.5")
    d = switchd("--create", "--port", "p1:vlan=10", "--port", "p2:vlan=10",
                "--port", "p3:vlan=20", "--port", "p4:vlan=20",
                "--port", "p5:trunk")
    assert a1.ping(a2) == 3
    assert b1.ping(b2) == 3
    # Same subnet, other VLAN: ARP never gets across.
    assert a1.ping(b1, count=2, timeout=1) == 0
    assert b2.ping(a2, count=2, timeout=1) == 0
    # The trunk host's VLAN 10 interface reaches VLAN 10 only.
    assert t.ping("10.0.0.1") == 3
    assert t.ping("10.0.0.2") == 3
    assert t.ping("10.0.0.3", count=2, timeout=1) == 0
    vlan_of = {port_no("p%d" % i): v for i, v in
               ((1, 10), (2, 10), (3, 20), (4, 20))}
    flows = dump_flows()
    trunk = port_no("p5")
    # Tagged frames from the trunk got megaflows too (VID matched), and
    # frames to the trunk are tagged on the way out.
    assert [f for f in flows if f[0] == trunk and f[1] == 10], flows
    assert [f for f in flows if f[0] != trunk and
            re.search(r"push_vlan\(vid=10,.*\b%d$" % trunk, f[4])], flows
    for in_port, vid, src, dst, acts in flows:
        outs = [int(x) for x in re.findall(r"(?:^|,)(\d+)", acts)]
        if in_port in vlan_of:
            assert vid is None
            for o in outs:
                assert vlan_of.get(o, vlan_of[in_port]) == vlan_of[in_port]
        else:
            assert vid == 10, acts
    ports = d.ports()
    assert ports["p5"]["handled"] > 0


def test_mac_move(make_host, switchd):
    h1, h2, h3 = three_hosts(make_host)
    # A second link into h1's namespace, root end p4.
    vmlib.run(["ip", "link", "add", "p4", "type", "veth", "peer", "name",
               "eth1", "netns", h1.ns])
    vmlib.run(["ip", "link", "set", "p4", "up"])
    try:
        d = switchd("--create", "--port", "p1", "--port", "p2",
                    "--port", "p3")
        assert h1.ping(h2) == 3
        assert h3.ping(h1) == 3
        p1 = port_no("p1")
        # p4 joins at run time: the daemon follows vport notifications.
        vmlib.run([DPCTL, "add-if", DP, "p4"])
        vmlib.wait_for(lambda: "p4" in d.ports(), timeout=5,
                       what="p4 taken into the switch")
        p4 = port_no("p4")
        mac = h1.mac
        h1.run("ip link set eth0 down && ip addr flush dev eth0 && "
               "ip link set eth1 address %s && "
               "ip addr add %s/24 dev eth1 && ip link set eth1 up" %
               (mac, h1.ip))
        t0 = time.monotonic()
        got, sent = h1.call(paced_ping, h2.ip, 20, 0.05)
        assert got, "no traffic after the move"
        assert sent[min(got)] < 1.0, sent[min(got)]
        assert h3.ping(h1) == 3
        for in_port, vid, src, dst, acts in dump_flows():
            assert not (in_port == p1 and src == mac), acts
            if dst == mac:
                assert acts == str(p4), (in_port, acts)
        assert "moved from port %d to %d" % (p1, p4) in d.logtext()
        del t0
    finally:
        vmlib.run_p(["ip", "link", "del", "p4"])


def test_idle_flows_expire(make_host, switchd):
    h1, h2, _ = three_hosts(make_host)
    d = switchd("--create", "--port", "p1", "--port", "p2", "--port", "p3",
                "--idle-time", "2", "--mac-age", "4")
    assert h1.ping(h2) == 3
    assert dump_flows()
    assert "mac vlan=0 %s port=" % h1.mac in d.status("macs")
    t0 = time.monotonic()
    vmlib.wait_for(lambda: not dump_flows(), timeout=10,
                   what="idle flows to go")
    # 2 s idle plus at most one 0.5 s stats poll (and TCG slack).
    assert time.monotonic() - t0 < 5
    assert "flow ufid=" not in d.status("flows")
    # With no traffic the MACs age out too.
    vmlib.wait_for(lambda: "mac vlan" not in d.status("macs"), timeout=10,
                   what="MAC ageing")
    # And everything is learned again from scratch.
    assert h2.ping(h1) == 3


def _flood(seconds, dst_mac):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("eth0", 0))
    dst = bytes.fromhex(dst_mac.replace(":", ""))
    frames = []
    for i in range(4096):
        src = bytes([0x02]) + os.urandom(5)
        frames.append(dst + src + b"\x08\x00" + bytes(46))
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        for f in frames[(n % 4096):(n % 4096) + 256]:
            s.send(f)
        n += 256
        if n % 4096 == 0:
            frames = [f[:6] + bytes([0x02]) + os.urandom(5) + f[12:]
                      for f in frames]
    s.close()
    return n


def test_flood_rate_limited_per_port(make_host, switchd):
    h1, h2, h3 = three_hosts(make_host)
    d = switchd("--create", "--port", "p1", "--port", "p2", "--port", "p3",
                "--rate", "200/s")
    assert h1.ping(h2) == 3
    join = vmlib.in_background(h3.call, _flood, 10, "02:00:00:00:99:99",
                         timeout=60)
    time.sleep(0.5)
    got, sent = h1.call(paced_ping, h2.ip, 200, 0.045, timeout=60)
    sent_frames = join()
    ports = d.ports()
    print("flood frames sent:", sent_frames, "ports:", ports)
    assert len(got) >= 198, "only %d of 200 answered" % len(got)
    assert ports["p3"]["rate_dropped"] > 0
    # The budget held: handled at most rate * time + burst.
    assert ports["p3"]["handled"] <= 200 * 12 + 64
    assert ports["p1"]["rate_dropped"] == 0
    assert ports["p2"]["rate_dropped"] == 0


def test_restart_with_traffic(make_host, switchd, tmp_path):
    h1, h2, _ = three_hosts(make_host)
    conf = tmp_path / "switchd.conf"
    conf.write_text("# ports and limits from a file\ncreate\n"
                    "port p1\nport p2\nport p3\nrate 500/s\n")
    d = switchd("--config", str(conf))
    assert h1.ping(h2) == 3
    join = vmlib.in_background(h1.call, paced_ping, h2.ip, 100, 0.05,
                         timeout=60)
    time.sleep(1)
    d.stop()
    # A flow that is not ours (no UFID): the new daemon deletes it.
    vmlib.run([DPCTL, "add-flow", DP, "in_port(%d),eth(src=02:00:00:00:00:01,"
               "dst=02:00:00:00:00:02)" % port_no("p3"), "drop"])
    d.start()
    got, sent = join()
    lost = 100 - len(got)
    assert lost * 0.05 <= 2.0, "lost %d pings" % lost
    m = re.findall(r"adopted (\d+) flows, deleted (\d+)", d.logtext())
    assert m and int(m[-1][0]) > 0 and int(m[-1][1]) >= 1, d.logtext()
    assert "02:00:00:00:00:01" not in vmlib.run([DPCTL, "dump-flows", DP])
    assert "rate 500/s" in d.logtext()
    # Each run says how upcalls come, the second too (features already set).
    log = d.logtext()
    assert log.count("upcalls share datagrams") + \
        log.count("upcalls come one per datagram") == 2, log
    # The adopted flows keep working and new ones are learned.
    assert h2.ping(h1) == 3
    assert h1.ping("10.0.0.3") == 3


def test_flows_deleted_behind_its_back(make_host, switchd):
    """`ovsdp-dpctl del-flows` while the daemon runs: it notices at its
    next stats poll (its status stops listing them) and the next misses
    install them again, so traffic goes back to the kernel's fast path."""
    h1, h2, _ = three_hosts(make_host)
    d = switchd("--create", "--port", "p1", "--port", "p2", "--port", "p3",
                "--idle-time", "60")
    assert h1.ping(h2) == 3
    before = dump_flows()
    assert before
    vmlib.run([DPCTL, "del-flows", DP])
    assert dump_flows() == []
    vmlib.wait_for(lambda: "flow ufid=" not in d.status("flows"),
                   timeout=10, what="the daemon to notice")
    assert h1.ping(h2, count=5) == 5
    # The unicast flows come back as they were (ARP is cached by now, so
    # broadcast ones need not).
    after = dump_flows()
    unicast = [f for f in before if f[3] != "ff:ff:ff:ff:ff:ff"]
    assert unicast and set(unicast) <= set(after), (before, after)
    # Once reinstalled, pings are forwarded by the flows: they count hits.
    hits = [int(x) for x in re.findall(r"packets:(\d+)", vmlib.run(
        [DPCTL, "dump-flows", DP]))]
    assert sum(hits) > 0
