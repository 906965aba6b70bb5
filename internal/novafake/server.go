package novafake

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is an in-memory Nova Embed API. It is safe for concurrent use.
type Server struct {
	cfg config
	// criteriaVersionID is the criteria version every job gets by default,
	// like a job whose criteria never changed.
	criteriaVersionID string

	mu      sync.Mutex
	data    store
	faults  []Fault
	rewrite func(route string, body []byte) []byte
	log     requestLog
	windows map[windowKey]window
}

// config is fixed after New, so it is read without the lock.
type config struct {
	now       func() time.Time
	style     StatusStyle
	wrapped   bool
	readLimit int
	// clockOffset is Nova's clock minus the server's, for the rate limiter.
	clockOffset time.Duration
	// stripRateHeaders drops X-RateLimit-* like a proxy might.
	stripRateHeaders bool
	apiKeys          map[string]bool // nil: any well-formed key authenticates
	forbidden        map[string]bool
	defaultPolls     int
	onRequest        func(Request)
	logLimit         int
	// criteriaEnvelope, when set, is the key the criteria version is sent under.
	criteriaEnvelope string
}

// New returns an empty server.
func New(opts ...Option) *Server {
	s := &Server{
		cfg:               config{now: time.Now, defaultPolls: 2},
		criteriaVersionID: newID(),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.data = newStore()
	s.log = newRequestLog()
	s.windows = make(map[windowKey]window)
	return s
}

// Reset forgets all batches, queued faults, logged requests and rate-limit
// windows; options are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = newStore()
	s.faults = nil
	s.log = newRequestLog()
	s.windows = make(map[windowKey]window)
}

// exchange is the per-request state threaded through the pipeline.
type exchange struct {
	start   time.Time
	traceID string
	route   route
	key     string // the bearer token, only when it is a well-formed Nova key
	env     Env
	tenant  string
	bucket  string // the rate-limit bucket of the request's method and path
	rate    *rateSnapshot
	// mutation, when set, is a fault applied to the real batch response.
	mutation *FaultKind
}

// ServeHTTP answers one request: faults first, then auth, routing, rate
// limiting and tenancy, in the order a client would meet them on the real API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{
		start:   s.cfg.now(),
		traceID: newTraceID(),
		route:   matchRoute(r.URL.EscapedPath(), r.Method),
		tenant:  r.Header.Get("X-Tenant-Id"),
		bucket:  bucketOf(r.Method, r.URL.EscapedPath()),
	}
	x.key, x.env = parseBearer(r.Header.Get("Authorization"))
	rec := &recorder{ResponseWriter: w}
	// Deferred so that an aborted connection (FaultConnReset) is logged too.
	defer s.record(r, x, rec)
	s.serve(rec, r, x)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, x *exchange) {
	if !x.route.v1 {
		s.writeError(w, x, errNotFound(r))
		return
	}
	if f, ok := s.popFault(); ok && s.injectFault(w, r, x, f) {
		return
	}
	if e := s.authenticate(x); e != nil {
		s.writeError(w, x, e)
		return
	}
	if !x.route.known {
		s.writeError(w, x, errNotFound(r))
		return
	}
	if x.route.name == "" {
		w.Header().Set("Allow", x.route.allow)
		s.writeError(w, x, errMethodNotAllowed(r, x.route.allow))
		return
	}
	if s.cfg.forbidden[x.key] {
		s.writeError(w, x, &apiError{
			status:  http.StatusForbidden,
			code:    "FORBIDDEN",
			message: "API key does not have permission to access this resource",
		})
		return
	}
	if e := s.admit(x); e != nil {
		s.writeError(w, x, e)
		return
	}
	// The docs do not say how a missing X-Tenant-Id is answered on a
	// tenant-scoped route; 400 VALIDATION_ERROR naming the header is the
	// most likely behaviour and the most useful to a client
	// (internal/nova/CONTRACT.md, Authentication and tenancy).
	if strings.TrimSpace(x.tenant) == "" {
		s.writeError(w, x, &apiError{
			status:  http.StatusBadRequest,
			code:    "VALIDATION_ERROR",
			message: "X-Tenant-Id header is required",
			details: []errorDetail{{Field: "X-Tenant-Id", Code: "required", Message: "X-Tenant-Id header is required"}},
		})
		return
	}
	// Tenants need no record: any tenant id names its own, initially empty,
	// namespace, which is what auto-provisioning on first use looks like.
	switch x.route.name {
	case RouteGetBatch:
		s.getBatch(w, x)
	case RoutePostBatch:
		s.postBatch(w, r, x)
	case RouteGetScoringJob:
		s.getScoringJob(w, x)
	case RouteGetApplicationScore:
		s.getApplicationScore(w, x)
	case RouteGetCurrentCriteria, RouteGetCriteriaVersion:
		s.getCriteriaVersion(w, x)
	}
}

// recorder remembers the status for the request log. Unwrap lets
// http.ResponseController reach Flush and Hijack on the real writer.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
