package dev.vigil.render;

import dev.vigil.config.Settings;
import dev.vigil.serialization.Yaml;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code bin/vigil-render [--crds DIR] [--settings FILE] FILE|DIR|- ...}: prints as YAML every object Vigil would
 * create for the custom resources in the given files (directories are read recursively, *.yaml and *.yml). With
 * --crds, each resource is first checked against its CRD's schema as the apiserver would (CEL rules excepted). With
 * --settings, the operator's settings come from that properties file of {@code vigil.*} keys (application.properties'
 * syntax; the environment variables the chart sets are the same keys), else every setting has its default. With
 * --log-operators, prints instead what each agent fleet's agents would be served (the stanza operators of their
 * vigilrules processor, by fleet), which shows what each LogParserRule becomes. LogParserRules are checked as the operator does (RE2, limits, their
 * samples); a bad one is an error. Exit 0 when everything
 * renders, 1 when an input is invalid (messages on stderr), 2 on usage or read errors.
 */
public final class RenderCommand {
    static final String USAGE = "usage: vigil-render [--crds DIR] [--settings FILE] [--log-operators] FILE|DIR|- [...]";

    private RenderCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            err.println(USAGE + "   (prints the objects Vigil would create)");
            return 2;
        }
        List<HasMetadata> inputs = new ArrayList<>();
        List<String> schemaErrors = new ArrayList<>();
        SchemaCheck schema = null;
        Settings settings = Settings.defaults();
        List<String> files = new ArrayList<>(List.of(args));
        boolean logOperators = files.remove("--log-operators");
        try {
            while (!files.isEmpty() && (files.get(0).equals("--crds") || files.get(0).equals("--settings"))) {
                if (files.size() < 3) {
                    err.println(USAGE);
                    return 2;
                }
                if (files.get(0).equals("--crds")) {
                    schema = SchemaCheck.load(Path.of(files.get(1)));
                } else {
                    settings = Settings.load(Path.of(files.get(1)));
                }
                files = files.subList(2, files.size());
            }
            for (String arg : files) {
                if (arg.equals("-")) {
                    inputs.addAll(Render.parse(new InputStreamReader(System.in, StandardCharsets.UTF_8), "stdin", schema,
                            schemaErrors));
                    continue;
                }
                for (Path file : files(Path.of(arg))) {
                    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        inputs.addAll(Render.parse(r, file.toString(), schema, schemaErrors));
                    }
                }
            }
        } catch (IOException e) {
            err.println("vigil-render: " + e.getMessage());
            return 2;
        }
        if (!schemaErrors.isEmpty()) {
            schemaErrors.forEach(e -> err.println("error: " + e));
            return 1;
        }
        Render.Result result = Render.render(inputs, settings);
        result.notes().forEach(n -> err.println("note: " + n));
        if (!result.errors().isEmpty()) {
            result.errors().forEach(e -> err.println("error: " + e));
            return 1;
        }
        out.print(logOperators ? Yaml.write(result.logOperators()) : Render.toYaml(result.objects()));
        return 0;
    }

    private static List<Path> files(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
                throw new IOException(path + ": no such file or directory");
            }
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }
}
