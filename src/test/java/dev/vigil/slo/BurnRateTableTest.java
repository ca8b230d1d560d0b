package dev.vigil.slo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BurnRateTableTest {
    @ParameterizedTest(name = "{0} days: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            30 | 14.4 6 3 1
            28 | 13.44 5.6 2.8 0.933333
            7  | 3.36 1.4 0.7 0.233333
            90 | 43.2 18 9 3
            """)
    void factorsAreExactAndPrintedWithoutNoise(int days, String expected) {
        List<String> factors = BurnRateTable.ROWS.stream().map(r -> BurnRateTable.plain(BurnRateTable.factor(r, days))).toList();
        assertThat(String.join(" ", factors)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"99.9, 0.001", "99, 0.01", "99.95, 0.0005", "99.999, 0.00001", "50, 0.5", "0.1, 0.999"})
    void errorBudgetIsExact(String objective, String budget) {
        assertThat(BurnRateTable.plain(BurnRateTable.errorBudget(objective))).isEqualTo(budget);
    }
}
