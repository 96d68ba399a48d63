package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestHashAndVerify(t *testing.T) {
	h := NewHasher(TestParams, 2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "Correct-h0rse")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$") {
		t.Fatalf("Hash = %q, %v", enc, err)
	}
	if strings.Contains(enc, "Correct-h0rse") {
		t.Fatal("hash contains the password")
	}
	for pw, want := range map[string]bool{"Correct-h0rse": true, "correct-h0rse": false, "": false} {
		if ok, err := h.Verify(ctx, enc, pw); err != nil || ok != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	other, _ := h.Hash(ctx, "Correct-h0rse")
	if other == enc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	strong := NewHasher(DefaultParams, 1)
	if ok, _ := strong.Verify(ctx, enc, "Correct-h0rse"); !ok {
		t.Error("a hash made with other parameters no longer verifies")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$x$y", "$argon2id$v=19$m=x$a$b"} {
		if _, err := h.Verify(ctx, bad, "x"); err == nil {
			t.Errorf("Verify accepted malformed hash %q", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewAuthtoken(), NewAuthtoken()
	if a == b || len(a) != 35 || !strings.HasPrefix(a, "blt") {
		t.Errorf("authtokens %q %q", a, b)
	}
	if HashToken(a) == HashToken(b) || HashToken(a) != HashToken(a) || len(HashToken(a)) != 64 {
		t.Error("HashToken is not a stable SHA-256 hex digest")
	}
	if m := NewManagementSecret(); !strings.HasPrefix(m, "csmt") || len(m) != 44 {
		t.Errorf("management secret %q", m)
	}
	if d := NewDeliverySecret(); !strings.HasPrefix(d, "csdt") || len(d) != 44 {
		t.Errorf("delivery secret %q", d)
	}
	if Fingerprint([]byte("k1"), "a", "b") == Fingerprint([]byte("k2"), "a", "b") || Fingerprint(nil, "ab", "") == Fingerprint(nil, "a", "b") {
		t.Error("Fingerprint ignores its key or its part boundaries")
	}
}

func TestBox(t *testing.T) {
	b, err := NewBox([]byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	sealed := b.Seal([]byte("seed"))
	if bytes.Contains(sealed, []byte("seed")) {
		t.Fatal("sealed text contains the plain text")
	}
	if got, err := b.Open(sealed); err != nil || string(got) != "seed" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := NewBox([]byte("another-key-0123456789"))
	if _, err := other.Open(sealed); err == nil {
		t.Error("a box with another key opened the secret")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := b.Open(sealed); err == nil {
		t.Error("tampered ciphertext opened")
	}
	if _, err := NewBox([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

func TestTOTP(t *testing.T) {
	secret, url, err := NewTOTP("a@example.com")
	if err != nil || !strings.HasPrefix(url, "otpauth://totp/") {
		t.Fatalf("NewTOTP: %q %v", url, err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	code, _ := totp.GenerateCode(secret, now)
	if !CheckTOTP(secret, code, now) || !CheckTOTP(secret, code, now.Add(30*time.Second)) {
		t.Error("a valid code (or one step of skew) was refused")
	}
	if CheckTOTP(secret, code, now.Add(5*time.Minute)) {
		t.Error("a stale code was accepted")
	}
}

func TestMatchTOTPStep(t *testing.T) {
	secret, _, err := NewTOTP("a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)
	code, _ := totp.GenerateCode(secret, at)
	want := at.Unix() / 30
	for _, d := range []time.Duration{0, 25 * time.Second, -15 * time.Second} {
		if step, ok := MatchTOTP(secret, code, at.Add(d)); !ok || step != want {
			t.Errorf("MatchTOTP at %v: step %d %v, want %d", d, step, ok, want)
		}
	}
	if _, ok := MatchTOTP(secret, code, at.Add(2*time.Minute)); ok {
		t.Error("a code two minutes old matched")
	}
}
