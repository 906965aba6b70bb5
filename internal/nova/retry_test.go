package nova

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	minWait, maxWait := 500*time.Millisecond, 30*time.Second
	for attempt := range 12 {
		want := min(maxWait, minWait<<attempt)
		for range 50 {
			got := backoff(minWait, maxWait, attempt)
			if got < want/2 || got > want {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, got, want/2, want)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999999", 24 * time.Hour, true},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second, true},
		{now.Add(-10 * time.Second).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Transport errors as http.Client.Do returns them: transient unless they
// cannot mend.
func TestTransientTransportClassification(t *testing.T) {
	get := func(err error) error { return &url.Error{Op: "Get", URL: "https://nova.example.com/v1/jobs", Err: err} }
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{get(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{get(&net.OpError{Op: "read", Err: syscall.ECONNRESET}), true},
		{get(io.ErrUnexpectedEOF), true},
		{get(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}), true},
		{get(errors.New("net/http: HTTP/1.x transport connection broken: malformed HTTP response \"garbage\"")), true},
		{get(errors.New("Service Unavailable")), true}, // a proxy's answer to CONNECT
		{fmt.Errorf("reading the response: %w", io.ErrUnexpectedEOF), true},
		{get(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
		{get(&tls.CertificateVerificationError{Err: x509.HostnameError{Host: "x"}}), false},
		{get(errors.New(`unsupported protocol scheme "ftp"`)), false},
		{get(errors.New(`net/http: invalid header field value for "X-Tenant-Id"`)), false},
		{get(errors.New("stopped after 10 redirects")), false},
		{fmt.Errorf("reading the response: %w: more than 8 bytes", errBodyTooLarge), false},
	} {
		if got := transientTransport(t.Context(), tt.err); got != tt.want {
			t.Errorf("transientTransport(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on an ended context = %v, want context.Canceled", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) on an ended context = %v, want context.Canceled", err)
	}
	if err := Sleep(t.Context(), 0); err != nil {
		t.Errorf("Sleep(0) = %v, want nil", err)
	}
	if err := Sleep(t.Context(), time.Nanosecond); err != nil {
		t.Errorf("Sleep(1ns) = %v, want nil", err)
	}
}

func TestSleepOrWakeReturnsOnWake(t *testing.T) {
	wake := make(chan struct{})
	close(wake)
	if err := sleepOrWake(t.Context(), time.Hour, wake); err != nil {
		t.Errorf("sleepOrWake with wake closed = %v, want nil", err)
	}
}

// The SDK's retryable set (CONTRACT.md, Retries) and nothing else: a 501 or
// a 4xx other than 429 cannot be fixed by asking again.
func TestRetryableStatus(t *testing.T) {
	for code := 100; code < 600; code++ {
		want := code == 429 || code == 500 || code == 502 || code == 503 || code == 504
		if got := retryableStatus(code); got != want {
			t.Errorf("retryableStatus(%d) = %v, want %v", code, got, want)
		}
	}
}
