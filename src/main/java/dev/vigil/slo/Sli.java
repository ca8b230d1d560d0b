package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloSpec;

/**
 * An SLO's indicator as PromQL with {@code $window} where each window's range goes, whether it was written by hand
 * ({@code indicator}) or generated from a template: either the bad or the good events, and all events.
 *
 * @param bad       PromQL of the bad events, or null
 * @param good      PromQL of the good events, or null (exactly one of bad and good is set)
 * @param total     PromQL of all events
 * @param timeBased each minute (or scrape) is an event, not a request: the total is not an event rate, so the
 *                  minimum event rate does not apply
 * @param template  the template's name, or null for a hand-written indicator
 */
public record Sli(String bad, String good, String total, boolean timeBased, String template) {
    public static final String WINDOW = "$window";

    /** The SLI of an SLO: its template's, else its indicator's. The SLO must have passed {@link SloRules#problems}. */
    public static Sli of(InstrumentedService service, SloSpec slo, PlatformTemplates platform) {
        if (slo.template != null && slo.template.platform != null) {
            return platform.sli(service, slo.template.platform);
        }
        if (slo.template != null) {
            return SloTemplates.sli(service, slo.template);
        }
        SloSpec.Indicator i = slo.indicator;
        if (i.ratio != null) {
            return new Sli(i.ratio.errors, i.ratio.good, i.ratio.total, false, null);
        }
        SloSpec.Latency l = i.latency;
        String sel = l.selector == null || l.selector.isBlank() ? "" : l.selector;
        return SloTemplates.latency(l.metric, sel, l.threshold, null);
    }

    /**
     * The error ratio (bad / all events, 0..1) over one window, never NaN: a window without events is 0 (the budget
     * is untouched; the status tells "no traffic" from the events), a window whose series are missing has no value.
     */
    public String errorRatio(String window) {
        String t = "(" + at(total, window) + ")";
        String ratio = bad != null ? "(" + at(bad, window) + ")\n/\n(" + t + " > 0)"
                : "1 - (\n  (" + at(good, window) + ")\n  /\n  (" + t + " > 0)\n)";
        // "or" binds last: (ratio) or (0 where the window counted no events).
        return ratio + "\nor\n(" + t + " == 0)";
    }

    /** The events over one window (per second for request-based SLIs). */
    public String total(String window) {
        return at(total, window);
    }

    private static String at(String query, String window) {
        return query.replace(WINDOW, window);
    }
}
