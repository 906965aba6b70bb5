package nova

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Logger receives the client's request logs. The provider adapts it to
// tflog; the context is the caller's, so per-request log settings (masks,
// the provider's log sink) apply.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

// callState follows one logical call across its attempts, for logs and for
// errors that should name the last answer.
type callState struct {
	attempt    int
	lastStatus int
}

type callStateKey struct{}

func withCallState(ctx context.Context) (context.Context, *callState) {
	st := &callState{attempt: 1}
	return context.WithValue(ctx, callStateKey{}, st), st
}

func callStateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// pacedTransport spaces requests under Nova's per-key rate limit and logs
// each attempt. It sits under retryablehttp, so retries are paced too. It
// also slows down when Nova says the window is spent (X-RateLimit-Remaining
// of 0) or answers 429, which covers other clients sharing the same key.
type pacedTransport struct {
	base    http.RoundTripper
	limiter *rate.Limiter
	log     Logger

	mu         sync.Mutex
	pauseUntil time.Time
}

func (p *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := p.wait(ctx); err != nil {
		return nil, err
	}
	p.log.Trace(ctx, "Nova request headers", map[string]any{"method": req.Method, "path": req.URL.EscapedPath(), "headers": maskedHeaders(req.Header)})
	start := time.Now()
	resp, err := p.base.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.EscapedPath(),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	st := callStateFrom(ctx)
	if st != nil {
		fields["attempt"] = st.attempt
	}
	if err != nil {
		fields["error"] = err.Error()
		p.log.Debug(ctx, "Nova request failed", fields)
		return nil, err
	}
	if st != nil {
		st.lastStatus = resp.StatusCode
	}
	fields["status"] = resp.StatusCode
	fields["trace_id"] = resp.Header.Get("X-Trace-Id")
	p.log.Debug(ctx, "Nova request", fields)
	p.observe(resp)
	return resp, nil
}

// wait blocks until the shared pause is over and the limiter grants a
// token, or the context ends.
func (p *pacedTransport) wait(ctx context.Context) error {
	p.mu.Lock()
	pause := time.Until(p.pauseUntil)
	p.mu.Unlock()
	if pause > 0 {
		t := time.NewTimer(pause)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return p.limiter.Wait(ctx)
}

// maxPause bounds how long rate-limit headers can hold every request back,
// in case the server's clock is far from ours.
const maxPause = 5 * time.Second

func (p *pacedTransport) observe(resp *http.Response) {
	now := time.Now()
	var until time.Time
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now)
		if !ok {
			wait = time.Second
		}
		until = now.Add(min(wait, maxPause))
	case resp.Header.Get("X-RateLimit-Remaining") == "0":
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			return
		}
		until = time.Unix(reset, 0)
		if until.Sub(now) > maxPause {
			until = now.Add(maxPause)
		}
	default:
		return
	}
	p.mu.Lock()
	if until.After(p.pauseUntil) {
		p.pauseUntil = until
	}
	p.mu.Unlock()
}

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
