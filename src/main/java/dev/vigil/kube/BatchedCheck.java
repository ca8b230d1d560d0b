package dev.vigil.kube;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Verdicts of an external checker that takes many files in one run ({@code promtool check rules a b c}), for many
 * callers at once: the reconcile threads that ask while a run is going are answered together by the next run, so a
 * thousand services starting cost a few dozen processes instead of a thousand one after the other. One run at a time
 * (its own thread); a caller waits only for the run that holds its content. Verdicts are cached by key (a content
 * hash), and callers asking for the same key while it is being checked share the run.
 *
 * <p>Under a steady stream of callers (a thousand services applied over a minute arrive a few at a time, not at
 * once), a run right after the last one would hold one or two contents, and the checker's start-up would cost more
 * than its checks (promtool: ~30 ms of CPU a run, ~9 ms a file). So a run that would start less than {@code linger}
 * after the last one ended waits until then, or until {@code maxBatch} contents wait: at most one run per
 * {@code linger} under load. A caller after a quiet spell is answered at once.
 *
 * <p>The checker ({@code runner}) answers a batch with one verdict per content, in order; an empty verdict accepts.
 */
public final class BatchedCheck {
    private record Request(String key, String content, CompletableFuture<List<String>> result) {
    }

    private final String what;
    private final int maxBatch;
    private final Function<List<String>, List<List<String>>> runner;
    private final Map<String, List<String>> verdicts;
    private final Map<String, CompletableFuture<List<String>>> pending = new HashMap<>();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final long lingerNanos;
    private final ExecutorService thread;
    private boolean draining;
    private int runs;
    /** When the last run ended ({@link System#nanoTime}); none yet is long ago. */
    private long lastRunEnded;

    /**
     * @param what     how to name the check in errors, e.g. "promtool check rules"
     * @param maxBatch most contents in one run
     * @param linger   the least time between the end of a run and the start of the next, unless {@code maxBatch}
     *                 contents wait
     * @param runner   one verdict per content, in order
     */
    public BatchedCheck(String what, int cacheSize, int maxBatch, Duration linger, Function<List<String>, List<List<String>>> runner) {
        this.what = what;
        this.maxBatch = maxBatch;
        this.lingerNanos = linger.toNanos();
        this.lastRunEnded = System.nanoTime() - lingerNanos;
        this.runner = runner;
        this.verdicts = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > cacheSize;
            }
        };
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vigil-check-" + what.replace(' ', '-'));
            t.setDaemon(true);
            return t;
        });
    }

    /** The verdict on {@code content} (cached by {@code key}); waits for the run that checks it, at most 2 minutes. */
    public List<String> verdict(String key, String content) {
        CompletableFuture<List<String>> result;
        synchronized (this) {
            List<String> cached = verdicts.get(key);
            if (cached != null) {
                return cached;
            }
            result = pending.get(key);
            if (result == null) {
                result = new CompletableFuture<>();
                pending.put(key, result);
                queue.add(new Request(key, content, result));
                if (queue.size() >= maxBatch) {
                    notifyAll();
                }
                if (!draining) {
                    draining = true;
                    thread.execute(this::drain);
                }
            }
        }
        try {
            return result.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " gave no verdict in 2 minutes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    /** How many runs the checker made (for tests and benchmarks). */
    public synchronized int runs() {
        return runs;
    }

    private void drain() {
        while (true) {
            List<Request> batch = new ArrayList<>();
            synchronized (this) {
                lingerAfterLastRun();
                while (batch.size() < maxBatch && !queue.isEmpty()) {
                    batch.add(queue.poll());
                }
                if (batch.isEmpty()) {
                    draining = false;
                    return;
                }
                runs++;
            }
            List<List<String>> answers;
            try {
                answers = runAndNoteTheEnd(batch);
                if (answers.size() != batch.size()) {
                    throw new IllegalStateException(what + " answered " + answers.size() + " of " + batch.size() + " files");
                }
            } catch (RuntimeException e) {
                synchronized (this) {
                    batch.forEach(r -> pending.remove(r.key()));
                }
                batch.forEach(r -> r.result().completeExceptionally(e));
                continue;
            }
            synchronized (this) {
                for (int i = 0; i < batch.size(); i++) {
                    verdicts.put(batch.get(i).key(), answers.get(i));
                    pending.remove(batch.get(i).key());
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(answers.get(i));
            }
        }
    }

    /** Waits (holding no caller) until {@code linger} after the last run's end, or until a full batch waits. */
    private void lingerAfterLastRun() {
        long until = lastRunEnded + lingerNanos;
        while (queue.size() < maxBatch) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<List<String>> runAndNoteTheEnd(List<Request> batch) {
        try {
            return runner.apply(batch.stream().map(Request::content).toList());
        } finally {
            synchronized (this) {
                lastRunEnded = System.nanoTime();
            }
        }
    }
}
