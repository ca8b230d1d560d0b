package vigilsampling

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
)

// operator stands in for the Vigil operator's /sampling/v1 endpoint: one mutable answer with an ETag.
type operator struct {
	mu     sync.Mutex
	body   string
	status int
	auth   string
	srv    *httptest.Server
}

func newOperator(t *testing.T, body string) *operator {
	o := &operator{body: body, status: http.StatusOK}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		body, code := o.body, o.status
		o.auth = r.Header.Get("Authorization")
		o.mu.Unlock()
		if code != http.StatusOK {
			w.WriteHeader(code)
			return
		}
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *operator) set(body string, code int) {
	o.mu.Lock()
	o.body, o.status = body, code
	o.mu.Unlock()
}

func start(t *testing.T, url string) *samplingExtension {
	t.Helper()
	cfg := createDefaultConfig()
	cfg.Endpoint, cfg.PollInterval, cfg.TokenFile, cfg.GRPC, cfg.HTTP = url, 100*time.Millisecond, "", "127.0.0.1:0", "127.0.0.1:0"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e := newExtension(componenttest.NewNopTelemetrySettings(), cfg)
	if err := e.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Shutdown(context.Background()) })
	return e
}

// askGRPC calls GetSamplingStrategy as an SDK does, with a request encoded independently of protocol.go (and an
// unknown field, which a server must skip).
func askGRPC(t *testing.T, e *samplingExtension, service string) (float64, error) {
	t.Helper()
	conn, err := grpc.NewClient(e.grpcAddr.String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var req []byte
	req = protowire.AppendTag(req, 7, protowire.VarintType)
	req = protowire.AppendVarint(req, 42)
	req = protowire.AppendTag(req, 1, protowire.BytesType)
	req = protowire.AppendString(req, service)
	var resp rawMessage
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := conn.Invoke(ctx, "/jaeger.api_v2.SamplingManager/GetSamplingStrategy", rawMessage(req), &resp); err != nil {
		return 0, err
	}
	// SamplingStrategyResponse: field 1 (type) absent or 0 = PROBABILISTIC; field 2 holds samplingRate (field 1, double).
	b := []byte(resp)
	rate := math.NaN()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			if v != 0 {
				t.Fatalf("strategy type %d, want PROBABILISTIC", v)
			}
			b = b[m:]
		case num == 2 && typ == protowire.BytesType:
			inner, m := protowire.ConsumeBytes(b)
			b = b[m:]
			num, typ, n := protowire.ConsumeTag(inner)
			if num != 1 || typ != protowire.Fixed64Type {
				t.Fatalf("probabilisticSampling holds field %d type %d", num, typ)
			}
			v, _ := protowire.ConsumeFixed64(inner[n:])
			rate = math.Float64frombits(v)
		default:
			t.Fatalf("unexpected field %d in the response", num)
		}
	}
	return rate, nil
}

func askHTTP(t *testing.T, e *samplingExtension, service string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + e.httpAddr.String() + "/sampling?service=" + service)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

const twoServices = `{"service_strategies":[{"service":"checkout","type":"probabilistic","param":0.25},
	{"service":"cart","type":"probabilistic","param":1}]}`

func TestServesEachServiceItsStrategy(t *testing.T) {
	op := newOperator(t, twoServices)
	e := start(t, op.srv.URL)
	for service, want := range map[string]float64{"checkout": 0.25, "cart": 1} {
		got, err := askGRPC(t, e, service)
		if err != nil || got != want {
			t.Fatalf("gRPC %s: %v, %v; want %v", service, got, err, want)
		}
	}
	if code, body := askHTTP(t, e, "checkout"); code != 200 ||
		body != `{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.25}}` {
		t.Fatalf("HTTP: %d %s", code, body)
	}
	// A service without a strategy gets none: its SDK keeps its own settings.
	if _, err := askGRPC(t, e, "search"); status.Code(err) != codes.NotFound {
		t.Fatalf("gRPC for an unknown service: %v", err)
	}
	if code, _ := askHTTP(t, e, "search"); code != http.StatusNotFound {
		t.Fatalf("HTTP for an unknown service: %d", code)
	}
	// ... unless the answer has a default.
	op.set(`{"service_strategies":[],"default_strategy":{"type":"probabilistic","param":0.5}}`, http.StatusOK)
	waitFor(t, func() bool { p, err := askGRPC(t, e, "search"); return err == nil && p == 0.5 })
}

func TestANewRatioIsServedWithinThePollInterval(t *testing.T) {
	op := newOperator(t, twoServices)
	e := start(t, op.srv.URL)
	op.set(`{"service_strategies":[{"service":"checkout","type":"probabilistic","param":0.05}]}`, http.StatusOK)
	t0 := time.Now()
	waitFor(t, func() bool { p, _ := askGRPC(t, e, "checkout"); return p == 0.05 })
	if d := time.Since(t0); d > time.Second {
		t.Fatalf("the new ratio took %s with a 100ms poll", d)
	}
	// Unchanged answers are 304s: nothing is taken again.
	n := e.updates.Load()
	time.Sleep(500 * time.Millisecond)
	if e.updates.Load() != n {
		t.Fatalf("an unchanged answer was taken again")
	}
}

func TestKeepsServingOnErrorsAndRefusedAnswers(t *testing.T) {
	op := newOperator(t, twoServices)
	e := start(t, op.srv.URL)
	for _, bad := range []struct {
		body string
		code int
	}{
		{"", http.StatusInternalServerError},
		{"not json", http.StatusOK},
		{`{"service_strategies":[{"service":"checkout","type":"probabilistic","param":1.5}]}`, http.StatusOK},
		{`{"service_strategies":[{"service":"checkout","type":"ratelimiting","param":10}]}`, http.StatusOK},
		{`{"service_strategies":[{"service":"","type":"probabilistic","param":0.1}]}`, http.StatusOK},
	} {
		op.set(bad.body, bad.code)
		time.Sleep(400 * time.Millisecond)
		if p, err := askGRPC(t, e, "checkout"); err != nil || p != 0.25 {
			t.Fatalf("after %q (HTTP %d): %v, %v; want the last good 0.25", bad.body, bad.code, p, err)
		}
	}
}

func TestNothingIsMadeUpBeforeTheFirstAnswer(t *testing.T) {
	op := newOperator(t, "")
	op.set("", http.StatusServiceUnavailable)
	e := start(t, op.srv.URL)
	if _, err := askGRPC(t, e, "checkout"); status.Code(err) != codes.Unavailable {
		t.Fatalf("gRPC before any answer: %v", err)
	}
	if code, _ := askHTTP(t, e, "checkout"); code != http.StatusServiceUnavailable {
		t.Fatalf("HTTP before any answer: %d", code)
	}
	op.set(twoServices, http.StatusOK)
	waitFor(t, func() bool { p, _ := askGRPC(t, e, "checkout"); return p == 0.25 })
}

func TestSendsTheToken(t *testing.T) {
	op := newOperator(t, twoServices)
	dir := t.TempDir()
	token := dir + "/token"
	if err := os.WriteFile(token, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig()
	cfg.Endpoint, cfg.TokenFile, cfg.GRPC, cfg.HTTP = op.srv.URL, token, "127.0.0.1:0", ""
	e := newExtension(componenttest.NewNopTelemetrySettings(), cfg)
	if err := e.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.Shutdown(context.Background()) }()
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.auth != "Bearer abc" {
		t.Fatalf("Authorization %q", op.auth)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []struct {
		mutate func(*Config)
		ok     bool
	}{
		{func(c *Config) { c.Endpoint = "http://op:8080/sampling/v1/ns/f" }, true},
		{func(c *Config) { c.Endpoint = "op:8080" }, false},
		{func(c *Config) { c.Endpoint, c.PollInterval = "http://op", time.Millisecond }, false},
		{func(c *Config) { c.Endpoint, c.GRPC, c.HTTP = "http://op", "", "" }, false},
		{func(c *Config) { c.Endpoint, c.GRPC = "http://op", "14250" }, false},
	} {
		cfg := createDefaultConfig()
		c.mutate(cfg)
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Fatalf("%+v: %v", cfg, err)
		}
	}
}

func TestAnAddressInUseFailsTheStart(t *testing.T) {
	op := newOperator(t, twoServices)
	first := start(t, op.srv.URL)
	cfg := createDefaultConfig()
	cfg.Endpoint, cfg.GRPC, cfg.HTTP, cfg.TokenFile = op.srv.URL, first.grpcAddr.String(), "127.0.0.1:0", ""
	e := newExtension(componenttest.NewNopTelemetrySettings(), cfg)
	if err := e.Start(context.Background(), componenttest.NewNopHost()); err == nil {
		_ = e.Shutdown(context.Background())
		t.Fatal("started on an address in use")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A standby relays the leader's answer without an ETag: the same answer again is not taken again.
func TestTheSameAnswerWithoutAnETagIsNotTakenAgain(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, twoServices)
	}))
	defer srv.Close()
	e := start(t, srv.URL)
	time.Sleep(600 * time.Millisecond)
	if n := e.updates.Load(); n != 1 {
		t.Fatalf("%d updates from one answer polled again and again", n)
	}
}

// The keys a fleet's config writes, through the collector's own unmarshalling (the shared client settings squashed).
func TestConfigKeys(t *testing.T) {
	cfg := createDefaultConfig()
	err := confmap.NewFromStringMap(map[string]any{"endpoint": "http://op:8080/sampling/v1/ns/f", "poll_interval": "3s",
		"token_file": "/t", "grpc": "0.0.0.0:1", "http": ""}).Unmarshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != "http://op:8080/sampling/v1/ns/f" || cfg.PollInterval != 3*time.Second || cfg.TokenFile != "/t" ||
		cfg.GRPC != "0.0.0.0:1" || cfg.HTTP != "" {
		t.Fatalf("%+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}
