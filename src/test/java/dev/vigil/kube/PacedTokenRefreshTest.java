package dev.vigil.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Fabric8's token interceptor runs once a minute for a client without a token, on every request for one with. */
class PacedTokenRefreshTest {
    private final AtomicInteger runs = new AtomicInteger();
    private final Interceptor counting = new Interceptor() {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            runs.incrementAndGet();
        }
    };
    private final AtomicLong now = new AtomicLong(5_000_000_000L);

    private static Config certificateOnly() {
        return new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443").withClientCertData("Y2VydA==")
                .withClientKeyData("a2V5").build();
    }

    @Test
    void aClientCertificateAloneRefreshesOnceAMinute() {
        Config config = certificateOnly();
        assertThat(PacedTokenRefresh.hasCredentials(config)).isFalse();
        PacedTokenRefresh paced = new PacedTokenRefresh(counting, config, now::get);
        for (int i = 0; i < 1000; i++) {
            paced.before(null, null, null);
            now.addAndGet(10_000_000L); // 10 ms a request: 1,000 requests in 10 s
        }
        assertThat(runs.get()).as("runs in 10 s of requests").isEqualTo(1);
        now.addAndGet(PacedTokenRefresh.PACE.toNanos());
        paced.before(null, null, null);
        paced.before(null, null, null);
        assertThat(runs.get()).as("runs once the minute is over").isEqualTo(2);
    }

    @Test
    void aTokenIsSetOnEveryRequest() {
        for (Config config : new Config[] {
                new ConfigBuilder(certificateOnly()).withOauthToken("user-token").build(),
                new ConfigBuilder(certificateOnly()).withAutoOAuthToken("service-account-token").build(),
                new ConfigBuilder(certificateOnly()).withUsername("admin").withPassword("secret").build()}) {
            assertThat(PacedTokenRefresh.hasCredentials(config)).isTrue();
            runs.set(0);
            PacedTokenRefresh paced = new PacedTokenRefresh(counting, config, now::get);
            for (int i = 0; i < 100; i++) {
                paced.before(null, null, null);
            }
            assertThat(runs.get()).isEqualTo(100);
        }
    }

    /** A token the refresh finds (a kubeconfig switched to one) is set on every request from then on. */
    @Test
    void aTokenFoundByARefreshIsUsedFromThenOn() {
        Config config = certificateOnly();
        PacedTokenRefresh paced = new PacedTokenRefresh(new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                runs.incrementAndGet();
                config.setAutoOAuthToken("found");
            }
        }, config, now::get);
        for (int i = 0; i < 10; i++) {
            paced.before(null, null, null);
        }
        assertThat(runs.get()).isEqualTo(10);
    }
}
