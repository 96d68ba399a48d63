package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// writeJSON writes v as the JSON body with status: the bytes
// json.Encoder writes (appendJSON), in one write with their length.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := appendJSON(make([]byte, 0, 1024), v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err != nil {
		w.WriteHeader(status) // as json.Encoder did: the status, no body
		return
	}
	b = append(b, '\n')
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// statusOf maps an error kind to its HTTP status: the one place this happens.
func statusOf(k domain.Kind) int {
	switch k {
	case domain.KindInvalid:
		return http.StatusUnprocessableEntity
	case domain.KindBadRequest:
		return http.StatusBadRequest
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindStackUnknown:
		return http.StatusPreconditionFailed
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.KindRateLimited:
		return http.StatusTooManyRequests
	case domain.KindMethod:
		return http.StatusMethodNotAllowed
	case domain.KindUnavailable:
		return http.StatusServiceUnavailable
	case domain.KindPrecondition:
		return http.StatusPreconditionFailed
	case domain.KindHeaderTooLarge:
		return http.StatusRequestHeaderFieldsTooLarge
	}
	return http.StatusInternalServerError
}

// writeError answers err with Contentstack's error body. Errors that are not
// *domain.Error are server faults: logged with the request id and answered
// with a generic 500, never with their text.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, ok := domain.AsError(err)
	if out := outageError(w, r, log, err); out != nil && (!ok || e.Kind == domain.KindInternal) {
		e, ok = out, true
	}
	if !ok || e.Kind == domain.KindInternal {
		log.ErrorContext(r.Context(), "request failed", "request_id", requestID(r), "err", err)
		e = domain.Errorf(domain.KindInternal, domain.CodeInternal,
			"We're sorry, but something went wrong. Please try again; if it persists, check the server log (request id %s).", requestID(r))
	}
	body := map[string]any{"error_message": e.Message, "error_code": e.Code, "errors": fieldsOrEmpty(e.Fields)}
	for k, v := range e.Extra {
		body[k] = v
	}
	writeJSON(w, statusOf(e.Kind), body)
}

// outageError turns a database outage (store.Unavailable) into a 503 with
// Retry-After: the database is down or failing over, a statement ran past
// --pg-statement-timeout, or writers kept colliding. It is logged as a
// warning with the request id (the cause is for operators, never shown to
// clients). Anything else returns nil.
func outageError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) *domain.Error {
	var msg string
	retry := 5
	switch store.Unavailable(err) {
	case store.NoOutage:
		return nil
	case store.TimedOut:
		msg = "The request took too long in the database and was stopped. Please try again later."
	case store.Contended:
		msg, retry = "The request collided with concurrent changes. Please try again.", 1
	default:
		msg = "The service is temporarily unavailable. Please try again shortly."
	}
	log.WarnContext(r.Context(), "database unavailable", "request_id", requestID(r), "err", err)
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	return domain.Errorf(domain.KindUnavailable, domain.CodeUnavailable, "%s", msg)
}

func fieldsOrEmpty(f map[string][]string) map[string][]string {
	if f == nil {
		return map[string][]string{}
	}
	return f
}

// decodeJSON reads the request body into v (input.DecodeJSON): a wrong
// Content-Type, a body that is not UTF-8 or malformed JSON is a 400, a
// body over the limit a 413, a value of the wrong type a 422.
func decodeJSON(r *http.Request, v any) error { return input.DecodeJSON(r, v) }

// isoTime formats t the way Contentstack does (UTC, milliseconds).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// notice is the body of a write that returns no object.
func notice(msg string) map[string]any { return map[string]any{"notice": msg} }
