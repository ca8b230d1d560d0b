package dev.vigil.logs;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's time_parser semantics (pkg/stanza helper.TimeParser, v0.165), for evaluating samples: strptime
 * layouts (translated there to Go layouts, parsed by Go's time.Parse: the whole value; month, day, hour, minute and
 * second with or without a leading zero and after optional whitespace, years of 4 or 2 digits; month and day names in
 * any case; fractional seconds optional; %z as Z, +hh, +hhmm or +hh:mm; no zone means UTC as Vigil sets
 * {@code location: UTC}) and
 * epoch layouts (integer text or JSON numbers; {@code s.ms} reads the digits after the point as milliseconds, as
 * the collector does). Only the directives admission allows are known here.
 */
final class LogTimes {
    /** A parsed time; {@code hasYear} false when the layout has no year (the collector then takes the current year). */
    record Parsed(Instant instant, boolean hasYear) {
    }

    private static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december"};
    private static final String DAYS = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    private static final String SHORT_DAYS = "(?:mon|tue|wed|thu|fri|sat|sun)";

    private LogTimes() {
    }

    /** Problems of a strptime layout the collector would refuse or Vigil does not know; empty when fine. */
    static Optional<String> strptimeProblem(String layout) {
        if (layout.chars().anyMatch(Character::isDigit)) {
            return Optional.of("a strptime layout cannot contain digits (the collector refuses them)");
        }
        for (int i = 0; i < layout.length(); i++) {
            if (layout.charAt(i) != '%') {
                continue;
            }
            if (i + 1 >= layout.length()) {
                return Optional.of("the layout ends with a lone %");
            }
            char d = layout.charAt(++i);
            if ("YymbhBdeaAHIpMSLfzjTF%".indexOf(d) < 0) {
                return Optional.of("%" + d + " is not a supported strptime directive");
            }
            if ((d == 'L' || d == 'f') && (i < 2 || (layout.charAt(i - 2) != '.' && layout.charAt(i - 2) != ','))) {
                return Optional.of("%" + d + " (fractional seconds) must follow . or ,");
            }
        }
        return Optional.empty();
    }

    static Parsed strptime(String layout, String value) {
        StringBuilder re = new StringBuilder();
        List<Character> fields = new ArrayList<>();
        String expanded = layout.replace("%T", "%H:%M:%S").replace("%F", "%Y-%m-%d");
        for (int i = 0; i < expanded.length(); i++) {
            char c = expanded.charAt(i);
            if (c != '%') {
                if ((c == '.' || c == ',') && i + 2 < expanded.length() && expanded.charAt(i + 1) == '%'
                        && (expanded.charAt(i + 2) == 'L' || expanded.charAt(i + 2) == 'f')) {
                    re.append("(?:[.,]([0-9]+))?");
                    fields.add('L');
                    i += 2;
                    continue;
                }
                re.append(Pattern.quote(String.valueOf(c)));
                continue;
            }
            char d = expanded.charAt(++i);
            switch (d) {
                case 'Y' -> group(re, fields, d, "[0-9]{4}");
                case 'y' -> group(re, fields, d, "[0-9]{2}");
                // Numbers with or without their leading zero, and whitespace before them, as the collector's parser allows.
                case 'm', 'd', 'e', 'H', 'I', 'M', 'S' -> {
                    re.append("\\s*");
                    group(re, fields, d == 'e' ? 'd' : d, "[0-9]{1,2}");
                }
                case 'b', 'h' -> group(re, fields, 'b', "[A-Za-z]{3}");
                case 'B' -> group(re, fields, 'B', "[A-Za-z]+");
                case 'a' -> re.append("(?i:").append(SHORT_DAYS).append(")");
                case 'A' -> re.append("(?i:").append(DAYS).append(")");
                case 'p' -> group(re, fields, d, "(?i:AM|PM)");
                case 'z' -> group(re, fields, d, "Z|[+-][0-9]{2}(?::?[0-9]{2})?");
                case 'j' -> group(re, fields, d, "[+-][0-9]{2}:[0-9]{2}");
                case '%' -> re.append("%");
                default -> throw new IllegalArgumentException("%" + d + " is not a supported strptime directive");
            }
        }
        Matcher m = Pattern.compile(re.toString()).matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("value " + Samples.quoted(value) + " does not match layout " + layout);
        }
        int year = 0;
        int month = 1;
        int day = 1;
        int hour = 0;
        int minute = 0;
        int second = 0;
        long nanos = 0;
        boolean pm = false;
        boolean twelve = false;
        boolean hasYear = false;
        ZoneOffset zone = ZoneOffset.UTC;
        for (int g = 0; g < fields.size(); g++) {
            String v = m.group(g + 1);
            if (v == null) {
                continue;
            }
            switch (fields.get(g)) {
                case 'Y' -> {
                    year = Integer.parseInt(v);
                    hasYear = true;
                }
                case 'y' -> {
                    int y = Integer.parseInt(v);
                    year = y >= 69 ? 1900 + y : 2000 + y;
                    hasYear = true;
                }
                case 'm' -> month = Integer.parseInt(v);
                case 'd', 'e' -> day = Integer.parseInt(v.strip());
                case 'H' -> hour = Integer.parseInt(v);
                case 'I' -> {
                    hour = Integer.parseInt(v);
                    twelve = true;
                }
                case 'M' -> minute = Integer.parseInt(v);
                case 'S' -> second = Integer.parseInt(v);
                case 'L' -> nanos = Long.parseLong((v + "000000000").substring(0, 9));
                case 'b' -> month = month(v, true);
                case 'B' -> month = month(v, false);
                case 'p' -> pm = v.equalsIgnoreCase("PM");
                case 'z' -> {
                    String digits = v.replace(":", "");
                    zone = v.equals("Z") ? ZoneOffset.UTC
                            : ZoneOffset.ofHoursMinutes(sign(v) * Integer.parseInt(digits.substring(1, 3)),
                                    digits.length() > 3 ? sign(v) * Integer.parseInt(digits.substring(3, 5)) : 0);
                }
                case 'j' -> zone = ZoneOffset.ofHoursMinutes(sign(v) * Integer.parseInt(v.substring(1, 3)),
                        sign(v) * Integer.parseInt(v.substring(4, 6)));
                default -> {
                }
            }
        }
        if (twelve) {
            if (hour < 1 || hour > 12) {
                throw new IllegalArgumentException("hour " + hour + " out of range for %I");
            }
            hour = hour % 12 + (pm ? 12 : 0);
        }
        try {
            // Without a year Go parses year 0 and the collector moves it to the current year: the day and time stay.
            LocalDateTime t = LocalDateTime.of(hasYear ? year : 2000, month, day, hour, minute, second, (int) nanos);
            return new Parsed(t.toInstant(zone), hasYear);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("value " + Samples.quoted(value) + " is not a valid time: " + e.getMessage());
        }
    }

    static Instant epoch(String layout, Object value) {
        String stamp;
        if (value instanceof String s) {
            stamp = s;
        } else if (value instanceof Long l) {
            stamp = layout.contains(".") ? l + ".0" : Long.toString(l);
        } else if (value instanceof Double d) {
            stamp = switch (layout) {
                case "s.ms" -> String.format(Locale.ROOT, "%10.3f", d);
                case "s.us" -> String.format(Locale.ROOT, "%10.6f", d);
                case "s.ns" -> String.format(Locale.ROOT, "%10.9f", d);
                default -> Long.toString(d.longValue());
            };
        } else {
            throw new IllegalArgumentException("a " + Samples.typeName(value) + " cannot be parsed as a time");
        }
        try {
            return switch (layout) {
                case "s" -> Instant.ofEpochSecond(Long.parseLong(stamp));
                case "ms" -> Instant.ofEpochMilli(Long.parseLong(stamp));
                case "us" -> Instant.EPOCH.plusNanos(Math.multiplyExact(Long.parseLong(stamp), 1000L));
                case "ns" -> Instant.EPOCH.plusNanos(Long.parseLong(stamp));
                default -> {
                    String[] parts = stamp.split("\\.", -1);
                    if (parts.length != 2) {
                        throw new NumberFormatException();
                    }
                    long unit = switch (layout) {
                        case "s.ms" -> 1_000_000L;
                        case "s.us" -> 1_000L;
                        default -> 1L;
                    };
                    yield Instant.ofEpochSecond(Long.parseLong(parts[0].strip()), Long.parseLong(parts[1]) * unit);
                }
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid value " + Samples.quoted(stamp) + " for layout " + layout);
        }
    }

    private static int sign(String v) {
        return v.charAt(0) == '-' ? -1 : 1;
    }

    private static int month(String v, boolean abbreviated) {
        String l = v.toLowerCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (abbreviated ? MONTHS[i].startsWith(l) && l.length() == 3 : MONTHS[i].equals(l)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unknown month " + Samples.quoted(v));
    }

    private static void group(StringBuilder re, List<Character> fields, char d, String pattern) {
        re.append("(").append(pattern).append(")");
        fields.add(d);
    }
}
