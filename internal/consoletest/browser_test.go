// Package consoletest drives the web console in a real browser (Debian's
// chromium through the DevTools protocol, with chromedp) against a real
// stackd server on a fresh SQLite database. Controls are found the way a
// screen reader finds them: by their role and accessible name in the
// browser's accessibility tree, never by CSS classes.
package consoletest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/server"
)

const (
	ownerEmail    = "owner@example.com"
	ownerPassword = "Owner-passw0rd"
	testSecretKey = "console-browser-test-key-0123"
)

// browser is the one chromium every test of the package opens tabs in.
var browser struct {
	once    sync.Once
	ctx     context.Context
	err     error
	profile string // the fresh user-data-dir, removed after the tests
}

// chromiumPath finds Debian's chromium (STACKD_CHROMIUM overrides).
func chromiumPath() string {
	if p := os.Getenv("STACKD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser skips the test when chromium is missing, except under
// CI=true, where a missing browser is a failure.
func needBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI=true: the browser tests must run (apt-get install chromium)")
		}
		t.Skip("chromium is not installed: skipping the browser tests (apt-get install chromium; CI runs them)")
	}
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	browser.once.Do(func() { browser.ctx, browser.err = startBrowser(path) })
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	return browser.ctx
}

// startBrowser starts chromium headless with a fresh profile and every
// background feature that would call outside hosts switched off.
func startBrowser(path string) (context.Context, error) {
	dir, err := os.MkdirTemp("", "stackd-chromium-")
	if err != nil {
		return nil, err
	}
	browser.profile = dir
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(dir), chromedp.Headless, chromedp.DisableGPU, chromedp.NoSandbox,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(1280, 860),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("metrics-recording-only", true), chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication"),
		chromedp.Flag("password-store", "basic"), chromedp.Flag("use-mock-keychain", true),
	}
	alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, _ := chromedp.NewContext(alloc)
	// The first run starts the browser, which lives as long as its context:
	// no timeout here.
	if err := chromedp.Do(ctx); err != nil {
		return nil, fmt.Errorf("launch %s: %w", path, err)
	}
	return ctx, nil
}

// TestMain closes the shared browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if browser.ctx != nil {
		_ = chromedp.Cancel(browser.ctx)
	}
	if browser.profile != "" {
		_ = os.RemoveAll(browser.profile)
	}
	os.Exit(code)
}

// stackd is a server under test.
type stackd struct {
	URL, CDA string
	dataDir  string
	srv      *server.Server
}

// startServer runs stackd on loopback ports with a temp SQLite database.
func startServer(t *testing.T, mod ...func(*server.Config)) *stackd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := server.Config{Addr: "127.0.0.1:0", CDAAddr: "127.0.0.1:0", DataDir: t.TempDir(), SecretKey: testSecretKey,
		OwnerEmail: ownerEmail, OwnerPassword: ownerPassword, PasswordCost: auth.TestParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return &stackd{URL: "http://" + srv.CMAAddr(), CDA: "http://" + srv.CDAAddr(), dataDir: cfg.DataDir, srv: srv}
}

// screenshotDir is where page screenshots go: $STACKD_SCREENSHOT_DIR, or
// a folder under the test's temp dir.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("STACKD_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		return '-'
	}, name)
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
