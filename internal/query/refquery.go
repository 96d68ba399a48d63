package query

import "strings"

// refQuery compiles $in_query / $nin_query: some reference of the field
// (none, for $nin_query) points to an entry the subquery matches. The
// subquery is compiled first, into its own arguments, and its SQL and
// arguments are placed where the reference's uid is compared, so the
// arguments stay in the order of their placeholders.
func (c *compiler) refQuery(x RefQuery) (string, error) {
	f, err := c.resolve(x.Path)
	if err != nil {
		return "", err
	}
	if f.Refs == nil || f.Kind != JSON {
		return "", Invalid("%s is not a reference field; $in_query and $nin_query apply to reference fields.", x.Path)
	}
	sub, subArgs, err := c.refSubquery(x, f.Refs)
	if err != nil {
		return "", err
	}
	sql := c.json(f, pred{kind: pRefIn, values: []any{sub}, sub: subArgs})
	if x.Not {
		return "NOT (" + sql + ")", nil
	}
	return sql, nil
}

// refSubquery is SELECT uid FROM the referenced entries WHERE, for one of
// the field's content types, the subquery holds in that content type's
// schema. A path that no referenced content type has is a 422.
func (c *compiler) refSubquery(x RefQuery, refs *Refs) (string, []any, error) {
	child := &compiler{d: c.d, aliases: c.aliases}
	defer func() { c.aliases = child.aliases }()
	child.args = append(child.args, refs.Args...)
	var parts []string
	var firstErr error
	for _, t := range refs.Types {
		if t.Resolve == nil {
			continue
		}
		child.resolve = t.Resolve
		mark := len(child.args)
		where, err := child.node1(x.Sub)
		if err != nil {
			child.args = child.args[:mark]
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		child.args = append(child.args[:mark], append([]any{t.UID}, child.args[mark:]...)...)
		parts = append(parts, "("+refs.Type+" = ? AND ("+where+"))")
	}
	if len(parts) == 0 {
		if firstErr != nil {
			return "", nil, firstErr
		}
		parts = []string{never}
	}
	where := refs.Where
	if where == "" {
		where = always
	}
	sql := "SELECT " + refs.UID + " FROM " + refs.From + " WHERE " + where + " AND (" + strings.Join(parts, " OR ") + ")"
	return sql, child.args, nil
}

// node1 compiles n, or "1=1" for a nil n.
func (c *compiler) node1(n Node) (string, error) {
	if n == nil {
		return always, nil
	}
	return c.node(n)
}
