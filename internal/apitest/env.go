// Package apitest runs the real CMA handler on a real, fresh database for
// API tests: a controllable clock, helpers to seed users and stacks, and a
// runner for tables of request scenarios.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/files"
	"github.com/stackd/stackd/internal/images"
	"github.com/stackd/stackd/internal/server"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

// Clock is a clock tests move by hand.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is one API under test with its database.
type Env struct {
	T       testing.TB
	Handler http.Handler
	CDA     http.Handler
	Store   *store.Store
	Core    *server.Core
	Clock   *Clock
	OrgUID  string
	Vars    map[string]string // placeholders for scenarios: {name} in paths, headers and bodies
	Logs    *bytes.Buffer     // everything the API logged
	DataDir string            // the data folder (SQLite file, secret key)
	Files   string            // the folder of the asset file store
	deps    api.Deps
}

// MaxUpload is the asset upload limit of the API under test.
const MaxUpload = 256 << 10

// Password is the password of every user the helpers create.
const Password = "Passw0rd!"

// New starts the API on a fresh database of engine e, bootstrapped with an
// organization whose owner is owner@example.com.
func New(t testing.TB, e storetest.Engine) *Env {
	t.Helper()
	st, _, dir := e.Open(t)
	env := NewOn(t, st, dir, Start)
	env.Bootstrap()
	return env
}

// Start is the time every test clock starts at.
var Start = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// SecretKey is the server secret key of every test environment.
var SecretKey = []byte("test-secret-key-0123456789abcdef")

// NewOn starts the API on an open store (already seeded or not) with its
// clock at now. It does not bootstrap.
func NewOn(t testing.TB, st *store.Store, dir string, now time.Time) *Env {
	t.Helper()
	core, err := server.NewCore(st, SecretKey, auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	clock := &Clock{t: now}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil))
	filesDir := filepath.Join(dir, "assets")
	if dir == "" {
		filesDir = filepath.Join(t.TempDir(), "assets")
	}
	disk, err := files.NewDisk(filesDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close() })
	deps := api.Deps{Store: st, Auth: core.Authenticator(clock.Now), Hasher: core.Hasher, Box: core.Box, Log: log, Now: clock.Now, BodyLimit: 64 << 10,
		Files: disk, MaxUpload: MaxUpload}
	deps.Images = imageService(t, log)
	return &Env{T: t, Handler: api.New(deps), CDA: api.NewCDA(deps), Store: st, Core: core, Clock: clock, Vars: map[string]string{}, Logs: logs,
		DataDir: dir, Files: filesDir, deps: deps}
}

// ImageCacheSize is the bound of the image variant cache under test.
const ImageCacheSize = 8 << 20

func imageService(t testing.TB, log *slog.Logger) *images.Service {
	cache, err := images.OpenCache(filepath.Join(t.TempDir(), "image-cache"), ImageCacheSize)
	if err != nil {
		t.Fatal(err)
	}
	return images.NewService(cache, images.DefaultConcurrency, log)
}

// Deps returns the dependencies the handlers were built with, so a test
// can build another handler with different settings.
func Deps(e *Env) api.Deps { return e.deps }

// Raw sends one request and returns the recorder, for tests of headers.
func Raw(e *Env, method, path string, headers map[string]string, body string) *httptest.ResponseRecorder {
	e.T.Helper()
	req := httptest.NewRequest(method, e.Expand(path), strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, e.Expand(v))
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	return rec
}

// Bootstrap creates the organization and its owner, owner@example.com.
func (env *Env) Bootstrap() {
	t, st, clock := env.T, env.Store, env.Clock
	owner := env.newUser("owner@example.com")
	org := domain.Organization{UID: domain.NewUID(), Name: "Test Org", OwnerUID: owner.UID, CreatedAt: clock.Now(), UpdatedAt: clock.Now()}
	if _, err := st.Bootstrap(context.Background(), org, owner); err != nil {
		t.Fatal(err)
	}
	env.OrgUID = org.UID
	env.Vars["org"] = org.UID
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (e *Env) newUser(email string) domain.User {
	e.T.Helper()
	u, err := e.Core.NewUser(context.Background(), email, Password, "First", "Last", e.Clock.Now())
	if err != nil {
		e.T.Fatal(err)
	}
	return u
}

// AddUser creates a member of the test organization and returns its uid.
func (e *Env) AddUser(email string) string {
	e.T.Helper()
	u := e.newUser(email)
	if err := e.Store.CreateUser(context.Background(), u, e.OrgUID, domain.OrgMember); err != nil {
		e.T.Fatal(err)
	}
	return u.UID
}

// Login logs email in and returns the authtoken.
func (e *Env) Login(email string) string {
	e.T.Helper()
	status, body := e.Do("POST", "/v3/user-session", nil, map[string]any{"user": map[string]any{"email": email, "password": Password}})
	if status != 200 {
		e.T.Fatalf("login %s: %d %v", email, status, body)
	}
	return body["user"].(map[string]any)["authtoken"].(string)
}

// CreateStack creates a stack as the holder of token and returns its api_key.
func (e *Env) CreateStack(token, name string) string {
	e.T.Helper()
	status, body := e.Do("POST", "/v3/stacks", map[string]string{"authtoken": token, "organization_uid": e.OrgUID},
		map[string]any{"stack": map[string]any{"name": name, "master_locale": "en-us"}})
	if status != 201 {
		e.T.Fatalf("create stack: %d %v", status, body)
	}
	return body["stack"].(map[string]any)["api_key"].(string)
}

// RoleUID returns the uid of the stack's role named name.
func (e *Env) RoleUID(apiKey, name string) string {
	e.T.Helper()
	roles, err := e.Store.Roles(context.Background(), apiKey)
	if err != nil {
		e.T.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == name {
			return r.UID
		}
	}
	e.T.Fatalf("no role %q", name)
	return ""
}

// Share adds userUID to the stack with the named roles, through the store.
func (e *Env) Share(apiKey, userUID string, roleNames ...string) {
	e.T.Helper()
	var uids []string
	for _, n := range roleNames {
		uids = append(uids, e.RoleUID(apiKey, n))
	}
	if err := e.Store.Share(context.Background(), apiKey, store.Grants{userUID: uids}, e.Clock.Now(), nil); err != nil {
		e.T.Fatal(err)
	}
}

// Expand replaces {name} placeholders with e.Vars.
func (e *Env) Expand(s string) string {
	for k, v := range e.Vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// Do sends one request to the CMA handler. body may be nil, a string (sent
// raw as JSON) or any value (marshalled). It returns the status and the
// decoded JSON object.
func (e *Env) Do(method, path string, headers map[string]string, body any) (int, map[string]any) {
	e.T.Helper()
	return e.DoOn(e.Handler, method, path, headers, body)
}

// DoOn is Do against another handler (the CDA).
func (e *Env) DoOn(h http.Handler, method, path string, headers map[string]string, body any) (int, map[string]any) {
	e.T.Helper()
	rec := e.Send(h, method, path, headers, body)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		e.T.Fatalf("%s %s: answer is not a JSON object (status %d): %q", method, path, rec.Code, rec.Body.String())
	}
	return rec.Code, out
}

// Send sends one request to h and returns the recorded answer, whatever
// its body (file downloads are not JSON).
func (e *Env) Send(h http.Handler, method, path string, headers map[string]string, body any) *httptest.ResponseRecorder {
	e.T.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case Form:
		rd, ctype = e.encodeForm(b)
	case string:
		rd = strings.NewReader(e.Expand(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = strings.NewReader(e.Expand(string(raw)))
	}
	req := httptest.NewRequest(method, e.Expand(path), rd)
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range headers {
		req.Header.Set(k, e.Expand(v))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
