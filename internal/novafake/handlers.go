package novafake

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// getBatch answers GET /v1/jobs/{jobId}/scoring-batches/{scoringBatchId}.
// The read counts as a poll of every job in the batch.
func (s *Server) getBatch(w http.ResponseWriter, x *exchange) {
	jobID, batchID := x.route.params[0], x.route.params[1]
	s.mu.Lock()
	b := s.data.findBatch(x.env, x.tenant, jobID, batchID)
	if b == nil {
		s.mu.Unlock()
		s.writeError(w, x, &apiError{
			status:  http.StatusNotFound,
			code:    "BATCH_NOT_FOUND",
			message: fmt.Sprintf("Scoring batch %s not found for job %s", batchID, jobID),
		})
		return
	}
	now := s.cfg.now()
	for _, j := range b.jobs {
		j.poll(now)
	}
	resp := s.renderBatchResponse(b)
	s.mu.Unlock()
	x.mutate(&resp.Batch, resp.ScoringJobs)
	s.writeAnswer(w, x, resp)
}

// getScoringJob answers
// GET /v1/jobs/{jobId}/applications/{applicationId}/scoring-jobs/{scoringJobId}.
func (s *Server) getScoringJob(w http.ResponseWriter, x *exchange) {
	jobID, appID, id := x.route.params[0], x.route.params[1], x.route.params[2]
	s.serveJob(w, x, func() *job { return s.data.findJob(appKey{x.env, x.tenant, jobID, appID}, id) }, &apiError{
		status:  http.StatusNotFound,
		code:    "SCORING_JOB_NOT_FOUND",
		message: fmt.Sprintf("Scoring job %s not found for application %s of job %s", id, appID, jobID),
	})
}

// getApplicationScore answers GET /v1/jobs/{jobId}/applications/{applicationId}/score
// with the application's latest scoring job.
func (s *Server) getApplicationScore(w http.ResponseWriter, x *exchange) {
	jobID, appID := x.route.params[0], x.route.params[1]
	s.serveJob(w, x, func() *job { return s.data.latestJob(appKey{x.env, x.tenant, jobID, appID}) }, &apiError{
		status:  http.StatusNotFound,
		code:    "APPLICATION_NOT_FOUND",
		message: fmt.Sprintf("Application %s of job %s has no scoring job", appID, jobID),
	})
}

// serveJob answers a single-job read: find is called under the lock, and
// the read counts as a poll of the job it finds.
func (s *Server) serveJob(w http.ResponseWriter, x *exchange, find func() *job, notFound *apiError) {
	s.mu.Lock()
	j := find()
	if j == nil {
		s.mu.Unlock()
		s.writeError(w, x, notFound)
		return
	}
	j.poll(s.cfg.now())
	resp := wireJobEnvelope{ScoringJob: s.renderJob(j)}
	s.mu.Unlock()
	s.writeAnswer(w, x, resp)
}

// RewriteAnswers makes every successful batch and scoring-job read pass its
// JSON body through fn before it is sent (nil: as rendered). route is the
// read's route (RouteGetBatch, RouteGetScoringJob, RouteGetApplicationScore).
// Tests use it to turn the real answer of a seeded batch, ids and criteria
// included, into a hostile variant of it.
func (s *Server) RewriteAnswers(fn func(route string, body []byte) []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rewrite = fn
}

// writeAnswer sends a successful read, rewritten when a test asked for it.
func (s *Server) writeAnswer(w http.ResponseWriter, x *exchange, resp any) {
	s.mu.Lock()
	fn := s.rewrite
	s.mu.Unlock()
	if fn == nil {
		s.writeJSON(w, x, http.StatusOK, resp)
		return
	}
	b, err := json.Marshal(resp)
	if err != nil {
		// Only our own wire structs are encoded here, so this is a bug.
		panic(fmt.Errorf("novafake: encode response: %w", err))
	}
	s.writeRaw(w, x, http.StatusOK, "application/json", string(fn(x.route.pattern, b)))
}
