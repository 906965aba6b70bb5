package novafake

import (
	"net/http"
	"net/url"
	"strings"
)

// Route names recorded in Request.Route.
const (
	RouteGetBatch            = "get-batch"
	RoutePostBatch           = "post-batch"
	RouteGetScoringJob       = "get-scoring-job"
	RouteGetApplicationScore = "get-application-score"
	// RouteGetCurrentCriteria is GET /v1/jobs/{jobId}/criteria/versions/current,
	// RouteGetCriteriaVersion the same path with a version id: Nova puts them
	// in different rate-limit buckets (internal/nova/CONTRACT.md, Rate-limit
	// buckets).
	RouteGetCurrentCriteria = "get-current-criteria-version"
	RouteGetCriteriaVersion = "get-criteria-version"
)

// route is the outcome of matching a path.
type route struct {
	v1      bool     // the path is under /v1/
	known   bool     // the path matches a served pattern
	pattern string   // the route name of the matched path, whatever the method
	name    string   // pattern, but "" unless the method matches too
	allow   string   // the one method the matched path accepts
	params  []string // unescaped path parameters, in path order
}

// matchRoute splits the escaped path itself, unescaping each segment on its
// own: an id containing "%2F" or ".." must stay one opaque segment, which
// http.ServeMux patterns (cleaning and redirecting) would not guarantee.
func matchRoute(escapedPath, method string) route {
	raw, ok := strings.CutPrefix(escapedPath, "/v1/")
	if !ok {
		return route{v1: escapedPath == "/v1"}
	}
	rt := route{v1: true}
	parts := strings.Split(raw, "/")
	segs := make([]string, len(parts))
	for i, p := range parts {
		seg, err := url.PathUnescape(p)
		if err != nil || seg == "" {
			return rt
		}
		segs[i] = seg
	}
	switch {
	case len(segs) == 4 && segs[0] == "jobs" && segs[2] == "scoring-batches":
		rt.pattern, rt.allow, rt.params = RouteGetBatch, http.MethodGet, []string{segs[1], segs[3]}
	case len(segs) == 3 && segs[0] == "jobs" && segs[2] == "scoring-batches":
		rt.pattern, rt.allow, rt.params = RoutePostBatch, http.MethodPost, []string{segs[1]}
	case len(segs) == 6 && segs[0] == "jobs" && segs[2] == "applications" && segs[4] == "scoring-jobs":
		rt.pattern, rt.allow, rt.params = RouteGetScoringJob, http.MethodGet, []string{segs[1], segs[3], segs[5]}
	case len(segs) == 5 && segs[0] == "jobs" && segs[2] == "applications" && segs[4] == "score":
		rt.pattern, rt.allow, rt.params = RouteGetApplicationScore, http.MethodGet, []string{segs[1], segs[3]}
	case len(segs) == 5 && segs[0] == "jobs" && segs[2] == "criteria" && segs[3] == "versions" && segs[4] == "current":
		rt.pattern, rt.allow, rt.params = RouteGetCurrentCriteria, http.MethodGet, []string{segs[1]}
	case len(segs) == 5 && segs[0] == "jobs" && segs[2] == "criteria" && segs[3] == "versions":
		rt.pattern, rt.allow, rt.params = RouteGetCriteriaVersion, http.MethodGet, []string{segs[1], segs[4]}
	default:
		return rt
	}
	rt.known = true
	if method == rt.allow {
		rt.name = rt.pattern
	}
	return rt
}
