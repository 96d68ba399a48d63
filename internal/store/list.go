package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stackd/stackd/internal/query"
)

// ListFilter selects one page of a stack's content types, global fields
// or locales: a parsed query, a sort field, paging, and whether to count.
type ListFilter struct {
	APIKey      string
	Query       query.Node
	Asc, Desc   string // field to sort by, ascending or descending
	Skip, Limit int
	Count       bool // also return the number of matching rows
	CountOnly   bool // return only that number
}

// pageQuery is one page of a list built per request: SELECT cols FROM from
// WHERE where ORDER BY order, with the args of from and where in order.
type pageQuery struct {
	cols, from, where, order string
	args                     []any
	skip, limit              int
	count, countOnly         bool
}

// dynamic runs statements built per request: rebound for PostgreSQL
// without the statement cache, which is meant for fixed statements.
func (c conn) dynamic(q string) string {
	if c.d.dollar {
		return dollarize(q)
	}
	return q
}

// page counts (when asked) and reads one page of q, calling scan for each
// row. It returns the count, 0 when not asked.
// The statements run on the list pool under the list timeout (lists.go).
func (c conn) page(ctx context.Context, q pageQuery, scan func(*sql.Rows) error) (int, error) {
	lc, ctx, cancel := c.forList(ctx)
	defer cancel()
	total := 0
	if q.count || q.countOnly {
		err := lc.rowRaw(ctx, c.dynamic("SELECT COUNT(*) FROM "+q.from+" WHERE "+q.where), q.args...).Scan(&total)
		if err != nil {
			return 0, c.listErr(ctx, queryErr(err, "count"))
		}
		if q.countOnly {
			return total, nil
		}
	}
	args := append(append([]any{}, q.args...), q.limit, q.skip)
	rows, err := lc.queryRaw(ctx, c.dynamic("SELECT "+q.cols+" FROM "+q.from+" WHERE "+q.where+" ORDER BY "+q.order+" LIMIT ? OFFSET ?"), args...)
	if err != nil {
		return 0, c.listErr(ctx, queryErr(err, "list"))
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return 0, c.listErr(ctx, fmt.Errorf("store: scan %s: %w", q.from, err))
		}
	}
	if err := rows.Err(); err != nil {
		return 0, c.listErr(ctx, queryErr(err, "list"))
	}
	return total, nil
}

// queryErr names a failed list statement. PostgreSQL refuses a few
// regular expressions that the query parser's RE2 check accepts (\pL,
// (?P<name>…)): that is the client's mistake, a 422, not a 500.
func queryErr(err error, what string) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "2201B" {
		return query.Invalid("a $regex uses syntax PostgreSQL does not support (%s).", pg.Message)
	}
	return fmt.Errorf("store: %s rows: %w", what, err)
}

// filter compiles f's query and sort for the resolver; def is the order
// when f names none. tie is appended to every order so pages are stable.
func (c conn) filter(f ListFilter, resolve query.Resolver, def, tie string) (where string, args []any, order string, err error) {
	d := query.Dialect{Name: c.d.name}
	where, args, err = query.Compile(f.Query, d, resolve)
	if err != nil {
		return "", nil, "", err
	}
	order = def
	switch {
	case f.Asc != "":
		order, err = query.OrderBy(f.Asc, false, d, resolve)
	case f.Desc != "":
		order, err = query.OrderBy(f.Desc, true, d, resolve)
	}
	if err != nil {
		return "", nil, "", err
	}
	return where, args, order + ", " + tie, nil
}

// columns resolves query paths to the columns named in cols, and paths
// under a JSON column ("options.is_page") into it.
func columns(alias string, cols map[string]query.Field, jsonCols ...string) query.Resolver {
	return func(path string) (query.Field, error) {
		if f, ok := cols[path]; ok {
			f.Column = alias + f.Column
			return f, nil
		}
		for _, jc := range jsonCols {
			if rest, ok := strings.CutPrefix(path, jc+"."); ok {
				var steps []query.Step
				for _, k := range strings.Split(rest, ".") {
					steps = append(steps, query.Step{Key: k})
				}
				return query.Field{Column: alias + jc, Kind: query.JSON, Steps: steps}, nil
			}
		}
		return query.Field{}, query.Invalid("%q is not a field you can query here.", path)
	}
}

// commonCols are the system fields every listed resource has.
var commonCols = map[string]query.Field{
	"uid":        {Column: "uid", Kind: query.Text},
	"_version":   {Column: "version", Kind: query.Number},
	"created_by": {Column: "created_by", Kind: query.Text},
	"updated_by": {Column: "updated_by", Kind: query.Text},
	"created_at": {Column: "created_at", Kind: query.Time},
	"updated_at": {Column: "updated_at", Kind: query.Time},
}

// withCols returns commonCols plus extra.
func withCols(extra map[string]query.Field) map[string]query.Field {
	out := maps.Clone(commonCols)
	maps.Copy(out, extra)
	return out
}
