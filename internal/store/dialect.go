package store

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what differs between the SQL engines.
type dialect struct {
	name    string // "sqlite" or "postgres"
	dollar  bool   // placeholders are $1, $2, … instead of ?
	rebinds rebindCache
	// forUpdate locks rows read for a read-modify-write. SQLite needs none:
	// its write transactions start IMMEDIATE and so already hold the lock.
	forUpdate string
	// tables lists the user tables of the current database or schema.
	tables string
}

// maxRebinds bounds the rebind cache. stackd's fixed statements number a
// few hundred; statements built per request (filters, IN lists of any
// length) would otherwise make the cache grow for as long as the process runs.
const maxRebinds = 1024

// rebindCache maps statements to their PostgreSQL form, holding at most
// maxRebinds: when full, an arbitrary entry (Go's map order) makes room.
type rebindCache struct {
	mu sync.RWMutex
	m  map[string]string
}

func (c *rebindCache) get(q string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[q]
	return v, ok
}

func (c *rebindCache) put(q, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]string, maxRebinds)
	}
	for k := range c.m {
		if len(c.m) < maxRebinds {
			break
		}
		delete(c.m, k)
	}
	c.m[q] = v
}

// rebind turns ? placeholders into $n for PostgreSQL. Results are cached
// (boundedly; see rebindCache).
func (d *dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	if v, ok := d.rebinds.get(q); ok {
		return v
	}
	out := dollarize(q)
	d.rebinds.put(q, out)
	return out
}

// dollarize numbers the ? placeholders of q outside string literals.
// Statements built per request (query filters) are rebound with it
// directly, since caching them would let the cache grow without bound.
func dollarize(q string) string {
	var b strings.Builder
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isUnique reports whether err is a unique-constraint violation.
func (d *dialect) isUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		c := lite.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isRetryable reports whether a transaction failed only because of
// contention and may be run again.
func (d *dialect) isRetryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		c := lite.Code() & 0xff // extended codes carry the primary code in their low byte
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}
