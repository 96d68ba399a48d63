package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Box encrypts secrets that stackd must read back later (TOTP seeds) with
// AES-256-GCM under a key derived from the server's secret key.
type Box struct{ aead cipher.AEAD }

// NewBox derives the encryption key from secret.
func NewBox(secret []byte) (*Box, error) {
	if len(secret) < 16 {
		return nil, errors.New("auth: secret key too short (need 16 bytes or more)")
	}
	key := sha256.Sum256(append([]byte("stackd-box-v1:"), secret...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("auth: new cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("auth: new gcm: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain; the nonce is prepended to the result.
func (b *Box) Seal(plain []byte) []byte {
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return b.aead.Seal(nonce, nonce, plain, nil)
}

// Open decrypts what Seal returned.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("auth: sealed secret too short")
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, fmt.Errorf("auth: open sealed secret: %w", err)
	}
	return plain, nil
}
