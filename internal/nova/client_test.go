package nova

import (
	"testing"
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

func TestNewRequiresKey(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without a key must fail")
	}
}
