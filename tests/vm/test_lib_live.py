# SPDX-License-Identifier: GPL-2.0
"""lib/: libovsdp's live checks (lib/tests/live_ovsdp.c, built with ASan
and UBSan) against the loaded module: datapath, port and flow calls,
batched flow installs and packet executions with their per-request
results, notifications and upcalls.

    make check-vm PYTEST_ARGS="-k lib_live"
    make check-vm VM_MODULE=--upstream PYTEST_ARGS="-k lib_live"
"""

import os
import re
import subprocess

import pytest

import vmlib

pytestmark = [pytest.mark.needs_datapath]

LIVE = os.path.join(vmlib.REPO, "lib", "build", "tests", "live_ovsdp")


def test_libovsdp_live_checks_pass():
    assert os.access(LIVE, os.X_OK), "build it: make -C lib live"
    r = subprocess.run([LIVE], capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    m = re.search(r"(\d+) passed, (\d+) failed", out)
    assert m, out
    assert r.returncode == 0 and m.group(2) == "0", out
    assert int(m.group(1)) >= 40, out
