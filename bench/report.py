"""Print the side-by-side table and the ratios from a measure.sh results file."""

import sys

rows = []
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 10:
        continue
    label, conns, rps, p50, p99, rss, procs, bad, non2xx, sockerr = parts[:10]
    system, mode, workers, workload = label.split("|")
    rows.append(dict(system=system, mode=mode, workers=int(workers), workload=workload, conns=int(conns),
                     rps=float(rps or 0), p50=p50, p99=p99, rss=float(rss or 0), procs=procs, bad=bad, non2xx=non2xx,
                     errors=sockerr))


def ms(value: str) -> float:
    if value.endswith("us"):
        return float(value[:-2]) / 1000
    if value.endswith("ms"):
        return float(value[:-2])
    if value.endswith("s"):
        return float(value[:-1]) * 1000
    return float(value or 0)


print(f"| system | workers | workload | req/s | p50 | p99 | peak RSS (MiB) | processes | bad answers | errors |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for row in rows:
    print(f"| {row['system']} | {row['workers']} | {row['workload']} | {row['rps']:,.0f} | {row['p50']} | {row['p99']} | "
          f"{row['rss']:.1f} | {row['procs']} | {row['bad'] or '-'} | {row['errors']} |")


def best(system_prefix: str, workload: str):
    found = [r for r in rows if r["system"].startswith(system_prefix) and r["workload"] == workload]
    return max(found, key=lambda r: r["rps"]) if found else None


print()
ceiling = best("ceiling", "post")
for workload in ["call_add_2026", "call_add", "list_tools"]:
    ours = best("swift", workload)
    if ours and ceiling:
        print(f"swift {workload}: {ours['rps'] / ceiling['rps']:.0%} of the Hummingbird ceiling "
              f"({ours['rps']:,.0f} vs {ceiling['rps']:,.0f} req/s), p99 {ours['p99']}, peak RSS {ours['rss']:.1f} MiB")
for workload in ["call_add", "list_tools", "health"]:
    ours = best("swift", workload)
    peer = best("python", workload)
    if ours and peer:
        print(f"swift vs best python peer, {workload}: {ours['rps'] / peer['rps']:.1f}x req/s "
              f"({ours['rps']:,.0f} vs {peer['rps']:,.0f} {peer['system']}), p99 {ours['p99']} vs {peer['p99']}, "
              f"RSS {ours['rss']:.1f} vs {peer['rss']:.1f} MiB")
