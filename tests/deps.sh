#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build and the tests need on Debian 12 (bookworm),
# and put checkpatch.pl where the Makefile finds it.  Idempotent and
# non-interactive: safe to run on a fresh machine, in CI, or again.

set -euo pipefail

PACKAGES=(
	# module build, static checks
	build-essential make gcc perl bc kmod sparse git
	linux-image-amd64 linux-headers-amd64 linux-source-6.1 xz-utils
	# userspace tools and host unit tests
	pkg-config libnl-3-dev libnl-genl-3-dev
	clang clang-14 libclang-rt-14-dev valgrind
	# VM test bench
	qemu-system-x86 busybox-static cpio
	iproute2 iputils-ping procps
	python3 python3-pytest python3-scapy python3-pyroute2
	openvswitch-switch openvswitch-common
)

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: need root or sudo" >&2; exit 1; }
	SUDO=sudo
fi

export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${PACKAGES[@]}"; do
	case "$p" in \#*) continue ;; esac
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}"
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "${missing[@]}"
else
	echo "deps.sh: all packages present"
fi

# The package ships the kernel sources as one tarball; checkpatch.pl and
# the data files it reads are all we need from it.
SRC_TAR=/usr/src/linux-source-6.1.tar.xz
DEST=/usr/src/linux-source-6.1
if [ ! -f "$DEST/scripts/checkpatch.pl" ]; then
	echo "deps.sh: extracting checkpatch.pl from $SRC_TAR"
	$SUDO tar -C /usr/src -xJf "$SRC_TAR" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

# The module is built for, and the VM boots, the Makefile's KVER (the
# running kernel when its headers are installed, else the newest tree).
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$(printf 'print-kver:\n\t@echo $(KVER)\n' |
	make -s --no-print-directory -C "$top" -f Makefile -f - print-kver)
for f in "/boot/vmlinuz-$kver" "/lib/modules/$kver/build/Makefile"; do
	[ -e "$f" ] || { echo "deps.sh: missing $f" >&2; exit 1; }
done
# The kernel image is only readable by root on Debian; qemu reads it.
[ -r "/boot/vmlinuz-$kver" ] || $SUDO chmod a+r "/boot/vmlinuz-$kver"

echo "deps.sh: ready (kernel $kver, checkpatch $DEST/scripts/checkpatch.pl)"
