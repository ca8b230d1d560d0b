package dev.vigil.pool;

import dev.vigil.pool.BudgetShares.Member;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Shares of a budget several pools use: hand-computed cases, and the budget never passed over random rounds. */
class BudgetSharesTest {
    @Test
    void handComputedShares() {
        // Alone: everything, whatever it wants.
        assertThat(BudgetShares.share(20, new Member("a", 4, 40), List.of())).isEqualTo(20);
        // Two that want more than half: 10 each; the other holds 8, so 12 are free and the fair 10 binds.
        assertThat(BudgetShares.share(20, new Member("a", 8, 16), List.of(new Member("b", 8, 16)))).isEqualTo(10);
        // The other wants little: the rest is ours.
        assertThat(BudgetShares.share(20, new Member("a", 4, 40), List.of(new Member("b", 3, 2)))).isEqualTo(17);
        // The other holds more than its fair share: only what it leaves free, until it gives some back.
        assertThat(BudgetShares.share(20, new Member("a", 2, 16), List.of(new Member("b", 16, 16)))).isEqualTo(4);
        // Three ways with a remainder: the odd connections go to the largest demands, ties by name from the end.
        assertThat(BudgetShares.fairShares(20, List.of(new Member("a", 0, 9), new Member("b", 0, 9), new Member("c", 0, 9))))
                .containsExactly(6, 7, 7);
        // Max-min fairness: the small demand is met, the rest split.
        assertThat(BudgetShares.fairShares(20, List.of(new Member("a", 0, 2), new Member("b", 0, 30), new Member("c", 0, 30))))
                .containsExactly(2, 9, 9);
    }

    @Test
    void decisionsOneAtATimeNeverPassTheBudgetAndConverge() {
        Random rnd = new Random(42);
        for (int round = 0; round < 2000; round++) {
            int budget = 1 + rnd.nextInt(200);
            int n = 1 + rnd.nextInt(5);
            int[] holds = new int[n];
            int[] wants = new int[n];
            // Start within the budget, as the ledger keeps it.
            int left = budget;
            for (int i = 0; i < n; i++) {
                holds[i] = rnd.nextInt(left / n + 1);
                left -= holds[i];
                wants[i] = rnd.nextInt(150);
            }
            for (int step = 0; step < 40; step++) {
                int i = rnd.nextInt(n);
                List<Member> others = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        others.add(new Member("m" + j, holds[j], wants[j]));
                    }
                }
                int share = BudgetShares.share(budget, new Member("m" + i, holds[i], wants[i]), others);
                holds[i] = Math.min(wants[i], share);
                int sum = 0;
                for (int h : holds) {
                    sum += h;
                }
                assertThat(sum).as("round %d step %d", round, step).isLessThanOrEqualTo(budget);
                if (rnd.nextInt(10) == 0) {
                    wants[rnd.nextInt(n)] = rnd.nextInt(150);
                }
            }
        }
    }
}
