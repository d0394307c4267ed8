# SPDX-License-Identifier: GPL-2.0
"""Helpers for the tests that run inside the VM (see conftest.py).

Under TCG every process start costs up to a second and importing a big
Python package many seconds, so the test session is one Python process:
work inside a network namespace runs in a forked child that setns()es into
it (in_netns()), not in a new `ip netns exec python3`.

Only the standard library is imported here; tests import scapy/pyroute2
themselves if they really need them.
"""

import ctypes
import os
import pickle
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_REC = 0x4000
MS_SLAVE = 1 << 19
MNT_DETACH = 2

_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def _enter_netns(ns):
    """Move the calling (child) process into network namespace @ns.

    Also gives it a private mount namespace with a fresh /sys, so
    /sys/class/net shows the namespace's devices as `ip netns exec` does.
    """
    fd = os.open("/run/netns/" + ns, os.O_RDONLY | os.O_CLOEXEC)
    try:
        _check(_libc.setns(fd, CLONE_NEWNET), "setns " + ns)
    finally:
        os.close(fd)
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_SLAVE, None),
           "mount --make-rslave /")
    if _libc.umount2(b"/sys", MNT_DETACH) == 0:
        _check(_libc.mount(b"sysfs", b"/sys", b"sysfs", 0, None),
               "mount sysfs")


class ChildError(Exception):
    """An exception raised by the function run in a forked child."""


def _write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


def in_netns(ns, fn, *args, timeout=120, **kwargs):
    """Run fn(*args, **kwargs) inside netns @ns in a forked child.

    Returns fn's (picklable) result.  An exception in the child is raised
    again here (as itself when it pickles, else as ChildError), with the
    child's traceback in its message.  @ns None runs in the current netns
    (still forked).  The child is killed after @timeout seconds.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(rfd)
            try:
                if ns is not None:
                    _enter_netns(ns)
                res = (True, fn(*args, **kwargs))
            except BaseException as e:  # noqa: B902 - report everything
                tb = traceback.format_exc()
                res = (False, (e, tb))
            try:
                data = pickle.dumps(res)
            except Exception:
                data = pickle.dumps((False, (None, res[1][1] if not res[0]
                                             else "unpicklable result")))
            _write_all(wfd, data)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(wfd)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise TimeoutError("in_netns(%s, %s) timed out after %ss" %
                                   (ns, getattr(fn, "__name__", fn), timeout))
            ready, _, _ = select.select([rfd], [], [], left)
            if not ready:
                continue
            chunk = os.read(rfd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
        os.waitpid(pid, 0)
    if not chunks:
        raise ChildError("in_netns(%s): child died without a result" % ns)
    ok, val = pickle.loads(b"".join(chunks))
    if ok:
        return val
    exc, tb = val
    if isinstance(exc, BaseException):
        try:
            exc.add_note("in netns %s:\n%s" % (ns, tb))
        except AttributeError:
            pass
        raise exc
    raise ChildError("in netns %s:\n%s" % (ns, tb))


class CommandError(subprocess.CalledProcessError):
    """CalledProcessError whose message includes the command's output."""

    def __str__(self):
        return "%s\nstderr: %s\nstdout: %s" % (
            super().__str__(), (self.stderr or "").strip(),
            (self.output or "").strip())


def run(cmd, check=True, timeout=120, env=None, input=None):
    """Run @cmd (list, or str for sh -c); return its stdout as text.

    Raises CommandError (a CalledProcessError) with stdout+stderr in its
    message
    when @check and the command fails.
    """
    shell = isinstance(cmd, str)
    p = subprocess.run(cmd, shell=shell, capture_output=True, text=True,
                       timeout=timeout, env=env, input=input,
                       stdin=None if input is not None else subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise CommandError(p.returncode, cmd, p.stdout, p.stderr)
    return p.stdout


def run_p(cmd, timeout=120, env=None):
    """Run @cmd; return the CompletedProcess (never raises on failure)."""
    return subprocess.run(cmd, shell=isinstance(cmd, str),
                          capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


def ip_batch(lines, ns=None):
    """Run several `ip` commands in one process (ip -batch)."""
    argv = ["ip"] + (["-n", ns] if ns else []) + ["-batch", "-"]
    return run(argv, input="\n".join(lines) + "\n")


def uptime():
    with open("/proc/uptime") as fh:
        return float(fh.read().split()[0])


def wait_for(cond, timeout=30, interval=0.1, what="condition"):
    """Poll cond() until it returns a true value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError("timed out after %ss waiting for %s" %
                               (timeout, what))
        time.sleep(interval)


def in_background(fn, *args, **kw):
    """Run fn in a thread; returns a callable that joins and gives the
    result (or raises the thread's exception)."""
    box = {}

    def body():
        try:
            box["r"] = fn(*args, **kw)
        except BaseException as e:  # noqa: B902
            box["e"] = e
    t = threading.Thread(target=body)
    t.start()

    def join():
        t.join()
        if "e" in box:
            raise box["e"]
        return box["r"]
    return join


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def icmp_ping(dst, count=3, timeout=2.0, interval=0.2, size=56):
    """Send ICMP echo requests to @dst from the current netns.

    Returns the number of matching echo replies received.  Pure Python (raw
    socket), so no process is started; call it through in_netns().
    """
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xffff
    got = set()
    try:
        for seq in range(count):
            payload = bytes((seq + i) & 0xff for i in range(size))
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            pkt = struct.pack("!BBHHH", 8, 0, _csum(hdr + payload),
                              ident, seq) + payload
            s.sendto(pkt, (dst, 0))
            deadline = time.monotonic() + (timeout if seq == count - 1
                                           else interval)
            # Wait for this request's reply (or any late earlier one), at
            # most @interval, or @timeout after the last request.
            while len(got) <= seq:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([s], [], [], left)
                if not r:
                    break
                data, addr = s.recvfrom(65535)
                ihl = (data[0] & 0x0f) * 4
                icmp = data[ihl:]
                if len(icmp) < 8 or addr[0] != dst:
                    continue
                typ, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
                if typ == 0 and rid == ident and icmp[8:] == bytes(
                        (rseq + i) & 0xff for i in range(size)):
                    got.add(rseq)
        return len(got)
    finally:
        s.close()


def _set_sysctl(path, value):
    with open(path, "w") as fh:
        fh.write(str(value))


class Host:
    """A network namespace with one veth: the "host" end of a link.

    The other end, named @port, stays in the root namespace (typically to
    be added to an OVS bridge).  Inside, the interface is @ifname with
    address @ip/@prefix.
    """

    def __init__(self, name, ip, port, prefix=24, ifname="eth0", mac=None,
                 ipv6=False, mtu=None):
        self.name = self.ns = name
        self.ip, self.prefix, self.port, self.ifname = ip, prefix, port, ifname
        self.mac = mac
        self.mtu = mtu
        self.ipv6 = ipv6

    def create(self):
        mtu = " mtu %d" % self.mtu if self.mtu else ""
        ip_batch(["netns add %s" % self.ns,
                  "link add %s%s type veth peer name %s netns %s%s" %
                  (self.port, mtu, self.ifname, self.ns, mtu)])
        if not self.ipv6:
            # No router/neighbour solicitations: the only traffic is what
            # the test sends.
            self.call(_set_sysctl, "/proc/sys/net/ipv6/conf/default/"
                      "disable_ipv6", 1)
            self.call(_set_sysctl, "/proc/sys/net/ipv6/conf/%s/"
                      "disable_ipv6" % self.ifname, 1)
            _set_sysctl("/proc/sys/net/ipv6/conf/%s/disable_ipv6" %
                        self.port, 1)
        cmds = ["link set lo up"]
        if self.mac:
            cmds.append("link set %s address %s" % (self.ifname, self.mac))
        if self.ip:
            cmds.append("addr add %s/%d dev %s" % (self.ip, self.prefix,
                                                   self.ifname))
        cmds.append("link set %s up" % self.ifname)
        ip_batch(cmds, ns=self.ns)
        run(["ip", "link", "set", self.port, "up"])
        # Carrier comes up asynchronously (linkwatch): wait for it, so that
        # the first packets of a test are not lost.
        wait_for(lambda: _read_file("/sys/class/net/%s/operstate" %
                                    self.port).strip() == "up",
                 timeout=10, interval=0.05, what="carrier on " + self.port)
        if not self.mac:
            self.mac = self.call(_read_file, "/sys/class/net/%s/address" %
                                 self.ifname).strip()
        return self

    def destroy(self):
        # Deleting the namespace deletes the inner veth end and with it the
        # outer one.
        run_p(["ip", "netns", "del", self.ns])
        wait_for(lambda: not os.path.exists("/sys/class/net/" + self.port),
                 timeout=10, what="removal of " + self.port)

    def call(self, fn, *args, **kwargs):
        """Run fn(*args, **kwargs) in this host's netns; return its result."""
        return in_netns(self.ns, fn, *args, **kwargs)

    def run(self, cmd, check=True, timeout=120):
        """Run a command (list, or str for sh -c) in the netns; its stdout."""
        # run()'s own timeout goes positionally: in_netns takes timeout=.
        return in_netns(self.ns, run, cmd, check, timeout,
                        timeout=timeout + 10)

    def ping(self, dst, count=3, timeout=2.0):
        """ICMP-ping @dst (a Host or an address); number of replies."""
        if isinstance(dst, Host):
            dst = dst.ip
        return in_netns(self.ns, icmp_ping, dst, count, timeout)

    def __repr__(self):
        return "Host(%s %s/%s port=%s)" % (self.ns, self.ip, self.prefix,
                                           self.port)


def _read_file(path):
    with open(path) as fh:
        return fh.read()


# ---------------------------------------------------------------------------
# Open vSwitch daemons

OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
OVS_DB = "/etc/openvswitch/conf.db"
# Debian's ovs-vswitchd 3.1 started in the first ~10 s after boot ends up
# with no upcall handler thread; give the kernel that long.
OVS_MIN_UPTIME = 11.0


class Ovs:
    """ovsdb-server + ovs-vswitchd with their sockets, pidfiles and logs in
    a private run directory (OVS_RUNDIR), database in /etc/openvswitch."""

    def __init__(self, rundir=None):
        self.rundir = rundir or tempfile.mkdtemp(prefix="ovs-")
        self.env = dict(os.environ, OVS_RUNDIR=self.rundir,
                        OVS_LOGDIR=self.rundir,
                        OVS_DBDIR=os.path.dirname(OVS_DB))
        self.vswitchd_log = os.path.join(self.rundir, "ovs-vswitchd.log")
        self.ovsdb_log = os.path.join(self.rundir, "ovsdb-server.log")
        self.started = False

    def _pidfile(self, daemon):
        return os.path.join(self.rundir, daemon + ".pid")

    def start(self, fresh_db=True):
        """Start both daemons; with @fresh_db (default) on an empty
        database, else on the one left by a previous stop()."""
        wait = OVS_MIN_UPTIME - uptime()
        if wait > 0:
            time.sleep(wait)
        os.makedirs(os.path.dirname(OVS_DB), exist_ok=True)
        if fresh_db or not os.path.exists(OVS_DB):
            if os.path.exists(OVS_DB):
                os.unlink(OVS_DB)
            run(["ovsdb-tool", "create", OVS_DB, OVS_SCHEMA])
        sock = "punix:" + os.path.join(self.rundir, "db.sock")
        run(["ovsdb-server", OVS_DB, "--remote=" + sock,
             "--pidfile=" + self._pidfile("ovsdb-server"), "--detach",
             "--no-chdir", "--log-file=" + self.ovsdb_log], env=self.env)
        self.started = True
        self.vsctl("--no-wait", "init")
        run(["ovs-vswitchd", "unix:" + os.path.join(self.rundir, "db.sock"),
             "--pidfile=" + self._pidfile("ovs-vswitchd"), "--detach",
             "--no-chdir", "--log-file=" + self.vswitchd_log], env=self.env)
        return self

    def _pid(self, daemon):
        try:
            with open(self._pidfile(daemon)) as fh:
                return int(fh.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self, cleanup=True):
        """Stop both daemons; with @cleanup, vswitchd deletes its datapath
        and ports on the way out."""
        if not self.started:
            return
        self.started = False
        pid = self._pid("ovs-vswitchd")
        args = ["exit", "--cleanup"] if cleanup else ["exit"]
        run_p(["ovs-appctl", "-t", "ovs-vswitchd"] + args, env=self.env,
              timeout=60)
        self._reap(pid)
        pid = self._pid("ovsdb-server")
        run_p(["ovs-appctl", "-t", "ovsdb-server", "exit"], env=self.env,
              timeout=60)
        self._reap(pid)

    @staticmethod
    def _reap(pid):
        if not pid:
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _tool(self, tool, args, check):
        return run([tool] + [str(a) for a in args], check=check,
                   env=self.env)

    def vsctl(self, *args, check=True):
        """ovs-vsctl with a 30 s timeout; returns stdout."""
        return self._tool("ovs-vsctl", ("--timeout=30",) + args, check)

    def dpctl(self, *args, check=True):
        return self._tool("ovs-dpctl", args, check)

    def ofctl(self, *args, check=True):
        return self._tool("ovs-ofctl", args, check)

    def appctl(self, *args, check=True):
        return self._tool("ovs-appctl", args, check)

    def log(self):
        """Text of ovs-vswitchd's log so far."""
        try:
            return _read_file(self.vswitchd_log)
        except FileNotFoundError:
            return ""

    def log_lines(self, levels=("ERR", "EMER", "WARN"), module=None):
        """Log lines at one of @levels, from vlog @module (regex) if given.

        Lines look like "2024-..|00042|dpif_netlink|WARN|message".
        """
        out = []
        for line in self.log().splitlines():
            f = line.split("|", 4)
            if len(f) < 5 or f[3] not in levels:
                continue
            if module and not re.search(module, f[2]):
                continue
            out.append(line)
        return out


# ---------------------------------------------------------------------------
# Which datapath module is loaded

def makefile_version():
    """OVSDP_VERSION from the top-level Makefile."""
    with open(os.path.join(REPO, "Makefile")) as fh:
        m = re.search(r"^OVSDP_VERSION\s*:?=\s*(\S+)", fh.read(), re.M)
    return m.group(1) if m else None


class DatapathModule:
    """Identity of the loaded openvswitch module.

    kind is "ours" (version matches the Makefile's OVSDP_VERSION),
    "upstream" (the in-tree module: no version), "other" or "none".
    """

    def __init__(self):
        base = "/sys/module/openvswitch"
        self.loaded = os.path.isdir(base)
        self.version = self._read(base + "/version")
        self.srcversion = self._read(base + "/srcversion")
        self.taint = self._read(base + "/taint")
        self.expected_version = makefile_version()
        self.requested = os.environ.get("OVSDP_VM_MODULE", "unknown")
        if not self.loaded:
            self.kind = "none"
        elif self.version is None:
            self.kind = "upstream"
        elif self.version == self.expected_version:
            self.kind = "ours"
        else:
            self.kind = "other"

    @staticmethod
    def _read(path):
        try:
            return _read_file(path).strip()
        except OSError:
            return None

    @property
    def ours(self):
        return self.kind == "ours"

    def __repr__(self):
        return ("DatapathModule(kind=%s, version=%s, srcversion=%s, "
                "taint=%s, requested=%s)" % (self.kind, self.version,
                                             self.srcversion, self.taint,
                                             self.requested))


def in_vm():
    return os.environ.get("OVSDP_VM") == "1"


def which(tool):
    return shutil.which(tool)
