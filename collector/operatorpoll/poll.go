// Package operatorpoll asks the Vigil operator for what it serves a fleet's collectors (an agent's log rules, a
// fleet's sampling strategies): a GET with the pod's ServiceAccount token and the last ETag, bounded in time and
// size, and a copy of the last answer kept on disk for a start without the operator. Vigil's collector components
// (vigilrules, vigilsampling) poll with it.
package operatorpoll // import "vigil.dev/collector/operatorpoll"

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
	"time"
)

const (
	// MaxBody bounds what one answer may hold; what Vigil serves is far smaller.
	MaxBody = 4 << 20
	// RequestTimeout bounds one request, so a hanging operator delays neither start nor shutdown.
	RequestTimeout = 5 * time.Second
	// DefaultTokenFile is where a pod's ServiceAccount token is mounted.
	DefaultTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
)

// ErrNotModified: the operator answered 304 to the ETag sent.
var ErrNotModified = errors.New("not modified")

// Answer is one answer of the operator: its body and the ETag it came with.
type Answer struct {
	Body []byte
	ETag string
}

// Fetcher asks one URL of the operator.
type Fetcher struct {
	url       string
	tokenFile string
	cacheDir  string
	client    *http.Client
}

// New asks url with the token in tokenFile (empty: none), keeping copies in cacheDir (empty: none).
func New(url, tokenFile, cacheDir string) *Fetcher {
	return &Fetcher{url: url, tokenFile: tokenFile, cacheDir: cacheDir, client: &http.Client{Timeout: RequestTimeout}}
}

// ValidURL refuses what is not an http(s) URL, with what it should be in the message.
func ValidURL(url, what string) error {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("endpoint must be an http(s) URL of %s", what)
	}
	return nil
}

// Fetch asks for the answer. With an etag it may answer 304, reported as ErrNotModified. headers are sent as they
// are (empty values are not sent).
func (f *Fetcher) Fetch(ctx context.Context, etag string, headers map[string]string) (Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return Answer{}, err
	}
	if f.tokenFile != "" {
		// Read on every request: projected service-account tokens rotate.
		if token, err := os.ReadFile(f.tokenFile); err == nil {
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
		}
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return Answer{}, ErrNotModified
	}
	if resp.StatusCode != http.StatusOK {
		// The body is not logged: it is the remote server's, not ours.
		return Answer{}, fmt.Errorf("GET %s: HTTP %d", f.url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return Answer{}, err
	}
	if len(body) > MaxBody {
		return Answer{}, fmt.Errorf("GET %s: answer larger than %d bytes", f.url, MaxBody)
	}
	return Answer{Body: body, ETag: resp.Header.Get("ETag")}, nil
}

// Save keeps body as the local copy: written then renamed, so a crash never leaves a torn file.
func (f *Fetcher) Save(body []byte) error {
	if f.cacheDir == "" {
		return nil
	}
	path := f.CachePath()
	tmp := path + ".tmp"
	if err := os.MkdirAll(f.cacheDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Saved is the local copy, if there is one.
func (f *Fetcher) Saved() ([]byte, bool) {
	if f.cacheDir == "" {
		return nil, false
	}
	body, err := os.ReadFile(f.CachePath())
	return body, err == nil
}

// CachePath is the local copy's file: named after the URL, so fleets sharing a directory do not mix.
func (f *Fetcher) CachePath() string {
	sum := sha256.Sum256([]byte(f.url))
	return filepath.Join(f.cacheDir, hex.EncodeToString(sum[:12])+".yaml")
}

// ClientConfig is where a component asks the operator, with what, and how often: embedded (squashed) in the
// component's configuration, so that its keys are the component's own (endpoint, poll_interval, token_file).
type ClientConfig struct {
	// Endpoint is the operator's URL the component asks.
	Endpoint string `mapstructure:"endpoint"`
	// PollInterval is how often it asks (±20 % jitter); the answer is a 304 while nothing changed.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// TokenFile is the bearer token sent with every request, read anew each time (projected tokens rotate).
	// Empty: no token.
	TokenFile string `mapstructure:"token_file"`
}

// DefaultClientConfig asks every 2 s with the pod's ServiceAccount token; the endpoint is the component's to set.
func DefaultClientConfig() ClientConfig {
	return ClientConfig{PollInterval: 2 * time.Second, TokenFile: DefaultTokenFile}
}

// Validate refuses an endpoint that is not an http(s) URL (of what, for the message) and a poll under 100ms.
func (c ClientConfig) Validate(what string) error {
	if err := ValidURL(c.Endpoint, what); err != nil {
		return err
	}
	if c.PollInterval < 100*time.Millisecond {
		return errors.New("poll_interval must be at least 100ms")
	}
	return nil
}

// NextPoll is the poll interval ±20 %, so that the collectors of a large cluster do not ask in step.
func (c ClientConfig) NextPoll() time.Duration {
	return time.Duration(float64(c.PollInterval) * (0.8 + 0.4*rand.Float64()))
}
