package vigilrules

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// operatorServer stands in for the Vigil operator's /logs/v1 endpoint: one mutable body with an ETag, 304 on a
// matching If-None-Match, a switchable failure, and the last parse-failure report it was sent.
type operatorServer struct {
	mu       sync.Mutex
	body     string
	status   int
	report   string
	auth     string
	noETag   bool
	requests atomic.Int32
	srv      *httptest.Server
}

func newOperatorServer(t testing.TB, body string) *operatorServer {
	s := &operatorServer{body: body, status: http.StatusOK}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		body, status := s.body, s.status
		if rep := r.Header.Get(HeaderParseFailures); rep != "" {
			s.report = r.Header.Get(HeaderAgent) + " " + rep
		}
		s.auth = r.Header.Get("Authorization")
		s.mu.Unlock()
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
		if s.noETag {
			etag = ""
		}
		if etag != "" && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *operatorServer) set(body string, status int) {
	s.mu.Lock()
	s.body, s.status = body, status
	s.mu.Unlock()
}

func (s *operatorServer) lastReport() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.report
}

func startProcessor(t *testing.T, url, cacheDir string) (*rulesProcessor, *consumertest.LogsSink) {
	t.Helper()
	return startLogging(t, url, cacheDir, zap.NewNop())
}

// startLogging is startProcessor with the processor's own log going to logger.
func startLogging(t *testing.T, url, cacheDir string, logger *zap.Logger) (*rulesProcessor, *consumertest.LogsSink) {
	t.Helper()
	cfg := createDefaultConfig()
	cfg.Endpoint, cfg.PollInterval, cfg.TokenFile, cfg.CacheDir, cfg.Agent = url, 100*time.Millisecond, "", cacheDir, "node-a"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	next := new(consumertest.LogsSink)
	set := componenttest.NewNopTelemetrySettings()
	set.Logger = logger
	p := newRulesProcessor(set, cfg, next)
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p, next
}

// leaveNodeCopy runs a processor against url until it has kept a copy of the rules in dir, and stops it.
func leaveNodeCopy(t *testing.T, url, dir string) {
	t.Helper()
	p, _ := startProcessor(t, url, dir)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (p *rulesProcessor) currentBody() []byte {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.body
}

// lines makes one batch of records as filelog's container parser leaves them: body = the app's line, the pod's
// resource attributes.
func lines(pod string, bodies ...string) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("k8s.namespace.name", "shop")
	rl.Resource().Attributes().PutStr("k8s.pod.name", pod)
	sl := rl.ScopeLogs().AppendEmpty()
	for _, b := range bodies {
		r := sl.LogRecords().AppendEmpty()
		r.Body().SetStr(b)
		r.Attributes().PutStr("log.file.path", "/var/log/pods/shop_"+pod+"_uid/app/0.log")
		r.SetObservedTimestamp(1)
	}
	return ld
}

// records flattens what reached the next consumer: each record's attributes (with the body as "body").
func records(sink *consumertest.LogsSink) []map[string]any {
	var out []map[string]any
	for _, ld := range sink.AllLogs() {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				for k := 0; k < rl.ScopeLogs().At(j).LogRecords().Len(); k++ {
					r := rl.ScopeLogs().At(j).LogRecords().At(k)
					m := r.Attributes().AsRaw()
					m["body"] = r.Body().AsRaw()
					m["severity"] = r.SeverityNumber().String()
					for rk, rv := range rl.Resource().Attributes().AsRaw() {
						m["resource."+rk] = rv
					}
					out = append(out, m)
				}
			}
		}
	}
	return out
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const kvRule = `
- {type: router, id: lpr/shop/kv/route, routes: [{expr: 'resource["k8s.pod.name"] matches "^web-"', output: lpr/shop/kv/step-1}], default: end-of-rules}
- {type: key_value_parser, id: lpr/shop/kv/step-1, parse_from: body, parse_to: attributes, on_error: send_quiet}
- {type: severity_parser, id: lpr/shop/kv/step-2, parse_from: attributes.level, on_error: send_quiet, output: end-of-rules}
- {type: noop, id: end-of-rules}
`

func TestRulesParseTheirPodsRecordsOnly(t *testing.T) {
	srv := newOperatorServer(t, kvRule)
	p, next := startProcessor(t, srv.srv.URL, "")
	if err := p.ConsumeLogs(context.Background(), lines("web-1", "level=error msg=boom", "level=info msg=ok")); err != nil {
		t.Fatal(err)
	}
	if err := p.ConsumeLogs(context.Background(), lines("db-0", "level=error msg=untouched")); err != nil {
		t.Fatal(err)
	}
	got := records(next)
	if len(got) != 3 {
		t.Fatalf("want 3 records, got %d: %v", len(got), got)
	}
	if got[0]["msg"] != "boom" || got[0]["severity"] != "Error" || got[1]["msg"] != "ok" || got[1]["severity"] != "Info" {
		t.Fatalf("web's records not parsed: %v", got[:2])
	}
	if _, parsed := got[2]["msg"]; parsed || got[2]["body"] != "level=error msg=untouched" {
		t.Fatalf("db's record was touched: %v", got[2])
	}
	if got[0]["resource.k8s.pod.name"] != "web-1" || got[0]["log.file.path"] == nil {
		t.Fatalf("resource or attributes lost: %v", got[0])
	}
}

func TestNoRulesPassRecordsUnchanged(t *testing.T) {
	srv := newOperatorServer(t, "[]")
	srv.noETag = true // as through a standby's relay: every poll a 200 with the same body
	p, next := startProcessor(t, srv.srv.URL, "")
	before := srv.requests.Load()
	eventually(t, "three more polls", func() bool { return srv.requests.Load() >= before+3 })
	if swaps := p.swaps.Load(); swaps != 1 {
		t.Fatalf("the same answer again must not swap: %d swaps", swaps)
	}
	in := lines("web-1", "level=error msg=boom")
	if err := p.ConsumeLogs(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if next.LogRecordCount() != 1 || records(next)[0]["msg"] != nil {
		t.Fatalf("want the record unchanged, got %v", records(next))
	}
}

func TestNewRulesSwapInPlaceAndBadOnesChangeNothing(t *testing.T) {
	srv := newOperatorServer(t, kvRule)
	p, next := startProcessor(t, srv.srv.URL, "")
	send := func(body string) map[string]any {
		next.Reset()
		if err := p.ConsumeLogs(context.Background(), lines("web-1", body)); err != nil {
			t.Fatal(err)
		}
		return records(next)[0]
	}
	if send("msg=a")["msg"] != "a" {
		t.Fatal("first rules not running")
	}
	srv.set(strings.ReplaceAll(kvRule, "key_value_parser, id: lpr/shop/kv/step-1,",
		"regex_parser, id: lpr/shop/kv/step-1, regex: '^msg=(?P<message>.*)$',"), http.StatusOK)
	eventually(t, "the regex rule", func() bool { return send("msg=b")["message"] == "b" })

	// An answer that does not build (an unknown operator type), then HTTP 500, then a body that is not YAML:
	// the regex rule keeps running.
	for _, bad := range []struct {
		body   string
		status int
	}{{"- {type: no_such_operator, id: x}", http.StatusOK}, {"", http.StatusInternalServerError}, {"{ not: [yaml", http.StatusOK}} {
		srv.set(bad.body, bad.status)
		before := srv.requests.Load()
		eventually(t, "two more polls", func() bool { return srv.requests.Load() >= before+2 })
		if got := send("msg=c"); got["message"] != "c" {
			t.Fatalf("after %q (HTTP %d) the rules changed: %v", bad.body, bad.status, got)
		}
	}
	srv.set("[]", http.StatusOK)
	eventually(t, "no rules", func() bool { r := send("msg=d"); return r["message"] == nil && r["msg"] == nil })
}

// Records keep flowing from several goroutines while the rules change 30 times: every record comes out exactly
// once, parsed by exactly one generation.
func TestSwapsLoseAndDuplicateNothing(t *testing.T) {
	rule := func(gen int) string {
		return fmt.Sprintf(`
- {type: key_value_parser, id: lpr/shop/kv/step-1, parse_from: body, parse_to: attributes, on_error: send_quiet}
- {type: add, id: lpr/shop/kv/gen, field: attributes.gen, value: "%d"}
`, gen)
	}
	srv := newOperatorServer(t, rule(0))
	p, next := startProcessor(t, srv.srv.URL, "")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	const writers, per = 4, 50
	var sent atomic.Int64
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				bodies := make([]string, per)
				for j := range bodies {
					bodies[j] = fmt.Sprintf("seq=%d-%d-%d", w, i, j)
				}
				if err := p.ConsumeLogs(context.Background(), lines("web-1", bodies...)); err != nil {
					t.Error(err)
					return
				}
				sent.Add(per)
				time.Sleep(time.Millisecond)
			}
		}(w)
	}
	for gen := 1; gen <= 30; gen++ {
		srv.set(rule(gen), http.StatusOK)
		eventually(t, fmt.Sprintf("generation %d", gen), func() bool {
			return strings.Contains(string(p.currentBody()), fmt.Sprintf(`"%d"`, gen))
		})
	}
	close(stop)
	wg.Wait()
	seen := map[string]int{}
	gens := map[string]bool{}
	for _, r := range records(next) {
		seen[r["seq"].(string)]++
		gens[r["gen"].(string)] = true
	}
	if int64(len(seen)) != sent.Load() {
		t.Fatalf("sent %d records, %d distinct came out", sent.Load(), len(seen))
	}
	for seq, n := range seen {
		if n != 1 {
			t.Fatalf("record %s came out %d times", seq, n)
		}
	}
	if len(gens) < 10 {
		t.Fatalf("records were parsed by only %d generations", len(gens))
	}
}

func TestStartWithoutTheOperatorRunsTheNodesCopy(t *testing.T) {
	dir := t.TempDir()
	srv := newOperatorServer(t, kvRule)
	leaveNodeCopy(t, srv.srv.URL, dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) != 1 {
		t.Fatalf("want the node's copy, found %v", files)
	}
	url := srv.srv.URL
	srv.srv.Close()

	p2, next := startProcessor(t, url, dir)
	_ = p2.ConsumeLogs(context.Background(), lines("web-1", "msg=from-copy"))
	if records(next)[0]["msg"] != "from-copy" {
		t.Fatalf("the node's copy is not running: %v", records(next))
	}
	p3, next3 := startProcessor(t, url, t.TempDir())
	_ = p3.ConsumeLogs(context.Background(), lines("web-1", "msg=x"))
	if r := records(next3)[0]; r["msg"] != nil || r["body"] != "msg=x" {
		t.Fatalf("without operator and copy the record must pass unchanged: %v", r)
	}
}

func TestParseFailuresAreCountedByRuleAndReported(t *testing.T) {
	body := `
- {type: router, id: lpr/shop/web/route, routes: [{expr: 'resource["k8s.pod.name"] matches "^web-"', output: lpr/shop/web/step-1}], default: default/fallback/route}
- {type: regex_parser, id: lpr/shop/web/step-1, regex: '^msg=(?P<msg>\w+)$', parse_from: body, on_error: send_quiet, output: end-of-rules}
- {type: router, id: default/fallback/route, routes: [{expr: 'true', output: default/fallback/step-1}], default: end-of-rules}
- {type: json_parser, id: default/fallback/step-1, parse_from: body, on_error: send, output: end-of-rules}
- {type: noop, id: end-of-rules}
`
	srv := newOperatorServer(t, body)
	p, next := startProcessor(t, srv.srv.URL, "")
	_ = p.ConsumeLogs(context.Background(), lines("web-1", "msg=ok", "not matching", "neither"))
	_ = p.ConsumeLogs(context.Background(), lines("db-0", `{"a": 1}`, "not json"))
	if next.LogRecordCount() != 5 {
		t.Fatalf("a failing record must go on: %d of 5 came out", next.LogRecordCount())
	}
	want := `{"default/fallback":1,"lpr/shop/web":2}`
	if got := p.counts.report(); got != want {
		t.Fatalf("counts: want %s, got %s", want, got)
	}
	eventually(t, "the report sent with a poll", func() bool { return srv.lastReport() == "node-a "+want })
}

func TestMultilineRecordsFlushedByTheirTimerAreForwarded(t *testing.T) {
	body := `
- {type: recombine, id: lpr/shop/ml/multiline, combine_field: body, combine_with: "\n", is_first_entry: 'body matches "^\\d"', source_identifier: 'attributes["log.file.path"]', force_flush_period: 100ms}
`
	srv := newOperatorServer(t, body)
	p, next := startProcessor(t, srv.srv.URL, "")
	_ = p.ConsumeLogs(context.Background(), lines("web-1", "1 first", "  at a", "  at b"))
	eventually(t, "the flushed record", func() bool { return next.LogRecordCount() == 1 })
	if got := records(next)[0]["body"]; got != "1 first\n  at a\n  at b" {
		t.Fatalf("joined record: %q", got)
	}
}

func TestTokenIsSent(t *testing.T) {
	srv := newOperatorServer(t, "[]")
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("t0ken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig()
	cfg.Endpoint, cfg.TokenFile = srv.srv.URL, tok
	if _, err := newFetcher(cfg).fetch(context.Background(), "", ""); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.auth != "Bearer t0ken" {
		t.Fatalf("Authorization: %q", srv.auth)
	}
}

// A bad answer is refused once: polled again (through a relay, without an ETag) it is not built and logged again.
func TestARefusedAnswerIsNotTriedAgain(t *testing.T) {
	srv := newOperatorServer(t, kvRule)
	srv.noETag = true
	core, logs := observer.New(zap.InfoLevel)
	p, _ := startLogging(t, srv.srv.URL, "", zap.New(core))
	srv.set("- {type: no_such_operator, id: x}", http.StatusOK)
	before := srv.requests.Load()
	eventually(t, "five more polls", func() bool { return srv.requests.Load() >= before+5 })
	if n := logs.FilterMessageSnippet("do not build").Len(); n != 1 {
		t.Fatalf("the refused answer was built %d times, want once", n)
	}
	if p.swaps.Load() != 1 {
		t.Fatalf("swaps: %d", p.swaps.Load())
	}
}

// An answer at start that does not build: the node's copy runs instead.
func TestAnUnusableAnswerAtStartFallsBackToTheNodesCopy(t *testing.T) {
	dir := t.TempDir()
	srv := newOperatorServer(t, kvRule)
	leaveNodeCopy(t, srv.srv.URL, dir)
	srv.set("- {type: no_such_operator, id: x}", http.StatusOK)
	p, next := startProcessor(t, srv.srv.URL, dir)
	_ = p.ConsumeLogs(context.Background(), lines("web-1", "msg=copy"))
	if records(next)[0]["msg"] != "copy" {
		t.Fatalf("the node's copy is not running: %v", records(next))
	}
}

// A processor the collector never started shuts down at once.
func TestShutdownWithoutStart(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Endpoint = "http://127.0.0.1:1/logs/v1/x/y"
	p := newRulesProcessor(componenttest.NewNopTelemetrySettings(), cfg, new(consumertest.LogsSink))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown without start: %v", err)
	}
}
