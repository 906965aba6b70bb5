package nova

import (
	"testing"
	"time"
)

func TestNormalizeBaseURL(t *testing.T) {
	ok := map[string]string{
		"https://embed.nova.dweet.com":         "https://embed.nova.dweet.com",
		"https://embed.nova.dweet.com/":        "https://embed.nova.dweet.com",
		"https://embed.nova.dweet.com/v1":      "https://embed.nova.dweet.com",
		"https://embed.nova.dweet.com/v1/":     "https://embed.nova.dweet.com",
		"https://gateway.example.com/nova/v1/": "https://gateway.example.com/nova",
		"http://127.0.0.1:8080":                "http://127.0.0.1:8080",
		"http://localhost:8080/v1":             "http://localhost:8080",
		"http://[::1]:9000":                    "http://[::1]:9000",
	}
	for in, want := range ok {
		got, err := NormalizeBaseURL(in)
		if err != nil || got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"embed.nova.dweet.com", "/v1", "ftp://example.com", "http://example.com",
		"http://10.0.0.1:8080", "https://user:pw@example.com", "https://example.com/?x=1", "",
	} {
		if got, err := NormalizeBaseURL(in); err == nil {
			t.Errorf("NormalizeBaseURL(%q) = %q, want an error", in, got)
		}
	}
}

func TestPathSegment(t *testing.T) {
	tests := map[string]string{
		"job-123":      "job-123",
		"a/../b c?d#e": "a%2F..%2Fb%20c%3Fd%23e",
		"..":           "%2E%2E",
		".":            "%2E",
		"ünïcødé":      "%C3%BCn%C3%AFc%C3%B8d%C3%A9",
		"100%":         "100%25",
	}
	for in, want := range tests {
		if got := pathSegment(in); got != want {
			t.Errorf("pathSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

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

func TestNewRequiresKey(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without a key must fail")
	}
}

func TestMaskKey(t *testing.T) {
	tests := map[string]string{
		"sk_live_0123456789abcdef7f3a": "sk_live_****7f3a",
		"sk_test_short":                "sk_test_****",
		"whatever-else-entirely":       "****rely",
		"":                             "****",
	}
	for in, want := range tests {
		if got := MaskKey(in); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", in, got, want)
		}
	}
}
