package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
)

// The malformed-input table: every create and update route of the route
// table (api.Routes(), POST and PUT), driven from the valid bodies of the
// permission matrix (or a fuller valid body below), with malformed values
// put in one at a time: a NUL character in each string (and in an object
// key and a query parameter), 3 KB and 1 MB strings, out-of-range numbers
// and an out-of-range version. Whatever the engine, the answer is never a
// 5xx; a 4xx carries the Contentstack error body and changes nothing; a
// NUL is always refused; and SQLite and PostgreSQL give the same status
// to every request.

// malformedBodies are fuller valid bodies for routes whose matrix body
// leaves out fields worth attacking (names, parent folders, numbers).
// Each is tried besides the matrix row's body.
var malformedBodies = map[string][]any{
	"POST /v3/stacks": {map[string]any{"stack": map[string]any{"name": "New", "description": "d", "master_locale": "en-us"}}},
	"PUT /v3/stacks":  {map[string]any{"stack": map[string]any{"name": "Renamed", "description": "d"}}},
	"PUT /v3/roles/{role_uid}": {map[string]any{"role": map[string]any{"name": "Spare 2", "description": "d",
		"rules": []any{branches("main"), map[string]any{"module": "environment", "environments": []any{"development"},
			"acl": map[string]any{"read": true}}}}}},
	"POST /v3/stacks/management_tokens": {map[string]any{"token": map[string]any{"name": "m", "description": "d",
		"scope": []any{rw("$all"), branches("main")}, "rate_limit_enabled": true, "rate_limit": map[string]any{"read": 5, "write": 5}}}},
	"PUT /v3/stacks/management_tokens/{token_uid}":         {map[string]any{"token": map[string]any{"name": "v", "description": "d"}}},
	"POST /v3/stacks/management_tokens/{token_uid}/rotate": {map[string]any{"grace_period_seconds": 60}},
	"PUT /v3/stacks/delivery_tokens/{token_uid}":           {map[string]any{"token": map[string]any{"name": "d", "description": "x"}}},
	"POST /v3/environments": {map[string]any{"environment": map[string]any{"name": "qa",
		"urls": []any{map[string]any{"locale": "en-us", "url": "https://qa.example.com"}}}}},
	"POST /v3/content_types/{content_type_uid}/entries": {map[string]any{"entry": map[string]any{"title": "New", "tags": []any{"t"}}}},
	"PUT /v3/content_types/{content_type_uid}/entries/{entry_uid}": {map[string]any{"entry": map[string]any{"title": "Changed",
		"tags": []any{"t"}}}},
	"POST /v3/content_types/{content_type_uid}/entries/{entry_uid}/publish": {map[string]any{"entry": map[string]any{
		"environments": []any{"staging"}, "locales": []any{"en-us"}}, "locale": "en-us", "version": 1}},
	"POST /v3/assets/{asset_uid}/publish": {map[string]any{"asset": map[string]any{"environments": []any{"development"},
		"locales": []any{"en-us"}}, "version": 1}},
	"POST /v3/bulk/publish": {map[string]any{"entries": []any{map[string]any{"uid": "{entry_uid}", "content_type": "blog",
		"locale": "en-us", "version": 1}}, "assets": []any{map[string]any{"uid": "{asset_uid}", "version": 1}},
		"locales": []any{"en-us"}, "environments": []any{"staging"}}},
	"POST /v3/assets": {apitest.Form{apitest.Field("asset[title]", "New"), apitest.Field("asset[description]", "d"),
		apitest.Field("asset[tags]", "a,b"), apitest.Field("asset[parent_uid]", "{folder_uid}"),
		apitest.FilePart("new.txt", "text/plain", []byte("new bytes"))}},
	"PUT /v3/assets/{asset_uid}": {
		map[string]any{"asset": map[string]any{"title": "Renamed", "description": "d", "tags": []any{"a"}, "parent_uid": "{folder_uid}"}},
		apitest.Form{apitest.Field("asset[title]", "Replaced"), apitest.FilePart("r.txt", "text/plain", []byte("replaced"))},
	},
	"POST /v3/assets/folders": {map[string]any{"asset": map[string]any{"name": "New", "parent_uid": "{folder_uid}"}}},
	"POST /v3/extensions": {apitest.Form{apitest.Field("extension[title]", "Up"), apitest.Field("extension[type]", "field"),
		apitest.Field("extension[data_type]", "text"), apitest.Field("extension[tags]", "a,b"),
		apitest.Field("extension[width]", "300"), apitest.Field("extension[config]", `{"k":"v"}`),
		{Name: "extension[upload]", File: true, FileName: "x.html", ContentType: "text/html", Data: []byte("<p>x</p>")}}},
	"PUT /v3/extensions/{extension_uid}": {map[string]any{"extension": map[string]any{"title": "Renamed", "width": 300,
		"config": map[string]any{"k": "v"}, "tags": []any{"a"}}}},
	"PUT /v3/webhooks/{webhook_uid}": {map[string]any{"webhook": map[string]any{"name": "Renamed",
		"destinations": []any{map[string]any{"target_url": "https://example.com/h", "http_basic_auth": "u", "http_basic_password": "p",
			"custom_header": []any{map[string]any{"header_name": "X-A", "value": "v"}}}}, "channels": []any{"assets.create"}}}},
}

// malformedReads are the read routes that take a version parameter; they
// get the same version cases as the write routes, and a few more.
var malformedReads = []string{
	"GET /v3/content_types/{content_type_uid}/entries/{entry_uid}",
	"GET /v3/assets/{asset_uid}",
}

// malformedRefusalMayWrite are routes whose refusals are allowed to write:
// a refused login records the failed attempt (the lockout counts it).
var malformedRefusalMayWrite = map[string]bool{"POST /v3/user-session": true}

// malformedCase is one request made from a valid one.
type malformedCase struct {
	name   string
	path   string
	body   any
	refuse bool // the request must be refused (a NUL)
}

// writeRoutes returns the create and update routes of the route table.
func writeRoutes() []api.RouteDecl {
	var out []api.RouteDecl
	for _, r := range api.Routes() {
		if r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH" {
			out = append(out, r)
		}
	}
	return out
}

func readRoutes(t *testing.T) []api.RouteDecl {
	var out []api.RouteDecl
	for _, route := range malformedReads {
		i := slices.IndexFunc(api.Routes(), func(r api.RouteDecl) bool { return r.Method+" "+r.Path == route })
		if i < 0 {
			t.Fatalf("malformedReads names %s, which is not a route", route)
		}
		out = append(out, api.Routes()[i])
	}
	return out
}

// malformedCases builds the cases of one route from its matrix row and
// its fuller bodies. A route without a body still gets the query cases.
func malformedCases(t *testing.T, route string) []malformedCase {
	t.Helper()
	row, ok := matrixRowOf(route)
	if !ok {
		t.Fatalf("%s has no permission matrix row to take a valid request from", route)
	}
	path := row.path
	cases := []malformedCase{{name: "NUL in a query parameter", path: withQuery(path, "locale=en-us%00"), body: row.body, refuse: true}}
	if slices.Contains(malformedReads, route) {
		for _, v := range []string{"-1", "0", "1e3", "1.5", "x", "2147483648", "99999999999", "99999999999999999999999"} {
			cases = append(cases, malformedCase{name: "version=" + v, path: withQuery(path, "version="+v), refuse: true})
		}
	}
	bodies := slices.Clone(malformedBodies[route])
	if row.body != nil {
		bodies = append([]any{row.body}, bodies...)
	}
	seen := map[string]bool{} // a field in several bodies is attacked in the first only
	for i, b := range bodies {
		for _, c := range bodyCases(b) {
			if seen[c.name] {
				continue
			}
			seen[c.name] = true
			c.name = fmt.Sprintf("body %d: %s", i, c.name)
			c.path = path
			cases = append(cases, c)
		}
	}
	if strings.Contains(route, "{version_number}") {
		cases = append(cases, malformedCase{name: "version_number 99999999999",
			path: strings.Replace(path, "/versions/1/", "/versions/99999999999/", 1), body: row.body})
	}
	// Last, as most routes ignore it and accept the request: each accepted
	// case costs a fresh database for the next one.
	return append(cases, malformedCase{name: "version=99999999999", path: withQuery(path, "version=99999999999"), body: row.body})
}

func matrixRowOf(route string) (matrixRow, bool) {
	for _, r := range allMatrixRows() {
		if r.route == route {
			return r, true
		}
	}
	return matrixRow{}, false
}

func withQuery(path, q string) string {
	if strings.Contains(path, "?") {
		return path + "&" + q
	}
	return path + "?" + q
}

// Malformed values.
var (
	// Long strings are random letters: PostgreSQL compresses repetitive
	// text, and would then fit an index row it should overflow.
	kb3 = randomText(3<<10, 1)
	mb1 = randomText(1<<20, 2)
	// badNumbers are out of the range of every number stackd stores.
	badNumbers = []any{99999999999, 1e300, -1, 0.5}
)

// bodyCases returns the cases made from one valid body: each string leaf
// with a NUL, 3 KB and 1 MB; each number leaf out of range; a NUL in a key.
func bodyCases(body any) []malformedCase {
	if f, ok := body.(apitest.Form); ok {
		return formCases(f)
	}
	var cases []malformedCase
	for _, leaf := range leaves(body, nil) {
		name := pathName(leaf.path)
		switch v := leaf.value.(type) {
		case string:
			cases = append(cases,
				malformedCase{name: "NUL in " + name, body: replaceAt(body, leaf.path, v+"\x00x"), refuse: true},
				malformedCase{name: "3 KB in " + name, body: replaceAt(body, leaf.path, kb3)},
				malformedCase{name: "1 MB in " + name, body: replaceAt(body, leaf.path, mb1)})
		default:
			for _, n := range badNumbers {
				cases = append(cases, malformedCase{name: fmt.Sprintf("%v in %s", n, name), body: replaceAt(body, leaf.path, n)})
			}
		}
	}
	if m, ok := body.(map[string]any); ok {
		cases = append(cases, malformedCase{name: "NUL in a key", body: withNULKey(m), refuse: true})
	}
	return cases
}

// formCases puts the malformed strings in each text part of a form.
func formCases(f apitest.Form) []malformedCase {
	var cases []malformedCase
	for i, p := range f {
		if p.File {
			continue
		}
		for _, v := range []struct {
			name, value string
			refuse      bool
		}{{"NUL", p.Value + "\x00x", true}, {"3 KB", kb3, false}, {"1 MB", mb1, false}} {
			g := slices.Clone(f)
			g[i].Value = v.value
			cases = append(cases, malformedCase{name: v.name + " in " + p.Name, body: g, refuse: v.refuse})
		}
	}
	return cases
}

type leaf struct {
	path  []any // map keys (string) and array indexes (int)
	value any
}

// leaves lists the string and number values of a decoded body.
func leaves(v any, path []any) []leaf {
	switch x := v.(type) {
	case map[string]any:
		var out []leaf
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out = append(out, leaves(x[k], append(slices.Clone(path), k))...)
		}
		return out
	case []any:
		var out []leaf
		for i, e := range x {
			out = append(out, leaves(e, append(slices.Clone(path), i))...)
		}
		return out
	case string, int, float64:
		return []leaf{{path, v}}
	}
	return nil
}

// replaceAt returns a copy of v with the value at path replaced.
func replaceAt(v any, path []any, with any) any {
	if len(path) == 0 {
		return with
	}
	switch x := v.(type) {
	case map[string]any:
		out := maps.Clone(x)
		k := path[0].(string)
		out[k] = replaceAt(x[k], path[1:], with)
		return out
	case []any:
		out := slices.Clone(x)
		i := path[0].(int)
		out[i] = replaceAt(x[i], path[1:], with)
		return out
	}
	panic(fmt.Sprintf("replaceAt: no container at %v", path))
}

// withNULKey adds a key holding a NUL to the resource object of a body
// (the first object value), or to the body itself.
func withNULKey(m map[string]any) map[string]any {
	out := maps.Clone(m)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if inner, ok := m[k].(map[string]any); ok {
			in := maps.Clone(inner)
			in["bad\x00key"] = "v"
			out[k] = in
			return out
		}
	}
	out["bad\x00key"] = "v"
	return out
}

// randomText returns n random ASCII letters, the same for the same seed.
func randomText(n int, seed uint64) string {
	rnd := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + rnd.IntN(26))
	}
	return string(b)
}

func pathName(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// TestMalformedInputCoversEveryWriteRoute fails for a create or update
// route the malformed-input table cannot drive.
func TestMalformedInputCoversEveryWriteRoute(t *testing.T) {
	for _, r := range writeRoutes() {
		route := r.Method + " " + r.Path
		if _, ok := matrixRowOf(route); !ok {
			t.Errorf("%s has no matrix row, so the malformed-input table has no valid request for it", route)
		}
	}
	for route := range malformedBodies {
		if !slices.ContainsFunc(writeRoutes(), func(r api.RouteDecl) bool { return r.Method+" "+r.Path == route }) {
			t.Errorf("malformedBodies names %s, which is not a create or update route", route)
		}
	}
}

// TestMalformedInput runs the table on SQLite, and on PostgreSQL when
// STACKD_TEST_POSTGRES_URL is set, and compares the two engines' answers.
func TestMalformedInput(t *testing.T) {
	if testing.Short() {
		t.Skip("the malformed-input table takes a while")
	}
	statuses := map[string]map[string]int{}
	t.Run("sqlite", func(t *testing.T) {
		vars, open := sqliteTemplate(t)
		statuses["sqlite"] = runMalformed(t, vars, open)
	})
	t.Run("postgres", func(t *testing.T) {
		vars, open := postgresTemplate(t, postgresURL(t))
		statuses["postgres"] = runMalformed(t, vars, open)
	})
	lite, pg := statuses["sqlite"], statuses["postgres"]
	if pg == nil {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(lite)) {
		if lite[k] != pg[k] {
			t.Errorf("%s: sqlite answered %d, postgres %d", k, lite[k], pg[k])
		}
	}
}

// opened counts the databases a run opened (a cost worth watching).
var opened atomic.Int64

// malformedRun is one engine's run: the database a route's cases share,
// reopened from the template after a case that changed it.
type malformedRun struct {
	t    *testing.T
	vars map[string]string
	open cellRunner
	st   *store.Store
	env  *apitest.Env
	h    http.Handler // the CMA with stackd's default body limit

	pristine, current string
}

// runMalformed runs each route's cases on its own databases, the routes
// in parallel; it returns the status of every case.
func runMalformed(t *testing.T, vars map[string]string, open cellRunner) map[string]int {
	var mu sync.Mutex
	out := map[string]int{}
	opened.Store(0)
	t.Run("routes", func(t *testing.T) {
		for _, r := range append(writeRoutes(), readRoutes(t)...) {
			route := r.Method + " " + r.Path
			t.Run(route, func(t *testing.T) {
				t.Parallel()
				run := &malformedRun{t: t, vars: vars, open: open}
				defer run.close()
				for _, c := range malformedCases(t, route) {
					status := run.check(route, r.Method, c)
					mu.Lock()
					out[route+" / "+c.name] = status
					mu.Unlock()
				}
			})
		}
	})
	t.Logf("malformed input: %d requests, %d databases", len(out), opened.Load())
	return out
}

func (m *malformedRun) close() {
	if m.st != nil {
		m.st.Close()
		m.st = nil
	}
}

// fresh opens a copy of the template unless the current database is
// still unchanged.
func (m *malformedRun) fresh() {
	if m.st != nil && m.current == m.pristine {
		return
	}
	m.close()
	opened.Add(1)
	st, dir := m.open(m.t)
	m.st = st
	m.env = apitest.NewOn(m.t, st, dir, matrixAt)
	m.env.Vars = maps.Clone(m.vars)
	d := apitest.Deps(m.env)
	d.BodyLimit = 10 << 20 // stackd's default, so that 1 MB strings reach validation
	m.h = api.New(d)
	m.pristine = m.fingerprint()
	m.current = m.pristine
}

func (m *malformedRun) fingerprint() string {
	fp, err := m.st.Fingerprint(context.Background())
	if err != nil {
		m.t.Fatal(err)
	}
	return fp
}

// check sends one case and checks its answer; it returns the status.
func (m *malformedRun) check(route, method string, c malformedCase) int {
	t := m.t
	m.fresh()
	h := principalHeaders("owner")
	row, _ := matrixRowOf(route)
	maps.Copy(h, row.headers)
	rec := m.env.Send(m.h, method, c.path, h, c.body)
	m.current = m.fingerprint()
	changed := m.current != m.pristine
	switch {
	case rec.Code >= 500:
		t.Errorf("%s: %d; body %.300s", c.name, rec.Code, rec.Body.String())
	case c.refuse && rec.Code != 400 && rec.Code != 422:
		t.Errorf("%s: %d, want 400 or 422; body %.300s", c.name, rec.Code, rec.Body.String())
	case rec.Code >= 400:
		checkErrorBody(t, c.name, rec)
		if changed && !malformedRefusalMayWrite[route] {
			t.Errorf("%s: refused (%d) but changed the database", c.name, rec.Code)
		}
	}
	return rec.Code
}

func checkErrorBody(t *testing.T, name string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var body struct {
		Message *string         `json:"error_message"`
		Code    *int            `json:"error_code"`
		Errors  json.RawMessage `json:"errors"`
	}
	err := json.Unmarshal(rec.Body.Bytes(), &body)
	if err != nil || body.Message == nil || body.Code == nil || !strings.HasPrefix(string(body.Errors), "{") {
		t.Errorf("%s: %d without the error body: %.300s", name, rec.Code, rec.Body.String())
	}
}
