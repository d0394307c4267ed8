# SPDX-License-Identifier: GPL-2.0
"""tools/ovsdp-dpctl: every subcommand, its output and its error paths.

    make check-vm PYTEST_ARGS="-k dpctl"
    make check-vm VM_MODULE=--upstream PYTEST_ARGS="-k dpctl"

The tests pass on both modules.  Where only the kernel's wording differs
(our module gives an extended ack text for every refusal, the in-tree one
mostly does not), the text is checked on ours only.
"""

import os
import re
import select
import signal
import socket
import struct
import subprocess
import time

import pytest

import ovsnl
import vmlib

pytestmark = [pytest.mark.needs_datapath]

DPCTL = os.path.join(vmlib.REPO, "tools", "ovsdp-dpctl")
DP = "dpc0"
MARK = b"ovsdp-dpctl-test"
MAC1 = "02:00:00:00:01:01"
MAC2 = "02:00:00:00:01:02"
COMMANDS = ["show", "dump-dps", "add-dp", "del-dp", "add-if", "set-if",
            "del-if", "dump-flows", "add-flow", "mod-flow", "get-flow",
            "del-flow", "del-flows", "execute", "monitor"]


def dpctl(*args, rc=0):
    """Runs ovsdp-dpctl; asserts its exit status; the CompletedProcess."""
    p = vmlib.run_p([DPCTL] + [str(a) for a in args], timeout=60)
    assert p.returncode == rc, "ovsdp-dpctl %s: exit %d, wanted %d\n" \
        "stdout: %s\nstderr: %s" % (" ".join(map(str, args)), p.returncode,
                                    rc, p.stdout, p.stderr)
    return p


def refused(p, errtext, ours_text, datapath):
    """A kernel refusal: exit 1, strerror always, the extack text on ours."""
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert errtext in p.stderr, p.stderr
    if datapath.ours:
        assert ours_text in p.stderr, p.stderr
    assert p.stderr.count("\n") == 1, "one line: " + p.stderr


def port_no(name, dp=DP):
    out = dpctl("show", dp).stdout
    m = re.search(r"^  port (\d+): %s\b" % re.escape(name), out, re.M)
    assert m, out
    return int(m.group(1))


def port_pids(name, dp=DP):
    """Upcall PIDs of port @name as `show -m` prints them."""
    out = dpctl("show", "-m", dp).stdout
    m = re.search(r"^  port \d+: %s\b.*\n    ifindex: \d+\n"
                  r"    upcall_pids: (\S+)$" % re.escape(name), out, re.M)
    assert m, out
    return [int(x) for x in m.group(1).split(",")]


def flows(*args):
    return dpctl("dump-flows", *args).stdout.splitlines()


def udp_frame(src_mac=MAC1, dst_mac=MAC2, sport=4000, dport=7777):
    payload = MARK + struct.pack("!H", sport)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000,
                      64, 17, 0, socket.inet_aton("10.0.0.1"),
                      socket.inet_aton("10.0.0.2"))
    hdr = hdr[:10] + struct.pack("!H", vmlib._csum(hdr)) + hdr[12:]
    return (bytes.fromhex(dst_mac.replace(":", "")) +
            bytes.fromhex(src_mac.replace(":", "")) + b"\x08\x00" + hdr + udp)


@pytest.fixture
def dp(host_pair):
    """Datapath DP with ports p1 (h1) and p2 (h2); deleted afterwards."""
    vmlib.run_p([DPCTL, "del-dp", DP])
    dpctl("add-dp", DP, "p1", "p2")
    yield host_pair
    vmlib.run_p([DPCTL, "del-dp", DP])
    vmlib.run_p([DPCTL, "del-dp", "dpc1"])


def _capture(ready, done, grace):
    """In a host's netns: frames carrying MARK received on eth0 until
    @grace seconds after file @done appears; touches @ready once
    listening."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(0x0003))
    s.bind(("eth0", 0))
    s.setblocking(False)
    open(ready, "w").close()
    got = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if os.path.exists(done):
            deadline = min(deadline, time.monotonic() + grace)
        if not select.select([s], [], [], 0.1)[0]:
            continue
        try:
            data, addr = s.recvfrom(65535)
        except BlockingIOError:
            continue
        if addr[2] != 4 and MARK in data:  # not PACKET_OUTGOING
            got.append(data)
    return got


def capture_while(host, action, tmp_path, grace=0.5):
    """Captures marked frames in @host while running action() and for
    @grace seconds after it."""
    ready = str(tmp_path / ("ready-" + host.ns))
    done = str(tmp_path / ("done-" + host.ns))
    for f in (ready, done):
        if os.path.exists(f):
            os.unlink(f)
    join = vmlib.in_background(host.call, _capture, ready, done, grace,
                         timeout=90)
    vmlib.wait_for(lambda: os.path.exists(ready), timeout=20,
                   what="capture socket")
    try:
        action()
    finally:
        open(done, "w").close()
        got = join()
    return got


def _send(frames):
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("eth0", 0))
    for f in frames:
        tx.send(f)
    tx.close()


# ---------------------------------------------------------------------------
# Command line

def test_dpctl_help_and_usage_errors():
    out = dpctl("--help").stdout
    for c in COMMANDS:
        assert re.search(r"^  %s\b" % c, out, re.M), (c, out)
        p = dpctl(c, "--help")
        assert p.stdout.startswith("usage: ovsdp-dpctl %s " % c), p.stdout
        assert len(p.stdout.splitlines()) >= 3, p.stdout
    p = dpctl("frobnicate", rc=2)
    assert "unknown command 'frobnicate'" in p.stderr
    p = dpctl(rc=2)
    assert "usage:" in p.stderr
    p = dpctl("del-dp", rc=2)
    assert "wrong number of arguments for del-dp" in p.stderr
    p = dpctl("dump-flows", "--bogus", rc=2)
    assert "unknown option '--bogus'" in p.stderr
    p = dpctl("add-flow", "-m", "in_port(1)", "drop", rc=2)
    assert "add-flow does not take that option" in p.stderr
    p = dpctl("execute", "1", "0011", rc=2)
    assert "wrong number of arguments for execute" in p.stderr


def test_dpctl_malformed_text_exit_2(dp):
    # The position is that of the bad token in the argument as given,
    # UFID prefix included, and a caret points at it.
    flow = "in_port(1),eth_type(0x0800),ipv4(src=10.0.0.300)"
    p = dpctl("add-flow", DP, flow, "2", rc=2)
    pos = flow.index("10.0.0.300")
    assert "malformed flow at offset %d" % pos in p.stderr, p.stderr
    assert "IPv4" in p.stderr or "ipv4" in p.stderr, p.stderr
    lines = p.stderr.splitlines()
    assert lines[1].strip() == flow and lines[2].index("^") == pos + 2, \
        p.stderr

    ufid = "ufid:00112233-4455-6677-8899-aabbccddeeff,"
    p = dpctl("add-flow", DP, ufid + "in_port(1),eth_typ(1)", "2", rc=2)
    assert "at offset %d" % (len(ufid) + len("in_port(1),")) in p.stderr, \
        p.stderr
    p = dpctl("get-flow", DP, "ufid:0011zz", rc=2)
    assert "malformed flow at offset 9" in p.stderr, p.stderr
    p = dpctl("add-flow", DP, "in_port(1)", "2,push_vlan(vid=5000)", rc=2)
    assert "malformed actions" in p.stderr, p.stderr
    p = dpctl("execute", DP, "1", "0011x2", "2", rc=2)
    assert "malformed packet at offset 4" in p.stderr, p.stderr
    p = dpctl("execute", DP, "1", "001", "2", rc=2)
    assert "odd number of hex digits" in p.stderr, p.stderr
    p = dpctl("dump-flows", DP, "filter=in_port(x)", rc=2)
    assert "malformed flow at offset 8" in p.stderr, p.stderr
    p = dpctl("add-if", DP, "p9,type=bogus", rc=2)
    assert "bad interface spec" in p.stderr
    p = dpctl("set-if", DP, "p1,upcall_pid=abc", rc=2)
    assert "bad interface spec" in p.stderr
    # Nothing reached the kernel.
    assert flows(DP) == []


def test_dpctl_nonexistent_datapath(datapath):
    cases = [("show", "nosuchdp"), ("dump-flows", "nosuchdp"),
             ("add-flow", "nosuchdp", "in_port(1),eth_type(0x0800)", "2"),
             ("get-flow", "nosuchdp", "in_port(1)"),
             ("del-flow", "nosuchdp", "in_port(1)"),
             ("del-flows", "nosuchdp"),
             ("execute", "nosuchdp", "1", "00" * 60, "drop"),
             ("add-if", "nosuchdp", "lo"), ("set-if", "nosuchdp", "lo"),
             ("del-if", "nosuchdp", "lo"), ("monitor", "nosuchdp")]
    for args in cases:
        p = dpctl(*args, rc=1)
        assert "looking up datapath nosuchdp failed (No such device)" \
            in p.stderr, (args, p.stderr)
        if datapath.ours:
            assert p.stderr.rstrip().endswith(": No such datapath"), \
                (args, p.stderr)
    p = dpctl("del-dp", "nosuchdp", rc=1)
    assert "del-dp failed (No such device)" in p.stderr, p.stderr
    # No datapath at all: the commands whose DP is optional say so.
    if not dpctl("dump-dps").stdout.strip():
        p = dpctl("dump-flows", rc=1)
        assert "no datapath exists" in p.stderr


# ---------------------------------------------------------------------------
# Datapaths and ports

def test_dpctl_datapath_and_ports(dp, datapath):
    h1, h2 = dp
    assert "system@%s" % DP in dpctl("dump-dps").stdout.splitlines()
    out = dpctl("show", "system@" + DP).stdout
    assert out.startswith("system@%s:\n" % DP), out
    assert re.search(r"^  port 0: %s \(internal\)$" % DP, out, re.M), out
    assert re.search(r"^  lookups: hit:\d+ missed:\d+ lost:\d+$", out,
                     re.M), out
    p1, p2 = port_no("p1"), port_no("p2")
    assert p1 != p2

    # -s: per-port counters move when h1 sends.
    h1.call(_send, [udp_frame()] * 3)
    out = dpctl("show", "-s", DP).stdout
    m = re.search(r"^  port %d: p1\n    RX packets:(\d+) errors:\d+ "
                  r"dropped:\d+\n    TX packets:\d+ errors:\d+ dropped:\d+\n"
                  r"    RX bytes:(\d+) TX bytes:\d+$" % p1, out, re.M)
    assert m and int(m.group(1)) >= 3 and int(m.group(2)) > 0, out
    # -m: ifindex and upcall PIDs (add-if gives 0: no upcalls).
    assert port_pids("p1") == [0]
    ifindex = int(open("/sys/class/net/p1/ifindex").read())
    assert re.search(r"^  port %d: p1\n    ifindex: %d$" % (p1, ifindex),
                     dpctl("show", "-m", DP).stdout, re.M)

    # Duplicates: the kernel refuses, with its reason.
    refused(dpctl("add-dp", DP, rc=1), "File exists",
            "Datapath already exists", datapath)
    vmlib.run(["ip", "link", "add", "dpcx", "type", "dummy"])
    try:
        refused(dpctl("add-if", DP, "dpcx,port_no=%d" % p1, rc=1),
                "Device or resource busy", "Port number already in use",
                datapath)
        dpctl("add-if", DP, "dpcx,port_no=7,type=system")
        assert port_no("dpcx") == 7
        p = dpctl("add-if", DP, "dpcx", rc=1)
        assert "adding port dpcx failed" in p.stderr, p.stderr
        dpctl("del-if", DP, "dpcx")
        assert "dpcx" not in dpctl("show", DP).stdout
        refused(dpctl("del-if", DP, "dpcx", rc=1), "No such device",
                "No such port", datapath)
    finally:
        vmlib.run_p(["ip", "link", "del", "dpcx"])

    # An internal port appears as a device; a second datapath is listed.
    dpctl("add-dp", "dpc1", "dpci,type=internal")
    assert os.path.exists("/sys/class/net/dpci")
    assert re.search(r"^  port \d+: dpci \(internal\)$",
                     dpctl("show", "dpc1").stdout, re.M)
    assert {"system@" + DP, "system@dpc1"} <= \
        set(dpctl("dump-dps").stdout.splitlines())
    shown = dpctl("show").stdout
    assert "system@%s:" % DP in shown and "system@dpc1:" in shown
    p = dpctl("dump-flows", rc=1)
    assert "several datapaths exist" in p.stderr
    dpctl("del-dp", "dpc1")
    assert not os.path.exists("/sys/class/net/dpci")
    assert "system@dpc1" not in dpctl("dump-dps").stdout


def test_dpctl_set_if(dp, datapath):
    dpctl("set-if", DP, "p1,upcall_pid=1234:5678")
    assert port_pids("p1") == [1234, 5678]
    dpctl("set-if", DP, "p1,upcall_pid=42", "p2,upcall_pid=43,type=system")
    assert port_pids("p1") == [42] and port_pids("p2") == [43]
    # What a port cannot change: the kernel says why.
    refused(dpctl("set-if", DP, "p1,type=internal", rc=1),
            "Invalid argument", "Port type cannot be changed", datapath)
    p = dpctl("set-if", DP, "p1,dst_port=4789", rc=1)
    assert "setting port p1 failed" in p.stderr, p.stderr
    if datapath.ours:
        assert "This vport type takes no options" in p.stderr, p.stderr
    refused(dpctl("set-if", DP, "nosuch,upcall_pid=1", rc=1),
            "No such device", "No such port", datapath)
    # Nothing changed by the refused requests.
    assert port_pids("p1") == [42]


# ---------------------------------------------------------------------------
# Flows

FLOW = ("in_port({p1}),eth(src=%s,dst=%s),eth_type(0x0800),"
        "ipv4(src=10.0.0.1,dst=10.0.0.0/255.255.255.0,proto=17,frag=no),"
        "udp(dst=7777)" % (MAC1, MAC2))


def arp_flow(port, src=MAC1, dst=MAC2):
    # The kernel keeps only 8 bits of the ARP opcode: "/0xff" is what a
    # dump gives back.
    return "in_port(%d),eth(src=%s,dst=%s),eth_type(0x0806),arp(op=1/0xff)" \
        % (port, src, dst)


def test_dpctl_flow_lifecycle(dp, datapath):
    p1, p2 = port_no("p1"), port_no("p2")
    flow = FLOW.format(p1=p1)
    dpctl("add-flow", DP, flow, str(p2))
    got = flows(DP)
    assert len(got) == 1, got
    assert got[0].startswith(flow + ", packets:0, bytes:0, used:never, "
                             "actions:%d" % p2), got
    refused(dpctl("add-flow", DP, flow, str(p2), rc=1), "File exists",
            "Flow already exists", datapath)

    # get-flow by the key it was added with; DP optional (the only one).
    out = dpctl("get-flow", DP, flow).stdout.splitlines()
    assert out == got, (out, got)
    assert dpctl("get-flow", flow).stdout.splitlines() == got

    dpctl("mod-flow", flow, "push_vlan(vid=10,pcp=0),%d" % p2)
    assert dpctl("get-flow", DP, flow).stdout.rstrip().endswith(
        "actions:push_vlan(vid=10,pcp=0),%d" % p2)
    refused(dpctl("mod-flow", DP, arp_flow(p1), "drop", rc=1),
            "No such file or directory",
            "", datapath)

    dpctl("del-flow", DP, flow)
    assert flows(DP) == []
    refused(dpctl("get-flow", DP, flow, rc=1), "No such file or directory",
            "", datapath)
    refused(dpctl("del-flow", DP, flow, rc=1), "No such file or directory",
            "", datapath)

    for port in (p1, p2):
        dpctl("add-flow", DP, arp_flow(port), "drop")
    assert len(flows(DP)) == 2
    dpctl("del-flows", DP)
    assert flows(DP) == []


def test_dpctl_kernel_rejects_bad_mask(dp, datapath):
    p1 = port_no("p1")
    # A VLAN match that does not pin down whether there is a tag at all.
    p = dpctl("add-flow", DP, "in_port(%d),eth(src=%s,dst=%s),"
              "eth_type(0x8100),vlan(vid=5,pcp=0,cfi=1/0),"
              "encap(eth_type(0x0800),ipv4(frag=no))" % (p1, MAC1, MAC2), "drop", rc=1)
    refused(p, "add-flow failed (Invalid argument)",
            "VLAN TCI mask must include the CFI bit", datapath)
    # L4 ports without the IP protocol that gives them meaning.
    p = dpctl("add-flow", DP, "in_port(%d),eth(src=%s,dst=%s),"
              "eth_type(0x0800),ipv4(src=10.0.0.1,proto=6/0xf0),"
              "tcp(dst=80)" % (p1, MAC1, MAC2), "drop", rc=1)
    refused(p, "add-flow failed (Invalid argument)", "", datapath)
    assert flows(DP) == []


def test_dpctl_ufid_and_full_masks(dp):
    p1, p2 = port_no("p1"), port_no("p2")
    flow = FLOW.format(p1=p1)
    ufid = "00112233-4455-6677-8899-aabbccddeeff"
    dpctl("add-flow", DP, "ufid:%s,%s" % (ufid, flow), str(p2))

    plain = flows(DP)
    assert len(plain) == 1 and "ufid" not in plain[0], plain
    more = flows("-m", DP)
    assert len(more) == 1, more
    # Options go before the command too, long forms as well.
    assert dpctl("--more", "dump-flows", DP).stdout.splitlines() == more
    line = more[0]
    assert line.startswith("ufid:%s, " % ufid), line
    # Every field with its mask, wildcarded ones as /0.
    assert "in_port(%d/0xffffffff)" % p1 in line, line
    assert "eth(src=%s/ff:ff:ff:ff:ff:ff,dst=%s/ff:ff:ff:ff:ff:ff)" % (
        MAC1, MAC2) in line, line
    assert "eth_type(0x0800/0xffff)" in line, line
    assert re.search(r"ipv4\(src=10\.0\.0\.1/255\.255\.255\.255,"
                     r"dst=10\.0\.0\.\d+/255\.255\.255\.0,proto=17/0xff,"
                     r"tos=0/0,ttl=0/0,frag=no/0xff\)", line), line
    assert "udp(src=0/0,dst=7777/0xffff)" in line, line
    assert line.endswith("actions:%d" % p2), line
    # The plain view leaves out what is wildcarded.
    assert "/0," not in plain[0] and "/0)" not in plain[0], plain
    assert "dst=10.0.0.0/255.255.255.0" in plain[0], plain

    # get-flow and del-flow by UFID, dashes optional.
    out = dpctl("get-flow", "-m", DP, "ufid:" + ufid).stdout.splitlines()
    assert out == more, (out, more)
    out = dpctl("get-flow", DP, "ufid:" + ufid.replace("-", "")).stdout
    assert out.splitlines() == plain
    dpctl("del-flow", DP, "ufid:" + ufid)
    assert flows(DP) == []
    p = dpctl("get-flow", DP, "ufid:" + ufid, rc=1)
    assert "No such file or directory" in p.stderr


def test_dpctl_dump_filters(dp):
    p1, p2 = port_no("p1"), port_no("p2")
    base = "eth(src=%s,dst=%s),eth_type(0x0800)," % (MAC1, MAC2)
    added = {
        "a": "in_port(%d),%sipv4(src=10.0.0.1,proto=6,frag=no),"
            "tcp(dst=22),tcp_flags(0/0)" % (p1, base),
        "b": "in_port(%d),%sipv4(src=10.0.0.2,proto=17,frag=no),"
            "udp(dst=53)" % (p1, base),
        "c": "in_port(%d),%sipv4(src=10.0.0.0/255.255.255.0)" % (p2, base),
        "d": "in_port(%d),%sipv4(src=10.1.0.0/255.255.0.0)" % (p2, base),
        "e": arp_flow(p2, MAC2, MAC1),
        # On p1: on p2, c would already match its key (EEXIST).
        "f": "in_port(%d),%sipv4(src=10.0.0.0/255.255.0.0)" % (p1, base),
    }
    for name, flow in added.items():
        dpctl("add-flow", DP, "ufid:%032x,%s" % (ord(name), flow), "drop")

    def selected(*args):
        got = set()
        for line in flows("-m", *args):
            m = re.match(r"ufid:([0-9a-f-]+), ", line)
            assert m, line
            got.add(chr(int(m.group(1).replace("-", ""), 16)))
        return got

    assert selected(DP) == set("abcdef")
    assert selected(DP, "in_port(%d)" % p1) == set("abf")
    assert selected("filter=in_port(%d)" % p2) == set("cde")
    assert selected(DP, "eth_type(0x0806)") == {"e"}
    assert selected(DP, "eth_type(0x0800)") == set("abcdf")
    assert selected(DP, "eth(src=%s)" % MAC2) == {"e"}
    # The flow must match on at least the filter's bits: /24 and /32
    # flows inside 10.0.0.0/24 qualify, the /16 flows do not, not even
    # 10.0.0.0/16 whose (masked) value agrees.
    assert selected(DP, "ipv4(src=10.0.0.0/255.255.255.0)") == set("abc")
    assert selected(DP, "ipv4(src=10.0.0.0/255.255.0.0)") == set("abcf")
    assert selected(DP, "ipv4(src=10.0.0.1)") == {"a"}
    assert selected(DP, "ipv4(src=10.1.0.0/255.255.0.0)") == {"d"}
    assert selected(DP, "ipv4(proto=17)") == {"b"}
    assert selected(DP, "ipv4(proto=0)") == set()
    assert selected(DP, "in_port(%d),eth_type(0x0800)" % p2) == set("cd")
    assert selected(DP, "ufid:%032x" % ord("c")) == {"c"}
    assert selected(DP, "tcp(dst=22)") == {"a"}
    assert selected(DP, "tcp(dst=80)") == set()
    # Filters apply to the plain view too.
    assert len(flows(DP, "eth_type(0x0806)")) == 1


# ---------------------------------------------------------------------------
# execute

def test_dpctl_execute_emits_packet(dp, tmp_path, datapath):
    h1, h2 = dp
    p1, p2 = port_no("p1"), port_no("p2")
    frame = udp_frame()

    def run(*args):
        return capture_while(h2, lambda: dpctl("execute", *args), tmp_path)

    got = run(DP, p1, frame.hex(), str(p2))
    assert got == [frame], got
    # Port by name, DP implied, hex with separators.
    spaced = " ".join(frame[i:i + 4].hex() for i in range(0, len(frame), 4))
    assert run("p1", spaced, "%d,%d" % (p2, p2)) == [frame, frame]
    # Metadata from a flow key, and an action that edits the frame.
    got = run(DP, "in_port(%d),skb_mark(0x5)" % p1, frame.hex(),
              "set(eth(src=02:00:00:00:09:09,dst=%s)),%d" % (MAC2, p2))
    assert got == [frame[:6] + bytes.fromhex("020000000909") + frame[12:]], \
        got
    # drop: nothing comes out.
    assert run(DP, p1, frame.hex(), "drop") == []

    # The kernel refuses a frame shorter than an Ethernet header (the
    # in-tree module by attribute policy: ERANGE).
    p = dpctl("execute", DP, p1, "0011", str(p2), rc=1)
    assert "execute failed (" in p.stderr, p.stderr
    if datapath.ours:
        assert "execute failed (Invalid argument)" in p.stderr, p.stderr
    p = dpctl("execute", DP, "nosuchport", frame.hex(), "drop", rc=1)
    assert "looking up port nosuchport failed" in p.stderr, p.stderr


# ---------------------------------------------------------------------------
# monitor

class Monitor:
    """ovsdp-dpctl monitor in the background, output in files."""

    def __init__(self, tmp_path, *args):
        self.out = str(tmp_path / "monitor.out")
        self.err = str(tmp_path / "monitor.err")
        with open(self.out, "w") as o, open(self.err, "w") as e:
            self.proc = subprocess.Popen([DPCTL, "monitor"] + list(args),
                                         stdout=o, stderr=e,
                                         stdin=subprocess.DEVNULL)
        vmlib.wait_for(lambda: "monitoring" in self.stderr() or
                       self.proc.poll() is not None, timeout=30,
                       what="monitor start")
        assert self.proc.poll() is None, self.stderr()
        m = re.search(r"netlink pid (\d+)", self.stderr())
        assert m, self.stderr()
        self.pid = int(m.group(1))

    def stderr(self):
        with open(self.err) as fh:
            return fh.read()

    def lines(self):
        with open(self.out) as fh:
            return fh.read().splitlines()

    def wait_line(self, regex, timeout=10):
        return vmlib.wait_for(
            lambda: [x for x in self.lines() if re.search(regex, x)],
            timeout=timeout, what="monitor line /%s/ in:\n%s" % (
                regex, "\n".join(self.lines())))

    def stop(self, sig=signal.SIGINT):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        return rc


@pytest.fixture
def monitor(tmp_path):
    made = []

    def start(*args):
        m = Monitor(tmp_path, *args)
        made.append(m)
        return m
    yield start
    for m in made:
        m.stop(signal.SIGKILL)


def test_dpctl_monitor_notifications(dp, monitor):
    h1, h2 = dp
    dpctl("del-if", DP, "p2")
    mon = monitor(DP)
    dpctl("add-if", DP, "p2")
    p1, p2 = port_no("p1"), port_no("p2")
    flow = FLOW.format(p1=p1)
    ufid = "0f0e0d0c-0b0a-0908-0706-050403020100"
    dpctl("add-flow", DP, "ufid:%s,%s" % (ufid, flow), str(p2))
    dpctl("mod-flow", DP, "ufid:%s,%s" % (ufid, flow), "drop")
    dpctl("del-flow", DP, "ufid:" + ufid)
    dpctl("add-flow", DP, arp_flow(p1), "drop")
    # Another datapath's events are not shown when DP is named.
    dpctl("add-dp", "dpc1")
    dpctl("del-dp", "dpc1")
    dpctl("del-if", DP, "p2")
    mon.wait_line(r"^vport del ")
    assert mon.stop(signal.SIGINT) == 0, mon.stderr()

    lines = mon.lines()
    want = [
        r"^vport new %s port=%d name=p2 type=system upcall_pids=0$" % (DP, p2),
        r"^flow new %s ufid:%s, %s, packets:0, bytes:0, used:never, "
        r"actions:%d$" % (DP, ufid, re.escape(flow), p2),
        r"^flow set %s ufid:%s, .*actions:drop$" % (DP, ufid),
        r"^flow del %s ufid:%s, .*packets:0, bytes:0, used:never, "
        r"actions:drop$" % (DP, ufid),
        r"^flow new %s %s, .*actions:drop$" % (DP, re.escape(arp_flow(p1))),
        r"^vport del %s port=%d name=p2 type=system " % (DP, p2),
    ]
    # In this order, one line each, and nothing else.
    assert len(lines) == len(want), "\n".join(lines)
    for regex, line in zip(want, lines):
        assert re.search(regex, line), (regex, line)
    assert "dpc1" not in "\n".join(lines)


def test_dpctl_monitor_all_datapaths_sigterm(dp, monitor):
    mon = monitor()
    assert "all datapaths" in mon.stderr()
    dpctl("add-dp", "dpc1", "dpci,type=internal")
    dpctl("set-if", DP, "p1,upcall_pid=77")
    dpctl("del-dp", "dpc1")
    mon.wait_line(r"^datapath del dpc1 ")
    assert mon.stop(signal.SIGTERM) == 0, mon.stderr()
    lines = mon.lines()
    want = [r"^datapath new dpc1 dp_ifindex=\d+ features=0x[0-9a-f]+$",
            r"^vport new dpc1 port=1 name=dpci type=internal upcall_pids=0$",
            r"^vport set %s port=%d name=p1 type=system upcall_pids=77$" % (
                DP, port_no("p1")),
            r"^datapath del dpc1 dp_ifindex=\d+"]
    assert len(lines) == len(want), lines
    for regex, line in zip(want, lines):
        assert re.search(regex, line), (regex, line)


def test_dpctl_monitor_upcalls(dp, monitor, tmp_path):
    h1, h2 = dp
    p1 = port_no("p1")
    dpctl("set-if", DP, "p1,upcall_pid=4242")
    dpctl("del-if", DP, "p2")
    mon = monitor("--upcalls", DP)
    assert "upcalls redirected here" in mon.stderr()
    # Every port now sends its upcalls to the monitor, new ones too.
    assert port_pids("p1") == [mon.pid]
    dpctl("add-if", DP, "p2")
    vmlib.wait_for(lambda: port_pids("p2") == [mon.pid], timeout=10,
                   what="p2 redirected")
    p2 = port_no("p2")

    frame = udp_frame()
    h1.call(_send, [frame])
    lines = mon.wait_line(r"^upcall miss %s port=%d " % (DP, p1))
    m = re.match(r"^upcall miss %s port=%d len=(\d+) key=(\S+) "
                 r"packet=([0-9a-f]+)$" % (DP, p1), lines[0])
    assert m, lines
    assert int(m.group(1)) == len(frame) and \
        bytes.fromhex(m.group(3)) == frame, lines
    assert "in_port(%d)" % p1 in m.group(2) and \
        "eth_type(0x0800)" in m.group(2) and "udp(src=4000,dst=7777)" in \
        m.group(2), m.group(2)

    # A userspace() action reaches the monitor as an action upcall.
    dpctl("execute", DP, p2, frame.hex(),
          "userspace(pid=%d,userdata(0badcafe))" % mon.pid)
    lines = mon.wait_line(r"^upcall action ")
    assert re.match(r"^upcall action %s port=%d len=%d userdata=0badcafe "
                    r"key=\S+ packet=%s$" % (DP, p2, len(frame), frame.hex()),
                    lines[0]), lines

    assert mon.stop(signal.SIGINT) == 0, mon.stderr()
    # Exit gives the ports their PIDs back.
    assert port_pids("p1") == [4242]
    assert port_pids("p2") == [0]


def test_dpctl_monitor_without_upcalls_leaves_pids(dp, monitor):
    h1, h2 = dp
    dpctl("set-if", DP, "p1,upcall_pid=4242")
    mon = monitor(DP)
    assert port_pids("p1") == [4242]
    h1.call(_send, [udp_frame()])
    time.sleep(0.5)
    assert mon.stop() == 0
    assert not [x for x in mon.lines() if x.startswith("upcall")], \
        mon.lines()


def test_dpctl_monitor_stops_when_reader_goes(dp, tmp_path):
    """`monitor --upcalls | head -n 1`: once head is gone, the next event
    ends the monitor cleanly, PIDs given back."""
    dpctl("set-if", DP, "p1,upcall_pid=4242")
    with open(str(tmp_path / "err"), "w") as errf:
        mon = subprocess.Popen([DPCTL, "monitor", "--upcalls", DP],
                               stdout=subprocess.PIPE, stderr=errf,
                               stdin=subprocess.DEVNULL)
    head = subprocess.Popen(["head", "-n", "1"], stdin=mon.stdout,
                            stdout=subprocess.PIPE, text=True)
    mon.stdout.close()  # head holds the only reading end
    try:
        vmlib.wait_for(lambda: "monitoring" in
                       open(str(tmp_path / "err")).read(), timeout=30,
                       what="monitor start")
        # The first line is the monitor's own take-over of a port. (Asking
        # `show` here would race: with two ports, the second take-over
        # line may already have met the closed pipe and ended the monitor.)
        out = head.stdout.read()
        assert head.wait(timeout=20) == 0
        m = re.match(r"^vport set %s .*upcall_pids=(\S+)$" % DP, out.strip())
        assert m, out
        nlpid = re.search(r"netlink pid (\d+)",
                          open(str(tmp_path / "err")).read()).group(1)
        assert m.group(1) == nlpid, out
        # head has exited; the monitor finds out on its next line at the
        # latest (another port's take-over line may have done it already).
        dpctl("add-flow", DP, arp_flow(port_no("p1")), "drop")
        assert mon.wait(timeout=20) == 0
        assert port_pids("p1") == [4242]
    finally:
        for p in (mon, head):
            if p.poll() is None:
                p.kill()
                p.wait()


def test_dpctl_monitor_upcalls_per_cpu(host_pair, monitor):
    """A datapath in per-CPU dispatch mode: the monitor borrows the
    per-CPU PIDs (the ports' are not used in that mode) and returns them."""
    h1, h2 = host_pair
    ncpu = os.cpu_count()
    vmlib.run_p([DPCTL, "del-dp", "dpc1"])
    with ovsnl.Ovs() as o:
        o.dp_new("dpc1", features=ovsnl.OVS["OVS_DP_F_DISPATCH_UPCALL_PER_CPU"]
                 | ovsnl.OVS["OVS_DP_F_UNALIGNED"],
                 extra=[ovsnl.attr(ovsnl.OVS["OVS_DP_ATTR_PER_CPU_PIDS"],
                                   struct.pack("%dI" % ncpu,
                                               *[4242] * ncpu))])
    try:
        dpctl("add-if", "dpc1", "p1")

        def cpu_pids():
            out = dpctl("show", "-m", "dpc1").stdout
            m = re.search(r"^  per_cpu_pids: (\S+)$", out, re.M)
            assert m, out
            return [int(x) for x in m.group(1).split(",")]
        assert cpu_pids()[:ncpu] == [4242] * ncpu
        mon = monitor("--upcalls", "dpc1")
        assert set(cpu_pids()) == {mon.pid}
        h1.call(_send, [udp_frame()])
        mon.wait_line(r"^upcall miss dpc1 port=%d len=%d " % (
            port_no("p1", "dpc1"), len(udp_frame())))
        assert mon.stop() == 0, mon.stderr()
        assert cpu_pids()[:ncpu] == [4242] * ncpu
    finally:
        vmlib.run_p([DPCTL, "del-dp", "dpc1"])


def test_dpctl_documented_examples(dp):
    """The examples of the man page and README work as written."""
    p1, p2 = port_no("p1"), port_no("p2")
    dpctl("add-flow", DP, "in_port(%d),eth(),eth_type(0x0806),arp()" % p1,
          str(p2))
    dpctl("add-flow", DP, "ufid:0123456789abcdef0123456789abcdef,"
          "in_port(%d),eth(),eth_type(0x0806),arp()" % p2, str(p1))
    got = flows("-m", DP, "in_port(%d)" % p2)
    assert len(got) == 1 and got[0].startswith(
        "ufid:01234567-89ab-cdef-0123-456789abcdef, "), got
    assert dpctl("get-flow", "-m", DP, "ufid:01234567-89ab-cdef-0123-"
                 "456789abcdef").stdout.splitlines() == got
    # The -m text goes back into add-flow as it is.
    key = got[0].split(", ", 1)[1].split(", packets:")[0]
    dpctl("del-flow", DP, "ufid:0123456789abcdef0123456789abcdef")
    dpctl("add-flow", DP, key, str(p1))
    assert flows("-m", DP, "in_port(%d)" % p2)[0].startswith(key + ", ")


SWITCHD = os.path.join(vmlib.REPO, "tools", "ovsdp-switchd")


@pytest.mark.dataplane
def test_dpctl_monitor_borrows_upcalls_from_switchd(host_pair, make_host,
                                                    monitor, tmp_path):
    """--upcalls takes a running daemon's upcalls only while it runs; a
    plain monitor leaves the daemon alone."""
    h1, h2 = host_pair
    h3 = make_host("h3", "10.0.0.3", "p3")
    vmlib.run_p([DPCTL, "del-dp", DP])
    pidfile = str(tmp_path / "switchd.pid")
    vmlib.run([SWITCHD, "--dp", DP, "--create", "--port", "p1", "--port",
               "p2", "--port", "p3", "--detach", "--pidfile", pidfile,
               "--ctl", str(tmp_path / "switchd.ctl"), "--log-file",
               str(tmp_path / "switchd.log"), "--cleanup"], timeout=60)
    with open(pidfile) as fh:
        pid = int(fh.read())
    try:
        names = ("p1", "p2", "p3")
        daemon_pids = {n: port_pids(n) for n in names}
        assert all(p != [0] for p in daemon_pids.values()), daemon_pids

        # Listening only: the daemon serves the misses and installs flows,
        # which the monitor reports.
        mon = monitor(DP)
        assert h1.ping(h2, count=3) == 3
        mon.wait_line(r"^flow new %s ufid:" % DP)
        assert mon.stop() == 0
        assert not [x for x in mon.lines() if x.startswith("upcall")]
        assert {n: port_pids(n) for n in names} == daemon_pids

        # Borrowing: h3's first packets reach the monitor, not the daemon.
        mon = monitor("--upcalls", DP)
        assert h3.ping(h1, count=2, timeout=1.0) == 0
        mon.wait_line(r"^upcall miss %s port=%d .*packet=" % (
            DP, port_no("p3")))
        assert mon.stop() == 0
        assert {n: port_pids(n) for n in names} == daemon_pids
        # Given back: the daemon learns h3 now.
        assert h3.ping(h1, count=3) == 3
    finally:
        os.kill(pid, signal.SIGTERM)
        vmlib.wait_for(lambda: not os.path.exists(pidfile), timeout=20,
                       what="switchd exit")
        vmlib.run_p([DPCTL, "del-dp", DP])
