package dev.vigil.kube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A second opinion from an external binary (the collector's {@code validate}, {@code promtool check rules}): the
 * content goes to a temp file, the binary runs with a time limit and bounded output, and verdicts are cached by key
 * (a content hash), so unchanged content is never checked twice.
 */
public final class ExternalCheck {
    /** What the binary said: its exit code, (at most 64 KiB of) its combined output, and the temp file's path. */
    public record Run(int exitCode, String output, String file) {
    }

    private final String what;
    private final Map<String, List<String>> verdicts;
    private final Map<String, CompletableFuture<List<String>>> pending = new HashMap<>();
    private final Semaphore running;

    /** @param what how to name the check in errors, e.g. "collector validate" */
    public ExternalCheck(String what, int cacheSize) {
        this(what, cacheSize, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** @param parallel how many checks may run at once (each is a process of its own) */
    public ExternalCheck(String what, int cacheSize, int parallel) {
        this.what = what;
        this.running = new Semaphore(parallel);
        this.verdicts = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /**
     * The cached verdict for {@code key}, or the one {@code check} computes (then cached). The check runs outside the
     * cache's lock: callers of other keys neither wait for it nor see cached verdicts delayed (at most one check per
     * processor at a time, each a process); callers of the same key wait for the one check and share its verdict
     * (or its failure, which is not cached: the next caller checks again).
     */
    public List<String> verdict(String key, Supplier<List<String>> check) {
        CompletableFuture<List<String>> mine = null;
        CompletableFuture<List<String>> theirs;
        synchronized (this) {
            List<String> cached = verdicts.get(key);
            if (cached != null) {
                return cached;
            }
            theirs = pending.get(key);
            if (theirs == null) {
                mine = new CompletableFuture<>();
                pending.put(key, mine);
            }
        }
        if (mine == null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            List<String> verdict;
            running.acquireUninterruptibly();
            try {
                verdict = check.get();
            } finally {
                running.release();
            }
            synchronized (this) {
                verdicts.put(key, verdict);
                pending.remove(key);
            }
            mine.complete(verdict);
            return verdict;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                pending.remove(key);
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Writes {@code content} to a temp file, runs {@code command(file)} with the extra environment, waits at most
     * 30 s, and deletes the file.
     */
    public Run run(String content, String suffix, Function<Path, List<String>> command, Map<String, String> env) {
        return run(what, List.of(content), suffix, files -> command.apply(files.get(0)), env);
    }

    /**
     * {@link #run} for several contents at once: each to its own temp file, one run of {@code command(files)};
     * {@link Run#file()} names the first file.
     */
    public static Run run(String what, List<String> contents, String suffix, Function<List<Path>, List<String>> command,
            Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        try {
            for (String content : contents) {
                Path file = Files.createTempFile("vigil-check", suffix);
                files.add(file);
                Files.writeString(file, content);
            }
            ProcessBuilder pb = new ProcessBuilder(command.apply(files)).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish in 30 s");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), files.isEmpty() ? "" : files.get(0).toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + what + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        } finally {
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** A binary's error lines (the collector's and promtool's "Error: " prefix dropped), joined, at most 600 characters. */
    public static String summary(String output) {
        StringBuilder sb = new StringBuilder();
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith("Error: ")) {
                l = l.substring("Error: ".length());
            }
            sb.append(sb.length() == 0 ? "" : "; ").append(l);
        }
        String s = sb.toString();
        return s.length() <= 600 ? s : s.substring(0, 597) + "...";
    }
}
