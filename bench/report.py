"""Turns bench.py's results.jsonl into the tables and the chart of docs/PERFORMANCE.md.

    python3 bench/report.py OUT/results.jsonl [--doc docs/PERFORMANCE.md] [--chart docs/bench-chart.svg]
        [--context "date, commit, machine"] [--section results|sweep]

Per configuration and workload: the median of the repetitions and their spread (min–max), and
the share of the Hummingbird ceiling as the median of each run's ratio to the ceiling run just
before it. The section between `<!-- bench:results:start -->` and `<!-- bench:results:end -->` of
the doc is replaced (`--section sweep` replaces `<!-- bench:sweep:start -->` … instead); nothing in
it is typed by hand. Prints the acceptance checks of issue 11.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
from collections import OrderedDict



def load(path: str) -> list[dict]:
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def median(values):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(values) if values else float("nan")


def spread(values, digits=0):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not values:
        return "–"
    low, high = min(values), max(values)
    return f"{low:,.{digits}f}–{high:,.{digits}f}"


def aggregate(rows: list[dict]) -> "OrderedDict[tuple[str, str], dict]":
    groups: OrderedDict[tuple[str, str], list[dict]] = OrderedDict()
    for row in rows:
        groups.setdefault((row["config"], row["workload"]), []).append(row)
    # One configuration's rows together, in the order configurations first ran (rows measured in
    # turn with other configurations would otherwise interleave the table).
    first = {}
    for config, _ in groups:
        first.setdefault(config, len(first))
    groups = OrderedDict(sorted(groups.items(), key=lambda item: first[item[0][0]]))
    summary = OrderedDict()
    for key, runs in groups.items():
        shares = [r["rps"] / r["ceiling_rps"] for r in runs if r.get("ceiling_rps")]
        sized = [r["rps"] / r["sized_ceiling_rps"] for r in runs if r.get("sized_ceiling_rps")]
        summary[key] = dict(
            config=key[0], workload=key[1], title=runs[0]["title"], workload_title=runs[0]["workload_title"],
            kind=runs[0]["kind"], tuned=runs[0]["tuned"], reps=len(runs),
            rps=median([r["rps"] for r in runs]), rps_spread=spread([r["rps"] for r in runs]),
            p50=median([r["p50_ms"] for r in runs]),
            p99=median([r["p99_ms"] for r in runs]), p99_spread=spread([r["p99_ms"] for r in runs], 2),
            pss=max(r["pss_mib"] for r in runs), rss=max(r["rss_mib"] for r in runs),
            pss_parts=max(runs, key=lambda r: r["pss_mib"]).get("pss_parts_mib") or {},
            processes=max(r["processes"] for r in runs),
            bad=sum(max(r["bad"], 0) for r in runs), non2xx=sum(r["non2xx"] for r in runs),
            errors="; ".join(sorted({r["errors"] for r in runs if r["errors"]})) or "none",
            share=median(shares) if shares else None, share_spread=spread([100 * s for s in shares]) if shares else "",
            ceiling=median([r["ceiling_rps"] for r in runs if r.get("ceiling_rps")]) if shares else None,
            ceiling_p99=median([r.get("ceiling_p99_ms") for r in runs if r.get("ceiling_rps")]) if shares else None,
            cpu=median([r.get("cpu_us") for r in runs]),
            ceiling_cpu=median([r.get("ceiling_cpu_us") for r in runs if r.get("ceiling_rps")]) if shares else None,
            sized_share=median(sized) if sized else None,
            sized_share_spread=spread([100 * s for s in sized]),
            sized_ceiling=median([r.get("sized_ceiling_rps") for r in runs]) if sized else None,
            sized_bytes=max(r.get("sized_ceiling_bytes", 0) for r in runs),
            sized_cpu=median([r.get("sized_ceiling_cpu_us") for r in runs]) if sized else None,
            sized_bad=sum(max(r.get("sized_ceiling_bad", 0), 0) for r in runs),
            load=median([r["load_before"] for r in runs]), duration=runs[0]["duration"],
            connections=runs[0]["connections"])
    return summary


def label(entry: dict) -> str:
    text = entry["config"]
    return f"**{text}**" if entry["config"] == "production" else text


def table(summary) -> list[str]:
    lines = [
        "| configuration | workload | req/s (median) | spread | share of the ceiling (median, spread %) | p50 ms "
        "| p99 ms (median) | p99 spread | CPU µs per request (ceiling's) | peak PSS, summed (MiB) "
        "| peak RSS, summed (MiB) | processes | bad answers | errors |",
        "| --- | --- | ---: | --- | --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for entry in summary.values():
        share = f"{entry['share']:.0%} ({entry['share_spread']})" if entry["share"] is not None else "–"
        cpu = f"{entry['cpu']:.0f}" + (f" ({entry['ceiling_cpu']:.0f})" if entry["ceiling_cpu"] else "")
        lines.append(
            f"| {label(entry)} | {entry['workload']} | {entry['rps']:,.0f} | {entry['rps_spread']} | {share} "
            f"| {entry['p50']:.2f} | {entry['p99']:.2f} | {entry['p99_spread']} | {cpu} | {entry['pss']:.1f} "
            f"| {entry['rss']:.1f} | {entry['processes']} | {entry['bad']} | {entry['errors']} |")
    return lines


def ceiling_rows(rows: list[dict]) -> list[str]:
    runs = [r for r in rows if r.get("ceiling_rps")]
    if not runs:
        return []
    rps = [r["ceiling_rps"] for r in runs]
    p99 = [r["ceiling_p99_ms"] for r in runs]
    pss = [r.get("ceiling_pss_mib", 0) for r in runs]
    return [f"Ceiling (Hummingbird answering a fixed body, one process), over its {len(runs)} runs: median "
            f"{median(rps):,.0f} req/s (spread {spread(rps)}), p99 {median(p99):.2f} ms, peak PSS {max(pss):.1f} MiB."]


def sized_lines(summary) -> list[str]:
    """Rows also measured against the ceiling answering as many bytes: how much of the gap is size."""
    entries = [e for e in summary.values() if e["sized_share"] is not None]
    if not entries:
        return []
    lines = ["Large answers against the same stack sending as many bytes (the ceiling's `/mcp/sized/N`, "
             "measured right after its fixed-body run):", ""]
    for e in entries:
        fixed = f"{e['sized_ceiling'] / e['ceiling']:.0%}" if e["ceiling"] else "–"
        wrong = f"; {e['sized_bad']} wrong answers from the sized ceiling" if e["sized_bad"] else ""
        known = e["sized_cpu"] is not None and not math.isnan(e["sized_cpu"])
        cpu = f", {e['sized_cpu']:.0f} CPU µs per request against this row's {e['cpu']:.0f}" if known else ""
        lines.append(f"- {e['config']} {e['workload']} ({e['sized_bytes']:,} bytes): {e['sized_share']:.0%} "
                     f"({e['sized_share_spread']}) of the sized ceiling, which itself serves {fixed} of the "
                     f"fixed-body ceiling ({e['sized_ceiling']:,.0f} req/s{cpu}){wrong}")
    return lines


def on_off_cost(on: dict, off: dict) -> float:
    """What a feature costs, from the summaries of the row with it and the row without: the
    shares of the ceiling when both rows have them (each rep against the ceiling run just before
    it), else req/s alone."""
    if on["share"] is not None and off["share"] is not None:
        return 1 - on["share"] / off["share"]
    return 1 - on["rps"] / off["rps"]


def checks(summary) -> list[tuple[str, bool | None, str]]:
    def get(config, workload):
        return summary.get((config, workload))

    results = []
    headline = get("production", "call_add_2026")
    if headline:
        results.append(("production tools/call (2026-07-28) ≥ 70% of the ceiling",
                        headline["share"] is not None and headline["share"] >= 0.70,
                        f"{headline['share']:.0%}" if headline["share"] is not None else "no ceiling run"))
        results.append(("production tools/call p99 ≤ 5 ms at 64 connections", headline["p99"] <= 5.0,
                        f"{headline['p99']:.2f} ms"))
        parts = ", ".join(f"{part} {mib:.1f}" for part, mib in headline["pss_parts"].items())
        results.append(("summed PSS of supervisor + workers ≤ 40 MiB under load", headline["pss"] <= 40.0,
                        f"{headline['pss']:.1f} MiB" + (f" ({parts})" if parts else "")))
    listing = get("production", "list_tools_2026")
    if listing and listing["share"] is not None:
        results.append(("production tools/list ≥ 70% of the ceiling", listing["share"] >= 0.70, f"{listing['share']:.0%}"))
    off = get("tuned-no-access-log", "call_add_2026")
    if headline and off:
        cost = on_off_cost(headline, off)
        results.append(("access log on costs ≤ 10% against access log off", cost <= 0.10, f"{cost:.1%}"))
    nometrics = get("tuned-no-metrics", "call_add_2026")
    if headline and nometrics:
        cost = on_off_cost(headline, nometrics)
        results.append(("metrics cost < 5% of peak req/s", cost < 0.05, f"{cost:.1%}"))
    oauth_off = get("production-oauth-off", "list_tools_2026")
    for row, scope in (("production-oauth", "mcp:read"), ("production-oauth-write", "mcp:read mcp:write")):
        oauth_on = get(row, "list_tools_2026")
        if oauth_on and oauth_off:
            ratio = oauth_on["rps"] / oauth_off["rps"]
            if oauth_on["share"] is not None and oauth_off["share"] is not None:
                ratio = oauth_on["share"] / oauth_off["share"]  # each run against the ceiling run just before it
            results.append((f"(issue 13) tools/list with OAuth on, token '{scope}', within 15% of OAuth off",
                            ratio >= 0.85,
                            f"{ratio:.1%} of off ({oauth_on['rps']:,.0f} vs {oauth_off['rps']:,.0f} req/s, "
                            f"p50 {oauth_on['p50']:.2f} vs {oauth_off['p50']:.2f} ms, "
                            f"p99 {oauth_on['p99']:.2f} vs {oauth_off['p99']:.2f} ms)"))
    for entry in summary.values():
        if entry["bad"] or entry["non2xx"]:
            results.append((f"{entry['config']} {entry['workload']}: every answer right", False,
                            f"bad {entry['bad']}, non-2xx {entry['non2xx']}"))
    return results


def peers_lines(summary) -> list[str]:
    lines = []
    ours = summary.get(("production", "call_add"))
    peers = [e for e in summary.values() if e["kind"] == "peer" and e["workload"] == "call_add"]
    if ours and peers:
        best = max(peers, key=lambda e: e["rps"])
        lines.append(
            f"Against the fastest Python peer on the same handshake-era stateless `tools/call` ({best['config']}, "
            f"2 uvicorn workers): {ours['rps'] / best['rps']:.1f}× the req/s ({ours['rps']:,.0f} vs {best['rps']:,.0f}), "
            f"p99 {ours['p99']:.2f} vs {best['p99']:.0f} ms, summed PSS {ours['pss']:.1f} vs {best['pss']:.1f} MiB.")
    return lines


def chart(summary, path: str) -> bool:
    """Draws req/s and p99 of the tools/call rows (else of every row) against the ceiling; False
    when there is nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = [e for e in summary.values() if e["workload"] in ("call_add_2026", "call_add")
               and not (e["kind"] == "swift" and e["workload"] == "call_add")] or list(summary.values())
    if not entries:
        return False
    workloads = sorted({e["workload"] for e in entries})
    names = ["ceiling (Hummingbird, fixed body)"]
    rps = [median([e["ceiling"] for e in entries if e["ceiling"]])]
    p99 = [median([e["ceiling_p99"] for e in entries if e["ceiling_p99"]])]
    colours = ["#999999"]
    for entry in entries:
        suffix = " [tuned]" if entry["tuned"] else ""
        names.append(f"{entry['config']}{suffix}\n{entry['workload']}")
        rps.append(entry["rps"])
        p99.append(entry["p99"])
        colours.append("#d62728" if entry["kind"] == "peer" else "#1f77b4" if entry["config"] == "production"
                       else "#aec7e8")
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 0.55 * len(names) + 1.8), sharey=True)
    positions = range(len(names))
    left.barh(positions, rps, color=colours)
    left.set_xlabel("requests per second (median), " + (
        "tools/call add" if set(workloads) <= {"call_add_2026", "call_add"} else ", ".join(workloads)))
    left.set_yticks(list(positions), names, fontsize=8)
    left.invert_yaxis()
    for position, value in zip(positions, rps):
        left.text(value, position, f" {value:,.0f}", va="center", fontsize=7)
    right.barh(positions, p99, color=colours)
    right.set_xscale("log")
    right.set_xlabel("p99 latency, ms (median, log scale)")
    right.axvline(5, color="black", linestyle="--", linewidth=0.8)
    for position, value in zip(positions, p99):
        right.text(value, position, f" {value:.1f}", va="center", fontsize=7)
    first = next(iter(summary.values()))
    figure.suptitle(f"wrk -c{first['connections']}, {first['duration']} s per run; dark blue: production default, "
                    f"light: tuned or other topology, red: Python peers (2 uvicorn workers)", fontsize=9)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True


def replace_section(path: str, name: str, text: str) -> None:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    with open(path) as handle:
        doc = handle.read()
    if start in doc and end in doc:
        head, rest = doc.split(start, 1)
        doc = head + start + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        doc += f"\n{start}\n{text}\n{end}\n"
    with open(path, "w") as handle:
        handle.write(doc)


def write_headline(path: str, summary, chart: str | None, context: str) -> None:
    """Rewrites the headline between the bench:headline markers of a README; a `*.zh-CN.md` one
    gets the same figures in Chinese (its twin is kept in step by .ci/check_readme_parity.py)."""
    entry = summary.get(("production", "call_add_2026"))
    if not entry:
        return
    chinese = path.endswith(".zh-CN.md")
    peers = [e for e in summary.values() if e["kind"] == "peer" and e["workload"] == "call_add"]
    ours = summary.get(("production", "call_add"))
    best = max(peers, key=lambda e: e["rps"]) if peers and ours else None
    when = context.split(";")[0]
    chart_path = os.path.relpath(chart, os.path.dirname(path)) if chart else None
    if chinese:
        when = re.sub(r"\bcommit ", "提交 ", when)
        when = re.sub(r"\b(\d+) CPUs\b", r"\1 个 CPU", when)
        when = when.replace("load average before the run", "运行前的平均负载").replace(", ", "，")
        share = f"，达到 Hummingbird 性能上限的 {entry['share']:.0%}" if entry["share"] is not None else ""
        against = (f"；是最快的 Python 对照实现（{best['config']}，2 个 uvicorn 工作进程）的 "
                   f"{ours['rps'] / best['rps']:.0f} 倍" if best else "")
        picture = f"\n\n![每种配置的 req/s 和 p99]({chart_path})" if chart_path else ""
        text = (f"按镜像的运行方式使用生产默认配置（访问日志和指标开启，监督进程 + 工作进程），"
                f"2026-07-28 `tools/call`：**{entry['rps']:,.0f} req/s{share}，p99 {entry['p99']:.2f} ms，"
                f"PSS 合计 {entry['pss']:.0f} MiB**{against}——{entry['reps']} 次运行的中位数"
                f"（{when}）；详见 `docs/PERFORMANCE.md`。{picture}")
    else:
        share = f", {entry['share']:.0%} of the Hummingbird ceiling" if entry["share"] is not None else ""
        against = (f"; {ours['rps'] / best['rps']:.0f}× the fastest Python peer ({best['config']}, "
                   f"2 uvicorn workers)" if best else "")
        picture = f"\n\n![req/s and p99 per configuration]({chart_path})" if chart_path else ""
        text = (f"Production default as the image runs it (access log and metrics on, supervisor + workers), "
                f"2026-07-28 `tools/call`: **{entry['rps']:,.0f} req/s{share}, p99 {entry['p99']:.2f} ms, "
                f"{entry['pss']:.0f} MiB summed PSS**{against} — median of {entry['reps']} runs "
                f"({when}); details in `docs/PERFORMANCE.md`.{picture}")
    replace_section(path, "headline", text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--doc")
    parser.add_argument("--chart")
    parser.add_argument("--context", default="")
    parser.add_argument("--section", default="results")
    parser.add_argument("--readme", action="append", default=[],
                        help="also rewrite this README's headline (between bench:headline markers); repeatable")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a run served no request or gave a wrong answer (the CI smoke)")
    args = parser.parse_args()
    rows = load(args.results)
    summary = aggregate(rows)
    lines = []
    if args.context:
        lines += [args.context, ""]
    if args.chart and chart(summary, args.chart):
        relative = os.path.relpath(args.chart, os.path.dirname(args.doc) if args.doc else ".")
        lines += [f"![req/s and p99 per configuration]({relative})", ""]
    lines += table(summary)
    lines += [""] + ceiling_rows(rows)
    sized = sized_lines(summary)
    if sized:
        lines += [""] + sized
    peer = peers_lines(summary)
    if peer:
        lines += [""] + peer
    results = checks(summary)
    if results:
        lines += ["", "Checks of issue 11 in this run:", ""]
        lines += [f"- {'PASS' if ok else 'FAIL'} {name}: {figure}" for name, ok, figure in results]
    text = "\n".join(lines)
    print(text)
    if args.doc:
        replace_section(args.doc, args.section, text)
        drawn = args.chart and os.path.exists(args.chart)
        print(f"\nwrote {args.doc}" + (f" and {args.chart}" if drawn else ""), file=sys.stderr)
    for readme in args.readme:
        write_headline(readme, summary, args.chart, args.context)
    if args.strict:
        broken = [f"{r['config']} {r['workload']} #{r['rep']}" for r in rows
                  if r["rps"] <= 0 or r["bad"] != 0 or r["non2xx"] or r["errors"]]
        if broken or not rows:
            print(f"bench smoke: failed runs: {', '.join(broken) or 'none recorded'}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
