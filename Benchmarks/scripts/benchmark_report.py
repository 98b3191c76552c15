#!/usr/bin/env python3
"""Turns kubeclaw-bench JSON reports into a Markdown table and a PNG chart.

    benchmark_report.py [--labels before,after] [--chart out.png] [--markdown out.md] RUN.json [RUN.json ...]

With several runs (e.g. before and after an optimisation) the table has a column per run and
the chart a bar per run. Every figure is shown relative to the floor measured in the same run:
throughput as value / floor, times and sizes as floor / value, so 1.0 means "as good as a bare
SwiftNIO echo server" and smaller is worse. matplotlib is needed only for --chart.
"""
import argparse
import json
import math
import sys


def load(paths):
    return [json.load(open(path)) for path in paths]


def performance(figure):
    """The figure relative to its floor, oriented so that higher is better (None without a floor)."""
    value, floor = figure.get("value"), figure.get("floor")
    if value is None or floor is None or value <= 0 or floor <= 0:
        return None
    return value / floor if figure["better"] == "higher" else floor / value


def number(value, unit):
    if value is None:
        return "—"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}"


def ordered_keys(runs):
    keys = []
    for run in runs:
        for figure in run["figures"]:
            if figure["key"] not in keys:
                keys.append(figure["key"])
    return keys


def markdown(runs, labels):
    keys = ordered_keys(runs)
    header = "| figure | floor | " + " | ".join(f"{label} | {label} ÷ floor" for label in labels) + " | goal |"
    lines = [header, "|" + "---|" * (3 + 2 * len(labels))]
    for key in keys:
        figures = [next((f for f in run["figures"] if f["key"] == key), None) for run in runs]
        last = next(f for f in reversed(figures) if f is not None)
        cells = [last["title"], number(last.get("floor"), last["unit"])]
        for figure in figures:
            if figure is None:
                cells += ["—", "—"]
                continue
            ratio = figure.get("ratio")
            cells += [number(figure.get("value"), figure["unit"]), "—" if ratio is None else f"{ratio:.3g}×"]
        cells.append(last.get("goal") or "")
        lines.append("| " + " | ".join(cells) + " |")
    for run, label in zip(runs, labels):
        machine = run["machine"]
        lines.append("")
        lines.append(
            f"{label}: {run['build']} build, {run['startedAt']}, {machine['cores']} cores ({machine['cpu']}), "
            f"load average {' '.join(str(x) for x in machine['loadAverage'])} → {' '.join(str(x) for x in run.get('loadAverageAtEnd', []))}"
            + (", SMOKE" if run.get("smoke") else ""))
        for failure in run.get("failures", []):
            lines.append(f"- FAILED {failure}")
    return "\n".join(lines) + "\n"


def chart(runs, labels, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [key for key in ordered_keys(runs)
            if any(performance(f) for run in runs for f in run["figures"] if f["key"] == key)]
    latency_keys = [key for key in ordered_keys(runs[-1:])
                    if any(f["key"] == key and f.get("latency") for f in runs[-1]["figures"])]
    fig, (left, right) = plt.subplots(1, 2, figsize=(16, max(5, 0.55 * len(keys) + 2)),
                                      gridspec_kw={"width_ratios": [3, 2]})
    height = 0.8 / max(1, len(runs))
    for index, (run, label) in enumerate(zip(runs, labels)):
        values = []
        for key in keys:
            figure = next((f for f in run["figures"] if f["key"] == key), None)
            values.append(performance(figure) if figure else None)
        positions = [row + index * height for row in range(len(keys))]
        bars = left.barh(positions, [v or 0 for v in values], height=height, label=label)
        for bar, value in zip(bars, values):
            if value:
                left.text(bar.get_width() * 1.05, bar.get_y() + bar.get_height() / 2, f"{value:.3g}", va="center", fontsize=8)
    titles = {f["key"]: f["title"] for run in runs for f in run["figures"]}
    left.set_yticks([row + height * (len(runs) - 1) / 2 for row in range(len(keys))])
    left.set_yticklabels([titles[key] for key in keys], fontsize=8)
    left.invert_yaxis()
    left.set_xscale("log")
    left.axvline(1, color="black", linewidth=1)
    left.set_xlabel("relative to the bare SwiftNIO floor (1 = floor; higher is better)")
    left.set_title("Kubeclaw ÷ floor, same run")
    left.legend(loc="lower right", fontsize=8)

    # Latency percentiles of the last run, per figure and system.
    percentiles = ["p50", "p90", "p99", "p999"]
    groups = []
    for key in latency_keys:
        figure = next(f for f in runs[-1]["figures"] if f["key"] == key)
        for system, summary in sorted(figure["latency"].items()):
            groups.append((f"{key.split('.')[0]} {key.split('.')[1] if key.split('.')[1].isdigit() else ''} {system}".replace("  ", " "), summary))
    width = 0.8 / len(percentiles)
    for index, name in enumerate(percentiles):
        right.barh([row + index * width for row in range(len(groups))], [max(g[1][name], 1e-3) for g in groups],
                   height=width, label=name.replace("p999", "p99.9"))
    right.set_yticks([row + width * 1.5 for row in range(len(groups))])
    right.set_yticklabels([g[0] for g in groups], fontsize=8)
    right.invert_yaxis()
    right.set_xscale("log")
    right.set_xlabel("milliseconds")
    right.set_title(f"latency percentiles ({labels[-1]})")
    right.legend(loc="lower right", fontsize=8)
    machine = runs[-1]["machine"]
    fig.suptitle(f"kubeclaw-bench, {runs[-1]['build']} build, {machine['cores']} cores, load average {machine['loadAverage'][0]}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="kubeclaw-bench --json files, oldest first")
    parser.add_argument("--labels", help="comma-separated column names, one per run")
    parser.add_argument("--chart", help="write a PNG chart here")
    parser.add_argument("--markdown", help="write the Markdown table here (default: print it)")
    args = parser.parse_args()
    runs = load(args.runs)
    labels = args.labels.split(",") if args.labels else [f"run {i + 1}" for i in range(len(runs))]
    if len(labels) != len(runs):
        sys.exit("--labels needs one name per run")
    table = markdown(runs, labels)
    if args.markdown:
        open(args.markdown, "w").write(table)
    else:
        print(table)
    if args.chart:
        chart(runs, labels, args.chart)


if __name__ == "__main__":
    main()
