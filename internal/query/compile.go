package query

import (
	"fmt"
	"strings"
	"time"
)

// Dialect names the SQL engine a query is compiled for: "sqlite" or
// "postgres". It is the only thing the compiler needs to know about the
// engine.
type Dialect struct{ Name string }

func (d Dialect) pg() bool { return d.Name == "postgres" }

// Kind is the type of the column a field lives in.
type Kind int

// The column kinds.
const (
	Text   Kind = iota // a TEXT column
	Number             // an INTEGER column
	Time               // a BIGINT column of Unix milliseconds; operands are ISO 8601 strings
	JSON               // a TEXT column holding JSON; Steps is the path inside it
)

// Step is one key of a path inside a JSON column. Array marks a key whose
// value is an array of objects that the rest of the path reaches into (a
// multiple group, modular blocks, references). The value at the end of a
// path may always be a single value or an array of them: a condition holds
// when any element satisfies it.
type Step struct {
	Key   string
	Array bool
}

// Field is where a queried path lives.
type Field struct {
	Column string // SQL expression of the column, e.g. "e.title"
	Kind   Kind
	Steps  []Step // for JSON columns
	// EmptyIsNull marks a Text column that stores the JSON null it shows
	// as '' (a locale's fallback_locale): equality with null tests for ''.
	EmptyIsNull bool
	// Refs, set on a reference field (a JSON path to its list of
	// {uid, _content_type_uid}), says where the referenced entries live,
	// for $in_query and $nin_query.
	Refs *Refs
}

// Refs is the set of entries a reference field may point to, as a SQL
// source: SELECT <UID> FROM <From> WHERE <Where> lists them, and each
// content type of Types narrows them (<Type> = the content type's uid)
// and resolves the subquery's paths in its own schema.
type Refs struct {
	From  string // a FROM item with its alias, e.g. "(SELECT …) r1"
	Args  []any  // the arguments of From, in order
	Where string // a condition always applied, e.g. "r1.fallback_rank = 1"
	UID   string // the uid column, e.g. "r1.uid"
	Type  string // the content type column, e.g. "r1.content_type_uid"
	Types []RefType
}

// RefType is one content type a reference field points to, with the
// resolver of its fields. A nil Resolve (a content type that no longer
// exists) matches nothing.
type RefType struct {
	UID     string
	Resolve Resolver
}

// Resolver maps a dotted field path of a query to its Field, or returns an
// Invalid error when the path names no field.
type Resolver func(path string) (Field, error)

// Compile turns n into a SQL boolean expression with ? placeholders and
// its arguments. A nil n gives "1=1".
func Compile(n Node, d Dialect, resolve Resolver) (string, []any, error) {
	if n == nil {
		return "1=1", nil, nil
	}
	c := &compiler{d: d, resolve: resolve}
	sql, err := c.node(n)
	if err != nil {
		return "", nil, err
	}
	return sql, c.args, nil
}

type compiler struct {
	d       Dialect
	resolve Resolver
	args    []any
	aliases int
}

func (c *compiler) node(n Node) (string, error) {
	switch x := n.(type) {
	case And:
		return c.group(x, " AND ")
	case Or:
		return c.group(x, " OR ")
	case Cond:
		return c.cond(x)
	case RefQuery:
		return c.refQuery(x)
	}
	return "", fmt.Errorf("query: unknown node %T", n)
}

func (c *compiler) group(kids []Node, sep string) (string, error) {
	parts := make([]string, 0, len(kids))
	for _, k := range kids {
		s, err := c.node(k)
		if err != nil {
			return "", err
		}
		parts = append(parts, "("+s+")")
	}
	return strings.Join(parts, sep), nil
}

// pred is a positive predicate; negative operators negate one.
type pred struct {
	kind   predKind
	values []any  // match: any of these; cmp: one value
	op     string // cmp: <, <=, >, >=
	fold   bool   // regex
	sub    []any  // pRefIn: the subquery's arguments
}

type predKind int

const (
	pMatch   predKind = iota // equal to one of values
	pCmp                     // ordered comparison with values[0]
	pRegex                   // a string matching values[0]
	pExists                  // the path is present (null included)
	pNonNull                 // the path holds a value other than null
	pRefIn                   // a reference whose uid is in the subquery values[0] (args in sub)
)

var cmpOps = map[Op]string{OpLt: "<", OpLte: "<=", OpGt: ">", OpGte: ">="}

// cond compiles one condition: the positive predicate, negated for $ne,
// $nin, $exists:false and equality with null.
func (c *compiler) cond(x Cond) (string, error) {
	f, err := c.resolve(x.Path)
	if err != nil {
		return "", err
	}
	p, negate := pred{}, false
	switch x.Op {
	case OpEq, OpNe:
		negate = x.Op == OpNe
		if x.Value == nil {
			p, negate = pred{kind: pNonNull}, !negate
		} else {
			p = pred{kind: pMatch, values: []any{x.Value}}
		}
	case OpIn, OpNin:
		p, negate = pred{kind: pMatch, values: x.Value.([]any)}, x.Op == OpNin
	case OpLt, OpLte, OpGt, OpGte:
		p = pred{kind: pCmp, values: []any{x.Value}, op: cmpOps[x.Op]}
	case OpExists:
		p, negate = pred{kind: pExists}, !x.Value.(bool)
	case OpRegex:
		p = pred{kind: pRegex, values: []any{x.Value}, fold: x.Fold}
	}
	sql, err := c.positive(x.Path, f, p)
	if err != nil {
		return "", err
	}
	if negate {
		return "NOT (" + sql + ")", nil
	}
	return sql, nil
}

func (c *compiler) positive(path string, f Field, p pred) (string, error) {
	switch f.Kind {
	case JSON:
		if err := checkSteps(path, f.Steps); err != nil {
			return "", err
		}
		return c.json(f, p), nil
	case Time:
		return c.timeColumn(path, f.Column, p)
	}
	return c.column(f, p), nil
}

const never, always = "1=0", "1=1"

// column compiles a predicate on a TEXT or INTEGER column. An operand of
// the other type never matches (numbers and strings are not compared).
func (c *compiler) column(f Field, p pred) string {
	want := func(v any) bool {
		_, isStr := v.(string)
		_, isNum := v.(float64)
		return f.Kind == Text && isStr || f.Kind == Number && isNum
	}
	switch p.kind {
	case pNonNull:
		if f.EmptyIsNull {
			return f.Column + " <> ''"
		}
		return always
	case pExists:
		return always
	case pMatch:
		var marks []string
		for _, v := range p.values {
			if want(v) {
				marks = append(marks, c.arg(f.Kind, v))
			}
		}
		if len(marks) == 0 {
			return never
		}
		return f.Column + " IN (" + strings.Join(marks, ", ") + ")"
	case pCmp:
		if !want(p.values[0]) {
			return never
		}
		return c.textKey(f.Column, f.Kind) + " " + p.op + " " + c.arg(f.Kind, p.values[0])
	case pRegex:
		if f.Kind != Text {
			return never
		}
		return c.regex(f.Column, p)
	}
	return never
}

// arg adds an argument and returns its placeholder. Numbers compared with
// an INTEGER column are cast on PostgreSQL, where the driver would
// otherwise have to fit a float into the column's integer type.
func (c *compiler) arg(k Kind, v any) string {
	c.args = append(c.args, v)
	if k == Number && c.d.pg() {
		return "CAST(? AS NUMERIC)"
	}
	return "?"
}

// textKey makes string comparisons byte-wise on PostgreSQL, as they are on
// SQLite, whatever the database's collation.
func (c *compiler) textKey(expr string, k Kind) string {
	if k == Text && c.d.pg() {
		return expr + ` COLLATE "C"`
	}
	return expr
}

func (c *compiler) regex(expr string, p pred) string {
	pat := p.values[0].(string)
	if c.d.pg() {
		c.args = append(c.args, pat)
		if p.fold {
			return expr + " ~* ?"
		}
		return expr + " ~ ?"
	}
	if p.fold {
		pat = "(?i)" + pat
	}
	c.args = append(c.args, pat)
	return "regexp(?, " + expr + ")"
}

// timeColumn compiles a predicate on a timestamp column: operands are ISO
// 8601 strings, turned into the Unix milliseconds the column holds.
func (c *compiler) timeColumn(path, col string, p pred) (string, error) {
	switch p.kind {
	case pExists, pNonNull:
		return always, nil
	case pRegex:
		return "", Invalid("%s is a date; $regex does not apply.", path)
	}
	ms := make([]any, 0, len(p.values))
	for _, v := range p.values {
		t, err := parseTime(path, v)
		if err != nil {
			return "", err
		}
		ms = append(ms, t)
	}
	if p.kind == pCmp {
		c.args = append(c.args, ms[0])
		return col + " " + p.op + " ?", nil
	}
	if len(ms) == 0 {
		return never, nil
	}
	c.args = append(c.args, ms...)
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ms)), ", ") + ")", nil
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.000", "2006-01-02T15:04:05", "2006-01-02"}

func parseTime(path string, v any) (int64, error) {
	if s, ok := v.(string); ok {
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UnixMilli(), nil
			}
		}
	}
	return 0, Invalid("%s is a date; compare it with an ISO 8601 string such as \"2024-01-31T00:00:00.000Z\".", path)
}
