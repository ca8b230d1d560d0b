package vigilrules

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"go.uber.org/zap/zapcore"
)

// A stanza operator that fails on an entry says so through its logger, with the message below and the operator's
// id among the logger's fields (on_error send_quiet logs it at debug level, and only when debug is enabled).
// countingCore sits under the rules' operators' logger: it counts those messages by the rule the operator belongs
// to, and drops them (one line per failed record would flood the agent's log); everything else goes to the
// processor's own logger.
const failedMessage = "Failed to process entry"

// failureCounts are the parse failures of this process by rule, since it started.
type failureCounts struct {
	mu     sync.Mutex
	byRule map[string]int64
}

func newFailureCounts() *failureCounts { return &failureCounts{byRule: map[string]int64{}} }

func (f *failureCounts) add(rule string) {
	f.mu.Lock()
	f.byRule[rule]++
	f.mu.Unlock()
}

// report is the counts as the operator reads them: compact JSON {"<rule>": count}, rules sorted; "" when none.
func (f *failureCounts) report() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.byRule) == 0 {
		return ""
	}
	keys := make([]string, 0, len(f.byRule))
	for k := range f.byRule {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		b.Write(name)
		b.WriteByte(':')
		b.WriteString(itoa(f.byRule[k]))
	}
	b.WriteByte('}')
	return b.String()
}

func itoa(n int64) string {
	out, _ := json.Marshal(n)
	return string(out)
}

// ruleOf names the rule an operator id belongs to: an app team's rule's operators are lpr/<namespace>/<name>/...,
// a platform default rule's default/<name>/...; anything else (the enrichment) belongs to no rule.
func ruleOf(operatorID string) string {
	parts := strings.SplitN(operatorID, "/", 4)
	switch {
	case len(parts) == 4 && parts[0] == "lpr":
		return strings.Join(parts[:3], "/")
	case len(parts) >= 3 && parts[0] == "default":
		return strings.Join(parts[:2], "/")
	}
	return ""
}

type countingCore struct {
	zapcore.Core
	rule string
	// router: a router says "Failed to process entry" again for the error its output returned (non-quiet
	// on_error); the failing operator has counted it already.
	router bool
	counts *failureCounts
}

func newCountingCore(inner zapcore.Core, counts *failureCounts) zapcore.Core {
	return countingCore{Core: inner, counts: counts}
}

// Enabled is true at every level so that quiet failures are reported to Check; Check lets through only what the
// inner core wants.
func (c countingCore) Enabled(zapcore.Level) bool { return true }

func (c countingCore) With(fields []zapcore.Field) zapcore.Core {
	rule, router := c.rule, c.router
	for _, f := range fields {
		switch f.Key {
		case "operator_id":
			rule = ruleOf(f.String)
		case "operator_type":
			router = f.String == "router"
		}
	}
	return countingCore{Core: c.Core.With(fields), rule: rule, router: router, counts: c.counts}
}

func (c countingCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if e.Message == failedMessage {
		return ce.AddCore(e, c)
	}
	return c.Core.Check(e, ce)
}

func (c countingCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	if e.Message == failedMessage {
		if c.rule != "" && !c.router {
			c.counts.add(c.rule)
		}
		return nil
	}
	return c.Core.Write(e, fields)
}
