// SPDX-License-Identifier: GPL-2.0
/*
 * ovsbench: the flow installer and the minimal upcall listener that
 * `make bench` drives inside the VM.  It only speaks the uapi ABI through
 * libovsdp, so it runs unchanged on the upstream module and on ours: the
 * comparison measures the kernels, not two different userspaces.
 *
 * The benchmark's traffic is fixed (tests/bench/bench.py configures pktgen
 * to match): UDP from 10.1.0.1:1024 to 10.2.0.1:9, 60-byte frames, with the
 * source port randomised for the cold-cache runs, in workload 2's spread
 * row destination ports [0, NFLOWS) as well, and for the spread workload
 * destinations 10.2.0.0 + [0, NIPS) and ports [1, NPORTS].
 *
 *   ovsbench exact  DP IN OUT SRCMAC DSTMAC     one exact flow (workload 1)
 *   ovsbench masks  DP IN OUT NMASKS NFLOWS     mask scaling (workload 2)
 *   ovsbench spread DP IN OUT NIPS NPORTS       NIPS*NPORTS flows (3, 6)
 *   ovsbench listen DP OUT SECONDS MODE [single] flow-setup listener (4, 5)
 *
 * MODE is "per-cpu" (one socket as every CPU's upcall PID) or "per-vport"
 * (one socket per port, served in turn).  In per-cpu mode the listener
 * asks for upcalls that share datagrams (OVSDP_DP_F_UPCALL_BATCH) where
 * the module has them, unless told "single".  listen prints one JSON
 * object.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <linux/openvswitch.h>

#include <ovsdp/dp_ext.h>
#include <ovsdp/odp.h>
#include <ovsdp/ovsdp.h>

#define BATCH 64
#define MAX_PORTS 16

static struct ovsdp *h;

static void die(const char *what, int err)
{
	const char *msg = h ? ovsdp_error_msg(h) : "";

	fprintf(stderr, "ovsbench: %s: %s%s%s\n", what, strerror(-err),
		msg && *msg ? ": " : "", msg ? msg : "");
	exit(1);
}

static double clock_s(clockid_t which)
{
	struct timespec ts;

	clock_gettime(which, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this thread, user and kernel: what a phase cost us. */
static double cpu_now(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static int dp_index(const char *name)
{
	struct ovsdp_dp_info info;
	int rc = ovsdp_dp_get(h, 0, name, &info);

	if (rc)
		die("datapath", rc);
	return info.dp_ifindex;
}

/* ---- installing generated flows ---- */

/* Flows are kept as parsed attribute streams until the batch is sent. */
struct flowset {
	struct ovsdp_buf *keys, *masks;
	struct ovsdp_flow *reqs;
	uint8_t (*ufids)[16];
	size_t n, cap;
	struct ovsdp_buf acts;
};

static void flowset_init(struct flowset *fs, size_t cap, uint32_t out)
{
	char text[32];
	struct ovsdp_parse_error err;

	memset(fs, 0, sizeof(*fs));
	fs->cap = cap;
	fs->keys = calloc(cap, sizeof(*fs->keys));
	fs->masks = calloc(cap, sizeof(*fs->masks));
	fs->reqs = calloc(cap, sizeof(*fs->reqs));
	fs->ufids = calloc(cap, sizeof(*fs->ufids));
	if (!fs->keys || !fs->masks || !fs->reqs || !fs->ufids)
		die("allocating flows", -ENOMEM);
	ovsdp_buf_init(&fs->acts);
	snprintf(text, sizeof(text), "%u", out);
	if (ovsdp_actions_parse(text, &fs->acts, &err))
		die("actions", -EINVAL);
}

/* A UFID per flow: distinct, and not all-zero. */
static void make_ufid(uint8_t *ufid, uint64_t seq)
{
	uint64_t x = seq * 0x9e3779b97f4a7c15ULL + 1;

	memcpy(ufid, &x, 8);
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	memcpy(ufid + 8, &x, 8);
}

static void flowset_add(struct flowset *fs, int dp, const char *text,
			bool with_mask)
{
	struct ovsdp_parse_error err;
	struct ovsdp_flow *f;
	size_t i = fs->n;

	if (i == fs->cap)
		die("too many flows", -E2BIG);
	ovsdp_buf_init(&fs->keys[i]);
	ovsdp_buf_init(&fs->masks[i]);
	if (ovsdp_key_parse(text, &fs->keys[i],
			    with_mask ? &fs->masks[i] : NULL, &err)) {
		fprintf(stderr, "ovsbench: %s: %s\n", text, err.msg);
		exit(2);
	}
	make_ufid(fs->ufids[i], i);
	f = &fs->reqs[i];
	memset(f, 0, sizeof(*f));
	f->dp_ifindex = dp;
	f->key = fs->keys[i].data;
	f->key_len = fs->keys[i].len;
	if (with_mask) {
		f->mask = fs->masks[i].data;
		f->mask_len = fs->masks[i].len;
	}
	f->actions = fs->acts.data;
	f->actions_len = fs->acts.len;
	f->ufid = fs->ufids[i];
	f->ufid_len = 16;
	f->ufid_flags = OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK |
			OVS_UFID_F_OMIT_ACTIONS;
	fs->n++;
}

static double tv_s(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

/* Sends every flow in batches; any failure is fatal: the run is void. */
static void flowset_install(struct flowset *fs)
{
	struct ovsdp_batch_result *res;
	struct rusage ru0, ru1;
	double t0 = now();
	size_t i;
	int rc;

	getrusage(RUSAGE_SELF, &ru0);
	res = calloc(fs->n, sizeof(*res));
	if (!res)
		die("allocating results", -ENOMEM);
	rc = ovsdp_flow_put_batch(h, fs->reqs, fs->n, OVSDP_FLOW_EXCL, 0, res);
	if (rc < 0)
		die("installing flows", rc);
	for (i = 0; i < fs->n && rc; i++) {
		if (!res[i].error)
			continue;
		fprintf(stderr, "ovsbench: flow %zu: %s%s%s\n", i,
			strerror(-res[i].error), res[i].msg[0] ? ": " : "",
			res[i].msg);
		exit(1);
	}
	getrusage(RUSAGE_SELF, &ru1);
	printf("{\"installed\": %zu, \"seconds\": %.3f, \"user\": %.3f, "
	       "\"sys\": %.3f}\n", fs->n, now() - t0,
	       tv_s(&ru1.ru_utime) - tv_s(&ru0.ru_utime),
	       tv_s(&ru1.ru_stime) - tv_s(&ru0.ru_stime));
	free(res);
}

/*
 * A flow without eth() matches only packets without an Ethernet header
 * (layer-3 ports): ours must say "any Ethernet addresses" explicitly.
 */
#define ANY_ETH "eth(src=00:00:00:00:00:00/00:00:00:00:00:00," \
		"dst=00:00:00:00:00:00/00:00:00:00:00:00),"

static const char *prefix_mask(unsigned int len, char *buf, size_t size)
{
	struct in_addr a = { htonl(len ? ~0u << (32 - len) : 0) };

	return inet_ntop(AF_INET, &a, buf, size);
}

static const char *ip_str(uint32_t host_order, char *buf, size_t size)
{
	struct in_addr a = { htonl(host_order) };

	return inet_ntop(AF_INET, &a, buf, size);
}

static int cmd_exact(int dp, uint32_t in, uint32_t out, const char *src,
		     const char *dst)
{
	struct flowset fs;
	char text[512];

	flowset_init(&fs, 1, out);
	snprintf(text, sizeof(text),
		 "in_port(%u),eth(src=%s,dst=%s),eth_type(0x0800),"
		 "ipv4(src=10.1.0.1,dst=10.2.0.1,proto=17,tos=0,ttl=32,"
		 "frag=no),udp(src=1024,dst=9)", in, src, dst);
	flowset_add(&fs, dp, text, false);
	flowset_install(&fs);
	return 0;
}

/*
 * NMASKS distinct masks over (ipv4 src prefix, ipv4 dst prefix), every
 * flow exact on in_port, eth_type, proto and UDP destination port.  All
 * flows match the traffic's addresses (10.1.0.1 to 10.2.0.1 under each
 * mask's prefixes); what tells them apart is the destination port, which
 * every mask matches exactly, as the fields that real megaflows of one
 * bridge share (in_port, a common address prefix, proto, a service port)
 * keep their masks' flows apart.  Each port 0..NFLOWS-1 is one flow's.
 *
 * The last mask, added last, holds ports 0..n_last-1, 9 (the fixed
 * traffic's) among them, so port-9 traffic only ever matches that mask.
 * Mask m < NMASKS-1 holds the next per_mask ports after those: traffic
 * spread over ports 0..NFLOWS-1 hits every mask alike.  No flow looks at
 * the UDP source port, so randomising it only defeats the mask cache.
 */
static int cmd_masks(int dp, uint32_t in, uint32_t out, unsigned int nmasks,
		     unsigned int nflows)
{
	unsigned int per_mask, n_last, m, j, n, port;
	struct flowset fs;
	char text[512], sm[16], dm[16];

	if (!nmasks || nmasks > 24 * 17 || nflows < nmasks)
		die("masks: 1..408 masks, at least one flow each", -EINVAL);
	/* Ports are what keeps flows apart: one port per flow at most. */
	if (nflows > 65536)
		die("masks: at most 65536 flows (one per UDP port)", -EINVAL);
	per_mask = nflows / nmasks;
	n_last = nflows - per_mask * (nmasks - 1);
	flowset_init(&fs, nflows, out);
	for (m = 0; m < nmasks; m++) {
		bool hit = m == nmasks - 1;
		unsigned int psrc = 8 + m % 24, pdst = 16 + m / 24;

		n = hit ? n_last : per_mask;
		prefix_mask(psrc, sm, sizeof(sm));
		prefix_mask(pdst, dm, sizeof(dm));
		for (j = 0; j < n; j++) {
			/*
			 * Flows of different masks must not overlap (a new
			 * flow whose key an existing one matches is refused
			 * as a duplicate): no two share a port.
			 */
			port = hit ? j : n_last + m * per_mask + j;
			snprintf(text, sizeof(text),
				 "in_port(%u)," ANY_ETH "eth_type(0x0800),"
				 "ipv4(src=10.1.0.1/%s,dst=10.2.0.1/%s,"
				 "proto=17),udp(dst=%u)", in, sm, dm, port);
			flowset_add(&fs, dp, text, true);
		}
	}
	flowset_install(&fs);
	return 0;
}

/* One mask, NIPS x NPORTS flows: every (destination, port) of the traffic. */
static int cmd_spread(int dp, uint32_t in, uint32_t out, unsigned int nips,
		      unsigned int nports)
{
	struct flowset fs;
	char text[512], da[16];
	unsigned int i, p;

	if (!nips || !nports || nports > 65535)
		die("spread: bad sizes", -EINVAL);
	flowset_init(&fs, (size_t)nips * nports, out);
	for (i = 0; i < nips; i++) {
		ip_str(0x0a020000 + i, da, sizeof(da));
		for (p = 1; p <= nports; p++) {
			snprintf(text, sizeof(text),
				 "in_port(%u)," ANY_ETH "eth_type(0x0800),"
				 "ipv4(src=10.1.0.1,dst=%s,proto=17),"
				 "udp(dst=%u)", in, da, p);
			flowset_add(&fs, dp, text, true);
		}
	}
	flowset_install(&fs);
	return 0;
}

/* ---- the flow-setup listener ---- */

struct port_sock {
	uint32_t port_no;
	struct ovsdp_listener *l;
};

struct listener {
	int dp;
	struct ovsdp_buf acts;
	/* One batch of upcalls turned into flow requests. */
	struct ovsdp_flow reqs[BATCH];
	struct ovsdp_buf keys[BATCH];
	uint8_t ufids[BATCH][16];
	size_t n;
	uint64_t seq;
	/* Counters, also per in_port (index = port number, capped). */
	uint64_t upcalls, installed, failed, exists;
	/* How much each wake-up, read and install request carried. */
	uint64_t wakeups, datagrams, batches;
	/*
	 * CPU seconds spent on upcalls, and of that in installing their
	 * flows; the rest went to reading and parsing them.
	 */
	double work_cpu, install_cpu;
	uint64_t port_upcalls[MAX_PORTS];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * The flow matches the packet's L2-L4 attributes exactly (an exact key
 * must carry every attribute its protocols imply: an ICMPv6 packet's
 * needs ICMPV6, and ND too for neighbour discovery); metadata the
 * kernel reports (skb_mark, conntrack state, recirc_id, ...) is left
 * wildcarded so that neither module rejects the key for fields it cannot
 * match on.
 */
static bool key_attr_wanted(uint16_t type)
{
	switch (type) {
	case OVS_KEY_ATTR_IN_PORT:
	case OVS_KEY_ATTR_ETHERNET:
	case OVS_KEY_ATTR_ETHERTYPE:
	case OVS_KEY_ATTR_IPV4:
	case OVS_KEY_ATTR_IPV6:
	case OVS_KEY_ATTR_TCP:
	case OVS_KEY_ATTR_UDP:
	case OVS_KEY_ATTR_SCTP:
	case OVS_KEY_ATTR_ICMP:
	case OVS_KEY_ATTR_ICMPV6:
	case OVS_KEY_ATTR_ARP:
	case OVS_KEY_ATTR_ND:
		return true;
	default:
		return false;
	}
}

static uint32_t filter_key(struct ovsdp_buf *out, const void *key,
			   size_t len)
{
	const uint8_t *p = key, *end = p + len;
	uint32_t in_port = 0;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if (key_attr_wanted(type)) {
			if (type == OVS_KEY_ATTR_IN_PORT &&
			    a->nla_len >= NLA_HDRLEN + 4)
				memcpy(&in_port, p + NLA_HDRLEN, 4);
			/* Already an attribute: copied whole, padding too,
			 * unless the key ends within its padding.
			 */
			if (p + NLA_ALIGN(a->nla_len) <= end)
				ovsdp_buf_put(out, p, NLA_ALIGN(a->nla_len));
			else
				ovsdp_attr_put(out, type, p + NLA_HDRLEN,
					       a->nla_len - NLA_HDRLEN);
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return in_port;
}

static void flush_batch(struct listener *ls);

static int on_upcall(const struct ovsdp_event *ev, void *arg)
{
	struct listener *ls = arg;
	const struct ovsdp_upcall *up = &ev->u.upcall;
	struct ovsdp_flow *f;
	uint32_t in_port;

	if (ev->family != OVSDP_PACKET || up->cmd != OVS_PACKET_CMD_MISS)
		return 0;
	ls->upcalls++;
	/* One datagram may hold more upcalls than a batch has room for. */
	if (ls->n == BATCH)
		flush_batch(ls);
	f = &ls->reqs[ls->n];
	ovsdp_buf_clear(&ls->keys[ls->n]);
	in_port = filter_key(&ls->keys[ls->n], up->key, up->key_len);
	ls->port_upcalls[in_port < MAX_PORTS ? in_port : 0]++;
	memset(f, 0, sizeof(*f));
	f->dp_ifindex = ls->dp;
	f->key = ls->keys[ls->n].data;
	f->key_len = ls->keys[ls->n].len;
	f->actions = ls->acts.data;
	f->actions_len = ls->acts.len;
	make_ufid(ls->ufids[ls->n], ++ls->seq);
	f->ufid = ls->ufids[ls->n];
	f->ufid_len = 16;
	f->ufid_flags = OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK |
			OVS_UFID_F_OMIT_ACTIONS;
	ls->n++;
	return 0;
}

static void flush_batch(struct listener *ls)
{
	struct ovsdp_batch_result res[BATCH];
	double c0;
	size_t i;
	int rc;

	if (!ls->n)
		return;
	c0 = cpu_now();
	rc = ovsdp_flow_put_batch(h, ls->reqs, ls->n, OVSDP_FLOW_EXCL, 0, res);
	ls->install_cpu += cpu_now() - c0;
	if (rc < 0)
		die("installing flows", rc);
	ls->batches++;
	for (i = 0; i < ls->n; i++) {
		if (!res[i].error)
			ls->installed++;
		else if (res[i].error == -EEXIST)
			ls->exists++;	/* two packets of one 5-tuple */
		else
			ls->failed++;
	}
	ls->n = 0;
}

/* Reads up to what fills one batch from @l; returns messages read. */
static int drain(struct listener *ls, struct ovsdp_listener *l)
{
	int got = 0, rc;

	while (ls->n < BATCH) {
		rc = ovsdp_listener_recv(l, on_upcall, ls);
		if (rc == -EAGAIN)
			break;
		if (rc == -ENOBUFS)
			continue;	/* the kernel counts these as lost */
		if (rc < 0)
			die("receiving upcalls", rc);
		ls->datagrams++;
		got += rc;
	}
	return got;
}

static struct ovsdp_listener *new_listener(void)
{
	struct ovsdp_listener *l;
	int rc = ovsdp_listener_open(h, &l);

	if (!rc)
		rc = ovsdp_listener_set_nonblocking(l, true);
	if (rc)
		die("opening an upcall socket", rc);
	return l;
}

struct port_list {
	struct port_sock ports[MAX_PORTS];
	size_t n;
};

static int collect_port(const struct ovsdp_vport_info *vp, void *arg)
{
	struct port_list *pl = arg;

	if (vp->port_no == 0 || pl->n == MAX_PORTS)
		return 0;	/* the local port sends nothing here */
	pl->ports[pl->n++].port_no = vp->port_no;
	return 0;
}

/*
 * Every CPU's upcall PID is the one socket's port id.  With @batch, asks
 * for upcalls that share datagrams (our extension); a module without it
 * says EOPNOTSUPP, and the listener does without.  Returns whether it got
 * them.
 */
static bool set_per_cpu(int dp, uint32_t pid, bool batch)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	struct ovsdp_buf attrs;
	struct ovsdp_dp_info info;
	uint32_t pids[1024], feat;
	long i;
	int rc;

	if (ncpu < 1 || ncpu > 1024)
		ncpu = 1024;
	for (i = 0; i < ncpu; i++)
		pids[i] = pid;
	rc = ovsdp_dp_get(h, dp, NULL, &info);
	if (rc)
		die("datapath", rc);
	feat = (info.user_features | OVS_DP_F_DISPATCH_UPCALL_PER_CPU) &
	       ~(OVS_DP_F_VPORT_PIDS | OVSDP_DP_F_UPCALL_BATCH);
	for (;;) {
		ovsdp_buf_init(&attrs);
		ovsdp_attr_put_u32(&attrs, OVS_DP_ATTR_USER_FEATURES,
				   feat | (batch ? OVSDP_DP_F_UPCALL_BATCH : 0));
		ovsdp_attr_put(&attrs, OVS_DP_ATTR_PER_CPU_PIDS, pids,
			       ncpu * sizeof(pids[0]));
		rc = ovsdp_raw_request(h, ovsdp_family_id(h, OVSDP_DATAPATH),
				       OVS_DP_CMD_SET, OVS_DATAPATH_VERSION,
				       dp, attrs.data, attrs.len);
		ovsdp_buf_free(&attrs);
		if (rc != -EOPNOTSUPP || !batch)
			break;
		batch = false;
	}
	if (rc)
		die("setting per-CPU upcall PIDs", rc);
	return batch;
}

/* Back from per-CPU dispatch to each port's own PIDs. */
static void set_per_vport(int dp)
{
	struct ovsdp_dp_info info;
	uint32_t feat;
	int rc = ovsdp_dp_get(h, dp, NULL, &info);

	if (rc)
		die("datapath", rc);
	feat = (info.user_features & ~OVS_DP_F_DISPATCH_UPCALL_PER_CPU) |
	       OVS_DP_F_VPORT_PIDS;
	rc = ovsdp_dp_set(h, dp, NULL, NULL, &feat, NULL);
	if (rc)
		die("setting per-vport dispatch", rc);
}

static void set_port_pid(int dp, uint32_t port_no, uint32_t pid)
{
	struct ovsdp_vport_req req = {
		.dp_ifindex = dp, .port_no = port_no,
		.upcall_pids = &pid, .n_upcall_pids = 1,
	};
	int rc = ovsdp_vport_set(h, &req, NULL);

	if (rc)
		die("setting a port's upcall PID", rc);
}

static int cmd_listen(int dp, uint32_t out, double seconds, const char *mode,
		      bool batch)
{
	static struct listener ls;
	struct pollfd pfd[MAX_PORTS];
	struct ovsdp_listener *cpu_sock = NULL;
	struct port_list pl = { .n = 0 };
	struct ovsdp_parse_error err;
	char text[32];
	size_t i, nfd;
	double t0, end, c0;
	int rc;

	ls.dp = dp;
	ovsdp_buf_init(&ls.acts);
	for (i = 0; i < BATCH; i++)
		ovsdp_buf_init(&ls.keys[i]);
	snprintf(text, sizeof(text), "%u", out);
	if (ovsdp_actions_parse(text, &ls.acts, &err))
		die("actions", -EINVAL);

	if (!strcmp(mode, "per-cpu")) {
		cpu_sock = new_listener();
		batch = set_per_cpu(dp, ovsdp_listener_pid(cpu_sock), batch);
		pfd[0].fd = ovsdp_listener_fd(cpu_sock);
		nfd = 1;
	} else if (!strcmp(mode, "per-vport")) {
		batch = false;
		set_per_vport(dp);
		rc = ovsdp_vport_dump(h, dp, collect_port, &pl);
		if (rc)
			die("listing ports", rc);
		for (i = 0; i < pl.n; i++) {
			pl.ports[i].l = new_listener();
			set_port_pid(dp, pl.ports[i].port_no,
				     ovsdp_listener_pid(pl.ports[i].l));
			pfd[i].fd = ovsdp_listener_fd(pl.ports[i].l);
		}
		nfd = pl.n;
	} else {
		fprintf(stderr, "ovsbench: mode is per-cpu or per-vport\n");
		return 2;
	}
	for (i = 0; i < nfd; i++)
		pfd[i].events = POLLIN;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	/* Tell the driver the sockets are in place before traffic starts. */
	printf("ready\n");
	fflush(stdout);
	t0 = now();
	end = t0 + seconds;
	while (!stop && now() < end) {
		rc = poll(pfd, nfd, 100);
		if (rc <= 0)
			continue;
		ls.wakeups++;
		/* Ports in turn, one batch each, so no port starves another. */
		for (i = 0; i < nfd; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR)))
				continue;
			c0 = cpu_now();
			drain(&ls, cpu_sock ? cpu_sock : pl.ports[i].l);
			flush_batch(&ls);
			ls.work_cpu += cpu_now() - c0;
		}
	}
	printf("{\"seconds\": %.3f, \"upcall_batch\": %s, "
	       "\"upcalls\": %llu, \"installed\": %llu, "
	       "\"exists\": %llu, \"failed\": %llu, \"wakeups\": %llu, "
	       "\"datagrams\": %llu, \"batches\": %llu, "
	       "\"work_cpu\": %.6f, \"install_cpu\": %.6f, "
	       "\"port_upcalls\": {",
	       now() - t0, batch ? "true" : "false",
	       (unsigned long long)ls.upcalls,
	       (unsigned long long)ls.installed,
	       (unsigned long long)ls.exists, (unsigned long long)ls.failed,
	       (unsigned long long)ls.wakeups,
	       (unsigned long long)ls.datagrams,
	       (unsigned long long)ls.batches, ls.work_cpu, ls.install_cpu);
	for (i = 1, rc = 0; i < MAX_PORTS; i++) {
		if (!ls.port_upcalls[i])
			continue;
		printf("%s\"%zu\": %llu", rc++ ? ", " : "", i,
		       (unsigned long long)ls.port_upcalls[i]);
	}
	printf("}}\n");
	return 0;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end) {
		fprintf(stderr, "ovsbench: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ovsbench exact  DP IN OUT SRCMAC DSTMAC\n"
		"       ovsbench masks  DP IN OUT NMASKS NFLOWS\n"
		"       ovsbench spread DP IN OUT NIPS NPORTS\n"
		"       ovsbench listen DP OUT SECONDS per-cpu|per-vport "
		"[single]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int rc, dp;

	if (argc < 3)
		usage();
	rc = ovsdp_open(&h);
	if (rc)
		die("netlink", rc);
	dp = dp_index(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "exact") && argc == 7)
		return cmd_exact(dp, num(argv[3]), num(argv[4]), argv[5],
				 argv[6]);
	if (!strcmp(argv[1], "masks") && argc == 7)
		return cmd_masks(dp, num(argv[3]), num(argv[4]), num(argv[5]),
				 num(argv[6]));
	if (!strcmp(argv[1], "spread") && argc == 7)
		return cmd_spread(dp, num(argv[3]), num(argv[4]), num(argv[5]),
				  num(argv[6]));
	if (!strcmp(argv[1], "listen") &&
	    (argc == 6 || (argc == 7 && !strcmp(argv[6], "single"))))
		return cmd_listen(dp, num(argv[3]), atof(argv[4]), argv[5],
				  argc == 6);
	usage();
	return 2;
}
