package dev.vigil.slo;

import dev.vigil.prometheus.Sample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One instant query that measures an SLO over every window at once: the error ratio expressions themselves (the
 * same text the recording rules hold), each tagged with a {@value #WINDOW_LABEL} label and joined by {@code or}; and
 * the events over the SLO window and over the long windows of alerts with a minimum event rate, tagged
 * {@value #TOTAL_LABEL} (0 events over the SLO window is a quiet service, which has its whole budget; no series is no
 * data). A calendar window is measured from its period's start. Measuring the expressions rather than the recorded
 * series keeps the status right when the rules are not (yet) loaded by any Prometheus, and it makes the status query
 * the check that Prometheus accepts the SLI.
 */
public final class SloQuery {
    public static final String WINDOW_LABEL = "vigil_window";
    /** Tags an events series (the ratio's denominator), which tells "no traffic" from "no data". */
    public static final String TOTAL_LABEL = "vigil_total";

    /** @param text the PromQL; {@code ranges} the range each window label stands for at the query's time */
    public record Query(String text, Map<String, String> ranges) {
    }

    private SloQuery() {
    }

    public static Query of(ResolvedSlo m, Instant at) {
        Map<String, String> ranges = new LinkedHashMap<>();
        for (String w : SloRules.windows(m.slo())) {
            ranges.put(w, w);
        }
        SloWindow window = SloWindow.of(m.slo());
        window.range(at).ifPresent(r -> ranges.put(window.name(), r));
        Set<String> totals = new LinkedHashSet<>();
        for (String w : SloRules.WINDOWS) {
            if (m.minEventRates().containsKey(w)) {
                totals.add(w);
            }
        }
        if (ranges.containsKey(window.name())) {
            totals.add(window.name());
        }
        StringBuilder sb = new StringBuilder();
        ranges.forEach((label, range) -> {
            if (sb.length() > 0) {
                sb.append("\nor\n");
            }
            sb.append(tagged(m.sli().errorRatio(range), label, false));
        });
        for (String label : totals) {
            sb.append("\nor\n").append(tagged(m.sli().total(ranges.get(label)), label, true));
        }
        return new Query(sb.toString(), ranges);
    }

    private static String tagged(String expr, String window, boolean total) {
        String s = "label_replace(\n(" + expr + ")\n, \"" + WINDOW_LABEL + "\", \"" + window + "\", \"\", \"\")";
        return total ? "label_replace(" + s + ", \"" + TOTAL_LABEL + "\", \"true\", \"\", \"\")" : s;
    }

    /**
     * The error ratio per window from the query's answer.
     *
     * @throws IllegalArgumentException when a window yields more than one series (the SLI queries must aggregate
     *                                  to a single series, e.g. with sum)
     */
    public static Map<String, String> ratios(List<Sample> samples) {
        return perWindow(samples, false);
    }

    /** The events per window (SLO window, minimum-rate windows) from the query's answer. */
    public static Map<String, String> totals(List<Sample> samples) {
        return perWindow(samples, true);
    }

    private static Map<String, String> perWindow(List<Sample> samples, boolean totals) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            String w = s.labels().get(WINDOW_LABEL);
            if (w == null || s.labels().containsKey(TOTAL_LABEL) != totals) {
                continue;
            }
            if (out.put(w, s.value()) != null) {
                throw new IllegalArgumentException("the queries return more than one series for the " + w
                        + " window; aggregate them to one, e.g. sum(rate(...[$window]))");
            }
        }
        return out;
    }

    /** The SLO window's events, when the answer has one series for it. */
    public static Optional<String> total(List<Sample> samples, String window) {
        return Optional.ofNullable(totals(samples).get(window));
    }
}
