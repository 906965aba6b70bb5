package novafake

import (
	"slices"
	"strings"
	"time"
)

// store holds every batch and scoring job, indexed the ways the routes read
// them. All access is under Server.mu.
type store struct {
	batches map[batchKey]*batch
	apps    map[appKey][]*job // in the order added
	dedup   map[dedupKey]*batch
	// criteria holds each job's criteria versions, in the order added.
	criteria map[criteriaKey][]*criteriaVersion
}

type batchKey struct {
	env        Env
	tenant, id string
}

type appKey struct {
	env                  Env
	tenant, jobID, appID string
}

// dedupKey is Nova's batch idempotency key: job id plus the set of
// application ids, within one environment and tenant.
type dedupKey struct {
	env                 Env
	tenant, jobID, apps string
}

func newStore() store {
	return store{
		batches:  make(map[batchKey]*batch),
		apps:     make(map[appKey][]*job),
		dedup:    make(map[dedupKey]*batch),
		criteria: make(map[criteriaKey][]*criteriaVersion),
	}
}

type batch struct {
	id, jobID string
	env       Env
	tenant    string
	createdAt time.Time
	jobs      []*job         // creation order
	rejected  []RejectedSpec // sorted by application id
}

type job struct {
	id, criteriaVersionID   string
	jobID, appID            string
	isRescore, fail         bool
	score                   float64
	assessment              Assessment
	errorCode, errorMessage string
	afterPolls              int
	after                   time.Duration
	queuedAt                time.Time

	polls  int
	done   bool
	doneAt time.Time
}

// poll records one GET that read the job, then lets it progress.
func (j *job) poll(now time.Time) {
	j.polls++
	j.settle(now)
}

// settle makes the job terminal once its poll count or the clock says so.
// A clock-driven job finishes at exactly createdAt+After, so timestamps do
// not depend on when it happens to be read.
func (j *job) settle(now time.Time) {
	if j.done {
		return
	}
	switch {
	case j.afterPolls == 0 && j.after == 0:
		j.finish(j.queuedAt)
	case j.after > 0 && !now.Before(j.queuedAt.Add(j.after)):
		j.finish(j.queuedAt.Add(j.after))
	case j.afterPolls > 0 && j.polls >= j.afterPolls:
		j.finish(now)
	}
}

func (j *job) finish(at time.Time) {
	j.done = true
	j.doneAt = latest(at, j.queuedAt)
}

func (j *job) started() bool { return j.done || j.polls > 0 }

// startedAt is one second after queueing, but never after the job finished.
func (j *job) startedAt() time.Time {
	t := j.queuedAt.Add(time.Second)
	if j.done && j.doneAt.Before(t) {
		return j.doneAt
	}
	return t
}

func latest(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

func (b *batch) appIDs() []string {
	ids := make([]string, 0, len(b.jobs)+len(b.rejected))
	for _, j := range b.jobs {
		ids = append(ids, j.appID)
	}
	for _, r := range b.rejected {
		ids = append(ids, r.ApplicationID)
	}
	return ids
}

func makeDedupKey(env Env, tenant, jobID string, appIDs []string) dedupKey {
	ids := slices.Clone(appIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return dedupKey{env: env, tenant: tenant, jobID: jobID, apps: strings.Join(ids, "\x00")}
}

func (st *store) insert(b *batch) {
	st.batches[batchKey{b.env, b.tenant, b.id}] = b
	for _, j := range b.jobs {
		k := appKey{b.env, b.tenant, b.jobID, j.appID}
		st.apps[k] = append(st.apps[k], j)
	}
	// A seeded batch can share its application set with an earlier one;
	// the first keeps answering replays, as it would on the real API.
	dk := makeDedupKey(b.env, b.tenant, b.jobID, b.appIDs())
	if _, ok := st.dedup[dk]; !ok {
		st.dedup[dk] = b
	}
}

func (st *store) findBatch(env Env, tenant, jobID, id string) *batch {
	b := st.batches[batchKey{env, tenant, id}]
	if b == nil || b.jobID != jobID {
		return nil
	}
	return b
}

func (st *store) findJob(k appKey, id string) *job {
	for _, j := range st.apps[k] {
		if j.id == id {
			return j
		}
	}
	return nil
}

// latestJob is the application's most recently queued job; on a tie the one
// added last wins, like a rescore submitted in the same second.
func (st *store) latestJob(k appKey) *job {
	var best *job
	for _, j := range st.apps[k] {
		if best == nil || !j.queuedAt.Before(best.queuedAt) {
			best = j
		}
	}
	return best
}
