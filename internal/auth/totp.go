package auth

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"image/png"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// NewTOTP generates a TOTP seed for account and returns the base32 secret
// and its otpauth:// URL.
func NewTOTP(account string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "stackd", AccountName: account})
	if err != nil {
		return "", "", fmt.Errorf("auth: generate totp: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// totpPeriod is the length of one TOTP time step.
const totpPeriod = 30 * time.Second

var totpOpts = totp.ValidateOpts{Period: uint(totpPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// MatchTOTP returns the time step (Unix seconds / 30) whose code is code,
// looking at the step of t and one step either side (RFC 6238's usual
// allowance for clock skew). All three are computed and compared in
// constant time; when two match, the later step is returned, so that
// refusing steps up to the last accepted one refuses every replay.
func MatchTOTP(secret, code string, t time.Time) (step int64, ok bool) {
	for d := -1; d <= 1; d++ {
		at := t.Add(time.Duration(d) * totpPeriod)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = at.Unix()/int64(totpPeriod/time.Second), true
		}
	}
	return step, ok
}

// CheckTOTP reports whether code is valid for secret at t (one 30 s step of
// skew either way). It does not know about replays; logins use MatchTOTP
// and refuse a step already accepted.
func CheckTOTP(secret, code string, t time.Time) bool {
	_, ok := MatchTOTP(secret, code, t)
	return ok
}

// TOTPQRCode renders an otpauth:// URL as a QR code PNG of size×size
// pixels, for an authenticator app's camera (pquerna/otp draws it with
// boombuler/barcode).
func TOTPQRCode(url string, size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return nil, fmt.Errorf("auth: read otpauth url: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("auth: draw totp qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("auth: encode totp qr code: %w", err)
	}
	return buf.Bytes(), nil
}
