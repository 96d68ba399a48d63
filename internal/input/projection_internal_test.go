package input

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseProjections(t *testing.T) {
	q, _ := url.ParseQuery("only[BASE][]=title&only[BASE][]=author&only[author][]=title&only[author][0]=books.title" +
		"&except[author.books][]=cover&only[]=x&only=y&onlyx[BASE][]=z&except[BASE]x=w&include[][]=author&include[]=details.editor&include[0]=c")
	ps := ParseProjections(q)
	want := Projections{
		"BASE":         {only: pathTree{"title": {}, "author": {}}},
		"author":       {only: pathTree{"title": {}, "books": {"title": {}}}},
		"author.books": {except: pathTree{"cover": {}}},
	}
	if diff := cmp.Diff(want, ps, cmp.AllowUnexported(Projection{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	entry := map[string]any{"uid": "u", "title": "T", "author": []any{map[string]any{"uid": "p", "title": "A", "books": "b"}}, "url": "/x"}
	got := ps.At(BaseProjection).Apply(entry)
	if diff := cmp.Diff(map[string]any{"uid": "u", "title": "T", "author": entry["author"]}, got); diff != "" {
		t.Errorf("BASE (-want +got):\n%s", diff)
	}
}

// FuzzProjectionPaths: any query string gives projections (for the
// entries asked for and for include[] paths) that apply to an entry without panicking, and only[…] always
// keeps the uid.
func FuzzProjectionPaths(f *testing.F) {
	for _, s := range []string{
		"only[BASE][]=title&only[author][]=title",
		"except[BASE][]=url&except[author.books][0]=cover",
		"include[][]=author&include[]=author.books&only[author][]=books.title",
		"only[]=x&only[BASE]=a.b.c&except[BASE][]=uid",
		"only[a][b][c]=d&except[[]]=x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		ps := ParseProjections(q)
		for name, p := range ps {
			if name == "" {
				t.Fatalf("a projection without a name from %q", raw)
			}
			entry := map[string]any{"uid": "u", "title": "T", "group": map[string]any{"a": 1.0}, "list": []any{map[string]any{"b": "c"}}}
			out := p.Apply(entry)
			if p.only != nil && out["uid"] != "u" {
				t.Fatalf("only dropped uid: %v from %q", out, raw)
			}
		}
	})
}
