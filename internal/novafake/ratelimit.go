package novafake

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Rate-limit buckets and their documented per-second limits
// (internal/nova/CONTRACT.md, Rate-limit buckets).
const (
	bucketReadAndOps       = "read_and_ops"
	bucketIntakeBatch      = "scoring_intake_batch"
	bucketCriteriaCurrent  = "criteria_current_reads"
	limitReadAndOps        = 20
	limitIntakeBatchPS     = 1
	limitCriteriaCurrentPS = 60
)

type windowKey struct{ key, bucket string }

// window is one fixed one-second window; only the current one is kept per
// key and bucket, so memory is bounded by the number of keys.
type window struct {
	second int64
	used   int
}

type rateSnapshot struct {
	bucket     string
	limit      int
	remaining  int
	reset      int64 // unix seconds at which the window ends
	retryAfter int   // whole seconds, at least 1
}

// bucketOf classifies a request by method and path, as Nova does: each
// request falls into exactly one bucket. The path is matched here, not
// through the served routes, so that every route is counted in its bucket
// whichever handler serves it.
func bucketOf(method, escapedPath string) string {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/v1/"), "/")
	switch {
	case method == http.MethodPost && len(segs) == 3 && segs[0] == "jobs" && segs[2] == "scoring-batches":
		return bucketIntakeBatch
	case method == http.MethodGet && len(segs) == 5 && segs[0] == "jobs" && segs[2] == "criteria" &&
		segs[3] == "versions" && segs[4] == "current":
		return bucketCriteriaCurrent
	}
	return bucketReadAndOps
}

// admit takes a token for the request. The read buckets are enforced (only
// with WithReadRateLimit); the others are counted so that their headers look
// plausible.
func (s *Server) admit(x *exchange) *apiError {
	snap, ok := s.takeToken(x.key, x.bucket, true)
	x.rate = &snap
	if ok {
		return nil
	}
	after := strconv.Itoa(snap.retryAfter)
	return &apiError{
		status:     http.StatusTooManyRequests,
		code:       "RATE_LIMITED",
		message:    retryAfterMessage(after),
		retryable:  true,
		retryAfter: after,
	}
}

func (s *Server) takeToken(key, bucket string, consume bool) (rateSnapshot, bool) {
	now := s.cfg.now().Add(s.cfg.clockOffset)
	sec := now.Unix()
	limit, enforced := limitReadAndOps, false
	switch {
	case bucket == bucketIntakeBatch:
		limit = limitIntakeBatchPS
	case bucket == bucketCriteriaCurrent:
		limit, enforced = limitCriteriaCurrentPS, s.cfg.readLimit > 0
	case s.cfg.readLimit > 0:
		limit, enforced = s.cfg.readLimit, true
	}

	s.mu.Lock()
	k := windowKey{key, bucket}
	w := s.windows[k]
	if w.second != sec {
		w = window{second: sec}
	}
	allowed := !enforced || w.used < limit
	if consume && allowed {
		w.used++
		s.windows[k] = w
	}
	s.mu.Unlock()

	reset := time.Unix(sec+1, 0)
	return rateSnapshot{
		bucket:     bucket,
		limit:      limit,
		remaining:  max(limit-w.used, 0),
		reset:      reset.Unix(),
		retryAfter: max(int(math.Ceil(reset.Sub(now).Seconds())), 1),
	}, allowed
}

// setHeaders writes the headers every /v1 response carries. A request that
// never reached the limiter reports the window without consuming from it.
func (s *Server) setHeaders(w http.ResponseWriter, x *exchange) {
	if x.rate == nil {
		snap, _ := s.takeToken(x.key, x.bucket, false)
		x.rate = &snap
	}
	h := w.Header()
	h.Set("X-Trace-Id", x.traceID)
	if s.cfg.stripRateHeaders {
		return
	}
	h.Set("X-RateLimit-Bucket", x.rate.bucket)
	h.Set("X-RateLimit-Limit", strconv.Itoa(x.rate.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(x.rate.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(x.rate.reset, 10))
}
