package dev.vigil.slo;

import dev.vigil.prometheus.RealPrometheus;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The real promtool, asked by many reconcile threads at once: few processes, each file its own verdict. */
class PromtoolRuleCheckTest {
    private static String rules(int i, boolean bad) {
        return """
                groups:
                  - name: svc-%d
                    rules:
                      - record: slo:sli_error:ratio_rate5m
                        expr: sum(rate(http_requests_total{job="svc-%d",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="svc-%d"}[5m]%s))
                """.formatted(i, i, i, bad ? " +" : "");
    }

    @Test
    void manyFilesAtOnceTakeFewRunsAndABadOneIsNamedAlone() throws Exception {
        PromtoolRuleCheck check = new PromtoolRuleCheck(Optional.of(Path.of(RealPrometheus.promtoolBinary())));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> answers = new ArrayList<>();
        int n = 600;   // more than the 512 verdicts the cache once held
        for (int i = 0; i < n; i++) {
            String file = rules(i, i == 137 || i == 250);
            answers.add(pool.submit(() -> {
                start.await();
                return check.check(file);
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (int i = 0; i < n; i++) {
            List<String> verdict = answers.get(i).get();
            if (i == 137 || i == 250) {
                assertThat(verdict).singleElement().asString().startsWith("promtool rejected the generated rules: ")
                        .contains("svc-" + i).contains("parse error").doesNotContain(".rules.yaml");
            } else {
                assertThat(verdict).as("file %d", i).isEmpty();
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        pool.shutdown();
        // One process per file would be 600; batches of up to 64, and each failing batch split down to its bad file
        // (about 2 x 6 more runs per bad file).
        assertThat(check.runs()).as("promtool runs for %d files in %d ms", n, ms).isLessThan(80);
        System.out.printf("promtool: %d files, 2 bad, %d runs, %d ms%n", n, check.runs(), ms);
        // The same files once more, the first ones too: all cached, no run.
        int runs = check.runs();
        assertThat(check.check(rules(137, true))).hasSize(1);
        assertThat(check.check(rules(0, false))).isEmpty();
        assertThat(check.runs()).isEqualTo(runs);
    }
}
