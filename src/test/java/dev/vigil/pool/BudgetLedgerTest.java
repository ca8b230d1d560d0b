package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A shared budget after an operator restart: what another pool's app was given counts, not only its status. */
class BudgetLedgerTest {
    private static InstrumentedService service(String name, Integer statusSize) throws Exception {
        InstrumentedService s = Yaml.MAPPER.readValue("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: %s, namespace: shop}
                spec:
                  workloadRef: {name: %s}
                  pools:
                    - name: db
                      size: {min: 2, max: 40, initial: 4}
                      budget: {name: primary, maxConnections: 40}
                """.formatted(name, name), InstrumentedService.class);
        if (statusSize != null) {
            s.setStatus(new InstrumentedServiceStatus());
            InstrumentedServiceStatus.PoolStatus p = new InstrumentedServiceStatus.PoolStatus();
            p.name = "db";
            p.size = statusSize;
            p.replicas = 2;
            p.desiredSize = statusSize;
            s.getStatus().pools = List.of(p);
        }
        return s;
    }

    @Test
    void aSizeDeliveredButNotYetInStatusIsNotSpentTwice() throws Exception {
        // orders grew 8 -> 16 per replica (2 replicas: 32 of 40) and was stopped after writing its ConfigMap,
        // before its status: status says 8, the app holds 16.
        InstrumentedService orders = service("orders", 8);
        InstrumentedService billing = service("billing", 2);
        Map<String, Integer> appHolds = Map.of("orders", 16, "billing", 2);
        AtomicInteger reads = new AtomicInteger();
        BudgetLedger restarted = new BudgetLedger();
        var pool = billing.getSpec().pools.get(0);
        for (int i = 0; i < 3; i++) {
            BudgetLedger.Allocation a = restarted.allocate(billing, pool, 4, 40, List.of(orders, billing), (svc, p) -> {
                reads.incrementAndGet();
                return Optional.ofNullable(appHolds.get(svc.getMetadata().getName()));
            });
            restarted.decided(a, 4);
            assertThat(a.othersHold()).as("orders holds 16 x 2 replicas").isEqualTo(32);
            assertThat(a.share()).as("billing may grow only into what is free").isLessThanOrEqualTo(40 - 32);
        }
        assertThat(reads.get()).as("read once, then remembered").isEqualTo(1);

        // Without the delivered size, the status alone would have let billing grow into orders' 16 connections.
        BudgetLedger statusOnly = new BudgetLedger();
        BudgetLedger.Allocation blind = statusOnly.allocate(billing, pool, 4, 40, List.of(orders, billing), (svc, p) -> Optional.empty());
        statusOnly.decided(blind, 4);
        assertThat(blind.othersHold()).isEqualTo(16);
        assertThat(blind.share()).isGreaterThan(40 - 32);
    }
}
