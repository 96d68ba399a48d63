package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

// Labels, extensions and webhooks (labels.go, extensions.go, webhooks.go)
// share the helpers below.

func init() { registerStackTables("labels", "extensions", "webhooks") }

// extrasLockStack locks the stack's row for the rest of the transaction,
// so that writes whose checks span several rows of one stack (label
// parents, the extension limit) run one at a time per stack. SQLite needs
// no lock: its write transactions already run one at a time.
func extrasLockStack(ctx context.Context, c conn, apiKey string) error {
	var k string
	err := c.row(ctx, `SELECT api_key FROM stacks WHERE api_key = ?`+c.lock(), apiKey).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ErrStackUnknown()
	}
	if err != nil {
		return fmt.Errorf("store: lock stack: %w", err)
	}
	return nil
}

// extrasJSON encodes a list for a JSON TEXT column; nil becomes [].
func extrasJSON(list []string) string {
	if list == nil {
		return "[]"
	}
	b, _ := json.Marshal(list) // a []string always marshals
	return string(b)
}

// extrasStrings decodes a JSON TEXT column holding a list of strings.
func extrasStrings(col, s string) ([]string, error) {
	out := []string{}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("store: decode %s: %w", col, err)
	}
	return out, nil
}
