package auth

import (
	"bytes"
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

// CheckTOTP reports whether code is valid for secret at t (one 30 s step of
// skew either way, RFC 6238's usual allowance).
func CheckTOTP(secret, code string, t time.Time) bool {
	ok, err := totp.ValidateCustom(code, secret, t, totp.ValidateOpts{
		Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	return err == nil && ok
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
