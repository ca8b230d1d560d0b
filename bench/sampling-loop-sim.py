#!/usr/bin/env python3
"""The adaptive sampling loop on a model of the closed loop (e2e/sampling), many runs: how often each step gets
within +-10 % of the target within 2 minutes, for the loop as built (SamplingDecision and TraceSampler's
scheduling, restated here) against the first version (a fixed 30 s window judged 50 s after a change, +-10 %).

The model: the steps of e2e/sampling (50 -> 500 -> 100 root spans/s, 150/150/120 s, target 20 kept spans/s);
each second the SDK keeps Binomial(in, ratio) spans with the ratio the operator served 3 s earlier; Prometheus sees
the counts 8 s late; evaluations every 15 s. Judged as analyze.py judges the real loop: the 10 s average of the
expected kept rate (ratio x in) stays within +-10 % from some second on; 'missed' when that second is later than
120 s after the step or never comes.

  python3 bench/sampling-loop-sim.py [runs]     (default 2000; about a minute)
"""
import math
import random
import sys

TARGET, BAND, WITHIN = 20.0, 0.10, 120
EVAL, LAG, SDK = 15, 8, 3
PHASES = ((50, 150), (500, 150), (100, 120))


def r4(v):
    return float("%.4g" % v) if v else 0.0


def clamp(v):
    return max(0.001, min(1.0, v))


class Built:
    """SamplingDecision + TraceSampler: propagation 20 s, windows 20 s .. 2 min, +-5 %, 3 sigma, pooling."""
    PROP, SHORT, LONG, TOL = 20, 20, 120, 0.05

    def __init__(self):
        self.evidence = []  # (at, spans, ratio_seconds)
        self.basis = math.inf
        self.seen = None

    def decide(self, t, ratio, since, rate):
        clean = since - self.PROP
        nxt = t + EVAL
        if clean < self.SHORT:
            return ratio, min(nxt, t - since + self.PROP + self.SHORT)
        w = min(clean, self.LONG)
        k = rate(w)
        if not k:
            return ratio, nxt
        self.evidence = [e for e in self.evidence if e[0] >= t - self.LONG]
        pool_s, pool_r = sum(e[1] for e in self.evidence), sum(e[2] for e in self.evidence)
        secs = w
        if w > self.SHORT:
            rec = rate(self.SHORT)
            if rec and abs(rec - k) / k > self.TOL and abs(rec - k) / k > 3 / math.sqrt(rec * self.SHORT):
                if self.seen is None or t - self.seen < self.SHORT:
                    self.seen = t if self.seen is None else self.seen
                    return ratio, min(nxt, self.seen + self.SHORT)
                k, secs, pool_s, pool_r = rec, self.SHORT, 0.0, 0.0
                self.evidence = []
        self.seen = None
        spans, rs = k * secs, ratio * secs
        if pool_s > 0 and abs(spans / rs - pool_s / pool_r) / (pool_s / pool_r) > max(self.TOL, 3 / math.sqrt(spans)):
            pool_s, pool_r = 0.0, 0.0
            self.evidence = []
        inn = (pool_s + spans) / (pool_r + rs)
        dev = abs(inn * ratio - TARGET) / TARGET
        expected = TARGET * (pool_r + rs) / ratio
        if dev <= self.TOL or (dev <= 3 / math.sqrt(max(1, expected)) and spans <= self.basis):
            return ratio, nxt
        new = r4(clamp(max(ratio / 10, min(ratio * 10, TARGET / inn))))
        if new != ratio:
            self.evidence.append((t, spans, rs))
            self.basis = spans
            nxt = min(nxt, t + self.PROP + self.SHORT)
        return new, nxt


class First:
    """The first version: a 30 s window, judged 50 s after a change, +-10 %."""
    WINDOW, SETTLE, TOL = 30, 50, 0.10

    def decide(self, t, ratio, since, rate):
        if since < self.SETTLE:
            return ratio, t + EVAL
        k = rate(self.WINDOW)
        if not k:
            return ratio, t + EVAL
        inn = k / ratio
        if abs(inn * ratio - TARGET) <= self.TOL * TARGET:
            return ratio, t + EVAL
        return r4(clamp(max(ratio / 10, min(ratio * 10, TARGET / inn)))), t + EVAL


def run(loop, seed):
    rng = random.Random(seed)
    ins = [r for r, d in PHASES for _ in range(d)]
    served = [1.0] * (len(ins) + 1)
    kept = [0] * len(ins)
    ratio, last_change, nxt = 1.0, -10_000, 0
    for t in range(len(ins)):
        p = served[max(0, t - SDK)]
        kept[t] = max(0, round(rng.gauss(ins[t] * p, math.sqrt(ins[t] * p * (1 - p))))) if p < 1 else ins[t]

        def rate(w, t=t):
            hi = t - LAG
            lo = max(0, hi - w)
            return sum(kept[lo:hi]) / (hi - lo) if hi > lo else None

        if t >= nxt:
            new, nxt = loop.decide(t, ratio, t - last_change, rate)
            if new != ratio:
                ratio, last_change = new, t
        served[t + 1] = ratio
    settled, start = [], 0
    for _, d in PHASES:
        exp = [served[max(0, t - SDK)] * ins[t] for t in range(start, start + d)]
        avg = [sum(exp[max(0, i - 9):i + 1]) / len(exp[max(0, i - 9):i + 1]) for i in range(d)]
        inside = [abs(v - TARGET) <= BAND * TARGET for v in avg]
        settled.append(next((i for i in range(d) if all(inside[i:])), None))
        start += d
    return settled


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    names = ["start 50/s", "50 -> 500", "500 -> 100"]
    print("%d runs per loop; missed = not within +-10 %% of %g kept spans/s within %d s of the step" % (
        runs, TARGET, WITHIN))
    print("%-32s %12s %12s %12s" % ("loop", *names))
    missed = {}
    for loop in (First, Built):
        res = [run(loop(), seed) for seed in range(runs)]
        cells = []
        for ph in range(len(PHASES)):
            vals = [r[ph] for r in res]
            miss = sum(1 for v in vals if v is None or v > WITHIN)
            ok = sorted(v for v in vals if v is not None)
            cells.append("%5.1f%% p50 %3s" % (100.0 * miss / runs, ok[len(ok) // 2] if ok else "-"))
            missed[(loop.__name__, ph)] = miss
        print("%-32s %s" % (loop.__doc__.split(":")[0], " ".join("%12s" % c for c in cells)))
    any_first = sum(missed[("First", ph)] for ph in range(len(PHASES)))
    any_built = sum(missed[("Built", ph)] for ph in range(len(PHASES)))
    print("missed steps, built / first version: %d / %d = %.2f" % (any_built, any_first,
                                                                   any_built / any_first if any_first else 0))


if __name__ == "__main__":
    main()
