package dev.vigil.nodegroups;

import dev.vigil.api.v1alpha1.NodeGroupOverride.Provider;

import java.util.List;

/** Where a node runs, read from its spec.providerID, and which resource detectors fit there. */
public final class Providers {
    /** The vigildetect processor's detector names. */
    public static final String EC2 = "ec2";
    public static final String AZURE = "azure";
    public static final String GCP = "gcp";
    public static final String SYSTEM = "system";
    public static final String ENV = "env";

    private Providers() {
    }

    /**
     * The provider of a node's spec.providerID: {@code aws://...} aws, {@code azure://...} azure, {@code gce://...}
     * gcp; none, or any other scheme (vsphere, openstack, kind, ...), onprem.
     */
    public static Provider of(String providerId) {
        if (providerId == null) {
            return Provider.onprem;
        }
        String scheme = providerId.contains("://") ? providerId.substring(0, providerId.indexOf("://")) : "";
        return switch (scheme) {
            case "aws" -> Provider.aws;
            case "azure" -> Provider.azure;
            case "gce" -> Provider.gcp;
            default -> Provider.onprem;
        };
    }

    /**
     * The detectors a group's agents run, the first winning where two find the same attribute: the pod's
     * OTEL_RESOURCE_ATTRIBUTES, then the provider's metadata service (none on premises), then the host.
     */
    public static List<String> detectors(Provider provider) {
        return switch (provider) {
            case aws -> List.of(ENV, EC2, SYSTEM);
            case azure -> List.of(ENV, AZURE, SYSTEM);
            case gcp -> List.of(ENV, GCP, SYSTEM);
            case onprem -> List.of(ENV, SYSTEM);
        };
    }
}
