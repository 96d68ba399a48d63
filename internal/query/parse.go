// Package query turns Contentstack's JSON `query` parameter into SQL. Parse
// checks the JSON and builds a small tree of conditions; Compile turns that
// tree into a WHERE fragment with ? placeholders for one SQL engine, asking
// a Resolver where each named field lives (a column, or a path inside a
// JSON column). Every mistake in a query is a domain error of kind
// KindInvalid (HTTP 422) that names the problem; nothing here touches a
// database.
package query

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// Op is a comparison operator.
type Op string

// The operators a condition may use.
const (
	OpEq     Op = "$eq"
	OpNe     Op = "$ne"
	OpIn     Op = "$in"
	OpNin    Op = "$nin"
	OpLt     Op = "$lt"
	OpLte    Op = "$lte"
	OpGt     Op = "$gt"
	OpGte    Op = "$gte"
	OpExists Op = "$exists"
	OpRegex  Op = "$regex"
	// OpInQuery and OpNinQuery test a reference field against a query
	// on the entries it references (RefQuery).
	OpInQuery  Op = "$in_query"
	OpNinQuery Op = "$nin_query"
)

// Node is a parsed query: an And, an Or or a Cond.
type Node interface{ isNode() }

// And matches when every child matches.
type And []Node

// Or matches when at least one child matches.
type Or []Node

// Cond compares the value at a field path with an operand. Value is a
// string, a float64, a bool or nil for Eq and Ne; a []any of those for In
// and Nin; a string or float64 for the orderings; a bool for Exists; the
// pattern string for Regex (Fold set by $options "i").
type Cond struct {
	Path  string
	Op    Op
	Value any
	Fold  bool
}

// RefQuery matches entries whose reference field at Path points to at
// least one entry that Sub matches ($in_query), or with Not to none
// ($nin_query). A nil Sub matches every referenced entry.
type RefQuery struct {
	Path string
	Not  bool
	Sub  Node
}

func (And) isNode()      {}
func (Or) isNode()       {}
func (Cond) isNode()     {}
func (RefQuery) isNode() {}

// Limits that keep one query from costing too much.
const (
	maxDepth      = 8    // nested $and / $or
	maxConditions = 100  // conditions in one query
	maxInValues   = 1000 // operands of one $in / $nin
	maxPattern    = 1000 // bytes of one $regex
	maxRefDepth   = 3    // nested $in_query / $nin_query, as deep as include[] goes
)

// Invalid is the error for a query that cannot be run: 422 with the problem
// under errors.query.
func Invalid(format string, args ...any) *domain.Error {
	msg := fmt.Sprintf(format, args...)
	return domain.Errorf(domain.KindInvalid, domain.CodeValidation, "The query is not valid: %s", msg).WithField("query", msg)
}

type parser struct {
	conds    int
	refDepth int // $in_query / $nin_query being parsed, for maxRefDepth
}

// Parse reads a query parameter. An empty string or an empty object is no
// filter (nil). Every other mistake is an Invalid error naming it.
func Parse(raw string) (Node, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, Invalid("it is not valid JSON.")
	}
	if dec.More() {
		return nil, Invalid("it has data after the JSON object.")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, Invalid("it must be a JSON object.")
	}
	if len(obj) == 0 {
		return nil, nil
	}
	p := &parser{}
	return p.object(obj, "", 0)
}

// object parses one query object: field conditions and $and / $or, all of
// which must hold.
func (p *parser) object(obj map[string]any, at string, depth int) (Node, error) {
	if depth > maxDepth {
		return nil, Invalid("%s nests $and/$or more than %d levels deep.", where(at), maxDepth)
	}
	var out And
	for _, k := range sortedKeys(obj) {
		n, err := p.member(k, obj[k], at, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return unwrap(out), nil
}

func (p *parser) member(k string, v any, at string, depth int) (Node, error) {
	switch {
	case k == "$and" || k == "$or":
		return p.logical(k, v, join(at, k), depth)
	case strings.HasPrefix(k, "$"):
		return nil, Invalid("%q is not a known operator here (%s).", k, where(at))
	}
	if err := checkPath(k); err != nil {
		return nil, err
	}
	return p.field(k, v, depth)
}

func (p *parser) logical(op string, v any, at string, depth int) (Node, error) {
	items, ok := v.([]any)
	if !ok || len(items) == 0 {
		return nil, Invalid("%s must be a non-empty array of query objects.", at)
	}
	var kids []Node
	for i, it := range items {
		obj, ok := it.(map[string]any)
		if !ok || len(obj) == 0 {
			return nil, Invalid("%s.%d must be a non-empty query object.", at, i)
		}
		n, err := p.object(obj, fmt.Sprintf("%s.%d", at, i), depth+1)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if op == "$and" {
		return And(kids), nil
	}
	return Or(kids), nil
}

// field parses the condition on one field: a plain value (equality) or an
// object of operators.
func (p *parser) field(path string, v any, depth int) (Node, error) {
	ops, isObj := v.(map[string]any)
	if !isObj {
		val, err := scalar(path, v, true)
		if err != nil {
			return nil, err
		}
		return p.cond(Cond{Path: path, Op: OpEq, Value: val})
	}
	if len(ops) == 0 {
		return nil, Invalid("%s is an empty object.", path)
	}
	if _, ok := ops["$options"]; ok {
		if _, ok := ops["$regex"]; !ok {
			return nil, Invalid("%s has $options without $regex.", path)
		}
	}
	var out And
	for _, k := range sortedKeys(ops) {
		if k == "$options" {
			continue
		}
		if !strings.HasPrefix(k, "$") {
			return nil, Invalid("%s.%s: query nested fields with a dotted path (%s.%s), not a nested object.", path, k, path, k)
		}
		if op := Op(k); op == OpInQuery || op == OpNinQuery {
			n, err := p.refQuery(path, op, ops[k], depth)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			continue
		}
		c, err := operand(path, Op(k), ops[k], ops["$options"])
		if err != nil {
			return nil, err
		}
		n, err := p.cond(c)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return unwrap(out), nil
}

// refQuery parses the operand of $in_query / $nin_query: a query object on
// the referenced entries, parsed like a whole query.
func (p *parser) refQuery(path string, op Op, v any, depth int) (Node, error) {
	at := path + "." + string(op)
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, Invalid("%s must be a query object on the referenced entries.", at)
	}
	if p.refDepth >= maxRefDepth {
		return nil, Invalid("%s nests $in_query/$nin_query more than %d levels deep.", at, maxRefDepth)
	}
	if _, err := p.cond(Cond{}); err != nil {
		return nil, err
	}
	p.refDepth++
	defer func() { p.refDepth-- }()
	var sub Node
	if len(obj) > 0 {
		var err error
		if sub, err = p.object(obj, at, depth+1); err != nil {
			return nil, err
		}
	}
	return RefQuery{Path: path, Not: op == OpNinQuery, Sub: sub}, nil
}

// unwrap returns the only condition of a one-item And.
func unwrap(and And) Node {
	if len(and) == 1 {
		return and[0]
	}
	return and
}

func (p *parser) cond(c Cond) (Node, error) {
	p.conds++
	if p.conds > maxConditions {
		return nil, Invalid("it has more than %d conditions.", maxConditions)
	}
	return c, nil
}

// operand checks the operand of one operator.
func operand(path string, op Op, v, options any) (Cond, error) {
	c := Cond{Path: path, Op: op}
	at := path + "." + string(op)
	var err error
	switch op {
	case OpEq, OpNe:
		c.Value, err = scalar(at, v, true)
	case OpIn, OpNin:
		c.Value, err = list(at, v)
	case OpLt, OpLte, OpGt, OpGte:
		c.Value, err = scalar(at, v, false)
		if _, isBool := c.Value.(bool); err == nil && isBool {
			err = Invalid("%s must be a number or a string.", at)
		}
	case OpExists:
		b, ok := v.(bool)
		if !ok {
			return c, Invalid("%s must be true or false.", at)
		}
		c.Value = b
	case OpRegex:
		c.Value, c.Fold, err = pattern(at, v, options)
	default:
		return c, Invalid("%q is not a known operator (%s).", string(op), path)
	}
	return c, err
}

// scalar accepts a string, a finite number, a bool, and null when nullable.
func scalar(at string, v any, nullable bool) (any, error) {
	switch x := v.(type) {
	case string:
		if !domain.CleanText(x) {
			return nil, Invalid("%s must not contain NUL characters or invalid UTF-8.", at)
		}
		return x, nil
	case bool:
		return x, nil
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, Invalid("%s is not a usable number.", at)
		}
		return f, nil
	case nil:
		if nullable {
			return nil, nil
		}
		return nil, Invalid("%s must not be null.", at)
	case []any:
		return nil, Invalid("%s is an array; use $in to match any of several values.", at)
	}
	return nil, Invalid("%s must be a string, a number or a boolean.", at)
}

func list(at string, v any) ([]any, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, Invalid("%s must be an array.", at)
	}
	if len(items) > maxInValues {
		return nil, Invalid("%s has more than %d values.", at, maxInValues)
	}
	out := make([]any, 0, len(items))
	for i, it := range items {
		val, err := scalar(fmt.Sprintf("%s.%d", at, i), it, false)
		if err != nil {
			return nil, err
		}
		out = append(out, val)
	}
	return out, nil
}

// pattern checks a $regex and its $options. Patterns use RE2 syntax (Go's
// regexp), which both engines run the same for the usual constructs.
func pattern(at string, v, options any) (string, bool, error) {
	s, ok := v.(string)
	if !ok {
		return "", false, Invalid("%s must be a string.", at)
	}
	if !domain.CleanText(s) {
		return "", false, Invalid("%s must not contain NUL characters or invalid UTF-8.", at)
	}
	if len(s) > maxPattern {
		return "", false, Invalid("%s is longer than %d bytes.", at, maxPattern)
	}
	fold := false
	if options != nil {
		o, ok := options.(string)
		if !ok || strings.Trim(o, "i") != "" {
			return "", false, Invalid("%s: $options supports only \"i\" (case-insensitive).", at)
		}
		fold = o != ""
	}
	if _, err := regexp.Compile(s); err != nil {
		return "", false, Invalid("%s is not a valid regular expression.", at)
	}
	return s, fold, nil
}

var segment = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// checkPath accepts dotted paths of letters, digits and underscores.
func checkPath(path string) error {
	for _, s := range strings.Split(path, ".") {
		if !segment.MatchString(s) {
			return Invalid("%q is not a valid field path.", path)
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

func where(at string) string {
	if at == "" {
		return "at the top level"
	}
	return "in " + at
}
