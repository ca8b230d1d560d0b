package dev.vigil.kube;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verdicts are cached by key; a running check holds up neither cached answers nor checks of other content. */
class ExternalCheckTest {
    @Test
    void aSlowCheckDelaysNeitherCachedVerdictsNorOtherChecks() throws Exception {
        ExternalCheck check = new ExternalCheck("test", 100, 2);
        check.verdict("cached", () -> List.of("known"));
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<String>> slow = pool.submit(() -> check.verdict("slow", () -> {
                slowStarted.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of("slow verdict");
            }));
            assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
            // While it runs (before this change: behind the same lock), other keys answer at once.
            long t0 = System.nanoTime();
            assertThat(check.verdict("cached", () -> List.of("checked again"))).containsExactly("known");
            assertThat(check.verdict("other", List::of)).isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
            assertThat(slow.isDone()).isFalse();
            release.countDown();
            assertThat(slow.get(5, TimeUnit.SECONDS)).containsExactly("slow verdict");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void callersOfTheSameContentShareOneCheck() throws Exception {
        ExternalCheck check = new ExternalCheck("test", 100, 2);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return check.verdict("same", () -> {
                        runs.incrementAndGet();
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return List.of("bad port");
                    });
                }));
            }
            go.countDown();
            for (Future<List<String>> a : answers) {
                assertThat(a.get(10, TimeUnit.SECONDS)).containsExactly("bad port");
            }
            assertThat(runs.get()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedCheckIsNotCached() {
        ExternalCheck check = new ExternalCheck("test", 100, 1);
        assertThatThrownBy(() -> check.verdict("k", () -> {
            throw new IllegalStateException("test did not finish in 30 s");
        })).hasMessageContaining("did not finish");
        assertThat(check.verdict("k", () -> List.of("checked"))).containsExactly("checked");
    }
}
