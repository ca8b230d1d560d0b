package dev.vigil.slo;

import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.prometheus.Sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One instant query that measures an SLO's error ratio over every window at once: the SLI expressions themselves
 * (the same text the recording rules hold), each tagged with a {@value #WINDOW_LABEL} label and joined by
 * {@code or}; and the events per second over the SLO window, tagged {@value #TOTAL_LABEL} (0 there is a quiet
 * service, which has its whole budget; no series is no data). Measuring the expressions rather than the recorded series keeps the status right when the rules are
 * not (yet) loaded by any Prometheus, and it makes the status query the check that Prometheus accepts the SLI.
 */
public final class SloQuery {
    public static final String WINDOW_LABEL = "vigil_window";
    /** Tags the SLO window's event rate (the ratio's denominator), which tells "no traffic" from "no data". */
    public static final String TOTAL_LABEL = "vigil_total";

    private SloQuery() {
    }

    public static String of(SloSpec slo) {
        StringBuilder sb = new StringBuilder();
        for (String w : SloRules.windows(slo)) {
            if (sb.length() > 0) {
                sb.append("\nor\n");
            }
            sb.append("label_replace(\n(").append(SloRules.errorRatio(slo.indicator, w)).append(")\n, \"")
                    .append(WINDOW_LABEL).append("\", \"").append(w).append("\", \"\", \"\")");
        }
        String w = SloRules.window(slo);
        sb.append("\nor\nlabel_replace(label_replace(\n(").append(SloRules.total(slo.indicator, w)).append(")\n, \"")
                .append(WINDOW_LABEL).append("\", \"").append(w).append("\", \"\", \"\"), \"").append(TOTAL_LABEL)
                .append("\", \"true\", \"\", \"\")");
        return sb.toString();
    }

    /**
     * The error ratio per window from the query's answer.
     *
     * @throws IllegalArgumentException when a window yields more than one series (the SLI queries must aggregate
     *                                  to a single series, e.g. with sum)
     */
    public static Map<String, String> ratios(List<Sample> samples) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            String w = s.labels().get(WINDOW_LABEL);
            if (w == null || s.labels().containsKey(TOTAL_LABEL)) {
                continue;
            }
            if (out.put(w, s.value()) != null) {
                throw new IllegalArgumentException("the queries return more than one series for the " + w
                        + " window; aggregate them to one, e.g. sum(rate(...[$window]))");
            }
        }
        return out;
    }

    /** The SLO window's events per second, when the query's answer has one series for it. */
    public static Optional<String> total(List<Sample> samples) {
        List<String> totals = samples.stream().filter(s -> s.labels().containsKey(TOTAL_LABEL)).map(Sample::value)
                .toList();
        return totals.size() == 1 ? Optional.of(totals.get(0)) : Optional.empty();
    }
}
