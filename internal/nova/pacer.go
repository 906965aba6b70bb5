package nova

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The pacer decides when this process may send its next request to Nova.
//
// Nova's read bucket holds 20 requests per second per API key and
// environment, shared by every tenant, pipeline and machine that uses the
// key (CONTRACT.md, Rate-limit buckets). A process cannot see the others, and there is no
// coordination service; what it can see is the bucket itself. Every answer
// carries X-RateLimit-Limit, X-RateLimit-Remaining (tokens left in the
// current one-second window) and X-RateLimit-Reset (when the window ends),
// and every process sharing the key reads the same numbers. Rules that
// depend on them move all processes together without any of them knowing
// how many there are. The rules, each measured against the alternatives in
// the fleet benchmark (BENCHMARKS.md) and the simulation in
// pacer_sim_test.go:
//
//   - Pace from Remaining. A process sends at its share of the window's
//     remaining tokens spread over the time left in the window
//     (share × Remaining / time left). As tokens go, every process slows
//     down at once, so the window is spent to its end without being
//     overdrawn. Feedback from 429s alone (AIMD) learns only after
//     overshooting, so it draws 429s by design.
//   - Shares are measured, once per window: what this process sent of all
//     that the fleet spent (extrapolated from its last answer in the
//     window). Measured shares add up to about one whatever the number of
//     processes, and when a process leaves, the others' shares grow into
//     the room it left within a window. A small fixed step added to every
//     share when the window had room pulls the shares towards equal, so a
//     run that started late does not finish long after the others.
//   - Alone (every token of the window was its own), a process takes the
//     whole bucket and runs at the advertised X-RateLimit-Limit.
//   - Gate: when the tokens left, as last answered less this process's
//     requests since and less what the others are likely to have spent
//     since, run out, the next request waits for the window's reset. That
//     turns a would-be 429 into a short wait, and keeps a process with an
//     old answer from drawing one.
//   - The first request goes alone and its answer is awaited before the
//     rest go out, so that ten parallel reads never go out blind.
//   - Gaps are randomised (0.5x to 1.5x) only while the bucket is
//     contended, so that processes that started together spread out; a
//     process alone keeps regular gaps, which use the bucket fully.
//   - A 429 pauses every request of the process for Retry-After (at most
//     MaxRetryAfter) plus jitter, so that the processes that were told to
//     wait do not come back in lockstep.
//
// Reset is on Nova's clock, which may be seconds from ours: it only labels
// the window, and the window's place on the local clock is learnt from the
// answers (clockOffset).
//
// Without the headers (a proxy may strip them, or Nova's limiter is
// degraded) the pacer falls back to congestion control on 429s alone: slow
// start from one request per second, doubling each second until the first
// 429, then additive increase under fallbackRate; each 429 pauses the
// process as above, which is the decrease.
//
// Each rule here is one that a test misses when it is removed; BENCHMARKS.md
// ("The pacer's rules: what each buys") has what each costs and buys in the
// fleet simulation, and the rules left out for buying nothing.
//
// Everything that depends on time takes "now" as an argument, so tests drive
// the controller with an injected clock (pacer_test.go).
//
// Why the spacing is not golang.org/x/time/rate: a rate.Limiter (SetLimit,
// SetBurst 1) could space turns at p.rate, which is the one line of
// nextTurn it would replace; the rest of nextTurn is what the pacer needs
// and the limiter has no notion of: gaps randomised only while contended,
// and a turn that would fall past the window moved to the window's start.
// Keeping both the limiter's state and the window's would mean two sources
// of "when may the next request go" to keep in step; the hand-written gap
// is one division.

const (
	// window is the length of Nova's rate-limit window (CONTRACT.md,
	// Rate-limit buckets).
	window = time.Second
	// fallbackRate is the rate ceiling without rate-limit headers: Nova's
	// documented 20 requests per second less 5%, because without
	// X-RateLimit-Remaining there is no gate to make the exact limit safe.
	fallbackRate = 19.0
	// minRate keeps a process that shares the key with very many others
	// moving: one request every ten seconds.
	minRate = 0.1
	// contendedFor is how long randomised gaps last after the last sign of
	// contention (tokens spent by someone else).
	contendedFor = 5 * time.Second
	// firstShare is the share a process assumes on its first answer when
	// it looks alone; a newcomer that sees others' tokens spent takes
	// firstShare divided by the tokens spent. Starting at the whole bucket
	// would let simultaneous starts overdraw the first windows; a process
	// really alone is found so after one window and takes the whole bucket
	// then.
	firstShare = 0.3
	// minShare is the smallest share of the bucket a process assumes.
	minShare = 1.0 / 64
	// fairStep is added to a process's share after a window with room
	// (under 95% of the limit spent), or when its share is under one
	// request per window and so cannot be measured. Measured shares keep
	// their proportions, so without it a process that started small
	// would stay small; the same step for everyone, then measured again,
	// pulls the shares towards equal.
	fairStep = 0.06
	// aiStep is the additive increase of the fallback, in requests per
	// second gained per second without a 429.
	aiStep = 0.5
)

// observation is what one answer says about the bucket.
type observation struct {
	status     int
	headers    bool      // Limit, Remaining and Reset were all present and sane
	limit      int       // X-RateLimit-Limit
	remaining  int       // X-RateLimit-Remaining
	reset      time.Time // X-RateLimit-Reset
	retryAfter time.Duration
}

// observationOf reads the rate-limit headers of an answer. Degraded mode
// (the limiter's backend is down and values are best-effort) counts as no
// headers. Reset is kept as Nova wrote it, on Nova's clock: the pacer uses
// it only as the window's label (see clockOffset).
func observationOf(resp *http.Response, now time.Time) observation {
	o := observation{status: resp.StatusCode}
	o.retryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	h := resp.Header
	if strings.EqualFold(h.Get("X-RateLimit-Degraded"), "true") {
		return o
	}
	limit, err1 := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	remaining, err2 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, err3 := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || limit <= 0 || remaining < 0 {
		return o
	}
	o.headers, o.limit, o.remaining, o.reset = true, limit, remaining, time.Unix(reset, 0)
	return o
}

// clockOffset is what the answers say about Nova's clock against ours.
// X-RateLimit-Reset is whole seconds on Nova's clock, and a second of drift
// is ordinary (laptops after sleep, VMs, CI runners without NTP), so the
// window's end cannot be read off the local clock. Every answer bounds the
// offset instead: Nova handled the request within the second before its
// Reset, on its clock, and after the request was sent and before its
// answer arrived, on ours. The bounds of successive answers are
// intersected, so answers at different phases of the window narrow the
// range within a few windows. Two instants are placed from it: the
// window's likely end, from the middle of the range, for the share and the
// rate (they need an unbiased estimate of the time left: the range's low
// end would underestimate it and slow every process down); and
// the instant after which a request surely reaches the next window, from
// the range's low end, for sending into a new window and for predicting
// what the others spend before it (from the middle, a request sent in the
// last milliseconds of a spent window could still land in it, and draw a
// 429 and a second's pause). By construction
// neither is more than one window past the answer. An answer outside the
// range means one of the clocks was set (or a server sent a Reset from
// nowhere): the range starts again from that answer, and so does the
// window, whatever its label, so that one odd Reset far ahead cannot make
// every later answer look like one from a settled window.
type clockOffset struct {
	lo, hi time.Duration // Nova's clock minus ours lies in [lo, hi]
	known  bool
}

// windowEnd narrows the range with an answer labelled reset, to a request
// sent at sent and answered at received, and returns where the window
// labelled reset likely ends on the local clock, when it surely has, and
// whether the range started again.
func (c *clockOffset) windowEnd(reset, sent, received time.Time) (likely, surely time.Time, restarted bool) {
	lo, hi := reset.Add(-window).Sub(received), reset.Sub(sent)
	if c.known && lo <= c.hi && hi >= c.lo {
		lo, hi = max(lo, c.lo), min(hi, c.hi)
	} else {
		restarted = c.known
	}
	c.lo, c.hi, c.known = lo, hi, true
	return reset.Add(-(lo + hi) / 2), reset.Add(-lo), restarted
}

// Pacer paces the requests of one Client to one of Nova's rate-limit
// buckets (see bucketPacers). It is safe for concurrent use.
type Pacer struct {
	mu      sync.Mutex
	now     func() time.Time
	rand    func() float64 // in [0, 1)
	changed chan struct{}  // closed when a waiter may be able to go sooner

	rate       float64   // requests per second this process sends
	ceiling    float64   // X-RateLimit-Limit when known, else fallbackRate
	informed   bool      // the last answer carried usable headers
	started    bool      // an answer to the first request has arrived
	probing    bool      // the first request is out, unanswered
	next       time.Time // earliest next turn, from the rate
	lastTake   time.Time
	pauseUntil time.Time // after a 429
	inFlight   int
	contended  time.Time // randomise gaps until then
	lastGrowth time.Time // fallback: when the rate last grew
	slowStart  bool      // fallback: doubling until the first 429

	// The window as last seen.
	clock     clockOffset
	label     time.Time // its X-RateLimit-Reset, on Nova's clock
	limit     int
	windowEnd time.Time // its likely end on the local clock
	ended     time.Time // when it has surely ended, on the local clock
	remaining int       // tokens left, less this process's requests since
	phase     float64   // fraction of the window elapsed at the last answer in it
	used      int       // tokens gone at that answer
	mine      int       // admitted requests of this process in the window, by then
	share     float64   // this process's share of the fleet's requests
	// The last answer's view: tokens left then, and time left in the
	// window then, to predict what the others have spent since.
	seenRemaining int
	seenLeft      time.Duration
}

func newPacer(now func() time.Time, rnd func() float64) *Pacer {
	return &Pacer{
		now:       now,
		rand:      rnd,
		changed:   make(chan struct{}),
		rate:      1,
		ceiling:   fallbackRate,
		slowStart: true,
	}
}

// acquire blocks until this process may send a request, or ctx ends, and
// returns when the turn was granted. Every successful acquire must be
// followed by exactly one done, given that time.
func (p *Pacer) acquire(ctx context.Context) (time.Time, error) {
	for {
		p.mu.Lock()
		now := p.now()
		at, blocked := p.earliest()
		if !blocked && !at.After(now) {
			p.take(now)
			p.mu.Unlock()
			return now, nil
		}
		changed := p.changed
		p.mu.Unlock()

		d := window // waiting for the first answer: move on after a window should it never come
		if !blocked {
			d = at.Sub(now)
		}
		if err := sleepOrWake(ctx, d, changed); err != nil {
			return time.Time{}, err
		}
		if blocked {
			p.mu.Lock()
			if p.changed == changed { // the lone request's answer never came
				p.probing = false
			}
			p.mu.Unlock()
		}
	}
}

// done reports the answer to a request granted by acquire at sent; a
// request that got no answer (a network error) passes nil. A Retry-After
// longer than maxWait is taken as maxWait.
func (p *Pacer) done(resp *http.Response, sent time.Time, maxWait time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if resp == nil {
		p.inFlight--
		p.probing = false
		p.wake()
		return
	}
	o := observationOf(resp, now)
	o.retryAfter = min(o.retryAfter, maxWait)
	p.observe(sent, now, o)
	p.wake()
}

func (p *Pacer) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// earliest says when the next request may go; blocked means not before
// the first request's answer.
func (p *Pacer) earliest() (at time.Time, blocked bool) {
	if p.probing {
		return time.Time{}, true
	}
	at = p.next
	if p.pauseUntil.After(at) {
		at = p.pauseUntil
	}
	return at, false
}

// take grants a turn at now.
func (p *Pacer) take(now time.Time) {
	if p.informed {
		if now.Before(p.ended) {
			p.remaining--
		}
		p.rate = p.informedRate(now)
	}
	p.lastTake = now
	p.next = p.nextTurn(now)
	p.inFlight++
	// The first request goes alone: its answer says how much of the
	// window is left before the others go out blind.
	if !p.started {
		p.probing = true
	}
}

// nextTurn is when the turn after one taken at from may come, at the
// current rate; randomised while contended. With the headers, a turn that
// would fall past the window's end comes instead at the next window's
// start plus a gap at the rate the process will have there, so that a
// window whose tokens are nearly gone does not stall the next one.
func (p *Pacer) nextTurn(from time.Time) time.Time {
	jitter := 1.0
	if from.Before(p.contended) {
		jitter = 0.5 + p.rand()
	}
	gap := time.Duration(jitter * float64(time.Second) / p.rate)
	at := from.Add(gap)
	if p.informed && from.Before(p.ended) && (at.After(p.ended) || p.predictRemaining(at) < 1) {
		next := min(max(p.share*p.ceiling, minRate), p.ceiling)
		at = p.ended.Add(time.Duration(p.rand() * float64(time.Second) / next))
		if !from.Before(p.contended) {
			at = p.ended
		}
	}
	return at
}

// predictRemaining guesses the window's tokens left at t: what the last
// answer said, less this process's requests since, less what the others
// have spent since at the pace the whole fleet had kept in this window
// until that answer (the window started full). A process that has not
// heard from Nova for a while thus stops before the window's last tokens,
// which processes with fresher answers may take, instead of drawing a 429
// with an old number.
func (p *Pacer) predictRemaining(t time.Time) float64 {
	if p.seenLeft <= 0 || p.seenLeft >= window {
		return float64(p.remaining)
	}
	seenPhase := 1 - p.seenLeft.Seconds()/window.Seconds()
	pace := float64(p.limit-p.seenRemaining) / seenPhase // tokens per window
	if seenPhase < 0.1 {
		pace = float64(p.seenRemaining) / p.seenLeft.Seconds() * window.Seconds()
	}
	since := (p.seenLeft - max(p.ended.Sub(t), 0)).Seconds() / window.Seconds()
	return float64(p.remaining) - pace*since*(1-p.share)
}

// informedRate spreads this process's share of the window's remaining
// tokens over the time left in it. Every process sees the same Remaining,
// and the shares add up to about one, so the fleet as a whole spends
// Remaining/(time left): as tokens go, everyone slows down together, and
// the window is used to its end without being overdrawn. Before the first
// answer in a new window, the process runs at its share of the limit.
func (p *Pacer) informedRate(now time.Time) float64 {
	r := p.share * p.ceiling
	if left := p.windowEnd.Sub(now); left > 0 {
		r = p.share * float64(max(p.remaining, 0)) / max(left.Seconds(), 0.02)
	}
	return min(max(r, minRate), p.ceiling)
}

// observe updates the controller with one answer, to a request sent at
// sent.
func (p *Pacer) observe(sent, now time.Time, o observation) {
	p.inFlight--
	p.probing = false
	first := !p.started
	p.started = true
	if o.status == http.StatusTooManyRequests {
		p.rateLimited(now, o)
	}
	if !o.headers {
		p.informed = false
		p.ceiling = fallbackRate
		p.fallback(now, o, first)
		return
	}
	p.informed = true
	p.ceiling = float64(o.limit)
	end, ended, restarted := p.clock.windowEnd(o.reset, sent, now)
	phase := min(max(1-end.Sub(now).Seconds()/window.Seconds(), 0), 1)
	used := o.limit - o.remaining
	admitted := 0
	if o.status != http.StatusTooManyRequests {
		admitted = 1
	}
	switch {
	case restarted || o.reset.After(p.label):
		// A new window: settle the last one, then start counting.
		if first {
			p.start(now, used)
		} else {
			p.adjust()
		}
		p.limit, p.label, p.windowEnd, p.ended = o.limit, o.reset, end, ended
		p.remaining = o.remaining - p.inFlight
		p.phase, p.used, p.mine = phase, used, admitted
	case o.reset.Equal(p.label):
		p.windowEnd, p.ended = end, ended
		p.remaining = min(p.remaining, o.remaining-p.inFlight)
		p.mine += admitted
		if phase >= p.phase {
			p.phase, p.used = phase, max(p.used, used)
		}
	default:
		return // an answer from a window already settled
	}
	if used > p.mine+1 {
		// Someone else is spending this key's tokens.
		p.contended = now.Add(contendedFor)
	}
	if o.status == http.StatusTooManyRequests || o.remaining == 0 {
		p.remaining = min(p.remaining, 0)
	}
	p.seenRemaining, p.seenLeft = max(p.remaining, 0), p.ended.Sub(now)
	p.setRate(p.informedRate(now))
}

// setRate changes the rate and reschedules the next turn from the last
// one, so that a new rate applies at once rather than after a gap computed
// from the old one.
func (p *Pacer) setRate(r float64) {
	p.rate = min(max(r, minRate), p.ceiling)
	if !p.lastTake.IsZero() {
		p.next = p.nextTurn(p.lastTake)
	}
}

// start sets the first share from the first answer: alone, the whole
// bucket; otherwise assume every token already used in this window belongs
// to a process starting like this one, and take an even share.
func (p *Pacer) start(now time.Time, used int) {
	if used <= 1 {
		p.share = firstShare
		return
	}
	p.share = firstShare / float64(used)
	p.contended = now.Add(contendedFor)
}

// adjust runs once per window, with what was seen of the window that just
// ended: this process's share is what it sent of all the tokens spent by
// its last answer in the window, averaged with the share it had. When a
// process leaves, the others' shares of the next window grow to fill the
// room it left; a process that spent every token alone takes the bucket.
func (p *Pacer) adjust() {
	switch {
	case p.used <= p.mine+1 && p.phase >= 0.5:
		p.share = 1
	case p.phase > 0:
		// What the fleet spent in the whole window, extrapolated from
		// the last answer (tokens spent by then, over the fraction of
		// the window gone): this process's own requests are all
		// counted, so dividing by the tokens spent by then would
		// overrate a process whose last answer came early.
		total := min(max(float64(p.used)/p.phase, float64(p.used)), float64(p.limit))
		measured := float64(p.mine) / max(total, 1)
		share := (p.share + measured) / 2 // one window's measure is noisy
		if total < 0.95*float64(p.limit) || p.share*float64(p.limit) < 1 {
			share += fairStep
		}
		p.share = min(max(share, minShare), 1)
	}
}

// rateLimited handles a 429: every request of this process waits out
// Retry-After plus up to a quarter of it again, so that the processes told
// to wait do not return in lockstep. A quarter, not a whole window: with up
// to a window more, processes sit out most of the next window and leave
// the bucket unused.
func (p *Pacer) rateLimited(now time.Time, o observation) {
	wait := o.retryAfter
	if wait <= 0 {
		wait = window
	}
	jitter := time.Duration(p.rand() * float64(wait/4))
	if until := now.Add(wait + jitter); until.After(p.pauseUntil) {
		p.pauseUntil = until
	}
	p.contended = now.Add(contendedFor)
}

// fallback is congestion control without the headers: slow start, then
// additive increase. A 429 ends slow start; the decrease is the pause every
// 429 imposes (rateLimited). There is no multiplicative decrease on top:
// without it the fleet still meets its targets (BENCHMARKS.md, "The pacer's
// rules: what each buys").
func (p *Pacer) fallback(now time.Time, o observation, first bool) {
	if first {
		p.lastGrowth = now
		p.rate = min(1, p.ceiling)
		return
	}
	if o.status == http.StatusTooManyRequests {
		p.slowStart = false
		p.lastGrowth = now
		return
	}
	// Idle time is not evidence that the bucket has room.
	dt := min(now.Sub(p.lastGrowth), window).Seconds()
	p.lastGrowth = now
	if p.slowStart {
		p.rate *= math.Pow(2, dt)
	} else {
		p.rate += aiStep * dt
	}
	p.rate = min(p.rate, p.ceiling)
}
