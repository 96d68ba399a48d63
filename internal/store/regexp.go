package store

import (
	"database/sql/driver"
	"regexp"
	"sync"

	sqlite "modernc.org/sqlite"
)

// SQLite has no regular expressions of its own. The query compiler
// (internal/query) calls regexp(pattern, value) on SQLite, and this file
// registers that function for every SQLite connection the driver opens.
// Patterns are Go (RE2) regular expressions; "(?i)" makes one
// case-insensitive. A NULL or non-text value matches nothing.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("regexp", 2, sqliteRegexp)
}

// regexpCacheMax bounds the compiled patterns kept between calls; the cache
// is emptied when it is full.
const regexpCacheMax = 256

var (
	regexpMu    sync.Mutex
	regexpCache = map[string]*regexp.Regexp{}
)

func sqliteRegexp(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	pattern, ok := args[0].(string)
	if !ok {
		return nil, nil
	}
	var s string
	switch v := args[1].(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return nil, nil
	}
	re, err := compiledRegexp(pattern)
	if err != nil {
		return nil, err
	}
	if re.MatchString(s) {
		return int64(1), nil
	}
	return int64(0), nil
}

func compiledRegexp(pattern string) (*regexp.Regexp, error) {
	regexpMu.Lock()
	defer regexpMu.Unlock()
	if re, ok := regexpCache[pattern]; ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	if len(regexpCache) >= regexpCacheMax {
		clear(regexpCache)
	}
	regexpCache[pattern] = re
	return re, nil
}
