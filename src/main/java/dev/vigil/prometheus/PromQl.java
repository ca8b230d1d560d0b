package dev.vigil.prometheus;

/** Pieces of PromQL text built from user input. */
public final class PromQl {
    private PromQl() {
    }

    /** A PromQL string literal's content: backslashes and double quotes escaped. */
    public static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** {@code name="value"} with the value escaped. */
    public static String equal(String label, String value) {
        return label + "=\"" + escape(value) + "\"";
    }

    /** {@code name=~"regex"} with the regex escaped. */
    public static String matches(String label, String regex) {
        return label + "=~\"" + escape(regex) + "\"";
    }
}
