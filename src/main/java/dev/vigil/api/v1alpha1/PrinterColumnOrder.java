package dev.vigil.api.v1alpha1;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs at build time on the generated CRDs (quarkus.operator-sdk.crd.crd-post-processor-class): the generator
 * sorts printer columns by JSON path, but kubectl shows them in declaration order, and users read Ready first.
 */
public class PrinterColumnOrder implements CRDPostProcessor {
    static final List<String> ORDER = List.of("Ready", "Shards", "Services", "Collector", "Workload", "Budget", "Pools", "Reason", "Age");

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition def) {
            for (CustomResourceDefinitionVersion v : def.getSpec().getVersions()) {
                if (v.getAdditionalPrinterColumns() != null) {
                    List<CustomResourceColumnDefinition> cols = new ArrayList<>(v.getAdditionalPrinterColumns());
                    cols.sort(Comparator.comparingInt(c -> rank(c.getName())));
                    v.setAdditionalPrinterColumns(cols);
                }
            }
        }
        return crd;
    }

    private static int rank(String name) {
        int i = ORDER.indexOf(name);
        return i < 0 ? ORDER.size() : i;
    }
}
