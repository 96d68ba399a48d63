// Package auth owns stackd's secrets: argon2id password hashing, minting and
// hashing of bearer tokens, TOTP second factors and the encryption of
// recoverable secrets. Nothing here stores anything; callers keep only the
// hashes and ciphertexts it returns.
package auth
