#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job, run inside the VM by `make demo` (run_vm.py has already
# loaded the datapath module): start ovsdb-server and Debian's ovs-vswitchd,
# build bridge br0 with two veth ports whose other ends live in network
# namespaces h1 and h2, and ping from one to the other through the bridge.
# Exit status 0 only when every step, the pings included, succeeded.

set -euo pipefail

RUN=$(mktemp -d /tmp/ovs-demo.XXXXXX)
export OVS_RUNDIR=$RUN OVS_LOGDIR=$RUN OVS_DBDIR=/etc/openvswitch
DB=/etc/openvswitch/conf.db

step() { printf '\n=== %s\n' "$*"; }

on_exit() {
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "demo: FAILED (status $rc); ovs-vswitchd log:"
		cat "$RUN/ovs-vswitchd.log" 2>/dev/null || true
	fi
	ovs-appctl -t ovs-vswitchd exit --cleanup 2>/dev/null || true
	ovs-appctl -t ovsdb-server exit 2>/dev/null || true
	exit $rc
}
trap on_exit EXIT

step "datapath module"
grep -H . /sys/module/openvswitch/version 2>/dev/null ||
	echo "openvswitch loaded, no version (in-tree module)"
test -d /sys/module/openvswitch

# Debian's ovs-vswitchd 3.1 started within ~10 s of boot ends up without
# an upcall handler thread.
up=$(cut -d. -f1 /proc/uptime)
if [ "$up" -lt 11 ]; then sleep $((11 - up)); fi

step "ovsdb-server and ovs-vswitchd"
mkdir -p /etc/openvswitch
rm -f $DB
ovsdb-tool create $DB /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server $DB --remote=punix:$RUN/db.sock --pidfile --detach \
	--no-chdir --log-file
ovs-vsctl --no-wait init
ovs-vswitchd unix:$RUN/db.sock --pidfile --detach --no-chdir --log-file
ovs-vsctl --version | head -n 1

step "hosts h1 (10.0.0.1) and h2 (10.0.0.2) on veth ports p1, p2"
for i in 1 2; do
	ip netns add h$i
	ip link add p$i type veth peer name eth0 netns h$i
	ip -n h$i addr add 10.0.0.$i/24 dev eth0
	ip -n h$i link set eth0 up
	ip link set p$i up
done

step "bridge br0"
ovs-vsctl add-br br0
ovs-vsctl add-port br0 p1
ovs-vsctl add-port br0 p2
ovs-vsctl show

step "ping h1 -> h2 and h2 -> h1 through br0"
ip netns exec h1 ping -c 3 -i 0.3 -W 3 10.0.0.2
ip netns exec h2 ping -c 3 -i 0.3 -W 3 10.0.0.1

step "ovs-dpctl show"
ovs-dpctl show
step "ovs-dpctl dump-flows"
ovs-dpctl dump-flows

if grep -E '\|(ERR|EMER)\|' "$RUN/ovs-vswitchd.log"; then
	echo "demo: ovs-vswitchd logged errors"
	exit 1
fi
step "demo: OK"
