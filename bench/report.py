"""Print the side-by-side table and the ratios from a measure.sh results file (and bench/pss.py's
peak PSS per run, when given)."""

import sys

pss = {}
if len(sys.argv) > 2:
    for line in open(sys.argv[2]):
        label, _, value = line.rstrip("\n").partition("\t")
        pss[label] = float(value or 0)

rows = []
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 10:
        continue
    label, conns, rps, p50, p99, rss, procs, bad, non2xx, sockerr = parts[:10]
    system, mode, workers, workload = label.split("|")
    rows.append(dict(system=system, mode=mode, workers=int(workers), workload=workload, conns=int(conns),
                     rps=float(rps or 0), p50=p50, p99=p99, rss=float(rss or 0), pss=pss.get(label, 0.0),
                     procs=procs, bad=bad, non2xx=non2xx, errors=sockerr))

print("| system | mode | workers | workload | req/s | p50 | p99 | peak RSS, summed (MiB) | peak PSS, summed (MiB) "
      "| processes | bad answers | errors |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for row in rows:
    print(f"| {row['system']} | {row['mode']} | {row['workers']} | {row['workload']} | {row['rps']:,.0f} | {row['p50']} "
          f"| {row['p99']} | {row['rss']:.1f} | {row['pss']:.1f} | {row['procs']} | {row['bad'] or '-'} | {row['errors']} |")


def best(system_prefix: str, workload: str, mode: str | None = None):
    found = [r for r in rows if r["system"].startswith(system_prefix) and r["workload"] == workload
             and (mode is None or r["mode"] == mode)]
    return max(found, key=lambda r: r["rps"]) if found else None


print()
ceiling = best("ceiling", "post")
for mode in ["single", "workers-2"]:
    for workload in ["call_add_2026", "call_add", "list_tools"]:
        ours = best("swift", workload, mode)
        if ours and ceiling:
            print(f"swift {mode} {workload}: {ours['rps'] / ceiling['rps']:.0%} of the Hummingbird ceiling "
                  f"({ours['rps']:,.0f} vs {ceiling['rps']:,.0f} req/s), p99 {ours['p99']}, peak RSS {ours['rss']:.1f} MiB, "
                  f"PSS {ours['pss']:.1f} MiB over {ours['procs']} process(es)")
for workers in (1, 2):
    for workload in ["call_add", "list_tools", "health"]:
        ours = best("swift", workload, "single" if workers == 1 else "workers-2")
        peer = max((r for r in rows if r["system"].startswith("python") and r["workload"] == workload
                    and r["workers"] == workers), key=lambda r: r["rps"], default=None)
        if ours and peer:
            print(f"{workers} worker(s) each, {workload}: swift {ours['rps'] / peer['rps']:.1f}x the req/s of the best "
                  f"python peer ({ours['rps']:,.0f} vs {peer['rps']:,.0f} {peer['system']}), p99 {ours['p99']} vs "
                  f"{peer['p99']}, PSS {ours['pss']:.1f} vs {peer['pss']:.1f} MiB, RSS {ours['rss']:.1f} vs "
                  f"{peer['rss']:.1f} MiB")
