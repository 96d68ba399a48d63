package api

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIncludeValues(t *testing.T) {
	q, _ := url.ParseQuery("only[BASE][]=title&include[][]=author&include[]=details.editor&include[0]=c")
	if got := includeValues(q); !cmp.Equal(got, []string{"c", "details.editor", "author"}) {
		t.Errorf("includeValues = %v", got)
	}
}
