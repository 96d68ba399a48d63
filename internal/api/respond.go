package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
)

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
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
	}
	return http.StatusInternalServerError
}

// writeError answers err with Contentstack's error body. Errors that are not
// *domain.Error are server faults: logged with the request id and answered
// with a generic 500, never with their text.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, ok := domain.AsError(err)
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
