package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
)

// matrixRow is one route's request and the expected status for each
// principal, in the order of matrixPrincipals:
//
//	owner admin developer content_manager custom norole outsider
//	mt_rw mt_ro mt_module mt_branch mt_expired mt_deleted mt_other_stack delivery none
//
// The expectations are written by hand from the spec (§5.1 roles, §3.5
// management tokens) and never derived from the route table under test.
type matrixRow struct {
	route   string // "METHOD /path" exactly as declared
	path    string // the concrete path, with {placeholders}
	headers map[string]string
	body    any
	want    string
}

var matrixRows = []matrixRow{
	// Sessions and users: any logged-in user; no token may touch them.
	{"POST /v3/user-session", "/v3/user-session", nil, loginBody("owner@example.com", apitest.Password),
		"200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"},
	{"DELETE /v3/user-session", "/v3/user-session", nil, nil,
		"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
	{"GET /v3/user", "/v3/user", nil, nil,
		"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
	{"PUT /v3/user", "/v3/user", nil, map[string]any{"user": map[string]any{"first_name": "Matrix"}},
		"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
	{"GET /v3/organizations", "/v3/organizations", nil, nil,
		"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
	{"GET /v3/organizations/{org_uid}", "/v3/organizations/{org}", nil, nil,
		"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
	{"GET /v3/organizations/{org_uid}/stacks", "/v3/organizations/{org}/stacks", nil, nil,
		"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},

	// Stacks: any organization member creates; members read; owner and admin update;
	// only the owner deletes or transfers.
	{"POST /v3/stacks", "/v3/stacks", map[string]string{"organization_uid": "{org}"}, map[string]any{"stack": map[string]any{"name": "New"}},
		"201 201 201 201 201 201 201 403 403 403 403 401 401 403 401 401"},
	{"GET /v3/stacks", "/v3/stacks", nil, nil,
		"200 200 200 200 200 200 412 403 403 403 403 401 401 401 401 401"},
	{"PUT /v3/stacks", "/v3/stacks", nil, map[string]any{"stack": map[string]any{"description": "changed"}},
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"DELETE /v3/stacks", "/v3/stacks", nil, nil,
		"200 403 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"POST /v3/stacks/transfer_ownership", "/v3/stacks/transfer_ownership", nil, map[string]any{"transfer_to": "admin@example.com"},
		"200 403 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"GET /v3/stacks/users", "/v3/stacks/users", nil, nil,
		"200 200 200 200 200 200 412 403 403 403 403 401 401 401 401 401"},
	{"POST /v3/stacks/share", "/v3/stacks/share", nil,
		map[string]any{"emails": []any{"outsider@example.com"}, "roles": map[string]any{"outsider@example.com": []any{"{dev_role}"}}},
		"200 200 200 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"POST /v3/stacks/unshare", "/v3/stacks/unshare", nil, map[string]any{"email": "norole@example.com"},
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"POST /v3/stacks/users/roles", "/v3/stacks/users/roles", nil, map[string]any{"users": map[string]any{"{norole_uid}": []any{"{dev_role}"}}},
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},

	// Roles: owner, admin and developer manage; tokens with the role scope.
	{"GET /v3/roles", "/v3/roles", nil, nil,
		"200 200 200 403 403 403 412 200 200 403 403 401 401 401 401 401"},
	{"POST /v3/roles", "/v3/roles", nil, map[string]any{"role": map[string]any{"name": "R2", "rules": []any{branches("main")}}},
		"201 201 201 403 403 403 412 201 403 403 403 401 401 401 401 401"},
	{"GET /v3/roles/{role_uid}", "/v3/roles/{spare_role}", nil, nil,
		"200 200 200 403 403 403 412 200 200 403 403 401 401 401 401 401"},
	{"PUT /v3/roles/{role_uid}", "/v3/roles/{spare_role}", nil, map[string]any{"role": map[string]any{"description": "d"}},
		"200 200 200 403 403 403 412 200 403 403 403 401 401 401 401 401"},
	{"DELETE /v3/roles/{role_uid}", "/v3/roles/{spare_role}", nil, nil,
		"200 200 200 403 403 403 412 200 403 403 403 401 401 401 401 401"},

	// Management tokens: owner and admin only, never a token.
	{"GET /v3/stacks/management_tokens", "/v3/stacks/management_tokens", nil, nil,
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"POST /v3/stacks/management_tokens", "/v3/stacks/management_tokens", nil, tokenBody("m", []any{ro("entry"), branches("main")}, nil),
		"201 201 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"GET /v3/stacks/management_tokens/{token_uid}", "/v3/stacks/management_tokens/{victim_uid}", nil, nil,
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"PUT /v3/stacks/management_tokens/{token_uid}", "/v3/stacks/management_tokens/{victim_uid}", nil, map[string]any{"token": map[string]any{"description": "x"}},
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"DELETE /v3/stacks/management_tokens/{token_uid}", "/v3/stacks/management_tokens/{victim_uid}", nil, nil,
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"POST /v3/stacks/management_tokens/{token_uid}/rotate", "/v3/stacks/management_tokens/{victim_uid}/rotate", nil, nil,
		"200 200 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},

	// Delivery tokens: owner, admin and developer; never a token.
	{"GET /v3/stacks/delivery_tokens", "/v3/stacks/delivery_tokens", nil, nil,
		"200 200 200 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"POST /v3/stacks/delivery_tokens", "/v3/stacks/delivery_tokens", nil, map[string]any{"token": map[string]any{"name": "d2", "scope": []any{
		map[string]any{"module": "environment", "environments": []any{"staging"}, "acl": map[string]any{"read": true}}, branches("main")}}},
		"201 201 201 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"GET /v3/stacks/delivery_tokens/{token_uid}", "/v3/stacks/delivery_tokens/{dt_uid}", nil, nil,
		"200 200 200 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"PUT /v3/stacks/delivery_tokens/{token_uid}", "/v3/stacks/delivery_tokens/{dt_uid}", nil, map[string]any{"token": map[string]any{"description": "x"}},
		"200 200 200 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	{"DELETE /v3/stacks/delivery_tokens/{token_uid}", "/v3/stacks/delivery_tokens/{dt_uid}", nil, nil,
		"200 200 200 403 403 403 412 403 403 403 403 401 401 401 401 401"},

	// Environments: content managers and the custom role (environment read rule) read;
	// owner, admin, developer and write tokens manage.
	{"GET /v3/environments", "/v3/environments", nil, nil,
		"200 200 200 200 200 403 412 200 200 403 403 401 401 401 401 401"},
	{"POST /v3/environments", "/v3/environments", nil, map[string]any{"environment": map[string]any{"name": "qa"}},
		"201 201 201 403 403 403 412 201 403 403 403 401 401 401 401 401"},
	{"GET /v3/environments/{environment_name}", "/v3/environments/development", nil, nil,
		"200 200 200 200 200 403 412 200 200 403 403 401 401 401 401 401"},
	{"PUT /v3/environments/{environment_name}", "/v3/environments/development", nil, map[string]any{"environment": map[string]any{"urls": []any{}}},
		"200 200 200 403 403 403 412 200 403 403 403 401 401 401 401 401"},
	{"DELETE /v3/environments/{environment_name}", "/v3/environments/staging", nil, nil,
		"200 200 200 403 403 403 412 200 403 403 403 401 401 401 401 401"},

	// Branches: every member and every token scoped to the branch reads them.
	{"GET /v3/stacks/branches", "/v3/stacks/branches", nil, nil,
		"200 200 200 200 200 200 412 200 200 200 403 401 401 401 401 401"},
	{"GET /v3/stacks/branches/{branch_uid}", "/v3/stacks/branches/main", nil, nil,
		"200 200 200 200 200 200 412 200 200 200 403 401 401 401 401 401"},

	// Audit log: owner, admin, developer, and any token with a read scope.
	{"GET /v3/audit-logs", "/v3/audit-logs", nil, nil,
		"200 200 200 403 403 403 412 200 200 200 403 401 401 401 401 401"},
	{"GET /v3/audit-logs/{log_uid}", "/v3/audit-logs/{audit_uid}", nil, nil,
		"200 200 200 403 403 403 412 200 200 200 403 401 401 401 401 401"},
}

// moreMatrixRows are the rows of later modules, added from their own files.
var moreMatrixRows []matrixRow

func allMatrixRows() []matrixRow {
	return append(append([]matrixRow{}, matrixRows...), moreMatrixRows...)
}

// TestMatrixCoversEveryRoute fails for a route without an expectation row
// and for a row without a route.
func TestMatrixCoversEveryRoute(t *testing.T) {
	declared := map[string]bool{}
	for _, r := range api.Routes() {
		declared[r.Method+" "+r.Path] = true
	}
	rows := map[string]bool{}
	for _, row := range allMatrixRows() {
		if rows[row.route] {
			t.Errorf("two matrix rows for %s", row.route)
		}
		rows[row.route] = true
		if !declared[row.route] {
			t.Errorf("matrix row %s names no declared route", row.route)
		}
		if n := len(strings.Fields(row.want)); n != len(matrixPrincipals) {
			t.Errorf("%s: %d expectations for %d principals", row.route, n, len(matrixPrincipals))
		}
	}
	for r := range declared {
		if !rows[r] {
			t.Errorf("route %s has no row in the permission matrix", r)
		}
	}
}

// cellRunner opens a fresh copy of the seeded template for one cell.
type cellRunner func(t *testing.T) (*store.Store, string)

// TestPermissionMatrix runs every route with every principal on SQLite,
// each cell on a fresh copy of one seeded template database.
func TestPermissionMatrix(t *testing.T) {
	vars, open := sqliteMatrixTemplate(t)
	n := runMatrix(t, vars, open, matrixPrincipals)
	t.Logf("permission matrix: %d cells checked on sqlite", n)
}

// sqliteMatrixTemplate seeds the matrix's template database on SQLite and
// returns its variables and a function that opens a fresh copy of it.
func sqliteMatrixTemplate(t *testing.T) (map[string]string, cellRunner) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	e := apitest.NewOn(t, st, dir, apitest.Start)
	e.Bootstrap()
	seedMatrix(t, e)
	if err := st.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	template := filepath.Join(dir, "stackd.db")
	open := func(t *testing.T) (*store.Store, string) {
		cell := t.TempDir()
		copyFile(t, template, filepath.Join(cell, "stackd.db"))
		copyDir(t, e.Files, filepath.Join(cell, "assets"))
		s, err := store.Open(context.Background(), "", cell)
		if err != nil {
			t.Fatal(err)
		}
		return s, cell
	}
	return e.Vars, open
}

// TestPermissionMatrixPostgres runs a sample on PostgreSQL: every route
// with the owner and read-write and read-only management tokens, each cell
// on a database created from a seeded template database.
func TestPermissionMatrixPostgres(t *testing.T) {
	base := os.Getenv("STACKD_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("STACKD_TEST_POSTGRES_URL is not set under CI=true")
		}
		t.Skip("STACKD_TEST_POSTGRES_URL not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	tpl := fmt.Sprintf("matrix_tpl_%d", os.Getpid())
	createDB(t, admin, tpl, "")
	st, err := store.Open(context.Background(), dbURL(t, base, tpl), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := apitest.NewOn(t, st, t.TempDir(), apitest.Start)
	e.Bootstrap()
	seedMatrix(t, e)
	st.Close()
	seq := 0
	files := e.Files
	open := func(t *testing.T) (*store.Store, string) {
		seq++
		name := fmt.Sprintf("%s_c%d", tpl, seq)
		createDB(t, admin, name, tpl)
		dir := t.TempDir()
		copyDir(t, files, filepath.Join(dir, "assets"))
		s, err := store.Open(context.Background(), dbURL(t, base, name), dir)
		if err != nil {
			t.Fatal(err)
		}
		return s, dir
	}
	n := runMatrix(t, e.Vars, open, []string{"owner", "mt_rw", "mt_ro"})
	t.Logf("permission matrix: %d cells checked on postgres", n)
}

func createDB(t *testing.T, admin *sql.DB, name, template string) {
	t.Helper()
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	if _, err := admin.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
}

func dbURL(t *testing.T, base, db string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String()
}

// runMatrix checks each row with each principal named in who and returns
// the number of cells. A refused cell must leave the database unchanged.
func runMatrix(t *testing.T, vars map[string]string, open cellRunner, who []string) int {
	cells := 0
	for _, row := range allMatrixRows() {
		want := strings.Fields(row.want)
		for i, p := range matrixPrincipals {
			if !contains(who, p) {
				continue
			}
			cells++
			t.Run(row.route+"/"+p, func(t *testing.T) {
				st, dir := open(t)
				defer st.Close()
				before, err := st.Fingerprint(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				e := apitest.NewOn(t, st, dir, matrixAt)
				e.Vars = maps.Clone(vars)
				h := principalHeaders(p)
				maps.Copy(h, row.headers)
				method := strings.Fields(row.route)[0]
				rec := e.Send(e.Handler, method, row.path, h, row.body)
				status := rec.Code
				if strconv.Itoa(status) != want[i] {
					t.Fatalf("%s as %s: status %d, want %s; body %s", row.route, p, status, want[i], rec.Body.String())
				}
				if status < 400 {
					return
				}
				after, err := st.Fingerprint(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if after != before {
					t.Errorf("%s as %s was refused (%d) but changed the database", row.route, p, status)
				}
			})
		}
	}
	return cells
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies a folder tree (the asset files of the template).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		copyFile(t, path, target)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
