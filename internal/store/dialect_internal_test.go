package store

import (
	"fmt"
	"sync"
	"testing"
)

// TestRebindCacheBounded: statements built per request do not make the
// rebind cache grow without bound, and every answer stays right.
func TestRebindCacheBounded(t *testing.T) {
	d := &dialect{name: "postgres", dollar: true}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				q := fmt.Sprintf("SELECT a FROM t WHERE x = ? AND y IN (%s) AND z = 'it''s ?' /* %d-%d */", placeholders(i%7+1), w, i)
				want := fmt.Sprintf("SELECT a FROM t WHERE x = $1 AND y IN (%s) AND z = 'it''s ?' /* %d-%d */", dollars(2, i%7+1), w, i)
				if got := d.rebind(q); got != want {
					t.Errorf("rebind(%q) = %q, want %q", q, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := d.rebinds.len(); n > maxRebinds {
		t.Errorf("the rebind cache holds %d statements, more than %d", n, maxRebinds)
	}
	fixed := "SELECT uid FROM users WHERE email = ?"
	if d.rebind(fixed) != "SELECT uid FROM users WHERE email = $1" || d.rebind(fixed) != "SELECT uid FROM users WHERE email = $1" {
		t.Error("a cached statement came back wrong")
	}
}

// dollars returns "$from, …" with n numbered placeholders.
func dollars(from, n int) string {
	s := ""
	for i := range n {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("$%d", from+i)
	}
	return s
}
