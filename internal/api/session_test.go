package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store/storetest"
)

func forEachEngine(t *testing.T, fn func(t *testing.T, e *apitest.Env)) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) { fn(t, apitest.New(t, eng)) })
	}
}

func loginBody(email, password string) map[string]any {
	return map[string]any{"user": map[string]any{"email": email, "password": password}}
}

func TestLoginScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		e.Vars["uid"] = e.AddUser("dev@example.com")
		e.Run(t, []apitest.Scenario{
			{Name: "success", Method: "POST", Path: "/v3/user-session", Body: loginBody("DEV@example.com", apitest.Password),
				WantStatus: 200, WantJSON: map[string]any{"notice": "Login Successful.",
					"user": map[string]any{"uid": "{uid}", "email": "dev@example.com", "first_name": "First",
						"organizations": []any{map[string]any{"uid": "{org}", "name": "Test Org"}}}}},
			{Name: "wrong password", Method: "POST", Path: "/v3/user-session", Body: loginBody("dev@example.com", "nope-nope-1"),
				WantStatus: 422, WantCode: 104, WantJSON: map[string]any{"error_message": "Looks like your email or password is invalid. You have 4 login attempt(s) left."}},
			{Name: "unknown email", Method: "POST", Path: "/v3/user-session", Body: loginBody("ghost@example.com", apitest.Password),
				WantStatus: 422, WantCode: 104},
			{Name: "missing password", Method: "POST", Path: "/v3/user-session", Body: `{"user":{"email":"dev@example.com"}}`,
				WantStatus: 422, WantCode: 104},
			{Name: "malformed json", Method: "POST", Path: "/v3/user-session", Body: `{"user":`, WantStatus: 400, WantCode: 400},
			{Name: "wrong type", Method: "POST", Path: "/v3/user-session", Body: `{"user":{"email":5}}`, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"user.email": []any{"must be of type string."}}}},
			{Name: "empty body", Method: "POST", Path: "/v3/user-session", Body: ``, WantStatus: 400, WantCode: 400},
		})
	})
}

func TestLoginWrongContentType(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	status, body := e.Do("POST", "/v3/user-session", map[string]string{"Content-Type": "text/plain"}, loginBody("owner@example.com", apitest.Password))
	if status != 400 {
		t.Fatalf("status %d, want 400: %v", status, body)
	}
	if !strings.Contains(body["error_message"].(string), "Content-Type") {
		t.Errorf("message %q does not name the Content-Type", body["error_message"])
	}
}

// TestLockout follows Contentstack's policy with a moved clock: attempts
// 1-4 nothing, then 5, 10, 15, 20, 25 minutes, then locked until unlocked.
func TestLockout(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		e.AddUser("lock@example.com")
		try := func(password string) (int, map[string]any) {
			return e.Do("POST", "/v3/user-session", nil, loginBody("lock@example.com", password))
		}
		for i := 1; i <= 4; i++ {
			_, body := try(fmt.Sprintf("wrong-%d", i))
			want := fmt.Sprintf("You have %d login attempt(s) left.", 5-i)
			if !strings.Contains(body["error_message"].(string), want) {
				t.Fatalf("attempt %d: %q, want %q", i, body["error_message"], want)
			}
			e.Clock.Advance(time.Minute)
		}
		for n, mins := range []int{5, 10, 15, 20, 25} {
			status, body := try(fmt.Sprintf("wrong-lock-%d", n))
			if status != 422 || !strings.Contains(body["error_message"].(string), "locked") {
				t.Fatalf("failure %d: %d %v; want a lock", n+5, status, body)
			}
			e.Clock.Advance(time.Duration(mins)*time.Minute - time.Second)
			if _, body := try(apitest.Password); !strings.Contains(body["error_message"].(string), "locked") {
				t.Fatalf("right password during the %d-minute lock: %v", mins, body)
			}
			e.Clock.Advance(2 * time.Second)
		}
		status, _ := try("wrong-final")
		e.Clock.Advance(365 * 24 * time.Hour)
		if status2, body := try(apitest.Password); status != 422 || status2 != 422 || !strings.Contains(body["error_message"].(string), "administrator") {
			t.Fatalf("10th failure should lock until unlocked; got %d then %d %v", status, status2, body)
		}
		u, _ := e.Store.UserByEmail(context.Background(), "lock@example.com")
		if _, err := e.Store.UpdateUser(context.Background(), u.UID, func(u *domain.User) error { u.Failed, u.LockedUntil = 0, 0; return nil }); err != nil {
			t.Fatal(err)
		}
		if status, body := try(apitest.Password); status != 200 {
			t.Fatalf("after unlock: %d %v", status, body)
		}
	})
}

// TestLoginRetryFolding: csdx re-sends a refused login up to three times;
// the same wrong password within the window counts once.
func TestLoginRetryFolding(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	e.AddUser("retry@example.com")
	for i := 0; i < 4; i++ {
		_, body := e.Do("POST", "/v3/user-session", nil, loginBody("retry@example.com", "same-wrong-1"))
		if !strings.Contains(body["error_message"].(string), "4 login attempt(s) left") {
			t.Fatalf("retry %d counted again: %v", i, body)
		}
	}
	e.Clock.Advance(11 * time.Second)
	_, body := e.Do("POST", "/v3/user-session", nil, loginBody("retry@example.com", "same-wrong-1"))
	if !strings.Contains(body["error_message"].(string), "3 login attempt(s) left") {
		t.Fatalf("after the window the attempt must count: %v", body)
	}
	_, body = e.Do("POST", "/v3/user-session", nil, loginBody("retry@example.com", "other-wrong-2"))
	if !strings.Contains(body["error_message"].(string), "2 login attempt(s) left") {
		t.Fatalf("a different password must count: %v", body)
	}
	if status, _ := e.Do("POST", "/v3/user-session", nil, loginBody("retry@example.com", apitest.Password)); status != 200 {
		t.Fatal("right password refused")
	}
	u, _ := e.Store.UserByEmail(context.Background(), "retry@example.com")
	if u.Failed != 0 {
		t.Errorf("success did not reset the count: %d", u.Failed)
	}
}

func TestSessionCapAndLogout(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		e.AddUser("cap@example.com")
		var tokens []string
		for i := 0; i < 21; i++ {
			tokens = append(tokens, e.Login("cap@example.com"))
			e.Clock.Advance(time.Second)
		}
		if status, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": tokens[0]}, nil); status != 401 {
			t.Errorf("the oldest token still works after the 21st login: %d", status)
		}
		for _, tok := range tokens[1:] {
			if status, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": tok}, nil); status != 200 {
				t.Fatalf("a token among the newest 20 was refused: %d", status)
			}
		}
		status, body := e.Do("DELETE", "/v3/user-session", map[string]string{"authtoken": tokens[20]}, nil)
		if status != 200 || body["notice"] != "You've logged out successfully." {
			t.Fatalf("logout: %d %v", status, body)
		}
		status, body = e.Do("GET", "/v3/user", map[string]string{"authtoken": tokens[20]}, nil)
		if status != 401 {
			t.Fatalf("revoked token still works: %d", status)
		}
		apitest.CheckError(t, body, 105)
		if status, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": tokens[19]}, nil); status != 200 {
			t.Errorf("logout revoked another token")
		}
	})
}

func TestTwoFactor(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	uid := e.AddUser("tfa@example.com")
	secret, _, err := auth.NewTOTP("tfa@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.UpdateUser(context.Background(), uid, func(u *domain.User) error {
		u.TFAEnabled, u.TFASecret = true, e.Core.Box.Seal([]byte(secret))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	status, body := e.Do("POST", "/v3/user-session", nil, loginBody("tfa@example.com", apitest.Password))
	if status != 401 || body["tfa_type"] != "totp_authenticator" {
		t.Fatalf("no code: %d %v", status, body)
	}
	apitest.CheckError(t, body, 294)
	withCode := func(code string) (int, map[string]any) {
		return e.Do("POST", "/v3/user-session", nil, map[string]any{"user": map[string]any{"email": "tfa@example.com", "password": apitest.Password, "tfa_token": code}})
	}
	status, body = withCode("000000")
	if status != 422 || !strings.Contains(body["error_message"].(string), "4 login attempt(s) left") {
		t.Fatalf("wrong code must be refused and counted: %d %v", status, body)
	}
	code := totpCode(t, secret, e.Clock.Now())
	if status, body := withCode(code); status != 200 {
		t.Fatalf("right code refused: %d %v", status, body)
	}
}

func TestLogsCarryNoSecrets(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	tok := e.Login("owner@example.com")
	e.Do("GET", "/v3/user", map[string]string{"authtoken": tok}, nil)
	e.Do("GET", "/v3/user", map[string]string{"authorization": "cs-secret-value"}, nil)
	logs := e.Logs.String()
	for _, secret := range []string{tok, apitest.Password, "cs-secret-value"} {
		if strings.Contains(logs, secret) {
			t.Errorf("a secret reached the log: %q", secret)
		}
	}
	if !strings.Contains(logs, `"route":"/v3/user"`) {
		t.Errorf("access log lacks the route pattern: %s", logs)
	}
}
