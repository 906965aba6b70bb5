package novafake

import (
	"fmt"
	"strings"
	"time"
)

// Option configures a Server at construction time.
type Option func(*Server)

// WithClock replaces time.Now. The function is called concurrently and must
// be safe for that.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.cfg.now = now }
}

// WithStatusStyle picks which documented generation of status values the
// server speaks.
func WithStatusStyle(style StatusStyle) Option {
	return func(s *Server) { s.cfg.style = style }
}

// WithWrappedErrors emits the GEN-A error shape
// {"error":{type,code,status,message,details,requestId}} instead of the flat one.
func WithWrappedErrors() Option {
	return func(s *Server) { s.cfg.wrapped = true }
}

// WithReadRateLimit enforces perSecond requests per API key on the
// read_and_ops bucket (every GET but the current-criteria read), in fixed
// windows aligned to the clock's wall-clock second, as Nova does: one
// bucket per key and environment (the key's prefix names the environment),
// shared by all of the key's tenants. With it, the criteria_current_reads
// bucket (GET /v1/jobs/{jobId}/criteria/versions/current) is enforced too,
// at its documented 60 per second, on its own windows. 0 disables
// enforcement.
func WithReadRateLimit(perSecond int) Option {
	return func(s *Server) { s.cfg.readLimit = max(perSecond, 0) }
}

// WithClockOffset puts the rate limiter's clock d ahead of the server's
// clock (behind when negative): its one-second windows, X-RateLimit-Reset
// and Retry-After follow Nova's clock, which may be seconds away from the
// client's (laptops after sleep, VMs, CI runners without NTP). Other times
// the server reports are left alone; clients only pace from these.
func WithClockOffset(d time.Duration) Option {
	return func(s *Server) { s.cfg.clockOffset = d }
}

// WithoutRateLimitHeaders drops the X-RateLimit-* headers from every
// response, as a proxy in front of Nova might; the limit is still enforced
// and 429 answers keep their Retry-After.
func WithoutRateLimitHeaders() Option {
	return func(s *Server) { s.cfg.stripRateHeaders = true }
}

// WithAPIKeys restricts authentication to exactly these keys. The key prefix
// still selects the environment, so each key must start with sk_test_ or
// sk_live_.
func WithAPIKeys(keys ...string) Option {
	return func(s *Server) {
		if s.cfg.apiKeys == nil {
			s.cfg.apiKeys = make(map[string]bool, len(keys))
		}
		for _, k := range keys {
			s.cfg.apiKeys[k] = true
		}
	}
}

// WithForbiddenKeys makes these keys authenticate but receive 403 FORBIDDEN
// on every tenant-scoped route. They need not also be passed to WithAPIKeys.
func WithForbiddenKeys(keys ...string) Option {
	return func(s *Server) {
		if s.cfg.forbidden == nil {
			s.cfg.forbidden = make(map[string]bool, len(keys))
		}
		for _, k := range keys {
			s.cfg.forbidden[k] = true
		}
	}
}

// WithDefaultPolls sets after how many GETs a job created by POST becomes
// terminal (default 2; 0 means terminal at once).
func WithDefaultPolls(n int) Option {
	return func(s *Server) { s.cfg.defaultPolls = max(n, 0) }
}

// WithRequestHook calls fn after every request has been answered, with the
// same record Requests returns. The command uses it for its access log.
func WithRequestHook(fn func(Request)) Option {
	return func(s *Server) { s.cfg.onRequest = fn }
}

// WithRequestLogLimit keeps only the last n requests for Requests, so a
// long-running server does not grow without bound. 0 (the default) keeps
// everything. CountStatus always counts every request.
func WithRequestLogLimit(n int) Option {
	return func(s *Server) { s.cfg.logLimit = max(n, 0) }
}

// WithCriteriaEnvelope sends criteria versions as {"<key>": {...}} instead
// of at top level. The docs do not show the envelope, so clients are tested
// against both.
func WithCriteriaEnvelope(key string) Option {
	return func(s *Server) { s.cfg.criteriaEnvelope = key }
}

// StatusStyle selects the spelling of batch and scoring-job status values.
type StatusStyle int

const (
	// StatusLower is GEN-C/D: batch and job pending|completed|failed.
	StatusLower StatusStyle = iota
	// StatusUpper is GEN-B: batch PENDING|IN_PROGRESS|COMPLETED|PARTIAL_FAILURE|FAILED,
	// job PENDING|PROCESSING|COMPLETED|FAILED.
	StatusUpper
	// StatusMissing mirrors the GEN-D OpenAPI sample, which has no "status"
	// key on the batch or on any scoring job.
	StatusMissing
)

// String returns the name ParseStatusStyle accepts.
func (st StatusStyle) String() string {
	switch st {
	case StatusLower:
		return "lower"
	case StatusUpper:
		return "upper"
	case StatusMissing:
		return "missing"
	}
	return fmt.Sprintf("StatusStyle(%d)", int(st))
}

// ParseStatusStyle reads "lower", "upper" or "missing" (case-insensitive).
func ParseStatusStyle(name string) (StatusStyle, error) {
	for _, st := range []StatusStyle{StatusLower, StatusUpper, StatusMissing} {
		if strings.EqualFold(name, st.String()) {
			return st, nil
		}
	}
	return 0, fmt.Errorf("unknown status style %q (want lower, upper or missing)", name)
}
