#!/usr/bin/env python3
"""Timeline and checks of a closed-loop run (e2e/pools/closed-loop.sh).

Reads marks.jsonl, load*.jsonl (phase starts, per-second requests / waits), app.jsonl (resizes the demo applied,
with their wall-clock time), observed.jsonl (status and ConfigMap twice a second) and asks Prometheus when it first
saw a wait. Prints the timeline of the first spike and checks: the pool grows, the reaction is bounded, waits fall
back under the target, scale-down waits for its window and stays above what the calm load needs, the budget is
never exceeded; in full mode also that a Prometheus outage holds the size and the loop resumes afterwards.
Writes summary.json. Exit status 1 when a check fails.
"""
import argparse
import json
import os
import sys
import urllib.parse
import urllib.request

TARGET = 0.5          # waits per second per replica (the InstrumentedService's target)
CLIENTS = 16          # spike clients: the smallest pool without waits
BUDGET = 48
SCALE_DOWN_WINDOW = 30
REACTION_BOUND = 30   # CI bound on spike -> new size live; the goal (15 s) is measured in bench/pools.sh


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def first(seq, pred):
    return next((x for x in seq if pred(x)), None)


def prometheus_first_wait(url, since):
    q = 'sum(redis_client_pool_wait_duration_seconds_count{service="pool-demo"})'
    params = urllib.parse.urlencode({"query": q, "start": since - 15, "end": since + 90, "step": "1s"})
    try:
        with urllib.request.urlopen(f"{url}/api/v1/query_range?{params}", timeout=10) as r:
            data = json.loads(r.read())["data"]["result"]
    except Exception as e:  # Prometheus gone: the timeline says so
        print(f"(Prometheus not asked: {e})")
        return None
    if not data:
        return None
    values = [(float(t), float(v)) for t, v in data[0]["values"]]
    before = [v for t, v in values if t <= since]
    base = before[-1] if before else 0.0
    hit = first(values, lambda tv: tv[0] > since and tv[1] > base)
    return hit[0] if hit else None


def evaluations(observed):
    """(measuredAt as epoch seconds, recommendation) of every evaluation the observer saw, in order: the pool status
    carries each evaluation's recommendation (desiredSize, before bounds and budget) with its time (1 s resolution)."""
    from datetime import datetime
    out = []
    for o in observed:
        s = o.get("status") or {}
        if s.get("measuredAt") and s.get("desiredSize") is not None:
            t = datetime.fromisoformat(s["measuredAt"].replace("Z", "+00:00")).timestamp()
            if not out or out[-1][0] != t:
                out.append((t, s["desiredSize"]))
    return out


def check_window(observed, down, calm_at, check):
    """The first scale-down of the calm phase against the scale-down window: a size goes down only once every
    recommendation of the last SCALE_DOWN_WINDOW seconds is below it, and not below the highest of them. How long
    after the calm began that is depends on the recommendations at the end of the spike (a pool that had already
    come down during the spike may go down again sooner), so the window is judged against the recommendations
    themselves. Without the window the pool shrinks at the first lower recommendation, 5 s after a higher one."""
    from datetime import datetime
    change = first(observed, lambda o: o["at"] >= down["at"] - 10 and ((o.get("status") or {}).get("lastChange") or {}).get("to") == down["to"]
                   and o["status"]["lastChange"].get("from") == down["from"])
    if change is None:
        check(False, f"the scale-down {down['from']} -> {down['to']} is in the pool's status lastChange")
        return
    t = datetime.fromisoformat(change["status"]["lastChange"]["at"].replace("Z", "+00:00")).timestamp()
    evals = [e for e in evaluations(observed) if e[0] < t]
    # measuredAt and lastChange.at are truncated to the second: what lies 29 s or less before is surely inside
    inside = [size for at, size in evals if at >= t - (SCALE_DOWN_WINDOW - 1)]
    held = [at for at, size in evals if size >= down["from"]]
    gap = t - held[-1] if held else None
    print(f"        first scale-down {down['from']} -> {down['to']} {down['at'] - calm_at:.1f} s after the calm began, "
          f"{gap if gap is None else round(gap)} s after the last recommendation of {down['from']} or more; "
          f"recommendations in the {SCALE_DOWN_WINDOW} s before it: {inside}")
    check(gap is not None and gap >= SCALE_DOWN_WINDOW - 1 and all(size < down["from"] for size in inside)
          and down["to"] >= max(inside, default=0),
          f"the first scale-down waited for its window: {gap if gap is None else round(gap)} s after the last "
          f"recommendation of {down['from']} or more (window {SCALE_DOWN_WINDOW} s), to {down['to']} >= "
          f"the highest since ({max(inside, default=None)})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("--mode", default="full")
    ap.add_argument("--prometheus", default="http://127.0.0.1:19090")
    args = ap.parse_args()
    w = args.work
    marks = {m["mark"]: m["at"] for m in lines(f"{w}/marks.jsonl")}
    load = lines(f"{w}/load.jsonl")
    phases = [r for r in load if "phase" in r]
    seconds = [r for r in load if "second" in r]
    app = lines(f"{w}/app.jsonl")
    resizes = [r for r in app if r.get("event") == "resized"]
    observed = lines(f"{w}/observed.jsonl")
    failures = []

    def check(ok, what):
        print(("  ok    " if ok else "  FAIL  ") + what)
        if not ok:
            failures.append(what)

    spike = first(phases, lambda p: p["phase"] == "spike")
    calm_after = first(phases, lambda p: p["phase"] == "calm" and spike and p["at"] > spike["at"])
    end = first(phases, lambda p: p["phase"] == "end")
    t0 = spike["at"]

    first_wait = first(seconds, lambda s: s["at"] > t0 and s["second"]["waited"] > 0)
    t_first_wait = first_wait["at"] - 1 if first_wait else None
    t_prom = prometheus_first_wait(args.prometheus, t0)
    up = first(resizes, lambda r: r["at"] > t0 and r["to"] > r["from"])
    decided = first(observed, lambda o: up and (o.get("status") or {}).get("lastChange")
                    and o["status"]["lastChange"].get("to") == up["to"])
    t_decision = None
    if decided:
        from datetime import datetime
        t_decision = datetime.fromisoformat(decided["status"]["lastChange"]["at"].replace("Z", "+00:00")).timestamp()
    cm = first(observed, lambda o: o["at"] > t0 and o.get("configmap", 0) > 4)
    t_live = up["at"] if up else None
    under = None
    if t_live:
        after = [s for s in seconds if t_live < s["at"] <= calm_after["at"]]
        for i, s in enumerate(after):
            window = after[i:i + 5]
            if len(window) == 5 and all(x["second"]["waited"] < TARGET for x in window):
                under = s["at"] - 1
                break

    def rel(t):
        return "   n/a" if t is None else f"{t - t0:+7.1f} s"

    print("\nTimeline of the first spike (16 clients holding connections 100 ms, pool of 4):")
    print(f"  {rel(t0)}  spike starts")
    print(f"  {rel(t_first_wait)}  first request waits for a connection (load generator, 1 s resolution)")
    print(f"  {rel(t_prom)}  first wait seen by Prometheus (5 s scrape)")
    print(f"  {rel(t_decision)}  operator decides {up['from'] if up else '?'} -> {up['to'] if up else '?'} "
          f"(status lastChange.at, 1 s resolution)")
    print(f"  {rel(cm['at'] if cm else None)}  ConfigMap carries the new size (observer, 0.5 s resolution)")
    print(f"  {rel(t_live)}  new size live in the app (the app's resize, ms resolution)")
    print(f"  {rel(under)}  waits back under {TARGET}/s (5 s in a row)")

    sizes = [(r["at"], r["to"]) for r in resizes]
    live_sizes = [(o["at"], o["app"]["size"]) for o in observed if "app" in o]
    spike_sizes = [s for t, s in sizes if t0 <= t <= calm_after["at"]]
    biggest = max(spike_sizes) if spike_sizes else 4
    reaction = (t_live - t0) if t_live else None
    print(f"\nreaction (spike -> new size live): {reaction:.1f} s" if reaction else "\nno reaction")
    print(f"size during the spike: {spike_sizes}; overshoot {biggest / CLIENTS:.2f} (largest / {CLIENTS})")

    print("\nChecks:")
    check(biggest >= CLIENTS, f"the pool grew to at least {CLIENTS} during the spike (largest {biggest})")
    check(reaction is not None and reaction <= REACTION_BOUND,
          f"new size live within {REACTION_BOUND} s of the spike ({reaction and round(reaction, 1)} s)")
    tail = [s for s in seconds if calm_after["at"] - 20 < s["at"] <= calm_after["at"]]
    spike_tail = sum(s["second"]["waited"] for s in tail) / max(1, len(tail))
    check(spike_tail < TARGET, f"waits back under {TARGET}/s in the last 20 s of the spike ({spike_tail:.2f}/s)")
    down = first(resizes, lambda r: r["at"] > calm_after["at"] and r["to"] < r["from"])
    check(down is not None, "the pool shrank in the calm phase")
    if down:
        check_window(observed, down, calm_after["at"], check)
    calm_sizes = [s for t, s in live_sizes if calm_after["at"] <= t <= end["at"]]
    check(calm_sizes and min(calm_sizes) >= 3, f"never below the calm load's 3 connections (smallest {min(calm_sizes) if calm_sizes else None})")
    calm_tail = [s for s in seconds if end["at"] - 20 < s["at"] <= end["at"]]
    calm_waits = sum(s["second"]["waited"] for s in calm_tail) / max(1, len(calm_tail))
    check(calm_waits < TARGET, f"no waits over the target at the end of the calm phase ({calm_waits:.2f}/s)")
    every = [o.get("configmap", 0) for o in observed] + [s for _, s in live_sizes]
    in_use = [((o.get("status") or {}).get("budget") or {}).get("inUse") or 0 for o in observed]
    check(max(every) <= BUDGET and max(in_use) <= BUDGET,
          f"the budget of {BUDGET} connections was never exceeded (largest size {max(every)}, inUse {max(in_use)})")
    errors = sum(s["second"]["errors"] for s in seconds)
    check(errors == 0, f"no failed requests ({errors})")
    directions = 0
    last = None
    prev = None
    for _, s in sorted(sizes):
        if prev is not None and s != prev:
            d = 1 if s > prev else -1
            if last is not None and d != last:
                directions += 1
            last = d
        prev = s

    summary = {"reaction_s": reaction, "first_wait_s": t_first_wait and t_first_wait - t0,
               "prometheus_saw_wait_s": t_prom and t_prom - t0, "decision_s": t_decision and t_decision - t0,
               "waits_under_target_s": under and under - t0, "largest_spike_size": biggest,
               "overshoot": biggest / CLIENTS, "direction_changes": directions, "sizes": sizes}

    if args.mode == "full":
        stopped, seen, started, back = (marks.get(k) for k in ("prometheus-stopped", "outage-seen", "prometheus-started", "signals-back"))
        during = [o for o in observed if seen and started and seen <= o["at"] <= started]
        reasons = {(o.get("status") or {}).get("metrics") for o in during}
        check(bool(during) and reasons == {"PrometheusUnavailable"},
              f"MetricsAvailable=False PrometheusUnavailable throughout the outage ({sorted(map(str, reasons))})")
        held = {o.get("configmap") for o in observed if stopped and back and stopped + 6 <= o["at"] <= back}
        check(len(held) == 1, f"the size held while Prometheus was away ({sorted(map(str, held))})")
        check(back is not None and (back - started) < 30, f"signals read again {back and started and round(back - started, 1)} s after Prometheus restarted")
        resume = marks.get("resume-spike")
        before = [s for t, s in live_sizes if t <= resume]
        grown = first(lines(f"{w}/app.jsonl"), lambda r: r.get("event") == "resized" and r["at"] > resume and r["to"] > r["from"])
        check(grown is not None, f"the loop resumed: a new spike grew the pool again "
              f"({before[-1] if before else '?'} -> {grown['to'] if grown else '?'})")
        summary["outage"] = {"held": sorted(map(str, held)), "signals_back_s": back and started and back - started}

    with open(f"{w}/summary.json", "w") as f:
        json.dump(summary, f, indent=1)
    if failures:
        print(f"\n{len(failures)} check(s) failed")
        sys.exit(1)
    print("\nclosed loop: all checks passed")


if __name__ == "__main__":
    main()
