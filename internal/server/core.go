package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// Core is what both the server and the admin subcommands use: the store,
// the password hasher and the secret box.
type Core struct {
	Store  *store.Store
	Hasher *auth.Hasher
	Box    *auth.Box
	Key    []byte
}

// OpenCore opens the database with the default store options and loads
// (or creates) the secret key.
func OpenCore(ctx context.Context, dataDir, database, secretKey string, cost auth.Params) (*Core, error) {
	return OpenCoreWith(ctx, secretKey, cost, store.Options{Database: database, DataDir: dataDir,
		StatementTimeout: store.DefaultStatementTimeout})
}

// OpenCoreWith opens the database o describes and loads (or creates) the
// secret key in o.DataDir.
func OpenCoreWith(ctx context.Context, secretKey string, cost auth.Params, o store.Options) (*Core, error) {
	if o.DataDir == "" {
		return nil, errors.New("server: --data must not be empty")
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: create data dir: %w", err)
	}
	key, err := loadSecret(o.DataDir, secretKey)
	if err != nil {
		return nil, err
	}
	box, err := auth.NewBox(key)
	if err != nil {
		return nil, err
	}
	st, err := store.OpenWith(store.Background(ctx), o)
	if err != nil {
		return nil, err
	}
	return &Core{Store: st, Hasher: newHasher(cost), Box: box, Key: key}, nil
}

// NewCore wraps an open store, for tests that bring their own.
func NewCore(st *store.Store, key []byte, cost auth.Params) (*Core, error) {
	box, err := auth.NewBox(key)
	if err != nil {
		return nil, err
	}
	return &Core{Store: st, Hasher: newHasher(cost), Box: box, Key: key}, nil
}

// newHasher caps concurrent hashes at auth.DefaultHashConcurrency: each
// strong hash holds 64 MiB. The server resizes it to --hash-concurrency.
func newHasher(cost auth.Params) *auth.Hasher {
	if cost.Time == 0 {
		cost = auth.DefaultParams
	}
	return auth.NewHasher(cost, auth.DefaultHashConcurrency)
}

// loadSecret returns the configured secret key, or the one kept in
// secret.key in dataDir, generating that file (mode 0600) on first use.
func loadSecret(dataDir, configured string) ([]byte, error) {
	if configured != "" {
		if len(configured) < 16 {
			return nil, errors.New("server: --secret-key must be at least 16 characters")
		}
		return []byte(configured), nil
	}
	path := filepath.Join(dataDir, "secret.key")
	b, err := os.ReadFile(path)
	if err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("server: read secret key: %w", err)
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	key := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return loadSecret(dataDir, "") // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("server: create secret key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(key + "\n"); err != nil {
		return nil, fmt.Errorf("server: write secret key: %w", err)
	}
	return []byte(key), nil
}

// Authenticator returns the login service on this core.
func (c *Core) Authenticator(now func() time.Time) *auth.Authenticator {
	return &auth.Authenticator{Store: c.Store, Hasher: c.Hasher, Box: c.Box, Key: c.Key, Now: now,
		MaxSessions: 20, RetryWindow: 10 * time.Second}
}

// NewUser validates the inputs and returns a user with a hashed password,
// not yet stored.
func (c *Core) NewUser(ctx context.Context, email, password, first, last string, now time.Time) (domain.User, error) {
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		return domain.User{}, err
	}
	if err := domain.ValidatePassword(password); err != nil {
		return domain.User{}, err
	}
	for field, v := range map[string]string{"first_name": first, "last_name": last} {
		if err := domain.ValidateName(field, v, false, 100); err != nil {
			return domain.User{}, err
		}
	}
	hash, err := c.Hasher.Hash(ctx, password)
	if err != nil {
		return domain.User{}, err
	}
	return domain.User{UID: domain.NewUID(), Email: email, Username: strings.Split(email, "@")[0],
		FirstName: first, LastName: last, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}, nil
}

// Close closes the store.
func (c *Core) Close() error { return c.Store.Close() }
