package nova

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
)

func TestExploreWindows(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	n := 1
	fmt.Sscan(os.Getenv("N"), &n)
	var first *Pacer
	pacerDebug = func(p *Pacer, f string, a ...any) {
		if first == nil {
			first = p
		}
		if p == first {
			fmt.Printf(f+"\n", a...)
		}
	}
	defer func() { pacerDebug = nil }()
	r := simulate(simConfig{limit: 20, workers: 10, latency: 4 * time.Millisecond, headers: os.Getenv("NOHDR") == "", procs: fleet(n, 200/max(n/8*8, 1)*0+map[bool]int{true: 200, false: 25}[n == 1], 500*time.Millisecond, 1), seed: 1, deadline: 10 * time.Minute,
		trace: func(sec int64, a, l int, ps []*Pacer) {
			sum := 0.0
			rs := ""
			for _, p := range ps {
				sum += p.share
				rs += fmt.Sprintf(" %.1f/%.2f", p.rate, p.share)
			}
			fmt.Printf("%d: ok %d 429 %d sum %.1f |%s\n", sec%1000, a, l, sum, rs)
		}})
	var ks []int64
	for k := range r.perWindow {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	for _, k := range ks {
		fmt.Print(r.perWindow[k], " ")
	}
	fmt.Printf("\n429 phases %.2f stale %d", r.phases, r.stale)
	fmt.Println("\nmakespan", r.makespan, "429", r.limited, r.finished)
}
