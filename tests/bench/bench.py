#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The datapath benchmark: runs inside one VM boot (`make bench`).

The upstream module and ours take turns (rmmod, then modprobe or insmod:
their generic netlink families share names, so they never coexist), and
the order alternates from one repetition to the next so that drift in the
emulated machine's speed does not favour either.  Every measurement is
written to results.json in $OVSDP_VM_OUT; tests/bench/report.py turns that
into the table and the chart on the host.

Topology (root namespace = the switch):

    gen: g0 10.1.0.1 --- g1 [port 1]   switch   [port 2] s1 --- s0 :sink
    gen: d0 ------------------------------------------------- d1 :sink
    bh:  h0 10.1.1.1 --- h1 [port 3]                  (workload 5 only)

pktgen in `gen` sends 60-byte (64 with FCS) UDP frames into g0; what the
switch forwards is counted as s1's tx_packets, i.e. frames that entered
s0's receive path, where a tc ingress filter drops them.  The ceiling sends the same frames over d0-d1 instead;
the Linux bridge reference bridges g1 and s1.
"""

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "vm"))
import ovsnl  # noqa: E402
import vmlib  # noqa: E402

KO = os.path.join(REPO, "openvswitch.ko")
OVSBENCH = os.path.join(HERE, "ovsbench")
SWITCHD = os.path.join(REPO, "tools", "ovsdp-switchd")
OVS = ovsnl.OVS
DP = "bench"
PG = "/proc/net/pktgen"


def log(msg):
    print("bench: %s" % msg, flush=True)


def read(path):
    with open(path) as fh:
        return fh.read()


def write(path, text):
    with open(path, "w") as fh:
        fh.write(text)


# ---- the modules ----

def module_loaded():
    return os.path.isdir("/sys/module/openvswitch")


def unload():
    if not module_loaded():
        return
    with ovsnl.Ovs() as o:
        for m in o.dp_dump():
            o.dp_del(m.str(OVS["OVS_DP_ATTR_NAME"]))
    vmlib.run(["rmmod", "openvswitch"])


def load(which):
    unload()
    if which == "upstream":
        vmlib.run(["modprobe", "openvswitch"])
    else:
        deps = vmlib.run(["modinfo", "-F", "depends", KO]).strip()
        for dep in filter(None, deps.split(",")):
            vmlib.run(["modprobe", dep])
        vmlib.run(["insmod", KO])
    # Our module reports its version; upstream's has none.
    ours = os.path.exists("/sys/module/openvswitch/version")
    if ours != (which == "ours"):
        raise RuntimeError("wanted the %s module, got the other" % which)


# ---- the network ----

class Net:
    def __init__(self):
        self.gen = vmlib.Host("gen", "10.1.0.1", "g1", prefix=16,
                              ifname="g0").create()
        self.sink = vmlib.Host("sink", None, "s1", ifname="s0").create()
        self.bh = vmlib.Host("bh", "10.1.1.1", "h1", prefix=8,
                             ifname="h0").create()
        vmlib.ip_batch(["link add d0 netns gen type veth peer name d1 "
                        "netns sink"])
        self.gen.call(_sysctl, "/proc/sys/net/ipv6/conf/d0/disable_ipv6", 1)
        self.sink.call(_sysctl, "/proc/sys/net/ipv6/conf/d1/disable_ipv6", 1)
        vmlib.ip_batch(["link set d0 up"], ns="gen")
        vmlib.ip_batch(["link set d1 up"], ns="sink")
        self.d1_mac = self.sink.call(read, "/sys/class/net/d1/address").strip()
        # The sink throws frames away as they arrive (tc ingress, before
        # netfilter and routing): what the sink's own stack would spend on
        # them is no part of a switch's cost.  Upstream's module turns
        # conntrack on in every namespace (its ct_limit support), and the
        # sink's conntrack would otherwise be charged to upstream.
        for dev in ("s0", "d1"):
            self.sink.run(["tc", "qdisc", "add", "dev", dev, "clsact"])
            self.sink.run(["tc", "filter", "add", "dev", dev, "ingress",
                           "matchall", "action", "drop"])
        # pktgen's thread runs on CPU 0, and a veth delivers on the sending
        # CPU: left alone, generator and switch share one CPU and the
        # scheduler's split between pktgen and ksoftirqd decides the rate.
        # RPS moves what enters g1 (and d1, for the ceiling) to the last
        # CPU, so the switch has a CPU of its own and the rate is its own.
        if os.cpu_count() > 1:
            mask = "%x" % (1 << (os.cpu_count() - 1))
            write("/sys/class/net/g1/queues/rx-0/rps_cpus", mask)
            self.sink.call(write, "/sys/class/net/d1/queues/rx-0/rps_cpus",
                           mask)
        # The installers (our listener and daemon) run off that CPU.  Left
        # to the scheduler, a listener that lands on the switch's CPU gets
        # what softirq leaves it, and that depends on the module's cost per
        # packet in ways a real deployment would not choose: measured in
        # workload 5 on ours, 0.47x of upstream's flows/s unpinned, 0.97x
        # pinned (with upstream itself about the same either way).
        # B's new connections go straight to the sink's MAC.
        vmlib.ip_batch(["neigh add 10.2.0.1 lladdr %s dev h0" %
                        self.sink.mac], ns="bh")

    def counter(self, where):
        """Frames delivered to the far end so far."""
        if where == "direct":
            return int(self.gen.call(read,
                                     "/sys/class/net/d0/statistics/"
                                     "tx_packets"))
        return int(read("/sys/class/net/s1/statistics/tx_packets"))


def _sysctl(path, value):
    write(path, str(value))


# ---- pktgen ----

TRAFFIC = {
    # Fixed 5-tuple: every packet hits one flow, the mask cache stays hot.
    "fixed": [],
    # Random UDP source port: same flows, but a new skb hash per packet.
    "rand_sport": ["udp_src_min 1024", "udp_src_max 65535",
                   "flag UDPSRC_RND"],
    # NIPS destinations x NPORTS ports, uniformly: the spread workload
    # (filled in by main() from the command line).
    "spread": [],
    # Workload 2's flows all at once: random source port (a cold mask
    # cache) and a random destination port over 0..flows-1, each port one
    # flow of one mask (filled in by main() from --flows).
    "mask_spread": [],
    # A new 5-tuple and source MAC for nearly every packet: every packet
    # a miss, also for learning switches whose flows match on MACs.
    "miss": ["src_min 10.1.0.0", "src_max 10.1.255.255", "flag IPSRC_RND",
             "udp_src_min 1024", "udp_src_max 65535", "flag UDPSRC_RND",
             "src_mac_count 65536", "flag MACSRC_RND"],
}


def _pg(path, cmd):
    # pgctrl drops the last byte of a write as its newline.
    write(PG + "/" + path, cmd + "\n")


def _pktgen_setup(dev, dst_mac, kind):
    _pg("kpktgend_0", "rem_device_all")
    _pg("kpktgend_0", "add_device %s" % dev)
    cmds = ["count 0", "clone_skb 0", "pkt_size 60", "delay 0",
            "dst_mac %s" % dst_mac, "dst 10.2.0.1",
            "src_min 10.1.0.1", "src_max 10.1.0.1",
            "udp_src_min 1024", "udp_src_max 1024",
            "udp_dst_min 9", "udp_dst_max 9"] + TRAFFIC[kind]
    for c in cmds:
        _pg(dev, c)


def _pktgen_start():
    # Blocks until another process writes "stop".
    _pg("pgctrl", "start")


def _pktgen_stop():
    _pg("pgctrl", "stop")


def generator_priority(nice):
    """pktgen's thread spins on CPU 0, where the installers of workloads 4
    and 5 run too.  At equal priority the scheduler gives each half of that
    CPU, and a flow-setup rate measured so is the scheduler's split, not
    the installer's and the datapath's pace: workload 4 lowers the
    generator to nice 19, so it sends with what the installer leaves, as a
    traffic source on another host would.  Workload 5 needs a flood that
    outruns the reader, and keeps it at 0."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            comm = read("/proc/%s/comm" % pid).strip()
        except OSError:
            continue
        if comm.startswith("kpktgend_"):	# one set per network namespace
            os.setpriority(os.PRIO_PROCESS, int(pid), nice)


class Pktgen:
    def __init__(self, net, dev, dst_mac, kind, nice=0):
        self.net = net
        generator_priority(nice)
        net.gen.call(_pktgen_setup, dev, dst_mac, kind)
        self.thread = threading.Thread(target=net.gen.call,
                                       args=(_pktgen_start,),
                                       kwargs={"timeout": 600})

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.net.gen.call(_pktgen_stop)
        self.thread.join(60)


# ---- datapath helpers ----

def switch_cpu_times():
    """(busy, total) ticks of the CPU the switch's packets are steered to
    (the last one), from /proc/stat."""
    name = "cpu%d" % ((os.cpu_count() or 1) - 1)
    with open("/proc/stat") as fh:
        for line in fh:
            f = line.split()
            if f[0] == name:
                t = [int(x) for x in f[1:9]]
                return sum(t) - t[3] - t[4], sum(t)
    raise RuntimeError("no %s in /proc/stat" % name)


def busy_share(u0, u1):
    """The share of the switch's CPU in use between two
    switch_cpu_times() readings (0 if no tick passed)."""
    return (u1[0] - u0[0]) / (u1[1] - u0[1]) if u1[1] > u0[1] else 0.0


def backlog_drops():
    """Frames dropped so far because a CPU's input backlog was full, on
    every CPU (/proc/net/softnet_stat, second column)."""
    with open("/proc/net/softnet_stat") as fh:
        return sum(int(line.split()[1], 16) for line in fh)


def proc_cpu_seconds(pid, which=(11, 12)):
    """CPU time of a process so far, in seconds: user plus system, or the
    fields @which of /proc/PID/stat after the command (11 user, 12
    system)."""
    with open("/proc/%d/stat" % pid) as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in which) / os.sysconf("SC_CLK_TCK")


def off_switch_cpu():
    """A command prefix that keeps a process off the CPU the switch's
    packets are steered to (see Net: RPS to the last CPU)."""
    n = os.cpu_count()
    if n is None or n < 2:
        return []
    return ["taskset", "-c", "0-%d" % (n - 2)]


def dp_stats(dp=DP):
    with ovsnl.Ovs() as o:
        m = o.dp_get(dp)
    hit, missed, lost, flows = struct_unpack("QQQQ",
                                             m.attrs[OVS["OVS_DP_ATTR_STATS"]])
    mf = m.attrs[OVS["OVS_DP_ATTR_MEGAFLOW_STATS"]]
    mask_hit, masks = struct_unpack("QI", mf[:12])
    cache_hit = struct_unpack("Q", mf[16:24])[0]
    return {"hit": hit, "missed": missed, "lost": lost, "flows": flows,
            "mask_hit": mask_hit, "masks": masks, "cache_hit": cache_hit}


def struct_unpack(fmt, data):
    import struct
    return struct.unpack_from("=" + fmt, data)


def make_dp(ports):
    """Ports are numbered 1, 2, ... in order.  Nothing listens: a miss is
    dropped and counted until a workload sets its own upcall PIDs."""
    with ovsnl.Ovs() as o:
        dpi = o.dp_new(DP).dp_ifindex
        for i, name in enumerate(ports, 1):
            o.port_new(dpi, name, OVS["OVS_VPORT_TYPE_NETDEV"], port_no=i)


def del_dp(name):
    with ovsnl.Ovs() as o:
        o.dp_del(name)


def flush():
    with ovsnl.Ovs() as o:
        dpi = o.dp_get(DP).dp_ifindex
        o.flow.request(OVS["OVS_FLOW_CMD_DEL"], dp_ifindex=dpi, echo=False)


def ovsbench(*args, timeout=600):
    out = vmlib.run([OVSBENCH] + [str(a) for a in args], timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


# ---- measuring ----

class Bench:
    def __init__(self, args, net):
        self.args = args
        self.net = net
        self.results = []

    def record(self, **kw):
        self.results.append(kw)
        log(" ".join("%s=%s" % (k, round(v, 3) if isinstance(v, float)
                                else v) for k, v in kw.items()))

    def window(self, tag):
        """Waits out one measured window; with --perf, profiles the whole
        VM meanwhile and keeps the top kernel symbols as perf-TAG.txt.
        In this VM, sampling upsets w4: its listener got 0.06-0.24 of a
        CPU instead of 0.7, at 4 kHz as at 100 Hz, and sampling only the
        listener (-p) records nothing.  The listener measures its own
        split (reading / installing) instead."""
        if not self.args.perf:
            time.sleep(self.args.duration)
            return
        data = "/tmp/perf.data"
        subprocess.run(["perf", "record", "-q", "-a", "-e", "cpu-clock",
                        "-o", data, "--", "sleep", str(self.args.duration)],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio",
                              "--sort", "comm,dso,sym", "--percent-limit",
                              "0.2"],
                             capture_output=True, text=True).stdout
        name = "perf-%s.txt" % "-".join(str(x) for x in tag).replace(" ", "_")
        with open(os.path.join(os.path.dirname(self.args.out), name),
                  "w") as fh:
            fh.write(rep)

    def traffic(self, where, kind, warm=None, tag=None):
        """Frames per second delivered over a measured window."""
        warm = self.args.warm if warm is None else warm
        dev, mac = ("d0", self.net.d1_mac) if where == "direct" else \
            ("g0", self.net.sink.mac)
        with Pktgen(self.net, dev, mac, kind):
            time.sleep(warm)
            s0 = dp_stats() if where == "dp" else None
            c0, t0 = self.net.counter(where), time.monotonic()
            u0 = switch_cpu_times()
            self.window(tag or (where, kind))
            u1 = switch_cpu_times()
            c1, t1 = self.net.counter(where), time.monotonic()
            s1 = dp_stats() if where == "dp" else None
        res = {"pps": (c1 - c0) / (t1 - t0)}
        # What each delivered frame cost the switch's CPU.  When that CPU
        # is not saturated (the generator's CPU can be the limit) pkt/s
        # says little, and this still compares the two modules.
        if u1[1] > u0[1] and c1 > c0:
            busy = busy_share(u0, u1)
            res["switch_cpu_busy"] = busy
            res["ns_per_pkt"] = busy * (t1 - t0) * 1e9 / (c1 - c0)
        if s0:
            pk = (s1["hit"] - s0["hit"]) + (s1["missed"] - s0["missed"])
            res["mask_hit_per_pkt"] = ((s1["mask_hit"] - s0["mask_hit"]) /
                                       pk if pk else 0.0)
            res["cache_hit_ratio"] = ((s1["cache_hit"] - s0["cache_hit"]) /
                                      pk if pk else 0.0)
            res["missed"] = s1["missed"] - s0["missed"]
            res["masks"] = s1["masks"]
        return res

    # -- workloads --

    def reference(self, rep):
        r = self.traffic("direct", "fixed")
        self.record(workload="ceiling", config="veth pair", module="-",
                    rep=rep, **r)
        vmlib.ip_batch(["link add br0 type bridge", "link set g1 master br0",
                        "link set s1 master br0", "link set br0 up"])
        try:
            r = self.traffic("bridge", "fixed")
        finally:
            vmlib.ip_batch(["link del br0"])
        self.record(workload="ceiling", config="linux bridge", module="-",
                    rep=rep, **r)

    def w1_one_flow(self, mod, rep):
        flush()
        ovsbench("exact", DP, 1, 2, self.net.gen.mac, self.net.sink.mac)
        r = self.traffic("dp", "fixed", tag=("w1", mod, rep))
        self.record(workload="w1", config="1 exact flow", module=mod,
                    rep=rep, **r)

    def w2_masks(self, mod, rep):
        for n in self.args.masks:
            flush()
            ovsbench("masks", DP, 1, 2, n, self.args.flows)
            # First, traffic moves to the mask just added, last in the
            # probe order, cache cold: how soon does the datapath put that
            # mask first?  Then the steady state, hot and cold, after a
            # warm-up long enough for the periodic re-order (every 4 s on
            # both modules).  Last, traffic spread over every mask's flows
            # with the cache cold: no order of the masks helps there, and
            # upstream probes about N/2 masks per packet.
            for kind, label, warm in (
                    ("rand_sport", "just added", 0.2),
                    ("fixed", "hot", self.args.warm_masks),
                    ("rand_sport", "cold", self.args.warm_masks),
                    ("mask_spread", "spread", self.args.warm_masks)):
                r = self.traffic("dp", kind, warm=warm,
                                 tag=("w2", n, label, mod, rep))
                self.record(workload="w2", config="%d masks %s" % (n, label),
                            module=mod, rep=rep, **r)

    def w3_w6_spread(self, mod, rep):
        flush()
        time.sleep(1.5)		# let RCU free the last run's flows
        m0 = meminfo()
        n = self.args.spread_ips * self.args.spread_ports
        inst = ovsbench("spread", DP, 1, 2, self.args.spread_ips,
                        self.args.spread_ports)
        time.sleep(1.5)
        m1 = meminfo()
        cpu = inst["user"] + inst["sys"]
        self.record(workload="w6", config="%d flows" % n, module=mod,
                    rep=rep, bytes_per_flow=(m1["kernel"] - m0["kernel"]) /
                    n, slab_bytes_per_flow=(m1["slab"] - m0["slab"]) / n,
                    install_per_s=n / inst["seconds"],
                    install_us_per_flow=cpu * 1e6 / n,
                    install_sys=inst["sys"] / cpu if cpu else 0.0)
        r = self.traffic("dp", "spread", tag=("w3", mod, rep))
        self.record(workload="w3", config="%dk flows random" % (n // 1000),
                    module=mod, rep=rep, **r)
        flush()

    def w4_setup(self, mod, rep):
        """The same minimal installer on both modules.  It asks for
        upcalls that share datagrams, which only ours has; on ours it
        also runs without, to show what that extension is worth."""
        flush()
        r = self.listen_run(mod, "per-cpu", flood=False, bsend=0)
        self.record(workload="w4", config="minimal installer", module=mod,
                    rep=rep, **r)
        if mod == "ours":
            flush()
            r = self.listen_run(mod, "per-cpu", flood=False, bsend=0,
                                single=True)
            self.record(workload="w4", config="minimal installer, unbatched",
                        module=mod, rep=rep, **r)

    def setup_rate(self, dp):
        """Every packet a miss, for --duration: the datapath's flows and
        counters before and after."""
        s0, t0 = dp_stats(dp), time.monotonic()
        with Pktgen(self.net, "g0", self.net.sink.mac, "miss", nice=19):
            time.sleep(self.args.duration)
            s1, t1 = dp_stats(dp), time.monotonic()
        dt = t1 - t0
        return {"installed_per_s": (s1["flows"] - s0["flows"]) / dt,
                "lost_per_s": (s1["lost"] - s0["lost"]) / dt,
                "missed_per_s": (s1["missed"] - s0["missed"]) / dt,
                "flows": s1["flows"]}

    def w4_vswitchd(self, mod, rep):
        """The distribution's ovs-vswitchd with the NORMAL action: its
        megaflows match the source MAC, so every packet sets up a flow."""
        del_dp(DP)
        ovs = vmlib.Ovs().start()
        try:
            ovs.vsctl("add-br", "br0", "--", "add-port", "br0", "g1",
                      "--", "add-port", "br0", "s1", "--", "set",
                      "Open_vSwitch", ".", "other_config:max-idle=60000")
            # Let it settle: handlers up, initial flows gone.
            time.sleep(2)
            r = self.setup_rate("ovs-system")
        finally:
            ovs.stop()
        self.record(workload="w4", config="ovs-vswitchd", module=mod,
                    rep=rep, **r)

    def w4_switchd(self, mod, rep):
        """Our daemon, same traffic (its flows match the MACs too), no
        per-port rate limit."""
        p = subprocess.Popen(off_switch_cpu() + [SWITCHD, "--dp", DP, "--port", "g1", "--port",
                              "s1", "--rate", "0", "--idle-time", "60"],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            time.sleep(2)
            if p.poll() is not None:
                raise RuntimeError("ovsdp-switchd exited: %s" % p.returncode)
            r = self.setup_rate(DP)
        finally:
            p.terminate()
            p.wait(30)
        self.record(workload="w4", config="ovsdp-switchd", module=mod,
                    rep=rep, **r)

    def w5_fairness(self, mod, rep):
        for mode in ("per-cpu", "per-vport"):
            flush()
            r = self.listen_run(mod, mode, flood=True,
                                bsend=self.args.b_flows)
            self.record(workload="w5", config="B under flood, " + mode,
                        module=mod, rep=rep, **r)

    def listen_run(self, mod, mode, flood, bsend, single=False):
        """Every packet from port 1 a miss; the listener installs a flow
        per upcall.  Optionally port 3 (B) opens @bsend new flows.  With
        @flood the generator runs at full priority and outruns the
        listener; without, it yields the CPU to the listener (see
        generator_priority).  With @single, the listener does not ask for
        upcalls that share datagrams."""
        secs = self.args.duration + 2
        p = subprocess.Popen(off_switch_cpu() +
                             [OVSBENCH, "listen", DP, "2", str(secs + 2),
                              mode] + (["single"] if single else []),
                             stdout=subprocess.PIPE, text=True)
        try:
            if p.stdout.readline().strip() != "ready":
                raise RuntimeError("ovsbench listen did not start")
            s0 = dp_stats()
            u0 = switch_cpu_times()
            b0 = backlog_drops()
            c0 = proc_cpu_seconds(p.pid)
            k0 = proc_cpu_seconds(p.pid, (12,))
            t0 = time.monotonic()
            with Pktgen(self.net, "g0", self.net.sink.mac, "miss",
                        nice=0 if flood else 19):
                time.sleep(1)
                sent = self.net.bh.call(_send_new_flows, bsend,
                                        self.args.duration,
                                        timeout=self.args.duration + 60) \
                    if bsend else 0
                if not bsend:
                    self.window(("w4", mod, mode) +
                                (("single",) if single else ()))
            t1 = time.monotonic()
            c1 = proc_cpu_seconds(p.pid)
            k1 = proc_cpu_seconds(p.pid, (12,))
            u1 = switch_cpu_times()
            b1 = backlog_drops()
            s1 = dp_stats()
            out, _ = p.communicate(timeout=secs + 30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        res = json.loads(out.strip().splitlines()[-1])
        r = {"upcalls_per_s": res["upcalls"] / (t1 - t0),
             "installed_per_s": res["installed"] / (t1 - t0),
             "lost_per_s": (s1["lost"] - s0["lost"]) / (t1 - t0),
             "missed_per_s": (s1["missed"] - s0["missed"]) / (t1 - t0),
             "upcall_batch": bool(res.get("upcall_batch")),
             "installer_cpu": (c1 - c0) / (t1 - t0),
             # Of that, the share spent in the kernel (system calls).
             "installer_sys": (k1 - k0) / (c1 - c0) if c1 > c0 else 0.0,
             # Is the CPU that turns misses into upcalls the limit?
             "switch_cpu_busy": busy_share(u0, u1),
             # Frames the switch's CPU never saw: its backlog was full.
             "backlog_drops_per_s": (b1 - b0) / (t1 - t0)}
        # What one wake-up of the listener, one read and one send of
        # flow requests carried.
        for key, what in (("per_wakeup", "wakeups"),
                          ("per_datagram", "datagrams"),
                          ("per_install", "batches")):
            if res.get(what):
                r["upcalls_" + key] = res["upcalls"] / res[what]
        # Where the listener's CPU went, per upcall: installing flows
        # (building and sending the requests, reading the answers), and
        # the rest (waiting excluded): reading and parsing upcalls.
        if res.get("upcalls"):
            n = res["upcalls"]
            r["read_us_per_upcall"] = ((res["work_cpu"] -
                                        res["install_cpu"]) * 1e6 / n)
            r["install_us_per_upcall"] = res["install_cpu"] * 1e6 / n
        if bsend:
            got = res["port_upcalls"].get("3", 0)
            r.update(b_sent=sent, b_delivered=got,
                     b_delivered_ratio=got / sent if sent else 0.0)
        return r


def _send_new_flows(n, seconds):
    """From B: @n UDP packets, each from a new source port, over @seconds."""
    socks = []
    gap = seconds / n
    t = time.monotonic()
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("10.1.1.1", 0))
        s.sendto(b"b" * 18, ("10.2.0.1", 9))
        socks.append(s)
        t += gap
        time.sleep(max(0.0, t - time.monotonic()))
    for s in socks:
        s.close()
    return n


def meminfo():
    vals = {}
    for line in read("/proc/meminfo").splitlines():
        k, v = line.split(":", 1)
        vals[k] = int(v.split()[0]) * 1024
    slab = vals["Slab"]
    return {"slab": slab,
            "kernel": slab + vals.get("Percpu", 0) +
            vals.get("VmallocUsed", 0),
            # Large kmallocs bypass the slab caches: also every page that is
            # neither free nor page cache.
            "used": vals["MemTotal"] - vals["MemFree"] - vals["Cached"] -
            vals["Buffers"]}


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--duration", type=float, default=4.0)
    p.add_argument("--warm", type=float, default=1.5)
    p.add_argument("--warm-masks", type=float, default=5.0)
    p.add_argument("--masks", type=int, nargs="+", default=[1, 8, 32, 128])
    p.add_argument("--flows", type=int, default=10000)
    p.add_argument("--spread-ips", type=int, default=100)
    p.add_argument("--spread-ports", type=int, default=1000)
    p.add_argument("--b-flows", type=int, default=40)
    p.add_argument("--no-vswitchd", action="store_true",
                   help="skip workload 4 with ovs-vswitchd")
    p.add_argument("--only", nargs="+", default=None,
                   help="workloads to run (ceiling w1 w2 w3 w4 w5)")
    p.add_argument("--out", default=os.path.join(
        os.environ.get("OVSDP_VM_OUT", "/tmp"), "results.json"))
    p.add_argument("--perf", action="store_true",
                   help="profile each packet workload's window with perf "
                   "(perf-*.txt next to --out; lowers the rates)")
    p.add_argument("--ko", help="our module to load (default: the "
                   "tree's openvswitch.ko), e.g. an older build to compare")
    args = p.parse_args()
    if args.ko:
        global KO
        KO = os.path.abspath(args.ko)
    want = set(args.only or ["ceiling", "w1", "w2", "w3", "w4", "w5"])

    if not os.path.exists(KO) or not os.access(OVSBENCH, os.X_OK):
        sys.exit("bench: build first (make bench does)")
    TRAFFIC["spread"] = [
        "dst_min 10.2.0.0", "dst_max 10.2.%d.%d" % divmod(args.spread_ips - 1,
                                                         256),
        "flag IPDST_RND", "udp_dst_min 1",
        "udp_dst_max %d" % args.spread_ports, "flag UDPDST_RND"]
    # pktgen draws a random port from [min, max), and max is 16 bits.
    TRAFFIC["mask_spread"] = TRAFFIC["rand_sport"] + [
        "udp_dst_min 0", "udp_dst_max %d" % min(args.flows, 65535),
        "flag UDPDST_RND"]
    vmlib.run(["modprobe", "pktgen"])
    net = Net()
    b = Bench(args, net)
    started = time.time()
    for rep in range(args.reps):
        if "ceiling" in want:
            b.reference(rep)
        order = ("ours", "upstream") if rep % 2 == 0 else ("upstream", "ours")
        for mod in order:
            load(mod)
            make_dp(["g1", "s1", "h1"])
            if "w1" in want:
                b.w1_one_flow(mod, rep)
            if "w2" in want:
                b.w2_masks(mod, rep)
            if want & {"w3", "w6"}:
                b.w3_w6_spread(mod, rep)
            if "w4" in want:
                b.w4_setup(mod, rep)
            if "w5" in want:
                b.w5_fairness(mod, rep)
            if "w4" in want and mod == "ours":
                flush()
                b.w4_switchd(mod, rep)
            if "w4" in want and not args.no_vswitchd:
                b.w4_vswitchd(mod, rep)
            unload()
    meta = {"kernel": platform.release(), "reps": args.reps,
            "duration_s": args.duration, "warm_s": args.warm,
            "cpus": os.cpu_count(), "seconds": time.time() - started,
            "frame_bytes": 64, "flows": args.flows,
            "started": time.strftime("%Y-%m-%d %H:%M:%S",
                                     time.gmtime(started))}
    with open(args.out, "w") as fh:
        json.dump({"meta": meta, "results": b.results}, fh, indent=1)
    log("wrote %s (%d measurements, %.0f s)" % (args.out, len(b.results),
                                                 meta["seconds"]))


if __name__ == "__main__":
    main()
