package dev.vigil.operator;

import dev.vigil.telemetry.ReconcileWatchdog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** The liveness endpoint fails while a reconcile has been stuck for more than five minutes, and recovers after. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReconcileLivenessTest {
    @Inject
    ReconcileWatchdog watchdog;

    @Test
    void aStuckReconcileFailsLiveness() {
        given().when().get("/q/health/live").then().statusCode(200);
        long stuck = watchdog.begin("TelemetryCollector obs/stuck",
                Instant.now().minus(ReconcileWatchdog.STUCK_AFTER).minusSeconds(10));
        try {
            given().when().get("/q/health/live").then().statusCode(503)
                    .body(containsString("TelemetryCollector obs/stuck running for 31"));
        } finally {
            watchdog.end(stuck);
        }
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
