package dev.vigil.config;

import dev.vigil.render.GoldenFiles;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings table of docs/operations.md is generated from {@link VigilConfig}: a setting added without a
 * description, or a table edited by hand, fails here (regenerate with -Dvigil.golden.update=true).
 */
class SettingsDocTest {
    static final Path DOC = GoldenFiles.repoRoot().resolve("docs/operations.md");
    static final String BEGIN = "<!-- settings table: generated from VigilConfig by SettingsDocTest; do not edit -->\n";
    static final String END = "<!-- end of settings table -->\n";

    record Row(String key, String env, String defaultValue, String doc) {
    }

    @Test
    void theDocumentedTableIsTheGeneratedOne() throws IOException {
        String table = table();
        String doc = Files.readString(DOC);
        assertThat(doc).as("docs/operations.md needs the settings table markers").contains(BEGIN).contains(END);
        String current = doc.substring(doc.indexOf(BEGIN) + BEGIN.length(), doc.indexOf(END));
        if (Boolean.getBoolean("vigil.golden.update")) {
            Files.writeString(DOC, doc.substring(0, doc.indexOf(BEGIN) + BEGIN.length()) + table + doc.substring(doc.indexOf(END)));
            return;
        }
        assertThat(current).as("docs/operations.md's settings table is out of date (regenerate with -Dvigil.golden.update=true)")
                .isEqualTo(table);
    }

    @Test
    void everySettingIsDescribedAndReadIntoSettings() {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(14);
        assertThat(rows).allSatisfy(r -> assertThat(r.doc()).as(r.key()).isNotBlank());
        assertThat(rows).extracting(Row::key).contains("vigil.sd.base-url", "vigil.slo.measure-interval",
                "vigil.dashboards.grafana-operator.instance-selector", "vigil.crd-recheck-interval");
    }

    static String table() {
        StringBuilder sb = new StringBuilder("| setting (environment variable) | default | what it does |\n|---|---|---|\n");
        for (Row r : rows()) {
            sb.append("| `").append(r.key()).append("` (`").append(r.env()).append("`) | ")
                    .append(r.defaultValue().isEmpty() ? "empty" : "`" + r.defaultValue() + "`").append(" | ")
                    .append(r.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        collect(VigilConfig.class, "vigil", rows);
        rows.sort(Comparator.comparing(Row::key));
        return rows;
    }

    private static void collect(Class<?> type, String prefix, List<Row> rows) {
        for (Method m : type.getDeclaredMethods()) {
            String key = prefix + "." + kebab(m.getName());
            Class<?> ret = m.getReturnType();
            if (ret.isInterface() && ret.getDeclaringClass() != null && ret.getName().startsWith(VigilConfig.class.getName())) {
                collect(ret, key, rows);
                continue;
            }
            Doc doc = m.getAnnotation(Doc.class);
            WithDefault def = m.getAnnotation(WithDefault.class);
            String env = key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
            rows.add(new Row(key, env, def == null ? "" : def.value(), doc == null ? "" : doc.value()));
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
