package nova

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
// instead of traceId and no retryable flag).
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

// retryableStatus is the SDK's default retryable set (nova-api.md §10).
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
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
