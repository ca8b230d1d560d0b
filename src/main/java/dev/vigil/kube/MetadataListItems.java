package dev.vigil.kube;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Reads a ConfigMap list's {@code "items": null} as no items. The apiserver writes an empty metadata-only list
 * ({@code PartialObjectMetadataList}, {@link MetadataAnswers}) that way, and Fabric8's informer fails on a list
 * without items (it stopped the operator at start-up while no Vigil ConfigMap existed yet).
 */
@Singleton
public class MetadataListItems implements KubernetesClientObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addMixIn(ConfigMapList.class, NullItemsAsNone.class);
    }

    abstract static class NullItemsAsNone {
        @JsonSetter(nulls = Nulls.AS_EMPTY)
        abstract void setItems(List<ConfigMap> items);
    }
}
