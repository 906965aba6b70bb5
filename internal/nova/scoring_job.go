package nova

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ScoringJob is one application's scoring work, inside a batch or alone.
type ScoringJob struct {
	ID                *string
	CriteriaVersionID *string
	JobID             *string
	ApplicationID     *string
	APIStatus         *string
	IsRescore         *bool
	Score             *float64
	Assessment        *Assessment
	ErrorCode         *string
	ErrorMessage      *string
	QueuedAt          *Timestamp
	StartedAt         *Timestamp
	CompletedAt       *Timestamp
	FailedAt          *Timestamp

	Status Status
	// FailedAtSent is set when failedAt was sent and not null, even when it
	// could not be parsed (FailedAt is then nil): a failure signal still.
	FailedAtSent bool
	// Doubts name the job's fields that were sent but could not be read:
	// each keeps the job from completing.
	Doubts []string
}

// Assessment is the model's written judgement of a candidate. The lists are
// never nil after decoding, so that empty lists stay distinguishable from an
// absent assessment.
type Assessment struct {
	Verdict        *string
	Strengths      []string
	Concerns       []string
	InterviewFocus []string
}

// ScoringJobResult is one read of a single scoring job.
type ScoringJobResult struct {
	ScoringJob *ScoringJob

	TraceID         string
	Warnings        []Warning
	UnknownStatuses []string
}

func (r *ScoringJobResult) setTraceID(id string) { r.TraceID = id }

// DecodeScoringJob parses a {"scoringJob": {...}} body; like DecodeBatch,
// only a body that is not a scoring job at all is an error.
func DecodeScoringJob(body []byte) (*ScoringJobResult, error) {
	top, err := readBody(body)
	if err != nil {
		return nil, err
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
	if isUnknownStatus(j.APIStatus) {
		n.unknown = append(n.unknown, fmt.Sprintf("scoring job status %q", Sanitize(*j.APIStatus, ShortText)))
	}
	if a := j.Assessment; a != nil {
		a.Strengths = nonNil(a.Strengths)
		a.Concerns = nonNil(a.Concerns)
		a.InterviewFocus = nonNil(a.InterviewFocus)
	}
	return n
}

// jobSubject names a scoring job for Warning.Subject.
func jobSubject(j *ScoringJob) string {
	return "scoring job " + quotedPtr(j.ID)
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
