package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Primary-to-secondary mappers for informers whose relation is "every object to every primary" (any pod, service,
 * namespace or node may concern any fleet). Given only a secondary-to-primary mapper, JOSDK keeps an index of every
 * (primary, secondary) pair; for these relations that is primaries × objects entries (at 10,000 services in 10
 * fleets: services × fleets, pods × fleets, services × namespaces, over half a million ResourceIDs) that nothing
 * reads, since Vigil lists these informers directly. With a mapper JOSDK keeps no index and asks the mapper only when
 * {@code Context.getSecondaryResources} is called: then it answers from the informer's cache.
 */
public final class Unindexed {
    private Unindexed() {
    }

    /** Every object the informer holds. */
    public static <R extends HasMetadata, P extends HasMetadata> PrimaryToSecondaryMapper<P> every(
            Supplier<InformerEventSource<R, P>> source) {
        return primary -> ids(source.get().list().map(ResourceID::fromResource));
    }

    /** Every object the informer holds in the primary's namespace. */
    public static <R extends HasMetadata, P extends HasMetadata> PrimaryToSecondaryMapper<P> inNamespace(
            Supplier<InformerEventSource<R, P>> source) {
        return primary -> ids(source.get().list(primary.getMetadata().getNamespace()).map(ResourceID::fromResource));
    }

    private static Set<ResourceID> ids(java.util.stream.Stream<ResourceID> ids) {
        return ids.collect(Collectors.toSet());
    }
}
