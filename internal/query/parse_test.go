package query

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
)

func TestParse(t *testing.T) {
	tests := []struct {
		raw  string
		want Node
	}{
		{``, nil},
		{`{}`, nil},
		{`{"title":"Blog"}`, Cond{Path: "title", Op: OpEq, Value: "Blog"}},
		{`{"n":5}`, Cond{Path: "n", Op: OpEq, Value: 5.0}},
		{`{"n":null}`, Cond{Path: "n", Op: OpEq}},
		{`{"a.b":{"$gt":1,"$lt":"z"}}`, And{Cond{Path: "a.b", Op: OpGt, Value: 1.0}, Cond{Path: "a.b", Op: OpLt, Value: "z"}}},
		{`{"t":{"$regex":"^a","$options":"i"}}`, Cond{Path: "t", Op: OpRegex, Value: "^a", Fold: true}},
		{`{"t":{"$in":["a",1,true]}}`, Cond{Path: "t", Op: OpIn, Value: []any{"a", 1.0, true}}},
		{`{"t":{"$exists":false}}`, Cond{Path: "t", Op: OpExists, Value: false}},
		{`{"$or":[{"a":1},{"b":2}],"c":3}`, And{Or{Cond{Path: "a", Op: OpEq, Value: 1.0}, Cond{Path: "b", Op: OpEq, Value: 2.0}},
			Cond{Path: "c", Op: OpEq, Value: 3.0}}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.raw)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.raw, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%s) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

// TestParseErrors: every invalid query is a 422 whose errors.query names
// the problem.
func TestParseErrors(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`not json`, "not valid JSON"},
		{`[1]`, "must be a JSON object"},
		{`{"a":1} {}`, "data after the JSON object"},
		{`{"$and":[{},{}]}`, "$and.0 must be a non-empty query object"},
		{`{"$and":[]}`, "$and must be a non-empty array"},
		{`{"$or":{"a":1}}`, "$or must be a non-empty array"},
		{`{"$nor":[{"a":1}]}`, `"$nor" is not a known operator here`},
		{`{"a":{"$foo":1}}`, `"$foo" is not a known operator (a)`},
		{`{"a":{}}`, "a is an empty object"},
		{`{"a":{"b":1}}`, "dotted path (a.b)"},
		{`{"a":[1,2]}`, "use $in"},
		{`{"a":{"$in":"x"}}`, "a.$in must be an array"},
		{`{"a":{"$in":[null]}}`, "must not be null"},
		{`{"a":{"$gt":true}}`, "a.$gt must be a number or a string"},
		{`{"a":{"$lt":{"x":1}}}`, "a.$lt must be a string, a number or a boolean"},
		{`{"a":{"$exists":"yes"}}`, "a.$exists must be true or false"},
		{`{"a":{"$regex":5}}`, "a.$regex must be a string"},
		{`{"a":{"$regex":"(["}}`, "not a valid regular expression"},
		{`{"a":{"$regex":"x","$options":"g"}}`, `supports only "i"`},
		{`{"a":{"$options":"i"}}`, "$options without $regex"},
		{`{"a b":1}`, "not a valid field path"},
		{`{"a..b":1}`, "not a valid field path"},
		{`{"n":1e999}`, "not a usable number"},
		{`{"$and":[{"$and":[{"$and":[{"$and":[{"$and":[{"$and":[{"$and":[{"$and":[{"$and":[{"a":1}]}]}]}]}]}]}]}]}]}`, "more than 8 levels"},
		{`{"a":{"$in":[` + strings.Repeat(`1,`, 1000) + `1]}}`, "more than 1000 values"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.raw)
		e, ok := domain.AsError(err)
		if !ok || e.Kind != domain.KindInvalid {
			t.Errorf("Parse(%.60s) = %v; want a 422", tt.raw, err)
			continue
		}
		if msgs := e.Fields["query"]; len(msgs) != 1 || !strings.Contains(msgs[0], tt.want) {
			t.Errorf("Parse(%.60s): errors.query = %v; want it to mention %q", tt.raw, e.Fields, tt.want)
		}
	}
}

func TestTooManyConditions(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"$or":[`)
	for i := 0; i <= maxConditions; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"a":1}`)
	}
	b.WriteString(`]}`)
	if _, err := Parse(b.String()); err == nil || !strings.Contains(err.Error(), "more than 100 conditions") {
		t.Fatalf("Parse(101 conditions) = %v", err)
	}
}

// TestCompilePlaceholders: values travel as arguments, never inside the
// SQL text, on both engines.
func TestCompilePlaceholders(t *testing.T) {
	n, err := Parse(`{"$or":[{"title":"x' OR 1=1 --"},{"data.k":{"$regex":"'; DROP"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(path string) (Field, error) {
		if path == "title" {
			return Field{Column: "e.title", Kind: Text}, nil
		}
		return Field{Column: "e.data", Kind: JSON, Steps: []Step{{Key: "k"}}}, nil
	}
	for _, d := range []Dialect{{Name: "sqlite"}, {Name: "postgres"}} {
		sql, args, err := Compile(n, d, resolve)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sql, "OR 1=1") || strings.Contains(sql, "DROP") || strings.Count(sql, "?") != len(args) {
			t.Errorf("%s: Compile = %s %v; want every value as an argument", d.Name, sql, args)
		}
	}
}
