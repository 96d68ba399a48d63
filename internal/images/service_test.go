package images

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// gatedSource is a source whose opens are counted and, when gate is set,
// wait for it: a transform holds its slot until the test lets it go on.
type gatedSource struct {
	data   []byte
	gate   chan struct{}
	opened atomic.Int32
}

func (g *gatedSource) open(ctx context.Context) (io.ReadCloser, error) {
	g.opened.Add(1)
	if g.gate != nil {
		select {
		case <-g.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return io.NopCloser(bytes.NewReader(g.data)), nil
}

func variant(width int) Variant {
	return Variant{APIKey: "blt1", Branch: "main", AssetUID: "blt2", FileKey: "k", Params: Params{Width: Dim{Px: width}}, Format: "png"}
}

// TestServiceConcurrencyBound: with five different variants asked for at
// once, two transforms run and the others wait for a slot.
func TestServiceConcurrencyBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &gatedSource{data: encoded(t, testImage(40, 20), fmtPNG), gate: make(chan struct{})}
		s := NewService(nil, 2, nil)
		var wg sync.WaitGroup
		for i := range 5 {
			wg.Go(func() {
				res, err := s.Get(t.Context(), variant(10+i), src.open)
				if err != nil {
					t.Error(err)
					return
				}
				res.Close()
			})
		}
		synctest.Wait() // every goroutine is blocked: in a transform, or waiting for a slot
		if n := src.opened.Load(); n != 2 {
			t.Fatalf("%d transforms started at once, want 2", n)
		}
		src.gate <- struct{}{} // one finishes; one waiting starts
		synctest.Wait()
		if n := src.opened.Load(); n != 3 {
			t.Fatalf("after one finished, %d had started, want 3", n)
		}
		close(src.gate)
		wg.Wait()
		if s.Peak() != 2 {
			t.Errorf("Peak() = %d, want 2", s.Peak())
		}
	})
}

// TestServiceOneTransformPerVariant: requests for one variant made
// together share one transform; a later one reads the cache.
func TestServiceOneTransformPerVariant(t *testing.T) {
	cache := openCache(t, t.TempDir(), 1<<20)
	synctest.Test(t, func(t *testing.T) {
		src := &gatedSource{data: encoded(t, testImage(40, 20), fmtPNG), gate: make(chan struct{})}
		s := NewService(cache, 2, nil)
		var wg sync.WaitGroup
		outs := make([][]byte, 4)
		for i := range outs {
			wg.Go(func() {
				res, err := s.Get(t.Context(), variant(10), src.open)
				if err != nil {
					t.Error(err)
					return
				}
				defer res.Close()
				outs[i], _ = io.ReadAll(res.Body)
			})
		}
		synctest.Wait() // all four wait on the one transform
		close(src.gate)
		wg.Wait()
		res, err := s.Get(t.Context(), variant(10), src.open)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		cached, _ := io.ReadAll(res.Body)
		if !res.Cached || src.opened.Load() != 1 {
			t.Errorf("cached = %v, source opened %d times; want a cache hit after one open", res.Cached, src.opened.Load())
		}
		for i, o := range outs {
			if len(o) == 0 || !bytes.Equal(o, cached) {
				t.Errorf("request %d got %d bytes, the cache holds %d", i, len(o), len(cached))
			}
		}
	})
}

// TestServiceLeaderLeaves: when the request running a shared transform
// leaves while waiting for a slot, the one that waited with it still gets
// its image.
func TestServiceLeaderLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &gatedSource{data: encoded(t, testImage(40, 20), fmtPNG), gate: make(chan struct{})}
		s := NewService(nil, 1, nil)
		busy := make(chan struct{})
		go func() { // holds the only slot
			res, err := s.Get(t.Context(), variant(99), src.open)
			if err == nil {
				res.Close()
			}
			close(busy)
		}()
		synctest.Wait()
		leaderCtx, leave := context.WithCancel(t.Context())
		leaderErr := make(chan error, 1)
		go func() { _, err := s.Get(leaderCtx, variant(10), src.open); leaderErr <- err }()
		synctest.Wait()
		got := make(chan error, 1)
		go func() {
			res, err := s.Get(t.Context(), variant(10), src.open)
			if err == nil {
				res.Close()
			}
			got <- err
		}()
		synctest.Wait()
		leave()
		if err := <-leaderErr; err == nil {
			t.Error("the request that left got an image")
		}
		close(src.gate)
		if err := <-got; err != nil {
			t.Errorf("the request that stayed: %v", err)
		}
		<-busy
	})
}

func TestVariantKey(t *testing.T) {
	base := variant(10)
	keys := map[string]string{base.Key(): "base"}
	for name, v := range map[string]Variant{
		"stack":  {APIKey: "blt9", Branch: "main", AssetUID: "blt2", FileKey: "k", Params: base.Params, Format: "png"},
		"branch": {APIKey: "blt1", Branch: "dev", AssetUID: "blt2", FileKey: "k", Params: base.Params, Format: "png"},
		"asset":  {APIKey: "blt1", Branch: "main", AssetUID: "blt3", FileKey: "k", Params: base.Params, Format: "png"},
		"file":   {APIKey: "blt1", Branch: "main", AssetUID: "blt2", FileKey: "k2", Params: base.Params, Format: "png"},
		"params": variant(11),
		"format": {APIKey: "blt1", Branch: "main", AssetUID: "blt2", FileKey: "k", Params: base.Params, Format: "webp"},
	} {
		k := v.Key()
		if other, dup := keys[k]; dup {
			t.Errorf("a different %s gives the key of %s", name, other)
		}
		keys[k] = name
		if !cacheKey.MatchString(k) {
			t.Errorf("key %q is not a cache key", k)
		}
	}
	if fmt.Sprint(variant(10).Key()) != base.Key() {
		t.Error("the key is not stable")
	}
}
