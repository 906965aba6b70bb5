package nova

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// BenchmarkPacerFleetSim reports the fleet figures of the simulation
// (pacer_sim_test.go) for each scenario of BENCHMARKS.md's clock-skew table:
// the median over five seeds of the time to the last read as a multiple of
// the floor (N×M/limit), the share of answers that were 429, and the
// processes that never finished (failed runs). The clock is simulated, so the figures do
// not depend on the machine's load; ns/op is the simulation's own cost.
//
//	go test -run '^$' -bench PacerFleetSim -benchtime 1x ./internal/nova/
func BenchmarkPacerFleetSim(b *testing.B) {
	type scenario struct {
		n, m    int
		skew    time.Duration
		headers bool
	}
	var scenarios []scenario
	for _, skew := range []time.Duration{0, -1500 * time.Millisecond, -900 * time.Millisecond, time.Second, 1800 * time.Millisecond, 2500 * time.Millisecond} {
		scenarios = append(scenarios, scenario{1, 200, skew, true}, scenario{8, 25, skew, true})
	}
	scenarios = append(scenarios, scenario{16, 25, 0, true}, scenario{8, 25, 0, false}, scenario{8, 25, time.Second, false})
	for _, sc := range scenarios {
		name := fmt.Sprintf("%dx%d/skew=%v", sc.n, sc.m, sc.skew)
		if !sc.headers {
			name += "/stripped"
		}
		b.Run(name, func(b *testing.B) {
			var ratios, limited []float64
			failed := 0
			for b.Loop() {
				ratios, limited, failed = ratios[:0], limited[:0], 0
				for seed := uint64(1); seed <= 5; seed++ {
					r := simulate(simConfig{
						limit: simLimit, workers: 10, latency: 4 * time.Millisecond, headers: sc.headers, skew: sc.skew,
						procs: fleet(sc.n, sc.m, 500*time.Millisecond, seed), seed: seed, deadline: 10 * time.Minute,
					})
					for _, f := range r.finished {
						if f == 0 {
							failed++
						}
					}
					ratios = append(ratios, ratio(r, sc.n, sc.m))
					limited = append(limited, 100*float64(r.limited)/float64(max(r.requests, 1)))
				}
			}
			b.ReportMetric(median(ratios), "x_floor")
			b.ReportMetric(median(limited), "%429")
			b.ReportMetric(float64(failed), "failed_procs")
		})
	}
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// BenchmarkBucketsMixedReads is BENCHMARKS.md's buckets scenario in one
// process: 100 batch reads and 100 current-criteria reads, ten at a time
// as Terraform's -parallelism, against novafake enforcing 20 reads per second on
// read_and_ops (and 60 on criteria_current_reads). Each bucket is paced on
// its own, so the criteria reads do not slow the batch reads down: the
// figure is the time for all 200 as a multiple of the batch bucket's floor
// (100 / 20 = 5 s), and the share of answers that were 429. The job has no
// criteria in novafake, so those reads are answered 404, with the criteria
// bucket's headers, which is all the pacer reads.
//
//	go test -run '^$' -bench BucketsMixedReads -benchtime 1x ./internal/nova/
func BenchmarkBucketsMixedReads(b *testing.B) {
	fake := novafake.New(novafake.WithReadRateLimit(20))
	ts := httptest.NewServer(fake)
	b.Cleanup(ts.Close)
	id, err := fake.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "job-1", Jobs: []novafake.JobSpec{{ApplicationID: "app-1", Score: 8}}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		fake.Reset()
		if id, err = fake.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "job-1", Jobs: []novafake.JobSpec{{ApplicationID: "app-1", Score: 8}}}); err != nil {
			b.Fatal(err)
		}
		c, err := New(Config{BaseURL: ts.URL, APIKey: testKey})
		if err != nil {
			b.Fatal(err)
		}
		reads := make(chan func() error, 200)
		for range 100 {
			reads <- func() error { _, err := c.GetScoringBatch(b.Context(), "job-1", id, testTenant); return err }
			reads <- func() error {
				_, _, err := c.get(b.Context(), testTenant, "jobs", "job-1", "criteria", "versions", "current")
				var apiErr *APIError
				if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
					return nil
				}
				return err
			}
		}
		close(reads)
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for range 10 {
			wg.Go(func() {
				for read := range reads {
					if err := read(); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		total := len(fake.Requests())
		b.ReportMetric(took.Seconds()/5, "x_floor")
		b.ReportMetric(100*float64(fake.CountStatus(http.StatusTooManyRequests))/float64(max(total, 1)), "%429")
	}
}
