package domain

// MapFiles replaces, in place, every value of a file field in data (an
// entry's fields as stored: asset uids) with fn(uid), following fields (a
// schema with its global fields expanded, Expand) into groups, global
// fields and blocks. Values that are not uids are left as they are.
// Contentstack shows file fields on CMA reads as asset objects; the csdx
// import finds the assets to rewrite that way.
func MapFiles(fields []Field, data map[string]any, fn func(uid string) any) {
	for _, f := range fields {
		v, ok := data[f.UID]
		if !ok {
			continue
		}
		switch f.DataType {
		case TypeFile:
			data[f.UID] = mapUIDs(v, fn)
		case TypeGroup, TypeGlobalField:
			for _, obj := range objectsOf(v) {
				MapFiles(f.Schema, obj, fn)
			}
		case TypeBlocks:
			for _, item := range objectsOf(v) {
				for _, b := range f.Blocks {
					if inner, ok := item[b.UID].(map[string]any); ok {
						MapFiles(b.Schema, inner, fn)
					}
				}
			}
		}
	}
}

// mapUIDs applies fn to a uid or to each uid of a list.
func mapUIDs(v any, fn func(string) any) any {
	switch x := v.(type) {
	case string:
		return fn(x)
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = it
			if s, ok := it.(string); ok {
				out[i] = fn(s)
			}
		}
		return out
	}
	return v
}

// objectsOf returns the object v holds, or the objects of the list v holds.
func objectsOf(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		out := make([]map[string]any, 0, len(x))
		for _, it := range x {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
