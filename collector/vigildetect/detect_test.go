package vigildetect

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
)

// ec2StandIn answers like IMDSv2: the document only with the session token it handed out.
func ec2StandIn(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			if r.Header.Get("X-aws-ec2-metadata-token-ttl-seconds") == "" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			_, _ = w.Write([]byte("tok-123"))
		case r.Header.Get("X-aws-ec2-metadata-token") != "tok-123":
			w.WriteHeader(http.StatusUnauthorized)
		case r.URL.Path == "/latest/dynamic/instance-identity/document":
			_, _ = w.Write([]byte(`{"accountId":"123456789012","availabilityZone":"eu-west-1b","imageId":"ami-0abc",
				"instanceId":"i-0123456789abcdef0","instanceType":"m6i.large","region":"eu-west-1","version":"2017-09-30"}`))
		case r.URL.Path == "/latest/meta-data/hostname":
			_, _ = w.Write([]byte("ip-10-0-1-7.eu-west-1.compute.internal"))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

func azureStandIn(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata") != "true" || r.URL.Path != "/metadata/instance/compute" ||
			r.URL.Query().Get("api-version") == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"location":"westeurope","name":"aks-pool1-123-vmss000002","vmId":"0d3f9a2e-1111-2222-3333-444455556666",
			"vmSize":"Standard_D4s_v5","subscriptionId":"sub-42","resourceGroupName":"MC_rg_aks","vmScaleSetName":"aks-pool1-123-vmss","zone":"2"}`))
	}))
}

func gcpStandIn(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata-Flavor") != "Google" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		switch r.URL.Path {
		case "/computeMetadata/v1/instance/":
			_, _ = w.Write([]byte(`{"id":8234567890123456789,"name":"gke-pool-a-1","hostname":"gke-pool-a-1.c.proj.internal",
				"zone":"projects/555/zones/us-central1-c","machineType":"projects/555/machineTypes/e2-standard-4"}`))
		case "/computeMetadata/v1/project/project-id":
			_, _ = w.Write([]byte("my-project"))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

// hanging accepts requests and never answers (until the test ends).
func hanging(t *testing.T) *httptest.Server {
	done := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); s.Close() })
	return s
}

func detectWith(t *testing.T, cfg *Config) map[string]string {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	return newDetection(componenttest.NewNopTelemetrySettings(), cfg).detect(context.Background())
}

func config(detectors ...string) *Config {
	c := createDefaultConfig()
	c.Detectors = detectors
	return c
}

func expect(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestEC2WithSessionToken(t *testing.T) {
	s := ec2StandIn(t)
	defer s.Close()
	c := config(DetectorEC2)
	c.EC2.Endpoint = s.URL
	expect(t, detectWith(t, c), map[string]string{"cloud.provider": "aws", "cloud.platform": "aws_ec2",
		"cloud.region": "eu-west-1", "cloud.availability_zone": "eu-west-1b", "cloud.account.id": "123456789012",
		"host.id": "i-0123456789abcdef0", "host.type": "m6i.large", "host.image.id": "ami-0abc",
		"host.name": "ip-10-0-1-7.eu-west-1.compute.internal"})
}

func TestAzure(t *testing.T) {
	s := azureStandIn(t)
	defer s.Close()
	c := config(DetectorAzure)
	c.Azure.Endpoint = s.URL
	expect(t, detectWith(t, c), map[string]string{"cloud.provider": "azure", "cloud.platform": "azure_vm",
		"cloud.region": "westeurope", "cloud.availability_zone": "2", "cloud.account.id": "sub-42",
		"host.id": "0d3f9a2e-1111-2222-3333-444455556666", "host.type": "Standard_D4s_v5",
		"azure.resourcegroup.name": "MC_rg_aks", "azure.vm.scaleset.name": "aks-pool1-123-vmss"})
}

func TestGCP(t *testing.T) {
	s := gcpStandIn(t)
	defer s.Close()
	c := config(DetectorGCP)
	c.GCP.Endpoint = s.URL
	expect(t, detectWith(t, c), map[string]string{"cloud.provider": "gcp", "cloud.platform": "gcp_compute_engine",
		"cloud.region": "us-central1", "cloud.availability_zone": "us-central1-c", "cloud.account.id": "my-project",
		"host.id": "8234567890123456789", "host.name": "gke-pool-a-1", "host.type": "e2-standard-4"})
}

// A cloud that never answers costs the timeout and nothing else: the other detectors' attributes are there.
func TestHangingMetadataCostsOnlyTheTimeout(t *testing.T) {
	s := hanging(t)
	c := config(DetectorGCP, DetectorSystem)
	c.GCP.Endpoint = s.URL
	c.HostName = "node-7"
	c.Timeout = 300 * time.Millisecond
	started := time.Now()
	got := detectWith(t, c)
	took := time.Since(started)
	if took < 300*time.Millisecond || took > 2*time.Second {
		t.Fatalf("detection took %s, want about the 300ms timeout", took)
	}
	if got["cloud.provider"] != "" || got["host.name"] != "node-7" {
		t.Fatalf("got %v, want only the system detector's attributes", got)
	}
}

// The wrong cloud (an EC2 detector against Azure's service) finds nothing and fails nothing.
func TestWrongCloudFindsNothing(t *testing.T) {
	s := azureStandIn(t)
	defer s.Close()
	c := config(DetectorEC2, DetectorEnv)
	c.EC2.Endpoint = s.URL
	got := detectWith(t, c)
	if got["cloud.provider"] != "" {
		t.Fatalf("got %v from the wrong cloud", got)
	}
}

func TestRedirectsAndHugeAnswersAreRefused(t *testing.T) {
	target := azureStandIn(t)
	defer target.Close()
	redirect := httptest.NewServer(http.RedirectHandler(target.URL+"/metadata/instance/compute?api-version=1", http.StatusFound))
	defer redirect.Close()
	c := config(DetectorAzure)
	c.Azure.Endpoint = redirect.URL
	if got := detectWith(t, c); got["cloud.provider"] != "" {
		t.Fatalf("followed a redirect: %v", got)
	}
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"vmId":"x","name":"` + strings.Repeat("a", maxBody) + `"}`))
	}))
	defer huge.Close()
	c.Azure.Endpoint = huge.URL
	if got := detectWith(t, c); got["cloud.provider"] != "" {
		t.Fatalf("took an answer over the bound: %d attributes", len(got))
	}
}

// Earlier detectors win on a shared key; the configured attributes win over every detector.
func TestPrecedence(t *testing.T) {
	s := ec2StandIn(t)
	defer s.Close()
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "host.name=from-env,team=pay%2Fments,cloud.region=env-region")
	c := config(DetectorEnv, DetectorEC2, DetectorSystem)
	c.EC2.Endpoint = s.URL
	c.Attributes = map[string]string{"cloud.region": "group-region", "vigil.node_group": "aws"}
	expect(t, detectWith(t, c), map[string]string{"host.name": "from-env", "team": "pay/ments",
		"cloud.region": "group-region", "vigil.node_group": "aws", "cloud.provider": "aws", "os.type": "linux"})
}

func TestParseResourceAttributes(t *testing.T) {
	if _, err := parseResourceAttributes("a=1,broken"); err == nil {
		t.Fatal("accepted a pair without =")
	}
	got, err := parseResourceAttributes(" a = 1 , b=x%20y ")
	if err != nil || got["a"] != "1" || got["b"] != "x y" {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestValidate(t *testing.T) {
	for name, c := range map[string]func(*Config){
		"unknown detector": func(c *Config) { c.Detectors = []string{"eks"} },
		"repeated":         func(c *Config) { c.Detectors = []string{"env", "env"} },
		"no timeout":       func(c *Config) { c.Timeout = 0 },
		"long timeout":     func(c *Config) { c.Timeout = time.Minute },
		"bad endpoint":     func(c *Config) { c.GCP.Endpoint = "metadata.google.internal" },
		"empty key":        func(c *Config) { c.Attributes = map[string]string{"": "x"} },
	} {
		cfg := createDefaultConfig()
		c(cfg)
		if cfg.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := createDefaultConfig().Validate(); err != nil {
		t.Fatalf("default config refused: %v", err)
	}
}

// Through the factory, as the collector runs it: a record's own attributes stay unless override is set, the
// group's attributes always apply.
func TestLogsThroughTheFactory(t *testing.T) {
	s := gcpStandIn(t)
	defer s.Close()
	for _, override := range []bool{false, true} {
		cfg := createDefaultConfig()
		cfg.Detectors = []string{DetectorGCP}
		cfg.GCP.Endpoint = s.URL
		cfg.Override = override
		cfg.Attributes = map[string]string{"vigil.node_group": "gcp"}
		sink := new(consumertest.LogsSink)
		p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(NewFactory().Type()), cfg, sink)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			t.Fatal(err)
		}
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("host.name", "from-record")
		rl.Resource().Attributes().PutStr("vigil.node_group", "from-record")
		rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("hello")
		if err := p.ConsumeLogs(context.Background(), ld); err != nil {
			t.Fatal(err)
		}
		_ = p.Shutdown(context.Background())
		attrs := sink.AllLogs()[0].ResourceLogs().At(0).Resource().Attributes()
		want := map[string]string{"cloud.provider": "gcp", "cloud.region": "us-central1", "vigil.node_group": "gcp",
			"host.name": map[bool]string{false: "from-record", true: "gke-pool-a-1"}[override]}
		for k, v := range want {
			if got, _ := attrs.Get(k); got.Str() != v {
				t.Errorf("override=%v: %s = %q, want %q", override, k, got.Str(), v)
			}
		}
	}
}
