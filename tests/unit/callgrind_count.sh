#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Usage: callgrind_count.sh FUNCTION OUTFILE OPS COMMAND [ARGS...]
#
# Runs COMMAND under callgrind, counting only inside FUNCTION (and what it
# calls), and prints the instructions counted divided by OPS: the host
# benchmarks' repeatable cost per lookup, insert or install.
set -e
fn=$1 out=$2 ops=$3
shift 3
valgrind --tool=callgrind --toggle-collect="$fn" --callgrind-out-file="$out" \
	"$@" >/dev/null 2>&1
ir=$(callgrind_annotate "$out" 2>/dev/null |
	awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
[ -n "$ir" ] || { echo "callgrind_count.sh: no total in $out" >&2; exit 1; }
echo $((ir / ops))
