package provider

import (
	"context"
	"math"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// BenchmarkWaitDetection measures how soon a wait notices that a batch
// finished, and how many requests it made, with the real client against
// novafake. The batch completes T after it is created (NOVA_BENCH_WAIT_T,
// default 4.5s, between two polls); the poll interval is NOVA_BENCH_POLL (default 1s). Run it
// with -benchtime=1x: every iteration takes T.
func BenchmarkWaitDetection(b *testing.B) {
	T := envDuration("NOVA_BENCH_WAIT_T", 4500*time.Millisecond)
	interval := envDuration("NOVA_BENCH_POLL", time.Second)
	var detect, requests float64
	for b.Loop() {
		s := novafake.New()
		ts := httptest.NewServer(s)
		created := time.Now()
		id, err := s.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: testJob, CreatedAt: created,
			Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 7, After: novafake.Duration(T)}}})
		if err != nil {
			b.Fatal(err)
		}
		c, err := nova.New(nova.Config{BaseURL: ts.URL, APIKey: testKey})
		if err != nil {
			b.Fatal(err)
		}
		read := func(ctx context.Context) (*nova.BatchResult, error) {
			return c.GetScoringBatch(ctx, testJob, id, testTenant)
		}
		res, err := wait(b.Context(), newPoller(interval), read, func(r *nova.BatchResult) bool { return r.Batch.Status.Finished() })
		if err != nil || res.Batch.Status != nova.StatusCompleted {
			b.Fatalf("wait: %v", err)
		}
		detect += time.Since(created.Add(T)).Seconds()
		requests += float64(len(s.Requests()))
		ts.Close()
	}
	n := float64(b.N)
	b.ReportMetric(detect/n, "s-to-detect")
	b.ReportMetric(requests/n, "requests")
	b.ReportMetric(interval.Seconds()+0.5, "s-detect-goal")
	b.ReportMetric(math.Ceil(T.Seconds()/interval.Seconds())+2, "requests-goal")
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return v
	}
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return time.Duration(v) * time.Second
	}
	return def
}
