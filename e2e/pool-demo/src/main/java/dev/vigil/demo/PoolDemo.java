package dev.vigil.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service with a real Redis connection pool whose size Vigil scales.
 *
 * <ul>
 * <li>{@code GET /work?holdMs=N} borrows a connection and keeps Redis busy on it for N ms ({@code BLPOP} on a key
 * nobody writes, with that timeout), like a request that holds a connection for its whole query.</li>
 * <li>Metrics, recorded with the OpenTelemetry SDK and served for Prometheus by {@link PrometheusEndpoint}, in the RedisClient naming Vigil's defaults
 * read: the histogram {@code redis.client.pool.wait_duration} (s) of borrows that found the pool exhausted, the
 * gauges {@code redis.client.pool.connections{state=used|idle}} and {@code redis.client.pool.max}, all with the
 * attribute {@code pool}.</li>
 * <li>The size: watched through the API server in Vigil's ConfigMap {@code <service>-pools} (key = pool name) and
 * applied live with {@code setMaxTotal}; growing also opens the new connections at once, which hands them to the
 * requests already waiting. Every resize is appended to the events file (JSON lines) with its wall-clock time.</li>
 * </ul>
 * Configuration by environment: BIND_ADDRESS, REDIS_HOST, REDIS_PORT, HTTP_PORT, METRICS_PORT, POOL_NAME, POOL_NAMESPACE, POOL_CONFIGMAP,
 * INITIAL_SIZE, EVENTS_FILE (KUBECONFIG as for kubectl).
 */
public final class PoolDemo {
    private static final AttributeKey<String> POOL = AttributeKey.stringKey("pool");
    private static final AttributeKey<String> STATE = AttributeKey.stringKey("state");

    private final GenericObjectPool<Jedis> pool;
    private final String poolName;
    private final DoubleHistogram waits;
    private final Path events;
    private final AtomicLong waited = new AtomicLong();

    private PoolDemo(GenericObjectPool<Jedis> pool, String poolName, Meter meter, Path events) {
        this.pool = pool;
        this.poolName = poolName;
        this.events = events;
        Attributes attrs = Attributes.of(POOL, poolName);
        this.waits = meter.histogramBuilder("redis.client.pool.wait_duration").setUnit("s")
                .setDescription("Time borrows that found the pool exhausted waited for a connection")
                .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0)).build();
        meter.gaugeBuilder("redis.client.pool.connections").ofLongs().setUnit("{connection}")
                .setDescription("Connections of the pool by state").buildWithCallback(m -> {
                    m.record(pool.getNumActive(), attrs.toBuilder().put(STATE, "used").build());
                    m.record(pool.getNumIdle(), attrs.toBuilder().put(STATE, "idle").build());
                });
        meter.gaugeBuilder("redis.client.pool.max").ofLongs().setUnit("{connection}")
                .setDescription("Largest number of connections the pool may hold")
                .buildWithCallback(m -> m.record(pool.getMaxTotal(), attrs));
    }

    public static void main(String[] args) throws Exception {
        // 127.0.0.1 when it runs beside the test's processes; a pod binds 0.0.0.0 and reaches Redis on its node.
        String bind = env("BIND_ADDRESS", "127.0.0.1");
        String redisHost = env("REDIS_HOST", "127.0.0.1");
        int redisPort = Integer.parseInt(env("REDIS_PORT", "16379"));
        int httpPort = Integer.parseInt(env("HTTP_PORT", "18090"));
        int metricsPort = Integer.parseInt(env("METRICS_PORT", "19465"));
        String poolName = env("POOL_NAME", "cache");
        int initial = Integer.parseInt(env("INITIAL_SIZE", "4"));
        Path events = Path.of(env("EVENTS_FILE", "pool-demo-events.jsonl"));

        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(initial);
        config.setMaxIdle(initial);
        config.setMinIdle(0);
        config.setBlockWhenExhausted(true);
        config.setMaxWait(Duration.ofSeconds(30));
        config.setJmxEnabled(false);
        GenericObjectPool<Jedis> pool = new GenericObjectPool<>(new RedisConnections(redisHost, redisPort), config);

        SdkMeterProvider meters = SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "pool-demo"))))
                .registerMetricReader(new PrometheusEndpoint(bind, metricsPort))
                .build();
        PoolDemo demo = new PoolDemo(pool, poolName, meters.get("dev.vigil.demo"), events);
        demo.record(Map.of("event", "started", "size", initial));

        HttpServer http = HttpServer.create(new InetSocketAddress(bind, httpPort), 512);
        http.setExecutor(Executors.newFixedThreadPool(64));
        http.createContext("/work", demo::work);
        http.createContext("/state", demo::state);
        http.start();

        String ns = System.getenv("POOL_NAMESPACE");
        String cm = System.getenv("POOL_CONFIGMAP");
        if (ns != null && cm != null) {
            KubernetesClient client = new KubernetesClientBuilder().build();
            client.configMaps().inNamespace(ns).withName(cm).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ConfigMap obj) {
                    demo.apply(obj);
                }

                @Override
                public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                    demo.apply(newObj);
                }

                @Override
                public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                    // Keep the last size: a missing ConfigMap is not a reason to change the pool.
                }
            });
        }
        PrintStream out = System.out;
        out.println("pool-demo ready: http " + bind + ":" + httpPort + ", metrics " + bind + ":" + metricsPort
                + "/metrics, redis " + redisHost + ":" + redisPort + ", pool " + poolName + " size " + initial);
        Thread.currentThread().join();
    }

    /** The resize: the only lines an app needs, besides the watch. */
    synchronized void apply(ConfigMap configMap) {
        String value = configMap.getData() == null ? null : configMap.getData().get(poolName);
        if (value == null) {
            return;
        }
        int size;
        try {
            size = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return;
        }
        int before = pool.getMaxTotal();
        if (size < 1 || size == before) {
            return;
        }
        pool.setMaxIdle(size);
        pool.setMaxTotal(size);
        if (size > before) {
            // Open the new connections now: added to the idle queue, they go straight to waiting borrowers.
            try {
                pool.addObjects(Math.max(0, size - pool.getNumActive() - pool.getNumIdle()));
            } catch (Exception e) {
                // The pool still grows on demand.
            }
        }
        record(Map.of("event", "resized", "from", before, "to", size,
                "resourceVersion", configMap.getMetadata().getResourceVersion()));
    }

    private void work(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        double holdMs = 50;
        if (query != null && query.startsWith("holdMs=")) {
            holdMs = Double.parseDouble(query.substring("holdMs=".length()));
        }
        int status = 200;
        String body;
        boolean exhausted = false;
        long start = System.nanoTime();
        Jedis jedis = null;
        try {
            try {
                // An idle connection, or a new one while under the size: no wait.
                jedis = pool.borrowObject(Duration.ZERO);
            } catch (NoSuchElementException e) {
                // The pool is exhausted: this request waits for a connection, and that wait is what Vigil reads.
                exhausted = true;
                jedis = pool.borrowObject();
            }
            double waitedSeconds = (System.nanoTime() - start) / 1e9;
            if (exhausted) {
                waits.record(waitedSeconds, Attributes.of(POOL, poolName));
                waited.incrementAndGet();
            }
            jedis.blpop(holdMs / 1000.0, "vigil-demo-nobody-writes-this");
            body = "ok " + (exhausted ? "waited " + Math.round(waitedSeconds * 1000) + " ms" : "no wait") + "\n";
        } catch (Exception e) {
            status = 503;
            body = "no connection: " + e.getClass().getSimpleName() + "\n";
        } finally {
            if (jedis != null) {
                pool.returnObject(jedis);
            }
        }
        reply(exchange, status, body);
    }

    private void state(HttpExchange exchange) throws IOException {
        reply(exchange, 200, "{\"size\":" + pool.getMaxTotal() + ",\"used\":" + pool.getNumActive() + ",\"idle\":"
                + pool.getNumIdle() + ",\"waits\":" + waited.get() + "}\n");
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    private synchronized void record(Map<String, Object> fields) {
        StringBuilder line = new StringBuilder("{\"at\":").append(System.currentTimeMillis() / 1000.0);
        fields.forEach((k, v) -> line.append(",\"").append(k).append("\":")
                .append(v instanceof Number ? v.toString() : "\"" + v + "\""));
        line.append("}\n");
        try {
            Files.writeString(events, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("cannot write " + events + ": " + e.getMessage());
        }
        System.out.print(line);
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Connections to one Redis server; a connection that fails its PING on borrow is replaced. */
    static final class RedisConnections extends BasePooledObjectFactory<Jedis> {
        private final String host;
        private final int port;

        RedisConnections(String host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        public Jedis create() {
            Jedis j = new Jedis(host, port, 10_000);
            j.ping();
            return j;
        }

        @Override
        public PooledObject<Jedis> wrap(Jedis jedis) {
            return new DefaultPooledObject<>(jedis);
        }

        @Override
        public void destroyObject(PooledObject<Jedis> p) {
            p.getObject().close();
        }

        @Override
        public boolean validateObject(PooledObject<Jedis> p) {
            return p.getObject().isConnected();
        }
    }
}
