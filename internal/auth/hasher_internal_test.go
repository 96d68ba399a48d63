package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestHasherBound: however many callers, no more hashes run at once than
// the hasher's concurrency.
func TestHasherBound(t *testing.T) {
	p := Params{Time: 1, Memory: 4 << 10, Threads: 1}
	for _, n := range []int{1, 2, 3} {
		h := NewHasher(p, n)
		enc, err := h.Hash(context.Background(), "Correct-h0rse")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := h.Verify(context.Background(), enc, "guess"); err != nil {
					t.Errorf("Verify: %v", err)
				}
			}()
		}
		wg.Wait()
		if h.Peak() > n || h.Peak() < 1 {
			t.Errorf("concurrency %d: %d hashes ran at once", n, h.Peak())
		}
		if got := h.MemoryBytes(); got != int64(n)*4<<20 {
			t.Errorf("MemoryBytes = %d", got)
		}
	}
}

// TestHasherQueue: with every slot taken, callers queue up to the queue's
// length and wait up to the queue's time; beyond either they get ErrBusy.
func TestHasherQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHasherQueue(TestParams, 1, 1, 5*time.Second)
		h.sem <- struct{}{} // the one slot is busy
		waited := make(chan error, 1)
		go func() { waited <- h.acquire(context.Background()) }()
		synctest.Wait() // the first caller is queued
		if err := h.acquire(context.Background()); !errors.Is(err, ErrBusy) {
			t.Fatalf("a caller beyond the queue: %v, want ErrBusy", err)
		}
		time.Sleep(4 * time.Second)
		synctest.Wait()
		select {
		case err := <-waited:
			t.Fatalf("the queued caller gave up early: %v", err)
		default:
		}
		time.Sleep(2 * time.Second)
		if err := <-waited; !errors.Is(err, ErrBusy) {
			t.Fatalf("the queued caller after its wait: %v, want ErrBusy", err)
		}
		go func() { waited <- h.acquire(context.Background()) }()
		synctest.Wait()
		h.release() // the busy hash ends: the queued caller gets the slot
		if err := <-waited; err != nil {
			t.Fatalf("queued caller when a slot freed: %v", err)
		}
	})
}
