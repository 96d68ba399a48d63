package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/server"
)

// TestReadyzDrains: /readyz answers 200 on both listeners while serving;
// once the server's context ends (SIGTERM) it answers 503 at once on both,
// /healthz still answers 200, and a request in flight completes.
func TestReadyzDrains(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := server.New(ctx, server.Config{Addr: "127.0.0.1:0", CDAAddr: "127.0.0.1:0", DataDir: t.TempDir(),
		OwnerEmail: "owner@example.com", OwnerPassword: "Owner-passw0rd", PasswordCost: auth.TestParams,
		DrainDelay: 3 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	cma, cda := "http://"+srv.CMAAddr(), "http://"+srv.CDAAddr()
	for _, base := range []string{cma, cda} {
		if status, body := call(t, "GET", base+"/readyz", nil, ""); status != 200 || body["status"] != "ready" {
			t.Fatalf("%s/readyz while serving: %d %v", base, status, body)
		}
	}

	// A login whose body is still arriving is in flight when the drain starts.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", cma+"/v3/user-session", pr)
	req.Header.Set("Content-Type", "application/json")
	inflight := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			inflight <- 0
			return
		}
		resp.Body.Close()
		inflight <- resp.StatusCode
	}()
	fmt.Fprint(pw, `{"user":{"email":"owner@example.com",`)
	time.Sleep(100 * time.Millisecond)
	cancel()
	time.Sleep(100 * time.Millisecond)

	for _, base := range []string{cma, cda} {
		status, body := call(t, "GET", base+"/readyz", nil, "")
		checks, _ := body["checks"].(map[string]any)
		if status != 503 || body["status"] != "unavailable" || checks["shutdown"] != "draining" {
			t.Errorf("%s/readyz while draining: %d %v", base, status, body)
		}
	}
	if status, _ := call(t, "GET", cma+"/healthz", nil, ""); status != 200 {
		t.Errorf("/healthz while draining: %d", status)
	}
	fmt.Fprint(pw, `"password":"Owner-passw0rd"}}`)
	pw.Close()
	if got := <-inflight; got != 200 {
		t.Errorf("the request in flight when the drain began: %d, want 200", got)
	}
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
