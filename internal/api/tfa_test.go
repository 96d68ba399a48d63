package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// TestTFAEnrolment: a user turns two-factor login on with the otpauth URL
// (and its QR code) and a first code, then off with a current code; logins
// follow; wrong codes are refused and then slowed down; the seed is never
// stored in clear.
func TestTFAEnrolment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		e.AddUser("me@example.com")
		me := map[string]string{"authtoken": e.Login("me@example.com")}
		status, body := e.Do("POST", "/v3/user/two_factor", me, nil)
		if status != 200 {
			t.Fatalf("start: %d %v", status, body)
		}
		secret := checkEnrolment(t, body)
		sealed, err := e.Store.PendingTFA(context.Background(), mustUserUID(t, e, "me@example.com"))
		if err != nil || bytes.Contains(sealed, []byte(secret)) || (e.Store.Engine() == "sqlite" && dbContains(t, e, secret)) {
			t.Errorf("the pending TOTP seed is not stored sealed (%v)", err)
		}
		code := func() string { return totpCode(t, secret, e.Clock.Now()) }
		wrong := map[string]any{"tfa_token": "000000"}
		if code() == "000000" {
			wrong["tfa_token"] = "111111"
		}
		e.Run(t, []apitest.Scenario{
			{Name: "still off until confirmed", Method: "POST", Path: "/v3/user-session", Body: loginBody("me@example.com", apitest.Password), WantStatus: 200},
			{Name: "confirm with a wrong code", Method: "POST", Path: "/v3/user/two_factor/confirm", Headers: me, Body: wrong,
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"tfa_token": []any{"is not valid."}}}},
			{Name: "confirm without a code", Method: "POST", Path: "/v3/user/two_factor/confirm", Headers: me, Body: map[string]any{}, WantStatus: 422},
			{Name: "confirm", Method: "POST", Path: "/v3/user/two_factor/confirm", Headers: me, Body: map[string]any{"tfa_token": code()},
				WantStatus: 200, WantJSON: map[string]any{"tfa_status": "verified"}},
			{Name: "shown on the profile", Method: "GET", Path: "/v3/user", Headers: me, WantStatus: 200,
				WantJSON: map[string]any{"user": map[string]any{"tfa_status": "verified"}}},
			{Name: "login now needs a code", Method: "POST", Path: "/v3/user-session", Body: loginBody("me@example.com", apitest.Password),
				WantStatus: 401, WantCode: 294},
			{Name: "login with the code", Method: "POST", Path: "/v3/user-session",
				Body: map[string]any{"user": map[string]any{"email": "me@example.com", "password": apitest.Password, "tfa_token": code()}}, WantStatus: 200},
			{Name: "no second enrolment while on", Method: "POST", Path: "/v3/user/two_factor", Headers: me, WantStatus: 422},
			{Name: "confirm again: nothing pending", Method: "POST", Path: "/v3/user/two_factor/confirm", Headers: me, Body: map[string]any{"tfa_token": code()}, WantStatus: 422},
			{Name: "disable with a wrong code", Method: "DELETE", Path: "/v3/user/two_factor", Headers: me, Body: wrong, WantStatus: 422},
			{Name: "disable", Method: "DELETE", Path: "/v3/user/two_factor", Headers: me, Body: map[string]any{"tfa_token": code()},
				WantStatus: 200, WantJSON: map[string]any{"tfa_status": "disabled"}},
			{Name: "login without a code again", Method: "POST", Path: "/v3/user-session", Body: loginBody("me@example.com", apitest.Password), WantStatus: 200},
			{Name: "disable when off", Method: "DELETE", Path: "/v3/user/two_factor", Headers: me, Body: map[string]any{"tfa_token": code()}, WantStatus: 422},
		})
	})
}

// checkEnrolment checks the start answer's URL and QR code and returns the seed.
func checkEnrolment(t *testing.T, body map[string]any) string {
	t.Helper()
	raw, _ := body["otpauth_url"].(string)
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || !strings.Contains(u.Path, "me@example.com") || u.Query().Get("issuer") != "stackd" {
		t.Fatalf("otpauth_url = %q", raw)
	}
	qr, _ := body["qr_png"].(string)
	b64, ok := strings.CutPrefix(qr, "data:image/png;base64,")
	data, err := base64.StdEncoding.DecodeString(b64)
	if !ok || err != nil {
		t.Fatalf("qr_png is not a PNG data URL: %.40q", qr)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
		t.Fatalf("qr_png: %v, bounds %v", err, img)
	}
	return u.Query().Get("secret")
}

// TestTFAWrongCodesSlowDown: after five wrong codes a user must wait (429)
// before trying again, even with the right code; a TOTP step later one
// more try is allowed.
func TestTFAWrongCodesSlowDown(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	me := map[string]string{"authtoken": e.Login("owner@example.com")}
	_, body := e.Do("POST", "/v3/user/two_factor", me, nil)
	secret := checkEnrolmentOwner(t, body)
	bad := "000000"
	if totpCode(t, secret, e.Clock.Now()) == bad {
		bad = "111111"
	}
	for i := 0; i < 5; i++ {
		if st, _ := e.Do("POST", "/v3/user/two_factor/confirm", me, map[string]any{"tfa_token": bad}); st != 422 {
			t.Fatalf("wrong code %d: %d", i+1, st)
		}
	}
	if st, _ := e.Do("POST", "/v3/user/two_factor/confirm", me, map[string]any{"tfa_token": totpCode(t, secret, e.Clock.Now())}); st != 429 {
		t.Errorf("sixth try: %d, want 429", st)
	}
	e.Clock.Advance(31 * time.Second)
	if st, _ := e.Do("POST", "/v3/user/two_factor/confirm", me, map[string]any{"tfa_token": totpCode(t, secret, e.Clock.Now())}); st != 200 {
		t.Errorf("right code a step later: %d, want 200", st)
	}
}

func checkEnrolmentOwner(t *testing.T, body map[string]any) string {
	t.Helper()
	u, err := url.Parse(body["otpauth_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("secret")
}
