package dev.vigil.kube;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus durations as the CRDs allow them: one or more number+unit parts, units ms, s, m, h (e.g. 1m30s). */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Durations() {
    }

    public static Duration parse(String text) {
        Matcher m = PART.matcher(text);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a duration: " + text);
            }
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != text.length() || text.isEmpty()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return d;
    }

    /**
     * {@code d} in whole milliseconds, rounded up: JOSDK reschedules by milliseconds and truncates, so a wait of 0.4 ms
     * would come back before its time, be put off again, and again, for nothing.
     */
    public static Duration wholeMillisUp(Duration d) {
        long millis = d.toMillis();
        return Duration.ofMillis(Duration.ofMillis(millis).equals(d) ? millis : millis + 1);
    }

    /** Prometheus' own spelling: whole seconds as "15s", sub-second parts in milliseconds. */
    public static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
