package dev.vigil.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files under src/test/resources/golden/&lt;case&gt;/. Run the tests with -Dvigil.golden.update=true to
 * rewrite them from what the code produces now (then review the diff).
 */
public final class GoldenFiles {
    public static final Path ROOT = repoRoot().resolve("src/test/resources/golden");
    static final boolean UPDATE = Boolean.getBoolean("vigil.golden.update");

    private GoldenFiles() {
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("vigil.repo.root", ".")).toAbsolutePath().normalize();
    }

    public static List<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    public static void assertMatches(Path expected, String actual) throws IOException {
        if (UPDATE) {
            Files.writeString(expected, actual);
            return;
        }
        assertThat(expected).as("golden file %s is missing; run with -Dvigil.golden.update=true", expected).exists();
        assertThat(actual).as("output differs from %s (regenerate with -Dvigil.golden.update=true and review the diff)",
                expected).isEqualTo(Files.readString(expected));
    }
}
