package nova

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestBucketOfRoute(t *testing.T) {
	for _, tt := range []struct {
		method, url, want string
	}{
		{"GET", "https://nova.example.com/v1/jobs/job-1/criteria/versions/current", BucketCriteriaCurrentReads},
		{"GET", "https://nova.example.com/prefix/v1/jobs/job%2F1/criteria/versions/current", BucketCriteriaCurrentReads},
		{"GET", "https://nova.example.com/v1/jobs/job-1/criteria/versions/cv-1", BucketReadAndOps},
		{"GET", "https://nova.example.com/v1/jobs/job-1/scoring-batches/b-1", BucketReadAndOps},
		{"GET", "https://nova.example.com/v1/jobs/job-1/applications/a-1/scoring-jobs/sj-1", BucketReadAndOps},
		// A job id that only looks like the route stays in its own segment.
		{"GET", "https://nova.example.com/v1/jobs/x%2Fcriteria%2Fversions%2Fcurrent/scoring-batches/b", BucketReadAndOps},
		{"POST", "https://nova.example.com/v1/jobs/job-1/criteria/versions/current", BucketReadAndOps},
	} {
		req, err := http.NewRequest(tt.method, tt.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := bucketOf(req); got != tt.want {
			t.Errorf("%s %s: bucket %q, want %q", tt.method, tt.url, got, tt.want)
		}
	}
}

func bucketAnswer(bucket string, limit, remaining int, reset time.Time) *http.Response {
	r := novaAnswer(200, remaining, reset, "")
	r.Header.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	if bucket != "" {
		r.Header.Set("X-RateLimit-Bucket", bucket)
	}
	return r
}

// Buckets are isolated: the current-criteria bucket running dry does not
// hold batch reads, and its limit of 60 is not learnt for them.
func TestBucketsArePacedApart(t *testing.T) {
	now := time.Unix(1_800_000_000, 200*int64(time.Millisecond))
	reset := now.Truncate(time.Second).Add(time.Second)
	b := newBucketPacers(func() time.Time { return now })

	cb, criteria := b.forRoute(BucketCriteriaCurrentReads)
	criteria.take(now)
	b.done(BucketCriteriaCurrentReads, cb, criteria, bucketAnswer(BucketCriteriaCurrentReads, 60, 0, reset), now, MaxRetryAfter)
	if at, _ := criteria.earliest(); at.Before(reset) {
		t.Fatalf("the criteria bucket is spent, yet its next turn is at %v, before its reset", at.Sub(now))
	}

	rb, reads := b.forRoute(BucketReadAndOps)
	if reads == criteria {
		t.Fatal("batch reads and current-criteria reads share a pacer")
	}
	reads.take(now)
	b.done(BucketReadAndOps, rb, reads, bucketAnswer(BucketReadAndOps, 20, 19, reset), now, MaxRetryAfter)
	if at, blocked := reads.earliest(); blocked || !at.Before(reset) {
		t.Errorf("batch reads, with 19 of 20 tokens left, wait until %v (blocked %v)", at.Sub(now), blocked)
	}
	if reads.ceiling != 20 || criteria.ceiling != 60 {
		t.Errorf("limits learnt: batch reads %v, current criteria %v; want 20 and 60", reads.ceiling, criteria.ceiling)
	}
}

// The route's bucket is a guess until an answer confirms it: when Nova
// names another documented bucket, the route is paced there from then on;
// a name Nova does not document moves nothing.
func TestBucketConfirmedByTheAnswer(t *testing.T) {
	now := time.Unix(1_800_000_000, 200*int64(time.Millisecond))
	reset := now.Truncate(time.Second).Add(time.Second)
	b := newBucketPacers(func() time.Time { return now })
	_, reads := b.forRoute(BucketReadAndOps)
	bucket, p := b.forRoute(BucketCriteriaCurrentReads)
	p.take(now)
	b.done(BucketCriteriaCurrentReads, bucket, p, bucketAnswer(BucketReadAndOps, 20, 18, reset), now, MaxRetryAfter)
	if got, q := b.forRoute(BucketCriteriaCurrentReads); got != BucketReadAndOps || q != reads {
		t.Errorf("after Nova counted the route in read_and_ops, it is paced in %q", got)
	}
	if p.informed || p.inFlight != 0 {
		t.Errorf("the criteria pacer learnt from an answer about another bucket (informed %v), or kept the turn (in flight %d)", p.informed, p.inFlight)
	}

	b = newBucketPacers(func() time.Time { return now })
	bucket, p = b.forRoute(BucketCriteriaCurrentReads)
	p.take(now)
	b.done(BucketCriteriaCurrentReads, bucket, p, bucketAnswer("made_up_bucket", 20, 19, reset), now, MaxRetryAfter)
	if got, _ := b.forRoute(BucketCriteriaCurrentReads); got != BucketCriteriaCurrentReads {
		t.Errorf("an undocumented bucket name moved the route to %q", got)
	}
}
