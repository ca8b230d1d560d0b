package dev.vigil.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every object Vigil builds, for each golden case, byte for byte; and the notes the render prints. */
class RenderGoldenTest {
    static List<String> cases() throws Exception {
        return GoldenFiles.cases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void objectsMatchGoldenFiles(String name) throws Exception {
        Path dir = GoldenFiles.ROOT.resolve(name);
        List<HasMetadata> inputs;
        try (Reader r = Files.newBufferedReader(dir.resolve("input.yaml"))) {
            inputs = Render.parse(r, name);
        }
        Render.Result result = Render.render(inputs);
        assertThat(result.errors()).isEmpty();
        GoldenFiles.assertMatches(dir.resolve("expected.yaml"), Render.toYaml(result.objects()));
        GoldenFiles.assertMatches(dir.resolve("notes.txt"), String.join("\n", result.notes()) + "\n");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void renderingTwiceGivesTheSameBytes(String name) throws Exception {
        String[] args = {GoldenFiles.ROOT.resolve(name).resolve("input.yaml").toString()};
        assertThat(runCommand(args)).isEqualTo(runCommand(args));
    }

    private static String runCommand(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = RenderCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
