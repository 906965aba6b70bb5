package nova

import (
	"testing"
)

func TestDecodeScoringJob(t *testing.T) {
	r, err := DecodeScoringJob([]byte(`{"scoringJob":{"id":"sj","jobId":"job","applicationId":"app","status":"FAILED","errorCode":"RESUME_ENCRYPTED","errorMessage":"password protected","failedAt":"2025-12-14T10:31:20Z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if j := r.ScoringJob; j.Status != StatusFailed || *j.ErrorCode != "RESUME_ENCRYPTED" || j.Score != nil {
		t.Errorf("job = %+v", j)
	}
	if _, err := DecodeScoringJob([]byte(`{"job":{}}`)); err == nil {
		t.Error("a body without scoringJob must fail")
	}
}
