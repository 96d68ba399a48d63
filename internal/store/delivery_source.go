package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

// readScope is which version of entries a read sees: as published to an
// environment (the CDA; env is its uid), or their current versions (the
// CMA; env ""), in the locales of chain, the first it has content in
// winning.
type readScope struct {
	apiKey string
	env    string
	chain  []string
}

// entryNarrow narrows a source to some content types and, when uids is
// set, to the entries it names (a JSON array, one argument whatever its
// length).
type entryNarrow struct {
	contentTypes []string
	uids         string
}

// source is the FROM item (aliased alias) of the entries sc serves, with
// its arguments, and the condition that keeps one row per entry
// (fallback_rank 1 is the locale an entry is served in). Its columns are
// entryCols, then on the CDA pub_locale, published_at and published_by.
func (sc readScope) source(d *dialect, alias string, n entryNarrow) (string, []any, string) {
	if sc.env == "" {
		return sc.currentSource(d, alias, n)
	}
	rank, args := rankedLocales("p.locale", "p.uid", sc.chain)
	var b strings.Builder
	b.WriteString(`(SELECT ` + prefixed("v.", entryCols) + `, p.locale AS pub_locale, p.published_at, p.published_by, ` + rank + `
		FROM published_entries p JOIN entry_versions v ON v.api_key = p.api_key AND v.uid = p.uid AND v.locale = p.source_locale
		AND v.version = p.version WHERE p.api_key = ? AND p.environment_uid = ?`)
	args = append(args, sc.apiKey, sc.env)
	args = n.write(&b, d, "p.", args)
	b.WriteString(` AND p.locale IN (` + placeholders(len(sc.chain)) + `)) ` + alias)
	for _, l := range sc.chain {
		args = append(args, l)
	}
	return b.String(), args, alias + ".fallback_rank = 1"
}

// currentSource is source for the current versions (the entries table).
func (sc readScope) currentSource(d *dialect, alias string, n entryNarrow) (string, []any, string) {
	rank, args := rankedLocales("x.locale", "x.uid", sc.chain)
	var b strings.Builder
	b.WriteString(`(SELECT ` + prefixed("x.", entryCols) + `, ` + rank + ` FROM entries x WHERE x.api_key = ?`)
	args = append(args, sc.apiKey)
	args = n.write(&b, d, "x.", args)
	b.WriteString(` AND x.locale IN (` + placeholders(len(sc.chain)) + `)) ` + alias)
	for _, l := range sc.chain {
		args = append(args, l)
	}
	return b.String(), args, alias + ".fallback_rank = 1"
}

// write appends n's conditions on the columns of table alias t.
func (n entryNarrow) write(b *strings.Builder, d *dialect, t string, args []any) []any {
	switch len(n.contentTypes) {
	case 0:
	case 1:
		b.WriteString(" AND " + t + "content_type_uid = ?")
		args = append(args, n.contentTypes[0])
	default:
		b.WriteString(" AND " + t + "content_type_uid IN (" + placeholders(len(n.contentTypes)) + ")")
		for _, ct := range n.contentTypes {
			args = append(args, ct)
		}
	}
	if n.uids != "" {
		b.WriteString(" AND " + t + "uid IN (" + d.jsonValues() + ")")
		args = append(args, n.uids)
	}
	return args
}

// jsonValues is a subquery listing the strings of a JSON array argument:
// a list of any length is one argument.
func (d *dialect) jsonValues() string {
	if d.name == "postgres" {
		return "SELECT jsonb_array_elements_text(CAST(? AS jsonb))"
	}
	return "SELECT value FROM json_each(?)"
}

// jsonArg encodes a list as the one argument of jsonValues.
func jsonArg(values []string) string {
	b, _ := json.Marshal(values)
	return string(b)
}

// refResolver resolves the paths of queries on entries, reference fields
// included: a reference field carries the source of the entries it may
// point to, in the same scope, for $in_query and $nin_query. Schemas of
// referenced content types are read when a subquery first needs them.
type refResolver struct {
	ctx     context.Context
	c       conn
	scope   readScope
	schemas map[string][]domain.Field // expanded, by content type; nil for one that does not exist
	aliases int
}

func newRefResolver(ctx context.Context, c conn, scope readScope) *refResolver {
	return &refResolver{ctx: ctx, c: c, scope: scope, schemas: map[string][]domain.Field{}}
}

// resolver resolves paths in fields for rows aliased alias.
func (rr *refResolver) resolver(alias string, fields []domain.Field) query.Resolver {
	base := entryResolver(alias, fields)
	return func(path string) (query.Field, error) {
		f, err := base(path)
		if err != nil {
			return f, err
		}
		if fd, ok := domain.FieldAt(fields, path); ok && fd.DataType == domain.TypeReference {
			f.Refs, err = rr.refs(fd.ReferenceTo)
		}
		return f, err
	}
}

// refs is the source of the entries of content types cts in the scope.
func (rr *refResolver) refs(cts []string) (*query.Refs, error) {
	rr.aliases++
	alias := fmt.Sprintf("r%d", rr.aliases)
	from, args, where := rr.scope.source(rr.c.d, alias, entryNarrow{contentTypes: cts})
	refs := &query.Refs{From: from, Args: args, Where: where, UID: alias + ".uid", Type: alias + ".content_type_uid"}
	for _, ct := range cts {
		fields, err := rr.schema(ct)
		if err != nil {
			return nil, err
		}
		t := query.RefType{UID: ct}
		if fields != nil {
			t.Resolve = rr.resolver(alias, fields)
		}
		refs.Types = append(refs.Types, t)
	}
	return refs, nil
}

// schema returns the expanded schema of content type ct, nil when it
// does not exist.
func (rr *refResolver) schema(ct string) ([]domain.Field, error) {
	if fields, ok := rr.schemas[ct]; ok {
		return fields, nil
	}
	_, fields, err := entrySchema(rr.ctx, rr.c, rr.scope.apiKey, ct)
	if domain.IsKind(err, domain.KindInvalid) {
		fields, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	rr.schemas[ct] = fields
	return fields, nil
}
