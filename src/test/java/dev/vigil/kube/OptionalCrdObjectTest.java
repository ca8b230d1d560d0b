package dev.vigil.kube;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceSpec;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.config.SloSettings;
import dev.vigil.naming.Owners;
import dev.vigil.slo.SloPrometheusRule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one write routine of optional-CRD objects, on the Fabric8 mock server (which has no server-side apply, so the
 * apply path is proven on the real apiserver by e2e suites 08 and 11): an object of that name Vigil does not own is
 * never touched, an owned one goes when no longer wanted, one that already is as wanted is not written.
 */
@EnableKubernetesMockClient(crud = true)
class OptionalCrdObjectTest {
    static final ResourceDefinitionContext RULES = new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("PrometheusRule").withPlural("prometheusrules")
            .withNamespaced(true).build();
    static final OptionalCrdObject OBJECT = new OptionalCrdObject(RULES, Objects::equals, OptionalCrdObject::never);

    KubernetesClient client;

    static InstrumentedService owner() {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withName("api").withNamespace("team").withUid("uid-1").build());
        s.setSpec(new InstrumentedServiceSpec());
        return s;
    }

    static GenericKubernetesResource rule(Map<String, Object> spec, boolean owned) {
        var b = new GenericKubernetesResourceBuilder().withApiVersion("monitoring.coreos.com/v1").withKind("PrometheusRule")
                .withNewMetadata().withName("api-slo-rules").withNamespace("team").addToLabels("team", "a").endMetadata()
                .withAdditionalProperties(Map.of("spec", spec));
        GenericKubernetesResource r = b.build();
        if (owned) {
            r.getMetadata().setOwnerReferences(java.util.List.of(Owners.controller(owner())));
        }
        return r;
    }

    GenericKubernetesResource stored() {
        return client.genericKubernetesResources(RULES).inNamespace("team").withName("api-slo-rules").get();
    }

    @Test
    void anObjectOfThatNameVigilDoesNotOwnIsLeftAlone() {
        client.genericKubernetesResources(RULES).inNamespace("team").resource(rule(Map.of("groups", "theirs"), false)).create();
        assertThat(OBJECT.reconcile(client, owner(), "api-slo-rules", rule(Map.of("groups", "ours"), true)))
                .isEqualTo(OptionalCrdObject.Result.NAME_TAKEN);
        assertThat(OBJECT.reconcile(client, owner(), "api-slo-rules", null)).isEqualTo(OptionalCrdObject.Result.UNCHANGED);
        assertThat(OptionalCrdObject.spec(stored())).isEqualTo(Map.of("groups", "theirs"));
    }

    @Test
    void aPrometheusRuleOfThatNameVigilDoesNotOwnIsReportedNotOverwritten() {
        client.genericKubernetesResources(RULES).inNamespace("team").resource(rule(Map.of("groups", "theirs"), false)).create();
        InstrumentedService service = owner();
        SloSpec slo = new SloSpec();
        slo.name = "availability";
        slo.objective = "99.9";
        slo.window = "28d";
        slo.indicator = new SloSpec.Indicator();
        slo.indicator.ratio = new SloSpec.Ratio();
        slo.indicator.ratio.errors = "sum(rate(e[$window]))";
        slo.indicator.ratio.total = "sum(rate(t[$window]))";
        service.getSpec().slos = java.util.List.of(slo);
        assertThat(SloPrometheusRule.sync(client, service, SloSettings.defaults(), dev.vigil.slo.PlatformTemplates.none())).isEqualTo("PrometheusRule "
                + "api-slo-rules already exists and is not owned by this InstrumentedService; it was left untouched and "
                + "the SLO rules are not delivered (delete or rename it)");
        assertThat(OptionalCrdObject.spec(stored())).isEqualTo(Map.of("groups", "theirs"));
    }

    @Test
    void anOwnedObjectAsWantedIsNotWrittenAndGoesWhenNoLongerWanted() {
        client.genericKubernetesResources(RULES).inNamespace("team").resource(rule(Map.of("groups", "ours"), true)).create();
        String version = stored().getMetadata().getResourceVersion();
        assertThat(OBJECT.reconcile(client, owner(), "api-slo-rules", rule(Map.of("groups", "ours"), true)))
                .isEqualTo(OptionalCrdObject.Result.UNCHANGED);
        assertThat(stored().getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(OBJECT.reconcile(client, owner(), "api-slo-rules", null)).isEqualTo(OptionalCrdObject.Result.DELETED);
        assertThat(stored()).isNull();
        assertThat(OBJECT.reconcile(client, owner(), "api-slo-rules", null)).isEqualTo(OptionalCrdObject.Result.UNCHANGED);
    }

    @Test
    void labelsOthersAddDoNotCountAsADifferenceButMissingOnesDo() {
        GenericKubernetesResource wanted = rule(Map.of("groups", "ours"), true);
        GenericKubernetesResource withMore = rule(Map.of("groups", "ours"), true);
        withMore.getMetadata().getLabels().put("added-by", "someone");
        assertThat(OBJECT.same(withMore, wanted)).isTrue();
        GenericKubernetesResource without = rule(Map.of("groups", "ours"), true);
        without.getMetadata().setLabels(Map.of());
        assertThat(OBJECT.same(without, wanted)).isFalse();
        assertThat(OBJECT.same(rule(Map.of("groups", "changed"), true), wanted)).isFalse();
    }
}
