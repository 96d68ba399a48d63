package opstest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	ownerEmail    = "owner@example.com"
	ownerPassword = "Owner-passw0rd"
)

// needOps skips t unless STACKD_TEST_OPS=1.
func needOps(t *testing.T) {
	t.Helper()
	if os.Getenv("STACKD_TEST_OPS") != "1" {
		t.Skip("operations test: set STACKD_TEST_OPS=1 (scripts/test.sh does)")
	}
}

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// stackdBinary builds cmd/stackd once per test run and returns its path.
func stackdBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stackd-opstest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "stackd")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/stackd/stackd/cmd/stackd").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// server is one running `stackd serve` process.
type server struct {
	t        *testing.T
	cmd      *exec.Cmd
	cma, cda string // base URLs
	log      *lockedWriter
	done     chan error
	ended    sync.Once
}

// startServer runs `stackd serve` on data and database (empty for SQLite)
// with extra flags, and waits until /healthz answers 200.
func startServer(t *testing.T, data, database string, flags ...string) *server {
	t.Helper()
	bin := stackdBinary(t)
	s := &server{t: t, log: &lockedWriter{w: &bytes.Buffer{}}, done: make(chan error, 1)}
	cmaAddr, cdaAddr := freeAddr(t), freeAddr(t)
	args := append([]string{"serve", "--addr", cmaAddr, "--cda-addr", cdaAddr, "--data", data, "--database", database,
		"--password-cost", "low", "--log-level", "warn"}, flags...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = append(os.Environ(), "STACKD_OWNER_EMAIL="+ownerEmail, "STACKD_OWNER_PASSWORD="+ownerPassword)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(s.kill)
	s.cma, s.cda = "http://"+cmaAddr, "http://"+cdaAddr
	s.waitHealthy(60 * time.Second)
	return s
}

// waitHealthy waits for /healthz to answer 200.
func (s *server) waitHealthy(limit time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.t.Fatalf("stackd exited early (%v):\n%s", err, s.log.String())
		default:
		}
		resp, err := http.Get(s.cma + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("stackd did not become healthy within %s:\n%s", limit, s.log.String())
}

// kill sends SIGKILL (kill -9) and waits for the process to end.
func (s *server) kill() {
	s.ended.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
		}
	})
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop() {
	s.t.Helper()
	s.ended.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			if err != nil {
				s.t.Errorf("stackd exited with %v:\n%s", err, s.log.String())
			}
		case <-time.After(40 * time.Second):
			s.t.Errorf("stackd did not stop after SIGTERM")
		}
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// lockedWriter lets the process's stdout and stderr share one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
