package novafake

import (
	"net/http"
	"slices"
	"time"
)

// Request is one logged request, for assertions and access logs.
type Request struct {
	Method     string
	RequestURI string   // exactly as on the wire, so tests can assert path escaping
	Route      string   // a Route* constant, or "" when no handler ran (unknown path, wrong method)
	PathParams []string // the unescaped path parameters in path order
	Tenant     string
	Env        Env // from the key prefix; "" when the key was malformed
	Status     int // 0 when the connection was dropped without a response
	UserAgent  string
	TraceID    string
	Time       time.Time
	// Authorization is masked like "Bearer sk_test_****1234"; the raw
	// header is never stored.
	Authorization string
}

type requestLog struct {
	entries  []Request
	byStatus map[int]int
}

func newRequestLog() requestLog {
	return requestLog{byStatus: make(map[int]int)}
}

func (s *Server) record(r *http.Request, x *exchange, rec *recorder) {
	entry := Request{
		Method:        r.Method,
		RequestURI:    r.RequestURI,
		Route:         x.route.name,
		PathParams:    x.route.params,
		Tenant:        x.tenant,
		Env:           x.env,
		Status:        rec.status,
		UserAgent:     r.UserAgent(),
		TraceID:       x.traceID,
		Time:          x.start,
		Authorization: maskAuthorization(r.Header.Get("Authorization")),
	}
	s.mu.Lock()
	s.log.byStatus[entry.Status]++
	s.log.entries = append(s.log.entries, entry)
	// Trim in bulk, so a bounded log costs amortised O(1) per request.
	if n := s.cfg.logLimit; n > 0 && len(s.log.entries) >= 2*n {
		s.log.entries = slices.Clone(s.log.entries[len(s.log.entries)-n:])
	}
	s.mu.Unlock()
	if s.cfg.onRequest != nil {
		s.cfg.onRequest(cloneRequest(entry))
	}
}

// Requests returns a copy of the logged requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries := s.log.entries
	if n := s.cfg.logLimit; n > 0 && len(entries) > n {
		entries = entries[len(entries)-n:]
	}
	out := make([]Request, len(entries))
	for i, e := range entries {
		out[i] = cloneRequest(e)
	}
	return out
}

// CountStatus reports how many responses had this status (0 counts dropped
// connections).
func (s *Server) CountStatus(code int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.byStatus[code]
}

func cloneRequest(r Request) Request {
	r.PathParams = slices.Clone(r.PathParams)
	return r
}
