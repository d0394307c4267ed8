# SPDX-License-Identifier: GPL-2.0
"""A small generic-netlink client for the Open vSwitch families, for tests.

Raw AF_NETLINK sockets and struct packing only: it imports in milliseconds
(pyroute2 takes 10+ s under TCG) and lets tests send exactly the malformed
attributes they mean to.  The ABI constants are read from the installed
uapi header <linux/openvswitch.h>, never copied.
"""
import errno
import os
import re
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_ECHO = 0x8
NLM_F_DUMP = 0x300
NLM_F_CREATE = 0x400
NLM_F_EXCL = 0x200
NLM_F_ACK_TLVS = 0x200

NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff

UAPI_HEADER = "/usr/include/linux/openvswitch.h"


def _parse_uapi(path=UAPI_HEADER):
    """Enum values and simple #defines of the uapi header, by name."""
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    consts = {}
    for m in re.finditer(r"#define\s+(OVS_\w+)\s+\"([^\"]*)\"", text):
        consts[m.group(1)] = m.group(2)
    for m in re.finditer(r"#define\s+(OVS_\w+)\s+\(?\s*(\d+|0x[0-9a-fA-F]+)\s*\)?\s*$",
                         text, flags=re.M):
        consts[m.group(1)] = int(m.group(2), 0)
    for m in re.finditer(r"#define\s+(OVS_\w+)\s+\((\d+)\s*<<\s*(\d+)\)", text):
        consts[m.group(1)] = int(m.group(2)) << int(m.group(3))
    for m in re.finditer(r"enum\s+\w*\s*\{(.*?)\}", text, flags=re.S):
        value = -1
        for item in m.group(1).split(","):
            item = item.strip()
            if not item or item.startswith("#"):
                continue
            item = item.split("\n")[-1].strip() if "#" in item else item
            name, _, expr = item.partition("=")
            name = name.strip()
            if not re.match(r"^\w+$", name):
                continue
            if expr.strip():
                expr = expr.strip()
                try:
                    value = int(expr, 0)
                except ValueError:
                    value = eval(expr, {}, dict(consts))  # names defined above
            else:
                value += 1
            consts[name] = value
    for base in ("OVS_DP_ATTR", "OVS_VPORT_ATTR", "OVS_FLOW_ATTR",
                 "OVS_PACKET_ATTR", "OVS_KEY_ATTR", "OVS_ACTION_ATTR"):
        if "__%s_MAX" % base in consts:
            consts["%s_MAX" % base] = consts["__%s_MAX" % base] - 1
    return consts


OVS = _parse_uapi()


class NlError(OSError):
    """A netlink error reply: errno plus the kernel's extack message."""

    def __init__(self, err, msg=""):
        super().__init__(err, "%s%s" % (os.strerror(err),
                                        (": " + msg) if msg else ""))
        self.extack = msg


def attr(atype, payload=b"", nested=False):
    if isinstance(payload, (list, tuple)):
        payload = b"".join(payload)
        nested = True
    if nested:
        atype |= NLA_F_NESTED
    hdr = struct.pack("HH", 4 + len(payload), atype)
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def u8(t, v):
    return attr(t, struct.pack("B", v))


def u16(t, v):
    return attr(t, struct.pack("H", v))


def be16(t, v):
    return attr(t, struct.pack("!H", v))


def u32(t, v):
    return attr(t, struct.pack("I", v))


def s32(t, v):
    return attr(t, struct.pack("i", v))


def string(t, v):
    return attr(t, v.encode() + b"\0")


def flag(t):
    return attr(t)


def parse_attrs(data):
    """{type: payload} of a stream of attributes (last one wins)."""
    out = {}
    for atype, payload in iter_attrs(data):
        out[atype] = payload
    return out


def iter_attrs(data):
    off = 0
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from("HH", data, off)
        if alen < 4:
            break
        yield atype & NLA_TYPE_MASK, data[off + 4:off + alen]
        off += (alen + 3) & ~3


class Message:
    def __init__(self, cmd, dp_ifindex, attrs, raw):
        self.cmd = cmd
        self.dp_ifindex = dp_ifindex
        self.attrs = attrs
        self.raw = raw

    def u32(self, t):
        return struct.unpack("I", self.attrs[t][:4])[0]

    def str(self, t):
        return self.attrs[t].split(b"\0")[0].decode()


class GenlSocket:
    """One socket bound to one generic netlink family."""

    def __init__(self, family, hdrsize=4):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.portid = self.sock.getsockname()[0]
        self.seq = 1
        self.hdrsize = hdrsize
        self.family_id, self.groups = self._resolve(family)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _send(self, msg_type, flags, payload):
        self.seq += 1
        hdr = struct.pack("IHHII", 16 + len(payload), msg_type, flags,
                          self.seq, 0)
        self.sock.send(hdr + payload)
        return self.seq

    def _recv_all(self, seq):
        """Messages answering @seq until ACK/DONE; raises NlError."""
        out = []
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from("IHHII",
                                                                  data, off)
                body = data[off + 16:off + mlen]
                off += (mlen + 3) & ~3
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    err = -struct.unpack_from("i", body)[0]
                    msg = ""
                    if mflags & NLM_F_ACK_TLVS:
                        # error + original nlmsghdr (capped: 16 bytes)
                        tlvs = parse_attrs(body[4 + 16:])
                        if NLMSGERR_ATTR_MSG in tlvs:
                            msg = tlvs[NLMSGERR_ATTR_MSG].split(b"\0")[0]
                            msg = msg.decode()
                    if err:
                        raise NlError(err, msg)
                    return out
                if mtype == NLMSG_DONE:
                    return out
                out.append(body)
                if not (mflags & NLM_F_MULTI) and not self._want_ack:
                    return out

    def _resolve(self, family):
        payload = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
            string(CTRL_ATTR_FAMILY_NAME, family)
        self._want_ack = True
        seq = self._send(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, payload)
        try:
            bodies = self._recv_all(seq)
        except NlError as e:
            raise NlError(e.errno, "family %s not registered" % family)
        a = parse_attrs(bodies[0][4:])
        fid = struct.unpack("H", a[CTRL_ATTR_FAMILY_ID][:2])[0]
        groups = {}
        for _, grp in iter_attrs(a.get(CTRL_ATTR_MCAST_GROUPS, b"")):
            g = parse_attrs(grp)
            name = g[CTRL_ATTR_MCAST_GRP_NAME].split(b"\0")[0].decode()
            groups[name] = struct.unpack("I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fid, groups

    def request(self, cmd, attrs=b"", dp_ifindex=0, flags=0, dump=False,
                echo=True, version=1, hdr=None):
        """Send one request; return the list of reply Messages."""
        if isinstance(attrs, (list, tuple)):
            attrs = b"".join(attrs)
        if hdr is None:
            hdr = struct.pack("i", dp_ifindex)
        payload = struct.pack("BBH", cmd, version, 0) + hdr + attrs
        f = NLM_F_REQUEST | NLM_F_ACK | flags
        if dump:
            f |= NLM_F_DUMP
        elif echo:
            f |= NLM_F_ECHO
        self._want_ack = True
        seq = self._send(self.family_id, f, payload)
        return [self._decode(b) for b in self._recv_all(seq)]

    def _decode(self, body):
        cmd = body[0]
        dp_ifindex = struct.unpack_from("i", body, 4)[0]
        return Message(cmd, dp_ifindex, parse_attrs(body[4 + self.hdrsize:]),
                       body)

    def subscribe(self, group):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                             self.groups[group])

    def recv_notifications(self, timeout=2.0):
        """Messages that arrive within @timeout seconds (multicast)."""
        self.sock.settimeout(timeout)
        out = []
        try:
            while True:
                data = self.sock.recv(1 << 20)
                off = 0
                while off + 16 <= len(data):
                    mlen, mtype, _, _, _ = struct.unpack_from("IHHII", data,
                                                              off)
                    if mtype == self.family_id:
                        out.append(self._decode(data[off + 16:off + mlen]))
                    off += (mlen + 3) & ~3
                self.sock.settimeout(0.3)
        except (socket.timeout, BlockingIOError):
            pass
        finally:
            self.sock.settimeout(None)
        return out


class Ovs:
    """The datapath and vport families, with typed helpers."""

    def __init__(self):
        self.dp = GenlSocket(OVS["OVS_DATAPATH_FAMILY"])
        self.vport = GenlSocket(OVS["OVS_VPORT_FAMILY"])
        self.flow = GenlSocket(OVS["OVS_FLOW_FAMILY"])
        self.packet = GenlSocket(OVS["OVS_PACKET_FAMILY"])

    def close(self):
        for s in (self.dp, self.vport, self.flow, self.packet):
            s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def dp_new(self, name, upcall_pid=0, features=None, extra=()):
        attrs = [string(OVS["OVS_DP_ATTR_NAME"], name),
                 u32(OVS["OVS_DP_ATTR_UPCALL_PID"], upcall_pid)]
        if features is not None:
            attrs.append(u32(OVS["OVS_DP_ATTR_USER_FEATURES"], features))
        attrs.extend(extra)
        return self.dp.request(OVS["OVS_DP_CMD_NEW"], attrs)[0]

    def dp_get(self, name=None, dp_ifindex=0):
        attrs = [string(OVS["OVS_DP_ATTR_NAME"], name)] if name else []
        return self.dp.request(OVS["OVS_DP_CMD_GET"], attrs,
                               dp_ifindex=dp_ifindex)[0]

    def dp_del(self, name):
        return self.dp.request(OVS["OVS_DP_CMD_DEL"],
                               [string(OVS["OVS_DP_ATTR_NAME"], name)])

    def dp_dump(self):
        return self.dp.request(OVS["OVS_DP_CMD_GET"], dump=True)

    def port_new(self, dp_ifindex, name, vtype, pids=(0,), port_no=None,
                 extra=()):
        attrs = [string(OVS["OVS_VPORT_ATTR_NAME"], name),
                 u32(OVS["OVS_VPORT_ATTR_TYPE"], vtype),
                 attr(OVS["OVS_VPORT_ATTR_UPCALL_PID"],
                      struct.pack("%dI" % len(pids), *pids))]
        if port_no is not None:
            attrs.append(u32(OVS["OVS_VPORT_ATTR_PORT_NO"], port_no))
        attrs.extend(extra)
        return self.vport.request(OVS["OVS_VPORT_CMD_NEW"], attrs,
                                  dp_ifindex=dp_ifindex)[0]

    def port_get(self, name=None, dp_ifindex=0, port_no=None):
        attrs = []
        if name:
            attrs.append(string(OVS["OVS_VPORT_ATTR_NAME"], name))
        if port_no is not None:
            attrs.append(u32(OVS["OVS_VPORT_ATTR_PORT_NO"], port_no))
        return self.vport.request(OVS["OVS_VPORT_CMD_GET"], attrs,
                                  dp_ifindex=dp_ifindex)[0]

    def port_del(self, name=None, dp_ifindex=0, port_no=None):
        attrs = []
        if name:
            attrs.append(string(OVS["OVS_VPORT_ATTR_NAME"], name))
        if port_no is not None:
            attrs.append(u32(OVS["OVS_VPORT_ATTR_PORT_NO"], port_no))
        return self.vport.request(OVS["OVS_VPORT_CMD_DEL"], attrs,
                                  dp_ifindex=dp_ifindex)

    def port_dump(self, dp_ifindex):
        return self.vport.request(OVS["OVS_VPORT_CMD_GET"],
                                  dp_ifindex=dp_ifindex, dump=True)


def expect_errno(err, fn, *args, **kwargs):
    """Call fn and return the NlError it must raise with errno @err."""
    try:
        fn(*args, **kwargs)
    except NlError as e:
        if e.errno != err:
            raise AssertionError("expected %s, got %s" %
                                 (errno.errorcode[err], e)) from e
        return e
    raise AssertionError("expected %s, call succeeded" %
                         errno.errorcode[err])


# ---------------------------------------------------------------------------
# Flow keys, masks and actions as attribute bytes.  Each k_*() returns one
# OVS_KEY_ATTR_* attribute; a key or mask is the concatenation of several
# (pass the list to attr() or to the flow helpers below).

def mac(text):
    """b"\\x02..." from "02:00:00:00:00:01"."""
    return bytes.fromhex(text.replace(":", ""))


def ip4(text):
    return socket.inet_pton(socket.AF_INET, text)


def ip6(text):
    return socket.inet_pton(socket.AF_INET6, text)


def k_u32(name, v):
    return u32(OVS["OVS_KEY_ATTR_" + name], v)


def k_in_port(port):
    return k_u32("IN_PORT", port)


def k_recirc(rid=0):
    return k_u32("RECIRC_ID", rid)


def k_eth(src=b"\0" * 6, dst=b"\0" * 6):
    if isinstance(src, str):
        src = mac(src)
    if isinstance(dst, str):
        dst = mac(dst)
    return attr(OVS["OVS_KEY_ATTR_ETHERNET"], src + dst)


def k_ethertype(etype):
    return be16(OVS["OVS_KEY_ATTR_ETHERTYPE"], etype)


def k_ipv4(src=b"\0" * 4, dst=b"\0" * 4, proto=0, tos=0, ttl=0, frag=0):
    if isinstance(src, str):
        src = ip4(src)
    if isinstance(dst, str):
        dst = ip4(dst)
    return attr(OVS["OVS_KEY_ATTR_IPV4"],
                src + dst + struct.pack("BBBB", proto, tos, ttl, frag))


def k_ipv6(src=b"\0" * 16, dst=b"\0" * 16, label=0, proto=0, tclass=0,
           hlimit=0, frag=0):
    if isinstance(src, str):
        src = ip6(src)
    if isinstance(dst, str):
        dst = ip6(dst)
    return attr(OVS["OVS_KEY_ATTR_IPV6"],
                src + dst + struct.pack("!IBBBB", label, proto, tclass,
                                        hlimit, frag))


def k_l4(kind, sport=0, dport=0):
    """kind: "TCP", "UDP" or "SCTP"."""
    return attr(OVS["OVS_KEY_ATTR_" + kind], struct.pack("!HH", sport, dport))


def k_icmp(itype=0, code=0):
    return attr(OVS["OVS_KEY_ATTR_ICMP"], struct.pack("BB", itype, code))


def k_arp(sip=b"\0" * 4, tip=b"\0" * 4, op=0, sha=b"\0" * 6, tha=b"\0" * 6):
    if isinstance(sip, str):
        sip = ip4(sip)
    if isinstance(tip, str):
        tip = ip4(tip)
    return attr(OVS["OVS_KEY_ATTR_ARP"],
                sip + tip + struct.pack("!H", op) + sha + tha +
                b"\0\0")  # sizeof(struct ovs_key_arp) is 24


def a_output(port):
    return u32(OVS["OVS_ACTION_ATTR_OUTPUT"], port)


def a_userspace(pid, userdata=None):
    inner = [u32(OVS["OVS_USERSPACE_ATTR_PID"], pid)]
    if userdata is not None:
        inner.append(attr(OVS["OVS_USERSPACE_ATTR_USERDATA"], userdata))
    return attr(OVS["OVS_ACTION_ATTR_USERSPACE"], inner)


def a_set(key_attr):
    return attr(OVS["OVS_ACTION_ATTR_SET"], [key_attr])


def a_clone(actions):
    return attr(OVS["OVS_ACTION_ATTR_CLONE"], list(actions) or b"",
                nested=True)


def dp_stats(msg):
    """(n_hit, n_missed, n_lost, n_flows) of a datapath message."""
    return struct.unpack("4Q", msg.attrs[OVS["OVS_DP_ATTR_STATS"]])


def flow_stats(msg):
    """(n_packets, n_bytes) of a flow message; (0, 0) without stats."""
    st = msg.attrs.get(OVS["OVS_FLOW_ATTR_STATS"])
    return struct.unpack("2Q", st) if st else (0, 0)


class Flows:
    """The flow family of datapath @dp_ifindex, with typed helpers.  Keys,
    masks and actions are attribute bytes or lists of them."""

    def __init__(self, sock, dp_ifindex):
        self.sock = sock
        self.dp = dp_ifindex

    @staticmethod
    def _attrs(key=None, mask=None, actions=None, ufid=None,
               ufid_flags=None, extra=()):
        out = []
        if ufid is not None:
            out.append(attr(OVS["OVS_FLOW_ATTR_UFID"], ufid))
        if key is not None:
            out.append(attr(OVS["OVS_FLOW_ATTR_KEY"], key, nested=True))
        if mask is not None:
            out.append(attr(OVS["OVS_FLOW_ATTR_MASK"], mask, nested=True))
        if actions is not None:
            out.append(attr(OVS["OVS_FLOW_ATTR_ACTIONS"], actions,
                            nested=True))
        if ufid_flags is not None:
            out.append(u32(OVS["OVS_FLOW_ATTR_UFID_FLAGS"], ufid_flags))
        out.extend(extra)
        return out

    def new(self, key, mask=None, actions=(), ufid=None, create=True,
            ufid_flags=None, extra=()):
        """OVS_FLOW_CMD_NEW; NLM_F_CREATE unless @create is False."""
        msgs = self.sock.request(
            OVS["OVS_FLOW_CMD_NEW"],
            self._attrs(key, mask, actions, ufid, ufid_flags, extra),
            dp_ifindex=self.dp, flags=NLM_F_CREATE if create else 0)
        return msgs[0] if msgs else None

    def set(self, key=None, mask=None, actions=None, ufid=None,
            clear=False, ufid_flags=None):
        extra = [flag(OVS["OVS_FLOW_ATTR_CLEAR"])] if clear else []
        msgs = self.sock.request(
            OVS["OVS_FLOW_CMD_SET"],
            self._attrs(key, mask, actions, ufid, ufid_flags, extra),
            dp_ifindex=self.dp)
        return msgs[0] if msgs else None

    def get(self, key=None, ufid=None, ufid_flags=None):
        return self.sock.request(
            OVS["OVS_FLOW_CMD_GET"],
            self._attrs(key, None, None, ufid, ufid_flags),
            dp_ifindex=self.dp)[0]

    def delete(self, key=None, ufid=None):
        """Delete one flow, or all of them without @key and @ufid."""
        msgs = self.sock.request(OVS["OVS_FLOW_CMD_DEL"],
                                 self._attrs(key, None, None, ufid),
                                 dp_ifindex=self.dp)
        return msgs[0] if msgs else None

    def dump(self, ufid_flags=None):
        return self.sock.request(OVS["OVS_FLOW_CMD_GET"],
                                 self._attrs(ufid_flags=ufid_flags),
                                 dp_ifindex=self.dp, dump=True)


def packet_execute(sock, dp_ifindex, packet, key, actions, extra=()):
    """OVS_PACKET_CMD_EXECUTE of @packet (bytes) with metadata @key and
    @actions (attribute bytes or lists of them)."""
    return sock.request(
        OVS["OVS_PACKET_CMD_EXECUTE"],
        [attr(OVS["OVS_PACKET_ATTR_PACKET"], packet),
         attr(OVS["OVS_PACKET_ATTR_KEY"], key, nested=True),
         attr(OVS["OVS_PACKET_ATTR_ACTIONS"], actions, nested=True)] +
        list(extra), dp_ifindex=dp_ifindex, echo=False)
