package nova

import (
	"fmt"
	"math"
	"strings"
)

// Status is a normalised batch or scoring-job status. The API has spelt
// statuses differently in each generation of its docs (see nova-api.md §5.4);
// callers only ever see these three values.
type Status string

const (
	StatusPending   Status = "pending"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
)

// Finished reports whether the status is terminal.
func (s Status) Finished() bool { return s == StatusCompleted || s == StatusFailed }

// knownStatus maps every spelling seen in any doc generation, lower-cased,
// to its normalised value.
func knownStatus(raw string) (Status, bool) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "pending", "in_progress", "processing", "queued":
		return StatusPending, true
	case "completed":
		return StatusCompleted, true
	case "failed", "partial_failure":
		return StatusFailed, true
	}
	return "", false
}

// apiStatus is what a status field says: its normalised value when the
// spelling is known, ok false when it is absent or unknown (no evidence).
func apiStatus(raw *string) (Status, bool) {
	if raw == nil {
		return "", false
	}
	return knownStatus(*raw)
}

// Score bounds: Nova scores from 1 (missing fundamentals) to 10.
const (
	MinScore = 1
	MaxScore = 10
)

// validScore reports whether a job carries a score Nova can have given.
func validScore(s *float64) bool {
	return s != nil && *s >= MinScore && *s <= MaxScore
}

// Counts are a batch's job counters as the decision used them: those the API
// sent that can be true, and for the others what the listed jobs show.
type Counts struct {
	Total, Completed, Failed int64
}

// Pending is Total - Completed - Failed, never below 0, and never wrapped
// around by hostile counters.
func (c Counts) Pending() int64 {
	return max(0, subSat(c.Total, addSat(c.Completed, c.Failed)))
}

// SentCounts are the counters exactly as the API sent them; nil when absent.
type SentCounts struct {
	Total, Completed, Failed *int64
}

// BatchDecision is the outcome of DecideBatch.
type BatchDecision struct {
	Status Status
	Counts Counts
	// Warnings name what the answer held that could not be true or did not
	// agree; at most one per kind (counters, contradiction, no evidence).
	Warnings []string
}

// DecideBatch is the one rule that turns everything an answer says about a
// batch into its status. Every consumer (status, finished, waits,
// require_completed, the summary) reads its result; nothing else decides.
// jobs must already carry their own decided status (NormalizeJobStatus).
//
// The rule fails closed, because a gate that opens on a batch that is not
// done is the worst thing this provider can do:
//   - Counters that cannot be true are no evidence (a warning says which):
//     a negative counter, a total below the number of listed jobs, completed
//     plus failed above the total (see possibleCounts). What they would have
//     said is taken from the listed jobs instead, which are all of a batch's
//     jobs when the API sends no total (it does not paginate them).
//   - The work is unfinished when any piece of evidence says so: a status
//     spelt as pending, a listed job that is pending (by the job rule, a job
//     that claims completion without a score is pending), or counters that
//     show fewer finished jobs than the total.
//   - Otherwise it is finished only on positive evidence: a status spelt as
//     finished, or a non-zero total whose jobs are all shown finished. No
//     evidence at all (no status, no counters, no jobs) is pending.
//   - A finished batch is failed when any evidence shows a failed job (or
//     the status says failed: GEN-A's "completed" meant finished, with or
//     without failures, so failures win over it), else completed.
//
// A status that says finished while other evidence says unfinished is a
// contradiction: the batch is pending, with one warning that names it.
func DecideBatch(raw *string, sent SentCounts, jobs []ScoringJob) BatchDecision {
	var d BatchDecision
	var listed Counts
	var listedPending int64
	listed.Total = int64(len(jobs))
	for i := range jobs {
		switch jobs[i].Status {
		case StatusCompleted:
			listed.Completed++
		case StatusFailed:
			listed.Failed++
		default:
			listedPending++
		}
	}
	var countWarning string
	d.Counts, countWarning = possibleCounts(sent, listed)
	d.addWarning(countWarning)
	c := d.Counts

	said, known := apiStatus(raw)
	unfinishedCounters := addSat(c.Completed, c.Failed) < c.Total
	unfinished := listedPending > 0 || unfinishedCounters || (known && said == StatusPending)
	finishedEvidence := (known && said.Finished()) || (c.Total > 0 && !unfinishedCounters)
	anyFailed := c.Failed > 0 || listed.Failed > 0 || (known && said == StatusFailed)

	switch {
	case unfinished:
		d.Status = StatusPending
	case !finishedEvidence:
		d.Status = StatusPending
	case anyFailed:
		d.Status = StatusFailed
	default:
		d.Status = StatusCompleted
	}

	switch {
	case known && said.Finished() && unfinished:
		var why []string
		if listedPending > 0 {
			why = append(why, fmt.Sprintf("%d of %d listed jobs are still pending", listedPending, listed.Total))
		}
		if unfinishedCounters {
			why = append(why, fmt.Sprintf("its counters show %d of %d jobs finished", addSat(c.Completed, c.Failed), c.Total))
		}
		d.addWarning(fmt.Sprintf("Nova says the batch is %q, but %s; it is treated as pending until everything agrees",
			Sanitize(*raw, ShortText), strings.Join(why, " and ")))
	case raw != nil && !known:
		d.addWarning(fmt.Sprintf("the API sent the unknown batch status %q; the batch is treated as %s, derived from its counters and jobs",
			Sanitize(*raw, ShortText), d.Status))
	case !known && !unfinished && !finishedEvidence:
		d.addWarning("the batch has no status, no job counters and no scoring jobs, so nothing shows that it finished; it is treated as pending")
	}
	return d
}

func (d *BatchDecision) addWarning(w string) {
	if w != "" {
		d.Warnings = append(d.Warnings, w)
	}
}

// possibleCounts decides which counters the API sent can be used as
// evidence; the warning names what could not be true.
//
// A total is kept when it can be true by itself (not negative, not below the
// number of listed jobs): a total above the listed jobs can only make a batch
// less finished, so keeping it can only close a gate. Completed and failed
// are what open one, so as soon as any counter cannot be true (negative, a
// total below the listed jobs, completed plus failed above the total) both
// are dropped and taken from the listed jobs, which then have to show every
// job finished on their own.
func possibleCounts(sent SentCounts, listed Counts) (Counts, string) {
	c := listed
	var wrong []string
	if t := sent.Total; t != nil {
		switch {
		case *t < 0:
			wrong = append(wrong, fmt.Sprintf("totalJobs %d is negative", *t))
		case *t < listed.Total:
			wrong = append(wrong, fmt.Sprintf("totalJobs %d is below the %d jobs listed", *t, listed.Total))
		default:
			c.Total = *t
		}
	}
	for _, f := range []struct {
		name string
		sent *int64
		into *int64
	}{{"completedJobs", sent.Completed, &c.Completed}, {"failedJobs", sent.Failed, &c.Failed}} {
		if f.sent == nil {
			continue
		}
		if *f.sent < 0 {
			wrong = append(wrong, fmt.Sprintf("%s %d is negative", f.name, *f.sent))
			continue
		}
		*f.into = *f.sent
	}
	// Compared without adding: completed + failed could overflow.
	if len(wrong) == 0 && (c.Completed > c.Total || c.Failed > c.Total-c.Completed) {
		wrong = append(wrong, fmt.Sprintf("%d completed + %d failed is more than the %d in total", c.Completed, c.Failed, c.Total))
	}
	if len(wrong) == 0 {
		return c, ""
	}
	c.Completed, c.Failed = listed.Completed, listed.Failed
	return c, fmt.Sprintf("the batch counters disagree and cannot be true (%s); completedJobs and failedJobs are not used as evidence, "+
		"and the counts reported are taken from the listed jobs", strings.Join(wrong, "; "))
}

// NormalizeJobStatus is the same rule for one scoring job, used inside a
// batch and by the single-job data sources alike. It fails closed too:
//   - a status spelt as pending or failed is believed: neither opens a gate;
//   - a status spelt as completed is believed only for a job that carries a
//     score Nova can give (MinScore..MaxScore) and no error code or failure
//     time; otherwise the job is pending, with a warning naming why;
//   - without a known status, a job with an error code or a valid failedAt
//     is failed, one with a valid completedAt and a score is completed, any
//     other is pending.
//
// Malformed timestamps have already been turned into nil (no evidence).
func NormalizeJobStatus(j *ScoringJob) (Status, string) {
	failure := j.FailedAt != nil || hasText(j.ErrorCode)
	said, known := apiStatus(j.APIStatus)
	if known {
		if said != StatusCompleted {
			return said, ""
		}
		var why string
		switch {
		case failure:
			why = "it carries an error code or a failure time"
		case j.Score == nil:
			why = "it has no score"
		case !validScore(j.Score):
			why = fmt.Sprintf("its score %g is outside %d..%d", *j.Score, MinScore, MaxScore)
		default:
			return StatusCompleted, ""
		}
		return StatusPending, fmt.Sprintf("scoring job %s: Nova says it is %q, but %s; it is treated as pending",
			sanitizePtr(j.ID, ShortText), Sanitize(*j.APIStatus, ShortText), why)
	}
	derived := StatusPending
	switch {
	case failure:
		derived = StatusFailed
	case j.CompletedAt != nil && validScore(j.Score):
		derived = StatusCompleted
	}
	if j.APIStatus == nil {
		return derived, ""
	}
	return derived, fmt.Sprintf("scoring job %s: the API sent the unknown status %q; it is treated as %s",
		sanitizePtr(j.ID, ShortText), Sanitize(*j.APIStatus, ShortText), derived)
}

// hasText reports whether an optional string holds more than blanks: an
// error code of "" is no error code.
func hasText(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }

// addSat and subSat saturate instead of wrapping, so that counters near the
// int64 limits cannot turn a finished batch into a pending one or back.
func addSat(a, b int64) int64 {
	c := a + b
	if (c > a) == (b > 0) {
		return c
	}
	if b > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}

func subSat(a, b int64) int64 {
	if b == math.MinInt64 {
		if a >= 0 {
			return math.MaxInt64
		}
		return a - b
	}
	return addSat(a, -b)
}
