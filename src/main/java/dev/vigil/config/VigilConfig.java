package dev.vigil.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Every operator setting ({@code vigil.*}: application.properties, or environment variables such as
 * {@code VIGIL_SLO_MEASURE_INTERVAL}, which the chart sets). Read once into {@link Settings}, which the reconcilers
 * are given and pass on to the builders; no builder reads configuration itself. The settings table in
 * docs/operations.md is generated from this interface (SettingsDocTest).
 */
@ConfigMapping(prefix = "vigil")
public interface VigilConfig {
    Collector collector();

    Sd sd();

    Slo slo();

    Sampling sampling();

    Dashboards dashboards();

    LeaderElection leaderElection();

    @WithDefault("30s")
    @Doc("How often the CRD of an absent optional integration (PrometheusRule, GrafanaDashboard) is looked up again.")
    Duration crdRecheckInterval();

    interface Collector {
        @Doc("A collector binary with the fleet image's components: every new collector config is also checked with "
                + "its `validate` before rollout (verdicts cached by config hash). Empty: Vigil's own check only.")
        Optional<String> validatorBinary();

        @WithDefault(CollectorSettings.DEFAULT_DISCOVERY_CLUSTER_ROLE)
        @Doc("ClusterRole (pods: get, list, watch) a fleet's ServiceAccount is bound to in the namespaces of the "
                + "services it collects from outside its own (the chart installs it as `<release>-collector-discovery`).")
        String discoveryClusterRole();

        @WithDefault("true")
        @Doc("Watch only running pods for scrape targets (a `status.phase=Running` field selector): the apiserver "
                + "sends a pod once it runs and takes it back once it stops, not its scheduling and start-up. Turn "
                + "off only against an API server that cannot select pods by phase (the Fabric8 mock server of the "
                + "tests).")
        boolean watchRunningPodsOnly();

        @WithDefault("2s")
        @Doc("A fleet reconciles at most once per this interval for the changes of the services, pods, namespaces, "
                + "nodes and log rules it reads: the first change at once, those within the interval together when it "
                + "ends (collectors fetch their targets every 5 s anyway). A change of the fleet's own spec is "
                + "reconciled at once. 0: every change at once; a negative value stops the operator's start.")
        Duration minReconcileInterval();
    }

    interface Sd {
        @WithDefault(CollectorSettings.DEFAULT_SD_BASE_URL)
        @Doc("Where collectors reach the operator's HTTP port for their shard's targets (`/sd/v1/...`); the chart sets "
                + "its Service.")
        String baseUrl();
    }

    interface Sampling {
        @WithDefault("20s")
        @Doc("The shortest window over which adaptive trace sampling reads a service's kept-span rate from the fleet's "
                + "Prometheus: a new ratio is judged once it has been counted for this long (after 20 s for it to reach "
                + "the SDKs and the counts to reach Prometheus); also the window that tells a change of load.")
        Duration rateWindow();

        @WithDefault("2m")
        @Doc("The longest window adaptive trace sampling reads: the window grows from the last change up to this, so "
                + "a steady service is judged on many spans and sampling noise does not move its ratio.")
        Duration maxWindow();

        @WithDefault("5s")
        @Doc("How often a fleet's span counts reach its Prometheus (the spanmetrics connector's flush, 5 s in the "
                + "config Vigil generates): a window with fewer counts than that has a gap (Prometheus was away and "
                + "has not received them all, or a shard is new) and is not judged.")
        Duration countInterval();
    }

    interface Slo {
        @Doc("promtool, to check every generated SLO rules file before it is written (verdicts cached by hash). "
                + "Empty: no check.")
        Optional<String> promtoolBinary();

        @WithDefault("60s")
        @Doc("How often error budgets are measured from the fleet's Prometheus (and at once when the SLOs change).")
        Duration measureInterval();

        @WithDefault(SloSettings.DEFAULT_CONFIGMAP_LABELS)
        @Doc("Labels (`key=value,...`) on rule ConfigMaps, written where the PrometheusRule CRD is not installed.")
        String rulesConfigmapLabels();

        @Doc("Extra labels (`key=value,...`) on PrometheusRules, e.g. what a Prometheus' ruleSelector selects.")
        Optional<String> prometheusRuleLabels();

        @Doc("The ConfigMap (`namespace/name`) whose `templates.yaml` holds the platform team's own SLO templates "
                + "(`template.platform` in an SLO); watched, so edits apply at once. Empty: none.")
        Optional<String> templatesConfigmap();
    }

    interface Dashboards {
        @WithDefault(DashboardSettings.DEFAULT_LABELS)
        @Doc("Labels (`key=value,...`) the Grafana chart's dashboard sidecar selects dashboard ConfigMaps by.")
        String configmapLabels();

        @WithDefault(DashboardSettings.DEFAULT_FOLDER_ANNOTATION)
        @Doc("The annotation naming a dashboard ConfigMap's Grafana folder (the sidecar's `folderAnnotation`).")
        String folderAnnotation();

        GrafanaOperator grafanaOperator();

        interface GrafanaOperator {
            @Doc("Labels (`key=value,...`) of the Grafana instances that import Vigil's dashboards. Set, and while "
                    + "the GrafanaDashboard CRD is installed, dashboards are GrafanaDashboards; empty: ConfigMaps.")
            Optional<String> instanceSelector();

            @WithDefault("true")
            @Doc("Whether those GrafanaDashboards may be imported by a Grafana in another namespace than their own.")
            boolean allowCrossNamespaceImport();
        }
    }

    interface LeaderElection {
        @WithDefault("vigil-operator-lock")
        @Doc("Name of the Lease that decides which replica reconciles (prod profile).")
        String leaseName();

        @Doc("Namespace of that Lease; empty: in-cluster, the operator pod's own namespace.")
        Optional<String> leaseNamespace();
    }
}
