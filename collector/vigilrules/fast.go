package vigilrules

import (
	"context"
	"encoding/binary"
	"regexp"
	"strings"
	"sync"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/entry"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/helper"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/parser/keyvalue"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/parser/regex"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/parser/severity"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/parser/timeparser"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/parser/trace"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/transformer/add"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/transformer/move"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/transformer/noop"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/transformer/remove"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/stanza/operator/transformer/router"
)

// The fast path runs the served operators on the records themselves instead of converting every record to a stanza
// entry and back (docs/benchmarks.md: the conversion and stanza's key=value splitter were most of a rule's cost).
//
// It is a second reading of the same operators, never a second set of rules: the stanza pipeline built from the same
// answer stays beside it, and whatever the fast path does not take exactly — an operator type or a form of one it
// does not know (recombine, json_parser, an `if` other than "attribute present", a route that adds attributes, a
// value of a type it does not handle) — it hands to that pipeline at that operator, with the record converted as it
// is at that point. So a record is processed by stanza's operators from wherever the fast path stops, and the two
// agree by construction there; where the fast path runs, differential tests (fast_test.go) hold it to stanza's
// results on generated rules and lines.
//
// Routing is decided once per resource (all records of a ResourceLogs share it): the routers' and the enrichment's
// conditions read only the resource (checked on each expression's syntax tree; an expression that reads anything
// else is left to stanza). Record-level steps run per record on its attributes, body, severity, timestamp and trace
// context. The parsers' helpers of stanza (severity mapping, time layouts, hex trace ids) are used as they are, on a
// scratch entry holding only the field they read.

type nodeKind int

const (
	kindStanza nodeKind = iota // left to the stanza pipeline from here on
	kindEnd                    // the pipeline's sink: the record leaves the rules
	kindPass                   // noop
	kindRouter                 // per resource
	kindAdd                    // a resource attribute, per resource
	kindRecord                 // per record
)

type fastNode struct {
	id   string
	rule string // the rule its failures count for ("" for none)
	kind nodeKind
	op   operator.Operator // the stanza operator with this id, where the records go when left to stanza
	next *fastNode

	routes []fastRoute // router: in order, the default last (prog nil)

	when       *vm.Program // add: its condition (nil: always)
	key, value string      // add: resource[key] = value

	step recordStep // record
}

type fastRoute struct {
	prog *vm.Program
	next *fastNode
}

// fastPath is the served operators, read for the fast path; head is the first operator.
type fastPath struct {
	head  *fastNode
	nodes map[string]*fastNode

	mu     sync.Mutex
	routes map[string]*routed // by appendResourceKey
}

// outcome of a record step.
type outcome int

const (
	stepDone   outcome = iota
	stepFailed         // the operator failed on the record; it goes on unchanged (on_error send), counted
	stepStanza         // not handled here: the stanza operator processes the record from this step
)

type recordStep interface {
	apply(r plog.LogRecord, sc *scratch) outcome
}

// scratch is one ConsumeLogs call's reusable state: an entry for stanza's helpers and the key=value splitter's buffers.
type scratch struct {
	e     entry.Entry
	attrs map[string]any
	parts []string // the key=value splitter's parts
	pairs []string // keys and values
	buf   []byte

	special    [256]bool // the splitter's characters that may matter, for the separator specialFor
	specialFor string

	hexIn, hexOut []byte
	key           []byte // a resource's key in the routes
	gone          []bool // run: which records of a scope went to stanza
}

var scratches = sync.Pool{New: func() any { return &scratch{attrs: map[string]any{}} }}

// newScratch takes a scratch for one ConsumeLogs call; release gives it back.
func newScratch() *scratch { return scratches.Get().(*scratch) }

func (sc *scratch) release() {
	sc.e = entry.Entry{}
	clear(sc.attrs)
	scratches.Put(sc)
}

// entryWith resets the scratch entry to hold only the given field's value.
func (sc *scratch) entry() *entry.Entry {
	clear(sc.attrs)
	sc.e = entry.Entry{Attributes: sc.attrs}
	return &sc.e
}

// newFastPath reads the built pipeline's operators (ops, by id) with their configs. It never fails: an operator it
// cannot read is left to stanza.
func newFastPath(configs []operator.Config, ops map[string]operator.Operator, headID string, set component.TelemetrySettings) *fastPath {
	fp := &fastPath{nodes: map[string]*fastNode{}, routes: map[string]*routed{}}
	end := &fastNode{id: sinkID, kind: kindEnd}
	fp.nodes[sinkID] = end
	for _, c := range configs {
		id := c.ID()
		fp.nodes[id] = &fastNode{id: id, rule: ruleOf(id), kind: kindStanza, op: ops[id]}
	}
	for _, c := range configs {
		n := fp.nodes[c.ID()]
		if n.op == nil {
			continue
		}
		readNode(n, c.Builder, fp.nodes, set)
	}
	fp.head = fp.nodes[headID]
	for _, n := range fp.nodes {
		if n.kind != kindEnd && n.op == nil {
			return nil // not the pipeline's operators: all of it is left to stanza
		}
	}
	if fp.head == nil {
		return nil
	}
	return fp
}

// readNode fills in n from its config; leaves it kindStanza when it is not one the fast path takes exactly.
func readNode(n *fastNode, builder operator.Builder, nodes map[string]*fastNode, set component.TelemetrySettings) {
	var next *fastNode
	if outs := n.op.Outputs(); len(outs) == 1 {
		next = nodes[outs[0].ID()]
	}
	switch c := builder.(type) {
	case *router.Config:
		routes := make([]fastRoute, 0, len(c.Routes)+1)
		for _, r := range c.Routes {
			prog := resourceCondition(r.Expression)
			if prog == nil || len(r.OutputIDs) != 1 || len(r.Attributes) > 0 || nodes[r.OutputIDs[0]] == nil {
				return
			}
			routes = append(routes, fastRoute{prog: prog, next: nodes[r.OutputIDs[0]]})
		}
		if len(c.Default) != 1 || nodes[c.Default[0]] == nil {
			return
		}
		n.routes = append(routes, fastRoute{next: nodes[c.Default[0]]})
		n.kind = kindRouter
		return
	}
	if next == nil {
		return
	}
	n.next = next
	switch c := builder.(type) {
	case *noop.Config:
		n.kind = kindPass
	case *add.Config:
		key, ok := resourceKey(c.Field)
		value, isString := c.Value.(string)
		if !ok || !isString || strings.HasPrefix(value, "EXPR(") || !sendsOnError(c.TransformerConfig) {
			return
		}
		if c.IfExpr != "" {
			if n.when = resourceCondition(c.IfExpr); n.when == nil {
				return
			}
		}
		n.key, n.value, n.kind = key, value, kindAdd
	default:
		if step := readStep(builder, set); step != nil {
			n.step, n.kind = step, kindRecord
		}
	}
}

// readStep: the record-level operators the fast path takes, each only in the forms it reproduces exactly.
func readStep(builder operator.Builder, set component.TelemetrySettings) recordStep {
	switch c := builder.(type) {
	case *keyvalue.Config:
		from, ok := parserFields(c.ParserConfig)
		pairDelimiter := c.PairDelimiter
		if pairDelimiter == "" {
			pairDelimiter = " " // stanza's default
		}
		if !ok || c.Delimiter == "" || c.Delimiter == pairDelimiter {
			return nil
		}
		return guard(c.TransformerConfig, &keyValueStep{from: from, delimiter: c.Delimiter, pairDelimiter: pairDelimiter})
	case *regex.Config:
		from, ok := parserFields(c.ParserConfig)
		if !ok {
			return nil
		}
		re, err := regexp.Compile(c.Regex)
		if err != nil {
			return nil
		}
		return guard(c.TransformerConfig, &regexStep{from: from, re: re, names: re.SubexpNames()})
	case *severity.Config:
		from, ok := fieldOfPtr(c.ParseFrom)
		if !ok || c.OverwriteText {
			return nil
		}
		parser, err := c.SeverityConfig.Build(set)
		if err != nil {
			return nil
		}
		return guard(c.TransformerConfig, &severityStep{from: from, parser: &parser})
	case *timeparser.Config:
		if c.Validate() != nil {
			return nil
		}
		from, ok := fieldOfPtr(c.ParseFrom)
		if !ok {
			return nil
		}
		parser := c.TimeParser
		step := &timeStep{from: from, parser: &parser}
		if c.LayoutType == helper.EpochKey && epochLayout(c.Layout) {
			return guard(c.TransformerConfig, &epochStep{from: from, layout: c.Layout, other: step})
		}
		return guard(c.TransformerConfig, step)
	case *trace.Config:
		if c.Validate() != nil {
			return nil
		}
		var from [3]field
		for i, f := range []*entry.Field{c.TraceID.ParseFrom, c.SpanID.ParseFrom, c.TraceFlags.ParseFrom} {
			var ok bool
			if from[i], ok = fieldOfPtr(f); !ok {
				return nil
			}
		}
		parser := c.TraceParser
		return guard(c.TransformerConfig, &traceStep{from: from, parser: &parser})
	case *remove.Config:
		key, ok := attributeKey(c.Field.Field)
		if !ok {
			return nil
		}
		return guard(c.TransformerConfig, &removeStep{key: key})
	case *move.Config:
		from, okFrom := attributeKey(c.From)
		to, okTo := attributeKey(c.To)
		if !okFrom || !okTo {
			return nil
		}
		return guard(c.TransformerConfig, &moveStep{from: from, to: to})
	}
	return nil
}

// guard wraps a step in its operator's `if` (only "attributes[name] != nil" is read here) and checks its on_error
// sends the record on (send, send_quiet: a failed record continues unchanged, and is counted).
func guard(c helper.TransformerConfig, s recordStep) recordStep {
	if !sendsOnError(c) {
		return nil
	}
	if c.IfExpr == "" {
		return s
	}
	key, ok := presentCondition(c.IfExpr)
	if !ok {
		return nil
	}
	return &ifPresent{key: key, step: s}
}

func sendsOnError(c helper.TransformerConfig) bool {
	return c.OnError == helper.SendOnError || c.OnError == helper.SendOnErrorQuiet
}

var presentExpr = regexp.MustCompile(`^attributes\["((?:[^"\\]|\\["\\])*)"\] != nil$`)

// presentCondition reads `attributes["name"] != nil` (the form Vigil's operator writes for a step's source field).
func presentCondition(expr string) (string, bool) {
	m := presentExpr.FindStringSubmatch(strings.TrimSpace(expr))
	if m == nil {
		return "", false
	}
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[1]), true
}

// resourceCondition compiles a condition as stanza does, if it reads nothing but the resource (so it holds for all of
// a resource's records or for none); else nil.
func resourceCondition(expr string) *vm.Program {
	tree, err := parser.Parse(expr)
	if err != nil {
		return nil
	}
	v := &identifiers{}
	ast.Walk(&tree.Node, v)
	if v.other {
		return nil
	}
	prog, err := helper.ExprCompileBool(expr)
	if err != nil {
		return nil
	}
	return prog
}

type identifiers struct{ other bool }

func (v *identifiers) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value != "resource" {
			v.other = true
		}
	case *ast.CallNode, *ast.BuiltinNode, *ast.PredicateNode, *ast.PointerNode, *ast.VariableDeclaratorNode:
		v.other = true
	}
}

// field is where a step reads from: the body (whole, or one key of a map body) or one top-level attribute.
type field struct {
	body bool
	key  string
}

func fieldOfPtr(f *entry.Field) (field, bool) {
	if f == nil {
		return field{}, false
	}
	return fieldOf(*f)
}

func fieldOf(f entry.Field) (field, bool) {
	switch v := f.FieldInterface.(type) {
	case entry.BodyField:
		if len(v.Keys) <= 1 {
			return field{body: true, key: strings.Join(v.Keys, "")}, true
		}
	case entry.AttributeField:
		if len(v.Keys) == 1 {
			return field{key: v.Keys[0]}, true
		}
	}
	return field{}, false
}

func attributeKey(f entry.Field) (string, bool) {
	if v, ok := f.FieldInterface.(entry.AttributeField); ok && len(v.Keys) == 1 {
		return v.Keys[0], true
	}
	return "", false
}

func resourceKey(f entry.Field) (string, bool) {
	if v, ok := f.FieldInterface.(entry.ResourceField); ok && len(v.Keys) == 1 {
		return v.Keys[0], true
	}
	return "", false
}

// parserFields: a parser the fast path takes reads one field and merges what it parsed into the attributes, with no
// parsers of its own embedded.
func parserFields(c helper.ParserConfig) (field, bool) {
	if c.BodyField != nil || c.TimeParser != nil || c.SeverityConfig != nil || c.TraceParser != nil || c.ScopeNameParser != nil {
		return field{}, false
	}
	if to, ok := c.ParseTo.FieldInterface.(entry.AttributeField); !ok || len(to.Keys) != 0 {
		return field{}, false
	}
	return fieldOf(c.ParseFrom)
}

func (f field) get(r plog.LogRecord) (pcommon.Value, bool) {
	switch {
	case f.body && f.key == "":
		return r.Body(), true
	case f.body:
		if r.Body().Type() != pcommon.ValueTypeMap {
			return pcommon.Value{}, false
		}
		return r.Body().Map().Get(f.key)
	}
	return r.Attributes().Get(f.key)
}

// put copies the field into a scratch entry as toEntries would have made it (the whole body for a key of the body).
func (f field) put(r plog.LogRecord, e *entry.Entry) {
	if f.body {
		e.Body = r.Body().AsRaw()
		return
	}
	if v, ok := r.Attributes().Get(f.key); ok {
		e.Attributes[f.key] = v.AsRaw()
	}
}

// routed is a resource's way through the operators: the record steps its records take, then where they leave (nil:
// the end; else the stanza operator that processes them from there), and the enrichment's resource attributes set on
// the way.
type routed struct {
	steps []*fastNode
	leave *fastNode
	adds  [][2]string
}

// maxRoutes bounds the routes remembered (a node's agent sees its pods' resources: far fewer).
const maxRoutes = 4096

// routeOf is route, remembered by the resource's attributes (the conditions read nothing else), so a resource's
// conditions run once per rule set rather than once per batch. The enrichment is set on res either way.
func (fp *fastPath) routeOf(res pcommon.Resource, sc *scratch) *routed {
	sc.key = appendResourceKey(sc.key[:0], res.Attributes())
	fp.mu.Lock()
	rt, ok := fp.routes[string(sc.key)]
	fp.mu.Unlock()
	if ok {
		for _, a := range rt.adds {
			res.Attributes().PutStr(a[0], a[1])
		}
		return rt
	}
	rt = fp.route(res)
	fp.mu.Lock()
	if len(fp.routes) >= maxRoutes {
		clear(fp.routes)
	}
	fp.routes[string(sc.key)] = rt
	fp.mu.Unlock()
	return rt
}

// appendResourceKey: the attributes, each as length-prefixed key, type and length-prefixed value.
func appendResourceKey(b []byte, attrs pcommon.Map) []byte {
	attrs.Range(func(k string, v pcommon.Value) bool {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = append(b, byte(v.Type()))
		s := v.AsString()
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
		return true
	})
	return b
}

// route decides a resource's way through the operators, setting the enrichment's attributes on res on the way.
func (fp *fastPath) route(res pcommon.Resource) *routed {
	rt := &routed{}
	e := entry.New()
	e.Resource = res.Attributes().AsRaw()
	n := fp.head
	for hops := 0; hops <= len(fp.nodes); hops++ {
		switch n.kind {
		case kindEnd:
			return rt
		case kindPass:
			n = n.next
		case kindRecord:
			rt.steps = append(rt.steps, n)
			n = n.next
		case kindRouter:
			n = chooseRoute(n.routes, e)
		case kindAdd:
			if len(rt.steps) > 0 {
				// The resource would change after record steps: left to stanza from here (never the case for what
				// Vigil's operator serves: its enrichment comes first).
				rt.leave = n
				return rt
			}
			if n.when == nil || holds(n.when, e) {
				res.Attributes().PutStr(n.key, n.value)
				e.Resource[n.key] = n.value
				rt.adds = append(rt.adds, [2]string{n.key, n.value})
			}
			n = n.next
		default:
			rt.leave = n
			return rt
		}
	}
	rt.leave = n
	return rt
}

func chooseRoute(routes []fastRoute, e *entry.Entry) *fastNode {
	for _, r := range routes {
		if r.prog == nil || holds(r.prog, e) {
			return r.next
		}
	}
	return nil // unreachable: the last route is the default
}

// holds runs a condition as stanza's router does: an error is "does not hold".
func holds(prog *vm.Program, e *entry.Entry) bool {
	env := helper.GetExprEnv(e)
	defer helper.PutExprEnv(env)
	out, err := vm.Run(prog, env)
	if err != nil {
		return false
	}
	b, _ := out.(bool)
	return b
}

// leftToStanza counts the operators the fast path hands to stanza (all of them when it has none).
func (r *ruleSet) leftToStanza() int {
	if r == nil {
		return 0
	}
	if r.fast == nil {
		return len(r.pipeline.Operators()) - 1 // without the sink
	}
	n := 0
	for _, node := range r.fast.nodes {
		if node.kind == kindStanza {
			n++
		}
	}
	return n
}

// run processes ld in place. A record the fast path takes through to the end stays where it is; one it leaves to
// stanza is taken out of ld and given, converted, to the stanza operator where the fast path stopped (what comes out
// of the pipeline arrives in the batch of ctx). A failed step counts for its rule, as the operator's log would.
func (r *ruleSet) run(ctx context.Context, ld plog.Logs, counts *failureCounts) {
	sc := newScratch()
	defer sc.release()
	var steps []*fastNode
	gone := sc.gone
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		var leave operator.Operator
		if r.fast == nil {
			steps, leave = nil, r.head
		} else {
			rt := r.fast.routeOf(rl.Resource(), sc)
			steps = rt.steps
			if rt.leave != nil {
				leave = rt.leave.op
			}
		}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			recs := sl.LogRecords()
			gone = gone[:0]
			anyGone := false
			for k := 0; k < recs.Len(); k++ {
				rec := recs.At(k)
				to := leave
				for _, n := range steps {
					o := n.step.apply(rec, sc)
					if o == stepFailed && n.rule != "" {
						counts.add(n.rule)
					} else if o == stepStanza {
						to = n.op
						break
					}
				}
				gone = append(gone, to != nil)
				if to != nil {
					anyGone = true
					// A failing operator's error is counted by its logger; with on_error send the record goes on.
					_ = to.Process(ctx, toEntry(rl.Resource(), sl.Scope(), rec))
				}
			}
			if anyGone {
				k := 0
				recs.RemoveIf(func(plog.LogRecord) bool {
					k++
					return gone[k-1]
				})
			}
		}
		sls.RemoveIf(func(sl plog.ScopeLogs) bool { return sl.LogRecords().Len() == 0 })
	}
	rls.RemoveIf(func(rl plog.ResourceLogs) bool { return rl.ScopeLogs().Len() == 0 })
	sc.gone = gone
}
