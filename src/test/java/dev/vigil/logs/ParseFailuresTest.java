package dev.vigil.logs;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The agents' parse-failure reports add up per rule: baselines, restarts, generations, bad reports. */
class ParseFailuresTest {
    private static final ResourceID FLEET = new ResourceID("agents", "obs");
    private static final ResourceID WEB = new ResourceID("web", "shop");
    private static final ResourceID API = new ResourceID("api", "shop");
    private static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

    private static ParseFailures failures() {
        ParseFailures f = new ParseFailures();
        f.clock = Clock.fixed(T, ZoneOffset.UTC);
        return f;
    }

    @Test
    void reportsAddUpOnTopOfEachAgentsBaseline() {
        ParseFailures f = failures();
        assertThat(f.tally(WEB, 3, 0, null).records()).isZero();
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":10}");            // baseline: counted before this replica knew
        f.report(FLEET, "node-b", "{\"lpr/shop/web\":4,\"lpr/shop/api\":1}");
        assertThat(f.tally(WEB, 3, 0, null).records()).isZero();
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":15}");            // +5
        f.report(FLEET, "node-b", "{\"lpr/shop/web\":4,\"lpr/shop/api\":3}"); // +0, api +2
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":2}");             // node-a restarted: +2
        assertThat(f.tally(WEB, 3, 0, null)).isEqualTo(new ParseFailures.Tally(3, 7, T));
        assertThat(f.tally(API, 1, 0, null).records()).isEqualTo(2);
        // Nothing new: nothing changes.
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":2}");
        assertThat(f.tally(WEB, 3, 0, null).records()).isEqualTo(7);
    }

    @Test
    void aNewGenerationStartsAgainAndARestartedOperatorGoesOnFromStatus() {
        ParseFailures f = failures();
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":1}");
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":4}");
        // Counted before the rule's first reconcile here: they go on top of what the status holds for the generation.
        assertThat(f.tally(WEB, 3, 10, T.minusSeconds(60))).isEqualTo(new ParseFailures.Tally(3, 13, T));
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":6}");
        assertThat(f.tally(WEB, 3, 10, null).records()).isEqualTo(15);
        assertThat(f.tally(WEB, 4, 0, null)).isEqualTo(new ParseFailures.Tally(4, 0, null));
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":7}");
        assertThat(f.tally(WEB, 4, 0, null).records()).isEqualTo(1);

        ParseFailures restarted = failures();
        assertThat(restarted.tally(WEB, 4, 1, T)).isEqualTo(new ParseFailures.Tally(4, 1, T));
    }

    @Test
    void defaultRulesAreCountedByFleetAndStartAgainWithTheFleetsGeneration() {
        ParseFailures f = failures();
        ResourceID other = new ResourceID("agents", "other");
        f.report(FLEET, "node-a", "{\"default/json\":1}");
        f.report(other, "node-a", "{\"default/json\":1}");
        f.report(FLEET, "node-a", "{\"default/json\":5}");
        f.report(other, "node-a", "{\"default/json\":2}");
        assertThat(f.tallyDefault(FLEET, "json", 2, 0, null).records()).isEqualTo(4);
        assertThat(f.tallyDefault(other, "json", 1, 0, null).records()).isEqualTo(1);
        assertThat(f.tallyDefault(FLEET, "json", 3, 0, null).records()).isZero();
        // A default rule's counts are not an app rule's.
        assertThat(f.tally(new ResourceID("json", "default"), 1, 0, null).records()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"lpr/shop/web\":-1}", "{\"lpr/shop/web\":\"7\"}",
            "{\"lpr/shop/web\":1.5}", "{\"lpr/shop/web\":{}}"})
    void aMalformedReportIsIgnoredWhole(String report) {
        ParseFailures f = failures();
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":1}");
        f.report(FLEET, "node-a", report);
        f.report(FLEET, "node-a", "{\"lpr/shop/web\":3}");
        assertThat(f.tally(WEB, 1, 0, null).records()).isEqualTo(2);
    }

    @Test
    void onlyRulesAreKeptAndOversizedReportsRefused() {
        assertThat(ParseFailures.parse("{\"default/json\":3,\"lpr/shop/web\":1,\"svc-x\":2,\"lpr/Shop/x\":1}"))
                .hasValueSatisfying(m -> assertThat(m).containsOnlyKeys("default/json", "lpr/shop/web"));
        assertThat(ParseFailures.parse("{\"lpr/shop/w\":1" + " ".repeat(ParseFailures.MAX_REPORT) + "}")).isEmpty();
        ParseFailures f = failures();
        f.report(FLEET, null, null);
        f.report(FLEET, "", "");
        assertThat(f.tally(WEB, 1, 0, null).records()).isZero();
    }
}
