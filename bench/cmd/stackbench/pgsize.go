package main

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// reportPGSize prints the database's size and that of the entry tables
// and the audit log (with their indexes), per entry.
func reportPGSize(ctx context.Context, dsn string, entries int) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var total int64
	if err := db.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&total); err != nil {
		return err
	}
	fmt.Printf("PostgreSQL database: %.0f MB, %d bytes per entry\n", float64(total)/1e6, total/int64(entries))
	for _, t := range []string{"entries", "entry_versions", "audit_log"} {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT pg_total_relation_size($1::regclass)`, t).Scan(&n); err != nil {
			return err
		}
		fmt.Printf("  %-15s %5.0f MB, %d bytes per entry\n", t, float64(n)/1e6, n/int64(entries))
	}
	return nil
}
