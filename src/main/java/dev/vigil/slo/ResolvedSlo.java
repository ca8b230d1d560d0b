package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloSpec;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SLO with what the rules, the measurement and the status share: its SLI's PromQL and the minimum event rate
 * of each burn alert (by long window; absent where every rate may fire).
 */
public record ResolvedSlo(SloSpec slo, Sli sli, Map<String, BigDecimal> minEventRates) {
    /** The SLO must have passed {@link SloRules#problems}. */
    public static ResolvedSlo of(InstrumentedService service, SloSpec slo, PlatformTemplates platform) {
        Sli sli = Sli.of(service, slo, platform);
        Map<String, BigDecimal> rates = new LinkedHashMap<>();
        for (BurnRateTable.Row row : BurnRateTable.ROWS) {
            SloRules.minEventRate(slo, sli, row).ifPresent(r -> rates.put(row.longWindow(), r));
        }
        return new ResolvedSlo(slo, sli, Map.copyOf(rates));
    }
}
