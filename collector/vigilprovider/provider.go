// Package vigilprovider is a confmap provider compiled into Vigil's collector distribution. It resolves
// ${vigil:<http(s) URL>} references by asking the Vigil operator, and watches them: it polls the URL
// with If-None-Match and signals the collector only when a new, well-formed value differs from the one
// it returned, so the collector reloads in place (with service.partialReloadReceivers only the receiver
// that uses the value restarts). What it never does is signal on an error: an unreachable or failing
// operator leaves the collector running what it has.
//
// When the operator cannot be reached at Retrieve, the value falls back to the last value this process
// fetched, then to the copy cached on disk (VIGIL_PROVIDER_CACHE_DIR, a hostPath in an agent pod, so a
// restarted pod keeps its last rules), then to VIGIL_PROVIDER_FALLBACK (default "[]").
package vigilprovider // import "vigil.dev/collector/vigilprovider"

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/confmap"
	"go.uber.org/zap"
	"go.yaml.in/yaml/v3"
)

const (
	schemeName = "vigil"
	// maxBody bounds what one answer may hold; Vigil's served values are far smaller.
	maxBody = 4 << 20
	// requestTimeout bounds one request, so a hanging operator delays neither start nor shutdown.
	requestTimeout = 5 * time.Second
)

// Environment variables the provider reads (the agent pod sets them; all have defaults).
const (
	EnvTokenFile    = "VIGIL_PROVIDER_TOKEN_FILE"
	EnvCacheDir     = "VIGIL_PROVIDER_CACHE_DIR"
	EnvPollInterval = "VIGIL_PROVIDER_POLL_INTERVAL"
	EnvFallback     = "VIGIL_PROVIDER_FALLBACK"
)

const defaultTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// NewFactory returns the factory the Collector Builder registers under the scheme "vigil".
func NewFactory() confmap.ProviderFactory {
	return confmap.NewProviderFactory(newProvider)
}

type options struct {
	tokenFile string
	cacheDir  string
	poll      time.Duration
	fallback  []byte
}

func optionsFromEnv() options {
	o := options{tokenFile: defaultTokenFile, poll: 2 * time.Second, fallback: []byte("[]")}
	if v, ok := os.LookupEnv(EnvTokenFile); ok {
		o.tokenFile = v
	}
	o.cacheDir = os.Getenv(EnvCacheDir)
	if d, err := time.ParseDuration(os.Getenv(EnvPollInterval)); err == nil && d >= 100*time.Millisecond {
		o.poll = d
	}
	if v, ok := os.LookupEnv(EnvFallback); ok {
		o.fallback = []byte(v)
	}
	return o
}

type provider struct {
	logger *zap.Logger
	opts   options
	client *http.Client

	mu      sync.Mutex
	last    map[string]value // by URL: the last good answer of this process
	watches map[*watch]struct{}
}

type value struct {
	body []byte
	etag string
}

func newProvider(set confmap.ProviderSettings) confmap.Provider {
	logger := set.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	return newProviderWith(logger, optionsFromEnv())
}

func newProviderWith(logger *zap.Logger, opts options) *provider {
	return &provider{
		logger:  logger,
		opts:    opts,
		client:  &http.Client{Timeout: requestTimeout},
		last:    map[string]value{},
		watches: map[*watch]struct{}{},
	}
}

func (p *provider) Scheme() string { return schemeName }

func (p *provider) Retrieve(ctx context.Context, uri string, watcher confmap.WatcherFunc) (*confmap.Retrieved, error) {
	url, ok := strings.CutPrefix(uri, schemeName+":")
	if !ok {
		return nil, fmt.Errorf("%q uri is not supported by the %q provider", uri, schemeName)
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("the %q provider needs an http(s) URL after %q, got %q", schemeName, schemeName+":", url)
	}
	current, err := p.fetch(ctx, url, "")
	switch {
	case err == nil:
		p.remember(url, current)
	default:
		fallback, source := p.fallbackFor(url)
		p.logger.Warn("Vigil operator not reachable, using the last known value",
			zap.String("url", url), zap.String("source", source), zap.Error(err))
		current = fallback
	}
	if watcher == nil {
		return confmap.NewRetrievedFromYAML(current.body)
	}
	w := p.startWatch(url, current, watcher)
	return confmap.NewRetrievedFromYAML(current.body, confmap.WithRetrievedClose(w.close))
}

func (p *provider) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	all := make([]*watch, 0, len(p.watches))
	for w := range p.watches {
		all = append(all, w)
	}
	p.mu.Unlock()
	var errs []error
	for _, w := range all {
		errs = append(errs, w.close(ctx))
	}
	return errors.Join(errs...)
}

// fetch asks the operator for url. With an etag it may answer 304, reported as errNotModified.
func (p *provider) fetch(ctx context.Context, url, etag string) (value, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return value{}, err
	}
	if p.opts.tokenFile != "" {
		// Read on every request: projected service-account tokens rotate.
		if token, err := os.ReadFile(p.opts.tokenFile); err == nil {
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
		}
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return value{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return value{}, errNotModified
	}
	if resp.StatusCode != http.StatusOK {
		// The body is not logged: it is the remote server's, not ours.
		return value{}, fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return value{}, err
	}
	if len(body) > maxBody {
		return value{}, fmt.Errorf("GET %s: answer larger than %d bytes", url, maxBody)
	}
	if err := wellFormed(body); err != nil {
		return value{}, fmt.Errorf("GET %s: %w", url, err)
	}
	return value{body: body, etag: resp.Header.Get("ETag")}, nil
}

var errNotModified = errors.New("not modified")

// wellFormed refuses what would make the collector's reload fail at the YAML stage: a reload error
// stops the collector, so a value that does not parse is never handed over.
func wellFormed(body []byte) error {
	var v any
	if err := yaml.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("answer is not YAML: %w", err)
	}
	return nil
}

func (p *provider) remember(url string, v value) {
	p.mu.Lock()
	p.last[url] = v
	p.mu.Unlock()
	if p.opts.cacheDir == "" {
		return
	}
	// Write then rename, so a crash never leaves a torn cache file.
	path := p.cachePath(url)
	tmp := path + ".tmp"
	if err := os.MkdirAll(p.opts.cacheDir, 0o700); err == nil {
		if err = os.WriteFile(tmp, v.body, 0o600); err == nil {
			err = os.Rename(tmp, path)
		}
		if err != nil {
			p.logger.Warn("cannot cache the Vigil operator's answer", zap.String("path", path), zap.Error(err))
		}
	}
}

func (p *provider) fallbackFor(url string) (value, string) {
	p.mu.Lock()
	v, ok := p.last[url]
	p.mu.Unlock()
	if ok {
		return v, "memory"
	}
	if p.opts.cacheDir != "" {
		if body, err := os.ReadFile(p.cachePath(url)); err == nil && wellFormed(body) == nil {
			return value{body: body}, "disk"
		}
	}
	return value{body: p.opts.fallback}, "fallback"
}

func (p *provider) cachePath(url string) string {
	sum := sha256.Sum256([]byte(url))
	return filepath.Join(p.opts.cacheDir, hex.EncodeToString(sum[:12])+".yaml")
}

// watch polls one URL on behalf of one Retrieved until it signals a change once or is closed.
type watch struct {
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

func (p *provider) startWatch(url string, current value, watcher confmap.WatcherFunc) *watch {
	w := &watch{stop: make(chan struct{}), done: make(chan struct{})}
	p.mu.Lock()
	p.watches[w] = struct{}{}
	p.mu.Unlock()
	go func() {
		defer close(w.done)
		defer func() {
			p.mu.Lock()
			delete(p.watches, w)
			p.mu.Unlock()
		}()
		if p.poll(url, current, w.stop) {
			watcher(&confmap.ChangeEvent{})
		}
	}()
	return w
}

// poll returns true when the operator serves a well-formed value different from current.
func (p *provider) poll(url string, current value, stop <-chan struct{}) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	etag := current.etag
	failures := 0
	for {
		// ±20 % jitter, so the agents of a large cluster do not poll in step.
		wait := time.Duration(float64(p.opts.poll) * (0.8 + 0.4*rand.Float64()))
		select {
		case <-stop:
			return false
		case <-time.After(wait):
		}
		next, err := p.fetch(ctx, url, etag)
		switch {
		case errors.Is(err, errNotModified):
			failures = 0
			continue
		case err != nil:
			failures++
			if failures == 1 || failures%30 == 0 {
				p.logger.Warn("polling the Vigil operator failed; keeping the current value",
					zap.String("url", url), zap.Int("failures", failures), zap.Error(err))
			}
			continue
		}
		failures = 0
		etag = next.etag
		if string(next.body) == string(current.body) {
			continue
		}
		p.remember(url, next)
		p.logger.Info("the Vigil operator serves a new value; reloading", zap.String("url", url))
		return true
	}
}

// close stops the poller. It waits for it, unless ctx ends first: a poller can be inside the
// resolver's watcher call, which blocks until the collector reads the change.
func (w *watch) close(ctx context.Context) error {
	w.stopOnce.Do(func() { close(w.stop) })
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
