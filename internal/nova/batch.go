package nova

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Batch is a scoring batch. Fields the API may omit or send as null are
// pointers; the counters, Status and PendingJobs are derived after decoding.
// The decoders read every field by its documented name (decodeBatchFields,
// decodeJob), so the response structs carry no json tags.
type Batch struct {
	ID          *string
	JobID       *string
	APIStatus   *string
	CreatedAt   *Timestamp
	CompletedAt *Timestamp

	// The counters as sent; nil when the API left one out.
	SentTotalJobs     *int64
	SentCompletedJobs *int64
	SentFailedJobs    *int64

	// TotalJobs, CompletedJobs and FailedJobs are the counters the status
	// was decided from (DecideBatch): as sent when they can be true, else
	// what the listed jobs show.
	TotalJobs     int64
	CompletedJobs int64
	FailedJobs    int64
	PendingJobs   int64
	Status        Status

	// Doubts name the batch's fields (and its list of jobs) that were sent
	// but could not be read: each keeps the batch from completing.
	Doubts []string
}

// RejectedApplication is an application refused at intake: it has no
// scoring job.
type RejectedApplication struct {
	ApplicationID *string
	Error         struct {
		Reason  *string
		Message *string
	}
}

// BatchResult is one read of a batch.
type BatchResult struct {
	Batch                *Batch
	ScoringJobs          []ScoringJob
	RejectedApplications []RejectedApplication

	// TraceID is the response's X-Trace-Id, for support requests.
	TraceID string
	// Warnings are things the API sent that were tolerated but deserve a
	// person's attention (unknown statuses, counters that disagree).
	Warnings []Warning
	// UnknownStatuses are the status values the provider did not know, so
	// that a wait which never ends can say which value kept it waiting.
	UnknownStatuses []string
	// Scores is application id -> score, derived once at decoding for every
	// consumer (see lowestScores).
	Scores map[string]float64
}

func (r *BatchResult) setTraceID(id string) { r.TraceID = id }

// DecodeBatch parses a batch-status body, normalises its statuses and fills
// the derived fields. Unknown fields are ignored: the API may add them
// without notice (CONTRACT.md, Compatibility). A field of the wrong type,
// or a malformed one, does not fail the read: it is no evidence, with a
// warning, and keeps the batch from completing. Only a body that is not a batch at all (not
// JSON, not an object, no "batch" object) is an error.
func DecodeBatch(body []byte) (*BatchResult, error) {
	top, err := readBody(body)
	if err != nil {
		return nil, err
	}
	bf, ok := top.object("batch")
	if !ok {
		return nil, errors.New(`the response has no "batch" object`)
	}
	r := &BatchResult{Batch: decodeBatchFields(bf), ScoringJobs: []ScoringJob{}, RejectedApplications: []RejectedApplication{}}
	b := r.Batch
	if items, ok := top.list("scoringJobs"); ok {
		for _, item := range items {
			r.ScoringJobs = append(r.ScoringJobs, decodeJob(item))
		}
	}
	r.decodeRejected(top)
	b.Doubts = append(b.Doubts, top.doubts...)

	// Jobs first: the batch's status is decided from them.
	for i := range r.ScoringJobs {
		r.addNotes(r.ScoringJobs[i].normalize())
	}
	d := DecideBatch(b, r.ScoringJobs)
	b.Status = d.Status
	b.TotalJobs, b.CompletedJobs, b.FailedJobs, b.PendingJobs = d.Counts.Total, d.Counts.Completed, d.Counts.Failed, d.Counts.Pending()
	r.Warnings = append(r.Warnings, d.Warnings...)
	if isUnknownStatus(b.APIStatus) {
		r.UnknownStatuses = append(r.UnknownStatuses, fmt.Sprintf("batch status %q", Sanitize(*b.APIStatus, ShortText)))
	}
	var repeated []string
	if r.Scores, repeated = lowestScores(r.ScoringJobs); len(repeated) > 0 {
		r.Warnings = append(r.Warnings, Warning{
			Subject: "applications " + strings.Join(repeated, ", "),
			Text:    "listed more than once; scores keeps the lowest score listed for each",
		})
	}
	// Documented as sorted by application id; sorted here too, so that a
	// server that forgets does not reorder state between reads.
	slices.SortStableFunc(r.RejectedApplications, func(a, b RejectedApplication) int {
		return cmp.Compare(derefOr(a.ApplicationID), derefOr(b.ApplicationID))
	})
	return r, nil
}

// decodeBatchFields reads the batch object; its timestamps are checked
// here, so that every doubt about the batch is in Doubts before the rule.
func decodeBatchFields(f *fieldReader) *Batch {
	b := &Batch{
		ID:                f.str("id"),
		JobID:             f.str("jobId"),
		APIStatus:         f.str("status"),
		CreatedAt:         f.timestamp("createdAt"),
		CompletedAt:       f.timestamp("completedAt"),
		SentTotalJobs:     f.count("totalJobs"),
		SentCompletedJobs: f.count("completedJobs"),
		SentFailedJobs:    f.count("failedJobs"),
	}
	b.Doubts = f.doubts
	for _, ts := range []struct {
		ts   **Timestamp
		name string
	}{{&b.CreatedAt, "the batch's createdAt"}, {&b.CompletedAt, "the batch's completedAt"}} {
		if w := checkTimestamp(ts.ts, ts.name); w != "" {
			b.Doubts = append(b.Doubts, w)
		}
	}
	return b
}

// decodeRejected reads rejectedApplications. They have no scoring job and
// say nothing about whether the jobs finished, so what cannot be read here
// is a warning only.
func (r *BatchResult) decodeRejected(top *fieldReader) {
	var doubts []string
	items, _ := top.list("rejectedApplications")
	for _, item := range items {
		f, ok := readFields(item)
		if !ok {
			doubts = append(doubts, fmt.Sprintf("a rejected application is %s, not an object", jsonKind(item)))
			continue
		}
		var ra RejectedApplication
		ra.ApplicationID = f.str("applicationId")
		if e, ok := f.object("error"); ok {
			ra.Error.Reason, ra.Error.Message = e.str("reason"), e.str("message")
			f.doubts = append(f.doubts, e.doubts...)
		}
		doubts = append(doubts, f.doubts...)
		r.RejectedApplications = append(r.RejectedApplications, ra)
	}
	for _, d := range slices.Compact(doubts) {
		r.Warnings = append(r.Warnings, Warning{Text: "rejectedApplications: " + d})
	}
}

func (r *BatchResult) addNotes(n jobNotes) {
	r.Warnings = append(r.Warnings, n.warnings...)
	r.UnknownStatuses = append(r.UnknownStatuses, n.unknown...)
}

func derefOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// maxListedRepeats bounds the warning about applications listed twice.
const maxListedRepeats = 10

// lowestScores is application id -> score, the one derivation of `scores`
// (BatchResult.Scores) for every consumer. An application is in it when at least one of its listed
// jobs completed (by the job rule, a completed job has a valid score). Its
// value is the lowest score listed for that application on any of its jobs,
// so that a listing order or a re-score can never hide a low score behind a
// high one. repeated names (sanitised, at most maxListedRepeats, in listing
// order) the applications listed more than once.
func lowestScores(jobs []ScoringJob) (scores map[string]float64, repeated []string) {
	scores = make(map[string]float64)
	lowest := make(map[string]float64)
	seen := make(map[string]int)
	for i := range jobs {
		j := &jobs[i]
		if j.ApplicationID == nil {
			continue
		}
		app := *j.ApplicationID
		seen[app]++
		if seen[app] == 2 && len(repeated) < maxListedRepeats {
			repeated = append(repeated, fmt.Sprintf("%q", Sanitize(app, ShortText)))
		}
		if j.Score != nil {
			if low, ok := lowest[app]; !ok || *j.Score < low {
				lowest[app] = *j.Score
			}
		}
	}
	for i := range jobs {
		if j := &jobs[i]; j.ApplicationID != nil && j.Status == StatusCompleted {
			scores[*j.ApplicationID] = lowest[*j.ApplicationID]
		}
	}
	return scores, repeated
}
