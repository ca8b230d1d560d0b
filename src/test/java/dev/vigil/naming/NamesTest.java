package dev.vigil.naming;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {
    private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    @Test
    void shortNamesAreKeptAsTheyAre() {
        assertThat(Names.collectorStatefulSet("platform")).isEqualTo("platform-collector");
        assertThat(Names.collectorConfigMap("platform")).isEqualTo("platform-collector-config");
    }

    @Test
    void longNamesFitTheirLimitsStayDnsSafeAndDeterministic() {
        // The longest name a user can give a namespaced object is 253 characters.
        String fleet = "a".repeat(60) + "-" + "b".repeat(150);
        String sts = Names.collectorStatefulSet(fleet);
        assertThat(sts).hasSizeLessThanOrEqualTo(52).matches(DNS_LABEL).isEqualTo(Names.collectorStatefulSet(fleet));
        for (String n : new String[] {Names.collectorConfigMap(fleet), Names.collectorHeadlessService(fleet),
                Names.collectorOtlpService(fleet), Names.collectorRole(fleet), Names.collectorPdb(fleet)}) {
            assertThat(n).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
        }
    }

    @Test
    void longNamesWithACommonPrefixDoNotCollide() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(Names.collectorStatefulSet("x".repeat(70) + i))).isTrue();
        }
    }

    @Test
    void truncationNeverLeavesADashBeforeTheHash() {
        String name = "a".repeat(42) + "-----------------------";
        assertThat(Names.fit(name, 52)).doesNotContain("--").matches(DNS_LABEL);
    }
}
