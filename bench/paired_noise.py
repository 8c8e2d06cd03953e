"""How much the ceiling run before each rep says about that rep, in the rows `bench/bench.py`
measures in turn (production, tuned-no-access-log, tuned-no-metrics on 2026-07-28 `tools/call`),
and what the on/off checks read with and without dividing by it.

    .build-bench/venv/bin/python bench/paired_noise.py .build-bench/results.jsonl [MORE.jsonl ...]

(the venv `bench/run.sh` makes: the row names come from bench.py, which imports psutil).

For each results file: the access-log and metrics costs as `report.py`'s checks read them (medians
of the shares of the ceiling) and from req/s alone; the correlation between each paired rep's
req/s and its ceiling run's; and the coefficients of variation of both. With the files given
together, the correlation over all their reps.
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


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    servers: list[float] = []
    ceilings: list[float] = []
    for path in sys.argv[1:]:
        rows = [row for row in load(path)
                if row["config"] in PAIRED and row["workload"] == PAIRED_WORKLOAD and row.get("ceiling_rps")]
        if len(rows) < 3:
            print(f"{path}: fewer than three paired reps")
            continue
        mine, theirs = [row["rps"] for row in rows], [row["ceiling_rps"] for row in rows]
        servers += mine
        ceilings += theirs
        summary = aggregate(rows)
        print(f"{path}: {len(rows)} paired reps; access log {costs(summary, 'tuned-no-access-log')}; "
              f"metrics {costs(summary, 'tuned-no-metrics')}; correlation with the ceiling run before "
              f"{statistics.correlation(mine, theirs):.2f}; variation {variation(mine):.0%} (server), "
              f"{variation(theirs):.0%} (ceiling)")
    if len(sys.argv) > 2 and len(servers) >= 3:
        print(f"all files: {len(servers)} reps, correlation {statistics.correlation(servers, ceilings):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
