package nova

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// APIError is a response from Nova with an HTTP status outside 2xx. It keeps
// everything a person needs to act on the failure or to ask Nova's support.
type APIError struct {
	StatusCode int
	Code       string // Nova error code, such as BATCH_NOT_FOUND; empty when the body had none
	Message    string
	Retryable  bool
	TraceID    string
	RetryAfter time.Duration // zero when the response did not ask for a delay
	Details    []ErrorDetail
	// Location is where a 3xx answer pointed. Nova never redirects and the
	// client never follows (it would carry the key elsewhere), so a redirect
	// means base_url or something in front of Nova is wrong.
	Location string
}

// ErrorDetail is one entry of an error's details array.
type ErrorDetail struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Nova API returned HTTP %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	for _, d := range e.Details {
		fmt.Fprintf(&b, "; %s: %s", d.Field, d.Message)
	}
	if e.Location != "" {
		fmt.Fprintf(&b, "; redirected to %s", e.Location)
	}
	if e.TraceID != "" {
		fmt.Fprintf(&b, " (trace id %s)", e.TraceID)
	}
	return b.String()
}

// IsNotFound reports whether err is an APIError with status 404.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound
}

// errorFields are the fields of both error shapes: the flat RFC 7807 body
// of GEN-B..D and the GEN-A body wrapped in "error" (which has requestId
// instead of traceId and no retryable flag; CONTRACT.md, Errors).
type errorFields struct {
	Code      string
	Message   string
	Retryable *bool
	TraceID   string
	RequestID string
	Details   []ErrorDetail
}

// decodeErrorFields reads an error body field by field, so that one field of
// an unexpected type (a numeric code, details as a string) costs only that
// field, never the code and message a person needs.
func decodeErrorFields(body []byte) errorFields {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return errorFields{}
	}
	if raw, ok := top["error"]; ok {
		var wrapped map[string]json.RawMessage
		if json.Unmarshal(raw, &wrapped) == nil && wrapped != nil {
			top = wrapped
		}
	}
	var f errorFields
	field := func(name string, into any) { _ = json.Unmarshal(top[name], into) }
	field("code", &f.Code)
	field("message", &f.Message)
	field("retryable", &f.Retryable)
	field("traceId", &f.TraceID)
	field("requestId", &f.RequestID)
	field("details", &f.Details)
	return f
}

// ParseError builds an APIError from a non-2xx response. It never fails: a
// body that is not a Nova error (an HTML page from a proxy, plain text, or
// nothing) still yields an error that says what arrived.
func ParseError(statusCode int, header http.Header, body []byte, now time.Time) *APIError {
	e := &APIError{
		StatusCode: statusCode,
		Retryable:  retryableStatus(statusCode),
		TraceID:    Sanitize(header.Get("X-Trace-Id"), ShortText),
	}
	e.RetryAfter, _ = parseRetryAfter(header.Get("Retry-After"), now)
	if statusCode >= 300 && statusCode <= 399 {
		e.Location = Sanitize(header.Get("Location"), 256)
	}

	fields := decodeErrorFields(body)
	if fields.Code == "" && fields.Message == "" {
		e.Message = describeForeignBody(header.Get("Content-Type"), body)
		return e
	}
	e.Code = Sanitize(fields.Code, ShortText)
	e.Message = Sanitize(fields.Message, LongText)
	if fields.Retryable != nil {
		e.Retryable = *fields.Retryable
	}
	if e.TraceID == "" {
		e.TraceID = cmp.Or(fields.TraceID, fields.RequestID)
	}
	e.TraceID = Sanitize(e.TraceID, ShortText)
	for i, d := range fields.Details {
		if i == 10 {
			break
		}
		e.Details = append(e.Details, ErrorDetail{
			Field:   Sanitize(d.Field, ShortText),
			Code:    Sanitize(d.Code, ShortText),
			Message: Sanitize(d.Message, 512),
		})
	}
	return e
}

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// describeForeignBody summarises a body that is not a Nova error, such as a
// load balancer's HTML page, in one short line.
func describeForeignBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return "the response had no body"
	}
	snippet := string(body[:min(len(body), 4096)])
	if m := htmlTitle.FindStringSubmatch(snippet); m != nil {
		snippet = m[1]
	}
	snippet = Sanitize(strings.Join(strings.Fields(Sanitize(snippet, len(snippet))), " "), 200)
	contentType = Sanitize(contentType, ShortText)
	if contentType == "" {
		contentType = "no content type"
	}
	return fmt.Sprintf("the response was not a Nova error (%s): %s", contentType, snippet)
}

// TransportError is a request that got no answer. Its text names the
// method, the path with candidates' ids masked (LogPath) and the cause,
// stripped of control characters and bounded (Sanitize): Go's HTTP errors
// quote what the other side sent, such as a malformed header line, so a
// hostile server could otherwise put any text, of any length, into a
// diagnostic. Unwrap gives the cause, so errors.Is and errors.As see through it.
type TransportError struct {
	Method, Path string
	Err          error
}

func (e *TransportError) Error() string {
	cause := e.Err
	var ue *url.Error
	if errors.As(cause, &ue) {
		// url.Error quotes the whole URL, ids included.
		cause = ue.Err
	}
	return Sanitize(fmt.Sprintf("%s %s: %v", e.Method, e.Path, cause), LongText)
}

func (e *TransportError) Unwrap() error { return e.Err }

// AttemptTimeoutError is an attempt that took longer than the client's
// per-attempt timeout (the provider's request_timeout), after the retries
// max_retries allows.
type AttemptTimeoutError struct {
	Timeout  time.Duration
	Attempts int
	Err      error
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within the per-attempt timeout of %s (%d attempt(s)): %v", e.Timeout, e.Attempts, e.Err)
}

func (e *AttemptTimeoutError) Unwrap() error { return e.Err }

// DeadlineError is a read whose deadline (the caller's context) ended while
// it was being retried or paced. Last is the last answer or transport error,
// when there was one; both it and the context's error are unwrapped, so
// errors.As finds an *APIError in it and errors.Is finds
// context.DeadlineExceeded.
type DeadlineError struct {
	Attempts    int
	RateLimited int // how many answers were 429
	Last        error
	Err         error // the context's error
}

func (e *DeadlineError) Error() string {
	msg := fmt.Sprintf("the read's deadline was reached after %d attempt(s)", e.Attempts)
	if e.RateLimited > 0 {
		msg += fmt.Sprintf(", %d of them answered 429 (rate limited)", e.RateLimited)
	}
	if e.Last != nil {
		msg += fmt.Sprintf("; last answer: %v", e.Last)
	}
	return msg
}

func (e *DeadlineError) Unwrap() []error {
	if e.Last == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Last}
}

// PermanentTransportError is a failure that no retry can mend: a
// certificate the system does not trust, a request Go refuses to send (an
// invalid header value, an unsupported scheme), too many redirects. It
// fails at once (see transientTransport).
type PermanentTransportError struct {
	Err error
}

func (e *PermanentTransportError) Error() string { return e.Err.Error() }
func (e *PermanentTransportError) Unwrap() error { return e.Err }
