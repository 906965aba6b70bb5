package nova

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Batch is a scoring batch. Fields the API may omit or send as null are
// pointers; the counters, Status and PendingJobs are derived after decoding.
type Batch struct {
	ID          *string    `json:"id"`
	JobID       *string    `json:"jobId"`
	APIStatus   *string    `json:"status"`
	CreatedAt   *Timestamp `json:"createdAt"`
	CompletedAt *Timestamp `json:"completedAt"`

	// The counters as sent; nil when the API left one out.
	SentTotalJobs     *int64 `json:"totalJobs"`
	SentCompletedJobs *int64 `json:"completedJobs"`
	SentFailedJobs    *int64 `json:"failedJobs"`

	// TotalJobs, CompletedJobs and FailedJobs are the counters the status
	// was decided from (DecideBatch): as sent when they can be true, else
	// what the listed jobs show.
	TotalJobs     int64  `json:"-"`
	CompletedJobs int64  `json:"-"`
	FailedJobs    int64  `json:"-"`
	PendingJobs   int64  `json:"-"`
	Status        Status `json:"-"`

	// Doubts name the batch's fields (and its list of jobs) that were sent
	// but could not be read: each keeps the batch from completing.
	Doubts []string `json:"-"`
}

// ScoringJob is one application's scoring work, inside a batch or alone.
type ScoringJob struct {
	ID                *string     `json:"id"`
	CriteriaVersionID *string     `json:"criteriaVersionId"`
	JobID             *string     `json:"jobId"`
	ApplicationID     *string     `json:"applicationId"`
	APIStatus         *string     `json:"status"`
	IsRescore         *bool       `json:"isRescore"`
	Score             *float64    `json:"score"`
	Assessment        *Assessment `json:"assessment"`
	ErrorCode         *string     `json:"errorCode"`
	ErrorMessage      *string     `json:"errorMessage"`
	QueuedAt          *Timestamp  `json:"queuedAt"`
	StartedAt         *Timestamp  `json:"startedAt"`
	CompletedAt       *Timestamp  `json:"completedAt"`
	FailedAt          *Timestamp  `json:"failedAt"`

	Status Status `json:"-"`
	// FailedAtSent is set when failedAt was sent and not null, even when it
	// could not be parsed (FailedAt is then nil): a failure signal still.
	FailedAtSent bool `json:"-"`
	// Doubts name the job's fields that were sent but could not be read:
	// each keeps the job from completing.
	Doubts []string `json:"-"`
}

// Assessment is the model's written judgement of a candidate. The lists are
// never nil after decoding, so that empty lists stay distinguishable from an
// absent assessment.
type Assessment struct {
	Verdict        *string  `json:"verdict"`
	Strengths      []string `json:"strengths"`
	Concerns       []string `json:"concerns"`
	InterviewFocus []string `json:"interviewFocus"`
}

// RejectedApplication is an application refused at intake: it has no
// scoring job.
type RejectedApplication struct {
	ApplicationID *string `json:"applicationId"`
	Error         struct {
		Reason  *string `json:"reason"`
		Message *string `json:"message"`
	} `json:"error"`
}

// BatchResult is one read of a batch.
type BatchResult struct {
	Batch                *Batch                `json:"batch"`
	ScoringJobs          []ScoringJob          `json:"scoringJobs"`
	RejectedApplications []RejectedApplication `json:"rejectedApplications"`

	// TraceID is the response's X-Trace-Id, for support requests.
	TraceID string `json:"-"`
	// Warnings are things the API sent that were tolerated but deserve a
	// person's attention (unknown statuses, counters that disagree).
	Warnings []Warning `json:"-"`
	// UnknownStatuses are the status values the provider did not know, so
	// that a wait which never ends can say which value kept it waiting.
	UnknownStatuses []string `json:"-"`
	// Scores is application id -> score, derived once at decoding for every
	// consumer (see lowestScores).
	Scores map[string]float64 `json:"-"`
}

// ScoringJobResult is one read of a single scoring job.
type ScoringJobResult struct {
	ScoringJob *ScoringJob `json:"scoringJob"`

	TraceID         string    `json:"-"`
	Warnings        []Warning `json:"-"`
	UnknownStatuses []string  `json:"-"`
}

// DecodeBatch parses a batch-status body, normalises its statuses and fills
// the derived fields. Unknown fields are ignored: the API may add them
// without notice (nova-api.md §1). A field of the wrong type, or a malformed
// one, does not fail the read: it is no evidence, with a warning, and keeps
// the batch from completing. Only a body that is not a batch at all (not
// JSON, not an object, no "batch" object) is an error.
func DecodeBatch(body []byte) (*BatchResult, error) {
	var raw json.RawMessage
	if err := decodeJSON(body, &raw); err != nil {
		return nil, err
	}
	top, ok := readFields(raw)
	if !ok {
		return nil, errors.New("the response is not a JSON object")
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
	if b.APIStatus != nil {
		if _, known := knownStatus(*b.APIStatus); !known {
			r.UnknownStatuses = append(r.UnknownStatuses, fmt.Sprintf("batch status %q", Sanitize(*b.APIStatus, ShortText)))
		}
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

// decodeJob reads one listed job; one that is not even an object is kept,
// as a job that cannot be completed, so that the listing's length stays.
func decodeJob(raw json.RawMessage) ScoringJob {
	f, ok := readFields(raw)
	if !ok {
		return ScoringJob{Doubts: []string{fmt.Sprintf("a listed job is %s, not an object", jsonKind(raw))}}
	}
	j := ScoringJob{
		ID:                f.str("id"),
		CriteriaVersionID: f.str("criteriaVersionId"),
		JobID:             f.str("jobId"),
		ApplicationID:     f.str("applicationId"),
		APIStatus:         f.str("status"),
		IsRescore:         f.boolean("isRescore"),
		Score:             f.number("score"),
		ErrorCode:         f.str("errorCode"),
		ErrorMessage:      f.str("errorMessage"),
		QueuedAt:          f.timestamp("queuedAt"),
		StartedAt:         f.timestamp("startedAt"),
		CompletedAt:       f.timestamp("completedAt"),
		FailedAt:          f.timestamp("failedAt"),
	}
	j.FailedAtSent = j.FailedAt != nil
	if a, ok := f.object("assessment"); ok {
		j.Assessment = &Assessment{
			Verdict:        a.str("verdict"),
			Strengths:      a.strList("strengths"),
			Concerns:       a.strList("concerns"),
			InterviewFocus: a.strList("interviewFocus"),
		}
		for _, d := range a.doubts {
			f.doubt("assessment: " + d)
		}
	}
	j.Doubts = f.doubts
	return j
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

// DecodeScoringJob parses a {"scoringJob": {...}} body; like DecodeBatch,
// only a body that is not a scoring job at all is an error.
func DecodeScoringJob(body []byte) (*ScoringJobResult, error) {
	var raw json.RawMessage
	if err := decodeJSON(body, &raw); err != nil {
		return nil, err
	}
	top, ok := readFields(raw)
	if !ok {
		return nil, errors.New("the response is not a JSON object")
	}
	jobRaw, ok := top.value("scoringJob")
	if !ok || jsonKind(jobRaw) != "an object" {
		return nil, errors.New(`the response has no "scoringJob" object`)
	}
	j := decodeJob(jobRaw)
	j.Doubts = append(j.Doubts, top.doubts...)
	r := &ScoringJobResult{ScoringJob: &j}
	n := j.normalize()
	r.Warnings, r.UnknownStatuses = n.warnings, n.unknown
	return r, nil
}

// jobNotes is what normalising one job found worth telling.
type jobNotes struct {
	warnings []Warning
	unknown  []string
}

func (j *ScoringJob) normalize() jobNotes {
	var n jobNotes
	for _, f := range []struct {
		ts   **Timestamp
		name string
	}{{&j.QueuedAt, "queuedAt"}, {&j.StartedAt, "startedAt"}, {&j.CompletedAt, "completedAt"}, {&j.FailedAt, "failedAt"}} {
		if w := checkTimestamp(f.ts, f.name); w != "" {
			if f.name == "failedAt" {
				w += "; it still counts as a sign of failure"
			}
			j.Doubts = append(j.Doubts, w)
		}
	}
	var texts []string
	j.Status, texts = NormalizeJobStatus(j)
	subject := jobSubject(j)
	for _, t := range texts {
		n.warnings = append(n.warnings, Warning{Subject: subject, Text: t})
	}
	if j.APIStatus != nil {
		if _, known := knownStatus(*j.APIStatus); !known {
			n.unknown = append(n.unknown, fmt.Sprintf("scoring job status %q", Sanitize(*j.APIStatus, ShortText)))
		}
	}
	if a := j.Assessment; a != nil {
		a.Strengths = nonNil(a.Strengths)
		a.Concerns = nonNil(a.Concerns)
		a.InterviewFocus = nonNil(a.InterviewFocus)
	}
	return n
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

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// decodeJSON decodes exactly one JSON value and nothing after it, so that a
// body with trailing garbage is not half-trusted.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("the response body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the response is not valid JSON of the expected shape: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("the response has data after its JSON value")
	}
	return nil
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
