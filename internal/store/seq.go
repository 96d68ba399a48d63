package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

func init() { registerStackTables("stack_seq") }

// bumpSeq advances the stack's change counter in the caller's transaction
// and returns the new value; later calls in the same transaction return
// that value again, so one transaction is one step of the counter. The upsert locks the stack's row until the
// transaction ends (PostgreSQL) or runs under SQLite's single writer, so
// two transactions that bump one stack commit in the order of their
// values: readers that see value n see every change numbered below it.
// No sequence and no clock is involved, so the order holds across
// instances sharing one database.
func bumpSeq(ctx context.Context, c conn, apiKey string) (int64, error) {
	if c.st != nil {
		if seq, ok := c.st.seq[apiKey]; ok {
			return seq, nil
		}
	}
	var seq int64
	err := c.row(ctx, `INSERT INTO stack_seq (api_key, seq) VALUES (?, 1)
		ON CONFLICT (api_key) DO UPDATE SET seq = stack_seq.seq + 1 RETURNING seq`, apiKey).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("store: bump change counter of %s: %w", apiKey, err)
	}
	if c.st != nil {
		c.st.seq[apiKey] = seq
	}
	return seq, nil
}

// StackSeq returns the stack's change counter: 0 for a stack that has not
// changed since the counter was added. It is one indexed read, which is
// how a cache on any instance learns whether what it holds is current.
// A request carrying the stack's view (WithView) read it already with the
// stack row: that value is returned without another read.
func (s *Store) StackSeq(ctx context.Context, apiKey string) (int64, error) {
	if v := viewOf(ctx, s.read(), apiKey); v != nil {
		return v.seq, nil
	}
	var seq int64
	err := s.read().row(ctx, `SELECT seq FROM stack_seq WHERE api_key = ?`, apiKey).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: read change counter of %s: %w", apiKey, err)
	}
	return seq, nil
}

// seqModules are the modules whose every audited change bumps the counter:
// credentials, rights, and what the delivery side reads beside published
// items (environments, locales, schemas).
var seqModules = map[string]bool{
	string(domain.ModStack): true, string(domain.ModStackUsers): true, string(domain.ModManagementToken): true,
	string(domain.ModDeliveryToken): true, string(domain.ModRole): true, string(domain.ModEnvironment): true,
	string(domain.ModLocale): true, string(domain.ModContentType): true, string(domain.ModGlobalField): true,
}

// bumpsSeq reports whether an audited change advances the stack's counter:
// any delete, publish or unpublish, and any change of a seqModules module.
// Entry and asset creates and updates do not: they change no published
// item and no right, and bumping on them would serialize every writer of
// a stack on PostgreSQL for nothing.
func bumpsSeq(a *domain.AuditEntry) bool {
	if a == nil || a.APIKey == "" {
		return false
	}
	switch a.EventType {
	case "delete", "publish", "unpublish":
		return true
	}
	return seqModules[a.Module]
}
