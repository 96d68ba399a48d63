package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
)

func TestLabelParentsValid(t *testing.T) {
	// a <- b <- c (c's parent is b, b's parent is a); d stands alone.
	parents := map[string][]string{"a": {}, "b": {"a"}, "c": {"b"}, "d": {}}
	for _, c := range []struct {
		name   string
		label  domain.Label
		wantOK bool
	}{
		{"no parents", domain.Label{UID: "a"}, true},
		{"new label under c", domain.Label{UID: "n", Parent: []string{"c"}}, true},
		{"a under d", domain.Label{UID: "a", Parent: []string{"d"}}, true},
		{"a under c: a cycle", domain.Label{UID: "a", Parent: []string{"c"}}, false},
		{"a under d and b: a cycle", domain.Label{UID: "a", Parent: []string{"d", "b"}}, false},
		{"unknown parent", domain.Label{UID: "n", Parent: []string{"zz"}}, false},
	} {
		err := domain.LabelParentsValid(c.label, parents)
		if (err == nil) != c.wantOK {
			t.Errorf("%s: error %v; want ok=%v", c.name, err, c.wantOK)
		}
		if err != nil && !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("%s: error %v is not a 422", c.name, err)
		}
	}
}

func TestParseExtensionConfig(t *testing.T) {
	for _, c := range []struct {
		in, want string
		wantErr  bool
	}{
		{``, `{}`, false},
		{`null`, `{}`, false},
		{`""`, `{}`, false},
		{`"{}"`, `{}`, false},
		{`"{ \"a\": 1 }"`, `{"a":1}`, false},
		{`{ "a": [1, 2] }`, `{"a":[1,2]}`, false},
		{`"[1]"`, ``, true},
		{`[1]`, ``, true},
		{`"not json"`, ``, true},
		{`5`, ``, true},
	} {
		got, err := domain.ParseExtensionConfig(json.RawMessage(c.in))
		if (err != nil) != c.wantErr || (err == nil && string(got) != c.want) {
			t.Errorf("ParseExtensionConfig(%s) = %s, %v; want %s (error: %v)", c.in, got, err, c.want, c.wantErr)
		}
	}
}

func TestParseStringList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{``, []string{}},
		{`["a","b"]`, []string{"a", "b"}},
		{`"a, b,,c "`, []string{"a", "b", "c"}},
	} {
		got, err := domain.ParseStringList("tags", json.RawMessage(c.in))
		if err != nil || !cmp.Equal(got, c.want) {
			t.Errorf("ParseStringList(%s) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := domain.ParseStringList("tags", json.RawMessage(`{"a":1}`)); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("an object as a list: error %v; want a 422", err)
	}
}

func TestWebhookSecretsRoundTrip(t *testing.T) {
	w := domain.Webhook{UID: "w", Destinations: []domain.WebhookDestination{
		{TargetURL: "https://a", HTTPBasicAuth: "user", HTTPBasicPassword: "pw", CustomHeader: []domain.WebhookHeader{{HeaderName: "X", Value: "v"}, {HeaderName: "Y"}}},
		{TargetURL: "https://b", BearerToken: "bt", ClientSecret: "cs"},
	}}
	stored, secrets := w.WithoutSecrets()
	if stored.HasSecretsInClear() {
		t.Fatalf("WithoutSecrets left secrets: %+v", stored.Destinations)
	}
	if !w.HasSecretsInClear() || w.Destinations[0].HTTPBasicPassword != "pw" {
		t.Fatalf("WithoutSecrets changed its receiver: %+v", w.Destinations)
	}
	if stored.Destinations[0].HTTPBasicAuth != "user" || stored.Destinations[0].CustomHeader[1].HeaderName != "Y" {
		t.Errorf("WithoutSecrets dropped clear fields: %+v", stored.Destinations)
	}
	back, err := stored.WithSecrets(secrets)
	if err != nil {
		t.Fatal(err)
	}
	want := w
	want.Destinations[1].CustomHeader = []domain.WebhookHeader{}
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := stored.WithSecrets(secrets[:1]); err == nil {
		t.Error("WithSecrets accepted secrets for fewer destinations")
	}
}

func TestKeepMaskedSecrets(t *testing.T) {
	prev := []domain.WebhookDestination{
		{TargetURL: "https://a", HTTPBasicPassword: "pw", BearerToken: "bt", CustomHeader: []domain.WebhookHeader{{HeaderName: "X", Value: "v"}}},
		{TargetURL: "https://b", ClientSecret: "cs"},
	}
	m := domain.MaskedSecret
	cases := []struct {
		name      string
		next      []domain.WebhookDestination
		want      []domain.WebhookDestination
		wantField string
	}{
		{"same URL keeps", []domain.WebhookDestination{
			{TargetURL: "https://a", HTTPBasicPassword: m, BearerToken: "new", ClientSecret: m,
				CustomHeader: []domain.WebhookHeader{{HeaderName: "Z", Value: m}, {HeaderName: "X", Value: m}}}},
			[]domain.WebhookDestination{{TargetURL: "https://a", HTTPBasicPassword: "pw", BearerToken: "new", ClientSecret: m,
				CustomHeader: []domain.WebhookHeader{{HeaderName: "Z", Value: m}, {HeaderName: "X", Value: "v"}}}}, ""},
		{"reordered destinations keep their own", []domain.WebhookDestination{
			{TargetURL: "https://b", ClientSecret: m}, {TargetURL: "https://a", HTTPBasicPassword: m}},
			[]domain.WebhookDestination{{TargetURL: "https://b", ClientSecret: "cs"}, {TargetURL: "https://a", HTTPBasicPassword: "pw"}}, ""},
		{"changed URL with new secrets", []domain.WebhookDestination{{TargetURL: "https://moved", HTTPBasicPassword: "fresh"}},
			[]domain.WebhookDestination{{TargetURL: "https://moved", HTTPBasicPassword: "fresh"}}, ""},
		{"changed URL, masked password", []domain.WebhookDestination{{TargetURL: "https://moved", HTTPBasicPassword: m}}, nil,
			"destinations.0.http_basic_password"},
		{"changed URL, masked header", []domain.WebhookDestination{{TargetURL: "https://a"},
			{TargetURL: "https://c", CustomHeader: []domain.WebhookHeader{{HeaderName: "X", Value: "ok"}, {HeaderName: "X", Value: m}}}}, nil,
			"destinations.1.custom_header.1.value"},
	}
	created := []domain.WebhookDestination{{TargetURL: "https://new", HTTPBasicPassword: m}}
	if err := domain.KeepMaskedSecrets(nil, created); err != nil || created[0].HTTPBasicPassword != m {
		t.Errorf("a created webhook's masked secret: %v, %q; want it stored as sent", err, created[0].HTTPBasicPassword)
	}
	for _, c := range cases {
		err := domain.KeepMaskedSecrets(prev, c.next)
		if c.wantField != "" {
			e, ok := domain.AsError(err)
			if !ok || e.Kind != domain.KindInvalid || len(e.Fields[c.wantField]) == 0 {
				t.Errorf("%s: %v, want a 422 naming %s", c.name, err, c.wantField)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(c.want, c.next); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}
