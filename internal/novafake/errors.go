package novafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// apiError is a Nova error before it is given one of the two wire shapes.
type apiError struct {
	status     int
	code       string
	message    string
	retryable  bool
	retryAfter string // Retry-After header value, when set
	details    []errorDetail
}

type errorDetail struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// flatError is the GEN-B/C/D RFC 7807-style body.
type flatError struct {
	Type      string        `json:"type"`
	Code      string        `json:"code"`
	Status    int           `json:"status"`
	Message   string        `json:"message"`
	Retryable bool          `json:"retryable"`
	TraceID   string        `json:"traceId"`
	Details   []errorDetail `json:"details,omitempty"`
}

// wrappedError is the GEN-A body, which has neither retryable nor traceId.
type wrappedError struct {
	Error wrappedErrorBody `json:"error"`
}

type wrappedErrorBody struct {
	Type      string        `json:"type"`
	Code      string        `json:"code"`
	Status    int           `json:"status"`
	Message   string        `json:"message"`
	Details   []errorDetail `json:"details,omitempty"`
	RequestID string        `json:"requestId"`
}

func errorType(code string) string {
	return "https://docs.nova.dweet.com/embed-api/errors#" + strings.ToLower(strings.ReplaceAll(code, "_", "-"))
}

func (s *Server) writeError(w http.ResponseWriter, x *exchange, e *apiError) {
	if e.retryAfter != "" {
		w.Header().Set("Retry-After", e.retryAfter)
	}
	var body any = flatError{
		Type:      errorType(e.code),
		Code:      e.code,
		Status:    e.status,
		Message:   e.message,
		Retryable: e.retryable,
		TraceID:   x.traceID,
		Details:   e.details,
	}
	if s.cfg.wrapped {
		body = wrappedError{Error: wrappedErrorBody{
			Type:      errorType(e.code),
			Code:      e.code,
			Status:    e.status,
			Message:   e.message,
			Details:   e.details,
			RequestID: "req_" + randomHex(6),
		}}
	}
	s.writeJSON(w, x, e.status, body)
}

// writeJSON sends a complete JSON body with the headers every /v1 response carries.
func (s *Server) writeJSON(w http.ResponseWriter, x *exchange, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own wire structs are encoded here, so this is a bug.
		panic(fmt.Errorf("novafake: encode response: %w", err))
	}
	s.setHeaders(w, x)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b) // a client that went away is not the server's problem
}

func errNotFound(r *http.Request) *apiError {
	return &apiError{
		status:  http.StatusNotFound,
		code:    "NOT_FOUND",
		message: fmt.Sprintf("No route for %s %s", r.Method, r.URL.EscapedPath()),
	}
}

func errMethodNotAllowed(r *http.Request, allow string) *apiError {
	return &apiError{
		status:  http.StatusMethodNotAllowed,
		code:    "METHOD_NOT_ALLOWED",
		message: fmt.Sprintf("Method %s is not allowed on %s; use %s", r.Method, r.URL.EscapedPath(), allow),
	}
}

func errInternal(err error) *apiError {
	return &apiError{
		status:    http.StatusInternalServerError,
		code:      "INTERNAL_ERROR",
		message:   fmt.Sprintf("Internal error: %v", err),
		retryable: true,
	}
}

// defaultErrorCode is the Nova code a fault with only a status gets.
func defaultErrorCode(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return "VALIDATION_ERROR"
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusForbidden:
		return "FORBIDDEN"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusRequestEntityTooLarge:
		return "PAYLOAD_TOO_LARGE"
	case http.StatusTooManyRequests:
		return "RATE_LIMITED"
	case http.StatusBadGateway:
		return "BAD_GATEWAY"
	case http.StatusServiceUnavailable:
		return "SERVICE_UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "GATEWAY_TIMEOUT"
	}
	if status >= 500 {
		return "INTERNAL_ERROR"
	}
	return "HTTP_" + strconv.Itoa(status)
}

func retryAfterMessage(seconds string) string {
	if seconds == "1" {
		return "Rate limit exceeded. Retry after 1 second."
	}
	if _, err := strconv.Atoi(seconds); err == nil {
		return "Rate limit exceeded. Retry after " + seconds + " seconds."
	}
	return "Rate limit exceeded. Please retry after the reset time."
}
