package nova

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The fleet tests run the pacer's logic in a simulation with a simulated
// clock (pacer_sim_test.go): ten reads in flight per process, as
// Terraform's default -parallelism, and Nova's bucket of 20 per one-second
// window. The bounds are looser than the benchmark's targets
// (BENCHMARKS.md), which are met on the real processes; here they catch a
// controller that stops working.

const simLimit = 20

func runFleet(t *testing.T, n, m int, headers bool, seed uint64) simResult {
	t.Helper()
	r := simulate(simConfig{
		limit: simLimit, workers: 10, latency: 4 * time.Millisecond, headers: headers,
		procs: fleet(n, m, 500*time.Millisecond, seed), seed: seed, deadline: 10 * time.Minute,
	})
	for i, f := range r.finished {
		if f == 0 {
			t.Fatalf("%dx%d seed %d: process %d never finished (%d requests, %d 429s)", n, m, seed, i, r.requests, r.limited)
		}
	}
	return r
}

func ratio(r simResult, n, m int) float64 {
	return r.makespan.Seconds() / (float64(n*m) / simLimit)
}

// Alone, a process runs at the advertised limit and never past it: every
// window's requests fit (no 429 at all), and 200 reads take about 10 s.
func TestPacerAloneUsesTheLimitAndNeverExceedsIt(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		r := runFleet(t, 1, 200, true, seed)
		if r.limited != 0 {
			t.Errorf("seed %d: %d requests answered 429 for a process alone", seed, r.limited)
		}
		if got := ratio(r, 1, 200); got > 1.1 {
			t.Errorf("seed %d: 200 reads took %v, %.2fx the floor of 10 s", seed, r.makespan, got)
		}
	}
}

// Processes that share the key converge on the bucket together: few 429s,
// and the bucket kept busy.
func TestPacerFleetConverges(t *testing.T) {
	for _, n := range []int{8, 16} {
		for seed := uint64(1); seed <= 3; seed++ {
			r := runFleet(t, n, 25, true, seed)
			if frac := float64(r.limited) / float64(r.requests); frac > 0.06 {
				t.Errorf("%dx25 seed %d: %d of %d requests answered 429 (%.1f%%)", n, seed, r.limited, r.requests, 100*frac)
			}
			if got := ratio(r, n, 25); got > 1.35 {
				t.Errorf("%dx25 seed %d: took %v, %.2fx the floor", n, seed, r.makespan, got)
			}
		}
	}
}

// When the others leave, the one left takes the whole bucket again within
// a few windows.
func TestPacerRecoversWhenOthersLeave(t *testing.T) {
	procs := fleet(8, 1000, 300*time.Millisecond, 5)
	for i := 1; i < len(procs); i++ {
		procs[i].stopAfter = 5 * time.Second
	}
	procs[0].reads = 200
	r := simulate(simConfig{limit: simLimit, workers: 10, latency: 4 * time.Millisecond, headers: true, procs: procs, seed: 5, deadline: time.Minute})
	if r.finished[0] == 0 {
		t.Fatal("the process left never finished")
	}
	start := time.Unix(1_800_000_000, 0).Add(137 * time.Millisecond)
	from := start.Add(5*time.Second + 3*window).Unix()
	last := start.Add(r.finished[0]).Unix()
	for sec := from; sec < last; sec++ {
		if got := r.perWindow[sec]; got < simLimit-2 {
			t.Errorf("window %d s after the others left: %d requests, want about %d", sec-start.Add(5*time.Second).Unix(), got, simLimit)
		}
	}
}

// Behind a proxy that strips the headers, the fallback still finishes
// every run, with a bounded share of 429s.
func TestPacerWithoutHeaders(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		r := runFleet(t, 8, 25, false, seed)
		if frac := float64(r.limited) / float64(r.requests); frac > 0.2 {
			t.Errorf("seed %d: %.1f%% of requests answered 429", seed, 100*frac)
		}
		if got := ratio(r, 8, 25); got > 1.5 {
			t.Errorf("seed %d: %.2fx the floor", seed, got)
		}
	}
}

// novaAnswer builds a response with Nova's rate-limit headers.
func novaAnswer(status, remaining int, reset time.Time, retryAfter string) *http.Response {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(simLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &http.Response{StatusCode: status, Header: h}
}

// A 429 holds every caller of the pacer for Retry-After, not only the one
// that drew it, and never for more than the cap.
func TestPacerPauseHoldsEveryCaller(t *testing.T) {
	now := time.Unix(1_800_000_000, 300*int64(time.Millisecond))
	p := newPacer(func() time.Time { return now }, func() float64 { return 0.5 })
	p.take(now)
	p.observe(now, now, observationOf(novaAnswer(200, 19, now.Truncate(time.Second).Add(time.Second), ""), now))
	p.take(now)
	now = now.Add(10 * time.Millisecond)
	o := observationOf(novaAnswer(429, 0, now.Truncate(time.Second).Add(time.Second), "1"), now)
	p.observe(now, now, o)
	at, blocked := p.earliest()
	if blocked || at.Before(now.Add(time.Second)) {
		t.Fatalf("after a 429 with Retry-After 1, the next turn is at %v (blocked %v), %v from now", at, blocked, at.Sub(now))
	}
	if at.After(now.Add(1250 * time.Millisecond)) {
		t.Errorf("the pause is %v, more than Retry-After plus a quarter", at.Sub(now))
	}

	// The cap is the pacer's own: a Retry-After of an hour, in seconds or
	// as an HTTP date from a clock a day ahead, pauses it for at most
	// MaxRetryAfter plus its jitter.
	for _, ra := range []string{"3600", now.Add(24 * time.Hour).UTC().Format(http.TimeFormat)} {
		p.take(now)
		p.done(novaAnswer(429, 0, now.Truncate(time.Second).Add(time.Second), ra), now, MaxRetryAfter)
		if at, _ := p.earliest(); at.Sub(now) > MaxRetryAfter*5/4 {
			t.Errorf("a Retry-After of %q paused the pacer for %v", ra, at.Sub(now))
		}
	}
}

// The same, through acquire: a second caller that arrives during the
// pause is held until it ends.
func TestPacerAcquireWaitsOutThePause(t *testing.T) {
	p := newPacer(time.Now, rand.Float64)
	if _, err := p.acquire(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Nova answers with room: the pacer goes at several per second.
	p.done(novaAnswer(200, 19, time.Now().Truncate(time.Second).Add(time.Second), ""), time.Now(), MaxRetryAfter)
	if _, err := p.acquire(t.Context()); err != nil {
		t.Fatal(err)
	}
	p.done(&http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}}, time.Now(), MaxRetryAfter)
	paused := time.Now()
	var held atomic.Int64
	errc := make(chan error, 1)
	go func() {
		_, err := p.acquire(t.Context())
		held.Store(int64(time.Since(paused)))
		errc <- err
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if got := time.Duration(held.Load()); got < 900*time.Millisecond {
		t.Fatalf("a second caller went after %v, inside the 1 s pause", got)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p.done(&http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"5"}}}, time.Now(), MaxRetryAfter)
	if _, err := p.acquire(ctx); err == nil {
		t.Fatal("acquire on a cancelled context succeeded during a pause")
	}
}

// Only the first request goes before an answer: the other callers wait for
// it, so that parallel reads never open with a blind burst.
func TestPacerFirstRequestGoesAlone(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	p := newPacer(func() time.Time { return now }, func() float64 { return 0.5 })
	p.take(now)
	if _, blocked := p.earliest(); !blocked {
		t.Fatal("a second request may go before the first one's answer")
	}
	p.observe(now, now, observationOf(novaAnswer(200, 19, now.Add(time.Second), ""), now))
	if _, blocked := p.earliest(); blocked {
		t.Fatal("still blocked after the first answer")
	}
}

// The gate: with the window's tokens gone, the next request waits for the
// reset instead of drawing a 429.
func TestPacerWaitsForTheResetWhenTheWindowIsSpent(t *testing.T) {
	now := time.Unix(1_800_000_000, 200*int64(time.Millisecond))
	reset := now.Truncate(time.Second).Add(time.Second)
	p := newPacer(func() time.Time { return now }, func() float64 { return 0.5 })
	p.take(now)
	p.observe(now, now, observationOf(novaAnswer(200, 0, reset, ""), now))
	if at, _ := p.earliest(); at.Before(reset) {
		t.Fatalf("next turn at %v, before the window's reset at %v", at, reset)
	}
}

func TestObservationIgnoresDegradedHeaders(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	if o := observationOf(novaAnswer(200, 5, now.Add(time.Second), ""), now); !o.headers || o.remaining != 5 {
		t.Errorf("plain headers: %+v", o)
	}
	degraded := novaAnswer(200, 5, now.Add(time.Second), "")
	degraded.Header.Set("X-RateLimit-Degraded", "true")
	if o := observationOf(degraded, now); o.headers {
		t.Errorf("degraded headers were used: %+v", o)
	}
}

// Nova's clock may be off ours by seconds, or an hour: Reset only labels
// the window, and the window's end is placed on the local clock from when
// the answers were sent and received, never more than a window ahead.
func TestPacerPlacesTheWindowOnTheLocalClock(t *testing.T) {
	for _, skew := range []time.Duration{-90 * time.Minute, -1500 * time.Millisecond, 0, 1800 * time.Millisecond, time.Hour} {
		now := time.Unix(1_800_000_000, 300*int64(time.Millisecond))
		p := newPacer(func() time.Time { return now }, func() float64 { return 0.5 })
		nova := now.Add(skew)
		sent := now
		p.take(sent)
		now = now.Add(20 * time.Millisecond)
		p.observe(sent, now, observationOf(novaAnswer(200, 19, nova.Truncate(time.Second).Add(time.Second), ""), now))
		if !p.informed {
			t.Fatalf("skew %v: the headers were not used", skew)
		}
		trueEnd := nova.Truncate(time.Second).Add(time.Second).Add(-skew)
		if p.ended.Before(trueEnd) || p.ended.After(now.Add(window)) {
			t.Errorf("skew %v: the window surely ends at %v, want between its true end %v and a window after the answer", skew, p.ended.Sub(sent), trueEnd.Sub(sent))
		}
	}
}

// One answer with a Reset from nowhere (a day ahead) must not make every
// later answer look like one from a window already settled: the answers
// after it start the clock range, and the window, again.
func TestPacerRecoversFromAResetFarAhead(t *testing.T) {
	now := time.Unix(1_800_000_000, 300*int64(time.Millisecond))
	p := newPacer(func() time.Time { return now }, func() float64 { return 0.5 })
	answer := func(remaining int, reset time.Time) {
		sent := now
		p.take(sent)
		now = now.Add(10 * time.Millisecond)
		p.observe(sent, now, observationOf(novaAnswer(200, remaining, reset, ""), now))
	}
	answer(19, now.Truncate(time.Second).Add(time.Second))
	answer(18, now.Add(24*time.Hour).Truncate(time.Second))
	next := now.Truncate(time.Second).Add(2 * time.Second)
	now = next.Add(-900 * time.Millisecond)
	answer(19, next)
	if !p.label.Equal(next) || p.remaining > 19 || p.ended.After(now.Add(window)) {
		t.Errorf("after a Reset a day ahead, an ordinary answer left the window at label %v, %d tokens, ending %v from now",
			p.label.Sub(next), p.remaining, p.ended.Sub(now))
	}
}

// Skew costs no speed, across the band of offsets users meet (laptops
// after sleep, VMs, CI runners without NTP), and never makes the pacer
// fall back to pacing without the headers. A process alone keeps its
// figure for every seed; a fleet's figure depends on how its starts fall
// against the window, so it is the median of five seeds. The bounds are
// looser than the benchmark's targets, as in TestPacerFleetConverges.
func TestPacerSkewCostsNoSpeed(t *testing.T) {
	for _, skew := range []time.Duration{-1500 * time.Millisecond, -900 * time.Millisecond, time.Second, 1800 * time.Millisecond, 2500 * time.Millisecond} {
		for _, sc := range []struct{ n, m int }{{1, 200}, {8, 25}} {
			name := fmt.Sprintf("%dx%d at %+v", sc.n, sc.m, skew)
			var ratios []float64
			for seed := uint64(1); seed <= 5; seed++ {
				fellBack := 0
				r := simulate(simConfig{
					limit: simLimit, workers: 10, latency: 4 * time.Millisecond, headers: true, skew: skew,
					procs: fleet(sc.n, sc.m, 500*time.Millisecond, seed), seed: seed, deadline: 10 * time.Minute,
					trace: func(_ int64, _, _ int, ps []*Pacer) {
						for _, p := range ps {
							if p.started && !p.informed {
								fellBack++
							}
						}
					},
				})
				if fellBack > 0 {
					t.Errorf("%s seed %d: a pacer fell back to pacing without headers in %d windows", name, seed, fellBack)
				}
				for i, f := range r.finished {
					if f == 0 {
						t.Fatalf("%s seed %d: process %d never finished", name, seed, i)
					}
				}
				if frac := float64(r.limited) / float64(r.requests); frac > 0.05 {
					t.Errorf("%s seed %d: %.1f%% of requests answered 429", name, seed, 100*frac)
				}
				if got := ratio(r, sc.n, sc.m); sc.n == 1 && got > 1.1 {
					t.Errorf("%s seed %d: took %v, %.2fx the floor", name, seed, r.makespan, got)
				}
				ratios = append(ratios, ratio(r, sc.n, sc.m))
			}
			if got := median(ratios); got > 1.3 {
				t.Errorf("%s: took %.2fx the floor (median of five seeds: %.2f)", name, got, ratios)
			}
		}
	}
}
