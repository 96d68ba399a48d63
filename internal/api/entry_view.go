package api

import (
	"fmt"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// entryView shows entries with what a read asked to include: every
// reference an include[] path names replaced by the entry it points to (as
// the read's scope serves it: the published version on the CDA, the
// current one on the CMA), references to entries the scope does not serve
// left out, and file fields shown as their asset objects.
//
// Everything it shows was read beforehand in a bounded number of queries
// (store.ResolveIncludes and one read of the assets), so showing a page of
// entries makes no query per reference.
type entryView struct {
	opts     entryOptions
	included store.Included
	// assets are the asset objects of file fields by uid.
	assets map[string]map[string]any
	// keepMissing keeps a file field's uid when its asset is not in
	// assets (the CMA shows uids of deleted assets as they are); the CDA
	// leaves such values out, as it leaves out unpublished references.
	keepMissing bool
	// show is an entry's JSON without includes: its fields and system
	// fields (and publish_details on the CDA).
	show  func(pe domain.PublishedEntry) map[string]any
	shown int
}

// entry shows one entry: its JSON, its files, and the references inc
// names, at include path at and depth (0 for the entries asked for).
func (v *entryView) entry(pe domain.PublishedEntry, inc domain.Includes, at string, depth int) (map[string]any, error) {
	pe.Entry.Data = cloneData(pe.Entry.Data)
	m := v.show(pe)
	fields := v.included.Fields[pe.Entry.ContentType]
	v.files(fields, m)
	if v.opts.metadata {
		m["_metadata"] = map[string]any{}
	}
	return m, v.expand(m, fields, inc, at, depth)
}

// expand replaces, in m (an entry's JSON with the fields of schema
// fields), the references inc names by the entries they point to.
// Referenced entries are shown up to domain.MaxIncludeDepth levels deep;
// deeper references stay as stored.
func (v *entryView) expand(m map[string]any, fields []domain.Field, inc domain.Includes, at string, depth int) error {
	if len(inc) == 0 || depth >= domain.MaxIncludeDepth {
		return nil
	}
	var err error
	domain.WalkIncludes(fields, m, inc, func(path string, _ domain.Field, below domain.Includes, val any) any {
		if err != nil {
			return val
		}
		full := joinInclude(at, path)
		out := []any{}
		for _, t := range domain.RefTargets(val) {
			ref, ok := v.included.Entries[t.UID]
			if !ok {
				continue // not served in this scope: left out
			}
			if v.shown++; v.shown > domain.MaxIncludedObjects {
				err = domain.ErrInvalid("include", fmt.Sprintf("shows more than %d referenced entries; include fewer paths or ask for fewer entries (limit).",
					domain.MaxIncludedObjects))
				return val
			}
			var child map[string]any
			if child, err = v.entry(ref, below, full, depth+1); err != nil {
				return val
			}
			child = v.opts.proj.At(full).Apply(child)
			if v.opts.refCT {
				child["_content_type_uid"] = ref.Entry.ContentType
			}
			out = append(out, child)
		}
		return out
	})
	return err
}

func joinInclude(at, path string) string {
	if at == "" {
		return path
	}
	return at + "." + path
}

// files shows the file fields of m as their asset objects.
func (v *entryView) files(fields []domain.Field, m map[string]any) {
	domain.WalkFiles(fields, m, func(_ domain.Field, val any) (any, bool) {
		switch x := val.(type) {
		case string:
			if as, ok := v.assets[x]; ok {
				return as, false
			}
			return x, !v.keepMissing
		case []any:
			out := make([]any, 0, len(x))
			for _, it := range x {
				uid, _ := it.(string)
				if as, ok := v.assets[uid]; ok {
					out = append(out, as)
				} else if v.keepMissing {
					out = append(out, it)
				}
			}
			return out, false
		}
		return val, false
	})
}

// fileUIDs lists the asset uids of the file fields of entries (each with
// the schema of its content type in fields), each once.
func fileUIDs(fields map[string][]domain.Field, entries ...[]domain.Entry) []string {
	seen := map[string]bool{}
	var out []string
	add := func(uid string) {
		if uid != "" && !seen[uid] {
			seen[uid] = true
			out = append(out, uid)
		}
	}
	for _, list := range entries {
		for _, e := range list {
			domain.WalkFiles(fields[e.ContentType], e.Data, func(_ domain.Field, val any) (any, bool) {
				switch x := val.(type) {
				case string:
					add(x)
				case []any:
					for _, it := range x {
						s, _ := it.(string)
						add(s)
					}
				}
				return val, false
			})
		}
	}
	return out
}

// includedEntries returns the entries of an Included as a list.
func includedEntries(inc store.Included) []domain.Entry {
	out := make([]domain.Entry, 0, len(inc.Entries))
	for _, pe := range inc.Entries {
		out = append(out, pe.Entry)
	}
	return out
}

// cloneData copies an entry's data deeply (objects and lists), so that a
// view can replace references and files in it without changing an entry
// shown elsewhere in the same answer.
func cloneData(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneData(x)
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = cloneValue(it)
		}
		return out
	}
	return v
}
