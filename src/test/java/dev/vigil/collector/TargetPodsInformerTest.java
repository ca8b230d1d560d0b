package dev.vigil.collector;

import dev.vigil.config.Settings;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleets' pod informer asks the apiserver for running pods only, as {@code vigil.collector.watch-running-pods-only}
 * says (the unit tests' mock server cannot select by phase, so the operator tests run with it off; the e2e suites and
 * the scale bench run the default against a real apiserver).
 */
class TargetPodsInformerTest {
    @TempDir
    Path dir;

    private FieldSelector selector(Settings settings) {
        TelemetryCollectorReconciler reconciler = new TelemetryCollectorReconciler();
        reconciler.settings = settings;
        return reconciler.targetPods(null).getInformerConfig().getFieldSelector();
    }

    @Test
    void byDefaultOnlyRunningPodsAreWatched() {
        assertThat(selector(Settings.defaults()).getFields())
                .containsExactly(new FieldSelector.Field("status.phase", "Running"));
    }

    @Test
    void theSettingOffWatchesEveryPod() throws IOException {
        Path file = Files.writeString(dir.resolve("vigil.properties"), "vigil.collector.watch-running-pods-only=false\n");
        FieldSelector off = selector(Settings.load(file));
        assertThat(off == null || off.getFields().isEmpty()).as("field selector %s", off).isTrue();
    }
}
