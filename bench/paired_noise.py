"""How much the ceiling run before each rep says about that rep, in the rows `bench/bench.py`
measures in turn (production, tuned-no-access-log, tuned-no-metrics on 2026-07-28 `tools/call`),
and what the on/off checks read with and without dividing by it; and whether a row's place in
its rep (first, second or third of the rows in turn) moves its share of the ceiling.

    .build-bench/venv/bin/python bench/paired_noise.py .build-bench/results.jsonl [MORE.jsonl ...]

(the venv `bench/run.sh` makes: the row names come from bench.py, which imports psutil).

For each results file: the access-log and metrics costs as `report.py`'s checks read them (medians
of the shares of the ceiling) and from req/s alone; the correlation between each paired rep's
req/s and its ceiling run's; and the coefficients of variation of both. With the files given
together, the correlation over all their reps. Last, over all files, the median share of the
ceiling by place in the rep (the order the rows ran in, read from the file's order) and by row
and place: with the order `--order reverse` gives, tuned-no-access-log is always second.
"""

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import PAIRED, PAIRED_WORKLOAD  # noqa: E402
from report import aggregate, load, on_off_cost  # noqa: E402


def variation(values: list[float]) -> float:
    return statistics.stdev(values) / statistics.mean(values)


def costs(summary, row: str) -> str:
    on, off = summary.get(("production", PAIRED_WORKLOAD)), summary.get((row, PAIRED_WORKLOAD))
    if not on or not off or on["share"] is None or off["share"] is None:
        return "–"
    return f"{on_off_cost(on, off):.1%} from the shares, {1 - on['rps'] / off['rps']:.1%} from req/s"


def places(rows: list[dict]) -> list[int]:
    """Each paired rep's place in its rep (1 = ran first), from the order of the file's lines."""
    seen: dict[int, int] = {}
    result = []
    for row in rows:
        seen[row["rep"]] = seen.get(row["rep"], 0) + 1
        result.append(seen[row["rep"]])
    return result


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    servers: list[float] = []
    ceilings: list[float] = []
    shares: dict[tuple[str, int], list[float]] = {}
    for path in sys.argv[1:]:
        rows = [row for row in load(path)
                if row["config"] in PAIRED and row["workload"] == PAIRED_WORKLOAD and row.get("ceiling_rps")]
        if len(rows) < 3:
            print(f"{path}: fewer than three paired reps")
            continue
        mine, theirs = [row["rps"] for row in rows], [row["ceiling_rps"] for row in rows]
        servers += mine
        ceilings += theirs
        for row, place in zip(rows, places(rows)):
            shares.setdefault((row["config"], place), []).append(row["rps"] / row["ceiling_rps"])
        summary = aggregate(rows)
        print(f"{path}: {len(rows)} paired reps; access log {costs(summary, 'tuned-no-access-log')}; "
              f"metrics {costs(summary, 'tuned-no-metrics')}; correlation with the ceiling run before "
              f"{statistics.correlation(mine, theirs):.2f}; variation {variation(mine):.0%} (server), "
              f"{variation(theirs):.0%} (ceiling)")
    if len(sys.argv) > 2 and len(servers) >= 3:
        print(f"all files: {len(servers)} reps, correlation {statistics.correlation(servers, ceilings):.2f}")
    for place in sorted({place for _, place in shares}):
        everyone = [share for (_, at), values in shares.items() if at == place for share in values]
        by_row = ", ".join(f"{row} {statistics.median(shares[(row, place)]):.3f} ({len(shares[(row, place)])})"
                           for row in PAIRED if (row, place) in shares)
        print(f"place {place}: median share {statistics.median(everyone):.3f} over {len(everyone)} reps; {by_row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
