#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a results.json of tests/bench/bench.py: a table on stdout, a
summary JSON next to it, and a PNG chart.

    report.py RAW.json [--callgrind TXT] [--json OUT.json] [--png OUT.png]
              [--table OUT.txt]

For every (workload, configuration, module) the repetitions are reduced to
their median and spread ((max - min) / median).  Ratios compare medians of
one boot: ours / upstream, and packets/s / the direct veth ceiling.
"""

import argparse
import json
import re
import statistics
import sys

# The figure of merit of each workload, and whether more is better.
# ns/pkt is the switch CPU's busy time per delivered frame, "busy" the
# share of that CPU in use.
CPU = [("ns_per_pkt", "ns/pkt", False), ("switch_cpu_busy", "busy", None)]
METRICS = {
    "ceiling": [("pps", "pkt/s", True)] + CPU,
    "w1": [("pps", "pkt/s", True)] + CPU +
          [("mask_hit_per_pkt", "masks/pkt", False)],
    "w2": [("pps", "pkt/s", True)] + CPU +
          [("mask_hit_per_pkt", "masks/pkt", False),
           ("cache_hit_ratio", "cache hit", True)],
    "w3": [("pps", "pkt/s", True)] + CPU +
          [("mask_hit_per_pkt", "masks/pkt", False)],
    "w4": [("installed_per_s", "flows/s", True),
           ("lost_per_s", "lost/s", False),
           ("missed_per_s", "missed/s", None),
           ("installer_cpu", "installer cpu", None),
           ("installer_sys", "of it in kernel", None),
           ("switch_cpu_busy", "switch cpu busy", None),
           ("backlog_drops_per_s", "backlog drops/s", None),
           ("upcalls_per_wakeup", "upcalls/wake-up", None),
           ("upcalls_per_datagram", "upcalls/read", None),
           ("upcalls_per_install", "flows/install send", None),
           ("read_us_per_upcall", "us reading/upcall", False),
           ("install_us_per_upcall", "us installing/upcall", False)],
    "w5": [("b_delivered_ratio", "B delivered", True),
           ("installed_per_s", "A+B flows/s", True),
           ("lost_per_s", "lost/s", False)],
    "w6": [("bytes_per_flow", "B/flow", False),
           ("slab_bytes_per_flow", "slab B/flow", False),
           ("install_per_s", "installs/s", True),
           ("install_us_per_flow", "install us/flow", False),
           ("install_sys", "of it in kernel", None)],
}
TITLES = {
    "ceiling": "reference: no datapath",
    "w1": "1: one exact flow",
    "w2": "2: 10k flows over N masks; hit the last-added one, or all "
          "(spread)",
    "w3": "3: 100k flows, uniformly random hits",
    "w4": "4: flow setup, every packet a miss",
    "w5": "5: upcall fairness, A floods misses, B opens new flows",
    "w6": "6: kernel memory per installed flow",
}


def summarise(results):
    groups = {}
    order = []
    for r in results:
        k = (r["workload"], r["config"], r["module"])
        if k not in groups:
            groups[k] = []
            order.append(k)
        groups[k].append(r)
    rows = []
    for k in order:
        w, config, mod = k
        row = {"workload": w, "config": config, "module": mod,
               "reps": len(groups[k])}
        for metric, _, _ in METRICS.get(w, []):
            vals = [r[metric] for r in groups[k] if metric in r]
            if not vals:
                continue
            med = statistics.median(vals)
            row[metric] = med
            row[metric + "_spread"] = ((max(vals) - min(vals)) / med
                                       if med else 0.0)
        rows.append(row)
    ceiling = next((r["pps"] for r in rows if r["workload"] == "ceiling" and
                    r["config"] == "veth pair"), None)
    by_key = {(r["workload"], r["config"], r["module"]): r for r in rows}
    for r in rows:
        if "pps" in r and ceiling:
            r["vs_ceiling"] = r["pps"] / ceiling
        if r["module"] == "ours":
            up = by_key.get((r["workload"], r["config"], "upstream"))
            if up:
                for metric, _, _ in METRICS.get(r["workload"], []):
                    if r.get(metric) is not None and up.get(metric):
                        r[metric + "_vs_upstream"] = r[metric] / up[metric]
    return rows


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.3f" % v


def print_table(rows, meta, out=sys.stdout):
    p = lambda s="": print(s, file=out)  # noqa: E731
    p("Datapath benchmark: %s, %s CPUs, %s repetitions of %s s, started %s"
      % (meta.get("kernel"), meta.get("cpus"), meta.get("reps"),
         meta.get("duration_s"), meta.get("started")))
    p("medians; (+-x%) is the spread (max-min)/median; x ours/upstream is "
      "the ratio of medians; ceil = share of the direct veth pair's pkt/s")
    p("ns/pkt = busy time of the switch's CPU (the last, where RPS steers "
      "the frames) per delivered frame; busy = share of that CPU in use")
    for w in METRICS:
        wrows = [r for r in rows if r["workload"] == w]
        if not wrows:
            continue
        p()
        p("== %s" % TITLES[w])
        for r in wrows:
            cells = []
            for metric, label, _ in METRICS[w]:
                if metric not in r:
                    continue
                cell = "%s %s (+-%.0f%%)" % (fmt(r[metric]), label,
                                            100 * r[metric + "_spread"])
                ratio = r.get(metric + "_vs_upstream")
                if ratio is not None:
                    cell += " x%.2f" % ratio
                cells.append(cell)
            if "vs_ceiling" in r:
                cells.append("ceil %.2f" % r["vs_ceiling"])
            p("  %-30s %-9s %s" % (r["config"], r["module"],
                                   ";  ".join(cells)))


def chart(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pps = [r for r in rows if "pps" in r and r["workload"] != "ceiling"]
    configs = []
    for r in pps:
        label = "%s\n%s" % (r["workload"], r["config"])
        if label not in configs:
            configs.append(label)
    fig, axes = plt.subplots(1, 3, figsize=(17, 6),
                             gridspec_kw={"width_ratios": [5, 1.2, 1.6]})
    ax = axes[0]
    width = 0.38
    for i, (mod, color) in enumerate((("upstream", "#8c8c8c"),
                                      ("ours", "#2a7ab8"))):
        vals, errs = [], []
        for c in configs:
            r = next((x for x in pps if "%s\n%s" % (x["workload"],
                                                    x["config"]) == c and
                      x["module"] == mod), None)
            vals.append(r["pps"] / 1000 if r else 0)
            errs.append(r["pps"] * r["pps_spread"] / 2000 if r else 0)
        xs = [j + (i - 0.5) * width for j in range(len(configs))]
        ax.bar(xs, vals, width, yerr=errs, label=mod, color=color,
               capsize=2)
    for r in rows:
        if r["workload"] == "ceiling":
            ax.axhline(r["pps"] / 1000, linestyle="--" if
                       r["config"] == "veth pair" else ":", color="black",
                       linewidth=1, label=r["config"])
    ax.set_xticks(range(len(configs)))
    ax.set_xticklabels(configs, fontsize=7, rotation=45, ha="right")
    ax.set_ylabel("thousand 64-byte packets/s (median, bar = spread)")
    ax.set_title("Forwarding rate, upstream vs ours (one VM boot)")
    ax.legend(fontsize=8)

    def side(ax, workload, metric, ylabel, title, scale=1.0):
        sel = [r for r in rows if r["workload"] == workload and metric in r]
        labels = ["%s\n%s" % (r["config"], r["module"]) for r in sel]
        ax.bar(range(len(sel)), [r[metric] / scale for r in sel],
               color=["#2a7ab8" if r["module"] == "ours" else "#8c8c8c"
                      for r in sel])
        ax.set_xticks(range(len(sel)))
        ax.set_xticklabels(labels, fontsize=7, rotation=45, ha="right")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=9)

    side(axes[1], "w6", "bytes_per_flow", "bytes", "memory per flow")
    side(axes[2], "w4", "installed_per_s", "flows installed/s",
         "flow setup")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def parse_callgrind(path):
    """Workload 7: the lines `make -C tests/unit bench bench-insert
    bench-install` prints, "masks 8 hot: 346 instructions/lookup",
    "flows 1000: 812 instructions/insert" and
    "install 1000: 3100 instructions/install"."""
    rows = []
    with open(path) as fh:
        for line in fh:
            m = re.match(r"masks (\d+) (\w+): (\d+) instructions/lookup",
                         line)
            if m:
                rows.append({"what": "lookup", "masks": int(m.group(1)),
                             "mode": m.group(2),
                             "instructions": int(m.group(3))})
            m = re.match(r"flows (\d+): (\d+) instructions/insert", line)
            if m:
                rows.append({"what": "insert", "flows": int(m.group(1)),
                             "instructions": int(m.group(2))})
            m = re.match(r"install (\d+): (\d+) instructions/install", line)
            if m:
                rows.append({"what": "install", "flows": int(m.group(1)),
                             "instructions": int(m.group(2))})
    return rows


def print_callgrind(rows, out=sys.stdout):
    if not rows:
        return
    print("\n== 7: host callgrind of the portable flow table, ours only "
          "(deterministic: compare between commits)", file=out)
    modes = []
    for r in rows:
        if r["what"] == "lookup" and r["mode"] not in modes:
            modes.append(r["mode"])
    print("  instructions/lookup, 10k flows   " +
          "".join("%10s" % m for m in modes), file=out)
    for n in sorted({r["masks"] for r in rows if r["what"] == "lookup"}):
        cells = []
        for mode in modes:
            r = next((x for x in rows if x["what"] == "lookup" and
                      x["masks"] == n and x["mode"] == mode), None)
            cells.append("%10s" % (r["instructions"] if r else "-"))
        print("  %4d masks                       " % n + "".join(cells),
              file=out)
    for r in rows:
        if r["what"] == "insert":
            print("  insert into a table of %6d flows: %d instructions" %
                  (r["flows"], r["instructions"]), file=out)
    for r in rows:
        if r["what"] == "install":
            print("  OVS_FLOW_CMD_NEW (w4 shape), %6d flows: %d "
                  "instructions each" % (r["flows"], r["instructions"]),
                  file=out)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("results")
    p.add_argument("--json")
    p.add_argument("--png")
    p.add_argument("--table", help="also write the table to this file")
    p.add_argument("--callgrind", help="output of make -C tests/unit bench")
    args = p.parse_args()
    with open(args.results) as fh:
        data = json.load(fh)
    rows = summarise(data["results"])
    cg = parse_callgrind(args.callgrind) if args.callgrind else []
    print_table(rows, data["meta"])
    print_callgrind(cg)
    if args.table:
        with open(args.table, "w") as fh:
            print_table(rows, data["meta"], out=fh)
            print_callgrind(cg, out=fh)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": data["meta"], "summary": rows,
                       "callgrind": cg, "results": data["results"]}, fh,
                      indent=1)
    if args.png:
        chart(rows, args.png)


if __name__ == "__main__":
    main()
