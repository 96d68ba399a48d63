package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store/storetest"
)

// burst sends the passwords for email concurrently, all released at once,
// and returns each answer's status and error message in the same order.
func burst(e *apitest.Env, email string, passwords []string) ([]int, []string) {
	statuses, messages := make([]int, len(passwords)), make([]string, len(passwords))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, pw := range passwords {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			rec := e.Send(e.Handler, "POST", "/v3/user-session", nil, loginBody(email, pw))
			var body map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			statuses[i] = rec.Code
			messages[i], _ = body["error_message"].(string)
		}()
	}
	start.Done()
	done.Wait()
	return statuses, messages
}

// wrongPasswords returns n distinct wrong passwords (distinct, so that the
// fold of identical retries does not hide any of them).
func wrongPasswords(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("wrong-burst-%02d", i)
	}
	return out
}

func userState(t *testing.T, e *apitest.Env, email string) domain.User {
	t.Helper()
	u, err := e.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// checkStatuses fails on any answer a login burst must never give (a 500,
// or a success for a wrong password).
func checkStatuses(t *testing.T, statuses []int, messages []string, right int) {
	t.Helper()
	for i, s := range statuses {
		if i != right && s != 422 && s != 429 {
			t.Errorf("wrong password %d: status %d (%s), want 422 or 429", i, s, messages[i])
		}
	}
}

// TestLockoutBurst is the regression test of the lockout bypass: 40
// concurrent wrong passwords with the right one among them. At most the
// attempts the policy allows before the next lock are ever evaluated, the
// right password gets in only if it was evaluated before the lock, and a
// lock (even the indefinite one of the 10th failure) is never wiped by it.
func TestLockoutBurst(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		const email = "burst@example.com"
		e.AddUser(email)
		passwords := wrongPasswords(40)
		passwords[20] = apitest.Password
		statuses, messages := burst(e, email, passwords)
		checkStatuses(t, statuses, messages, 20)
		u := userState(t, e, email)
		if statuses[20] == 200 {
			// The right password won a slot before the lock: the failures
			// counted after it start again from zero.
			if u.Failed > domain.MaxLoginAttempts {
				t.Errorf("after a success inside the burst %d failures were evaluated, at most %d allowed", u.Failed, domain.MaxLoginAttempts)
			}
		} else if u.Failed != domain.MaxLoginAttempts || !u.Locked(e.Clock.Now()) {
			t.Errorf("burst evaluated %d wrong passwords (locked %v), want exactly %d and a lock", u.Failed, u.Locked(e.Clock.Now()), domain.MaxLoginAttempts)
		}
		e.Clock.Advance(2 * time.Minute) // refills the per-email bucket; the 5-minute lock holds
		if u.Locked(e.Clock.Now()) {
			if status, body := e.Do("POST", "/v3/user-session", nil, loginBody(email, apitest.Password)); status != 422 || !strings.Contains(body["error_message"].(string), "locked") {
				t.Errorf("right password after the lock: %d %v", status, body)
			}
		}
	})
}

// TestLockoutBurstIndefinite starts from nine failures whose lock has
// expired: one more wrong password locks until an operator unlocks. A burst
// evaluates exactly one, and a later burst with the right password inside
// does not wipe the lock.
func TestLockoutBurstIndefinite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		const email = "ninth@example.com"
		uid := e.AddUser(email)
		if _, err := e.Store.UpdateUser(context.Background(), uid, func(u *domain.User) error {
			u.Failed, u.LockedUntil = 9, e.Clock.Now().Add(-time.Minute).UnixMilli()
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		statuses, messages := burst(e, email, wrongPasswords(40))
		checkStatuses(t, statuses, messages, -1)
		if u := userState(t, e, email); u.Failed != 10 || u.LockedUntil != domain.LockedForever {
			t.Fatalf("burst from 9 failures: %d failures, locked until %d; want 10 and locked until unlocked", u.Failed, u.LockedUntil)
		}
		e.Clock.Advance(2 * time.Minute) // refills the per-email bucket
		passwords := wrongPasswords(40)
		passwords[17] = apitest.Password
		statuses, messages = burst(e, email, passwords)
		checkStatuses(t, statuses, messages, 17)
		if statuses[17] != 422 && statuses[17] != 429 || statuses[17] == 422 && !strings.Contains(messages[17], "administrator") {
			t.Errorf("right password against the indefinite lock: %d %q", statuses[17], messages[17])
		}
		e.Clock.Advance(2 * time.Minute)
		if status, body := e.Do("POST", "/v3/user-session", nil, loginBody(email, apitest.Password)); status != 422 || !strings.Contains(body["error_message"].(string), "administrator") {
			t.Errorf("right password after the bursts: %d %v", status, body)
		}
		if u := userState(t, e, email); u.Failed != 10 || u.LockedUntil != domain.LockedForever {
			t.Errorf("the indefinite lock changed: %d failures, locked until %d", u.Failed, u.LockedUntil)
		}
	})
}

// TestTOTPReplay: a code, once accepted, is refused when presented again
// within its window; the next step's code works.
func TestTOTPReplay(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		uid := e.AddUser("replay@example.com")
		secret, _, err := auth.NewTOTP("replay@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Store.UpdateUser(context.Background(), uid, func(u *domain.User) error {
			u.TFAEnabled, u.TFASecret = true, e.Core.Box.Seal([]byte(secret))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		withCode := func(code string) (int, map[string]any) {
			return e.Do("POST", "/v3/user-session", nil, map[string]any{"user": map[string]any{
				"email": "replay@example.com", "password": apitest.Password, "tfa_token": code}})
		}
		code := totpCode(t, secret, e.Clock.Now())
		if status, body := withCode(code); status != 200 {
			t.Fatalf("first use of the code: %d %v", status, body)
		}
		e.Clock.Advance(20 * time.Second) // still within the code's window (one step of skew)
		status, body := withCode(code)
		if status != 422 {
			t.Fatalf("replayed code: %d %v, want 422", status, body)
		}
		apitest.CheckError(t, body, 104)
		e.Clock.Advance(30 * time.Second)
		if status, body := withCode(totpCode(t, secret, e.Clock.Now())); status != 200 {
			t.Fatalf("the next step's code: %d %v", status, body)
		}
	})
}

// TestLoginReservationLapses: reservations left by a process that died
// mid-check block new checks only until they lapse.
func TestLoginReservationLapses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		const email = "crashed@example.com"
		uid := e.AddUser(email)
		if _, err := e.Store.UpdateUser(context.Background(), uid, func(u *domain.User) error {
			u.LoginPending, u.LoginPendingUntil = 5, e.Clock.Now().Add(auth.DefaultReservationTTL).UnixMilli()
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		rec := e.Send(e.Handler, "POST", "/v3/user-session", nil, loginBody(email, apitest.Password))
		if rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("login while five checks are in flight: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
		e.Clock.Advance(auth.DefaultReservationTTL + time.Second)
		if status, body := e.Do("POST", "/v3/user-session", nil, loginBody(email, apitest.Password)); status != 200 {
			t.Fatalf("login after the reservations lapsed: %d %v", status, body)
		}
		if u := userState(t, e, email); u.LoginPending != 0 {
			t.Errorf("a settled login left %d reservations", u.LoginPending)
		}
	})
}

// TestUnknownEmailsConcurrently is run under -race in CI: logins for
// unknown emails verify a shared dummy hash, which must not be written by
// concurrent requests.
func TestUnknownEmailsConcurrently(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	emails := make([]string, 16)
	var wg sync.WaitGroup
	for i := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := e.Send(e.Handler, "POST", "/v3/user-session", nil, loginBody(fmt.Sprintf("ghost%d@example.com", i), "Wrong-passw0rd"))
			emails[i] = fmt.Sprint(rec.Code)
		}()
	}
	wg.Wait()
	for i, status := range emails {
		if status != "422" {
			t.Errorf("unknown email %d: status %s, want 422", i, status)
		}
	}
}
