package nova

import (
	"os"
	"testing"
	"time"
)

func TestExploreFleet(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	for _, sc := range []struct {
		n, m    int
		headers bool
		spread  time.Duration
	}{{1, 200, true, 0}, {8, 25, true, 300 * time.Millisecond}, {8, 25, true, 2 * time.Second}, {16, 25, true, 500 * time.Millisecond}, {8, 25, false, 500 * time.Millisecond}} {
		for seed := uint64(1); seed <= 3; seed++ {
			r := simulate(simConfig{limit: 20, workers: 10, latency: 4 * time.Millisecond, headers: sc.headers, procs: fleet(sc.n, sc.m, sc.spread, seed), seed: seed, deadline: 10 * time.Minute})
			floor := float64(sc.n*sc.m) / 20
			maxw := 0
			for _, c := range r.perWindow {
				maxw = max(maxw, c)
			}
			t.Logf("%dx%d headers=%v spread=%v seed=%d: makespan %.2fs ratio %.2f requests %d 429 %d (%.1f%%) max/window %d",
				sc.n, sc.m, sc.headers, sc.spread, seed, r.makespan.Seconds(), r.makespan.Seconds()/floor, r.requests, r.limited, 100*float64(r.limited)/float64(r.requests), maxw)
		}
	}
}
