package nova

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Status is a normalised batch or scoring-job status. The API has spelt
// statuses differently in each generation of its docs (CONTRACT.md, Statuses);
// callers only ever see these three values.
type Status string

const (
	StatusPending   Status = "pending"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
)

// Finished reports whether the status is terminal.
func (s Status) Finished() bool { return s == StatusCompleted || s == StatusFailed }

// knownStatus maps every spelling seen in any doc generation, in any case,
// to its normalised value. Nothing else is known: a status with spaces
// around it is not one the docs list, so it is doubt like any other word.
func knownStatus(raw string) (Status, bool) {
	switch strings.ToLower(raw) {
	case "pending", "in_progress", "processing", "queued":
		return StatusPending, true
	case "completed":
		return StatusCompleted, true
	case "failed", "partial_failure":
		return StatusFailed, true
	}
	return "", false
}

// isUnknownStatus reports whether a status field was sent in a spelling no
// doc generation uses: doubt, never the absence of evidence.
func isUnknownStatus(raw *string) bool {
	_, known := apiStatus(raw)
	return raw != nil && !known
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
	// Warnings name each doubt the answer held, and what kept a batch that
	// otherwise looked finished from completing. None names a candidate.
	Warnings []Warning
}

// DecideBatch is the one rule that turns everything an answer says about a
// batch into its status. Every consumer (status, finished, waits,
// require_completed, the summary) reads its result; nothing else decides.
// jobs must already carry their own decided status (NormalizeJobStatus).
//
// Completed is an allow-list, because a gate that opens on work that did
// not happen is the worst thing this provider can do. A batch is completed
// only when every one of these holds:
//   - its status is absent or a known spelling of completed;
//   - every field it sent could be read (b.Doubts is empty);
//   - every counter it sent is possible, failedJobs is absent or 0, and the
//     counters agree with the listed jobs;
//   - its jobs are listed, at least one, each with an id and no id twice, as
//     many as totalJobs when it is sent (the API lists all of a batch's jobs
//     inline, without pages);
//   - every listed job is completed by the job rule.
//
// Anything else is pending, or failed when there is failure evidence (a
// failed status, a failed listed job, a failedJobs above 0 even among
// counters that cannot be true) and nothing says the work is unfinished (a
// pending or unknown status, a pending listed job, counters that show work
// left, jobs counted but not listed). An unknown word is doubt, never "no
// evidence": it is named in a warning, and keeps the batch pending.
func DecideBatch(b *Batch, jobs []ScoringJob) BatchDecision {
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
	sent := SentCounts{b.SentTotalJobs, b.SentCompletedJobs, b.SentFailedJobs}
	said, known := apiStatus(b.APIStatus)
	unknownWord := isUnknownStatus(b.APIStatus)

	// Doubts are always named; each keeps the batch from completing.
	doubts := slices.Clone(b.Doubts)
	if unknownWord {
		doubts = append(doubts, fmt.Sprintf("the API sent the unknown batch status %q; it is treated as unfinished", Sanitize(*b.APIStatus, ShortText)))
	}
	doubts = append(doubts, idDoubts(jobs)...)
	var wrong []string
	d.Counts, wrong = possibleCounts(sent, listed)
	if len(wrong) > 0 {
		doubts = append(doubts, fmt.Sprintf("the batch counters cannot be true (%s); the counts reported are taken from the listed jobs, "+
			"keeping any failure counted", strings.Join(wrong, "; ")))
	}
	// A failed listed job is counted even when counters that can be true
	// say otherwise: failure evidence is never dropped.
	if listed.Failed > d.Counts.Failed {
		d.Counts.Failed = listed.Failed
		d.Counts.Completed = min(d.Counts.Completed, max(0, d.Counts.Total-d.Counts.Failed))
	}
	c := d.Counts

	notListed := sent.Total != nil && *sent.Total > listed.Total
	if notListed {
		doubts = append(doubts, fmt.Sprintf("totalJobs is %d, but %d jobs are listed, and the API lists every job of a batch; "+
			"the jobs not listed are treated as unfinished", *sent.Total, listed.Total))
	}

	// Gaps keep it from completing too, but are named only when nothing
	// else explains why it did not complete.
	var gaps []string
	if listed.Total == 0 && !notListed {
		gaps = append(gaps, "no scoring jobs are listed")
	}
	if n := sent.Completed; n != nil && *n >= 0 && *n != listed.Completed {
		gaps = append(gaps, fmt.Sprintf("completedJobs is %d, but %d listed jobs are completed", *n, listed.Completed))
	}
	if n := sent.Failed; n != nil && *n >= 0 && *n != listed.Failed {
		gaps = append(gaps, fmt.Sprintf("failedJobs is %d, but %d listed jobs failed", *n, listed.Failed))
	}

	// Counters show work left only when they counted finished jobs: a total
	// alone above the listed jobs is a gap in the listing (notListed).
	countersShowWork := len(wrong) == 0 && (sent.Completed != nil || sent.Failed != nil) && addSat(c.Completed, c.Failed) < c.Total
	progressing := (known && said == StatusPending) || listedPending > 0 || countersShowWork
	unfinished := progressing || unknownWord || notListed
	failure := (known && said == StatusFailed) || listed.Failed > 0 || (sent.Failed != nil && *sent.Failed > 0)
	statusSaysCompleted := b.APIStatus == nil || (known && said == StatusCompleted)

	switch {
	case statusSaysCompleted && len(doubts) == 0 && len(gaps) == 0 && !unfinished && !failure && listed.Completed == listed.Total && listed.Total > 0:
		d.Status = StatusCompleted
	case failure && !unfinished:
		d.Status = StatusFailed
	default:
		d.Status = StatusPending
	}

	for _, w := range doubts {
		d.Warnings = append(d.Warnings, Warning{Text: w})
	}
	contradiction := known && said.Finished() && progressing
	if contradiction {
		var why []string
		if listedPending > 0 {
			why = append(why, fmt.Sprintf("%d of %d listed jobs are still pending", listedPending, listed.Total))
		}
		if countersShowWork {
			why = append(why, fmt.Sprintf("its counters show %d of %d jobs finished", addSat(c.Completed, c.Failed), c.Total))
		}
		d.Warnings = append(d.Warnings, Warning{Text: fmt.Sprintf("Nova says the batch is %q, but %s; it is treated as pending until everything agrees",
			Sanitize(*b.APIStatus, ShortText), strings.Join(why, " and "))})
	}
	if d.Status != StatusCompleted && len(doubts) == 0 && !contradiction && !progressing {
		switch {
		case len(gaps) > 0:
			d.Warnings = append(d.Warnings, Warning{Text: fmt.Sprintf("the batch is treated as %s: %s", d.Status, strings.Join(gaps, "; "))})
		case d.Status == StatusPending:
			d.Warnings = append(d.Warnings, Warning{Text: "the batch is treated as pending: nothing shows that every job finished"})
		}
	}
	return d
}

// idDoubts names listed jobs without an id, and ids listed more than once:
// either way the listing cannot show that every job was seen once.
func idDoubts(jobs []ScoringJob) []string {
	seen := make(map[string]int, len(jobs))
	var missing, repeated int
	for i := range jobs {
		id := jobs[i].ID
		if id == nil || strings.TrimSpace(*id) == "" {
			missing++
			continue
		}
		seen[*id]++
		if seen[*id] == 2 {
			repeated++
		}
	}
	var doubts []string
	if missing > 0 {
		doubts = append(doubts, fmt.Sprintf("%d listed jobs have no id", missing))
	}
	switch {
	case repeated == 1:
		doubts = append(doubts, "a scoring job id is listed more than once")
	case repeated > 1:
		doubts = append(doubts, fmt.Sprintf("%d scoring job ids are listed more than once", repeated))
	}
	return doubts
}

// possibleCounts decides which counters the API sent can be used, and names
// those that cannot be true: a negative counter, a total below the number of
// listed jobs, completed plus failed above the total. When one cannot be
// true, the counts are the listed jobs', except that a failure counted is
// never dropped: failed is the larger of failedJobs and the failed listed
// jobs.
func possibleCounts(sent SentCounts, listed Counts) (Counts, []string) {
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
		return c, nil
	}
	failed := listed.Failed
	if sent.Failed != nil && *sent.Failed > failed {
		failed = *sent.Failed
	}
	failed = min(failed, c.Total)
	return Counts{Total: c.Total, Completed: min(listed.Completed, c.Total-failed), Failed: failed}, wrong
}

// NormalizeJobStatus is the job rule, used inside a batch and by the
// single-job data sources alike; it returns the status and warnings (texts
// that name no candidate). Completed is an allow-list here too: a job is
// completed only when its status is absent or a known spelling of
// completed, it has a score Nova can give (MinScore..MaxScore), it has a
// valid completedAt when it has no status, every field it sent could be
// read (j.Doubts is empty), and it carries no failure signal in any form: an
// error code, a non-blank error message, or a failedAt that was sent, even
// one that could not be parsed.
//
// Otherwise it is failed when its status says failed, or when it carries a
// failure signal and its status says it finished (or says nothing); a
// pending or unknown status keeps it pending, as does anything else.
func NormalizeJobStatus(j *ScoringJob) (Status, []string) {
	said, known := apiStatus(j.APIStatus)
	unknownWord := isUnknownStatus(j.APIStatus)
	doubts := slices.Clone(j.Doubts)
	if unknownWord {
		doubts = append(doubts, fmt.Sprintf("the API sent the unknown status %q; it is treated as unfinished", Sanitize(*j.APIStatus, ShortText)))
	}
	if j.ErrorCode != nil && !hasText(j.ErrorCode) {
		doubts = append(doubts, "errorCode is sent but empty; the job cannot count as completed")
	}
	signals := failureSignals(j)

	var status Status
	var why string
	switch {
	case known && said == StatusPending, unknownWord:
		status = StatusPending
	case known && said == StatusFailed:
		status = StatusFailed
	case len(signals) > 0:
		status = StatusFailed
		why = "it carries " + strings.Join(signals, " and ")
	case len(doubts) > 0:
		status = StatusPending
	case j.Score == nil:
		status, why = StatusPending, "it has no score"
	case !validScore(j.Score):
		status, why = StatusPending, fmt.Sprintf("its score is outside %d..%d", MinScore, MaxScore)
	case !known && j.CompletedAt == nil:
		status = StatusPending
	default:
		status = StatusCompleted
	}
	if known && said == StatusCompleted && status != StatusCompleted && why != "" {
		doubts = append(doubts, fmt.Sprintf("Nova says it is %q, but %s; it is treated as %s", Sanitize(*j.APIStatus, ShortText), why, status))
	}
	return status, doubts
}

// failureSignals names the signs of failure a job carries, in any form.
func failureSignals(j *ScoringJob) []string {
	var s []string
	if hasText(j.ErrorCode) {
		s = append(s, "an error code")
	}
	if hasText(j.ErrorMessage) {
		s = append(s, "an error message")
	}
	if j.FailedAt != nil || j.FailedAtSent {
		s = append(s, "a failure time")
	}
	return s
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
