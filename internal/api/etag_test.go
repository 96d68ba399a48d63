package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// etagStep is one request of an optimistic-concurrency scenario and what
// must come back: the status, the ETag header ("" = none), the error code
// of a refusal. A refused step must leave the database unchanged.
type etagStep struct {
	name     string
	method   string
	path     string
	ifMatch  string // sent as If-Match when not ""
	headers  map[string]string
	body     any
	status   int
	etag     string
	code     int
	noChange bool
}

func runETagSteps(t *testing.T, e *apitest.Env, h map[string]string, steps []etagStep) {
	t.Helper()
	for _, st := range steps {
		headers := maps.Clone(h)
		if st.ifMatch != "" {
			headers["If-Match"] = st.ifMatch
		}
		maps.Copy(headers, st.headers)
		before := fingerprint(t, e)
		rec := e.Send(e.Handler, st.method, st.path, headers, st.body)
		if rec.Code != st.status {
			t.Fatalf("%s: status %d, want %d; body %s", st.name, rec.Code, st.status, rec.Body.String())
		}
		if got := rec.Header().Get("ETag"); got != st.etag {
			t.Errorf("%s: ETag %q, want %q", st.name, got, st.etag)
		}
		if st.code != 0 {
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			apitest.CheckError(t, body, st.code)
		}
		if st.noChange && fingerprint(t, e) != before {
			t.Errorf("%s: refused, but the database changed", st.name)
		}
	}
}

// etagEnv is a stack with a content type "counter" (a title and a number
// field n), the locale fr-fr falling back to en-us, and the owner's headers.
func etagEnv(t *testing.T, e *apitest.Env) map[string]string {
	stackEnv(t, e)
	h := hdr("owner", "api_key")
	mustCreate(t, e, "/v3/content_types", h, map[string]any{"content_type": map[string]any{"title": "Counter", "uid": "counter",
		"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true},
			map[string]any{"display_name": "N", "uid": "n", "data_type": "number"}}}}, "content_type")
	mustCreate(t, e, "/v3/locales", h, map[string]any{"locale": map[string]any{"code": "fr-fr", "name": "French", "fallback_locale": "en-us"}}, "locale")
	return h
}

func TestEntryETags(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		h := etagEnv(t, e)
		rec := e.Send(e.Handler, "POST", "/v3/content_types/counter/entries", h, map[string]any{"entry": map[string]any{"title": "C", "n": 0}})
		if rec.Code != 201 || rec.Header().Get("ETag") != `"1"` {
			t.Fatalf("create: %d, ETag %q; %s", rec.Code, rec.Header().Get("ETag"), rec.Body.String())
		}
		var created struct{ Entry struct{ UID string } }
		_ = json.Unmarshal(rec.Body.Bytes(), &created)
		e.Vars["entry"] = created.Entry.UID
		one := "/v3/content_types/counter/entries/{entry}"
		put := func(n int) any { return map[string]any{"entry": map[string]any{"n": n}} }
		runETagSteps(t, e, h, []etagStep{
			{name: "read", method: "GET", path: one, status: 200, etag: `"1"`},
			{name: "If-None-Match is not answered with 304", method: "GET", path: one, headers: map[string]string{"If-None-Match": `"1"`},
				status: 200, etag: `"1"`},
			{name: "another version", method: "PUT", path: one, ifMatch: `"2"`, body: put(1), status: 412, code: 412, noChange: true},
			{name: "weak tags never match", method: "PUT", path: one, ifMatch: `W/"1"`, body: put(1), status: 412, code: 412, noChange: true},
			{name: "unquoted is malformed", method: "PUT", path: one, ifMatch: `1`, body: put(1), status: 400, code: 400, noChange: true},
			{name: "star with tags is malformed", method: "PUT", path: one, ifMatch: `*, "1"`, body: put(1), status: 400, code: 400, noChange: true},
			{name: "412 comes before validation", method: "PUT", path: one, ifMatch: `"9"`, body: map[string]any{"entry": map[string]any{"n": "x"}},
				status: 412, code: 412, noChange: true},
			{name: "the current version", method: "PUT", path: one, ifMatch: `"1"`, body: put(1), status: 200, etag: `"2"`},
			{name: "the same version again", method: "PUT", path: one, ifMatch: `"1"`, body: put(2), status: 412, code: 412, noChange: true},
			{name: "star", method: "PUT", path: one, ifMatch: `*`, body: put(2), status: 200, etag: `"3"`},
			{name: "a list naming the current version", method: "PUT", path: one, ifMatch: `"7", W/"3", "3"`, body: put(3), status: 200, etag: `"4"`},
			{name: "no If-Match: as before", method: "PUT", path: one, body: put(4), status: 200, etag: `"5"`},
			{name: "not localized in fr-fr", method: "GET", path: one + "?locale=fr-fr", status: 422},
			{name: "fr-fr by fallback shows en-us version 5", method: "GET", path: one + "?locale=fr-fr&include_fallback=true", status: 200, etag: `"5"`},
			{name: "localize with the fallback's stale version", method: "PUT", path: one + "?locale=fr-fr", ifMatch: `"4"`, body: put(40),
				status: 412, code: 412, noChange: true},
			{name: "localize with the fallback's version", method: "PUT", path: one + "?locale=fr-fr", ifMatch: `"5"`, body: put(50), status: 200, etag: `"1"`},
			{name: "each locale has its own version", method: "GET", path: one + "?locale=fr-fr", status: 200, etag: `"1"`},
			{name: "fr-fr's version names nothing in en-us", method: "PUT", path: one, ifMatch: `"1"`, body: put(6), status: 412, code: 412, noChange: true},
			{name: "an old version read back", method: "GET", path: one + "?version=2", status: 200, etag: `"2"`},
			{name: "delete fr-fr with another version", method: "DELETE", path: one + "?locale=fr-fr", ifMatch: `"5"`, status: 412, code: 412, noChange: true},
			{name: "delete fr-fr", method: "DELETE", path: one + "?locale=fr-fr", ifMatch: `"1"`, status: 200},
			{name: "delete with another version", method: "DELETE", path: one, ifMatch: `"4"`, status: 412, code: 412, noChange: true},
			{name: "delete malformed", method: "DELETE", path: one, ifMatch: `"5`, status: 400, code: 400, noChange: true},
			{name: "delete", method: "DELETE", path: one, ifMatch: `"5"`, status: 200},
			{name: "star does not match a deleted entry", method: "PUT", path: one, ifMatch: `*`, body: put(1), status: 422, code: 141, noChange: true},
		})
	})
}

func TestContentTypeAndGlobalFieldETags(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		h := etagEnv(t, e)
		ct := func(desc string) any { return map[string]any{"content_type": map[string]any{"description": desc}} }
		gf := func(title string) any { return map[string]any{"global_field": map[string]any{"title": title}} }
		runETagSteps(t, e, h, []etagStep{
			{name: "create a content type", method: "POST", path: "/v3/content_types", status: 201, etag: `"1"`,
				body: map[string]any{"content_type": map[string]any{"title": "Page", "uid": "page",
					"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text"}}}}},
			{name: "read it", method: "GET", path: "/v3/content_types/page", status: 200, etag: `"1"`},
			{name: "update another version", method: "PUT", path: "/v3/content_types/page", ifMatch: `"2"`, body: ct("x"), status: 412, code: 412, noChange: true},
			{name: "update", method: "PUT", path: "/v3/content_types/page", ifMatch: `"1"`, body: ct("x"), status: 200, etag: `"2"`},
			{name: "delete another version", method: "DELETE", path: "/v3/content_types/page", ifMatch: `"1"`, status: 412, code: 412, noChange: true},
			{name: "delete", method: "DELETE", path: "/v3/content_types/page", ifMatch: `"2"`, status: 200},

			{name: "create a global field", method: "POST", path: "/v3/global_fields", status: 201, etag: `"1"`,
				body: map[string]any{"global_field": map[string]any{"title": "SEO", "uid": "seo",
					"schema": []any{map[string]any{"display_name": "K", "uid": "k", "data_type": "text"}}}}},
			{name: "read the global field", method: "GET", path: "/v3/global_fields/seo", status: 200, etag: `"1"`},
			{name: "update it with another version", method: "PUT", path: "/v3/global_fields/seo", ifMatch: `"0"`, body: gf("S"), status: 412, code: 412, noChange: true},
			{name: "update it", method: "PUT", path: "/v3/global_fields/seo", ifMatch: `*`, body: gf("S"), status: 200, etag: `"2"`},
			{name: "delete it with another version", method: "DELETE", path: "/v3/global_fields/seo", ifMatch: `"1"`, status: 412, code: 412, noChange: true},
			{name: "delete it", method: "DELETE", path: "/v3/global_fields/seo", ifMatch: `"2"`, status: 200},
		})
	})
}

func TestAssetETags(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		h := etagEnv(t, e)
		rec := e.Send(e.Handler, "POST", "/v3/assets", h, apitest.Form{apitest.Field("asset[title]", "A"),
			apitest.FilePart("a.txt", "text/plain", []byte("first"))})
		if rec.Code != 201 || rec.Header().Get("ETag") != `"1"` {
			t.Fatalf("upload: %d, ETag %q; %s", rec.Code, rec.Header().Get("ETag"), rec.Body.String())
		}
		var created struct{ Asset struct{ UID string } }
		_ = json.Unmarshal(rec.Body.Bytes(), &created)
		e.Vars["asset"] = created.Asset.UID
		one := "/v3/assets/{asset}"
		files := e.CountFiles(t)
		replace := apitest.Form{apitest.FilePart("b.txt", "text/plain", []byte("second"))}
		runETagSteps(t, e, h, []etagStep{
			{name: "read", method: "GET", path: one, status: 200, etag: `"1"`},
			{name: "metadata with another version", method: "PUT", path: one, ifMatch: `"3"`,
				body: map[string]any{"asset": map[string]any{"title": "B"}}, status: 412, code: 412, noChange: true},
			{name: "replace with another version", method: "PUT", path: one, ifMatch: `"3"`, body: replace, status: 412, code: 412, noChange: true},
			{name: "metadata", method: "PUT", path: one, ifMatch: `"1"`, body: map[string]any{"asset": map[string]any{"title": "B"}}, status: 200, etag: `"2"`},
			{name: "replace", method: "PUT", path: one, ifMatch: `"2"`, body: replace, status: 200, etag: `"3"`},
			{name: "an old version read back", method: "GET", path: one + "?version=1", status: 200, etag: `"1"`},
			{name: "delete another version", method: "DELETE", path: one, ifMatch: `"2"`, status: 412, code: 412, noChange: true},
		})
		if got := e.CountFiles(t); got != files+1 {
			t.Errorf("%d files after one replace, want %d: a refused replace left its file", got, files+1)
		}
		runETagSteps(t, e, h, []etagStep{{name: "delete", method: "DELETE", path: one, ifMatch: `"3"`, status: 200}})
	})
}

// TestIfMatchConcurrentUpdates: 50 clients update one entry at once with
// the version they all read; exactly one wins, the others get 412. Then
// 50 clients each add 1 to a counter, re-reading and retrying on 412:
// no increment is lost, and each version holds the counter it should.
func TestIfMatchConcurrentUpdates(t *testing.T) {
	const clients = 50
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		h := etagEnv(t, e)
		e.Vars["entry"] = mustCreate(t, e, "/v3/content_types/counter/entries", h, map[string]any{"entry": map[string]any{"title": "C", "n": 0}}, "entry")
		one := "/v3/content_types/counter/entries/{entry}"
		h["If-Match"] = `"1"`
		statuses := make(chan int, clients)
		parallel(clients, func(i int) {
			statuses <- e.Send(e.Handler, "PUT", one, h, map[string]any{"entry": map[string]any{"n": 1000 + i}}).Code
		})
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		if count[200] != 1 || count[412] != clients-1 {
			t.Fatalf("%d concurrent updates of version 1: %v, want one 200 and %d 412", clients, count, clients-1)
		}
		delete(h, "If-Match")
		runETagSteps(t, e, h, []etagStep{{name: "reset", method: "PUT", path: one, body: map[string]any{"entry": map[string]any{"n": 0}},
			status: 200, etag: `"3"`}})

		attempts := make(chan int, clients)
		parallel(clients, func(int) { attempts <- increment(t, e, h, one) })
		close(attempts)
		total := 0
		for n := range attempts {
			total += n
		}
		for v := 3; v <= 3+clients; v++ {
			if n := counterAt(t, e, h, fmt.Sprintf("%s?version=%d", one, v)); n != v-3 {
				t.Errorf("version %d holds n=%d, want %d", v, n, v-3)
			}
		}
		t.Logf("%d increments took %d attempts", clients, total)
	})
}

// parallel runs fn(0..n-1) in n goroutines and waits for them.
func parallel(n int, fn func(i int)) {
	done := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			fn(i)
		}()
	}
	for range n {
		<-done
	}
}

// increment adds 1 to the entry's counter the careful way: read it with
// its ETag, write n+1 with If-Match, and start over on 412. It returns the
// number of writes it tried.
func increment(t *testing.T, e *apitest.Env, h map[string]string, path string) int {
	for attempt := 1; attempt <= 1000; attempt++ {
		rec := e.Send(e.Handler, "GET", path, h, nil)
		var got struct{ Entry struct{ N int } }
		if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil {
			t.Errorf("read: %d %s", rec.Code, rec.Body.String())
			return attempt
		}
		put := maps.Clone(h)
		put["If-Match"] = rec.Header().Get("ETag")
		rec = e.Send(e.Handler, "PUT", path, put, map[string]any{"entry": map[string]any{"n": got.Entry.N + 1}})
		switch rec.Code {
		case 200:
			return attempt
		case 412:
			continue
		default:
			t.Errorf("write: %d %s", rec.Code, rec.Body.String())
			return attempt
		}
	}
	t.Errorf("no increment after 1000 attempts")
	return 1000
}

func counterAt(t *testing.T, e *apitest.Env, h map[string]string, path string) int {
	t.Helper()
	rec := e.Send(e.Handler, "GET", path, h, nil)
	var got struct{ Entry struct{ N int } }
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return got.Entry.N
}
