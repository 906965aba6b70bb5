package nova

import (
	"context"
	"net/http"
	"strings"
)

// Logger receives the client's request logs. The provider adapts it to
// tflog; the context is the caller's, so per-request log settings (masks,
// the provider's log sink) apply.
type Logger interface {
	Info(ctx context.Context, msg string, fields map[string]any)
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

// maskedHeaders renders request headers for a trace log with the key
// reduced to its environment prefix and last four characters, as the Nova
// portal shows keys, and every value through Sanitize with its bound.
func maskedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, values := range h {
		out[Sanitize(name, ShortText)] = Sanitize(strings.Join(values, ", "), LongText)
	}
	if auth := h.Get("Authorization"); auth != "" {
		out["Authorization"] = "Bearer " + MaskKey(strings.TrimPrefix(auth, "Bearer "))
	}
	return out
}

// MaskKey shows a key as the portal does: sk_live_****7f3a.
func MaskKey(key string) string {
	prefix := ""
	for _, p := range []string{"sk_test_", "sk_live_"} {
		if strings.HasPrefix(key, p) {
			prefix, key = p, key[len(p):]
		}
	}
	if len(key) <= 8 {
		return prefix + "****"
	}
	return prefix + "****" + key[len(key)-4:]
}

// pathWords are the literal segments of the paths the client requests.
var pathWords = map[string]bool{
	"v1": true, "jobs": true, "scoring-batches": true, "applications": true, "scoring-jobs": true,
	"score": true, "criteria": true, "versions": true, "current": true,
}

// LogPath renders a request path for logs and diagnostics with the
// candidates' ids masked: the segment after "applications" or
// "scoring-jobs" always, and any other segment that is neither a word of
// Nova's paths nor a job, batch or criteria version id (the segment after
// "jobs", "scoring-batches" or "versions"). It is an allow-list, so a path
// shape the client does not know yet is masked rather than logged.
func LogPath(escapedPath string) string {
	seg := strings.Split(escapedPath, "/")
	prev := ""
	for i, s := range seg {
		switch {
		case s == "":
		case prev == "applications" || prev == "scoring-jobs":
			seg[i] = masked
		case prev == "jobs" || prev == "scoring-batches" || prev == "versions":
			seg[i] = Sanitize(s, ShortText)
		case pathWords[s]:
		default:
			seg[i] = masked
		}
		prev = s
	}
	return strings.Join(seg, "/")
}
