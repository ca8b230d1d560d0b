package dev.vigil.slo;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * The multi-window, multi-burn-rate alert table of the SRE workbook, scaled to an SLO's own window with exact
 * decimal arithmetic: factor = budget share x window hours / long-window hours (30d: 14.4, 6, 3, 1).
 */
public final class BurnRateTable {
    /** Decimal places kept where a factor does not terminate (28d: 0.93333...). */
    static final int SCALE = 6;

    public enum Severity { page, ticket }

    /** One row: alert when this share of the budget would be spent within the long window. */
    public record Row(Severity severity, BigDecimal budgetShare, String longWindow, int longWindowHours, String shortWindow) {
    }

    public static final List<Row> ROWS = List.of(
            new Row(Severity.page, new BigDecimal("0.02"), "1h", 1, "5m"),
            new Row(Severity.page, new BigDecimal("0.05"), "6h", 6, "30m"),
            new Row(Severity.ticket, new BigDecimal("0.10"), "1d", 24, "2h"),
            new Row(Severity.ticket, new BigDecimal("0.10"), "3d", 72, "6h"));

    private BurnRateTable() {
    }

    /** The burn-rate factor of a row for an SLO window of {@code windowDays} days, without floating-point noise. */
    public static BigDecimal factor(Row row, int windowDays) {
        BigDecimal hours = BigDecimal.valueOf(windowDays * 24L);
        BigDecimal exact = row.budgetShare().multiply(hours);
        return exact.divide(BigDecimal.valueOf(row.longWindowHours()), SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /** The error budget of an objective given in percent: 99.9 gives 0.001 exactly. */
    public static BigDecimal errorBudget(String objectivePercent) {
        BigDecimal objective = new BigDecimal(objectivePercent);
        return BigDecimal.ONE.subtract(objective.divide(BigDecimal.valueOf(100), MathContext.DECIMAL128)).stripTrailingZeros();
    }

    public static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    /** Window days from the SLO window string ("30d"). */
    public static int days(String window) {
        return Integer.parseInt(window.substring(0, window.length() - 1));
    }
}
