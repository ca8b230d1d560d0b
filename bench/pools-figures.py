#!/usr/bin/env python3
"""Figures of bench/pools.sh from the runs' app.jsonl (resizes the demo applied) and load.jsonl (phases, waits)."""
import json
import os
import statistics
import sys


def lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(out):
    reactions, overshoots = [], []
    runs = sorted(d for d in os.listdir(out) if d.startswith("run") and os.path.isdir(os.path.join(out, d)))
    for d in runs:
        load = lines(os.path.join(out, d, "load.jsonl"))
        app = [r for r in lines(os.path.join(out, d, "app.jsonl")) if r.get("event") == "resized"]
        spike = next(p for p in load if p.get("phase") == "spike")
        up = next((r for r in app if r["at"] > spike["at"] and r["to"] > r["from"]), None)
        sizes = [r["to"] for r in app if r["at"] > spike["at"]]
        reaction = up["at"] - spike["at"] if up else float("nan")
        reactions.append(reaction)
        overshoots.append(max(sizes or [4]) / 16)
        print(f"{d}: reaction {reaction:.1f} s, sizes after the spike {[r['from'] for r in app if r['at'] > spike['at']][:1] + sizes}")
    if reactions:
        print(f"\nreaction (spike -> new size live), {len(reactions)} runs: median {statistics.median(reactions):.1f} s, "
              f"worst {max(reactions):.1f} s, best {min(reactions):.1f} s")
        print(f"overshoot (largest size / 16 clients): worst {max(overshoots):.2f}")
    steady = os.path.join(out, "steady")
    if os.path.isdir(steady):
        load = lines(os.path.join(steady, "load.jsonl"))
        app = [r for r in lines(os.path.join(steady, "app.jsonl")) if r.get("event") == "resized"]
        start = next(p for p in load if p.get("phase") == "steady")["at"]
        end = next(p for p in load if p.get("phase") == "end")["at"]
        seconds = [s for s in load if "second" in s]
        changes, last = 0, None
        for r in app:
            d = 1 if r["to"] > r["from"] else -1
            if last is not None and d != last:
                changes += 1
            last = d
        final = app[-1]["to"] if app else 4
        tail = [s for s in seconds if end - 60 < s["at"] <= end]
        waits = sum(s["second"]["waited"] for s in tail) / max(1, len(tail))
        print(f"\nsteady 8 clients for {end - start:.0f} s: resizes {[(round(r['at'] - start), r['from'], r['to']) for r in app]}")
        print(f"direction changes: {changes}; final size {final} -> {final / 8:.2f} x the 8 connections the load holds; "
              f"waits over the last minute {waits:.2f}/s")


if __name__ == "__main__":
    main(sys.argv[1])
