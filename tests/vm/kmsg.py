# SPDX-License-Identifier: GPL-2.0
"""Kernel log checking shared by run_vm.py (host side) and conftest.py.

Standard library only: run_vm.py imports this on the host.
"""

import errno
import os
import re

# A line matching any of these means the kernel hit a bug, whatever the
# test thought of the result.  Case matters: "BUG:" and "WARNING:" are what
# the kernel prints from BUG()/WARN() and the lock/memory debuggers.
BAD_PATTERNS = (
    r"WARNING:",
    r"BUG:",
    r"kernel BUG",
    r"Oops",
    r"general protection",
    r"refcount_t",
    r"KASAN",
    r"UBSAN",
    r"Call Trace",
    r"Kernel panic",
    r"unreferenced object",
    r"list_(add|del) corruption",
    r"rcu_sched detected stall|rcu: INFO",
    r"INFO: task .* blocked",
    r"possible circular locking",
    r"inconsistent lock state",
    r"scheduling while atomic",
)
BAD_RE = re.compile("|".join("(?:%s)" % p for p in BAD_PATTERNS))

# Our module is not signed: the taint notice that follows its first load is
# expected and never a failure.
ALLOWED_RE = re.compile(
    r"module verification failed|loading out-of-tree module taints kernel")


# Tests that plant a fake problem line in the kernel log include this token:
# run_vm.py's end-of-run check ignores such lines (the per-test checker in
# conftest.py only when the test says it expects them).
PLANTED_TOKEN = "ovsdp-test-planted"


def bad_lines(lines, allowed=()):
    """Return the lines of @lines that report a kernel problem.

    @allowed is an iterable of substrings: a line containing one of them is
    not reported (used by tests that plant a line on purpose).
    """
    found = []
    for line in lines:
        if ALLOWED_RE.search(line):
            continue
        if not BAD_RE.search(line):
            continue
        if any(tok in line for tok in allowed):
            continue
        found.append(line)
    return found


class KmsgReader:
    """Incremental reader of /dev/kmsg.

    Each open file of /dev/kmsg has its own read position, so several
    readers never steal records from each other.  poll() returns the text of
    every record logged since the previous poll().
    """

    def __init__(self, path="/dev/kmsg", from_end=False):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        if from_end:
            os.lseek(self.fd, 0, os.SEEK_END)

    def poll(self):
        lines = []
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except OSError as e:
                if e.errno == errno.EAGAIN:
                    break
                if e.errno == errno.EPIPE:
                    # Records were overwritten before we read them: go on
                    # with what is still in the buffer.
                    lines.append("<kmsg: records lost>")
                    continue
                raise
            if not rec:
                break
            text = rec.decode("utf-8", "replace")
            # "prio,seq,usec,flags;message\n continuation lines"
            # Lines after the first are " KEY=value" metadata, not text.
            msg = text.partition(";")[2].split("\n", 1)[0]
            lines.append(msg.replace("\\x0a", "\n"))
        return lines

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def plant(message, level=4):
    """Write @message to the kernel log (as the test-only source "planted")."""
    fd = os.open("/dev/kmsg", os.O_WRONLY)
    try:
        os.write(fd, ("<%d>%s\n" % (level, message)).encode())
    finally:
        os.close(fd)
