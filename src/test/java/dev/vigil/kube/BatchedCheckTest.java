package dev.vigil.kube;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Many callers at once are answered by few runs of the checker, each with its own verdict. */
class BatchedCheckTest {
    /** A checker that takes 50 ms a run and rejects contents starting with "bad". */
    private static List<List<String>> slowChecker(List<String> contents, List<Integer> batches) {
        batches.add(contents.size());
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return contents.stream().map(c -> c.startsWith("bad") ? List.of("rejected " + c) : List.<String>of()).toList();
    }

    @Test
    void fiftyThreadsAskingAtOnceShareAFewRuns() throws Exception {
        List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        BatchedCheck check = new BatchedCheck("test check", 512, 64, c -> slowChecker(c, batches));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String content = (i % 7 == 0 ? "bad-" : "good-") + i;
            answers.add(pool.submit(() -> {
                start.await();
                return check.verdict(content, content);
            }));
        }
        start.countDown();
        for (int i = 0; i < 200; i++) {
            assertThat(answers.get(i).get()).as("verdict %d", i)
                    .isEqualTo(i % 7 == 0 ? List.of("rejected bad-" + i) : List.of());
        }
        pool.shutdown();
        // One at a time, a run answers everyone who asked during the one before: 200 asks, 50 waiting at a time.
        assertThat(check.runs()).as("runs for 200 contents, batches %s", batches).isLessThanOrEqualTo(20);
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
        // Cached: asking again runs nothing.
        assertThat(check.verdict("bad-0", "bad-0")).containsExactly("rejected bad-0");
        assertThat(check.runs()).isEqualTo(batches.size());
    }

    @Test
    void callersOfTheSameContentShareOneCheck() throws Exception {
        AtomicInteger checked = new AtomicInteger();
        BatchedCheck check = new BatchedCheck("test check", 512, 64, c -> {
            checked.addAndGet(c.size());
            return slowChecker(c, new ArrayList<>());
        });
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(pool.submit(() -> check.verdict("same", "good")));
        }
        for (Future<List<String>> a : answers) {
            assertThat(a.get()).isEmpty();
        }
        pool.shutdown();
        assertThat(checked.get()).isEqualTo(1);
    }

    @Test
    void aCheckerThatFailsFailsItsCallersAndIsAskedAgainNextTime() {
        AtomicInteger calls = new AtomicInteger();
        BatchedCheck check = new BatchedCheck("test check", 512, 64, c -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("cannot run test check: IOException");
            }
            return c.stream().map(x -> List.<String>of()).toList();
        });
        assertThatThrownBy(() -> check.verdict("k", "good")).hasMessage("cannot run test check: IOException");
        assertThat(check.verdict("k", "good")).isEmpty();
        assertThat(calls.get()).isEqualTo(2);
    }
}
