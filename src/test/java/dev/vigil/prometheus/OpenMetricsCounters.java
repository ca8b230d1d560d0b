package dev.vigil.prometheus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes counters for backfilling: one sample a minute, increasing by a given amount per minute in consecutive
 * phases. Increases are whole numbers or halves, so every value is exact in a double and every difference Prometheus
 * takes is exact too.
 */
public final class OpenMetricsCounters {
    /** Increase per minute for a number of minutes. */
    public record Phase(double perMinute, long minutes) {
    }

    private final StringBuilder text = new StringBuilder();
    private final List<String> families = new ArrayList<>();

    /** Adds the samples of {@code series} (e.g. http_requests_total{code="500"}) from {@code start}, one a minute. */
    public OpenMetricsCounters counter(String family, String series, Instant start, List<Phase> phases) {
        return increasing(family, "counter", series, start, phases);
    }

    /**
     * An increasing series of OpenMetrics type unknown (the family is the series name): for names a counter family
     * may not carry, such as a histogram's {@code _count} on its own.
     */
    public OpenMetricsCounters unknownIncreasing(String name, String series, Instant start, List<Phase> phases) {
        return increasing(name, "unknown", series, start, phases);
    }

    private OpenMetricsCounters increasing(String family, String type, String series, Instant start, List<Phase> phases) {
        if (!families.contains(family)) {
            families.add(family);
            text.append("# TYPE ").append(family).append(' ').append(type).append('\n');
        }
        double value = 0;
        Instant t = start;
        text.append(series).append(' ').append(format(value)).append(' ').append(t.getEpochSecond()).append('\n');
        for (Phase p : phases) {
            for (long i = 0; i < p.minutes(); i++) {
                value += p.perMinute();
                t = t.plus(Duration.ofMinutes(1));
                text.append(series).append(' ').append(format(value)).append(' ').append(t.getEpochSecond()).append('\n');
            }
        }
        return this;
    }

    /** A gauge holding {@code value}, one sample a minute for {@code minutes} minutes from {@code start}. */
    public OpenMetricsCounters gauge(String family, String series, Instant start, long minutes, double value) {
        if (!families.contains(family)) {
            families.add(family);
            text.append("# TYPE ").append(family).append(" gauge\n");
        }
        for (long i = 0; i <= minutes; i++) {
            text.append(series).append(' ').append(format(value)).append(' ')
                    .append(start.plus(Duration.ofMinutes(i)).getEpochSecond()).append('\n');
        }
        return this;
    }

    /**
     * A gauge that holds each phase's value ({@link Phase#perMinute()} is the value here) for its minutes: the sample
     * at {@code start} and the one a minute later each belong to the first phase's first minute and so on, so the
     * last phase's value is held by its last {@code minutes} samples.
     */
    public OpenMetricsCounters gaugeSteps(String family, String series, Instant start, List<Phase> phases) {
        if (!families.contains(family)) {
            families.add(family);
            text.append("# TYPE ").append(family).append(" gauge\n");
        }
        Instant t = start;
        text.append(series).append(' ').append(format(phases.get(0).perMinute())).append(' ').append(t.getEpochSecond()).append('\n');
        for (Phase p : phases) {
            for (long i = 0; i < p.minutes(); i++) {
                t = t.plus(Duration.ofMinutes(1));
                text.append(series).append(' ').append(format(p.perMinute())).append(' ').append(t.getEpochSecond()).append('\n');
            }
        }
        return this;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    public String build() {
        return text + "# EOF\n";
    }
}
