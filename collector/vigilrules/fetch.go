package vigilrules

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	// maxBody bounds what one answer may hold; Vigil's served rules are far smaller.
	maxBody = 4 << 20
	// requestTimeout bounds one request, so a hanging operator delays neither start nor shutdown.
	requestTimeout = 5 * time.Second
	// HeaderParseFailures carries the agent's parse-failure counts by rule to the operator (see failures.go).
	HeaderParseFailures = "X-Vigil-Parse-Failures"
	// HeaderAgent names the agent the report is from (Config.Agent).
	HeaderAgent = "X-Vigil-Agent"
)

var errNotModified = errors.New("not modified")

// served is one answer of the operator: the rules' operators and the ETag they came with.
type served struct {
	body []byte
	etag string
}

// fetcher asks the operator for the fleet's rules, with the pod's token and the last ETag.
type fetcher struct {
	url       string
	agent     string
	tokenFile string
	cacheDir  string
	client    *http.Client
}

func newFetcher(cfg *Config) *fetcher {
	return &fetcher{url: cfg.Endpoint, agent: cfg.Agent, tokenFile: cfg.TokenFile, cacheDir: cfg.CacheDir,
		client: &http.Client{Timeout: requestTimeout}}
}

// fetch asks for the rules. With an etag it may answer 304, reported as errNotModified. report, when not
// empty, is sent as the parse-failure header.
func (f *fetcher) fetch(ctx context.Context, etag, report string) (served, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return served{}, err
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
	if report != "" {
		req.Header.Set(HeaderParseFailures, report)
		if f.agent != "" {
			req.Header.Set(HeaderAgent, f.agent)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return served{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return served{}, errNotModified
	}
	if resp.StatusCode != http.StatusOK {
		// The body is not logged: it is the remote server's, not ours.
		return served{}, fmt.Errorf("GET %s: HTTP %d", f.url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return served{}, err
	}
	if len(body) > maxBody {
		return served{}, fmt.Errorf("GET %s: answer larger than %d bytes", f.url, maxBody)
	}
	return served{body: body, etag: resp.Header.Get("ETag")}, nil
}

// save keeps body as the node's copy: written then renamed, so a crash never leaves a torn file.
func (f *fetcher) save(body []byte) error {
	if f.cacheDir == "" {
		return nil
	}
	path := f.cachePath()
	tmp := path + ".tmp"
	if err := os.MkdirAll(f.cacheDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// saved is the node's copy, if there is one.
func (f *fetcher) saved() ([]byte, bool) {
	if f.cacheDir == "" {
		return nil, false
	}
	body, err := os.ReadFile(f.cachePath())
	return body, err == nil
}

func (f *fetcher) cachePath() string {
	sum := sha256.Sum256([]byte(f.url))
	return filepath.Join(f.cacheDir, hex.EncodeToString(sum[:12])+".yaml")
}
