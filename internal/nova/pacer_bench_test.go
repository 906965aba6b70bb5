package nova

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkPacerFleetSim reports the fleet figures of the simulation
// (pacer_sim_test.go) for each of issue 18's scenarios: the median over
// five seeds of the time to the last read as a multiple of the floor
// (N×M/limit), the share of answers that were 429, and the processes that
// never finished (failed runs). The clock is simulated, so the figures do
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
