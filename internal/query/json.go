package query

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// json compiles a predicate on a path inside a JSON column.
//
// Each Array step of the path becomes an EXISTS over the array's elements
// (json_each on SQLite, jsonb_array_elements on PostgreSQL), so a condition
// on authors.name holds when some author's name satisfies it. The value at
// the end of the path is unwrapped the same way when it is an array. Type
// checks keep numbers, strings and booleans apart on both engines: 5 never
// equals "5", and "6" is not greater than 5.
func (c *compiler) json(f Field, p pred) string {
	root := f.Column
	if c.d.pg() {
		root = "CAST(" + f.Column + " AS jsonb)"
	}
	return c.walk(root, f.Steps, p)
}

// walk descends root along steps; root is a SQL expression holding JSON.
func (c *compiler) walk(root string, steps []Step, p pred) string {
	k := -1
	for i := 0; i < len(steps)-1; i++ {
		if steps[i].Array {
			k = i
			break
		}
	}
	if k < 0 {
		return c.leaf(root, steps, p)
	}
	a := c.alias()
	if c.d.pg() {
		arr := "(" + root + " #> " + pgPath(steps[:k+1]) + ")"
		return fmt.Sprintf("EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(%s) = 'array' THEN %s ELSE '[]'::jsonb END) AS %s(v) WHERE %s)",
			arr, arr, a, c.walk(a+".v", steps[k+1:], p))
	}
	path := litePath(steps[:k+1])
	// Elements that are not objects have nothing further down the path;
	// the CASE keeps json functions from parsing them.
	elem := fmt.Sprintf("(CASE WHEN %s.type = 'object' THEN %s.value END)", a, a)
	return fmt.Sprintf("EXISTS (SELECT 1 FROM json_each(%s, %s) AS %s WHERE json_type(%s, %s) = 'array' AND %s)",
		root, path, a, root, path, c.walk(elem, steps[k+1:], p))
}

// leaf applies the predicate to the value at the end of the path: to each
// element when it is an array, to itself otherwise. Objects match nothing
// but $exists.
func (c *compiler) leaf(root string, steps []Step, p pred) string {
	a := c.alias()
	if c.d.pg() {
		x := root
		if len(steps) > 0 {
			x = "(" + root + " #> " + pgPath(steps) + ")"
		}
		if p.kind == pExists {
			return x + " IS NOT NULL"
		}
		return fmt.Sprintf("EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN %s IS NULL OR jsonb_typeof(%s) = 'object' THEN '[]'::jsonb "+
			"WHEN jsonb_typeof(%s) = 'array' THEN %s ELSE jsonb_build_array(%s) END) AS %s(v) WHERE %s)",
			x, x, x, x, x, a, c.pgElem(a+".v", p))
	}
	path := litePath(steps)
	if p.kind == pExists {
		return fmt.Sprintf("json_type(%s, %s) IS NOT NULL", root, path)
	}
	return fmt.Sprintf("EXISTS (SELECT 1 FROM json_each(%s, %s) AS %s WHERE json_type(%s, %s) <> 'object' AND (%s))",
		root, path, a, root, path, c.liteElem(a, p))
}

// liteElem is the predicate on one json_each row of SQLite (columns type
// and value).
func (c *compiler) liteElem(a string, p pred) string {
	typ, val := a+".type", a+".value"
	switch p.kind {
	case pNonNull:
		return typ + " <> 'null'"
	case pRegex:
		return typ + " = 'text' AND " + c.regex(val, p)
	case pRefIn:
		c.args = append(c.args, p.sub...)
		return fmt.Sprintf("%s = 'object' AND json_extract(%s, '$.uid') IN (%s)", typ, val, p.values[0])
	}
	var ors []string
	for _, v := range p.values {
		op := "="
		if p.kind == pCmp {
			op = p.op
		}
		switch x := v.(type) {
		case string:
			c.args = append(c.args, x)
			ors = append(ors, fmt.Sprintf("(%s = 'text' AND %s %s ?)", typ, val, op))
		case float64:
			c.args = append(c.args, x)
			ors = append(ors, fmt.Sprintf("(%s IN ('integer', 'real') AND %s %s ?)", typ, val, op))
		case bool:
			ors = append(ors, fmt.Sprintf("%s = '%t'", typ, x))
		}
	}
	return orNever(ors)
}

// pgElem is the predicate on one jsonb element v of PostgreSQL. The CASEs
// make the casts safe: PostgreSQL does not promise to evaluate AND in order.
func (c *compiler) pgElem(v string, p pred) string {
	str := fmt.Sprintf("(CASE WHEN jsonb_typeof(%s) = 'string' THEN %s #>> '{}' END)", v, v)
	num := fmt.Sprintf("(CASE WHEN jsonb_typeof(%s) = 'number' THEN (%s #>> '{}')::numeric END)", v, v)
	switch p.kind {
	case pNonNull:
		return fmt.Sprintf("jsonb_typeof(%s) <> 'null'", v)
	case pRegex:
		return c.regex(str, p)
	case pRefIn:
		c.args = append(c.args, p.sub...)
		return fmt.Sprintf("jsonb_typeof(%s) = 'object' AND (%s ->> 'uid') IN (%s)", v, v, p.values[0])
	}
	var ors []string
	for _, val := range p.values {
		op := "="
		if p.kind == pCmp {
			op = p.op
		}
		switch x := val.(type) {
		case string:
			c.args = append(c.args, x)
			ors = append(ors, fmt.Sprintf(`%s COLLATE "C" %s ?`, str, op))
		case float64:
			c.args = append(c.args, x)
			ors = append(ors, fmt.Sprintf("%s %s ?", num, op))
		case bool:
			ors = append(ors, fmt.Sprintf("%s = '%t'::jsonb", v, x))
		}
	}
	return orNever(ors)
}

func orNever(ors []string) string {
	if len(ors) == 0 {
		return never
	}
	return strings.Join(ors, " OR ")
}

func (c *compiler) alias() string {
	c.aliases++
	return fmt.Sprintf("j%d", c.aliases)
}

// litePath is a SQLite JSON path literal ('$."a"."b"'): every key quoted
// as a JSON path label and the whole escaped as a SQL string, so no key
// can end the literal whatever the resolver handed over (checkSteps
// refuses the keys a label cannot hold).
func litePath(steps []Step) string {
	var b strings.Builder
	b.WriteString("'$")
	for _, s := range steps {
		b.WriteString(`."` + strings.ReplaceAll(s.Key, "'", "''") + `"`)
	}
	return b.String() + "'"
}

// pgPath is a PostgreSQL text[] path literal ('{"a","b"}'): every key an
// escaped array element, the whole escaped as a SQL string.
func pgPath(steps []Step) string {
	keys := make([]string, len(steps))
	for i, s := range steps {
		k := strings.ReplaceAll(strings.ReplaceAll(s.Key, `\`, `\\`), `"`, `\"`)
		keys[i] = `"` + strings.ReplaceAll(k, "'", "''") + `"`
	}
	return "'{" + strings.Join(keys, ",") + "}'"
}

// checkSteps refuses a path whose keys no JSON path literal can hold on
// both engines: empty, over 100 bytes, or with a double quote, a NUL or
// invalid UTF-8. Resolvers only hand over schema field uids today; this
// check keeps the SQL safe without relying on that.
func checkSteps(path string, steps []Step) error {
	for _, s := range steps {
		if s.Key == "" || len(s.Key) > 100 || strings.ContainsAny(s.Key, "\"\x00") || !utf8.ValidString(s.Key) {
			return Invalid("%q is not a valid field path.", path)
		}
	}
	return nil
}

// OrderBy returns the ORDER BY terms that sort by path. Missing values and
// nulls come first in ascending order and last in descending order on both
// engines; strings sort byte-wise. A path through an array cannot be
// sorted by.
func OrderBy(path string, desc bool, d Dialect, resolve Resolver) (string, error) {
	if err := checkPath(path); err != nil {
		return "", err
	}
	f, err := resolve(path)
	if err != nil {
		return "", err
	}
	dir := " ASC NULLS FIRST"
	if desc {
		dir = " DESC NULLS LAST"
	}
	c := &compiler{d: d}
	if f.Kind != JSON {
		return c.textKey(f.Column, f.Kind) + dir, nil
	}
	for _, s := range f.Steps {
		if s.Array {
			return "", Invalid("%s lies inside a list of values; results cannot be sorted by it.", path)
		}
	}
	if err := checkSteps(path, f.Steps); err != nil {
		return "", err
	}
	if !d.pg() {
		return "json_extract(" + f.Column + ", " + litePath(f.Steps) + ")" + dir, nil
	}
	// SQLite's json_extract orders nulls, then numbers, then strings; the
	// same ranks on PostgreSQL, then the value within its type.
	x := "(CAST(" + f.Column + " AS jsonb) #> " + pgPath(f.Steps) + ")"
	d2 := " ASC"
	if desc {
		d2 = " DESC"
	}
	rank := fmt.Sprintf("CASE WHEN %s IS NULL OR jsonb_typeof(%s) = 'null' THEN 0 WHEN jsonb_typeof(%s) = 'number' THEN 1 "+
		"WHEN jsonb_typeof(%s) = 'string' THEN 2 ELSE 3 END", x, x, x, x)
	return fmt.Sprintf("%s%s, (CASE WHEN jsonb_typeof(%s) = 'number' THEN (%s #>> '{}')::numeric END)%s, (CASE WHEN jsonb_typeof(%s) = 'string' THEN %s #>> '{}' END) COLLATE \"C\"%s",
		rank, d2, x, x, d2, x, x, d2), nil
}
