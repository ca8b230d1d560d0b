package vigilrules

import (
	"context"

	"vigil.dev/collector/operatorpoll"
)

const (
	// HeaderParseFailures carries the agent's parse-failure counts by rule to the operator (see failures.go).
	HeaderParseFailures = "X-Vigil-Parse-Failures"
	// HeaderAgent names the agent the report is from (Config.Agent).
	HeaderAgent = "X-Vigil-Agent"
)

var errNotModified = operatorpoll.ErrNotModified

// served is one answer of the operator: the rules' operators and the ETag they came with.
type served struct {
	body []byte
	etag string
}

// fetcher asks the operator for the fleet's rules (operatorpoll), with the agent's parse-failure report.
type fetcher struct {
	poll  *operatorpoll.Fetcher
	agent string
}

func newFetcher(cfg *Config) *fetcher {
	return &fetcher{poll: operatorpoll.New(cfg.Endpoint, cfg.TokenFile, cfg.CacheDir), agent: cfg.Agent}
}

// fetch asks for the rules. With an etag it may answer 304, reported as errNotModified. report, when not
// empty, is sent as the parse-failure header, with the agent's name.
func (f *fetcher) fetch(ctx context.Context, etag, report string) (served, error) {
	headers := map[string]string{}
	if report != "" {
		headers[HeaderParseFailures] = report
		headers[HeaderAgent] = f.agent
	}
	a, err := f.poll.Fetch(ctx, etag, headers)
	return served{body: a.Body, etag: a.ETag}, err
}

// save keeps body as the node's copy.
func (f *fetcher) save(body []byte) error { return f.poll.Save(body) }

// saved is the node's copy, if there is one.
func (f *fetcher) saved() ([]byte, bool) { return f.poll.Saved() }
