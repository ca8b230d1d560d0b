#!/usr/bin/env python3
"""Checks the trace sampling closed loop (closed-loop.sh) and prints its timeline.
    analyze.py WORK [--phase SECONDS]

Figures come from what each part recorded: the apps (per second: root spans started, kept by the SDK, the sampler the
SDK runs), the operator's status (observed every second) and the SLO's 5m burn rate. The expected kept rate, the
SDK's ratio x the spans started, is what the loop controls; the kept rate counted by the SDK is that plus sampling
noise, shown beside it.

Claims (issue 16), each printed with its figure and failing the run when it does not hold:
  steps: after each load step (50, 500, 100 root spans/s), once the expected kept rate reached the target it never
         goes past it by more than 1.5x (below it when it came from above, above it when it came from below); once
         settled, the ratio changes direction at most once, and within +-10 % of the target within 120 s of each
         step;
  outage: with Prometheus stopped for 60 s, the ratio holds (the status says Holding), and after it comes back no
         window with a gap in its counts moves it: every ratio keeps the expected rate within +-10 % of the target;
  burn:  boosted within one evaluation (15 s, plus the observers' 1 s) of the SLO's 5m burn rising above the ticket
         factor (3), and back within one evaluation of it falling below;
  fixed: the SDK keeps 0.25 +- 0.03 of 10,000 or more traces.
Also prints, on the same recorded rates, how long a Jaeger-style loop (probability raised by at most +50 % per
minute, evaluated every minute) would take to get within +-10 % after each step.
"""
import json
import re
import sys

work = sys.argv[1]
phase = int(sys.argv[sys.argv.index("--phase") + 1]) if "--phase" in sys.argv else 150
TARGET, BAND, WITHIN, EVAL = 20.0, 0.10, 120.0, 15.0
failures = []


def load(name):
    with open(f"{work}/{name}") as f:
        return [json.loads(line) for line in f if line.strip()]


marks = {m["mark"]: m["at"] for m in load("marks.jsonl")}
t0 = marks["load-start"]
observed = load("observed.jsonl")
apps = {a: load(f"app-{a}.jsonl") for a in ("steps", "burn", "fixed")}


def ratio_of(sampler):
    m = re.search(r"TraceIdRatioBased\{([0-9.]+)\}", sampler)
    return float(m.group(1)) if m else 1.0  # AlwaysOn before the first strategy


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


# --- steps -------------------------------------------------------------------------------------------------------
steps = apps["steps"]
for e in steps:
    e["ratio"] = ratio_of(e["sampler"])
    e["expected"] = e["ratio"] * e["started"]
windows = [("50/s", marks["load-start"], marks["step-500"]), ("500/s", marks["step-500"], marks["step-100"]),
           ("100/s", marks["step-100"], marks["prometheus-stopped"])]
print("timeline of 'steps' (10 s averages; t from the load start):")
print("   t   in/s   ratio  expected kept/s  kept/s (SDK)   status")
status_steps = [o for o in observed if o["service"] == "steps"]
for t in range(0, int(marks["load-end"] - t0), 10):
    win = [e for e in steps if t0 + t <= e["at"] < t0 + t + 10]
    if not win:
        continue
    st = [o for o in status_steps if o["at"] <= t0 + t + 10]
    s = st[-1] if st else {}
    print("%4d %6.0f %7.4f %16.1f %12.1f   %s %s" % (t, sum(e["started"] for e in win) / len(win), win[-1]["ratio"],
          sum(e["expected"] for e in win) / len(win), sum(e["kept"] for e in win) / len(win),
          s.get("ratio"), s.get("reason")))

results = []
for name, start, end in windows:
    win = [e for e in steps if start <= e["at"] < end]
    # 10 s averages of the expected kept rate, ending at each second
    avg = []
    for i in range(len(win)):
        last = win[max(0, i - 9):i + 1]
        avg.append((win[i]["at"], sum(e["expected"] for e in last) / len(last)))
    inside = [abs(v - TARGET) <= BAND * TARGET for _, v in avg]
    settled = None
    for i in range(len(avg)):
        if all(inside[i:]):
            settled = avg[i][0] - start
            break
    # Overshoot: how far past the target the loop takes the kept rate, on the side opposite to where the step left
    # it (coming down from above: how far below; coming up from below: how far above), once it first reached it.
    above = bool(avg) and avg[0][1] > TARGET
    reached = next((i for i, (_, v) in enumerate(avg)
                    if (v <= TARGET * (1 + BAND) if above else v >= TARGET * (1 - BAND))), None)
    after = [v for _, v in avg[reached:]] if reached is not None else []
    overshoot = (max(TARGET / max(v, 1e-9) for v in after) if above else max(v / TARGET for v in after)) if after else None
    ratios = [e["ratio"] for e in win if settled is not None and e["at"] >= start + settled]
    moves = [b - a for a, b in zip(ratios, ratios[1:]) if b != a]
    turns = sum(1 for a, b in zip(moves, moves[1:]) if (a > 0) != (b > 0))
    results.append({"step": name, "settled_s": settled, "overshoot": overshoot, "turns": turns,
                    "ratio": win[-1]["ratio"] if win else None, "in": win[-1]["started"] if win else None})
    check(settled is not None and settled <= WITHIN,
          "steps %s: expected kept within +-10%% of %g spans/s after %s s (<= %g s)" % (
              name, TARGET, "never in this phase:" if settled is None else "%.0f" % settled, WITHIN))
    check(overshoot is None or overshoot <= 1.5,
          "steps %s: overshoot %s x past the target once reached (<= 1.5)" % (
              name, "-" if overshoot is None else "%.2f" % overshoot))
    check(turns <= 1, "steps %s: %d direction changes of the ratio once settled (<= 1)" % (name, turns))

# Jaeger-style: every 60 s, probability = target / in, raised by at most +50 % (lowered freely), on the same rates.
print("\nthe same steps with a Jaeger-style loop (+50 % per minute at most), on the recorded rates:")
for (name, start, end), r in zip(windows, results):
    win = [e for e in steps if start <= e["at"] < end]
    p = win[0]["ratio"]
    t_ok = None
    for i, e in enumerate(win):
        if i > 0 and i % 60 == 0:
            want = TARGET / max(e["started"], 1e-9)
            p = min(want, p * 1.5)
        if t_ok is None and abs(p * e["started"] - TARGET) <= BAND * TARGET:
            t_ok = e["at"] - start
    jaeger = "%.0f s" % t_ok if t_ok is not None else "not within %d s (%s)" % (len(win), "ratio %.4f" % p)
    print("  step %-6s Vigil %s s, Jaeger-style %s" % (r["step"], "-" if r["settled_s"] is None
                                                       else "%.0f" % r["settled_s"], jaeger))

# --- outage -------------------------------------------------------------------------------------------------------
down, up = marks["prometheus-stopped"], marks["prometheus-started"]
during = [o for o in status_steps if down + 1 <= o["at"] <= up]
before = [o for o in status_steps if o["at"] < down]
held = bool(during) and bool(before) and all(o["ratio"] == before[-1]["ratio"] for o in during)
check(held, "outage: ratio %s held for the 60 s without Prometheus" % (before[-1]["ratio"] if before else "?"))
check(any(o["reason"] == "Holding" for o in during), "outage: the status says Holding")
# After it, on the same load: the counts Prometheus missed arrive late; a window with that gap is not judged, so the
# ratio stays where the load puts it: the expected kept rate (ratio x the spans started) within the +-10 % band of the
# target (in the first run without the gap check it went 0.19 -> 0.46, 2.3x the target). A clean window after the
# return may still correct a held ratio that was a little off (0.188 -> 0.208 at 100/s: 18.8 -> 20.8 spans/s).
after = [o for o in status_steps if up < o["at"] <= marks["load-end"]]
ratios_after = sorted(set(float(o["ratio"]) for o in after))
load_after = [e["started"] for e in steps if up < e["at"] <= marks["load-end"]]
offered = sum(load_after) / len(load_after) if load_after else None
check(bool(after) and offered is not None and all(abs(r * offered - TARGET) <= BAND * TARGET for r in ratios_after),
      "outage: after Prometheus came back every ratio kept the expected rate within +-10 %% of %g spans/s "
      "(ratios %s at %s spans/s started)" % (TARGET, ratios_after, "-" if offered is None else "%.0f" % offered))

# --- burn ---------------------------------------------------------------------------------------------------------
slo = load("slo.jsonl")
burning = [s["at"] for s in slo if s["burn5m"] not in ("", "NaN") and float(s["burn5m"]) > 3]
status_burn = [o for o in observed if o["service"] == "burn"]
boosted = [o["at"] for o in status_burn if o["reason"] == "Boosted"]
check(bool(burning) and bool(boosted), "burn: the SLO burned (5m burn > 3) and sampling was boosted")
if burning and boosted:
    lag = boosted[0] - burning[0]
    check(lag <= EVAL + 2, "burn: boosted %.0f s after the burn rose above the ticket factor (<= %g)" % (lag, EVAL + 2))
    cooled = next((s["at"] for s in slo if s["at"] > burning[-1]), None)
    back = next((o["at"] for o in status_burn if o["at"] > boosted[0] and o["reason"] != "Boosted"), None)
    check(cooled is not None and back is not None and back - cooled <= EVAL + 2,
          "burn: back to %s %s s after the burn fell below (<= %g)" % (
              "the target" if back else "-", "-" if back is None or cooled is None else "%.0f" % (back - cooled),
              EVAL + 2))
    sdk = [ratio_of(e["sampler"]) for e in apps["burn"] if boosted[0] <= e["at"] <= boosted[-1]]
    print("     the burn's SDK ran ratios %s while boosted" % sorted(set(sdk)))

# --- fixed --------------------------------------------------------------------------------------------------------
fx = [e for e in apps["fixed"] if ratio_of(e["sampler"]) == 0.25 and e["started"] > 0]
started, kept = sum(e["started"] for e in fx), sum(e["kept"] for e in fx)
share = kept / started if started else 0
check(started >= 10000 and abs(share - 0.25) <= 0.03,
      "fixed: the SDK kept %.4f of %d traces at ratio 0.25 (0.25 +- 0.03, >= 10,000)" % (share, started))

print(json.dumps({"steps": results, "fixed_share": round(share, 4), "fixed_traces": started}))
if failures:
    sys.exit("%d claim(s) failed" % len(failures))
