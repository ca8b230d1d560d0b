package dev.vigil.kube;

import org.junit.jupiter.api.Test;

import java.time.Duration;
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
        BatchedCheck check = new BatchedCheck("test check", 512, 64, Duration.ZERO, c -> slowChecker(c, batches));
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

    /**
     * A stream of callers, one every 10 ms for 2 s (as services applied one after another), is answered by at most
     * one run per linger: with none, nearly a run per caller.
     */
    @Test
    void aStreamOfCallersIsAnsweredByOneRunPerLinger() throws Exception {
        List<Integer> lingering = streamOfCallers(Duration.ofMillis(400));
        List<Integer> eager = streamOfCallers(Duration.ZERO);
        assertThat(lingering.stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
        // 2 s of callers and the last run's wait: 6 runs; more only if this machine stalls the caller loop.
        assertThat(lingering).as("batches with a 400 ms linger").hasSizeLessThanOrEqualTo(8);
        assertThat(eager).as("batches without linger (a 5 ms checker)").hasSizeGreaterThan(50);
    }

    /** The batch sizes of a 5 ms checker asked by one new caller every 10 ms, 200 callers. */
    private static List<Integer> streamOfCallers(Duration linger) throws Exception {
        List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        BatchedCheck check = new BatchedCheck("test check", 512, 64, linger, c -> {
            batches.add(c.size());
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return c.stream().map(x -> List.<String>of()).toList();
        });
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String content = "file-" + i;
            answers.add(pool.submit(() -> check.verdict(content, content)));
            Thread.sleep(10);
        }
        for (Future<List<String>> a : answers) {
            assertThat(a.get()).isEmpty();
        }
        pool.shutdown();
        return batches;
    }

    /** The linger holds back runs under load only: the first caller, and one after a quiet spell, are answered at once. */
    @Test
    void aCallerAfterAQuietSpellIsAnsweredAtOnce() throws Exception {
        BatchedCheck check = new BatchedCheck("test check", 512, 64, Duration.ofSeconds(5),
                c -> c.stream().map(x -> List.<String>of()).toList());
        long start = System.nanoTime();
        assertThat(check.verdict("a", "a")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the first caller's wait").isLessThan(Duration.ofSeconds(2));
        // Right after that run, a second caller waits out the linger (this is the load case).
        start = System.nanoTime();
        assertThat(check.verdict("b", "b")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the wait right after a run").isGreaterThan(Duration.ofSeconds(4));
        assertThat(check.runs()).isEqualTo(2);
    }

    /** A full batch does not wait for the linger. */
    @Test
    void aFullBatchRunsWithoutWaitingForTheLinger() throws Exception {
        BatchedCheck check = new BatchedCheck("test check", 512, 4, Duration.ofSeconds(30),
                c -> c.stream().map(x -> List.<String>of()).toList());
        assertThat(check.verdict("first", "first")).isEmpty();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<String>>> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            String content = "next-" + i;
            answers.add(pool.submit(() -> check.verdict(content, content)));
        }
        for (Future<List<String>> a : answers) {
            assertThat(a.get()).isEmpty();
        }
        pool.shutdown();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("four callers filling a batch of 4").isLessThan(Duration.ofSeconds(10));
        assertThat(check.runs()).isEqualTo(2);
    }

    @Test
    void callersOfTheSameContentShareOneCheck() throws Exception {
        AtomicInteger checked = new AtomicInteger();
        BatchedCheck check = new BatchedCheck("test check", 512, 64, Duration.ZERO, c -> {
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
        BatchedCheck check = new BatchedCheck("test check", 512, 64, Duration.ZERO, c -> {
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
