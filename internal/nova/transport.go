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
// portal shows keys.
func maskedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, values := range h {
		out[name] = strings.Join(values, ", ")
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
