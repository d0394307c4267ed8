// SPDX-License-Identifier: GPL-2.0
/*
 * ovsdp-switchd: a VLAN-aware learning switch on one Open vSwitch
 * datapath, with no ovsdb and no ovs-vswitchd.
 *
 * Every switch port gets its own upcall socket (its netlink port id is
 * the vport's OVS_VPORT_ATTR_UPCALL_PID).  A missed packet teaches us
 * (VLAN, source MAC) -> port; we then install a megaflow matching only
 * what the forwarding decision looked at (in_port, tag presence and VID,
 * source and destination MAC) and send the packet itself back with
 * OVS_PACKET_CMD_EXECUTE and the same actions.
 *
 * Ports are served round-robin, a bounded batch each per round, behind a
 * per-port token bucket, so that one port missing at line rate cannot
 * starve the others' new flows.
 *
 * Every flow carries a UFID derived from its match, so that the flows
 * depending on a MAC entry can be deleted precisely when the entry moves
 * or ages out, and so that a restarted daemon recognises (and adopts) the
 * flows of its predecessor.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "ovsdp/dp_ext.h"
#include "ovsdp/odp.h"
#include "ovsdp/ovsdp.h"

static const char *prog = "ovsdp-switchd";

/* ---- logging ---- */

enum { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DBG };
static const char *const level_names[] = { "err", "warn", "info", "dbg" };
static int log_level = LOG_INFO;
static FILE *log_fp;

static void vlog(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vlog(int level, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	va_list ap;
	FILE *f = log_fp ? log_fp : stderr;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(f, "%02d:%02d:%02d.%03ld %s|%s|", tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts.tv_nsec / 1000000, prog, level_names[level]);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

#define ERR(...) vlog(LOG_ERR, __VA_ARGS__)
#define WARN(...) vlog(LOG_WARN, __VA_ARGS__)
#define INFO(...) vlog(LOG_INFO, __VA_ARGS__)
#define DBG(...) vlog(LOG_DBG, __VA_ARGS__)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#define MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) (m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]

/* ---- configuration ---- */

#define MAX_PORTS 256
#define NO_VLAN (-1)

struct port_cfg {
	char name[IFNAMSIZ];
	int vlan;			/* access VLAN, NO_VLAN for trunks */
	bool trunk;
	bool trunk_all;			/* trunk carrying every VLAN */
	uint8_t allowed[512];		/* trunk VLAN bitmap */
	bool internal;			/* --create makes an internal port */
};

static struct {
	const char *dp;
	bool create;
	struct port_cfg ports[MAX_PORTS];
	int n_ports;
	int default_vlan;		/* for unlisted ports, NO_VLAN: ignore */
	double rate;			/* upcalls/s per port, 0: unlimited */
	double burst;
	int batch;
	uint64_t idle_ms;
	uint64_t mac_age_ms;
	int max_flows;
	int max_macs;
	const char *ctl_path;
	const char *pidfile;
	const char *log_file;
	bool detach;
	bool cleanup;
} cfg = {
	.default_vlan = 0,
	.rate = 1000,
	.batch = 64,
	.idle_ms = 10000,
	.mac_age_ms = 300000,
	.max_flows = 65536,
	.max_macs = 8192,
};

/* ---- switch state ---- */

struct port {
	bool used;
	uint32_t port_no;
	char name[IFNAMSIZ];
	struct port_cfg pc;
	struct ovsdp_listener *l;
	/* token bucket */
	double tokens;
	uint64_t refill_ns;
	/* counters */
	uint64_t upcalls;		/* received on this port's socket */
	uint64_t handled;		/* decided, flow installed, executed */
	uint64_t rate_dropped;		/* refused by the token bucket */
	uint64_t overruns;		/* socket overflowed (ENOBUFS) */
	uint64_t errors;		/* install/execute failures */
};

struct mac_entry {
	struct mac_entry *next;
	int vlan;
	uint8_t mac[6];
	uint32_t port_no;
	uint64_t seen_ms;
};

enum flow_kind { FLOW_UNICAST, FLOW_FLOOD, FLOW_DROP };

/*
 * Flows are also indexed by the MACs their decision read, so that
 * learning, moving or ageing one MAC revisits the flows of that MAC
 * only: a walk over every flow per learned MAC made flow setup cost
 * time in proportion to the flows installed.
 */
enum { BY_SRC, BY_DST, N_MAC_INDEX };

struct flow;

struct mac_link {
	struct flow *next;
	struct flow **pprev;	/* the pointer that points at this flow */
};

/* What a megaflow matches on; everything else is wildcarded. */
struct match {
	uint32_t in_port;
	bool tagged;			/* input frame carries an 802.1Q tag */
	uint16_t vid;			/* its VID when tagged */
	uint8_t src[6], dst[6];
};

struct flow {
	struct flow *next;
	uint8_t ufid[16];
	struct match m;
	int vlan;			/* VLAN the frame was classified into */
	enum flow_kind kind;
	bool dst_known;			/* decision used a learned dst entry */
	uint32_t out_port;		/* FLOW_UNICAST */
	uint8_t *actions;
	size_t actions_len;
	uint64_t installed_ms;
	uint64_t used_ms;
	uint64_t packets, bytes;
	uint64_t seen_poll;		/* last stats poll that found it */
	int pending;			/* 1 + its slot in pend.puts, or 0 */
	struct mac_link by_mac[N_MAC_INDEX];
};

/* A flow younger than this may still meet misses queued before it. */
#define FLOW_SETTLE_MS 1000

#define MAC_BUCKETS 4096
#define FLOW_BUCKETS 16384

static struct {
	struct ovsdp *h;
	int dp_ifindex;
	bool created_dp;
	struct port ports[MAX_PORTS];
	struct ovsdp_listener *notify;
	struct mac_entry *macs[MAC_BUCKETS];
	int n_macs;
	struct flow *flows[FLOW_BUCKETS];
	struct flow *flows_by_mac[N_MAC_INDEX][MAC_BUCKETS];
	int n_flows;
	int n_unknown_flood;		/* flood flows of unknown unicast dsts */
	unsigned int rr_next;		/* port slot to serve first next round */
	int ctl_fd;
	uint64_t flows_installed, flows_deleted, flows_expired;
	uint64_t polls;
	uint64_t flows_adopted, macs_moved, macs_aged;
} sw = { .ctl_fd = -1 };

static volatile sig_atomic_t stop_requested;

static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352d;
	h ^= h >> 15;
	h *= 0x846ca68b;
	h ^= h >> 16;
	return h;
}

static uint32_t mac_hash(int vlan, const uint8_t *mac)
{
	uint32_t h = (uint32_t)vlan * 0x9e3779b9u;
	int i;

	for (i = 0; i < 6; i++)
		h = mix32(h ^ mac[i] ^ (i << 8));
	return h;
}

/* ---- ports ---- */

static struct port *port_by_no(uint32_t port_no)
{
	int i;

	for (i = 0; i < MAX_PORTS; i++)
		if (sw.ports[i].used && sw.ports[i].port_no == port_no)
			return &sw.ports[i];
	return NULL;
}

static const struct port_cfg *cfg_by_name(const char *name)
{
	int i;

	for (i = 0; i < cfg.n_ports; i++)
		if (!strcmp(cfg.ports[i].name, name))
			return &cfg.ports[i];
	return NULL;
}

static bool vlan_allowed(const struct port_cfg *pc, int vlan)
{
	if (!pc->trunk)
		return pc->vlan == vlan;
	return pc->trunk_all || (pc->allowed[vlan / 8] & (1 << (vlan % 8)));
}

/* Whether frames leave @pc in @vlan tagged. */
static bool egress_tagged(const struct port_cfg *pc, int vlan)
{
	return pc->trunk && vlan != 0;
}

/* ---- MAC table ---- */

static struct mac_entry *mac_lookup(int vlan, const uint8_t *mac)
{
	struct mac_entry *e;

	for (e = sw.macs[mac_hash(vlan, mac) % MAC_BUCKETS]; e; e = e->next)
		if (e->vlan == vlan && !memcmp(e->mac, mac, 6))
			return e;
	return NULL;
}

static void mac_unlink(struct mac_entry *victim)
{
	struct mac_entry **pp;

	pp = &sw.macs[mac_hash(victim->vlan, victim->mac) % MAC_BUCKETS];
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == victim) {
			*pp = victim->next;
			sw.n_macs--;
			free(victim);
			return;
		}
	}
}

/* ---- flows ---- */

/*
 * UFIDs are a function of the match: "OSWD" followed by 12 bytes of hash.
 * The same decision therefore gets the same UFID in every daemon
 * instance, which is what lets a restarted daemon adopt flows.
 */
static void match_ufid(const struct match *m, uint8_t ufid[16])
{
	uint32_t h[3], seed = m->in_port ^ (m->tagged ? 0x10000u : 0) ^
			      ((uint32_t)m->vid << 17);
	int i, k;

	for (k = 0; k < 3; k++) {
		h[k] = mix32(seed + 0x9e3779b9u * (k + 1));
		for (i = 0; i < 6; i++) {
			h[k] = mix32(h[k] ^ m->src[i] ^ (i << 8));
			h[k] = mix32(h[k] ^ m->dst[i] ^ (i << 12));
		}
	}
	memcpy(ufid, "OSWD", 4);
	memcpy(ufid + 4, h, 12);
}

static bool ufid_is_ours(const void *ufid, size_t len)
{
	return len == 16 && !memcmp(ufid, "OSWD", 4);
}

static uint32_t ufid_bucket(const uint8_t *ufid)
{
	uint32_t v;

	memcpy(&v, ufid + 4, 4);
	return v % FLOW_BUCKETS;
}

static struct flow *flow_lookup(const uint8_t *ufid)
{
	struct flow *f;

	for (f = sw.flows[ufid_bucket(ufid)]; f; f = f->next)
		if (!memcmp(f->ufid, ufid, 16))
			return f;
	return NULL;
}

/*
 * The flow installs and packet executions that one port's batch of
 * upcalls asks for go to the kernel together when the batch is done: one
 * send for the flows, then one for the packets, where a transaction each
 * took six system calls an upcall.  Flows go first, so that packets
 * behind the ones executed meet them.
 */
#define PENDING_MAX 64

struct pending_put {
	struct flow *f;			/* NULL once the flow is gone */
	/* Points into f (actions, UFID) and into key and mask below. */
	struct ovsdp_flow req;
	struct ovsdp_buf key, mask;
};

struct pending_exec {
	struct port *p;
	struct ovsdp_packet_exec px;
	struct ovsdp_buf data;		/* packet, key, actions */
};

static struct {
	struct pending_put puts[PENDING_MAX];
	size_t n_puts;
	struct pending_exec execs[PENDING_MAX];
	size_t n_execs;
	struct ovsdp_batch_result res[PENDING_MAX];
} pend;

static void flow_free(struct flow *f)
{
	if (f->pending)
		pend.puts[f->pending - 1].f = NULL;
	free(f->actions);
	free(f);
}

static const uint8_t *flow_mac(const struct flow *f, int which)
{
	return which == BY_SRC ? f->m.src : f->m.dst;
}

static struct flow **mac_index_head(int which, int vlan, const uint8_t *mac)
{
	return &sw.flows_by_mac[which][mac_hash(vlan, mac) % MAC_BUCKETS];
}

static void flow_index_mac(struct flow *f, int which)
{
	struct flow **head = mac_index_head(which, f->vlan, flow_mac(f, which));
	struct mac_link *l = &f->by_mac[which];

	l->next = *head;
	if (l->next)
		l->next->by_mac[which].pprev = &l->next;
	l->pprev = head;
	*head = f;
}

static void flow_unindex_mac(struct flow *f, int which)
{
	struct mac_link *l = &f->by_mac[which];

	*l->pprev = l->next;
	if (l->next)
		l->next->by_mac[which].pprev = l->pprev;
}

static void flow_forget(struct flow *victim)
{
	struct flow **pp = &sw.flows[ufid_bucket(victim->ufid)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == victim) {
			*pp = victim->next;
			flow_unindex_mac(victim, BY_SRC);
			flow_unindex_mac(victim, BY_DST);
			sw.n_flows--;
			if (victim->kind == FLOW_FLOOD && !victim->dst_known)
				sw.n_unknown_flood--;
			flow_free(victim);
			return;
		}
	}
}

static void flow_insert(struct flow *f)
{
	uint32_t b = ufid_bucket(f->ufid);

	f->next = sw.flows[b];
	sw.flows[b] = f;
	flow_index_mac(f, BY_SRC);
	flow_index_mac(f, BY_DST);
	sw.n_flows++;
	if (f->kind == FLOW_FLOOD && !f->dst_known)
		sw.n_unknown_flood++;
}

static int kernel_flow_del(const uint8_t *ufid)
{
	struct ovsdp_flow req = {
		.dp_ifindex = sw.dp_ifindex,
		.ufid = ufid,
		.ufid_len = 16,
	};
	int rc = ovsdp_flow_del(sw.h, &req, NULL, NULL);

	if (rc && rc != -ENOENT)
		WARN("deleting flow: %s %s", strerror(-rc),
		     ovsdp_error_msg(sw.h));
	return rc;
}

/* Removes a flow from the kernel and from our table. */
static void flow_remove(struct flow *f, const char *why)
{
	DBG("delete flow in_port=%u vlan=%d src=" MAC_FMT " dst=" MAC_FMT
	    " (%s)", f->m.in_port, f->vlan, MAC_ARGS(f->m.src),
	    MAC_ARGS(f->m.dst), why);
	kernel_flow_del(f->ufid);
	sw.flows_deleted++;
	flow_forget(f);
}

/*
 * Deletes every flow for which @pred is true.  Deleting while walking is
 * fine: the next pointer is read before the flow is freed.
 */
static int flows_remove_if(bool (*pred)(const struct flow *, const void *),
			   const void *arg, const char *why)
{
	struct flow *f, *next;
	int b, n = 0;

	for (b = 0; b < FLOW_BUCKETS; b++) {
		for (f = sw.flows[b]; f; f = next) {
			next = f->next;
			if (pred(f, arg)) {
				flow_remove(f, why);
				n++;
			}
		}
	}
	return n;
}

struct vlan_mac {
	int vlan;
	const uint8_t *mac;
};

/*
 * Deletes the flows for which @pred is true among those whose source
 * (BY_SRC) or destination (BY_DST) MAC hashes like @vm's.
 */
static int flows_remove_by_mac(int which, const struct vlan_mac *vm,
			       bool (*pred)(const struct flow *, const void *),
			       const char *why)
{
	struct flow *f, *next;
	int n = 0;

	for (f = *mac_index_head(which, vm->vlan, vm->mac); f; f = next) {
		next = f->by_mac[which].next;
		if (pred(f, vm)) {
			flow_remove(f, why);
			n++;
		}
	}
	return n;
}

/* Flows whose decision read this MAC entry: as source or destination. */
static bool depends_on_mac(const struct flow *f, const void *arg)
{
	const struct vlan_mac *vm = arg;

	if (f->vlan != vm->vlan)
		return false;
	return !memcmp(f->m.src, vm->mac, 6) ||
	       (f->dst_known && !memcmp(f->m.dst, vm->mac, 6));
}

/* Deletes the flows that read @vm's MAC entry. */
static void flows_remove_mac(const struct vlan_mac *vm, const char *why)
{
	flows_remove_by_mac(BY_SRC, vm, depends_on_mac, why);
	flows_remove_by_mac(BY_DST, vm, depends_on_mac, why);
}

/* Flood flows sent to a unicast dst we did not know yet. */
static bool floods_unknown_dst(const struct flow *f, const void *arg)
{
	const struct vlan_mac *vm = arg;

	return f->vlan == vm->vlan && f->kind == FLOW_FLOOD &&
	       !f->dst_known && !memcmp(f->m.dst, vm->mac, 6);
}

/* Flows whose result depends on the set of ports in @vlan (or on @port). */
static bool depends_on_port(const struct flow *f, const void *arg)
{
	const struct port *p = arg;

	if (f->m.in_port == p->port_no)
		return true;
	if (f->kind == FLOW_UNICAST)
		return f->out_port == p->port_no;
	return f->kind == FLOW_FLOOD && vlan_allowed(&p->pc, f->vlan);
}

/* ---- learning ---- */

static void learn(int vlan, const uint8_t *mac, uint32_t port_no)
{
	struct vlan_mac vm = { vlan, mac };
	struct mac_entry *e;
	uint32_t b;

	if (mac[0] & 1)
		return;		/* multicast sources are bogus */
	e = mac_lookup(vlan, mac);
	if (e) {
		e->seen_ms = now_ms();
		if (e->port_no == port_no)
			return;
		INFO("MAC " MAC_FMT " vlan %d moved from port %u to %u",
		     MAC_ARGS(mac), vlan, e->port_no, port_no);
		sw.macs_moved++;
		flows_remove_mac(&vm, "mac moved");
		e->port_no = port_no;
		return;
	}
	if (sw.n_macs >= cfg.max_macs)
		return;
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->vlan = vlan;
	memcpy(e->mac, mac, 6);
	e->port_no = port_no;
	e->seen_ms = now_ms();
	b = mac_hash(vlan, mac) % MAC_BUCKETS;
	e->next = sw.macs[b];
	sw.macs[b] = e;
	sw.n_macs++;
	DBG("learned " MAC_FMT " vlan %d on port %u", MAC_ARGS(mac), vlan,
	    port_no);
	if (sw.n_unknown_flood)
		flows_remove_by_mac(BY_DST, &vm, floods_unknown_dst,
				    "dst learned");
}

static void macs_age(void)
{
	struct mac_entry *e, *next;
	uint64_t now = now_ms();
	int b;

	for (b = 0; b < MAC_BUCKETS; b++) {
		for (e = sw.macs[b]; e; e = next) {
			struct vlan_mac vm = { e->vlan, e->mac };

			next = e->next;
			if (now - e->seen_ms < cfg.mac_age_ms)
				continue;
			DBG("MAC " MAC_FMT " vlan %d aged out", MAC_ARGS(e->mac),
			    e->vlan);
			flows_remove_mac(&vm, "mac aged");
			sw.macs_aged++;
			mac_unlink(e);
		}
	}
}

static void macs_forget_port(uint32_t port_no)
{
	struct mac_entry *e, *next;
	int b;

	for (b = 0; b < MAC_BUCKETS; b++) {
		for (e = sw.macs[b]; e; e = next) {
			next = e->next;
			if (e->port_no == port_no)
				mac_unlink(e);
		}
	}
}

/* ---- keys, masks, actions ---- */

static const struct nlattr *attr_next(const uint8_t **pos, size_t *left)
{
	const struct nlattr *a = (const void *)*pos;
	size_t step;

	if (*left < sizeof(*a) || a->nla_len < sizeof(*a) ||
	    a->nla_len > *left)
		return NULL;
	step = NLA_ALIGN(a->nla_len);
	if (step > *left)
		step = *left;
	*pos += step;
	*left -= step;
	return a;
}

#define ATTR_DATA(a) ((const uint8_t *)(a) + NLA_HDRLEN)
#define ATTR_LEN(a) ((a)->nla_len - NLA_HDRLEN)
#define ATTR_TYPE(a) ((a)->nla_type & NLA_TYPE_MASK)

/*
 * Reads the fields we switch on from a packet key.  Returns false for
 * frames we do not handle (no Ethernet header, truncated or 802.1ad tag).
 */
static bool match_from_key(const void *key, size_t len, struct match *m)
{
	const uint8_t *pos = key;
	const struct nlattr *a;
	bool have_port = false, have_eth = false, vlan_type = false;
	uint16_t tci = 0;
	bool have_tci = false;

	memset(m, 0, sizeof(*m));
	while ((a = attr_next(&pos, &len))) {
		switch (ATTR_TYPE(a)) {
		case OVS_KEY_ATTR_IN_PORT:
			if (ATTR_LEN(a) != 4)
				return false;
			memcpy(&m->in_port, ATTR_DATA(a), 4);
			have_port = true;
			break;
		case OVS_KEY_ATTR_ETHERNET:
			if (ATTR_LEN(a) != sizeof(struct ovs_key_ethernet))
				return false;
			memcpy(m->src, ATTR_DATA(a), 6);
			memcpy(m->dst, ATTR_DATA(a) + 6, 6);
			have_eth = true;
			break;
		case OVS_KEY_ATTR_ETHERTYPE: {
			uint16_t t;

			if (ATTR_LEN(a) != 2)
				return false;
			memcpy(&t, ATTR_DATA(a), 2);
			if (ntohs(t) == 0x88a8)
				return false;	/* S-tags: not ours */
			vlan_type = ntohs(t) == 0x8100;
			break;
		}
		case OVS_KEY_ATTR_VLAN:
			if (ATTR_LEN(a) != 2)
				return false;
			memcpy(&tci, ATTR_DATA(a), 2);
			tci = ntohs(tci);
			have_tci = true;
			break;
		default:
			break;
		}
	}
	if (!have_port || !have_eth)
		return false;
	if (vlan_type) {
		if (!have_tci || !(tci & 0x1000))
			return false;	/* truncated tag */
		m->tagged = true;
		m->vid = tci & 0xfff;
	}
	return true;
}

/*
 * The megaflow of a match: in_port and both MACs exact; for tagged frames
 * the TPID and VID+tag-present bits exact (PCP wildcarded); for untagged
 * frames the kernel always matches the whole TCI, which pins "no tag".
 * The EtherType is left out of the key, hence wildcarded.
 */
static void match_to_flow(const struct match *m, struct ovsdp_buf *key,
			  struct ovsdp_buf *mask)
{
	struct ovs_key_ethernet eth;
	uint16_t v;
	size_t nest;

	memcpy(eth.eth_src, m->src, 6);
	memcpy(eth.eth_dst, m->dst, 6);
	ovsdp_attr_put_u32(key, OVS_KEY_ATTR_IN_PORT, m->in_port);
	ovsdp_attr_put(key, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	ovsdp_attr_put_u32(mask, OVS_KEY_ATTR_IN_PORT, 0xffffffff);
	memset(&eth, 0xff, sizeof(eth));
	ovsdp_attr_put(mask, OVS_KEY_ATTR_ETHERNET, &eth, sizeof(eth));
	if (!m->tagged)
		return;
	v = htons(0x8100);
	ovsdp_attr_put(key, OVS_KEY_ATTR_ETHERTYPE, &v, 2);
	v = htons(0x1000 | m->vid);
	ovsdp_attr_put(key, OVS_KEY_ATTR_VLAN, &v, 2);
	nest = ovsdp_attr_nest_start(key, OVS_KEY_ATTR_ENCAP);
	ovsdp_attr_nest_end(key, nest);
	v = 0xffff;
	ovsdp_attr_put(mask, OVS_KEY_ATTR_ETHERTYPE, &v, 2);
	v = htons(0x1fff);
	ovsdp_attr_put(mask, OVS_KEY_ATTR_VLAN, &v, 2);
	/*
	 * The mask's encap must not be empty: the in-tree module skips
	 * all-zero mask attributes and then rejects the VLAN mask as
	 * unexpected.  A zero inner EtherType keeps it non-empty and still
	 * wildcards the inner EtherType.
	 */
	nest = ovsdp_attr_nest_start(mask, OVS_KEY_ATTR_ENCAP);
	v = 0;
	ovsdp_attr_put(mask, OVS_KEY_ATTR_ETHERTYPE, &v, 2);
	ovsdp_attr_nest_end(mask, nest);
}

/* VLAN a frame belongs to, NO_VLAN if @in refuses it. */
static int classify(const struct port *in, const struct match *m)
{
	if (!in->pc.trunk)
		return m->tagged ? NO_VLAN : in->pc.vlan;
	if (!m->tagged)
		return 0;	/* untagged on a trunk: the native VLAN 0 */
	if (m->vid == 0 || !vlan_allowed(&in->pc, m->vid))
		return NO_VLAN;
	return m->vid;
}

struct decision {
	int vlan;
	enum flow_kind kind;
	bool dst_known;
	uint32_t out_port;
};

static void put_output(struct ovsdp_buf *acts, uint32_t port_no)
{
	ovsdp_attr_put_u32(acts, OVS_ACTION_ATTR_OUTPUT, port_no);
}

static void put_push_vlan(struct ovsdp_buf *acts, int vlan)
{
	struct ovs_action_push_vlan pv = {
		.vlan_tpid = htons(0x8100),
		.vlan_tci = htons(0x1000 | vlan),
	};

	ovsdp_attr_put(acts, OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof(pv));
}

/*
 * Outputs to @outs (port numbers ascending), fixing the tag on the way:
 * first the ports that want the frame as it came in, then one tag change
 * (pop or push) and the others, so the frame is rewritten at most once.
 */
static void build_outputs(struct ovsdp_buf *acts, const struct match *m,
			  int vlan, const uint32_t *outs, int n)
{
	bool changed = false;
	int pass, i;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			struct port *p = port_by_no(outs[i]);
			bool want_tag = egress_tagged(&p->pc, vlan);

			if ((want_tag == m->tagged) != (pass == 0))
				continue;
			if (pass == 1 && !changed) {
				if (m->tagged)
					ovsdp_attr_put(acts,
						       OVS_ACTION_ATTR_POP_VLAN,
						       NULL, 0);
				else
					put_push_vlan(acts, vlan);
				changed = true;
			}
			put_output(acts, outs[i]);
		}
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The forwarding decision for @m, from the current tables. */
static void decide(const struct match *m, struct decision *d,
		   struct ovsdp_buf *acts)
{
	struct port *in = port_by_no(m->in_port);
	uint32_t outs[MAX_PORTS];
	struct mac_entry *e;
	int i, n = 0;

	memset(d, 0, sizeof(*d));
	d->kind = FLOW_DROP;
	d->vlan = in ? classify(in, m) : NO_VLAN;
	if (d->vlan == NO_VLAN)
		return;
	e = (m->dst[0] & 1) ? NULL : mac_lookup(d->vlan, m->dst);
	if (e && port_by_no(e->port_no)) {
		d->dst_known = true;
		if (e->port_no == m->in_port)
			return;	/* the destination is behind the input port */
		d->kind = FLOW_UNICAST;
		d->out_port = outs[n++] = e->port_no;
	} else {
		d->kind = FLOW_FLOOD;
		for (i = 0; i < MAX_PORTS; i++) {
			struct port *p = &sw.ports[i];

			if (p->used && p->port_no != m->in_port &&
			    vlan_allowed(&p->pc, d->vlan))
				outs[n++] = p->port_no;
		}
		qsort(outs, n, sizeof(outs[0]), cmp_u32);
	}
	build_outputs(acts, m, d->vlan, outs, n);
}

/* ---- upcall handling ---- */

static void pending_flush(void);

/* Queues the megaflow for @m (see pending_flush); returns it. */
static struct flow *flow_install(const struct match *m,
				 const struct decision *d,
				 const struct ovsdp_buf *acts)
{
	struct pending_put *put;
	uint8_t ufid[16];
	struct flow *f;

	match_ufid(m, ufid);
	f = flow_lookup(ufid);
	/*
	 * A miss queued just before the flow went in needs nothing; a miss
	 * well after means the kernel no longer has it (someone deleted it
	 * behind our back): install it again.
	 */
	if (f && f->actions_len == acts->len &&
	    !memcmp(f->actions, acts->data, acts->len) &&
	    now_ms() - f->installed_ms < FLOW_SETTLE_MS)
		return f;
	if (f)
		flow_forget(f);
	if (sw.n_flows >= cfg.max_flows)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->actions = malloc(acts->len ? acts->len : 1);
	if (!f->actions) {
		free(f);
		return NULL;
	}
	memcpy(f->actions, acts->data, acts->len);
	f->actions_len = acts->len;
	memcpy(f->ufid, ufid, 16);
	f->m = *m;
	f->vlan = d->vlan;
	f->kind = d->kind;
	f->dst_known = d->dst_known;
	f->out_port = d->out_port;
	f->installed_ms = now_ms();

	if (pend.n_puts == PENDING_MAX)
		pending_flush();
	put = &pend.puts[pend.n_puts];
	ovsdp_buf_clear(&put->key);
	ovsdp_buf_clear(&put->mask);
	match_to_flow(m, &put->key, &put->mask);
	memset(&put->req, 0, sizeof(put->req));
	put->req.dp_ifindex = sw.dp_ifindex;
	put->req.key = put->key.data;
	put->req.key_len = put->key.len;
	put->req.mask = put->mask.data;
	put->req.mask_len = put->mask.len;
	put->req.actions = f->actions;
	put->req.actions_len = f->actions_len;
	put->req.ufid = f->ufid;
	put->req.ufid_len = 16;
	put->f = f;
	f->pending = ++pend.n_puts;
	/* In the table now: more misses of this batch find it queued. */
	flow_insert(f);
	return f;
}

/* Queues the upcall's packet to be sent with @acts (see pending_flush). */
static void exec_queue(struct port *p, const struct ovsdp_upcall *up,
		       const struct ovsdp_buf *acts)
{
	struct pending_exec *e;
	struct ovsdp_packet_exec *px;
	uint8_t *data;

	if (pend.n_execs == PENDING_MAX)
		pending_flush();
	e = &pend.execs[pend.n_execs];
	/* The upcall lives in the listener's buffer until the next read. */
	ovsdp_buf_clear(&e->data);
	if (!ovsdp_buf_put(&e->data, up->packet, up->packet_len) ||
	    !ovsdp_buf_put(&e->data, up->key, up->key_len) ||
	    !ovsdp_buf_put(&e->data, acts->data, acts->len)) {
		p->errors++;
		return;
	}
	data = e->data.data;
	px = &e->px;
	memset(px, 0, sizeof(*px));
	px->dp_ifindex = sw.dp_ifindex;
	px->packet = data;
	px->packet_len = up->packet_len;
	px->key = data + up->packet_len;
	px->key_len = up->key_len;
	px->actions = data + up->packet_len + up->key_len;
	px->actions_len = acts->len;
	px->mru = up->mru;
	e->p = p;
	pend.n_execs++;
}

static void puts_flush(void)
{
	struct ovsdp_flow reqs[PENDING_MAX];
	struct flow *flows[PENDING_MAX];
	size_t i, n = 0;
	int rc;

	/*
	 * A flow replaced while queued (its actions changed within the
	 * batch) is gone, and its request points into it: only the
	 * replacement, queued after it, is sent.
	 */
	for (i = 0; i < pend.n_puts; i++) {
		if (!pend.puts[i].f)
			continue;
		flows[n] = pend.puts[i].f;
		reqs[n++] = pend.puts[i].req;
	}
	pend.n_puts = 0;
	if (!n)
		return;
	rc = ovsdp_flow_put_batch(sw.h, reqs, n, 0, PENDING_MAX, pend.res);
	for (i = 0; i < n; i++) {
		struct flow *f = flows[i];
		int err = rc < 0 ? rc : pend.res[i].error;

		f->pending = 0;
		if (!err) {
			sw.flows_installed++;
			continue;
		}
		WARN("installing flow in_port=%u dst=" MAC_FMT ": %s %s",
		     f->m.in_port, MAC_ARGS(f->m.dst), strerror(-err),
		     rc < 0 ? "" : pend.res[i].msg);
		flow_forget(f);
	}
}

static void execs_flush(void)
{
	struct ovsdp_packet_exec reqs[PENDING_MAX];
	size_t i, n = pend.n_execs;
	int rc;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		reqs[i] = pend.execs[i].px;
	rc = ovsdp_packet_execute_batch(sw.h, reqs, n, pend.res);
	for (i = 0; i < n; i++) {
		int err = rc < 0 ? rc : pend.res[i].error;

		if (!err)
			continue;
		pend.execs[i].p->errors++;
		DBG("execute: %s %s", strerror(-err),
		    rc < 0 ? "" : pend.res[i].msg);
	}
	pend.n_execs = 0;
}

static void pending_flush(void)
{
	puts_flush();
	execs_flush();
}

static void handle_miss(struct port *p, const struct ovsdp_upcall *up)
{
	struct ovsdp_buf acts;
	struct decision d;
	struct match m;

	if (!match_from_key(up->key, up->key_len, &m)) {
		DBG("port %s: upcall with a key we do not switch", p->name);
		return;
	}
	if (m.in_port != p->port_no)
		DBG("port %s: upcall for in_port %u", p->name, m.in_port);
	ovsdp_buf_init(&acts);
	d.vlan = port_by_no(m.in_port) ?
		 classify(port_by_no(m.in_port), &m) : NO_VLAN;
	if (d.vlan != NO_VLAN)
		learn(d.vlan, m.src, m.in_port);
	decide(&m, &d, &acts);
	flow_install(&m, &d, &acts);
	if (acts.len)
		exec_queue(p, up, &acts);
	p->handled++;
	ovsdp_buf_free(&acts);
}

/* Token bucket: one token per upcall, refilled at cfg.rate per second. */
static bool take_token(struct port *p)
{
	uint64_t now;

	if (cfg.rate <= 0)
		return true;
	now = now_ns();
	p->tokens += (now - p->refill_ns) * cfg.rate / 1e9;
	p->refill_ns = now;
	if (p->tokens > cfg.burst)
		p->tokens = cfg.burst;
	if (p->tokens < 1)
		return false;
	p->tokens -= 1;
	return true;
}

static int on_upcall(const struct ovsdp_event *ev, void *arg)
{
	struct port *p = arg;

	if (ev->family != OVSDP_PACKET || ev->u.upcall.cmd !=
	    OVS_PACKET_CMD_MISS)
		return 0;
	p->upcalls++;
	if (!take_token(p)) {
		p->rate_dropped++;
		return 0;
	}
	handle_miss(p, &ev->u.upcall);
	return 0;
}

/*
 * Serves up to cfg.batch upcalls of one port.  Returns how many were
 * read, so the main loop knows whether another round is needed.
 */
static int serve_port(struct port *p)
{
	int i, rc;

	for (i = 0; i < cfg.batch; i++) {
		rc = ovsdp_listener_recv(p->l, on_upcall, p);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			break;
		if (rc == -ENOBUFS) {
			p->overruns++;
			continue;
		}
		if (rc < 0) {
			WARN("port %s: receive: %s", p->name, strerror(-rc));
			break;
		}
	}
	pending_flush();
	return i;
}

/* ---- port management ---- */

static void port_cfg_default(struct port_cfg *pc, const char *name)
{
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->name, sizeof(pc->name), "%s", name);
	pc->vlan = cfg.default_vlan;
}

static void port_detach(struct port *p, const char *why)
{
	INFO("port %s (%u) leaves the switch: %s", p->name, p->port_no, why);
	flows_remove_if(depends_on_port, p, "port removed");
	macs_forget_port(p->port_no);
	ovsdp_listener_close(p->l);
	memset(p, 0, sizeof(*p));
}

/* Takes a datapath vport into the switch, if configured to. */
static void port_attach(const struct ovsdp_vport_info *vp)
{
	const struct port_cfg *pc = cfg_by_name(vp->name);
	struct ovsdp_vport_req req = { 0 };
	struct port_cfg def;
	struct port *p, *old;
	uint32_t pid;
	int i, rc;

	if (!pc) {
		if (vp->port_no == 0 || cfg.default_vlan == NO_VLAN)
			return;
		port_cfg_default(&def, vp->name);
		pc = &def;
	}
	old = port_by_no(vp->port_no);
	if (old) {
		if (!strcmp(old->name, vp->name))
			return;	/* already ours */
		port_detach(old, "replaced");
	}
	for (i = 0; i < MAX_PORTS && sw.ports[i].used; i++)
		;
	if (i == MAX_PORTS) {
		WARN("too many ports, ignoring %s", vp->name);
		return;
	}
	p = &sw.ports[i];
	rc = ovsdp_listener_open(sw.h, &p->l);
	if (!rc)
		rc = ovsdp_listener_set_nonblocking(p->l, true);
	if (rc) {
		ERR("port %s: upcall socket: %s", vp->name, strerror(-rc));
		ovsdp_listener_close(p->l);
		p->l = NULL;
		return;
	}
	pid = ovsdp_listener_pid(p->l);
	req.dp_ifindex = sw.dp_ifindex;
	req.port_no = vp->port_no;
	req.upcall_pids = &pid;
	req.n_upcall_pids = 1;
	rc = ovsdp_vport_set(sw.h, &req, NULL);
	if (rc) {
		ERR("port %s: setting upcall pid: %s %s", vp->name,
		    strerror(-rc), ovsdp_error_msg(sw.h));
		ovsdp_listener_close(p->l);
		p->l = NULL;
		return;
	}
	p->used = true;
	p->port_no = vp->port_no;
	snprintf(p->name, sizeof(p->name), "%s", vp->name);
	p->pc = *pc;
	p->tokens = cfg.burst;
	p->refill_ns = now_ns();
	/* Flooding in its VLANs must now include it. */
	flows_remove_if(depends_on_port, p, "port added");
	if (pc->trunk)
		INFO("port %s (%u) joins as trunk%s, upcall pid %u", p->name,
		     p->port_no, pc->trunk_all ? " (all VLANs)" : "", pid);
	else
		INFO("port %s (%u) joins as access port of VLAN %d, upcall "
		     "pid %u", p->name, p->port_no, pc->vlan, pid);
}

struct vport_list {
	struct ovsdp_vport_info v[MAX_PORTS];
	int n;
};

static int collect_vport(const struct ovsdp_vport_info *vp, void *arg)
{
	struct vport_list *vl = arg;

	if (vl->n < MAX_PORTS) {
		vl->v[vl->n] = *vp;
		vl->v[vl->n++].options = NULL;
	}
	return 0;
}

/*
 * Takes every current vport in.  The requests this makes must not run
 * inside the dump callback: they share the request socket.
 */
static int attach_all(void)
{
	struct vport_list *vl = calloc(1, sizeof(*vl));
	int i, rc;

	if (!vl)
		return -ENOMEM;
	rc = ovsdp_vport_dump(sw.h, sw.dp_ifindex, collect_vport, vl);
	for (i = 0; !rc && i < vl->n; i++)
		port_attach(&vl->v[i]);
	free(vl);
	return rc;
}

static void on_vport_event(const struct ovsdp_vport_info *vp, uint8_t cmd)
{
	struct port *p;

	if (vp->dp_ifindex != sw.dp_ifindex)
		return;
	p = port_by_no(vp->port_no);
	if (cmd == OVS_VPORT_CMD_DEL) {
		if (p)
			port_detach(p, "deleted from the datapath");
		return;
	}
	if (cmd == OVS_VPORT_CMD_NEW)
		port_attach(vp);
}

/* ---- notifications ---- */

struct vport_ev {
	struct ovsdp_vport_info vp;
	uint8_t cmd;
	bool dp_gone;
};

static int on_notify(const struct ovsdp_event *ev, void *arg)
{
	struct vport_ev *out = arg;

	if (ev->family == OVSDP_VPORT) {
		out->vp = ev->u.vport;
		out->vp.options = NULL;
		out->cmd = ev->cmd;
		return 1;
	}
	if (ev->family == OVSDP_DATAPATH && ev->cmd == OVS_DP_CMD_DEL &&
	    ev->u.dp.dp_ifindex == sw.dp_ifindex)
		out->dp_gone = true;
	return 0;
}

/*
 * The callback stops at the first vport event so that port changes (which
 * issue requests on the request socket) happen outside libnl's receive.
 */
static void serve_notifications(void)
{
	struct vport_ev ev;
	int rc, i;

	for (i = 0; i < 64; i++) {
		memset(&ev, 0, sizeof(ev));
		rc = ovsdp_listener_recv(sw.notify, on_notify, &ev);
		if (ev.dp_gone) {
			ERR("datapath %s was deleted; exiting", cfg.dp);
			stop_requested = 1;
			return;
		}
		if (rc == 1 && ev.cmd)
			on_vport_event(&ev.vp, ev.cmd);
		else if (rc == -ENOBUFS)
			WARN("missed vport notifications; rescanning ports");
		else if (rc < 0)
			return;
		if (rc == -ENOBUFS)
			attach_all();
	}
}

/* ---- flow stats: idle expiry and MAC refresh ---- */

struct stat_rec {
	uint8_t ufid[16];
	uint64_t used;
	uint64_t packets, bytes;
	bool ours;
};

struct stat_list {
	struct stat_rec *r;
	size_t n, cap;
};

static int collect_stats(const struct ovsdp_flow *f, void *arg)
{
	struct stat_list *sl = arg;
	struct stat_rec *r;

	if (!f->ufid || !ufid_is_ours(f->ufid, f->ufid_len))
		return 0;
	if (sl->n == sl->cap) {
		void *p = ovsdp_array_grow(sl->r, &sl->cap, sizeof(*sl->r), 256);

		if (!p)
			return -ENOMEM;
		sl->r = p;
	}
	r = &sl->r[sl->n++];
	memcpy(r->ufid, f->ufid, 16);
	r->used = f->used;
	r->packets = f->stats.n_packets;
	r->bytes = f->stats.n_bytes;
	return 0;
}

/*
 * Flows the last dump did not show although they were installed before it
 * began are gone from the kernel (deleted by someone else): forget them,
 * so that their next miss installs them again and the status is true.
 */
static void flows_forget_vanished(uint64_t dump_start)
{
	struct flow *f, *next;
	int b, n = 0;

	for (b = 0; b < FLOW_BUCKETS; b++) {
		for (f = sw.flows[b]; f; f = next) {
			next = f->next;
			if (f->seen_poll == sw.polls ||
			    f->installed_ms >= dump_start)
				continue;
			flow_forget(f);
			n++;
		}
	}
	if (n)
		INFO("%d flows vanished from the kernel, forgotten", n);
}

static void flows_poll_stats(void)
{
	struct stat_list sl = { 0 };
	uint64_t now = now_ms();
	size_t i;
	int rc;

	sw.polls++;

	rc = ovsdp_flow_dump(sw.h, sw.dp_ifindex, OVS_UFID_F_OMIT_KEY |
			     OVS_UFID_F_OMIT_MASK | OVS_UFID_F_OMIT_ACTIONS,
			     collect_stats, &sl);
	if (rc) {
		WARN("flow dump: %s %s", strerror(-rc), ovsdp_error_msg(sw.h));
		free(sl.r);
		return;
	}
	for (i = 0; i < sl.n; i++) {
		struct flow *f = flow_lookup(sl.r[i].ufid);
		struct mac_entry *e;
		uint64_t last;

		if (!f)
			continue;
		f->seen_poll = sw.polls;
		f->packets = sl.r[i].packets;
		f->bytes = sl.r[i].bytes;
		if (sl.r[i].used > f->used_ms)
			f->used_ms = sl.r[i].used;
		last = f->used_ms > f->installed_ms ? f->used_ms :
		       f->installed_ms;
		if (now > last && now - last >= cfg.idle_ms) {
			DBG("flow idle for %llu ms",
			    (unsigned long long)(now - last));
			sw.flows_expired++;
			flow_remove(f, "idle");
			continue;
		}
		/* Traffic forwarded by the kernel keeps its source alive. */
		e = f->used_ms ? mac_lookup(f->vlan, f->m.src) : NULL;
		if (e && e->port_no == f->m.in_port && f->used_ms > e->seen_ms)
			e->seen_ms = f->used_ms;
	}
	free(sl.r);
	flows_forget_vanished(now);
}

/* ---- start-up reconciliation ---- */

struct kflow {
	uint8_t ufid[16];
	bool has_ufid;
	void *key, *mask, *actions;
	size_t key_len, mask_len, actions_len;
	uint64_t used;
};

struct kflow_list {
	struct kflow *f;
	size_t n, cap;
};

static void *dup_bytes(const void *p, size_t len)
{
	void *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

static int collect_flow(const struct ovsdp_flow *f, void *arg)
{
	struct kflow_list *kl = arg;
	struct kflow *k;

	if (kl->n == kl->cap) {
		void *p = ovsdp_array_grow(kl->f, &kl->cap, sizeof(*kl->f), 256);

		if (!p)
			return -ENOMEM;
		kl->f = p;
	}
	k = &kl->f[kl->n++];
	memset(k, 0, sizeof(*k));
	if (f->ufid && f->ufid_len == 16) {
		memcpy(k->ufid, f->ufid, 16);
		k->has_ufid = ufid_is_ours(f->ufid, f->ufid_len);
	}
	k->key = dup_bytes(f->key, f->key_len);
	k->key_len = f->key_len;
	k->mask = dup_bytes(f->mask, f->mask_len);
	k->mask_len = f->mask ? f->mask_len : 0;
	k->actions = dup_bytes(f->actions, f->actions_len);
	k->actions_len = f->actions ? f->actions_len : 0;
	k->used = f->used;
	return 0;
}

static void kflow_delete(const struct kflow *k)
{
	struct ovsdp_flow req = { .dp_ifindex = sw.dp_ifindex };

	if (k->has_ufid) {
		kernel_flow_del(k->ufid);
		return;
	}
	req.key = k->key;
	req.key_len = k->key_len;
	if (ovsdp_flow_del(sw.h, &req, NULL, NULL))
		WARN("deleting a foreign flow: %s", ovsdp_error_msg(sw.h));
}

/*
 * Flows left by an earlier instance: their keys tell which sources were
 * seen where, so we learn those first, then keep each flow whose actions
 * are what we would decide now, under the UFID we would give it.  Others
 * (foreign flows, flows of ports gone, floods to now-known MACs) are
 * deleted and will come back as misses.
 */
static void reconcile(void)
{
	struct kflow_list kl = { 0 };
	size_t i, kept = 0, dropped = 0;
	struct match m;
	int rc, pass;

	rc = ovsdp_flow_dump(sw.h, sw.dp_ifindex, 0, collect_flow, &kl);
	if (rc) {
		WARN("flow dump at start: %s; flushing", strerror(-rc));
		ovsdp_flow_flush(sw.h, sw.dp_ifindex);
		goto out;
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < kl.n; i++) {
			struct kflow *k = &kl.f[i];
			struct port *in;
			struct decision d;
			struct ovsdp_buf acts;
			uint8_t ufid[16];
			struct flow *f;
			bool ok;

			if (!k->key)
				continue;
			ok = k->has_ufid &&
			     match_from_key(k->key, k->key_len, &m);
			in = ok ? port_by_no(m.in_port) : NULL;
			d.vlan = in ? classify(in, &m) : NO_VLAN;
			if (pass == 0) {
				if (d.vlan != NO_VLAN)
					learn(d.vlan, m.src, m.in_port);
				continue;
			}
			ovsdp_buf_init(&acts);
			if (in)
				decide(&m, &d, &acts);
			match_ufid(&m, ufid);
			ok = in && !memcmp(ufid, k->ufid, 16) &&
			     acts.len == k->actions_len &&
			     !memcmp(acts.data, k->actions, acts.len) &&
			     !flow_lookup(ufid);
			f = ok ? calloc(1, sizeof(*f)) : NULL;
			if (f) {
				memcpy(f->ufid, ufid, 16);
				f->m = m;
				f->vlan = d.vlan;
				f->kind = d.kind;
				f->dst_known = d.dst_known;
				f->out_port = d.out_port;
				f->actions = dup_bytes(acts.data, acts.len);
				f->actions_len = acts.len;
				f->installed_ms = now_ms();
				f->used_ms = k->used;
				flow_insert(f);
				kept++;
			} else {
				kflow_delete(k);
				dropped++;
			}
			ovsdp_buf_free(&acts);
		}
	}
	sw.flows_adopted = kept;
	INFO("start-up: adopted %zu flows, deleted %zu, learned %d MACs",
	     kept, dropped, sw.n_macs);
out:
	for (i = 0; i < kl.n; i++) {
		free(kl.f[i].key);
		free(kl.f[i].mask);
		free(kl.f[i].actions);
	}
	free(kl.f);
}

/* ---- status ---- */

static void status_write(struct ovsdp_buf *o, const char *what)
{
	bool all = !what[0] || !strcmp(what, "all");
	uint64_t now = now_ms();
	struct mac_entry *e;
	struct flow *f;
	int i, b, n;

	for (i = 0, n = 0; i < MAX_PORTS; i++)
		n += sw.ports[i].used;
	ovsdp_buf_printf(o, "datapath %s dp_ifindex %d ports %d macs %d "
			 "flows %d\n", cfg.dp, sw.dp_ifindex, n, sw.n_macs,
			 sw.n_flows);
	ovsdp_buf_printf(o, "totals installed=%llu deleted=%llu expired=%llu "
			 "adopted=%llu moves=%llu aged=%llu\n",
			 (unsigned long long)sw.flows_installed,
			 (unsigned long long)sw.flows_deleted,
			 (unsigned long long)sw.flows_expired,
			 (unsigned long long)sw.flows_adopted,
			 (unsigned long long)sw.macs_moved,
			 (unsigned long long)sw.macs_aged);
	if (all || !strcmp(what, "ports")) {
		for (i = 0; i < MAX_PORTS; i++) {
			struct port *p = &sw.ports[i];

			if (!p->used)
				continue;
			ovsdp_buf_printf(o, "port %u %s ", p->port_no,
					 p->name);
			if (p->pc.trunk)
				ovsdp_buf_printf(o, "trunk%s", p->pc.trunk_all
						 ? "" : "(list)");
			else
				ovsdp_buf_printf(o, "vlan=%d", p->pc.vlan);
			ovsdp_buf_printf(o, " upcalls=%llu handled=%llu "
					 "rate_dropped=%llu overruns=%llu "
					 "errors=%llu\n",
					 (unsigned long long)p->upcalls,
					 (unsigned long long)p->handled,
					 (unsigned long long)p->rate_dropped,
					 (unsigned long long)p->overruns,
					 (unsigned long long)p->errors);
		}
	}
	if (all || !strcmp(what, "macs")) {
		for (b = 0; b < MAC_BUCKETS; b++)
			for (e = sw.macs[b]; e; e = e->next)
				ovsdp_buf_printf(o, "mac vlan=%d " MAC_FMT
						 " port=%u age=%.1f\n",
						 e->vlan, MAC_ARGS(e->mac),
						 e->port_no,
						 (now - e->seen_ms) / 1000.0);
	}
	if (all || !strcmp(what, "flows")) {
		static const char *const kinds[] = { "unicast", "flood",
						     "drop" };

		for (b = 0; b < FLOW_BUCKETS; b++) {
			for (f = sw.flows[b]; f; f = f->next) {
				ovsdp_buf_printf(o, "flow ufid=");
				ovsdp_hex_format(o, f->ufid, 16);
				ovsdp_buf_printf(o, " in_port=%u vlan=%d",
						 f->m.in_port, f->vlan);
				if (f->m.tagged)
					ovsdp_buf_printf(o, " vid=%u",
							 f->m.vid);
				ovsdp_buf_printf(o, " src=" MAC_FMT
						 " dst=" MAC_FMT
						 " %s packets=%llu actions=",
						 MAC_ARGS(f->m.src),
						 MAC_ARGS(f->m.dst),
						 kinds[f->kind],
						 (unsigned long long)
						 f->packets);
				ovsdp_actions_format(o, f->actions,
						     f->actions_len);
				ovsdp_buf_printf(o, "\n");
			}
		}
	}
}

static void ctl_serve(void)
{
	struct ovsdp_buf o;
	struct timeval tv = { .tv_sec = 2 };
	char cmd[64] = "";
	const uint8_t *p;
	size_t left;
	ssize_t n;
	int fd;

	fd = accept(sw.ctl_fd, NULL, NULL);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = recv(fd, cmd, sizeof(cmd) - 1, 0);
	if (n > 0) {
		cmd[n] = 0;
		cmd[strcspn(cmd, "\r\n")] = 0;
	}
	ovsdp_buf_init(&o);
	status_write(&o, cmd);
	p = o.data;
	left = o.len;
	while (left) {
		n = send(fd, p, left, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		p += n;
		left -= n;
	}
	ovsdp_buf_free(&o);
	close(fd);
}

static int ctl_open(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(cfg.ctl_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, cfg.ctl_path, strlen(cfg.ctl_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(cfg.ctl_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 8) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	sw.ctl_fd = fd;
	return 0;
}

/* Client side of --status: prints what the daemon answers. */
static int status_query(const char *what)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[65536];
	ssize_t n;
	int fd;

	if (strlen(cfg.ctl_path) >= sizeof(sa.sun_path))
		return 1;
	memcpy(sa.sun_path, cfg.ctl_path, strlen(cfg.ctl_path));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "%s: cannot reach the daemon at %s: %s\n",
			prog, cfg.ctl_path, strerror(errno));
		return 1;
	}
	snprintf(buf, sizeof(buf), "%s\n", what);
	if (send(fd, buf, strlen(buf), MSG_NOSIGNAL) < 0)
		return 1;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	return 0;
}

/* ---- setup ---- */

static int create_port(const struct port_cfg *pc)
{
	struct ovsdp_vport_req req = {
		.dp_ifindex = sw.dp_ifindex,
		.type = pc->internal ? OVS_VPORT_TYPE_INTERNAL :
				       OVS_VPORT_TYPE_NETDEV,
		.name = pc->name,
		.port_no = OVSDP_PORT_ANY,
	};
	uint32_t pid = 0;
	int rc;

	req.upcall_pids = &pid;
	req.n_upcall_pids = 1;
	rc = ovsdp_vport_new(sw.h, &req, NULL);
	if (rc == -EEXIST || rc == -EBUSY)
		return 0;
	if (rc)
		ERR("creating port %s: %s %s", pc->name, strerror(-rc),
		    ovsdp_error_msg(sw.h));
	return rc;
}

/*
 * Per-vport upcall sockets need OVS_DP_F_VPORT_PIDS, not per-CPU dispatch.
 * Upcalls that share datagrams (our OVSDP_DP_F_UPCALL_BATCH) save a
 * recv() and a buffer per miss; the upstream module refuses the bit, and
 * then each upcall comes alone.  Either way each datagram is walked
 * message by message.
 */
static void set_features(uint32_t have)
{
	uint32_t feat = (have | OVS_DP_F_VPORT_PIDS | OVSDP_DP_F_UPCALL_BATCH) &
			~OVS_DP_F_DISPATCH_UPCALL_PER_CPU;
	int rc = 0;

	if (feat != have)
		rc = ovsdp_dp_set(sw.h, sw.dp_ifindex, NULL, NULL, &feat, NULL);
	if (rc == -EOPNOTSUPP) {
		feat &= ~OVSDP_DP_F_UPCALL_BATCH;
		rc = feat == have ? 0 :
		     ovsdp_dp_set(sw.h, sw.dp_ifindex, NULL, NULL, &feat, NULL);
	}
	if (rc) {
		WARN("setting datapath features: %s", ovsdp_error_msg(sw.h));
		return;
	}
	/* Also when a previous run left the features set. */
	INFO("upcalls %s", feat & OVSDP_DP_F_UPCALL_BATCH ?
	     "share datagrams" : "come one per datagram");
}

static int setup(void)
{
	struct ovsdp_dp_info dp;
	int i, rc;

	rc = ovsdp_open(&sw.h);
	if (rc) {
		ERR("generic netlink: %s", strerror(-rc));
		return rc;
	}
	rc = ovsdp_dp_get(sw.h, 0, cfg.dp, &dp);
	if (rc == -ENODEV && cfg.create) {
		rc = ovsdp_dp_new(sw.h, cfg.dp, 0, OVS_DP_F_UNALIGNED |
				  OVS_DP_F_VPORT_PIDS, &dp);
		sw.created_dp = !rc;
		if (!rc)
			INFO("created datapath %s", cfg.dp);
	}
	if (rc) {
		ERR("datapath %s: %s %s", cfg.dp, strerror(-rc),
		    ovsdp_error_msg(sw.h));
		return rc;
	}
	sw.dp_ifindex = dp.dp_ifindex;
	set_features(dp.user_features);
	rc = ovsdp_listener_open(sw.h, &sw.notify);
	if (!rc)
		rc = ovsdp_listener_subscribe(sw.notify, OVSDP_VPORT);
	if (!rc)
		rc = ovsdp_listener_subscribe(sw.notify, OVSDP_DATAPATH);
	if (!rc)
		rc = ovsdp_listener_set_nonblocking(sw.notify, true);
	if (rc) {
		ERR("notification socket: %s", strerror(-rc));
		return rc;
	}
	if (cfg.create)
		for (i = 0; i < cfg.n_ports; i++)
			create_port(&cfg.ports[i]);
	rc = attach_all();
	if (rc) {
		ERR("port dump: %s", strerror(-rc));
		return rc;
	}
	reconcile();
	if (cfg.ctl_path) {
		rc = ctl_open();
		if (rc) {
			ERR("control socket %s: %s", cfg.ctl_path,
			    strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void teardown(void)
{
	int i;

	if (cfg.cleanup && sw.h) {
		if (sw.created_dp) {
			ovsdp_dp_del(sw.h, sw.dp_ifindex, NULL);
		} else {
			struct flow *f, *next;
			int b;

			for (b = 0; b < FLOW_BUCKETS; b++)
				for (f = sw.flows[b]; f; f = next) {
					next = f->next;
					flow_remove(f, "cleanup");
				}
		}
	}
	for (i = 0; i < MAX_PORTS; i++)
		if (sw.ports[i].used)
			ovsdp_listener_close(sw.ports[i].l);
	ovsdp_listener_close(sw.notify);
	if (sw.ctl_fd >= 0) {
		close(sw.ctl_fd);
		unlink(cfg.ctl_path);
	}
	if (cfg.pidfile)
		unlink(cfg.pidfile);
	if (sw.h)
		ovsdp_close(sw.h);
}

/* ---- main loop ---- */

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void run(void)
{
	struct pollfd pfd[MAX_PORTS + 2];
	struct port *slot[MAX_PORTS];
	uint64_t next_stats = 0, next_age = 0, now;
	uint64_t stats_every = cfg.idle_ms / 4;
	int n, i, k, rc, busy = 0;

	if (stats_every > 1000)
		stats_every = 1000;
	if (stats_every < 100)
		stats_every = 100;
	while (!stop_requested) {
		n = 0;
		pfd[n].fd = ovsdp_listener_fd(sw.notify);
		pfd[n++].events = POLLIN;
		pfd[n].fd = sw.ctl_fd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < MAX_PORTS; i++) {
			if (!sw.ports[i].used)
				continue;
			slot[n - 2] = &sw.ports[i];
			pfd[n].fd = ovsdp_listener_fd(sw.ports[i].l);
			pfd[n++].events = POLLIN;
		}
		rc = poll(pfd, n, busy ? 0 : 100);
		if (rc < 0 && errno != EINTR) {
			ERR("poll: %s", strerror(errno));
			break;
		}
		busy = 0;
		if (rc > 0) {
			if (pfd[0].revents)
				serve_notifications();
			if (pfd[1].revents)
				ctl_serve();
			/*
			 * One round: each ready port in turn, a batch each,
			 * starting one further along every round.  A port
			 * still full afterwards makes us poll again at once.
			 */
			for (k = 0; k < n - 2; k++) {
				int j = 2 + (k + sw.rr_next) % (n - 2);

				if (!pfd[j].revents || !slot[j - 2]->used)
					continue;
				if (serve_port(slot[j - 2]) == cfg.batch)
					busy = 1;
			}
			if (n > 2)
				sw.rr_next = (sw.rr_next + 1) % (n - 2);
		}
		now = now_ms();
		if (now >= next_stats) {
			flows_poll_stats();
			next_stats = now + stats_every;
		}
		if (now >= next_age) {
			macs_age();
			next_age = now + 1000;
		}
	}
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s --dp NAME [OPTION]...\n"
"       %s --status[=WHAT] [--dp NAME | --ctl PATH]\n"
"\n"
"A VLAN-aware learning switch on one Open vSwitch kernel datapath, without\n"
"ovsdb-server or ovs-vswitchd.  Each switch port gets its own upcall\n"
"socket; missed packets teach (VLAN, source MAC) -> port, and a megaflow\n"
"matching in_port, tag presence/VID, source and destination MAC (all else\n"
"wildcarded) is installed with a UFID, after which the packet is sent on\n"
"with OVS_PACKET_CMD_EXECUTE.\n"
"\n"
"Datapath and ports:\n"
"  --dp NAME            datapath to drive (required)\n"
"  --create             create the datapath and the --port devices if absent\n"
"  --port SPEC          a switch port: NAME[:OPT]... with OPT one of\n"
"                         vlan=N      access port of VLAN N (default: 0,\n"
"                                     i.e. untagged)\n"
"                         trunk       carries all VLANs tagged (VLAN 0\n"
"                                     untagged)\n"
"                         trunk=A,B-C carries only those VLANs\n"
"                         internal    --create makes an internal port\n"
"                       Ports listed but absent are taken when they appear.\n"
"  --default-vlan N|none  VLAN of datapath ports not listed (default 0);\n"
"                       none: ignore them.  The local port 0 is ignored\n"
"                       unless listed.\n"
"  --config FILE        read options from FILE, one per line, without the\n"
"                       leading dashes (\"port p1:vlan=10\", \"rate 500\");\n"
"                       '#' starts a comment\n"
"\n"
"Upcall service:\n"
"  --rate N[/s]         per-port upcall budget (token bucket), 0 for none\n"
"                       (default 1000/s); the excess is counted and dropped\n"
"  --burst N            bucket depth (default rate/10, at least --batch)\n"
"  --batch N            upcalls served per port per round (default 64)\n"
"\n"
"Tables:\n"
"  --idle-time SEC      delete flows unused for SEC seconds (default 10)\n"
"  --mac-age SEC        forget MACs unseen for SEC seconds (default 300);\n"
"                       traffic on a MAC's flows counts as seen\n"
"  --max-flows N        (default 65536)   --max-macs N  (default 8192)\n"
"\n"
"Daemon:\n"
"  --detach             run in the background (returns once ready)\n"
"  --pidfile FILE       write the daemon's pid to FILE\n"
"  --log-file FILE      log there instead of stderr\n"
"  -v, --verbose        debug logging (same as --log-level dbg)\n"
"  --log-level LEVEL    err, warn, info (default) or dbg\n"
"  --ctl PATH           control socket (default /run/ovsdp-switchd.DP.ctl)\n"
"  --cleanup            on exit delete our flows (and the datapath if we\n"
"                       created it); by default flows stay so that a\n"
"                       restarted daemon adopts them without a gap\n"
"  --status[=WHAT]      ask a running daemon: all (default), ports, macs\n"
"                       or flows; prints and exits\n"
"  -h, --help           this text\n"
"\n"
"Signals: SIGTERM/SIGINT stop cleanly.  On start, flows already in the\n"
"kernel whose UFID, match and actions agree with what this daemon would\n"
"install now are adopted (and teach their source MACs); others are deleted.\n"
"\n"
"Status lines: \"port NO NAME vlan=V|trunk upcalls= handled= rate_dropped=\n"
"overruns= errors=\", \"mac vlan=V MAC port=NO age=S\", \"flow ufid=HEX\n"
"in_port=NO vlan=V [vid=V] src=MAC dst=MAC unicast|flood|drop packets=N\n"
"actions=...\".\n"
"\n"
"Example:\n"
"  %s --dp br0 --create --port p1 --port p2:vlan=10 --port p3:trunk\n",
		prog, prog, prog);
}

static int parse_vlan_list(struct port_cfg *pc, const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL, *end;
	long a, b;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		a = strtol(tok, &end, 10);
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (*end || a < 0 || b > 4095 || a > b) {
			free(copy);
			return -1;
		}
		for (; a <= b; a++)
			pc->allowed[a / 8] |= 1 << (a % 8);
	}
	free(copy);
	return 0;
}

static int parse_port(const char *spec)
{
	struct port_cfg *pc;
	char *copy, *opt, *save = NULL, *end;
	const char *name;

	if (cfg.n_ports == MAX_PORTS)
		return -1;
	pc = &cfg.ports[cfg.n_ports];
	copy = strdup(spec);
	if (!copy)
		return -1;
	name = strtok_r(copy, ":", &save);
	if (!name || strlen(name) >= IFNAMSIZ)
		goto bad;
	memset(pc, 0, sizeof(*pc));
	strcpy(pc->name, name);
	pc->vlan = 0;
	while ((opt = strtok_r(NULL, ":", &save))) {
		if (!strncmp(opt, "vlan=", 5)) {
			pc->vlan = strtol(opt + 5, &end, 10);
			if (!opt[5] || *end || pc->vlan < 0 || pc->vlan > 4095)
				goto bad;
		} else if (!strcmp(opt, "trunk")) {
			pc->trunk = pc->trunk_all = true;
		} else if (!strncmp(opt, "trunk=", 6)) {
			pc->trunk = true;
			if (parse_vlan_list(pc, opt + 6))
				goto bad;
		} else if (!strcmp(opt, "internal")) {
			pc->internal = true;
		} else {
			goto bad;
		}
	}
	if (pc->trunk)
		pc->vlan = NO_VLAN;
	cfg.n_ports++;
	free(copy);
	return 0;
bad:
	fprintf(stderr, "%s: bad port spec '%s'\n", prog, spec);
	free(copy);
	return -1;
}

static int parse_seconds(const char *s, uint64_t *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || v < 0)
		return -1;
	*ms = (uint64_t)(v * 1000);
	return 0;
}

static int parse_int(const char *s, int *out, int min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > 1 << 30)
		return -1;
	*out = v;
	return 0;
}

enum {
	OPT_DP = 256, OPT_CREATE, OPT_PORT, OPT_DEFAULT_VLAN, OPT_CONFIG,
	OPT_RATE, OPT_BURST, OPT_BATCH, OPT_IDLE, OPT_MAC_AGE, OPT_MAX_FLOWS,
	OPT_MAX_MACS, OPT_DETACH, OPT_PIDFILE, OPT_LOG_FILE, OPT_LOG_LEVEL,
	OPT_CTL, OPT_CLEANUP, OPT_STATUS,
};

static const struct option long_opts[] = {
	{ "dp", required_argument, NULL, OPT_DP },
	{ "create", no_argument, NULL, OPT_CREATE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "default-vlan", required_argument, NULL, OPT_DEFAULT_VLAN },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "idle-time", required_argument, NULL, OPT_IDLE },
	{ "mac-age", required_argument, NULL, OPT_MAC_AGE },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "max-macs", required_argument, NULL, OPT_MAX_MACS },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "log-file", required_argument, NULL, OPT_LOG_FILE },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "ctl", required_argument, NULL, OPT_CTL },
	{ "cleanup", no_argument, NULL, OPT_CLEANUP },
	{ "status", optional_argument, NULL, OPT_STATUS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *status_what;
static double burst_opt = -1;
static int config_depth;

static int parse_config(const char *path);

static int apply_opt(int c, const char *arg)
{
	char *end;
	int i;

	switch (c) {
	case OPT_DP:
		cfg.dp = strncmp(arg, "system@", 7) ? strdup(arg) :
			 strdup(arg + 7);
		return 0;
	case OPT_CREATE:
		cfg.create = true;
		return 0;
	case OPT_PORT:
		return parse_port(arg);
	case OPT_DEFAULT_VLAN:
		if (!strcmp(arg, "none")) {
			cfg.default_vlan = NO_VLAN;
			return 0;
		}
		return parse_int(arg, &cfg.default_vlan, 0) ||
		       cfg.default_vlan > 4095 ? -1 : 0;
	case OPT_CONFIG:
		return parse_config(arg);
	case OPT_RATE:
		cfg.rate = strtod(arg, &end);
		if (end == arg || (*end && strcmp(end, "/s")) || cfg.rate < 0)
			return -1;
		return 0;
	case OPT_BURST:
		burst_opt = strtod(arg, &end);
		return *end || burst_opt < 1 ? -1 : 0;
	case OPT_BATCH:
		return parse_int(arg, &cfg.batch, 1);
	case OPT_IDLE:
		return parse_seconds(arg, &cfg.idle_ms);
	case OPT_MAC_AGE:
		return parse_seconds(arg, &cfg.mac_age_ms);
	case OPT_MAX_FLOWS:
		return parse_int(arg, &cfg.max_flows, 1);
	case OPT_MAX_MACS:
		return parse_int(arg, &cfg.max_macs, 1);
	case OPT_DETACH:
		cfg.detach = true;
		return 0;
	case OPT_PIDFILE:
		cfg.pidfile = strdup(arg);
		return 0;
	case OPT_LOG_FILE:
		cfg.log_file = strdup(arg);
		return 0;
	case OPT_LOG_LEVEL:
		for (i = 0; i <= LOG_DBG; i++)
			if (!strcmp(arg, level_names[i]))
				log_level = i;
		return 0;
	case 'v':
		if (log_level < LOG_DBG)
			log_level++;
		return 0;
	case OPT_CTL:
		cfg.ctl_path = strdup(arg);
		return 0;
	case OPT_CLEANUP:
		cfg.cleanup = true;
		return 0;
	case OPT_STATUS:
		status_what = arg ? arg : "all";
		return 0;
	default:
		return -1;
	}
}

static int parse_config(const char *path)
{
	char line[512], *p, *val;
	const struct option *o;
	int lineno = 0, rc = 0;
	FILE *f;

	if (++config_depth > 4)
		return -1;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "#\r\n")] = 0;
		p = line + strspn(line, " \t");
		if (!*p)
			continue;
		val = p + strcspn(p, " \t=");
		if (*val) {
			*val++ = 0;
			val += strspn(val, " \t=");
			while (*val && strchr(" \t", val[strlen(val) - 1]))
				val[strlen(val) - 1] = 0;
		}
		for (o = long_opts; o->name; o++)
			if (!strcmp(o->name, p))
				break;
		if (!o->name || (o->has_arg == required_argument && !*val)) {
			fprintf(stderr, "%s: %s:%d: bad line\n", prog, path,
				lineno);
			rc = -1;
			break;
		}
		rc = apply_opt(o->val, *val ? val : NULL);
		if (rc)
			fprintf(stderr, "%s: %s:%d: bad value\n", prog, path,
				lineno);
	}
	fclose(f);
	config_depth--;
	return rc;
}

static int write_pidfile(void)
{
	FILE *f = fopen(cfg.pidfile, "w");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	return 0;
}

/*
 * --detach: the parent waits on a pipe until the child is set up, so a
 * script can rely on the switch running once the command returns.
 */
static int daemonize(int *ready_fd)
{
	int pfd[2];
	char c;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1)
			_exit(1);
		_exit(c == 'R' ? 0 : 1);
	}
	close(pfd[0]);
	setsid();
	*ready_fd = pfd[1];
	return 0;
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);	/* logs go to --log-file, if any */
	if (fd > 2)
		close(fd);
	if (chdir("/"))
		return;
}

int main(int argc, char **argv)
{
	static char ctl_default[128];
	struct sigaction sa = { .sa_handler = on_signal };
	int c, rc, ready_fd = -1;

	while ((c = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || apply_opt(c, optarg)) {
			if (c != '?')
				fprintf(stderr, "%s: bad value for option\n",
					prog);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog,
			argv[optind]);
		return 2;
	}
	if (!cfg.ctl_path && cfg.dp) {
		snprintf(ctl_default, sizeof(ctl_default),
			 "/run/ovsdp-switchd.%s.ctl", cfg.dp);
		cfg.ctl_path = ctl_default;
	}
	if (status_what) {
		if (!cfg.ctl_path) {
			fprintf(stderr, "%s: --status needs --dp or --ctl\n",
				prog);
			return 2;
		}
		return status_query(status_what);
	}
	if (!cfg.dp) {
		fprintf(stderr, "%s: --dp is required\n", prog);
		usage(stderr);
		return 2;
	}
	cfg.burst = burst_opt > 0 ? burst_opt : cfg.rate / 10;
	if (cfg.burst < cfg.batch)
		cfg.burst = cfg.batch;
	if (cfg.log_file) {
		log_fp = fopen(cfg.log_file, "a");
		if (!log_fp) {
			fprintf(stderr, "%s: %s: %s\n", prog, cfg.log_file,
				strerror(errno));
			return 1;
		}
	}
	if (cfg.detach && daemonize(&ready_fd)) {
		fprintf(stderr, "%s: cannot detach\n", prog);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = setup();
	if (!rc && cfg.pidfile)
		rc = write_pidfile();
	if (ready_fd >= 0) {
		if (write(ready_fd, rc ? "F" : "R", 1) != 1)
			rc = -EIO;
		close(ready_fd);
		detach_stdio();
	}
	if (!rc) {
		INFO("switching on datapath %s (rate %.0f/s per port, batch "
		     "%d, idle %.1f s)", cfg.dp, cfg.rate, cfg.batch,
		     cfg.idle_ms / 1000.0);
		run();
		INFO("stopping");
	}
	teardown();
	return rc ? 1 : 0;
}
