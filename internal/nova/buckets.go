package nova

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Nova's rate-limit buckets that the client's reads fall into
// (CONTRACT.md, Rate-limit buckets). Buckets are isolated: each has its own limit and its
// own Remaining, so a client paces each one with a pacer of its own. One
// pacer for all of a key's requests would mix two buckets' Remaining values
// and learn the wrong limit.
const (
	// BucketReadAndOps holds every /v1 request not in another bucket,
	// batch and scoring-job reads among them: 20 requests per second.
	BucketReadAndOps = "read_and_ops"
	// BucketCriteriaCurrentReads holds GET
	// /v1/jobs/{jobId}/criteria/versions/current: 60 requests per second.
	BucketCriteriaCurrentReads = "criteria_current_reads"
)

// documentedBuckets are the buckets CONTRACT.md lists (Rate-limit buckets). An answer may
// move a route only into one of these: a server that named a new bucket in
// every answer must not make the client grow a pacer for each.
var documentedBuckets = map[string]bool{
	"criteria_ai": true, BucketCriteriaCurrentReads: true, "scoring_intake_batch": true,
	"scoring_intake_single": true, BucketReadAndOps: true, "analytics": true, "rate_limit_status": true,
}

// bucketOf names the bucket of a request from its method and path, so that
// its first request is paced in the right bucket before any answer; the
// answers' X-RateLimit-Bucket then confirms it (bucketPacers.done). Every
// read the client makes goes through here, so a new endpoint is paced
// without a change to its method.
func bucketOf(req *http.Request) string {
	seg := strings.Split(strings.Trim(req.URL.EscapedPath(), "/"), "/")
	n := len(seg)
	if req.Method == http.MethodGet && n >= 6 && seg[n-6] == "v1" && seg[n-5] == "jobs" &&
		seg[n-3] == "criteria" && seg[n-2] == "versions" && seg[n-1] == "current" {
		return BucketCriteriaCurrentReads
	}
	return BucketReadAndOps
}

// bucketPacers holds a client's pacers, one per bucket, created on first
// use. Its memory is bounded by the documented buckets.
type bucketPacers struct {
	mu     sync.Mutex
	now    func() time.Time
	pacers map[string]*Pacer
	// confirmed maps the bucket a route was classified into to the one
	// Nova's answers named, when they differ (a Nova that predates a
	// bucket counts its routes in read_and_ops).
	confirmed map[string]string
}

func newBucketPacers(now func() time.Time) *bucketPacers {
	return &bucketPacers{now: now, pacers: map[string]*Pacer{}, confirmed: map[string]string{}}
}

// forRoute returns the bucket a request classified as route is paced in,
// and its pacer.
func (b *bucketPacers) forRoute(route string) (string, *Pacer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bucket := route
	if c, ok := b.confirmed[route]; ok {
		bucket = c
	}
	return bucket, b.pacerLocked(bucket)
}

func (b *bucketPacers) pacerLocked(bucket string) *Pacer {
	p, ok := b.pacers[bucket]
	if !ok {
		p = newPacer(b.now, rand.Float64)
		b.pacers[bucket] = p
	}
	return p
}

// done reports the answer to a request of route that was paced in bucket.
// When the answer names another documented bucket, the answer is not the pacer's to
// learn from (its Remaining counts someone else's window): the turn is
// released as if there had been no answer, and the route's later requests
// are paced in the bucket Nova named.
func (b *bucketPacers) done(route, bucket string, p *Pacer, resp *http.Response, sent time.Time, maxWait time.Duration) {
	if resp != nil {
		if named := resp.Header.Get("X-RateLimit-Bucket"); named != bucket && documentedBuckets[named] {
			b.mu.Lock()
			b.confirmed[route] = named
			b.mu.Unlock()
			resp = nil
		}
	}
	p.done(resp, sent, maxWait)
}
