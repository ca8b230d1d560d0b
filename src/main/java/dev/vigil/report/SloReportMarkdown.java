package dev.vigil.report;

/** The Markdown form of a report: what a person reads in the ConfigMap, a ticket or a chat message. Pure. */
public final class SloReportMarkdown {
    private SloReportMarkdown() {
    }

    public static String render(SloReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# SLO report: ").append(r.namespace()).append('/').append(r.service()).append(", ").append(r.period())
                .append(r.complete() ? "" : " (so far)").append("\n\n")
                .append(r.start()).append(" – ").append(r.end()).append(", generated ").append(r.generatedAt())
                .append(". Grafana dashboard uid `").append(r.dashboardUid()).append("`.\n\n")
                .append("| SLO | objective | achieved | budget consumed | met | events | paging | ticket alerts | previous period |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (SloReport.Slo s : r.slos()) {
            sb.append("| ").append(s.name()).append(" | ").append(s.objective()).append("% | ")
                    .append(s.achieved() == null ? "no events" : s.achieved() + "%").append(" | ")
                    .append(s.budgetConsumed() == null ? "–" : percent(s.budgetConsumed())).append(" | ")
                    .append(s.met() ? "yes" : "**no**").append(" | ")
                    .append(s.events() == null ? "–" : s.events()).append(" | ")
                    .append(minutes(s.pageMinutes())).append(" | ").append(minutes(s.ticketMinutes())).append(" | ")
                    .append(s.previous().achieved() == null ? "no events" : s.previous().achieved() + "% ("
                            + percent(s.previous().budgetConsumed()) + " of the budget)")
                    .append(" |\n");
        }
        for (SloReport.Slo s : r.slos()) {
            if (s.worstHours().isEmpty()) {
                continue;
            }
            sb.append("\nWorst hours of ").append(s.name()).append(":\n\n| hour ending | error ratio | burn rate |\n|---|---|---|\n");
            for (SloReport.Hour h : s.worstHours()) {
                sb.append("| ").append(h.end()).append(" | ").append(h.errorRatio()).append(" | ").append(h.burnRate())
                        .append("x |\n");
            }
        }
        return sb.toString();
    }

    /** A budget share as a percentage: 0.6862 gives 68.62%. */
    static String percent(String fraction) {
        return new java.math.BigDecimal(fraction).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    private static String minutes(long m) {
        return m == 0 ? "none" : m >= 60 ? (m / 60) + "h" + (m % 60 == 0 ? "" : (m % 60) + "m") : m + "m";
    }
}
