#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run a command inside a throw-away qemu VM that sees the whole host.

The guest boots the installed Debian kernel from a tiny busybox initramfs
(built here and cached in tests/vm/.cache/).  The initramfs loads the
virtio, 9p and overlay modules, mounts the host's root directory read-only
over 9p under a tmpfs overlay, and chroots into it: every host tool is
there, and every write lands in guest memory.  A second, writable 9p share
carries the per-run script in and the exit status and kernel log out.

    run_vm.py [--module KO | --upstream | --none] [--timeout S] -- CMD...
    run_vm.py --shell [--module KO | --upstream | --none]

Console (kernel log) goes to a log file; the command's stdout/stderr goes
to our stdout through the guest's second serial port.  The exit status is
the command's, or 124 on timeout, 125 when the VM died (panic, bad boot), or
126 when the kernel log shows a problem although the command passed.

Standard library only.
"""

import argparse
import glob
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kmsg  # noqa: E402

CACHE = os.path.join(HERE, ".cache")
REPO = os.path.dirname(os.path.dirname(HERE))

# Modules the initramfs needs before it can reach the host's files.
BOOT_MODULES = ("virtio_pci", "9pnet_virtio", "9p", "overlay")

BUSYBOX = "/bin/busybox"
APPLETS = ("sh", "mount", "umount", "mkdir", "insmod", "chroot", "cat",
           "echo", "dmesg", "poweroff", "sleep", "sync", "ls")

# PID 1 of the guest.  Any change here changes the cache key, so the
# initramfs is rebuilt.
INIT = r"""#!/bin/sh
export PATH=/bin
fail() {
	echo "vm-init: $*"
	echo "VM-INIT-FAILED"
	dmesg | tail -n 30
	poweroff -f
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.list); do
	insmod "/mod/$m" || fail "insmod $m"
done
mkdir -p /lower /ovl /newroot
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose \
	hostroot /lower || fail "mount host root"
mount -t tmpfs -o mode=0755 ovl /ovl || fail "mount tmpfs"
mkdir -p /ovl/upper /ovl/work
mount -t overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work \
	overlay /newroot || fail "mount overlay"
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs shm $R/dev/shm
mount -t tmpfs -o mode=1777 tmp $R/tmp
mount -t tmpfs -o mode=0755 run $R/run
mkdir -p $R/run/vm
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 \
	vmout $R/run/vm || fail "mount vmout"
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
echo "VM-INIT-READY"
chroot $R /bin/sh /run/vm/stage2.sh
rc=$?
dmesg > $R/run/vm/dmesg
echo $rc > $R/run/vm/status
sync
umount $R/run/vm
echo "VM-EXIT-STATUS=$rc"
poweroff -f
"""

# The kernel runs /sbin/modprobe (for "ip link add type veth", genl family
# autoload, ...) relative to PID 1's root, which is the initramfs: hand the
# request over to the real modprobe in the chroot.
MODPROBE = """#!/bin/sh
exec /bin/chroot /newroot /sbin/modprobe "$@"
"""

# Runs as /bin/sh (dash) in the chroot, i.e. with the host's tools.
STAGE2 = r"""
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM={term} PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
export OVSDP_VM=1 OVSDP_VM_MODULE={mode} OVSDP_VM_KO={ko} OVSDP_VM_OUT=/run/vm
export OVSDP_KVER={kver}
{passenv}
stty -F /dev/ttyS1 {stty}
exec </dev/ttyS1 >/dev/ttyS1 2>&1
ip link set lo up
load_module() {{
{load}
}}
load_module || {{ echo "run_vm: loading the datapath module failed"; exit 125; }}
cd {cwd} || exit 125
{run}
"""

LOAD_UPSTREAM = "\tmodprobe openvswitch"
# Load the in-tree modules ours depends on (from its modinfo), then ours.
LOAD_OURS = r"""	for dep in $(modinfo -F depends {ko} | tr , ' '); do
		modprobe "$dep" || return 1
	done
	insmod {ko}"""
LOAD_NONE = "\ttrue"


def die(msg):
    print("run_vm: " + msg, file=sys.stderr)
    sys.exit(125)


def default_kver():
    """Newest kernel that has both an image and a module tree."""
    vers = [os.path.basename(p)[len("vmlinuz-"):]
            for p in glob.glob("/boot/vmlinuz-*")]
    vers = [v for v in vers if os.path.isdir("/lib/modules/" + v)]
    if not vers:
        die("no /boot/vmlinuz-* with a /lib/modules tree: run make deps")

    def key(v):
        return [int(x) if x.isdigit() else x for x in re.split(r"[.-]", v)]
    return sorted(vers, key=key)[-1]


def module_files(kver, names):
    """Module files to insmod, dependencies first, each once."""
    files = []
    for name in names:
        out = subprocess.run(
            ["modprobe", "-S", kver, "--show-depends", name],
            check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "insmod":
                if parts[1] not in files:
                    files.append(parts[1])
            elif parts[:1] == ["builtin"]:
                continue
            else:
                die("unexpected modprobe output: " + line)
    return files


def cpio_newc(entries):
    """Serialize [(name, mode, data_or_target)] as a newc cpio archive."""
    out = bytearray()
    ino = 1

    def add(name, mode, data):
        nonlocal ino
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        ino += 1
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for name, mode, data in entries:
        add(name, mode, data)
    add("TRAILER!!!", 0, b"")
    return bytes(out)


def build_initramfs(kver):
    mods = module_files(kver, BOOT_MODULES)
    key = hashlib.sha256()
    key.update(INIT.encode())
    key.update(MODPROBE.encode())
    key.update(kver.encode())
    key.update(repr(APPLETS).encode())
    for f in mods + [BUSYBOX]:
        st = os.stat(f)
        key.update(("%s %d %d" % (f, st.st_size, st.st_mtime)).encode())
    path = os.path.join(CACHE, "initramfs-%s-%s.cpio" %
                        (kver, key.hexdigest()[:12]))
    if os.path.exists(path):
        return path
    os.makedirs(CACHE, exist_ok=True)
    for old in glob.glob(os.path.join(CACHE, "initramfs-*.cpio")):
        os.unlink(old)
    d, f = 0o040755, 0o100755
    ents = [("bin", d, b""), ("proc", d, b""), ("sys", d, b""),
            ("dev", d, b""), ("mod", d, b""),
            ("sbin", d, b""), ("init", f, INIT.encode()),
            ("sbin/modprobe", f, MODPROBE.encode()),
            ("bin/busybox", f, open(BUSYBOX, "rb").read())]
    for a in APPLETS:
        ents.append(("bin/" + a, 0o120777, b"busybox"))
    names = []
    for m in mods:
        base = os.path.basename(m)
        names.append(base)
        ents.append(("mod/" + base, 0o100644, open(m, "rb").read()))
    ents.append(("modules.list", 0o100644, ("\n".join(names) + "\n").encode()))
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "wb") as fh:
        fh.write(cpio_newc(ents))
    os.rename(tmp, path)
    return path


def stage2_script(args, kver, outdir):
    if args.upstream:
        mode, load = "upstream", LOAD_UPSTREAM
    elif args.module:
        mode = "ours"
        load = LOAD_OURS.format(ko=shlex.quote(args.module))
    else:
        mode, load = "none", LOAD_NONE
    passenv = "\n".join("export %s=%s" % (k, shlex.quote(os.environ[k]))
                        for k in args.passenv if k in os.environ)
    if args.shell:
        run = "setsid -c /bin/bash -l; exit 0"
        stty, term = "sane", os.environ.get("TERM", "vt100")
    else:
        run = " ".join(shlex.quote(c) for c in args.command)
        run += " </dev/null"
        stty, term = "raw -echo", "dumb"
    return STAGE2.format(
        term=term, mode=mode, ko=shlex.quote(args.module or ""),
        kver=shlex.quote(kver), passenv=passenv, stty=stty, load=load,
        cwd=shlex.quote(args.cwd), run=run)


def qemu_argv(args, kver, initrd, outdir, console):
    cmdline = " ".join([
        "console=ttyS0,115200", "rdinit=/init", "oops=panic",
        "panic_on_warn=1", "panic=-1", "mitigations=off",
        "no_hash_pointers", "net.ifnames=0"] + args.append)
    if args.shell:
        out = ["-chardev", "stdio,id=out,mux=on,signal=off",
               "-mon", "chardev=out"]
    else:
        out = ["-chardev", "stdio,id=out"]
    return [
        "qemu-system-x86_64", "-accel", "tcg", "-m", args.memory,
        "-smp", str(args.smp), "-nodefaults", "-display", "none",
        "-no-reboot", "-kernel", "/boot/vmlinuz-" + kver,
        "-initrd", initrd, "-append", cmdline,
        "-serial", "file:" + console,
    ] + out + [
        "-serial", "chardev:out",
        "-fsdev", "local,id=root,path=/,security_model=none,readonly=on,"
                  "multidevs=remap",
        "-device", "virtio-9p-pci,fsdev=root,mount_tag=hostroot",
        "-fsdev", "local,id=vmout,path=%s,security_model=none,"
                  "multidevs=remap" % outdir,
        "-device", "virtio-9p-pci,fsdev=vmout,mount_tag=vmout",
    ]


def tail(path, n):
    try:
        with open(path, errors="replace") as fh:
            return "".join(fh.readlines()[-n:])
    except OSError:
        return ""


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Run a command in a qemu VM with the host as its root.")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--module", metavar="KO",
                   help="insmod this openvswitch.ko (after its in-tree "
                        "dependencies)")
    g.add_argument("--upstream", action="store_true",
                   help="modprobe the in-tree openvswitch module")
    g.add_argument("--none", action="store_true",
                   help="load no datapath module (default)")
    p.add_argument("--kver", default=os.environ.get("KVER") or None,
                   help="kernel version to boot (default: newest installed)")
    p.add_argument("--timeout", type=float, default=1500,
                   help="seconds before the VM is killed (default 1500)")
    p.add_argument("--log", help="console+dmesg log file (default "
                   "tests/vm/.cache/last-console.log)")
    p.add_argument("--artifacts", metavar="DIR",
                   help="also copy what the guest wrote to $OVSDP_VM_OUT "
                   "here (last-artifacts is shared by concurrent runs)")
    p.add_argument("--memory", default="2G")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--cwd", default=os.getcwd(),
                   help="directory the command starts in (default: ours)")
    p.add_argument("--append", action="append", default=[],
                   help="extra kernel command line argument")
    p.add_argument("--passenv", action="append", default=["CI"],
                   help="host environment variable to pass (default: CI)")
    p.add_argument("--no-dmesg-check", dest="dmesg_check",
                   action="store_false",
                   help="do not fail on kernel warnings in the final log")
    p.add_argument("--shell", action="store_true",
                   help="interactive shell instead of a command "
                        "(Ctrl-a x quits qemu)")
    p.add_argument("command", nargs="*")
    args = p.parse_args(argv)
    if not args.shell and not args.command:
        p.error("no command (give one after --, or --shell)")
    if args.module:
        args.module = os.path.abspath(args.module)
        if not os.path.exists(args.module):
            p.error("%s does not exist (run make)" % args.module)
    return args


def main(argv):
    args = parse_args(argv)
    kver = args.kver or default_kver()
    if not os.path.exists("/boot/vmlinuz-" + kver):
        die("no /boot/vmlinuz-%s" % kver)
    initrd = build_initramfs(kver)
    log = os.path.abspath(args.log or os.path.join(CACHE, "last-console.log"))
    os.makedirs(os.path.dirname(log), exist_ok=True)
    os.makedirs(CACHE, exist_ok=True)
    outdir = tempfile.mkdtemp(prefix="vmout-", dir=CACHE)
    try:
        return run(args, kver, initrd, outdir, log)
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


# A normal boot reaches PID 1's "ready" line in about 6 s; this is how
# long to wait for it before calling the boot stalled.
BOOT_STALL = 120


def init_started(console):
    try:
        with open(console, errors="replace") as fh:
            return "VM-INIT-READY" in fh.read()
    except OSError:
        return False


def boot(args, argv, console):
    """Runs qemu to the end (or the timeout); returns (proc, timed_out).
    A boot that does not reach PID 1's "ready" line within BOOT_STALL
    seconds is stopped as timed out."""
    stdin = None if args.shell else subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdin=stdin, start_new_session=not args.shell)
    deadline = None if args.shell else time.monotonic() + args.timeout
    stall = None if args.shell else time.monotonic() + BOOT_STALL
    try:
        while True:
            try:
                proc.wait(timeout=1)
                return proc, False
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if stall is not None and now > stall:
                if not init_started(console):
                    break
                stall = None
            if deadline is not None and now > deadline:
                break
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return proc, True


def run(args, kver, initrd, outdir, log):
    with open(os.path.join(outdir, "stage2.sh"), "w") as fh:
        fh.write(stage2_script(args, kver, outdir))
    console = os.path.join(outdir, "console.log")
    argv = qemu_argv(args, kver, initrd, outdir, console)
    sys.stdout.flush()
    t0 = time.monotonic()
    for attempt in (1, 2):
        proc, timed_out = boot(args, argv, console)
        # Rarely, a guest under TCG stops or stalls in early boot, before
        # PID 1 has started anything.  Nothing of the command ran, so a
        # second boot is safe.
        if args.shell or attempt == 2 or init_started(console):
            break
        print("run_vm: the VM stopped in early boot (%s); booting again" %
              ("stalled" if timed_out else "qemu rc %d" % proc.returncode),
              file=sys.stderr)
        shutil.copy(console, log + ".boot%d" % attempt)
    elapsed = time.monotonic() - t0
    sys.stdout.flush()

    dmesg = ""
    if os.path.exists(os.path.join(outdir, "dmesg")):
        with open(os.path.join(outdir, "dmesg"), errors="replace") as fh:
            dmesg = fh.read()
    with open(log, "w") as fh:
        fh.write(tail(console, 10 ** 9))
        fh.write("\n===== dmesg at exit =====\n" + dmesg)
    for keep in [os.path.join(CACHE, "last-artifacts")] + (
            [args.artifacts] if args.artifacts else []):
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(outdir, keep, ignore=shutil.ignore_patterns(
            "stage2.sh", "console.log", "status"))
    status = None
    try:
        with open(os.path.join(outdir, "status")) as fh:
            status = int(fh.read().strip())
    except (OSError, ValueError):
        pass

    if timed_out:
        print("run_vm: timed out after %.0f s; console tail:\n%s\n"
              "run_vm: full log in %s" % (elapsed, tail(console, 40), log),
              file=sys.stderr)
        return 124
    if status is None:
        print("run_vm: the VM stopped without an exit status (qemu rc %d, "
              "%.0f s); console tail:\n%s\nrun_vm: full log in %s" %
              (proc.returncode, elapsed, tail(console, 60), log),
              file=sys.stderr)
        return 125
    bad = kmsg.bad_lines(dmesg.splitlines(), [kmsg.PLANTED_TOKEN])
    print("run_vm: exit status %d after %.0f s (log: %s)" %
          (status, elapsed, log), file=sys.stderr)
    if bad and args.dmesg_check:
        print("run_vm: kernel log shows problems:\n  " + "\n  ".join(bad),
              file=sys.stderr)
        return status or 126
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
