package nova

import (
	"context"
	"crypto/sha256"
	"math"
	"math/rand/v2"
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
// key (nova-api.md §7.1). A process cannot see the others, and there is no
// coordination service; what it can see is the bucket itself. Every
// response carries X-RateLimit-Limit, X-RateLimit-Remaining (tokens left in
// the current one-second window) and X-RateLimit-Reset (when the window
// ends). Every process sharing the key reads the same numbers, so a rule
// that depends only on them moves all processes together, without any of
// them knowing how many there are. That is the core of this controller:
//
//   - Once per window, each process estimates the fleet's request rate from
//     how much of the window was spent by when (L - Remaining tokens gone at
//     a fraction f of the window: rate = (L - Remaining) / f), and scales its
//     own rate by target/estimate. All processes apply the same factor, so
//     the fleet lands on the target in about one window whatever the number
//     of processes. (Feedback from 429s alone, AIMD style, was measured at
//     9-15% of requests answered 429: it learns only after overshooting.)
//   - A process that sees it is alone (every token used in the window was
//     its own) runs at the advertised limit: the gate below makes that safe.
//   - Gate: when the window's Remaining, less this process's requests still
//     in flight, reaches zero, no request goes out before the window resets.
//     That turns a would-be 429 into a short wait.
//   - The first request is sent alone and its answer awaited before any
//     other: it tells the process the limit and how busy the bucket is, so
//     that ten parallel reads do not open with a burst of ten.
//   - Gaps between requests are randomised (0.5x to 1.5x) only while the
//     bucket is contended, so that processes that started together spread
//     out; a process alone keeps regular gaps, which use the bucket fully.
//   - A 429 pauses every request of the process for Retry-After plus
//     jitter, so that the processes that were told to wait do not come back
//     in lockstep.
//
// Without the headers (a proxy may strip them, or the server's clock is far
// from ours) the pacer falls back to TCP-like congestion control on 429s
// alone: slow start from one request per second, doubling each second until
// the first 429, then additive increase and multiplicative decrease under
// fallbackRate, the documented bucket less a margin for clients it cannot
// see.
//
// Everything that depends on time takes "now" as an argument, so tests drive
// the controller with an injected clock (pacer_test.go).

const (
	// window is the length of Nova's rate-limit window (nova-api.md §7.1:
	// "each bucket has a per-second token window").
	window = time.Second
	// fallbackRate is the rate ceiling without rate-limit headers: Nova's
	// documented 20 requests per second less 5%, because without
	// X-RateLimit-Remaining there is no gate to make the exact limit safe.
	fallbackRate = 19.0
	// minRate keeps a process that shares the key with very many others
	// moving: one request every ten seconds.
	minRate = 0.1
	// contendedTarget is the share of the limit the fleet aims at when the
	// bucket is shared: a little headroom absorbs the randomised gaps and
	// the information each process has that is a few requests old.
	contendedTarget = 0.9
	// contendedFor is how long randomised gaps last after the last sign of
	// contention.
	contendedFor = 5 * time.Second
	// aiStep is the additive increase of the fallback, in requests per
	// second gained per second without a 429.
	aiStep = 0.5
	// mdFactor is the fallback's multiplicative decrease on a 429, applied
	// at most once per window.
	mdFactor = 0.7
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

// observe reads the rate-limit headers of an answer. Degraded mode (the
// limiter's backend is down and values are best-effort) counts as no
// headers.
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
	o.reset = time.Unix(reset, 0)
	// A reset more than a window away (or long past) means our clock and
	// Nova's disagree: the phase of the window cannot be known, so the
	// headers are not used.
	if d := o.reset.Sub(now); d > 2*window || d < -window {
		return o
	}
	o.headers, o.limit, o.remaining = true, limit, remaining
	return o
}

// Pacer paces the requests of every Client that shares it: one per API key,
// environment and base URL in a process (see SharedPacer). It is safe for
// concurrent use.
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
	pauseUntil time.Time // after a 429
	gateUntil  time.Time // the window is spent: wait for its reset
	inFlight   int
	contended  time.Time // randomise gaps until then
	lastCut    time.Time // fallback: one decrease per window
	lastGrowth time.Time // fallback: when the rate last grew
	slowStart  bool      // fallback: doubling until the first 429

	// The window as last seen.
	limit     int
	windowEnd time.Time
	remaining int     // tokens left, less this process's requests since
	phase     float64 // fraction of the window elapsed at the last answer in it
	used      int     // tokens gone at that answer
	mine      int     // answers to this process in the window
	saturated float64 // fraction elapsed when the window was found spent; 0: never
}

// NewPacer returns a pacer for one bucket. Clients get one of their own
// unless Config.Pacer shares one; the provider shares one per key with
// SharedPacer.
func NewPacer() *Pacer {
	return newPacer(time.Now, rand.Float64)
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

// acquire blocks until this process may send a request, or ctx ends. Every
// successful acquire must be followed by exactly one done.
func (p *Pacer) acquire(ctx context.Context) error {
	for {
		p.mu.Lock()
		now := p.now()
		at, blocked := p.earliest(now)
		if !blocked && !at.After(now) {
			p.take(now)
			p.mu.Unlock()
			return nil
		}
		changed := p.changed
		p.mu.Unlock()

		d := window // waiting for the first answer: move on after a window should it never come
		if !blocked {
			d = at.Sub(now)
		}
		if err := p.sleep(ctx, d, changed); err != nil {
			return err
		}
		if blocked {
			p.mu.Lock()
			if p.changed == changed { // the first answer never came
				p.probing = false
			}
			p.mu.Unlock()
		}
	}
}

// sleep waits for d, a state change or the end of ctx.
func (p *Pacer) sleep(ctx context.Context, d time.Duration, changed <-chan struct{}) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-t.C:
	}
	return nil
}

// done reports the answer to a request granted by acquire; a request that
// got no answer (a network error) passes nil.
func (p *Pacer) done(resp *http.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if resp == nil {
		p.inFlight--
		p.probing = false
		p.wake()
		return
	}
	p.observe(now, observationOf(resp, now))
	p.wake()
}

func (p *Pacer) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// earliest says when the next request may go; blocked means not before
// the first request's answer.
func (p *Pacer) earliest(now time.Time) (at time.Time, blocked bool) {
	if p.probing && !p.started {
		return time.Time{}, true
	}
	at = p.next
	if p.pauseUntil.After(at) {
		at = p.pauseUntil
	}
	if p.gateUntil.After(at) {
		at = p.gateUntil
	}
	return at, false
}

// take grants a turn at now.
func (p *Pacer) take(now time.Time) {
	gap := time.Duration(float64(time.Second) / p.rate)
	if now.Before(p.contended) {
		gap = time.Duration(float64(gap) * (0.5 + p.rand()))
	}
	// A turn granted a little late (timers fire late) does not push the
	// next one back; after an idle spell the schedule restarts from now.
	base := p.next
	if now.Sub(base) > gap/2 || base.IsZero() {
		base = now
	}
	p.next = base.Add(gap)
	p.inFlight++
	if !p.started {
		p.probing = true
	}
	if p.informed && now.Before(p.windowEnd) {
		p.remaining--
		p.closeGate(now)
	}
}

// closeGate holds requests until the window resets once its tokens are
// gone. The wake-up is spread over one gap so that the processes waiting
// for the same reset do not all fire at its first instant.
func (p *Pacer) closeGate(now time.Time) {
	if p.remaining > 0 || !now.Before(p.windowEnd) || !p.gateUntil.Before(p.windowEnd) {
		return
	}
	spread := 0.0
	if now.Before(p.contended) {
		spread = p.rand() / p.rate
	}
	p.gateUntil = p.windowEnd.Add(time.Duration(spread * float64(time.Second)))
	if p.saturated == 0 {
		p.saturated = max(p.phaseAt(now), 0.05)
	}
}

func (p *Pacer) phaseAt(now time.Time) float64 {
	return min(max(1-p.windowEnd.Sub(now).Seconds()/window.Seconds(), 0), 1)
}

// observe updates the controller with one answer.
func (p *Pacer) observe(now time.Time, o observation) {
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
	phase := 0.0
	if o.reset.After(now) {
		phase = min(max(1-o.reset.Sub(now).Seconds()/window.Seconds(), 0), 1)
	}
	used := o.limit - o.remaining
	switch {
	case o.reset.After(p.windowEnd):
		// A new window: settle the last one, then start counting.
		if !first {
			p.adjust(now)
		}
		p.limit, p.windowEnd = o.limit, o.reset
		p.remaining = o.remaining - (p.inFlight)
		p.phase, p.used, p.mine, p.saturated = phase, used, 1, 0
		if first {
			p.start(now, used)
		}
	case o.reset.Equal(p.windowEnd):
		p.remaining = min(p.remaining, o.remaining-p.inFlight)
		p.mine++
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
	p.closeGate(now)
}

// start sets the first rate from the first answer: alone, the advertised
// limit; otherwise assume every token already used in this window belongs
// to a process starting like this one, and take an even share.
func (p *Pacer) start(now time.Time, used int) {
	if used <= 1 {
		p.rate = p.ceiling
		return
	}
	p.rate = max(p.ceiling/float64(used), minRate)
	p.contended = now.Add(contendedFor)
}

// adjust runs once per window, with what was seen of the window that just
// ended: the fleet's rate is estimated from the tokens gone by the last
// answer, and this process's rate scaled by target/estimate. Everyone sees
// the same tokens, so everyone scales alike and the fleet converges in
// about one window.
func (p *Pacer) adjust(now time.Time) {
	alone := p.used <= p.mine+1
	target := p.ceiling
	if !alone || now.Before(p.contended) {
		target = contendedTarget * p.ceiling
	}
	var estimate float64
	switch {
	case p.saturated > 0:
		// The window was spent by then: demand was at least this.
		estimate = float64(p.limit) / p.saturated
	case p.phase >= 0.25:
		estimate = float64(p.used) / p.phase
	default:
		return // too early in the window to tell
	}
	if alone && p.saturated == 0 {
		p.rate = p.ceiling
		return
	}
	factor := min(max(target/max(estimate, 1e-3), 0.25), 2)
	p.rate = min(max(p.rate*factor, minRate), p.ceiling)
}

// rateLimited handles a 429: every request of this process waits out
// Retry-After plus up to half of it again (at least a window's worth of
// spread), so that the processes told to wait do not return in lockstep.
func (p *Pacer) rateLimited(now time.Time, o observation) {
	wait := min(o.retryAfter, MaxRetryAfter)
	if wait <= 0 {
		wait = window
	}
	jitter := time.Duration(p.rand() * float64(max(wait/2, window)))
	if until := now.Add(wait + jitter); until.After(p.pauseUntil) {
		p.pauseUntil = until
	}
	p.contended = now.Add(contendedFor)
}

// fallback is congestion control without the headers: slow start, then
// additive increase and multiplicative decrease on 429s.
func (p *Pacer) fallback(now time.Time, o observation, first bool) {
	if first {
		p.lastGrowth = now
		p.rate = min(1, p.ceiling)
		return
	}
	if o.status == http.StatusTooManyRequests {
		p.slowStart = false
		if now.Sub(p.lastCut) >= window {
			p.rate = max(p.rate*mdFactor, minRate)
			p.lastCut = now
		}
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

// MaxRetryAfter caps one wait between attempts. Nova sends Retry-After in
// seconds, 1-2 for its one-second windows; a much larger value is more
// likely a proxy's or a misconfiguration's than a real need, and a read
// that sleeps for minutes inside one attempt looks hung. 30 s is also the
// SDK's maximum delay (nova-api.md §10). A clamped value is logged at Info;
// the read still waits for as long as its deadline allows, in steps of at
// most this.
const MaxRetryAfter = 30 * time.Second

// pacerKey identifies a bucket without holding the key itself: a SHA-256
// of the API key (which also fixes the environment, from its prefix) and
// the base URL.
type pacerKey struct {
	keyHash [sha256.Size]byte
	baseURL string
}

// sharedPacers is the one process-wide variable of this package, and it
// has to be: Nova keeps one bucket per key and environment, so two provider
// configurations (aliases) in one Terraform run that use the same key must
// pace together, and nothing else in the process knows about both. The map
// is keyed by a hash, never the key, so that no dump or log of it can show
// a secret; it grows only with the distinct keys and URLs configured in
// the process.
var sharedPacers = struct {
	sync.Mutex
	m map[pacerKey]*Pacer
}{m: make(map[pacerKey]*Pacer)}

// SharedPacer returns the process's pacer for one API key at one base URL,
// creating it on first use.
func SharedPacer(baseURL, apiKey string) *Pacer {
	if b, err := NormalizeBaseURL(baseURL); err == nil {
		baseURL = b
	}
	k := pacerKey{keyHash: sha256.Sum256([]byte(apiKey)), baseURL: baseURL}
	sharedPacers.Lock()
	defer sharedPacers.Unlock()
	p, ok := sharedPacers.m[k]
	if !ok {
		p = NewPacer()
		sharedPacers.m[k] = p
	}
	return p
}
