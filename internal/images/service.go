package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// DefaultConcurrency is how many transforms run at once by default: each
// may hold a few hundred megabytes of pixels for the largest images.
const DefaultConcurrency = 2

// Variant names one transformed file: which file of which asset, of which
// stack and branch, with which parameters, in which output format.
type Variant struct {
	APIKey, Branch, AssetUID string
	FileKey                  string // the stored file; a replaced file has a new key
	Params                   Params
	Format                   string // output format (OutputFormat)
}

// Key is the variant's cache key and the base of its ETag: the hex SHA-256
// of all its fields, parameters normalized.
func (v Variant) Key() string {
	h := sha256.New()
	for _, s := range []string{v.APIKey, v.Branch, v.AssetUID, v.FileKey, v.Params.Normalized(), v.Format} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Source opens the untransformed file of a variant.
type Source func(ctx context.Context) (io.ReadCloser, error)

// Service produces variants: from the cache when it holds them, else by
// transforming the source, at most a fixed number at once, each distinct
// variant once however many requests ask for it together.
type Service struct {
	cache *Cache // nil: nothing is kept
	sem   chan struct{}
	group singleflight.Group
	log   *slog.Logger

	active, peak atomic.Int32 // transforms running now, and the most at once
}

// NewService returns a service over cache (nil for none) running at most
// concurrency transforms at once.
func NewService(cache *Cache, concurrency int, log *slog.Logger) *Service {
	if concurrency < 1 {
		concurrency = DefaultConcurrency
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cache: cache, sem: make(chan struct{}, concurrency), log: log}
}

// Cache returns the service's cache (nil when it has none).
func (s *Service) Cache() *Cache { return s.cache }

// Peak is the largest number of transforms that ran at once so far.
func (s *Service) Peak() int { return int(s.peak.Load()) }

// Result is a variant's bytes; Close releases them.
type Result struct {
	Body   io.ReadSeeker
	Cached bool // read from the cache
	closer io.Closer
}

// Close releases the result's file, if it has one.
func (r *Result) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}

// Get returns variant v, from the cache or made from src. Errors from the
// transform are domain errors (422) for the caller to answer with; a
// request that ends while waiting gets ctx's error.
func (s *Service) Get(ctx context.Context, v Variant, src Source) (*Result, error) {
	key := v.Key()
	if s.cache != nil {
		if f, ok := s.cache.Open(key); ok {
			return &Result{Body: f, Cached: true, closer: f}, nil
		}
	}
	for {
		ch := s.group.DoChan(key, func() (any, error) { return s.produce(ctx, key, v, src) })
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case res := <-ch:
			if res.Err != nil && isCanceled(res.Err) && ctx.Err() == nil {
				continue // the request that ran the transform left; run it for this one
			}
			if res.Err != nil {
				return nil, res.Err
			}
			return &Result{Body: bytes.NewReader(res.Val.([]byte))}, nil
		}
	}
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// produce transforms one variant once a transform slot is free, and keeps
// it in the cache. A cache that cannot be written is logged, not fatal.
func (s *Service) produce(ctx context.Context, key string, v Variant, src Source) ([]byte, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sem }()
	if err := ctx.Err(); err != nil {
		return nil, err // the request left while it waited: its slot goes to the next
	}
	n := s.active.Add(1)
	defer s.active.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	rc, err := src(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	out, err := Transform(rc, v.Params, v.Format)
	if err != nil {
		return nil, err
	}
	if s.cache != nil {
		if err := s.cache.Put(key, out); err != nil {
			s.log.WarnContext(ctx, "could not keep an image variant in the cache", "err", err)
		}
	}
	return out, nil
}
