// SPDX-License-Identifier: GPL-2.0
/*
 * ovsdp-dpctl: a small ovs-dpctl work-alike on libovsdp.
 *
 * Exit status: 0 success, 1 the kernel (or the system) refused, 2 the
 * command line or a flow/action string is malformed.  Kernel refusals
 * print the extended ack text the kernel gave.
 *
 * This file: the command table, option parsing, shared helpers, and the
 * datapath and port commands.  Flows and execute are in dpctl_flows.c,
 * the monitor in dpctl_monitor.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dpctl.h"

const char *prog = "ovsdp-dpctl";

/* ---- shared helpers ---- */

int dpctl_fail(struct ovsdp *h, const char *what, int err)
{
	const char *msg = h ? ovsdp_error_msg(h) : "";

	if (msg[0] && strcmp(msg, strerror(-err)))
		fprintf(stderr, "%s: %s failed (%s): %s\n", prog, what,
			strerror(-err), msg);
	else
		fprintf(stderr, "%s: %s failed (%s)\n", prog, what,
			strerror(-err));
	return EXIT_KERNEL;
}

int dpctl_syntax_error(const char *what, const char *text, size_t pos,
		       const char *msg)
{
	const char *p;

	/* The library says "offset N near ..." relative to what it saw. */
	if (!strncmp(msg, "offset ", 7)) {
		p = msg + 7 + strspn(msg + 7, "0123456789");
		if (*p == ' ')
			msg = p + 1;
	}
	fprintf(stderr, "%s: malformed %s at offset %zu: %s\n  %s\n  %*s^\n",
		prog, what, pos, msg, text, (int)pos, "");
	return EXIT_USAGE;
}

const char *dpctl_dp_name(const char *arg)
{
	return strncmp(arg, "system@", 7) ? arg : arg + 7;
}

struct one_dp {
	int n;
	struct ovsdp_dp_info dp;
};

static int count_dp(const struct ovsdp_dp_info *dp, void *arg)
{
	struct one_dp *o = arg;

	if (!o->n++)
		o->dp = *dp;
	return 0;
}

int dpctl_find_dp(struct ovsdp *h, const char *arg, struct ovsdp_dp_info *dp)
{
	static struct one_dp o;
	char what[IFNAMSIZ + 64];
	int rc;

	if (arg) {
		rc = ovsdp_dp_get(h, 0, dpctl_dp_name(arg), dp);
		if (!rc)
			return 0;
		snprintf(what, sizeof(what), "looking up datapath %s",
			 dpctl_dp_name(arg));
		return dpctl_fail(h, what, rc);
	}
	memset(&o, 0, sizeof(o));
	rc = ovsdp_dp_dump(h, count_dp, &o);
	if (rc)
		return dpctl_fail(h, "datapath dump", rc);
	if (o.n != 1) {
		fprintf(stderr, "%s: %s; name one\n", prog,
			o.n ? "several datapaths exist" : "no datapath exists");
		return EXIT_KERNEL;
	}
	*dp = o.dp;
	return 0;
}

uint64_t dpctl_now_msec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- datapaths ---- */

static const char *vport_type_name(uint32_t type)
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

static void print_pids(const uint32_t *pids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", pids[i]);
	if (!n)
		printf("none");
}

static int show_port(const struct ovsdp_vport_info *vp, void *arg)
{
	const struct dpctl_opts *o = arg;
	const struct ovs_vport_stats *st = &vp->stats;

	printf("  port %u: %s", vp->port_no, vp->name);
	if (vp->type != OVS_VPORT_TYPE_NETDEV)
		printf(" (%s)", vport_type_name(vp->type));
	printf("\n");
	if (o->more) {
		printf("    ifindex: %d\n    upcall_pids: ", vp->ifindex);
		print_pids(vp->upcall_pids, vp->n_upcall_pids);
		printf("\n");
	}
	if (o->stats && vp->has_stats) {
		printf("    RX packets:%llu errors:%llu dropped:%llu\n",
		       (unsigned long long)st->rx_packets,
		       (unsigned long long)st->rx_errors,
		       (unsigned long long)st->rx_dropped);
		printf("    TX packets:%llu errors:%llu dropped:%llu\n",
		       (unsigned long long)st->tx_packets,
		       (unsigned long long)st->tx_errors,
		       (unsigned long long)st->tx_dropped);
		printf("    RX bytes:%llu TX bytes:%llu\n",
		       (unsigned long long)st->rx_bytes,
		       (unsigned long long)st->tx_bytes);
	}
	return 0;
}

struct show_ctx {
	struct ovsdp *h;
	const struct dpctl_opts *o;
};

static int show_dp(const struct ovsdp_dp_info *dp, void *arg)
{
	struct show_ctx *c = arg;
	const struct ovs_dp_megaflow_stats *mf = &dp->megaflow_stats;
	unsigned long long pkts;

	printf("system@%s:\n", dp->name);
	if (dp->has_stats) {
		printf("  lookups: hit:%llu missed:%llu lost:%llu\n",
		       (unsigned long long)dp->stats.n_hit,
		       (unsigned long long)dp->stats.n_missed,
		       (unsigned long long)dp->stats.n_lost);
		printf("  flows: %llu\n",
		       (unsigned long long)dp->stats.n_flows);
	}
	if (dp->has_megaflow_stats) {
		pkts = dp->stats.n_hit + dp->stats.n_missed;
		printf("  masks: hit:%llu total:%u hit/pkt:%.2f\n",
		       (unsigned long long)mf->n_mask_hit, mf->n_masks,
		       pkts ? (double)mf->n_mask_hit / pkts : 0.0);
		printf("  cache: hit:%llu hit-rate:%.2f%%\n",
		       (unsigned long long)mf->n_cache_hit,
		       pkts ? 100.0 * mf->n_cache_hit / pkts : 0.0);
	}
	if (dp->masks_cache_size)
		printf("  caches:\n    masks-cache: size:%u\n",
		       dp->masks_cache_size);
	if (c->o->more) {
		printf("  dp_ifindex: %d\n  user_features: 0x%x\n",
		       dp->dp_ifindex, dp->user_features);
		if (dp->n_per_cpu_pids) {
			printf("  per_cpu_pids: ");
			print_pids(dp->per_cpu_pids, dp->n_per_cpu_pids);
			printf("\n");
		}
	}
	return ovsdp_vport_dump(c->h, dp->dp_ifindex, show_port,
				(void *)c->o);
}

struct dp_list {
	struct ovsdp_dp_info *dps;
	size_t n, cap;
};

static int collect_dp(const struct ovsdp_dp_info *dp, void *arg)
{
	struct dp_list *l = arg;
	void *p;

	if (l->n == l->cap) {
		p = ovsdp_array_grow(l->dps, &l->cap, sizeof(*l->dps), 8);
		if (!p)
			return -ENOMEM;
		l->dps = p;
	}
	l->dps[l->n++] = *dp;
	return 0;
}

static int cmd_show(struct ovsdp *h, const struct dpctl_opts *o, int argc,
		    char **argv)
{
	struct show_ctx c = { h, o };
	struct dp_list l = { 0 };
	struct ovsdp_dp_info dp;
	size_t k;
	int i, rc;

	if (!argc) {
		/*
		 * One request at a time on the socket: list the datapaths
		 * first, then dump each one's ports.
		 */
		rc = ovsdp_dp_dump(h, collect_dp, &l);
		for (k = 0; !rc && k < l.n; k++)
			rc = show_dp(&l.dps[k], &c);
		free(l.dps);
		return rc ? dpctl_fail(h, "show", rc) : 0;
	}
	for (i = 0; i < argc; i++) {
		rc = dpctl_find_dp(h, argv[i], &dp);
		if (rc)
			return rc;
		rc = show_dp(&dp, &c);
		if (rc)
			return dpctl_fail(h, argv[i], rc);
	}
	return 0;
}

static int print_dp_name(const struct ovsdp_dp_info *dp, void *arg)
{
	(void)arg;
	printf("system@%s\n", dp->name);
	return 0;
}

static int cmd_dump_dps(struct ovsdp *h, const struct dpctl_opts *o,
			int argc, char **argv)
{
	int rc;

	(void)o;
	(void)argv;
	if (argc)
		return BAD_ARGS;
	rc = ovsdp_dp_dump(h, print_dp_name, NULL);
	return rc ? dpctl_fail(h, "dump-dps", rc) : 0;
}

/* ---- port specs ---- */

/*
 * "NAME[,OPT]..." as add-if and set-if take it.  OPTs: type=T,
 * port_no=N (add-if), upcall_pid=P[:P]..., and tunnel options
 * dst_port=N and exts=gbp, which go into OVS_VPORT_ATTR_OPTIONS.
 */
struct port_spec {
	char *copy;
	struct ovsdp_vport_req req;
	uint32_t pids[OVSDP_MAX_UPCALL_PIDS];
	struct ovsdp_buf options;
};

static const struct {
	const char *name;
	uint32_t type;
} port_types[] = {
	{ "system", OVS_VPORT_TYPE_NETDEV },
	{ "netdev", OVS_VPORT_TYPE_NETDEV },
	{ "internal", OVS_VPORT_TYPE_INTERNAL },
	{ "gre", OVS_VPORT_TYPE_GRE },
	{ "vxlan", OVS_VPORT_TYPE_VXLAN },
	{ "geneve", OVS_VPORT_TYPE_GENEVE },
};

static bool parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > max)
		return false;
	*v = x;
	return true;
}

static bool parse_pid_list(struct port_spec *ps, const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	bool ok = copy != NULL;

	ps->req.n_upcall_pids = 0;
	for (tok = ok ? strtok_r(copy, ":", &save) : NULL; tok && ok;
	     tok = strtok_r(NULL, ":", &save)) {
		ok = ps->req.n_upcall_pids < OVSDP_MAX_UPCALL_PIDS &&
		     parse_u32(tok, UINT32_MAX,
			       &ps->pids[ps->req.n_upcall_pids++]);
	}
	free(copy);
	ps->req.upcall_pids = ps->pids;
	return ok && ps->req.n_upcall_pids;
}

static bool parse_port_opt(struct port_spec *ps, char *opt, bool add)
{
	char *val = strchr(opt, '=');
	uint32_t v;
	size_t i, nest;

	if (!val)
		return false;
	*val++ = 0;
	if (!strcmp(opt, "type")) {
		for (i = 0; i < sizeof(port_types) / sizeof(port_types[0]); i++)
			if (!strcmp(val, port_types[i].name))
				break;
		if (i == sizeof(port_types) / sizeof(port_types[0]))
			return false;
		ps->req.type = port_types[i].type;
		return true;
	}
	if (!strcmp(opt, "port_no") && add)
		return parse_u32(val, UINT32_MAX - 1, &ps->req.port_no);
	if (!strcmp(opt, "upcall_pid"))
		return parse_pid_list(ps, val);
	if (!strcmp(opt, "dst_port")) {
		uint16_t port;

		if (!parse_u32(val, 65535, &v))
			return false;
		port = v;
		ovsdp_attr_put(&ps->options, OVS_TUNNEL_ATTR_DST_PORT, &port,
			       sizeof(port));
		return true;
	}
	if (!strcmp(opt, "exts") && !strcmp(val, "gbp")) {
		nest = ovsdp_attr_nest_start(&ps->options,
					     OVS_TUNNEL_ATTR_EXTENSION);
		ovsdp_attr_put_flag(&ps->options, OVS_VXLAN_EXT_GBP);
		ovsdp_attr_nest_end(&ps->options, nest);
		return true;
	}
	return false;
}

static void port_spec_free(struct port_spec *ps)
{
	free(ps->copy);
	ovsdp_buf_free(&ps->options);
}

static int port_spec_parse(struct port_spec *ps, const char *spec,
			   int dp_ifindex, bool add)
{
	char *opt, *save = NULL;

	memset(ps, 0, sizeof(*ps));
	ovsdp_buf_init(&ps->options);
	ps->req.dp_ifindex = dp_ifindex;
	ps->req.port_no = OVSDP_PORT_ANY;
	if (add)
		ps->req.type = OVS_VPORT_TYPE_NETDEV;
	ps->copy = strdup(spec);
	if (!ps->copy)
		return EXIT_KERNEL;
	if (ps->copy[0] == ',')
		goto bad;
	ps->req.name = strtok_r(ps->copy, ",", &save);
	if (!ps->req.name || strlen(ps->req.name) >= IFNAMSIZ)
		goto bad;
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!parse_port_opt(ps, opt, add))
			goto bad;
	}
	if (ps->options.len || ps->options.oom) {
		ps->req.options = ps->options.data;
		ps->req.options_len = ps->options.len;
	}
	return 0;
bad:
	fprintf(stderr, "%s: bad interface spec '%s' (NAME[,type=T]%s"
		"[,upcall_pid=P[:P]...][,dst_port=N][,exts=gbp])\n", prog,
		spec, add ? "[,port_no=N]" : "");
	return EXIT_USAGE;
}

static int add_if(struct ovsdp *h, int dp_ifindex, const char *spec)
{
	struct port_spec ps;
	uint32_t pid = 0;
	char what[64];
	int rc;

	rc = port_spec_parse(&ps, spec, dp_ifindex, true);
	if (!rc) {
		if (!ps.req.upcall_pids) {
			/* No listener yet: upcalls are dropped until set-if. */
			ps.req.upcall_pids = &pid;
			ps.req.n_upcall_pids = 1;
		}
		rc = ovsdp_vport_new(h, &ps.req, NULL);
		if (rc) {
			snprintf(what, sizeof(what), "adding port %s",
				 ps.req.name);
			rc = dpctl_fail(h, what, rc);
		}
	}
	port_spec_free(&ps);
	return rc;
}

static int cmd_add_dp(struct ovsdp *h, const struct dpctl_opts *o, int argc,
		      char **argv)
{
	struct ovsdp_dp_info dp;
	int i, rc;

	(void)o;
	if (argc < 1)
		return BAD_ARGS;
	rc = ovsdp_dp_new(h, dpctl_dp_name(argv[0]), 0,
			  OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS, &dp);
	if (rc)
		return dpctl_fail(h, "add-dp", rc);
	for (i = 1; i < argc; i++) {
		rc = add_if(h, dp.dp_ifindex, argv[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmd_del_dp(struct ovsdp *h, const struct dpctl_opts *o, int argc,
		      char **argv)
{
	int rc;

	(void)o;
	if (argc != 1)
		return BAD_ARGS;
	rc = ovsdp_dp_del(h, 0, dpctl_dp_name(argv[0]));
	return rc ? dpctl_fail(h, "del-dp", rc) : 0;
}

static int cmd_add_if(struct ovsdp *h, const struct dpctl_opts *o, int argc,
		      char **argv)
{
	struct ovsdp_dp_info dp;
	int i, rc;

	(void)o;
	if (argc < 2)
		return BAD_ARGS;
	rc = dpctl_find_dp(h, argv[0], &dp);
	for (i = 1; !rc && i < argc; i++)
		rc = add_if(h, dp.dp_ifindex, argv[i]);
	return rc;
}

static int cmd_set_if(struct ovsdp *h, const struct dpctl_opts *o, int argc,
		      char **argv)
{
	struct ovsdp_dp_info dp;
	struct port_spec ps;
	char what[64];
	int i, rc;

	(void)o;
	if (argc < 2)
		return BAD_ARGS;
	rc = dpctl_find_dp(h, argv[0], &dp);
	for (i = 1; !rc && i < argc; i++) {
		rc = port_spec_parse(&ps, argv[i], dp.dp_ifindex, false);
		if (!rc) {
			/*
			 * Whatever the port cannot change (its type, options
			 * of a type that has none) goes to the kernel as
			 * asked, so that its own reason is what the user sees.
			 */
			rc = ovsdp_vport_set(h, &ps.req, NULL);
			if (rc) {
				snprintf(what, sizeof(what), "setting port %s",
					 ps.req.name);
				rc = dpctl_fail(h, what, rc);
			}
		}
		port_spec_free(&ps);
	}
	return rc;
}

static int cmd_del_if(struct ovsdp *h, const struct dpctl_opts *o, int argc,
		      char **argv)
{
	struct ovsdp_dp_info dp;
	char what[64];
	int i, rc;

	(void)o;
	if (argc < 2)
		return BAD_ARGS;
	rc = dpctl_find_dp(h, argv[0], &dp);
	for (i = 1; !rc && i < argc; i++) {
		rc = ovsdp_vport_del(h, dp.dp_ifindex, argv[i], 0);
		if (rc) {
			snprintf(what, sizeof(what), "deleting port %.20s",
				 argv[i]);
			rc = dpctl_fail(h, what, rc);
		}
	}
	return rc;
}

/* ---- command table ---- */

static const struct dpctl_cmd commands[] = {
	{ "show", "[-s] [-m] [DP...]",
	  "Datapaths with their statistics and ports.  -s adds port\n"
	  "counters, -m the dp_ifindex, features, port ifindexes and upcall\n"
	  "PIDs.", OPT_STATS | OPT_MORE, cmd_show },
	{ "dump-dps", "", "Lists datapaths, one system@NAME per line.", 0,
	  cmd_dump_dps },
	{ "add-dp", "DP [IFACE...]",
	  "Creates datapath DP (features: unaligned, per-vport PIDs) and\n"
	  "adds the given ports (see add-if).", 0, cmd_add_dp },
	{ "del-dp", "DP", "Deletes datapath DP and all its ports.", 0,
	  cmd_del_dp },
	{ "add-if", "DP IFACE[,OPT]...",
	  "Adds ports.  OPT: type=system|internal|gre|vxlan|geneve,\n"
	  "port_no=N, upcall_pid=P[:P]... (default 0: no upcalls),\n"
	  "dst_port=N and exts=gbp (tunnel options).", 0, cmd_add_if },
	{ "set-if", "DP IFACE[,OPT]...",
	  "Changes ports: upcall_pid=P[:P]... replaces the upcall PIDs,\n"
	  "dst_port=N / exts=gbp set tunnel options, type=T names the\n"
	  "expected type.  What a port cannot change is refused by the\n"
	  "kernel, whose reason is printed.", 0, cmd_set_if },
	{ "del-if", "DP IFACE...", "Removes ports.", 0, cmd_del_if },
	{ "dump-flows", "[-m] [DP] [[filter=]FLOW]",
	  "Prints flows, one per line.  -m prints the UFID and every field\n"
	  "with its mask.  FLOW (a key in flow syntax, recognised by its\n"
	  "parentheses or a filter= prefix) selects the flows that match\n"
	  "on at least the bits it names, with the same values.",
	  OPT_MORE, dpctl_cmd_dump_flows },
	{ "add-flow", "[DP] [ufid:HEX,]FLOW ACTIONS",
	  "Adds a flow; fails if it exists.", 0, dpctl_cmd_add_flow },
	{ "mod-flow", "[DP] [ufid:HEX,]FLOW ACTIONS",
	  "Replaces an existing flow's actions.", 0, dpctl_cmd_mod_flow },
	{ "get-flow", "[-m] [DP] FLOW|ufid:HEX",
	  "Prints one flow, found by UFID or by the key it was added with.",
	  OPT_MORE, dpctl_cmd_get_flow },
	{ "del-flow", "[DP] FLOW|ufid:HEX", "Deletes one flow.", 0,
	  dpctl_cmd_del_flow },
	{ "del-flows", "[DP]", "Deletes every flow of the datapath.", 0,
	  dpctl_cmd_del_flows },
	{ "execute", "[DP] IN_PORT|FLOW HEXPACKET ACTIONS",
	  "Sends the hex-encoded frame through ACTIONS as if received on\n"
	  "IN_PORT (number or port name), or with the metadata of FLOW.", 0,
	  dpctl_cmd_execute },
	{ "monitor", "[-m] [--upcalls] [DP]",
	  "Prints datapath, port and flow notifications, one line each,\n"
	  "until SIGINT/SIGTERM/SIGHUP or a closed output.  --upcalls\n"
	  "also points every port's upcalls at this command (diverting\n"
	  "them from whatever daemon serves them; restored on exit) and\n"
	  "prints them.",
	  OPT_MORE | OPT_UPCALLS, dpctl_cmd_monitor },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s [-m] [-s] COMMAND [ARG...]\n", prog);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %s %s\n", commands[i].name, commands[i].args);
	fprintf(f,
		"DP is NAME or system@NAME; when optional and omitted, the\n"
		"only datapath.  '%s COMMAND --help' describes a command.\n"
		"Exit status: 0 ok, 1 refused by the kernel or the system, 2\n"
		"usage error or malformed flow/action/packet text.\n", prog);
}

static void cmd_usage(FILE *f, const struct dpctl_cmd *c)
{
	fprintf(f, "usage: %s %s %s\n\n%s\n", prog, c->name, c->args,
		c->help);
}

/* Sets *bit for a recognised option; false if @arg is not one. */
static bool option_bit(const char *arg, unsigned int *bit)
{
	if (!strcmp(arg, "-m") || !strcmp(arg, "--more"))
		*bit = OPT_MORE;
	else if (!strcmp(arg, "-s") || !strcmp(arg, "--statistics"))
		*bit = OPT_STATS;
	else if (!strcmp(arg, "--upcalls"))
		*bit = OPT_UPCALLS;
	else
		return false;
	return true;
}

static void option_set(struct dpctl_opts *o, unsigned int bit)
{
	if (bit == OPT_MORE)
		o->more = true;
	else if (bit == OPT_STATS)
		o->stats = true;
	else
		o->upcalls = true;
}

int main(int argc, char **argv)
{
	const struct dpctl_cmd *c = NULL;
	struct dpctl_opts opts = { 0 };
	unsigned int bit, given = 0;
	int i, n, first = 1, rc;
	struct ovsdp *h;
	size_t k;

	/* Global options may come before the command, as for ovs-dpctl. */
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "--help") ||
		    !strcmp(argv[first], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!option_bit(argv[first], &bit)) {
			fprintf(stderr, "%s: unknown option '%s'\n", prog,
				argv[first]);
			usage(stderr);
			return EXIT_USAGE;
		}
		given |= bit;
		option_set(&opts, bit);
	}
	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (k = 0; k < N_COMMANDS; k++)
		if (!strcmp(argv[first], commands[k].name))
			c = &commands[k];
	if (!c) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog,
			argv[first]);
		usage(stderr);
		return EXIT_USAGE;
	}

	/* Options after the command; "--" ends them. */
	for (i = first + 1, n = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cmd_usage(stdout, c);
			return 0;
		}
		if (!strcmp(argv[i], "--")) {
			while (++i < argc)
				argv[first + 1 + n++] = argv[i];
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] && option_bit(argv[i], &bit)) {
			given |= bit;
			option_set(&opts, bit);
			continue;
		}
		if (argv[i][0] == '-' && isalpha((unsigned char)argv[i][1])) {
			fprintf(stderr, "%s: unknown option '%s'\n", prog,
				argv[i]);
			cmd_usage(stderr, c);
			return EXIT_USAGE;
		}
		if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "%s: unknown option '%s'\n", prog,
				argv[i]);
			cmd_usage(stderr, c);
			return EXIT_USAGE;
		}
		argv[first + 1 + n++] = argv[i];
	}
	if (given & ~c->opts) {
		fprintf(stderr, "%s: %s does not take that option\n", prog,
			c->name);
		cmd_usage(stderr, c);
		return EXIT_USAGE;
	}

	rc = ovsdp_open(&h);
	if (rc) {
		fprintf(stderr, "%s: cannot open generic netlink: %s\n", prog,
			strerror(-rc));
		return EXIT_KERNEL;
	}
	rc = c->fn(h, &opts, n, argv + first + 1);
	if (rc == BAD_ARGS) {
		fprintf(stderr, "%s: wrong number of arguments for %s\n", prog,
			c->name);
		cmd_usage(stderr, c);
		rc = EXIT_USAGE;
	}
	ovsdp_close(h);
	return rc;
}
