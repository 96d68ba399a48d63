package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an Error; the HTTP layer maps each kind to one status.
type Kind int

// The error kinds. Their HTTP statuses are decided in one place (api.writeError).
const (
	KindInternal       Kind = iota // a server fault: logged, answered 500 with a generic message
	KindInvalid                    // validation failed, or a named CMA resource does not exist (422)
	KindBadRequest                 // malformed JSON, wrong Content-Type (400)
	KindUnauthorized               // missing, unknown, revoked or expired credentials (401)
	KindStackUnknown               // unknown api_key, or the caller is not a member (412)
	KindForbidden                  // valid credentials without the right (403)
	KindNotFound                   // unknown path (404)
	KindTooLarge                   // request body over the limit (413)
	KindRateLimited                // over a rate limit (429)
	KindMethod                     // the path exists, the method does not (405)
	KindUnavailable                // the database is unreachable, overloaded or timed out: try again (503 + Retry-After)
	KindPrecondition               // an If-Match header names another version (412)
	KindHeaderTooLarge             // request headers over the limit (431)
)

// Contentstack error codes stackd answers with. They are Contentstack's own
// numbers where the spec knows one.
const (
	CodeLoginFailed        = 104
	CodeUnauthorized       = 105
	CodeStackUnknown       = 109
	CodeCTExists           = 115
	CodeCTNotFound         = 118
	CodeEntryExists        = 119
	CodeEntryNotFound      = 141
	CodeForbidden          = 162
	CodeInternal           = 194
	CodeTFARequired        = 294
	CodeBranchNotFound     = 905
	CodeValidation         = 422 // generic validation failure (no Contentstack number known)
	CodeNotFound           = 404 // generic "no such resource" (no Contentstack number known)
	CodeBadRequest         = 400
	CodeRateLimited        = 429
	CodePayloadTooLarge    = 413
	CodeMethodNotAllowed   = 405
	CodePreconditionFailed = 412 // If-Match failed (stackd's addition; Contentstack has no such check)
	CodeUnavailable        = 503
	CodeHeaderTooLarge     = 431
)

// Error is stackd's one error type. It carries everything the Contentstack
// error body needs: a message, a code and per-field messages.
type Error struct {
	Kind    Kind
	Code    int
	Message string
	Fields  map[string][]string // the "errors" object: field path -> messages
	Extra   map[string]any      // extra top-level keys (e.g. tfa_type)
	Err     error               // wrapped cause, never shown to clients
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error of kind k with code and a formatted message.
func Errorf(k Kind, code int, format string, args ...any) *Error {
	return &Error{Kind: k, Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithField adds a field message and returns e, for chaining.
func (e *Error) WithField(path, msg string) *Error {
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	e.Fields[path] = append(e.Fields[path], msg)
	return e
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err carries an Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

// Common errors, built fresh each time so callers may add fields.

// ErrUnauthorized is the answer to missing or invalid credentials.
func ErrUnauthorized(field string) *Error {
	return Errorf(KindUnauthorized, CodeUnauthorized, "You're not allowed in here unless you're logged in.").
		WithField(field, "is not valid.")
}

// ErrStackUnknown is the answer to an unknown api_key, or to a non-member.
func ErrStackUnknown() *Error {
	return Errorf(KindStackUnknown, CodeStackUnknown, "We can't retrieve the stack. Please recheck the entered api_key.").
		WithField("api_key", "is not valid.")
}

// ErrForbidden is the answer to valid credentials without the right.
func ErrForbidden() *Error {
	return Errorf(KindForbidden, CodeForbidden, "Access denied. You have insufficient permissions to perform this operation.")
}

// ErrNotFound is the answer for a named resource that does not exist
// (422 with Contentstack's "is not valid" phrasing).
func ErrNotFound(what, field string) *Error {
	return Errorf(KindInvalid, CodeNotFound, "The %s was not found. Please try again.", what).
		WithField(field, "is not valid.")
}

// ErrInvalid is a validation failure on one field.
func ErrInvalid(field, msg string) *Error {
	return Errorf(KindInvalid, CodeValidation, "The request has invalid data: %s %s", field, msg).WithField(field, msg)
}

// ErrBadRequest is a malformed request.
func ErrBadRequest(msg string) *Error {
	return Errorf(KindBadRequest, CodeBadRequest, "%s", msg)
}
