package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.kube.FieldManagers;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Delivery type Env: the pool size as one env var on one container of the user's workload, written by server-side
 * apply under its own field manager {@value FieldManagers#POOL_SIZE}, which owns those env vars and nothing else. The apply
 * names only the container (the key of the list) and the env entries (keyed by name), so every other field of the
 * workload keeps its owner; when a pool stops using Env, an apply without it hands the entry back (the apiserver
 * removes a field no manager owns any more). Changing the pod template rolls the pods, which is the point of this
 * mode for apps that read their pool size at start.
 */
public final class PoolEnvDelivery {
    private PoolEnvDelivery() {
    }

    /** The value of an Env pool's variable on its workload's pod template now; null when absent. */
    static String current(KubernetesClient client, InstrumentedService service, PoolSpec pool) {
        String ns = service.getMetadata().getNamespace();
        String name = service.getSpec().workloadRef.name;
        PodTemplateSpec template;
        if (service.getSpec().workloadRef.kindOrDefault() == WorkloadRef.Kind.StatefulSet) {
            StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName(name).get();
            template = s == null ? null : s.getSpec().getTemplate();
        } else {
            Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
            template = d == null ? null : d.getSpec().getTemplate();
        }
        if (template == null || template.getSpec() == null) {
            return null;
        }
        return template.getSpec().getContainers().stream().filter(c -> pool.delivery.container.equals(c.getName()))
                .flatMap(c -> c.getEnv() == null ? java.util.stream.Stream.empty() : c.getEnv().stream())
                .filter(e -> pool.delivery.envName.equals(e.getName())).map(e -> e.getValue()).findFirst().orElse(null);
    }

    /** The env vars Env pools want, by container. */
    static Map<String, Map<String, String>> wanted(InstrumentedService service, Map<String, Integer> sizes) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (PoolSpec pool : service.getSpec().pools) {
            if (PoolRules.delivery(pool) == PoolSpec.Delivery.Type.Env && sizes.containsKey(pool.name)) {
                out.computeIfAbsent(pool.delivery.container, c -> new TreeMap<>())
                        .put(pool.delivery.envName, Integer.toString(sizes.get(pool.name)));
            }
        }
        return out;
    }

    /**
     * Applies the env vars when the workload does not carry them yet, or releases them when no pool wants them but
     * this manager still owns some. Returns a problem to report, or null. {@code serverSideApply} false (the operator's
     * {@code quarkus.operator-sdk.enable-ssa}, e.g. an API server without it): a plain update instead.
     */
    public static String sync(KubernetesClient client, InstrumentedService service, HasMetadata workload,
            Map<String, Integer> sizes, boolean serverSideApply) {
        Map<String, Map<String, String>> wanted = wanted(service, sizes);
        boolean owned = workload.getMetadata().getManagedFields() != null && workload.getMetadata().getManagedFields()
                .stream().anyMatch(f -> FieldManagers.POOL_SIZE.equals(f.getManager()));
        if (wanted.isEmpty() && (!owned || !serverSideApply)) {
            return null;
        }
        PodTemplateSpec template = workload instanceof Deployment d ? d.getSpec().getTemplate()
                : ((StatefulSet) workload).getSpec().getTemplate();
        for (String container : wanted.keySet()) {
            if (template.getSpec().getContainers().stream().noneMatch(c -> container.equals(c.getName()))) {
                return "container " + container + " (delivery.container) is not in " + workload.getKind() + " "
                        + workload.getMetadata().getName() + "; the pool size is not delivered";
            }
        }
        if (owned && carries(template, wanted) && ownedEnv(workload).equals(names(wanted))) {
            return null;
        }
        if (serverSideApply) {
            client.resource(applyPatch(service, workload, wanted)).fieldManager(FieldManagers.POOL_SIZE).forceConflicts().serverSideApply();
        } else if (!carries(template, wanted)) {
            // Server-side apply switched off (quarkus.operator-sdk.enable-ssa=false, e.g. an apiserver or test server
            // without it): set the same entries with an update; ownership is then not tracked, so an entry no pool
            // wants any more stays on the workload.
            // Edited from the server's copy: the cached workload is a view (the services' caches keep containers'
            // names and env only), not a base to compute a patch from.
            String ns = workload.getMetadata().getNamespace();
            String name = workload.getMetadata().getName();
            if (workload instanceof Deployment) {
                client.apps().deployments().inNamespace(ns).withName(name).edit(d -> {
                    setEnv(d.getSpec().getTemplate(), wanted);
                    return d;
                });
            } else {
                client.apps().statefulSets().inNamespace(ns).withName(name).edit(st -> {
                    setEnv(st.getSpec().getTemplate(), wanted);
                    return st;
                });
            }
        }
        return null;
    }


    private static void setEnv(PodTemplateSpec t, Map<String, Map<String, String>> wanted) {
        for (var e : wanted.entrySet()) {
            Container c = t.getSpec().getContainers().stream().filter(x -> e.getKey().equals(x.getName())).findFirst().orElseThrow();
            List<EnvVar> vars = c.getEnv() == null ? new ArrayList<>() : new ArrayList<>(c.getEnv());
            e.getValue().forEach((name, value) -> {
                vars.removeIf(v -> name.equals(v.getName()));
                vars.add(new EnvVar(name, value, null));
            });
            c.setEnv(vars);
        }
    }

    private static boolean carries(PodTemplateSpec template, Map<String, Map<String, String>> wanted) {
        for (var e : wanted.entrySet()) {
            Container c = template.getSpec().getContainers().stream().filter(x -> e.getKey().equals(x.getName()))
                    .findFirst().orElseThrow();
            for (var env : e.getValue().entrySet()) {
                List<EnvVar> vars = c.getEnv() == null ? List.of() : c.getEnv();
                if (vars.stream().noneMatch(v -> env.getKey().equals(v.getName()) && Objects.equals(env.getValue(), v.getValue()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static java.util.Set<String> names(Map<String, Map<String, String>> wanted) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        wanted.forEach((c, env) -> env.keySet().forEach(n -> out.add(c + "/" + n)));
        return out;
    }

    /** The env entries (container/name) this field manager owns, from the workload's managed fields. */
    @SuppressWarnings("unchecked")
    static java.util.Set<String> ownedEnv(HasMetadata workload) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        if (workload.getMetadata().getManagedFields() == null) {
            return out;
        }
        for (var f : workload.getMetadata().getManagedFields()) {
            if (!FieldManagers.POOL_SIZE.equals(f.getManager()) || f.getFieldsV1() == null) {
                continue;
            }
            Object containers = dig(f.getFieldsV1().getAdditionalProperties(), "f:spec", "f:template", "f:spec", "f:containers");
            if (!(containers instanceof Map<?, ?> cs)) {
                continue;
            }
            for (var c : ((Map<String, Object>) cs).entrySet()) {
                String container = keyName(c.getKey());
                Object env = c.getValue() instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("f:env") : null;
                if (container != null && env instanceof Map<?, ?> es) {
                    for (Object k : es.keySet()) {
                        String name = keyName((String) k);
                        if (name != null) {
                            out.add(container + "/" + name);
                        }
                    }
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object dig(Map<String, Object> map, String... path) {
        Object at = map;
        for (String p : path) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = ((Map<String, Object>) m).get(p);
        }
        return at;
    }

    /** {@code k:{"name":"x"}} → x (the key of a list entry merged by name). */
    private static String keyName(String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^k:\\{\"name\":\"(.*)\"\\}$").matcher(key);
        return m.matches() ? m.group(1) : null;
    }

    /** The apply configuration: identity, the containers by name, their env entries; nothing else. */
    static GenericKubernetesResource applyPatch(InstrumentedService service, HasMetadata workload,
            Map<String, Map<String, String>> wanted) {
        List<Map<String, Object>> containers = new ArrayList<>();
        for (var e : wanted.entrySet()) {
            List<Map<String, Object>> env = new ArrayList<>();
            e.getValue().forEach((name, value) -> {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("name", name);
                v.put("value", value);
                env.add(v);
            });
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.getKey());
            c.put("env", env);
            containers.add(c);
        }
        GenericKubernetesResource patch = new GenericKubernetesResource();
        patch.setApiVersion("apps/v1");
        patch.setKind(service.getSpec().workloadRef.kindOrDefault() == WorkloadRef.Kind.StatefulSet ? "StatefulSet" : "Deployment");
        patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(workload.getMetadata().getName()).withNamespace(workload.getMetadata().getNamespace()).build());
        if (!containers.isEmpty()) {
            patch.setAdditionalProperty("spec", Map.of("template", Map.of("spec", Map.of("containers", containers))));
        }
        return patch;
    }
}
