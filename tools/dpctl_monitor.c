// SPDX-License-Identifier: GPL-2.0
/*
 * ovsdp-dpctl monitor: one line per datapath, vport and flow notification
 * (the families' multicast groups) and, with --upcalls, per upcall.
 *
 * Upcalls are unicast to whatever netlink port id the vport (or, in
 * per-CPU dispatch mode, the datapath) names, normally a daemon's socket.
 * Seeing them means taking them away from that daemon, so it is only done
 * on request: the old PIDs are saved, ours put in their place (also on
 * ports added while we run), and on exit every PID still pointing at us
 * is put back.
 *
 * Lines (first word: family, second: command):
 *   datapath new|del|set NAME dp_ifindex=N features=0xN
 *   vport new|del|set DP port=N name=NAME type=T upcall_pids=P[,P]
 *   flow new|del|set DP [ufid:U, ]KEY, packets:N, bytes:N, used:T, actions:A
 *   upcall miss|action DP port=N len=N [userdata=HEX ]key=KEY packet=HEX
 *   overflow DP? notifications were lost (socket buffer full)
 */
#define _GNU_SOURCE		/* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "dpctl.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* A small ifindex -> name table, refreshed from datapath events. */
#define MAX_DPS 64

struct dp_name {
	int ifindex;
	char name[IFNAMSIZ];
};

/* A port whose upcall PIDs we replaced, and what to restore. */
struct saved_port {
	uint32_t port_no;
	uint32_t pids[OVSDP_MAX_UPCALL_PIDS];
	size_t n_pids;
};

struct monitor {
	struct ovsdp *h;
	struct ovsdp_listener *l;
	const struct dpctl_opts *o;
	int only_ifindex;		/* 0: every datapath */
	struct dp_name dps[MAX_DPS];
	int n_dps;
	/* --upcalls */
	int up_ifindex;
	uint32_t pid;
	struct saved_port *ports;
	size_t n_ports, cap_ports;
	bool per_cpu;
	uint32_t cpu_pids[OVSDP_MAX_CPU_PIDS];
	size_t n_cpu_pids;
	int error;			/* first failure while taking over */
};

static void dp_remember(struct monitor *m, int ifindex, const char *name)
{
	int i;

	for (i = 0; i < m->n_dps; i++)
		if (m->dps[i].ifindex == ifindex)
			break;
	if (i == m->n_dps) {
		if (m->n_dps == MAX_DPS)
			return;
		m->n_dps++;
	}
	m->dps[i].ifindex = ifindex;
	snprintf(m->dps[i].name, sizeof(m->dps[i].name), "%s", name);
}

static int remember_dp(const struct ovsdp_dp_info *dp, void *arg)
{
	dp_remember(arg, dp->dp_ifindex, dp->name);
	return 0;
}

static const char *dp_lookup(struct monitor *m, int ifindex)
{
	static char unknown[32];
	struct ovsdp_dp_info dp;
	int i;

	for (i = 0; i < m->n_dps; i++)
		if (m->dps[i].ifindex == ifindex)
			return m->dps[i].name;
	if (!ovsdp_dp_get(m->h, ifindex, NULL, &dp)) {
		dp_remember(m, ifindex, dp.name);
		return dp_lookup(m, ifindex);
	}
	snprintf(unknown, sizeof(unknown), "dp_ifindex:%d", ifindex);
	return unknown;
}

static const char *cmd_name(uint8_t cmd)
{
	/* The NEW/DEL/GET/SET commands share values across the families. */
	switch (cmd) {
	case OVS_DP_CMD_NEW:
		return "new";
	case OVS_DP_CMD_DEL:
		return "del";
	case OVS_DP_CMD_GET:
		return "get";
	case OVS_DP_CMD_SET:
		return "set";
	default:
		return "cmd?";
	}
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case OVS_VPORT_TYPE_NETDEV:
		return "system";
	case OVS_VPORT_TYPE_INTERNAL:
		return "internal";
	case OVS_VPORT_TYPE_GRE:
		return "gre";
	case OVS_VPORT_TYPE_VXLAN:
		return "vxlan";
	case OVS_VPORT_TYPE_GENEVE:
		return "geneve";
	default:
		return "unknown";
	}
}

static void pids_format(struct ovsdp_buf *out, const uint32_t *pids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ovsdp_buf_printf(out, "%s%u", i ? "," : "", pids[i]);
	if (!n)
		ovsdp_buf_printf(out, "none");
}

/* ---- taking over upcalls ---- */

static struct saved_port *saved_find(struct monitor *m, uint32_t port_no)
{
	size_t i;

	for (i = 0; i < m->n_ports; i++)
		if (m->ports[i].port_no == port_no)
			return &m->ports[i];
	return NULL;
}

/* Points one port's upcalls at us, remembering its PIDs the first time. */
static int take_port(struct monitor *m, const struct ovsdp_vport_info *vp)
{
	struct ovsdp_vport_req req = {
		.dp_ifindex = m->up_ifindex,
		.port_no = vp->port_no,
		.upcall_pids = &m->pid,
		.n_upcall_pids = 1,
	};
	struct saved_port *sp = saved_find(m, vp->port_no);
	int rc;

	if (vp->n_upcall_pids == 1 && vp->upcall_pids[0] == m->pid)
		return 0;	/* ours already (our own set echoed back) */
	if (!sp) {
		if (m->n_ports == m->cap_ports) {
			void *p = ovsdp_array_grow(m->ports, &m->cap_ports,
						   sizeof(*m->ports), 16);

			if (!p)
				return -ENOMEM;
			m->ports = p;
		}
		sp = &m->ports[m->n_ports++];
		sp->port_no = vp->port_no;
		sp->n_pids = vp->n_upcall_pids;
		memcpy(sp->pids, vp->upcall_pids,
		       vp->n_upcall_pids * sizeof(uint32_t));
	}
	rc = ovsdp_vport_set(m->h, &req, NULL);
	if (rc && rc != -ENODEV)
		return dpctl_fail(m->h, "redirecting upcalls", rc);
	return 0;
}

struct port_list {
	struct ovsdp_vport_info *vps;
	size_t n, cap;
};

static int collect_port(const struct ovsdp_vport_info *vp, void *arg)
{
	struct port_list *l = arg;
	void *p;

	if (l->n == l->cap) {
		p = ovsdp_array_grow(l->vps, &l->cap, sizeof(*l->vps), 16);
		if (!p)
			return -ENOMEM;
		l->vps = p;
	}
	l->vps[l->n] = *vp;
	l->vps[l->n].options = NULL;	/* points into the dump message */
	l->vps[l->n].options_len = 0;
	l->n++;
	return 0;
}

static int take_upcalls(struct monitor *m, const struct ovsdp_dp_info *dp)
{
	uint32_t pids[OVSDP_MAX_CPU_PIDS];
	struct port_list l = { 0 };
	long ncpu;
	size_t i, n;
	int rc;

	m->up_ifindex = dp->dp_ifindex;
	if (dp->user_features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU) {
		m->per_cpu = true;
		m->n_cpu_pids = dp->n_per_cpu_pids;
		memcpy(m->cpu_pids, dp->per_cpu_pids,
		       dp->n_per_cpu_pids * sizeof(uint32_t));
		ncpu = sysconf(_SC_NPROCESSORS_CONF);
		n = dp->n_per_cpu_pids > (size_t)(ncpu > 0 ? ncpu : 1) ?
		    dp->n_per_cpu_pids : (size_t)(ncpu > 0 ? ncpu : 1);
		if (n > OVSDP_MAX_CPU_PIDS)
			n = OVSDP_MAX_CPU_PIDS;
		for (i = 0; i < n; i++)
			pids[i] = m->pid;
		rc = ovsdp_dp_set_per_cpu_pids(m->h, dp->dp_ifindex, NULL,
					       dp->user_features, pids, n);
		if (rc)
			return dpctl_fail(m->h, "redirecting per-CPU upcalls",
					  rc);
	}
	/* The dump completes before the first set: one request at a time. */
	rc = ovsdp_vport_dump(m->h, dp->dp_ifindex, collect_port, &l);
	if (rc < 0)
		rc = dpctl_fail(m->h, "port dump", rc);
	for (i = 0; !rc && i < l.n; i++)
		rc = take_port(m, &l.vps[i]);
	free(l.vps);
	return rc;
}

/* Puts back what we replaced, where it still points at us. */
static int give_back_upcalls(struct monitor *m)
{
	struct ovsdp_vport_info vp;
	struct ovsdp_dp_info dp;
	int rc, ret = 0;
	size_t i;

	for (i = 0; i < m->n_ports; i++) {
		struct saved_port *sp = &m->ports[i];
		struct ovsdp_vport_req req = {
			.dp_ifindex = m->up_ifindex,
			.port_no = sp->port_no,
			.upcall_pids = sp->pids,
			.n_upcall_pids = sp->n_pids,
		};

		if (ovsdp_vport_get(m->h, m->up_ifindex, NULL, sp->port_no,
				    &vp))
			continue;	/* port gone */
		if (vp.n_upcall_pids != 1 || vp.upcall_pids[0] != m->pid)
			continue;	/* someone else took it meanwhile */
		if (!sp->n_pids) {
			/* A port always needs a PID; 0 means "no upcalls". */
			static const uint32_t none;

			req.upcall_pids = &none;
			req.n_upcall_pids = 1;
		}
		rc = ovsdp_vport_set(m->h, &req, NULL);
		if (rc)
			ret = dpctl_fail(m->h, "restoring upcall PIDs", rc);
	}
	if (m->per_cpu && !ovsdp_dp_get(m->h, m->up_ifindex, NULL, &dp) &&
	    dp.n_per_cpu_pids && dp.per_cpu_pids[0] == m->pid &&
	    m->n_cpu_pids) {
		rc = ovsdp_dp_set_per_cpu_pids(m->h, m->up_ifindex, NULL,
					       dp.user_features, m->cpu_pids,
					       m->n_cpu_pids);
		if (rc)
			ret = dpctl_fail(m->h, "restoring per-CPU PIDs", rc);
	}
	return ret;
}

/* ---- printing ---- */

static void print_dp(struct monitor *m, const struct ovsdp_event *ev)
{
	const struct ovsdp_dp_info *dp = &ev->u.dp;

	if (ev->cmd == OVS_DP_CMD_DEL) {
		/* The name may be gone from the message: use the table. */
		printf("datapath del %s dp_ifindex=%d\n",
		       dp->name[0] ? dp->name : dp_lookup(m, dp->dp_ifindex),
		       dp->dp_ifindex);
		return;
	}
	dp_remember(m, dp->dp_ifindex, dp->name);
	printf("datapath %s %s dp_ifindex=%d features=0x%x\n",
	       cmd_name(ev->cmd), dp->name, dp->dp_ifindex,
	       dp->user_features);
}

static void print_vport(struct monitor *m, const struct ovsdp_event *ev)
{
	const struct ovsdp_vport_info *vp = &ev->u.vport;
	struct ovsdp_buf out;

	ovsdp_buf_init(&out);
	ovsdp_buf_printf(&out, "vport %s %s port=%u name=%s type=%s "
			 "upcall_pids=", cmd_name(ev->cmd),
			 dp_lookup(m, vp->dp_ifindex), vp->port_no, vp->name,
			 type_name(vp->type));
	pids_format(&out, vp->upcall_pids, vp->n_upcall_pids);
	printf("%s\n", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
}

static void print_flow_event(struct monitor *m, const struct ovsdp_event *ev)
{
	const struct ovsdp_flow *f = &ev->u.flow;
	struct ovsdp_buf out;

	ovsdp_buf_init(&out);
	ovsdp_buf_printf(&out, "flow %s %s ", cmd_name(ev->cmd),
			 dp_lookup(m, f->dp_ifindex));
	if (f->ufid && !m->o->more) {
		/* Always identify the flow; -m adds it in its own place. */
		dpctl_ufid_format(&out, f->ufid, f->ufid_len);
		ovsdp_buf_printf(&out, ", ");
	}
	dpctl_flow_format(&out, f, m->o->more, true, dpctl_now_msec());
	printf("%s\n", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
}

static uint32_t key_in_port(const void *key, size_t len)
{
	const struct nlattr *a = dpctl_attr_find(key, len,
						 OVS_KEY_ATTR_IN_PORT);
	uint32_t port;

	if (!a || a->nla_len != NLA_HDRLEN + 4)
		return UINT32_MAX;
	memcpy(&port, (const uint8_t *)a + NLA_HDRLEN, 4);
	return port;
}

static void print_upcall(struct monitor *m, const struct ovsdp_event *ev)
{
	const struct ovsdp_upcall *up = &ev->u.upcall;
	uint32_t port = key_in_port(up->key, up->key_len);
	struct ovsdp_buf out;

	ovsdp_buf_init(&out);
	ovsdp_buf_printf(&out, "upcall %s %s ",
			 up->cmd == OVS_PACKET_CMD_MISS ? "miss" : "action",
			 dp_lookup(m, up->dp_ifindex));
	if (port != UINT32_MAX)
		ovsdp_buf_printf(&out, "port=%u ", port);
	ovsdp_buf_printf(&out, "len=%zu ", up->packet_len);
	if (up->userdata) {
		ovsdp_buf_printf(&out, "userdata=");
		ovsdp_hex_format(&out, up->userdata, up->userdata_len);
		ovsdp_buf_printf(&out, " ");
	}
	ovsdp_buf_printf(&out, "key=");
	ovsdp_key_format(&out, up->key, up->key_len, NULL, 0);
	ovsdp_buf_printf(&out, " packet=");
	ovsdp_hex_format(&out, up->packet, up->packet_len);
	printf("%s\n", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
}

static int event_dp_ifindex(const struct ovsdp_event *ev)
{
	switch (ev->family) {
	case OVSDP_DATAPATH:
		return ev->u.dp.dp_ifindex;
	case OVSDP_VPORT:
		return ev->u.vport.dp_ifindex;
	case OVSDP_FLOW:
		return ev->u.flow.dp_ifindex;
	default:
		return ev->u.upcall.dp_ifindex;
	}
}

static int on_event(const struct ovsdp_event *ev, void *arg)
{
	struct monitor *m = arg;
	int rc;

	if (m->only_ifindex && event_dp_ifindex(ev) != m->only_ifindex)
		return 0;
	switch (ev->family) {
	case OVSDP_DATAPATH:
		print_dp(m, ev);
		break;
	case OVSDP_VPORT:
		print_vport(m, ev);
		/* New ports of the watched datapath send their upcalls here. */
		if (m->up_ifindex && ev->cmd == OVS_VPORT_CMD_NEW &&
		    ev->u.vport.dp_ifindex == m->up_ifindex) {
			rc = take_port(m, &ev->u.vport);
			if (rc && !m->error)
				m->error = rc;
		}
		break;
	case OVSDP_FLOW:
		print_flow_event(m, ev);
		break;
	default:
		print_upcall(m, ev);
		break;
	}
	return 0;
}

/* ---- main loop ---- */

static int monitor_loop(struct monitor *m, const sigset_t *orig)
{
	struct pollfd pfd = { .fd = ovsdp_listener_fd(m->l), .events = POLLIN };

	int rc, i;

	while (!stop_signal) {
		rc = ppoll(&pfd, 1, NULL, orig);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", prog,
				strerror(errno));
			return EXIT_KERNEL;
		}
		/*
		 * A bounded batch: signals are only let in by ppoll(), so a
		 * socket that never runs dry must not keep us from them.
		 */
		for (i = 0; i < 64; i++) {
			rc = ovsdp_listener_recv(m->l, on_event, m);
			if (rc == -EAGAIN)
				break;
			if (rc == -ENOBUFS) {
				printf("overflow notifications were lost "
				       "(socket buffer full)\n");
				continue;
			}
			if (rc < 0 && rc != -EINTR) {
				fprintf(stderr, "%s: receive: %s\n", prog,
					strerror(-rc));
				return EXIT_KERNEL;
			}
			if (rc < 0)
				break;
		}
		if (m->error)
			return m->error;
		/* Reader gone (e.g. "| head"): stop cleanly, give back PIDs. */
		if (fflush(stdout) || ferror(stdout))
			return 0;
	}
	return 0;
}

static int subscribe_all(struct monitor *m)
{
	static const enum ovsdp_family fams[] = {
		OVSDP_DATAPATH, OVSDP_VPORT, OVSDP_FLOW,
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		rc = ovsdp_listener_subscribe(m->l, fams[i]);
		if (rc) {
			fprintf(stderr, "%s: cannot join the multicast group of "
				"family %d: %s (openvswitch module loaded?)\n",
				prog, (int)fams[i], strerror(-rc));
			return EXIT_KERNEL;
		}
	}
	return 0;
}

int dpctl_cmd_monitor(struct ovsdp *h, const struct dpctl_opts *o,
		      int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct monitor m = { .h = h, .o = o };
	struct ovsdp_dp_info dp;
	sigset_t block, orig;
	int rc, rc2;

	if (argc > 1)
		return BAD_ARGS;
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Signals only interrupt the wait: no event is cut in half. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (argc || o->upcalls) {
		rc = dpctl_find_dp(h, argc ? argv[0] : NULL, &dp);
		if (rc)
			return rc;
		if (argc)
			m.only_ifindex = dp.dp_ifindex;
	}
	rc = ovsdp_listener_open(h, &m.l);
	if (rc)
		return dpctl_fail(h, "opening a netlink socket", rc);
	ovsdp_listener_set_nonblocking(m.l, true);
	m.pid = ovsdp_listener_pid(m.l);
	rc = subscribe_all(&m);
	if (rc)
		goto out;
	rc = ovsdp_dp_dump(h, remember_dp, &m);
	if (rc) {
		rc = dpctl_fail(h, "datapath dump", rc);
		goto out;
	}
	/* Subscribed before taking over: our own port changes show up. */
	if (o->upcalls) {
		rc = take_upcalls(&m, &dp);
		if (rc)
			goto restore;
	}
	fprintf(stderr, "%s: monitoring %s%s%s (netlink pid %u); "
		"SIGINT, SIGTERM or SIGHUP stops\n", prog,
		argc ? "datapath " : "all datapaths",
		argc ? dp.name : "",
		o->upcalls ? ", upcalls redirected here" : "", m.pid);
	rc = monitor_loop(&m, &orig);
restore:
	if (o->upcalls) {
		rc2 = give_back_upcalls(&m);
		if (!rc)
			rc = rc2;
	}
out:
	free(m.ports);
	ovsdp_listener_close(m.l);
	return rc;
}
