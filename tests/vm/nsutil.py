# SPDX-License-Identifier: GPL-2.0
"""Run Python functions in forked children: in another network namespace,
or with other credentials, returning their result to the parent.

A fork costs far less than a new interpreter under TCG, and the child
inherits every module the test process has already imported.
"""
import ctypes
import os
import pickle
import traceback

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(path, nstype=CLONE_NEWNET):
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, nstype) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


class ChildError(Exception):
    pass


def run_in_child(fn, *args, timeout=120, **kwargs):
    """fn(*args, **kwargs) in a forked child; its return value or
    exception (re-raised as ChildError with the child's traceback)."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        try:
            result = (True, fn(*args, **kwargs))
        except BaseException as e:  # report everything to the parent
            result = (False, "%r\n%s" % (e, traceback.format_exc()))
        try:
            data = pickle.dumps(result)
        except Exception as e:
            data = pickle.dumps((False, "unpicklable result: %r" % e))
        with os.fdopen(wfd, "wb") as w:
            w.write(data)
        os._exit(0)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as r:
        data = r.read()
    os.waitpid(pid, 0)
    if not data:
        raise ChildError("child died without a result")
    ok, value = pickle.loads(data)
    if not ok:
        raise ChildError(value)
    return value


def run_in_netns(name, fn, *args, **kwargs):
    """fn(*args, **kwargs) inside network namespace @name (ip netns)."""
    def child():
        setns("/var/run/netns/%s" % name)
        return fn(*args, **kwargs)
    return run_in_child(child)
