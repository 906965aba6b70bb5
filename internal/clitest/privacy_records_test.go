package clitest

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The records of a batch, measured the way a user meets them: a built
// provider, `terraform plan -out` and `terraform apply` of that plan with
// TF_LOG=TRACE, against a server that answers with hostile shapes; then every
// file inside the plan, the state, the CLI's output, the provider's
// diagnostics and the TRACE log searched for every application id, scoring
// job id, exact score, e-mail address, assessment and message the server
// served.
//
//   - full (data "nova_scoring_batch", and the single-job data sources
//     nova_scoring_job and nova_application_score): every candidate's id,
//     score and assessment in the plan and the state, by design. Its
//     diagnostics may name ids and scores (its state holds them anyway), and
//     so may the CLI output and the log lines that carry those diagnostics;
//     nothing else may.
//   - aggregate (data "nova_scoring_batch_summary"): nothing that names or
//     scores one candidate anywhere; statistics only as band bounds, counts
//     and a rounded mean.
//   - none (ephemeral "nova_scoring_batch" and "nova_scoring_job"): nothing
//     anywhere.
//
// No record may hold an e-mail address the server hid in fields the provider
// does not know. The full record is the control: its plan and state must hold
// every kind of value, so a search that finds nothing cannot pass by
// accident; and the log must hold the masked response bodies, so the log
// search is not blind.

// The hostile shapes, one batch each.
const (
	shapeOrdinary = "b-ordinary" // 5 scored, 1 failed, 1 rejected
	shapeRepeated = "b-repeated" // one application listed five times, and e-mail addresses in unknown fields
	shapeRange    = "b-range"    // a completed job scored 11.4375912
	shapeFailed   = "b-failed"   // a failed batch (require_completed stops it)
	shapePending  = "b-pending"  // a batch still scoring
)

var privacyShapes = []string{shapeOrdinary, shapeRepeated, shapeRange, shapeFailed, shapePending}

// served is everything the hostile server hands out that describes a
// candidate, by kind.
type served struct {
	appIDs, jobIDs, emails, messages, texts []string
	scores                                  []float64
}

func (s *served) markers() []candidateData {
	m := candidateMarkers(s.appIDs, s.scores, s.texts)
	for _, id := range s.jobIDs {
		m = append(m, candidateData{kind: "scoring job id", value: id, byForm: [][]byte{[]byte(id)}})
	}
	for _, e := range s.emails {
		m = append(m, candidateData{kind: "e-mail address", value: e, byForm: [][]byte{[]byte(e)}})
	}
	for _, msg := range s.messages {
		m = append(m, candidateData{kind: "message", value: msg, byForm: [][]byte{[]byte(msg)}})
	}
	return m
}

var privacyKinds = []string{"application id", "scoring job id", "score", "e-mail address", "assessment", "message"}

// privacyServer serves the five batches, and one scoring job (completed,
// and a failed one) by id and as an application's latest score.
func privacyServer(t *testing.T) (string, *served) {
	t.Helper()
	s := &served{}
	n := 0
	const done = `"completedAt":"2025-12-14T10:31:20Z"`
	// Unknown fields the provider must neither keep nor log: an "id" under
	// a parent it does not know, and a known key under an unknown one.
	hidden := func(tag string) string {
		e1, e2 := fmt.Sprintf("jane.roe.%s@example.com", tag), fmt.Sprintf("recruiter.%s@example.org", tag)
		s.emails = append(s.emails, e1, e2)
		return fmt.Sprintf(`"candidate":{"id":%q,"contact":{"email":%q,"status":["%s was rejected"]}}`, e1, e2, e1)
	}
	scored := func(app string, score float64, extra ...string) string {
		n++
		id := fmt.Sprintf("sj-q%dw%d", n, 7*n)
		verdict := fmt.Sprintf("Verdict-%d strong distributed systems.", n)
		s.jobIDs, s.scores, s.texts = append(s.jobIDs, id), append(s.scores, score), append(s.texts, verdict, fmt.Sprintf("Strength-%d incident command", n))
		fields := append([]string{fmt.Sprintf(`"id":%q,"jobId":"job-123","applicationId":%q,"criteriaVersionId":"cv-1","status":"completed","score":%s,%s`,
			id, app, strconv.FormatFloat(score, 'f', -1, 64), done),
			fmt.Sprintf(`"assessment":{"verdict":%q,"strengths":["Strength-%d incident command"],"concerns":[],"interviewFocus":[]}`, verdict, n)}, extra...)
		return "{" + strings.Join(fields, ",") + "}"
	}
	failed := func(app, code string) string {
		n++
		id, msg := fmt.Sprintf("sj-f%dk%d", n, 3*n), fmt.Sprintf("Message-F%d the resume URL of the candidate expired", n)
		s.jobIDs, s.messages = append(s.jobIDs, id), append(s.messages, msg)
		return fmt.Sprintf(`{"id":%q,"jobId":"job-123","applicationId":%q,"criteriaVersionId":"cv-1","status":"failed","errorCode":%q,"errorMessage":%q,"failedAt":"2025-12-14T10:31:20Z"}`,
			id, app, code, msg)
	}
	pending := func(app string) string {
		n++
		id := fmt.Sprintf("sj-p%dz%d", n, 5*n)
		s.jobIDs = append(s.jobIDs, id)
		return fmt.Sprintf(`{"id":%q,"jobId":"job-123","applicationId":%q,"criteriaVersionId":"cv-1","status":"pending"}`, id, app)
	}
	rejected := func(app string) string {
		msg := fmt.Sprintf("Message-R%d the PDF of the candidate is truncated", len(s.messages))
		s.appIDs, s.messages = append(s.appIDs, app), append(s.messages, msg)
		return fmt.Sprintf(`{"applicationId":%q,"error":{"reason":"RESUME_CORRUPTED","message":%q}}`, app, msg)
	}
	app := func(id string) string { s.appIDs = append(s.appIDs, id); return id }
	batch := func(id, status string, jobs []string, rejections ...string) string {
		return fmt.Sprintf(`{"batch":{"id":%q,"jobId":"job-123","status":%q,"createdAt":"2025-12-14T10:00:00Z"%s,%s},"scoringJobs":[%s],"rejectedApplications":[%s]}`,
			id, status, map[bool]string{true: "," + done, false: ""}[status != "pending"], hidden(id), strings.Join(jobs, ","), strings.Join(rejections, ","))
	}
	// Seven decimals: a TRACE log is full of timestamps with milliseconds
	// ("12:16:16.625"), where a short score such as 6.625 turns up by chance.
	alice := app("cand-alice-5r8")
	bodies := map[string]string{
		shapeOrdinary: batch(shapeOrdinary, "failed", []string{
			scored(app("cand-7f3k1"), 8.3828125), scored(app("cand-9q2m4"), 7.6171875), scored(app("cand-4z8x2"), 7.1484375),
			scored(app("cand-6c1v9"), 8.8671875), scored(app("cand-2b5n7"), 7.6328125), failed(app("cand-8m3l0"), "RESUME_FETCH_FAILED"),
		}, rejected("cand-rej55")),
		shapeRepeated: batch(shapeRepeated, "completed", []string{
			scored(alice, 3.5172839, hidden("j1")), scored(alice, 3.5291746, hidden("j2")), scored(alice, 3.5318264, hidden("j3")),
			scored(alice, 3.5427193, hidden("j4")), scored(alice, 3.5561938, hidden("j5")), scored(app("cand-bob-2x9"), 9.3456712, hidden("j6")),
		}),
		shapeRange: batch(shapeRange, "completed", []string{
			scored(app("cand-r1t6"), 7.2918374), scored(app("cand-r2y7"), 7.3829164), scored(app("cand-r3u8"), 11.4375912),
			scored(app("cand-r4i9"), 7.8102938), scored(app("cand-r5o0"), 8.1928374),
		}),
		shapeFailed: batch(shapeFailed, "failed", []string{
			scored(app("cand-f1a2"), 9.1829374), scored(app("cand-f2s3"), 6.4567123),
			failed(app("cand-f3d4"), "RESUME_FETCH_FAILED"), failed(app("cand-f4g5"), "RESUME_ENCRYPTED"), failed(app("cand-f5h6"), "RESUME_FETCH_FAILED"),
		}, rejected("cand-rej66")),
		shapePending: batch(shapePending, "processing", []string{
			scored(app("cand-p1j7"), 7.4829163), scored(app("cand-p2k8"), 8.5738291), scored(app("cand-p3l9"), 7.9182736),
			pending(app("cand-p4z0")), pending(app("cand-p5x1")),
		}),
	}
	single := scored(app("cand-single-3v"), 6.8291735, hidden("single"))
	singleFailed := failed(app("cand-single-4w"), "RESUME_FETCH_FAILED")
	jobPath := regexp.MustCompile(`^/v1/jobs/job-123/applications/([^/]+)/(?:scoring-jobs/[^/]+|score)$`)
	url := routedNova(t, func(path string) (int, string) {
		if m := batchPath.FindStringSubmatch(path); m != nil && bodies[m[1]] != "" {
			return http.StatusOK, bodies[m[1]]
		}
		if m := jobPath.FindStringSubmatch(path); m != nil {
			switch m[1] {
			case "cand-single-3v":
				return http.StatusOK, `{"scoringJob":` + single + `}`
			case "cand-single-4w":
				return http.StatusOK, `{"scoringJob":` + singleFailed + `}`
			}
		}
		return http.StatusNotFound, `{"code":"NOT_FOUND","message":"no such path"}`
	})
	return url, s
}

// privacyRead is one read path, configured over the shapes it applies to.
type privacyRead struct {
	name, record string
	// configs are the configurations to run, each planned with -out and,
	// when the plan succeeds, applied.
	configs []string
}

func batchBlocks(keyword, typeName string, shapes []string, args ...string) string {
	var b strings.Builder
	for _, shape := range shapes {
		name := strings.ReplaceAll(shape, "-", "_")
		fmt.Fprintf(&b, "\n%s %q %q {\n  job_id           = \"job-123\"\n  scoring_batch_id = %q\n  %s\n}\n", keyword, typeName, name, shape, strings.Join(args, "\n  "))
		// Something downstream uses the read, so that an ephemeral
		// resource is opened at apply as well.
		fmt.Fprintf(&b, "\nresource \"terraform_data\" %q {\n  input = \"promoted\"\n  lifecycle {\n    precondition {\n      condition     = %s.%s.%s.status != null\n      error_message = \"No status.\"\n    }\n  }\n}\n",
			"after_"+name, keyword, typeName, name)
	}
	return b.String()
}

// jobBlock reads the single job; the ephemeral resource takes its ids from
// ephemeral variables, so that they reach no plan either.
func jobBlock(keyword, typeName, app string, args ...string) string {
	ids := fmt.Sprintf("application_id = %q\n  scoring_job_id = \"sj-configured\"", app)
	vars := ""
	if typeName == "nova_application_score" {
		ids = fmt.Sprintf("application_id = %q", app)
	}
	if keyword == "ephemeral" {
		vars = "variable \"application_id\" {\n  type      = string\n  ephemeral = true\n}\n"
		ids = "application_id = var.application_id\n  scoring_job_id = \"sj-configured\""
	}
	return fmt.Sprintf("\n%s%s %q \"one\" {\n  job_id = \"job-123\"\n  %s\n  %s\n}\n\nresource \"terraform_data\" \"after\" {\n  input = \"promoted\"\n  lifecycle {\n    precondition {\n      condition     = %s.%s.one.status != null\n      error_message = \"No status.\"\n    }\n  }\n}\n",
		vars, keyword, typeName, ids, strings.Join(args, "\n  "), keyword, typeName)
}

func privacyReads() []privacyRead {
	return []privacyRead{
		{name: "data nova_scoring_batch", record: "full", configs: []string{batchBlocks("data", "nova_scoring_batch", privacyShapes)}},
		{name: "data nova_scoring_batch_summary", record: "aggregate", configs: []string{batchBlocks("data", "nova_scoring_batch_summary", privacyShapes)}},
		{name: "ephemeral nova_scoring_batch", record: "none", configs: []string{
			batchBlocks("ephemeral", "nova_scoring_batch", []string{shapeRepeated}, "require_completed = true"),
			batchBlocks("ephemeral", "nova_scoring_batch", []string{shapeOrdinary, shapeRange, shapeFailed, shapePending}, "require_completed = true"),
		}},
		{name: "ephemeral nova_scoring_job", record: "none", configs: []string{
			jobBlock("ephemeral", "nova_scoring_job", "cand-single-3v", "require_completed = true"),
			jobBlock("ephemeral", "nova_scoring_job", "cand-single-4w", "require_completed = true"),
		}},
		{name: "data nova_scoring_job", record: "full", configs: []string{jobBlock("data", "nova_scoring_job", "cand-single-3v")}},
		{name: "data nova_application_score", record: "full", configs: []string{jobBlock("data", "nova_application_score", "cand-single-3v")}},
	}
}

// privacyArtifacts are the five records of a run.
var privacyArtifacts = []string{"plan", "state", "CLI output", "diagnostics", "TRACE log"}

// isDiagnostic says whether a log entry carries one of the provider's
// diagnostics, as terraform-plugin-go logs each one it returns.
var isDiagnostic = regexp.MustCompile(`Response contains (?:warning|error) diagnostic`)

// logEntries splits a Terraform log into its entries: each starts with a
// timestamp, and a multi-line field (a diagnostic's detail) continues it.
func logEntries(logs []byte) [][]byte {
	start := regexp.MustCompile(`(?m)^\d{4}-\d{2}-\d{2}T`)
	idx := start.FindAllIndex(logs, -1)
	var entries [][]byte
	for i, loc := range idx {
		end := len(logs)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		entries = append(entries, logs[loc[0]:end])
	}
	return entries
}

func diagnosticEntries(logs []byte) []byte {
	var out [][]byte
	for _, e := range logEntries(logs) {
		if isDiagnostic.Match(e) {
			out = append(out, e)
		}
	}
	return bytes.Join(out, nil)
}

func TestCLIThreeRecordsPrivacy(t *testing.T) {
	skipWithoutEphemeral(t)
	url, s := privacyServer(t)
	markers := s.markers()
	byValue := map[string]candidateData{}
	for _, m := range markers {
		byValue[m.value] = m
	}

	type cell = map[string]int // kind -> count
	table := map[string]map[string]cell{}
	for _, r := range privacyReads() {
		all := map[string]map[string][]byte{}
		for _, a := range privacyArtifacts {
			all[a] = map[string][]byte{}
		}
		for i, config := range r.configs {
			logPath := filepath.Join(t.TempDir(), "trace.log")
			w := newCLIWorkspace(t, providerConfig(url, "max_retries = 0")+config, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath,
				"TF_VAR_application_id="+map[bool]string{true: "cand-single-3v", false: "cand-single-4w"}[i == 0])
			planOut, planErr := w.run("plan", "-input=false", "-out=tfplan")
			all["CLI output"][fmt.Sprintf("plan output %d", i)] = planOut
			if _, err := os.Stat(filepath.Join(w.dir, "work", "tfplan")); err == nil {
				for name, b := range planFiles(t, filepath.Join(w.dir, "work", "tfplan")) {
					all["plan"][fmt.Sprintf("%s (%d)", name, i)] = b
				}
			}
			if planErr == nil {
				applyOut, err := w.run("apply", "-input=false", "tfplan")
				if err != nil {
					t.Fatalf("%s: terraform apply: %v\n%s", r.name, err, applyOut)
				}
				all["CLI output"][fmt.Sprintf("apply output %d", i)] = applyOut
				all["state"][fmt.Sprintf("terraform.tfstate %d", i)] = w.state()
			} else if r.record == "full" || i == 0 {
				t.Fatalf("%s: terraform plan: %v\n%s", r.name, planErr, planOut)
			} else if !wrappedText("did not pass the gate").Match(planOut) {
				t.Errorf("%s: the plan failed, but not at require_completed:\n%s", r.name, planOut)
			}
			logs, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			all["TRACE log"][fmt.Sprintf("trace.log %d", i)] = logs
			all["diagnostics"][fmt.Sprintf("diagnostics %d", i)] = diagnosticEntries(logs)
			// The log search is not blind: the response bodies were
			// logged, with their structure, statuses and ids of the batch
			// visible and every candidate value masked.
			for _, want := range []string{`Nova response body`, `"jobId":"job-123"`, `"applicationId":"(masked)"`, `"id":"(masked)"`} {
				if !logHoldsJSON(logs, want) {
					t.Errorf("%s: the TRACE log lacks %s", r.name, want)
				}
			}
			if r.name != "ephemeral nova_scoring_job" && !logHoldsJSON(logs, `"(unknown members)":1`) {
				t.Errorf("%s: the TRACE log shows no masked unknown member", r.name)
			}
			if !regexp.MustCompile(`trace_id=[0-9a-f]{32}`).Match(logs) {
				t.Errorf("%s: the TRACE log names no trace id", r.name)
			}
		}

		table[r.name] = map[string]cell{}
		for _, artifact := range privacyArtifacts {
			counts, where := found(markers, all[artifact])
			table[r.name][artifact] = counts
			var parts []string
			for _, k := range privacyKinds {
				parts = append(parts, fmt.Sprintf("%d %ss", counts[k], k))
			}
			t.Logf("%-32s %-11s: %s", r.name, artifact, strings.Join(parts, ", "))
			for _, w := range where {
				kind, value, _ := strings.Cut(w, " \"")
				value, _, _ = strings.Cut(value, "\" in ")
				if !privacyAllowed(r, artifact, kind, byValue[value], all) {
					t.Errorf("%s (%s record): %s in the %s", r.name, r.record, w, artifact)
				}
			}
		}
		if r.record == "aggregate" {
			for _, state := range all["state"] {
				assertAggregateState(t, state)
			}
		}
	}
	// The controls: the full records keep every kind of candidate data the
	// server sent them in plan and state (e-mail addresses, which sit in
	// fields the provider does not know, excepted).
	for _, artifact := range []string{"plan", "state"} {
		for _, kind := range []string{"application id", "scoring job id", "score", "assessment", "message"} {
			if table["data nova_scoring_batch"][artifact][kind] == 0 {
				t.Errorf("full record: no %s found in the %s: the search is blind", kind, artifact)
			}
		}
		if table["data nova_scoring_job"][artifact]["score"] == 0 {
			t.Errorf("nova_scoring_job: no score found in the %s: the search is blind", artifact)
		}
	}
	t.Log("privacy table (candidate values found / served):\n" + privacyTable(table, markers))
}

// privacyAllowed says whether a candidate value may be in an artifact of a
// read's record.
func privacyAllowed(r privacyRead, artifact, kind string, m candidateData, all map[string]map[string][]byte) bool {
	if r.record != "full" || kind == "e-mail address" {
		return false
	}
	switch artifact {
	case "plan", "state":
		return true
	case "diagnostics":
		// Its warnings may name ids and scores: its state holds them.
		return kind == "application id" || kind == "scoring job id" || kind == "score"
	case "CLI output", "TRACE log":
		// Only as part of those diagnostics: every occurrence must be on a
		// diagnostic (in the log) or also be in a diagnostic (the output).
		// In the output, Terraform also names a data source's id when it
		// has read it: "Read complete after 0s [id=sj-...]".
		if kind != "application id" && kind != "scoring job id" && kind != "score" {
			return false
		}
		inDiag := false
		for _, b := range all["diagnostics"] {
			inDiag = inDiag || containsAny(b, m.byForm)
		}
		for _, blob := range all[artifact] {
			lines := bytes.Split(blob, []byte("\n"))
			if artifact == "TRACE log" {
				lines = logEntries(blob)
			}
			for _, line := range lines {
				switch {
				case !containsAny(line, m.byForm):
				case artifact == "TRACE log" && inDiag && isDiagnostic.Match(line):
				case artifact == "CLI output" && inDiag:
				case artifact == "CLI output" && bytes.Contains(line, []byte("Read complete after")) && bytes.Contains(line, []byte("[id="+m.value+"]")):
				default:
					return false
				}
			}
		}
		return true
	}
	return false
}

// assertAggregateState checks that the aggregate state has none of the full
// record's per-candidate attributes.
func assertAggregateState(t *testing.T, state []byte) {
	t.Helper()
	text := string(state)
	if !strings.Contains(text, `"score_counts"`) {
		t.Errorf("the aggregate state lacks score_counts")
	}
	for _, forbidden := range []string{`"scores"`, `"scoring_jobs"`, `"application_id"`, `"assessment"`, `"error_message"`, `"rejected_applications"`} {
		if strings.Contains(text, forbidden) {
			t.Errorf("the aggregate state has %s", forbidden)
		}
	}
}

// privacyTable renders the findings as the closing note's table: one row per
// read, one column per record, each cell the values found.
func privacyTable(table map[string]map[string]map[string]int, markers []candidateData) string {
	total := map[string]int{}
	for _, m := range markers {
		total[m.kind]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| read | %s |\n|---|%s\n", strings.Join(privacyArtifacts, " | "), strings.Repeat("---|", len(privacyArtifacts)))
	var reads []string
	for r := range table {
		reads = append(reads, r)
	}
	sort.Strings(reads)
	for _, r := range reads {
		fmt.Fprintf(&b, "| %s |", r)
		for _, a := range privacyArtifacts {
			sum := 0
			var parts []string
			for _, k := range privacyKinds {
				if n := table[r][a][k]; n > 0 {
					sum += n
					parts = append(parts, fmt.Sprintf("%d %s", n, k))
				}
			}
			if sum == 0 {
				b.WriteString(" 0 |")
			} else {
				fmt.Fprintf(&b, " %d (%s) |", sum, strings.Join(parts, ", "))
			}
		}
		b.WriteString("\n")
	}
	var kinds []string
	for _, k := range privacyKinds {
		kinds = append(kinds, fmt.Sprintf("%d %ss", total[k], k))
	}
	fmt.Fprintf(&b, "served: %s\n", strings.Join(kinds, ", "))
	return b.String()
}
