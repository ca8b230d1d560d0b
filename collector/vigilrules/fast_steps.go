package vigilrules

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/entry"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/helper"
)

// The record-level steps of the fast path (fast.go), each the exact counterpart of a stanza operator in the forms
// readStep accepts: what the operator writes into the entry, written into the record as the adapter's conversion
// would have (fast_test.go compares them on generated input).

// ifPresent runs step only when attributes[key] != nil holds, as the operator's `if` would.
type ifPresent struct {
	key  string
	step recordStep
}

func (s *ifPresent) apply(r plog.LogRecord, sc *scratch) outcome {
	v, ok := r.Attributes().Get(s.key)
	switch {
	case !ok || v.Type() == pcommon.ValueTypeEmpty: // nil in the expression's view
		return stepDone
	case v.Type() == pcommon.ValueTypeBytes: // an empty byte slice may read as nil there: let stanza say
		return stepStanza
	}
	return s.step.apply(r, sc)
}

// keyValueStep is key_value_parser: pairs split on pairDelimiter outside quotes (quotes removed, a backslash keeps
// the next character from opening or closing one), each split once on delimiter, key and value trimmed; any pair
// without a delimiter, an open quote, an empty or non-string value fails the whole record (nothing is set).
type keyValueStep struct {
	from                     field
	delimiter, pairDelimiter string
}

func (s *keyValueStep) apply(r plog.LogRecord, sc *scratch) outcome {
	v, ok := s.from.get(r)
	if !ok || v.Type() != pcommon.ValueTypeStr || v.Str() == "" {
		return stepFailed
	}
	pairs, ok := splitPairs(v.Str(), s.pairDelimiter, sc)
	if !ok {
		return stepFailed
	}
	kv := sc.pairs[:0]
	for _, p := range pairs {
		i := strings.Index(p, s.delimiter)
		if i < 0 {
			return stepFailed
		}
		kv = append(kv, strings.TrimSpace(p[:i]), strings.TrimSpace(p[i+len(s.delimiter):]))
	}
	sc.pairs = kv
	attrs := r.Attributes()
	attrs.EnsureCapacity(attrs.Len() + len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		attrs.PutStr(kv[i], kv[i+1])
	}
	return stepDone
}

// splitPairs splits in on sep outside quotes. A quote (' or ") not preceded by a backslash opens a quoted part that
// the same quote closes; the quote characters themselves are left out, backslashes kept, and so are NUL bytes outside
// quotes (as stanza's splitter does). Empty parts are skipped; an unclosed quote is an error. Parts are substrings of in where nothing was left out of them, else copies.
func splitPairs(in, sep string, sc *scratch) ([]string, bool) {
	parts := sc.parts[:0]
	var quote byte
	escaped := false
	start, n := 0, 0 // the current part is in[start:start+n] while copied is false, else buf
	copied := false
	buf := sc.buf[:0]
	special := &sc.special
	if sc.specialFor != sep {
		*special = [256]bool{}
		special[sep[0]], special['"'], special['\''], special['\\'], special[0] = true, true, true, true, true
		sc.specialFor = sep
	}
	for i := 0; i < len(in); i++ {
		if !escaped && !special[in[i]] {
			// Ordinary characters up to the next one that may matter: written as they are.
			j := i + 1
			for j < len(in) && !special[in[j]] {
				j++
			}
			if copied {
				buf = append(buf, in[i:j]...)
			}
			n += j - i
			i = j - 1
			continue
		}
		if quote == 0 && in[i] == sep[0] && (len(sep) == 1 || strings.HasPrefix(in[i:], sep)) {
			if n > 0 {
				if copied {
					parts = append(parts, string(buf))
				} else {
					parts = append(parts, in[start:start+n])
				}
			}
			n, copied, buf = 0, false, buf[:0]
			i += len(sep) - 1
			start = i + 1
			continue
		}
		c := in[i]
		if !escaped {
			// A quote opens or closes; so does, in effect, a NUL byte outside quotes (stanza's splitter takes it
			// for the closing of "no quote"): both are left out of the part.
			if (quote == 0 && (c == '"' || c == '\'')) || c == quote {
				if quote == 0 && c != 0 {
					quote = c
				} else {
					quote = 0
				}
				if n == 0 && !copied {
					start = i + 1
				} else if !copied {
					buf = append(buf, in[start:start+n]...)
					copied = true
				}
				continue
			}
			escaped = c == '\\'
		} else {
			escaped = false
		}
		if copied {
			buf = append(buf, c)
		}
		n++
	}
	sc.buf = buf
	if quote != 0 {
		return nil, false
	}
	if n > 0 {
		if copied {
			parts = append(parts, string(buf))
		} else {
			parts = append(parts, in[start:start+n])
		}
	}
	sc.parts = parts
	return parts, true
}

// regexStep is regex_parser: the named groups of the first match (an unmatched group as ""), no match fails.
type regexStep struct {
	from  field
	re    *regexp.Regexp
	names []string
}

func (s *regexStep) apply(r plog.LogRecord, _ *scratch) outcome {
	v, ok := s.from.get(r)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return stepFailed
	}
	m := s.re.FindStringSubmatch(v.Str())
	if m == nil {
		return stepFailed
	}
	attrs := r.Attributes()
	for i := 1; i < len(s.names); i++ {
		if s.names[i] != "" {
			attrs.PutStr(s.names[i], m[i])
		}
	}
	return stepDone
}

// severityStep is severity_parser, by stanza's own mapping.
type severityStep struct {
	from   field
	parser *helper.SeverityParser
}

func (s *severityStep) apply(r plog.LogRecord, sc *scratch) outcome {
	sev, text := entry.Default, ""
	if v, ok := s.from.get(r); ok && v.Type() == pcommon.ValueTypeStr {
		// A string: looked up in stanza's mapping, lower-cased; the text is the value as it was.
		text = v.Str()
		if found, ok := s.parser.Mapping[strings.ToLower(text)]; ok {
			sev = found
		}
	} else {
		e := sc.entry()
		s.from.put(r, e)
		if err := s.parser.Parse(e); err != nil {
			return stepFailed
		}
		sev, text = e.Severity, e.SeverityText
	}
	r.SetSeverityNumber(severityNumber(sev))
	if text == "" {
		r.SetSeverityText(severityText(sev))
	} else {
		r.SetSeverityText(text)
	}
	return stepDone
}

// severityNumber and severityText: the adapter's conversion of a stanza severity (the same numbers as the data
// model's for the 24 levels; anything else unspecified, with no text).
func severityNumber(s entry.Severity) plog.SeverityNumber {
	if s < entry.Default || s > entry.Fatal4 {
		return plog.SeverityNumberUnspecified
	}
	return plog.SeverityNumber(s)
}

func severityText(s entry.Severity) string {
	if s <= entry.Default || s > entry.Fatal4 {
		return ""
	}
	return s.String()
}

// timeStep is time_parser, by stanza's own layouts.
type timeStep struct {
	from   field
	parser *helper.TimeParser
}

func (s *timeStep) apply(r plog.LogRecord, sc *scratch) outcome {
	e := sc.entry()
	s.from.put(r, e)
	if err := s.parser.Parse(e); err != nil {
		return stepFailed
	}
	if e.Timestamp.IsZero() {
		r.SetTimestamp(0)
	} else {
		r.SetTimestamp(pcommon.NewTimestampFromTime(e.Timestamp))
	}
	return stepDone
}

// epochStep is time_parser with an epoch layout, on string values (anything else, and a time stanza would move to
// this year, goes to timeStep): seconds, milli-, micro- or nanoseconds, or seconds and a fraction.
type epochStep struct {
	from   field
	layout string
	other  *timeStep
}

func (s *epochStep) apply(r plog.LogRecord, sc *scratch) outcome {
	v, ok := s.from.get(r)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return s.other.apply(r, sc)
	}
	t, ok := parseEpoch(s.layout, v.Str())
	if !ok {
		return stepFailed
	}
	if t.Year() <= 0 {
		return s.other.apply(r, sc)
	}
	if t.IsZero() {
		r.SetTimestamp(0)
	} else {
		r.SetTimestamp(pcommon.NewTimestampFromTime(t))
	}
	return stepDone
}

// epochLayout: the layouts parseEpoch reads (all of stanza's epoch layouts).
func epochLayout(layout string) bool {
	switch layout {
	case "s", "ms", "us", "ns", "s.ms", "s.us", "s.ns":
		return true
	}
	return false
}

func parseEpoch(layout, stamp string) (time.Time, bool) {
	switch layout {
	case "s", "ms", "us", "ns":
		i, err := strconv.ParseInt(stamp, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		switch layout {
		case "s":
			return time.Unix(i, 0), true
		case "ms":
			return time.Unix(i/1e3, (i%1e3)*1e6), true
		case "us":
			return time.Unix(i/1e6, (i%1e6)*1e3), true
		}
		return time.Unix(0, i), true
	case "s.ms", "s.us", "s.ns":
		dot := strings.IndexByte(stamp, '.')
		if dot < 0 || strings.IndexByte(stamp[dot+1:], '.') >= 0 {
			return time.Time{}, false
		}
		sec, secErr := strconv.ParseInt(stamp[:dot], 10, 64)
		sub, subErr := strconv.ParseInt(stamp[dot+1:], 10, 64)
		if secErr != nil || subErr != nil {
			return time.Time{}, false
		}
		scale := int64(1)
		switch layout {
		case "s.ms":
			scale = 1e6
		case "s.us":
			scale = 1e3
		}
		return time.Unix(sec, sub*scale), true
	}
	return time.Time{}, false
}

// traceStep is trace_parser, by stanza's own decoding. Like it, it sets the trace id, span id and flags even when one
// of them fails (a missing field or one that is not hex clears it), and then counts the failure.
type traceStep struct {
	from   [3]field
	parser *helper.TraceParser
}

func (s *traceStep) apply(r plog.LogRecord, sc *scratch) outcome {
	var values [3]pcommon.Value
	var present [3]bool
	for i, f := range s.from {
		values[i], present[i] = f.get(r)
		if present[i] && values[i].Type() != pcommon.ValueTypeStr {
			return s.applyStanza(r, sc) // stanza formats other types with %v
		}
	}
	var traceID pcommon.TraceID
	var spanID pcommon.SpanID
	var flags []byte
	failed := false
	for i := range s.from {
		if !present[i] {
			continue // cleared, as stanza's parser does
		}
		decoded, err := sc.decodeHex(values[i].Str())
		if err != nil {
			decoded, failed = nil, true // stanza keeps nothing of a field it could not decode
		}
		switch i {
		case 0:
			copy(traceID[:], decoded)
		case 1:
			copy(spanID[:], decoded)
		default:
			flags = decoded
		}
	}
	r.SetTraceID(traceID)
	r.SetSpanID(spanID)
	if len(flags) > 0 {
		r.SetFlags(plog.LogRecordFlags(uint32(flags[0])))
	} else {
		r.SetFlags(0)
	}
	if failed {
		return stepFailed
	}
	return stepDone
}

// decodeHex is hex.DecodeString (what stanza decodes with) into a buffer of the scratch, valid until the next call.
func (sc *scratch) decodeHex(s string) ([]byte, error) {
	sc.hexIn = append(sc.hexIn[:0], s...)
	if cap(sc.hexOut) < len(s)/2+1 {
		sc.hexOut = make([]byte, len(s)/2+1)
	}
	n, err := hex.Decode(sc.hexOut[:cap(sc.hexOut)], sc.hexIn)
	return sc.hexOut[:n], err
}

// applyStanza: stanza's own parser on a scratch entry, for values that are not strings.
func (s *traceStep) applyStanza(r plog.LogRecord, sc *scratch) outcome {
	e := sc.entry()
	for _, f := range s.from {
		f.put(r, e)
	}
	if id := r.TraceID(); !id.IsEmpty() {
		e.TraceID = id[:]
	}
	if id := r.SpanID(); !id.IsEmpty() {
		e.SpanID = id[:]
	}
	if f := r.Flags(); f != 0 {
		e.TraceFlags = []byte{byte(f)}
	}
	err := s.parser.Parse(e)
	var traceID pcommon.TraceID
	copy(traceID[:], e.TraceID)
	r.SetTraceID(traceID)
	var spanID pcommon.SpanID
	copy(spanID[:], e.SpanID)
	r.SetSpanID(spanID)
	if len(e.TraceFlags) > 0 {
		r.SetFlags(plog.LogRecordFlags(uint32(e.TraceFlags[0])))
	} else {
		r.SetFlags(0)
	}
	if err != nil {
		return stepFailed
	}
	return stepDone
}

// removeStep is remove of one attribute: a missing one fails.
type removeStep struct{ key string }

func (s *removeStep) apply(r plog.LogRecord, _ *scratch) outcome {
	if !r.Attributes().Remove(s.key) {
		return stepFailed
	}
	return stepDone
}

// moveStep is move of one attribute to another (a map value, which stanza merges into the target, is left to it).
type moveStep struct{ from, to string }

func (s *moveStep) apply(r plog.LogRecord, _ *scratch) outcome {
	attrs := r.Attributes()
	v, ok := attrs.Get(s.from)
	if !ok {
		return stepFailed
	}
	switch v.Type() {
	case pcommon.ValueTypeMap, pcommon.ValueTypeEmpty:
		return stepStanza
	}
	if s.from == s.to {
		return stepDone
	}
	moved := pcommon.NewValueEmpty()
	v.CopyTo(moved)
	attrs.Remove(s.from)
	moved.CopyTo(attrs.PutEmpty(s.to))
	return stepDone
}
