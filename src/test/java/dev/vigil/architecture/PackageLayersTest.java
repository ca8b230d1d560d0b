package dev.vigil.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import dev.vigil.render.GoldenFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package table of docs/architecture.md ("which package may import which") is the rule: every dependency of
 * the operator's classes on another Vigil package must be listed there, and no two packages may depend on each other
 * in a cycle. The table is read from the document, so the document cannot drift from the code.
 */
class PackageLayersTest {
    static final String BEGIN = "<!-- package table: enforced by PackageLayersTest -->";
    static final String END = "<!-- end of package table -->";
    static JavaClasses classes;
    static Map<String, Set<String>> allowed;

    @BeforeAll
    static void load() throws IOException {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vigil");
        allowed = table();
    }

    @Test
    void everyPackageIsInTheTable() {
        Set<String> packages = classes.stream().map(JavaClass::getPackageName).filter(PackageLayersTest::vigil)
                .map(PackageLayersTest::relative).collect(Collectors.toCollection(TreeSet::new));
        assertThat(packages).contains("service", "collector", "kube", "config", "reconcile");
        assertThat(allowed.keySet()).as("packages of docs/architecture.md's table").containsAll(packages);
    }

    @Test
    void packagesImportOnlyWhatTheTableAllows() {
        Set<String> violations = new TreeSet<>();
        for (JavaClass c : classes) {
            if (!vigil(c.getPackageName())) {
                continue;
            }
            String from = relative(c.getPackageName());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                if (!vigil(target.getPackageName()) || relative(target.getPackageName()).equals(from)) {
                    continue;
                }
                String to = relative(target.getPackageName());
                if (!allowed.getOrDefault(from, Set.of()).contains(to)) {
                    violations.add(from + " -> " + to + " (" + c.getSimpleName() + " uses " + target.getSimpleName() + ")");
                }
            }
        }
        assertThat(violations).as("dependencies docs/architecture.md's package table does not allow").isEmpty();
    }

    @Test
    void thereAreNoCyclesBetweenPackages() {
        SlicesRuleDefinition.slices().matching("dev.vigil.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theTableItselfHasNoCycle() {
        // A table that allows a cycle would let the code grow one: every allowed package must sit strictly lower.
        for (String from : allowed.keySet()) {
            assertThat(reachable(from)).as("packages " + from + " may reach").doesNotContain(from);
        }
    }

    private static Set<String> reachable(String from) {
        Set<String> seen = new TreeSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(allowed.getOrDefault(from, Set.of()));
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (seen.add(p)) {
                todo.addAll(allowed.getOrDefault(p, Set.of()));
            }
        }
        return seen;
    }

    private static boolean vigil(String pkg) {
        return pkg.equals("dev.vigil") || pkg.startsWith("dev.vigil.");
    }

    private static String relative(String pkg) {
        return pkg.equals("dev.vigil") ? "" : pkg.substring("dev.vigil.".length());
    }

    /** | `package` | `a`, `b` | what it holds | */
    static Map<String, Set<String>> table() throws IOException {
        String doc = Files.readString(GoldenFiles.repoRoot().resolve("docs/architecture.md"));
        assertThat(doc).contains(BEGIN).contains(END);
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String line : doc.substring(doc.indexOf(BEGIN), doc.indexOf(END)).split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String pkg = cells[1].trim().replace("`", "");
            Set<String> may = Arrays.stream(cells[2].split(","))
                    .map(s -> s.trim().replace("`", "")).filter(s -> !s.isEmpty() && !s.equals("—"))
                    .collect(Collectors.toCollection(TreeSet::new));
            out.put(pkg, may);
        }
        return out;
    }
}
