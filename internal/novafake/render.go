package novafake

import "time"

// Wire structs: the JSON the server sends, written independently of the
// client's structs.

type wireBatch struct {
	ID            string  `json:"id"`
	JobID         string  `json:"jobId"`
	Status        *string `json:"status,omitempty"` // absent in StatusMissing
	TotalJobs     int     `json:"totalJobs"`
	CompletedJobs int     `json:"completedJobs"`
	FailedJobs    int     `json:"failedJobs"`
	CreatedAt     string  `json:"createdAt"`
	CompletedAt   *string `json:"completedAt"`
}

type wireScoringJob struct {
	ID                string      `json:"id"`
	CriteriaVersionID string      `json:"criteriaVersionId"`
	JobID             string      `json:"jobId"`
	ApplicationID     string      `json:"applicationId"`
	Status            *string     `json:"status,omitempty"` // absent in StatusMissing
	IsRescore         bool        `json:"isRescore"`
	Score             *float64    `json:"score"`
	Assessment        *Assessment `json:"assessment"`
	ErrorCode         *string     `json:"errorCode"`
	ErrorMessage      *string     `json:"errorMessage"`
	QueuedAt          string      `json:"queuedAt"`
	StartedAt         *string     `json:"startedAt"`
	CompletedAt       *string     `json:"completedAt"`
	FailedAt          *string     `json:"failedAt"`
}

type wireRejected struct {
	ApplicationID string            `json:"applicationId"`
	Error         wireRejectedError `json:"error"`
}

type wireRejectedError struct {
	Message string `json:"message"`
	Reason  string `json:"reason"`
}

type wireAccepted struct {
	ApplicationID string `json:"applicationId"`
	ScoringJobID  string `json:"scoringJobId"`
}

type wireBatchResponse struct {
	Batch                wireBatch        `json:"batch"`
	ScoringJobs          []wireScoringJob `json:"scoringJobs"`
	RejectedApplications []wireRejected   `json:"rejectedApplications"`
}

type wireIntakeResponse struct {
	Batch                wireBatch      `json:"batch"`
	ScoringJobIDs        []string       `json:"scoringJobIds"`
	AcceptedApplications []wireAccepted `json:"acceptedApplications"`
	RejectedApplications []wireRejected `json:"rejectedApplications"`
}

type wireJobEnvelope struct {
	ScoringJob wireScoringJob `json:"scoringJob"`
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func timestampPtr(t time.Time) *string {
	s := timestamp(t)
	return &s
}

func ptr[T any](v T) *T { return &v }

// Batch status values, per style.
func (s *Server) batchStatus(b *batch) *string {
	var started, pending, completed, failed int
	for _, j := range b.jobs {
		switch {
		case !j.done:
			pending++
		case j.fail:
			failed++
		default:
			completed++
		}
		if j.started() {
			started++
		}
	}
	switch s.cfg.style {
	case StatusUpper:
		switch {
		case started == 0 && len(b.jobs) > 0:
			return ptr("PENDING")
		case pending > 0:
			return ptr("IN_PROGRESS")
		case failed == 0:
			return ptr("COMPLETED")
		case completed == 0:
			return ptr("FAILED")
		default:
			return ptr("PARTIAL_FAILURE")
		}
	case StatusMissing:
		return nil
	}
	switch {
	case pending > 0:
		return ptr("pending")
	case failed > 0:
		return ptr("failed")
	default:
		return ptr("completed")
	}
}

func (s *Server) jobStatus(j *job) *string {
	var lower, upper string
	switch {
	case j.done && j.fail:
		lower, upper = "failed", "FAILED"
	case j.done:
		lower, upper = "completed", "COMPLETED"
	case j.started():
		lower, upper = "pending", "PROCESSING"
	default:
		lower, upper = "pending", "PENDING"
	}
	switch s.cfg.style {
	case StatusUpper:
		return &upper
	case StatusMissing:
		return nil
	}
	return &lower
}

// renderBatch expects every job to be settled against the current clock.
func (s *Server) renderBatch(b *batch) wireBatch {
	wb := wireBatch{
		ID:        b.id,
		JobID:     b.jobID,
		Status:    s.batchStatus(b),
		TotalJobs: len(b.jobs),
		CreatedAt: timestamp(b.createdAt),
	}
	finished := b.createdAt
	allDone := true
	for _, j := range b.jobs {
		switch {
		case !j.done:
			allDone = false
		case j.fail:
			wb.FailedJobs++
		default:
			wb.CompletedJobs++
		}
		if j.done {
			finished = latest(finished, j.doneAt)
		}
	}
	if allDone {
		wb.CompletedAt = timestampPtr(finished)
	}
	return wb
}

func (s *Server) renderJob(j *job) wireScoringJob {
	wj := wireScoringJob{
		ID:                j.id,
		CriteriaVersionID: j.criteriaVersionID,
		JobID:             j.jobID,
		ApplicationID:     j.appID,
		Status:            s.jobStatus(j),
		IsRescore:         j.isRescore,
		QueuedAt:          timestamp(j.queuedAt),
	}
	if j.started() {
		wj.StartedAt = timestampPtr(j.startedAt())
	}
	switch {
	case j.done && j.fail:
		wj.ErrorCode = ptr(j.errorCode)
		wj.ErrorMessage = ptr(j.errorMessage)
		wj.FailedAt = timestampPtr(j.doneAt)
	case j.done:
		wj.Score = ptr(j.score)
		wj.Assessment = &Assessment{
			Verdict:        j.assessment.Verdict,
			Strengths:      nonNil(j.assessment.Strengths),
			Concerns:       nonNil(j.assessment.Concerns),
			InterviewFocus: nonNil(j.assessment.InterviewFocus),
		}
		wj.CompletedAt = timestampPtr(j.doneAt)
	}
	return wj
}

// nonNil keeps arrays as [] on the wire: the API never sends null lists.
func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func renderRejected(b *batch) []wireRejected {
	out := make([]wireRejected, 0, len(b.rejected))
	for _, r := range b.rejected {
		out = append(out, wireRejected{
			ApplicationID: r.ApplicationID,
			Error:         wireRejectedError{Message: r.Message, Reason: r.Reason},
		})
	}
	return out
}

func (s *Server) renderBatchResponse(b *batch) wireBatchResponse {
	resp := wireBatchResponse{
		Batch:                s.renderBatch(b),
		ScoringJobs:          make([]wireScoringJob, 0, len(b.jobs)),
		RejectedApplications: renderRejected(b),
	}
	for _, j := range b.jobs {
		resp.ScoringJobs = append(resp.ScoringJobs, s.renderJob(j))
	}
	return resp
}

func (s *Server) renderIntake(b *batch) wireIntakeResponse {
	resp := wireIntakeResponse{
		Batch:                s.renderBatch(b),
		ScoringJobIDs:        make([]string, 0, len(b.jobs)),
		AcceptedApplications: make([]wireAccepted, 0, len(b.jobs)),
		RejectedApplications: renderRejected(b),
	}
	for _, j := range b.jobs {
		resp.ScoringJobIDs = append(resp.ScoringJobIDs, j.id)
		resp.AcceptedApplications = append(resp.AcceptedApplications, wireAccepted{ApplicationID: j.appID, ScoringJobID: j.id})
	}
	return resp
}

// mutate applies a body-altering fault to a real batch response; jobs is
// nil where the response lists none.
func (x *exchange) mutate(wb *wireBatch, jobs []wireScoringJob) {
	if x.mutation == nil {
		return
	}
	switch *x.mutation {
	case FaultUnknownStatus:
		wb.Status = ptr("paused")
	case FaultCountersDisagree:
		wb.CompletedJobs = wb.TotalJobs
		wb.FailedJobs = 1
	case FaultNoStatusZeroCounters:
		wb.Status = nil
		wb.TotalJobs, wb.CompletedJobs, wb.FailedJobs = 0, 0, 0
	case FaultUnknownJobStatus:
		for i := range jobs {
			jobs[i].Status = ptr("CANCELLED")
		}
	}
}
