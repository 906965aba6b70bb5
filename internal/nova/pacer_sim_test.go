package nova

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// A discrete-event simulation of a fleet of processes sharing one Nova
// bucket, driving the pacer's logic (earliest, take, observe) with a
// simulated clock. Each process has `workers` reads in flight at most (as
// Terraform's -parallelism), each read retried after a 429 until it
// succeeds; the bucket is Nova's fixed one-second window.

type simProcess struct {
	start time.Duration // when the process begins, from the simulation's start
	reads int           // data sources it reads
	// stopAfter ends the process early (its remaining reads abandoned), to
	// model runs that finish or are cancelled while others go on.
	stopAfter time.Duration
}

type simConfig struct {
	limit    int
	workers  int
	latency  time.Duration // round trip; the server sees the request halfway
	headers  bool          // false: a proxy strips X-RateLimit-*
	skew     time.Duration // Nova's clock minus the processes' clock
	procs    []simProcess
	seed     uint64
	deadline time.Duration // simulation gives up here
	// trace, when set, is called at each new window with every pacer.
	trace func(sec int64, admitted, limited int, pacers []*Pacer)
}

type simResult struct {
	makespan  time.Duration   // last read done
	requests  int             // answered by the bucket
	limited   int             // of which 429
	perWindow map[int64]int   // admitted requests per window (unix second)
	finished  []time.Duration // per process
	phases    []float64       // of 429s within their window
	stale     int             // 429s sent by a process whose last answer was from an earlier window
}

type simEvent struct {
	at     time.Time
	seq    int
	proc   int
	kind   int // 0: a worker tries for a turn, 1: the server sees a request, 2: the answer arrives
	sent   time.Time
	status int
	hdr    http.Header
}

type simQueue []*simEvent

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any) {
	if e, ok := x.(*simEvent); ok {
		*q = append(*q, e)
	}
}
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

func simulate(cfg simConfig) simResult {
	t0 := time.Unix(1_800_000_000, 0).Add(137 * time.Millisecond) // not on a window boundary
	rng := rand.New(rand.NewPCG(cfg.seed, 42))
	res := simResult{perWindow: map[int64]int{}, finished: make([]time.Duration, len(cfg.procs))}
	type procState struct {
		pacer   *Pacer
		pending int // reads not yet started
		active  int // reads started, not done
		waiting int // workers waiting for a state change (first answer)
		done    bool
	}
	procs := make([]*procState, len(cfg.procs))
	var q simQueue
	seq := 0
	push := func(e *simEvent) { seq++; e.seq = seq; heap.Push(&q, e) }
	for i, p := range cfg.procs {
		procs[i] = &procState{pacer: newPacer(func() time.Time { return t0 }, rng.Float64), pending: p.reads}
		for range min(cfg.workers, p.reads) {
			procs[i].pending--
			procs[i].active++
			push(&simEvent{at: t0.Add(p.start), proc: i})
		}
	}
	used := map[int64]int{}
	limitedIn := map[int64]int{}
	lastSec := int64(0)
	for q.Len() > 0 {
		e, ok := heap.Pop(&q).(*simEvent)
		if !ok {
			break
		}
		now := e.at
		if now.Sub(t0) > cfg.deadline {
			break
		}
		ps := procs[e.proc]
		if ps.done {
			continue
		}
		if stop := cfg.procs[e.proc].stopAfter; stop > 0 && now.Sub(t0) >= stop {
			ps.done = true
			res.finished[e.proc] = now.Sub(t0)
			continue
		}
		switch e.kind {
		case 0:
			at, blocked := ps.pacer.earliest()
			switch {
			case blocked:
				ps.waiting++
			case at.After(now):
				push(&simEvent{at: at, proc: e.proc})
			default:
				ps.pacer.take(now)
				push(&simEvent{at: now.Add(cfg.latency / 2), proc: e.proc, kind: 1, sent: now})
			}
		case 1:
			// Nova's windows are whole seconds on its own clock.
			novaNow := now.Add(cfg.skew)
			sec := novaNow.Unix()
			if cfg.trace != nil && sec != lastSec {
				if lastSec != 0 {
					ps := make([]*Pacer, len(procs))
					for i := range procs {
						ps[i] = procs[i].pacer
					}
					cfg.trace(lastSec, used[lastSec], limitedIn[lastSec], ps)
				}
				lastSec = sec
			}
			reset := sec + 1
			status := http.StatusOK
			if used[sec] >= cfg.limit {
				status = http.StatusTooManyRequests
			} else {
				used[sec]++
				res.perWindow[sec]++
			}
			res.requests++
			h := http.Header{}
			if cfg.headers {
				h.Set("X-RateLimit-Limit", strconv.Itoa(cfg.limit))
				h.Set("X-RateLimit-Remaining", strconv.Itoa(cfg.limit-used[sec]))
				h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
			}
			if status == http.StatusTooManyRequests {
				res.limited++
				limitedIn[sec]++
				res.phases = append(res.phases, float64(novaNow.Sub(time.Unix(sec, 0)))/float64(time.Second))
				if !ps.pacer.windowEnd.After(time.Unix(sec, 0).Add(-cfg.skew)) {
					res.stale++
				}
				h.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(time.Unix(reset, 0).Sub(novaNow).Seconds())))))
			}
			push(&simEvent{at: now.Add(cfg.latency / 2), proc: e.proc, kind: 2, status: status, hdr: h, sent: e.sent})
		case 2:
			ps.pacer.observe(e.sent, now, observationOf(&http.Response{StatusCode: e.status, Header: e.hdr}, now))
			// Workers waiting for the first answer try again.
			for ; ps.waiting > 0; ps.waiting-- {
				push(&simEvent{at: now, proc: e.proc})
			}
			if e.status == http.StatusTooManyRequests {
				push(&simEvent{at: now, proc: e.proc}) // the same read, retried
				continue
			}
			ps.active--
			if ps.pending > 0 {
				ps.pending--
				ps.active++
				push(&simEvent{at: now, proc: e.proc})
			}
			if ps.active == 0 && ps.pending == 0 {
				ps.done = true
				res.finished[e.proc] = now.Sub(t0)
				res.makespan = max(res.makespan, now.Sub(t0))
			}
		}
	}
	return res
}

// fleet is n processes of m reads each, starting within spread of each
// other.
func fleet(n, m int, spread time.Duration, seed uint64) []simProcess {
	rng := rand.New(rand.NewPCG(seed, 7))
	ps := make([]simProcess, n)
	for i := range ps {
		ps[i] = simProcess{start: time.Duration(rng.Float64() * float64(spread)), reads: m}
	}
	return ps
}
