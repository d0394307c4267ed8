#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Live checks of libovsdp and ovsdp-dpctl; run inside the test VM:
#   make -C lib live && make -C tools &&
#   tests/vm/run_vm.py --upstream -- sh lib/tests/live.sh
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
D="$TOP/tools/ovsdp-dpctl"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
ko() { fails=$((fails + 1)); echo "FAIL: $*"; }
expect() {	# expect RC CMD...: run, compare exit status
	want=$1; shift
	"$@" >/tmp/live.out 2>&1; rc=$?
	if [ "$rc" = "$want" ]; then ok; else ko "$* -> $rc (want $want)"; cat /tmp/live.out; fi
}

"$TOP/lib/build/tests/live_ovsdp" || fails=$((fails + 1))

expect 0 "$D" add-dp lt0
expect 0 "$D" add-if lt0 lt0-p1,type=internal,port_no=3
expect 0 "$D" show lt0
grep -q "port 3: lt0-p1 (internal)" /tmp/live.out && ok || ko "show lists the port"
expect 0 "$D" add-flow lt0 'in_port(3),eth(),eth_type(0x0800),ipv4(src=10.1.0.0/255.255.0.0,frag=no)' 'set(ipv4(ttl=7)),3'
expect 1 "$D" add-flow lt0 'in_port(3),eth(),eth_type(0x0800),ipv4(src=10.1.0.0/255.255.0.0,frag=no)' '3'
grep -q "File exists" /tmp/live.out && ok || ko "EEXIST reported"
expect 0 "$D" dump-flows lt0
grep -q "in_port(3),eth_type(0x0800),ipv4(src=10.1.0.0/255.255.0.0,frag=no), packets:0, bytes:0, used:never, actions:set(ipv4(ttl=7)),3" /tmp/live.out && ok || { ko "dump-flows text"; cat /tmp/live.out; }
expect 2 "$D" add-flow lt0 'in_port(3),ipv4(src=10.1)' 'drop'
grep -q "malformed IPv4 address" /tmp/live.out && ok || ko "syntax error text"
expect 1 "$D" add-flow lt0 'in_port(3),eth(),vlan(vid=1,pcp=0),eth_type(0x0800)' 'drop'
cat /tmp/live.out
expect 0 "$D" del-flow lt0 'in_port(3),eth(),eth_type(0x0800),ipv4(src=10.1.0.0/255.255.0.0,frag=no)'
expect 1 "$D" del-flow lt0 'in_port(3),eth(),eth_type(0x0800),ipv4(src=10.1.0.0/255.255.0.0,frag=no)'
expect 0 "$D" add-flow 'in_port(3),eth(),eth_type(0x0806),arp()' '3'
expect 0 "$D" del-flows lt0
expect 0 "$D" dump-flows lt0
[ -s /tmp/live.out ] && ko "flows left" || ok
expect 0 "$D" del-if lt0 lt0-p1
expect 0 "$D" del-dp system@lt0
expect 1 "$D" del-dp lt0
echo "dpctl: $passes passed, $fails failed"
[ "$fails" = 0 ]
