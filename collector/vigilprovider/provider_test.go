package vigilprovider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/confmap"
	"go.uber.org/zap"
)

// server serves one mutable body with an ETag, answers 304 to a matching If-None-Match, and can be
// switched to fail or to serve a body that is not YAML.
type server struct {
	mu       sync.Mutex
	body     string
	status   int
	requests atomic.Int32
	auth     atomic.Value
	srv      *httptest.Server
}

func newServer(t *testing.T, body string) *server {
	s := &server{body: body, status: http.StatusOK}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.auth.Store(r.Header.Get("Authorization"))
		s.mu.Lock()
		body, status := s.body, s.status
		s.mu.Unlock()
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		etag := `"` + body + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *server) set(body string, status int) {
	s.mu.Lock()
	s.body, s.status = body, status
	s.mu.Unlock()
}

func testProvider(t *testing.T, o options) *provider {
	if o.poll == 0 {
		o.poll = 100 * time.Millisecond
	}
	if o.fallback == nil {
		o.fallback = []byte("[]")
	}
	p := newProviderWith(zap.NewNop(), o)
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

// signals counts the watcher's calls.
type signals struct{ n atomic.Int32 }

func (s *signals) watcher(*confmap.ChangeEvent) { s.n.Add(1) }

func asList(t *testing.T, r *confmap.Retrieved) []any {
	t.Helper()
	raw, err := r.AsRaw()
	if err != nil {
		t.Fatal(err)
	}
	list, ok := raw.([]any)
	if !ok {
		t.Fatalf("value %#v is not a list", raw)
	}
	return list
}

func TestRetrieveReturnsTheServedValueAndSendsTheToken(t *testing.T) {
	s := newServer(t, "- type: json_parser\n")
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := testProvider(t, options{tokenFile: token})
	r, err := p.Retrieve(context.Background(), "vigil:"+s.srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := asList(t, r); len(got) != 1 {
		t.Fatalf("got %v", got)
	}
	if got := s.auth.Load(); got != "Bearer abc" {
		t.Fatalf("Authorization header %q", got)
	}
}

func TestRefusesOtherSchemesAndNonHTTPURLs(t *testing.T) {
	p := testProvider(t, options{})
	for _, uri := range []string{"file:/etc/x", "vigil:ftp://x", "vigil:/etc/passwd"} {
		if _, err := p.Retrieve(context.Background(), uri, nil); err == nil {
			t.Errorf("%s: accepted", uri)
		}
	}
}

func TestSignalsOnceWhenTheValueChanges(t *testing.T) {
	s := newServer(t, "[]")
	p := testProvider(t, options{})
	var sig signals
	if _, err := p.Retrieve(context.Background(), "vigil:"+s.srv.URL, sig.watcher); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if sig.n.Load() != 0 {
		t.Fatalf("signalled %d times while the value did not change", sig.n.Load())
	}
	s.set("- type: json_parser\n", http.StatusOK)
	waitFor(t, func() bool { return sig.n.Load() == 1 })
	before := s.requests.Load()
	time.Sleep(500 * time.Millisecond)
	if sig.n.Load() != 1 {
		t.Fatalf("signalled %d times for one change", sig.n.Load())
	}
	if s.requests.Load() != before {
		t.Fatalf("the poller kept polling after it signalled")
	}
	// The reload's Retrieve gets the new value.
	r, err := p.Retrieve(context.Background(), "vigil:"+s.srv.URL, sig.watcher)
	if err != nil {
		t.Fatal(err)
	}
	if got := asList(t, r); len(got) != 1 {
		t.Fatalf("got %v", got)
	}
}

func TestNeverSignalsOnErrorsOrBadYAML(t *testing.T) {
	s := newServer(t, "- type: json_parser\n")
	p := testProvider(t, options{})
	var sig signals
	if _, err := p.Retrieve(context.Background(), "vigil:"+s.srv.URL, sig.watcher); err != nil {
		t.Fatal(err)
	}
	s.set("", http.StatusInternalServerError)
	time.Sleep(400 * time.Millisecond)
	s.set("[unclosed", http.StatusOK)
	time.Sleep(400 * time.Millisecond)
	if sig.n.Load() != 0 {
		t.Fatalf("signalled %d times on errors", sig.n.Load())
	}
	if s.requests.Load() < 4 {
		t.Fatalf("only %d requests: the poller is not polling", s.requests.Load())
	}
}

func TestFallsBackToMemoryThenDiskThenTheFallback(t *testing.T) {
	s := newServer(t, "- type: json_parser\n- type: regex_parser\n")
	dir := t.TempDir()
	p := testProvider(t, options{cacheDir: dir})
	uri := "vigil:" + s.srv.URL
	if _, err := p.Retrieve(context.Background(), uri, nil); err != nil {
		t.Fatal(err)
	}
	s.set("", http.StatusServiceUnavailable)
	r, err := p.Retrieve(context.Background(), uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := asList(t, r); len(got) != 2 {
		t.Fatalf("memory fallback: got %v", got)
	}
	// A new process (a restarted pod) with the same cache dir reads the disk copy.
	p2 := testProvider(t, options{cacheDir: dir})
	r, err = p2.Retrieve(context.Background(), uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := asList(t, r); len(got) != 2 {
		t.Fatalf("disk fallback: got %v", got)
	}
	// Without a cache, the configured fallback.
	p3 := testProvider(t, options{fallback: []byte("- type: noop\n")})
	r, err = p3.Retrieve(context.Background(), uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := asList(t, r); len(got) != 1 {
		t.Fatalf("fallback: got %v", got)
	}
}

func TestARetrieveWithTheOperatorDownStillWatchesForItsReturn(t *testing.T) {
	s := newServer(t, "")
	s.set("", http.StatusServiceUnavailable)
	p := testProvider(t, options{})
	var sig signals
	r, err := p.Retrieve(context.Background(), "vigil:"+s.srv.URL, sig.watcher)
	if err != nil {
		t.Fatal(err)
	}
	if got := asList(t, r); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
	s.set("- type: json_parser\n", http.StatusOK)
	waitFor(t, func() bool { return sig.n.Load() == 1 })
}

func TestCloseStopsThePoller(t *testing.T) {
	s := newServer(t, "[]")
	p := testProvider(t, options{})
	var sig signals
	r, err := p.Retrieve(context.Background(), "vigil:"+s.srv.URL, sig.watcher)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	before := s.requests.Load()
	s.set("- type: json_parser\n", http.StatusOK)
	time.Sleep(400 * time.Millisecond)
	if s.requests.Load() != before || sig.n.Load() != 0 {
		t.Fatalf("a closed watch polled (%d requests) or signalled (%d)", s.requests.Load()-before, sig.n.Load())
	}
}

func TestOptionsFromEnv(t *testing.T) {
	t.Setenv(EnvPollInterval, "10ms") // below the minimum: ignored
	t.Setenv(EnvFallback, "- a\n")
	o := optionsFromEnv()
	if o.poll != 2*time.Second || string(o.fallback) != "- a\n" || o.tokenFile != defaultTokenFile {
		t.Fatalf("%+v", o)
	}
	t.Setenv(EnvPollInterval, "500ms")
	if o := optionsFromEnv(); o.poll != 500*time.Millisecond {
		t.Fatalf("%+v", o)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
