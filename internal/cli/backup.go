package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/backup"
	"github.com/stackd/stackd/internal/store"
)

// backupCmd is `stackd backup --data DIR --out FILE`: an archive of a
// SQLite stackd, taken while the server runs (docs/operations.md).
func backupCmd(ctx context.Context, env Env, args []string) error {
	f := newFlags("backup", env)
	data := f.str("data", "./stackd-data", "the data folder of the stackd to back up")
	database := f.str("database", "", "must be empty: backups of PostgreSQL are made with pg_dump")
	secretKey := f.str("secret-key", "", "accepted for symmetry with serve; a key given this way is not in the data folder, so not in the archive")
	out := f.String("out", "", "the archive to write (tar.gz, mode 0600); must not exist")
	if err := f.Parse(args); err != nil {
		return err
	}
	if store.IsPostgres(*database) {
		return errors.New("stackd backup works on SQLite only. On PostgreSQL, back up the database with pg_dump, " +
			"the asset folder <data>/assets and the secret key (see docs/operations.md, \"Backups on PostgreSQL\")")
	}
	if *out == "" {
		return errors.New("--out is required: the archive to write")
	}
	m, err := backup.Create(ctx, *data, *out, Version)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s: database, %d asset files, secret key: %v\n", *out, m.Files, m.SecretKey)
	if len(m.Missing) > 0 {
		fmt.Fprintf(env.Stderr, "stackd: warning: %d asset files named by the database were missing from %s/assets (listed in backup.json)\n", len(m.Missing), *data)
	}
	if !m.SecretKey {
		where := "no secret.key in the data folder"
		if *secretKey != "" {
			where = "the key given with --secret-key is not in the archive"
		}
		fmt.Fprintf(env.Stderr, "stackd: warning: %s: keep the server's --secret-key with this backup; without it sealed secrets (delivery tokens, TOTP seeds) cannot be opened\n", where)
	}
	return nil
}

// restoreCmd is `stackd restore --in FILE --data DIR`: unpacks an archive
// of `stackd backup` into a missing or empty folder.
func restoreCmd(ctx context.Context, env Env, args []string) error {
	f := newFlags("restore", env)
	in := f.String("in", "", "the archive written by stackd backup")
	data := f.String("data", "", "the folder to restore into; must be missing or empty")
	if err := f.Parse(args); err != nil {
		return err
	}
	if *in == "" || *data == "" {
		return errors.New("--in and --data are required")
	}
	m, err := backup.Restore(ctx, *in, *data)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored the backup of %s into %s: database, %d asset files, secret key: %v\n",
		m.CreatedAt.Format("2006-01-02T15:04:05Z"), *data, m.Files, m.SecretKey)
	return nil
}
