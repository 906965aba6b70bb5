package provider

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// The gate is one decision, made here for provider::nova::gate and for the
// ephemeral resources' require: whether a batch may open a pipeline under a
// policy, and if not, why. It fails closed, as an allow-list: the batch
// passes only when every fact the policy needs is present, well typed and
// good. A missing, null or wrongly typed fact is a reason, never a pass.
//
// Reasons name the batch and what failed, never an application id, a
// scoring job id or a score: they reach CLI output and CI logs, from the
// privacy-preserving reads too.

// noValue is the map key for a failed job without an error code, or a
// rejection without a reason.
const noValue = "(none)"

// gatePolicy is a parsed policy. Every key is optional.
type gatePolicy struct {
	minScore          *float64
	maxFailedJobs     int64
	criteriaVersionID *string
	maxAge            time.Duration // with now; zero: not checked
	maxAgeText        string
	now               time.Time
}

// policyKeys are the keys a policy may hold; any other is an error, so that
// a misspelt key is never a silent pass.
var policyKeys = []string{"min_score", "max_failed_jobs", "criteria_version_id", "max_age", "now"}

// parseGatePolicy reads a policy: an object (or map) whose keys are
// policyKeys. It expects a wholly known value. An error is a mistake in the
// policy itself: the gate cannot be evaluated, and the call (or the open)
// fails.
func parseGatePolicy(v tftypes.Value) (gatePolicy, error) {
	var p gatePolicy
	if v.IsNull() {
		return p, fmt.Errorf("the policy is null: pass {} to require a completed batch and nothing more")
	}
	var attrs map[string]tftypes.Value
	if !v.Type().Is(tftypes.Object{}) && !v.Type().Is(tftypes.Map{}) {
		return p, fmt.Errorf("the policy must be an object such as { min_score = 7 }, not a %s", friendlyType(v.Type()))
	}
	if err := v.As(&attrs); err != nil {
		return p, fmt.Errorf("the policy cannot be read: %s", err)
	}
	var unknown []string
	for k := range attrs {
		if !slices.Contains(policyKeys, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return p, fmt.Errorf("the policy has unknown key %s; the keys are %s", quoteAll(unknown), strings.Join(policyKeys, ", "))
	}
	for k, val := range attrs {
		if val.IsNull() {
			return p, fmt.Errorf("policy key %s is null: leave it out to not check it, or give it a value", k)
		}
	}
	if val, ok := attrs["min_score"]; ok {
		f, ok := numberOf(val)
		if !ok {
			return p, fmt.Errorf("policy key min_score must be a number, not a %s", friendlyType(val.Type()))
		}
		p.minScore = &f
	}
	if val, ok := attrs["max_failed_jobs"]; ok {
		f, ok := numberOf(val)
		if !ok || f < 0 || f != float64(int64(f)) {
			return p, fmt.Errorf("policy key max_failed_jobs must be a whole number, 0 or more")
		}
		p.maxFailedJobs = int64(f)
	}
	if val, ok := attrs["criteria_version_id"]; ok {
		s, ok := stringOf(val)
		if !ok || strings.TrimSpace(s) == "" {
			return p, fmt.Errorf("policy key criteria_version_id must be a non-empty string, such as data.nova_criteria_version.current.id")
		}
		p.criteriaVersionID = &s
	}
	maxAge, hasMaxAge := attrs["max_age"]
	now, hasNow := attrs["now"]
	switch {
	case hasMaxAge && !hasNow:
		return p, fmt.Errorf("policy key max_age needs now (functions cannot read the clock): add now = plantimestamp()")
	case hasNow && !hasMaxAge:
		return p, fmt.Errorf("policy key now is only used with max_age: add max_age, such as \"24h\", or remove now")
	case hasMaxAge:
		s, ok := stringOf(maxAge)
		d, err := time.ParseDuration(s)
		if !ok || err != nil || d <= 0 {
			return p, fmt.Errorf("policy key max_age must be a positive Go duration such as \"24h\" or \"90m\"")
		}
		s2, ok := stringOf(now)
		t, err := time.Parse(time.RFC3339, s2)
		if !ok || err != nil {
			return p, fmt.Errorf("policy key now must be an RFC 3339 timestamp, such as plantimestamp() or timestamp()")
		}
		p.maxAge, p.maxAgeText, p.now = d, s, t
	}
	return p, nil
}

// gateBatch is what the gate evaluates: the facts of one batch (or one
// scoring job), each nil when the input did not give it usably.
type gateBatch struct {
	name string // how reasons name it: "Scoring batch b-1"
	// shape is "full", "summary" or "job"; empty when the input is none of
	// them.
	shape       string
	status      *string
	finished    *bool
	totalJobs   *int64
	pendingJobs *int64
	failedJobs  *int64
	// errorCodes counts failed jobs by Nova error code, when known.
	errorCodes map[string]int64
	createdAt  *time.Time

	// From a full batch (or a job): every scored application's score (the
	// scores map), every completed job's score, and whether the scores were
	// readable at all. Both are checked, so that a map that disagrees with
	// the jobs cannot hide a low score.
	scores    []float64
	jobScores []float64
	scoresOK  bool
	// unscored counts completed jobs that have no score: a contradiction.
	unscored int
	// From a summary: the lowest score, coded to its band's lower bound;
	// nil when withheld.
	scoreMin *float64

	// Criteria: the versions the jobs name (one entry per job for a full
	// batch, the distinct ones for a summary), and how many jobs name none.
	versions    []string
	versionsOK  bool
	unversioned *int64
	jobs        int // jobs listed, for a full batch
}

// evaluateGate is the gate: the reasons the batch does not pass the
// policy, none when it passes.
func evaluateGate(b gateBatch, p gatePolicy) []string {
	var reasons []string
	add := func(format string, args ...any) {
		reasons = append(reasons, b.name+" "+fmt.Sprintf(format, args...))
	}
	if b.shape == "" {
		add("is not a nova_scoring_batch or nova_scoring_batch_summary object: pass the whole data source, such as data.nova_scoring_batch.gate.")
		return reasons
	}

	// Status: completed, or failed within max_failed_jobs; finished either
	// way. Anything else, a missing status included, is a reason.
	statusOK := false
	switch {
	case b.status == nil:
		add("has no status: the gate cannot tell whether it finished.")
	case *b.status == string(nova.StatusPending):
		add("is not finished (status pending%s): wait for it (wait_for_completion = true) and run again.", pendingCounts(b))
	case *b.status == string(nova.StatusCompleted) || *b.status == string(nova.StatusFailed):
		statusOK = true
		if b.finished == nil || !*b.finished {
			add("has status %s but does not say it finished.", *b.status)
		}
	default:
		add("has status %q, which is not completed or failed.", nova.Sanitize(*b.status, nova.ShortText))
	}
	if statusOK {
		switch {
		case b.failedJobs == nil:
			add("does not say how many jobs failed.")
		case *b.failedJobs > p.maxFailedJobs:
			add("has %s, more than the %d allowed%s.", plural(*b.failedJobs, "failed job", "failed jobs"), p.maxFailedJobs, byCode(b.errorCodes))
		case *b.status == string(nova.StatusFailed) && *b.failedJobs == 0:
			add("is failed but counts no failed job.")
		}
	}

	if p.minScore != nil {
		reasons = append(reasons, scoreReasons(b, *p.minScore)...)
	}
	if p.criteriaVersionID != nil {
		reasons = append(reasons, criteriaReasons(b, *p.criteriaVersionID)...)
	}
	if p.maxAge > 0 {
		switch {
		case b.createdAt == nil:
			add("has no usable created_at: the gate cannot tell whether it is older than %s.", p.maxAgeText)
		case p.now.Sub(*b.createdAt) > p.maxAge:
			add("was created at %s, more than %s before now (%s).", b.createdAt.UTC().Format(time.RFC3339), p.maxAgeText, p.now.UTC().Format(time.RFC3339))
		}
	}
	return reasons
}

func scoreReasons(b gateBatch, minScore float64) []string {
	bar := strconvNumber(minScore)
	if b.shape == "summary" {
		switch {
		case b.scoreMin == nil:
			return []string{b.name + " has its score statistics withheld (score_min is null: fewer than min_group_size scored applications, or the batch is not finished), " +
				"so the summary cannot show that every score is at least " + bar + ". Gate on the nova_scoring_batch data source, or the ephemeral nova_scoring_batch with require."}
		case *b.scoreMin < minScore:
			return []string{b.name + "'s lowest score band is below the minimum score " + bar + "."}
		}
		return nil
	}
	var reasons []string
	switch {
	case !b.scoresOK:
		reasons = append(reasons, b.name+" has no readable scores: the gate cannot compare them with the minimum score "+bar+".")
	case len(b.scores) == 0 && len(b.jobScores) == 0:
		reasons = append(reasons, b.name+" has no scored application to compare with the minimum score "+bar+".")
	default:
		below := max(countBelow(b.scores, minScore), countBelow(b.jobScores, minScore))
		if below > 0 {
			scored := int64(max(len(b.scores), len(b.jobScores)))
			reasons = append(reasons, fmt.Sprintf("%s has %d of %s below the minimum score %s.", b.name, below, plural(scored, "scored application", "scored applications"), bar))
		}
	}
	if b.unscored > 0 {
		reasons = append(reasons, fmt.Sprintf("%s has %s without a score.", b.name, plural(int64(b.unscored), "completed job", "completed jobs")))
	}
	return reasons
}

// countBelow counts scores below the bar; NaN counts as below.
func countBelow(scores []float64, bar float64) int {
	n := 0
	for _, s := range scores {
		if !(s >= bar) {
			n++
		}
	}
	return n
}

func criteriaReasons(b gateBatch, current string) []string {
	// The current version's id comes from Nova too (nova_criteria_version).
	shown := nova.Sanitize(current, nova.ShortText)
	var reasons []string
	add := func(format string, args ...any) {
		reasons = append(reasons, b.name+" "+fmt.Sprintf(format, args...))
	}
	if !b.versionsOK {
		add("does not say which criteria versions its jobs were scored against.")
		return reasons
	}
	if b.shape == "full" && b.jobs == 0 {
		add("lists no scoring jobs, so none can be shown to be scored against criteria %s.", shown)
		return reasons
	}
	switch {
	case b.unversioned == nil:
		add("does not say how many of its jobs name no criteria version (a nova_scoring_batch_summary without unversioned_jobs, from an older provider), so its scores cannot be shown to be fresh.")
	case *b.unversioned > 0:
		add("has %s naming no criteria version, which cannot be shown to be scored against criteria %s.", plural(*b.unversioned, "job", "jobs"), shown)
	}
	if b.shape == "summary" && len(b.versions) == 0 && b.unversioned != nil && *b.unversioned == 0 {
		add("names no criteria version.")
	}
	var stale []string
	staleJobs := 0
	for _, v := range b.versions {
		if v != current {
			staleJobs++
			if !slices.Contains(stale, v) {
				stale = append(stale, v)
			}
		}
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		what := "was scored"
		if b.shape == "full" {
			what = fmt.Sprintf("has %s scored", plural(int64(staleJobs), "job", "jobs"))
		}
		add("%s against criteria %s, not the current %s: re-score it before deploying.", what, joinBounded(sanitizedAll(stale)), shown)
	}
	return reasons
}

func pendingCounts(b gateBatch) string {
	if b.pendingJobs == nil || b.totalJobs == nil {
		return ""
	}
	return fmt.Sprintf(", %d of %d jobs pending", *b.pendingJobs, *b.totalJobs)
}

// byCode describes failed jobs by error code: counts only.
func byCode(codes map[string]int64) string {
	if len(codes) == 0 {
		return ""
	}
	keys := make([]string, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", nova.Sanitize(k, nova.ShortText), codes[k])
	}
	return " (by error code: " + joinBounded(parts) + ")"
}

// maxListedInReason bounds the codes or versions one reason lists: a
// hostile answer with thousands of distinct error codes must not turn a
// diagnostic into a flood.
const maxListedInReason = 10

// joinBounded joins at most maxListedInReason items and counts the rest.
func joinBounded(items []string) string {
	if len(items) <= maxListedInReason {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxListedInReason], ", ") + fmt.Sprintf(" and %d more", len(items)-maxListedInReason)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func strconvNumber(f float64) string { return big.NewFloat(f).Text('g', -1) }

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", nova.Sanitize(s, nova.ShortText))
	}
	return strings.Join(q, ", ")
}

func sanitizedAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = nova.Sanitize(s, nova.ShortText)
	}
	return out
}

// gateBatchFromValue reads the whole object of a nova_scoring_batch or
// nova_scoring_batch_summary (data source or ephemeral resource) into the
// facts the gate evaluates. Which one it is, it tells by the attributes
// present; a fact that is missing, null or of another type stays nil.
func gateBatchFromValue(v tftypes.Value) gateBatch {
	b := gateBatch{name: "The scoring batch"}
	var attrs map[string]tftypes.Value
	if v.IsNull() || !v.IsKnown() || !v.Type().Is(tftypes.Object{}) || v.As(&attrs) != nil {
		return b
	}
	if id, ok := stringOf(attrs["id"]); ok && id != "" {
		b.name = "Scoring batch " + nova.Sanitize(id, nova.ShortText)
	}
	_, hasJobs := attrs["scoring_jobs"]
	_, hasScores := attrs["scores"]
	_, hasScoreMin := attrs["score_min"]
	_, hasVersions := attrs["criteria_version_ids"]
	switch {
	case hasJobs || hasScores:
		b.shape = "full"
	case hasScoreMin || hasVersions:
		b.shape = "summary"
	default:
		return b
	}
	b.status = stringPtrOf(attrs["status"])
	if f, ok := boolOf(attrs["finished"]); ok {
		b.finished = &f
	}
	b.totalJobs, b.pendingJobs, b.failedJobs = intPtrOf(attrs["total_jobs"]), intPtrOf(attrs["pending_jobs"]), intPtrOf(attrs["failed_jobs"])
	if s, ok := stringOf(attrs["created_at"]); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			b.createdAt = &t
		}
	}
	if b.shape == "summary" {
		if f, ok := numberOf(attrs["score_min"]); ok {
			b.scoreMin = &f
		}
		if codes, ok := countsOf(attrs["error_codes"]); ok {
			b.errorCodes = codes
		}
		b.versions, b.versionsOK = stringsOf(attrs["criteria_version_ids"])
		b.unversioned = intPtrOf(attrs["unversioned_jobs"])
		return b
	}

	// A full batch: scores from the scores map and the completed jobs,
	// criteria and error codes from the jobs.
	var scores map[string]tftypes.Value
	scoresVal := attrs["scores"]
	b.scoresOK = scoresVal.IsKnown() && !scoresVal.IsNull() && (scoresVal.Type().Is(tftypes.Map{}) || scoresVal.Type().Is(tftypes.Object{})) && scoresVal.As(&scores) == nil
	for _, s := range scores {
		f, ok := numberOf(s)
		if !ok {
			b.scoresOK = false
			continue
		}
		b.scores = append(b.scores, f)
	}
	var jobs []tftypes.Value
	jobsVal := attrs["scoring_jobs"]
	if !jobsVal.IsKnown() || jobsVal.IsNull() || (!jobsVal.Type().Is(tftypes.List{}) && !jobsVal.Type().Is(tftypes.Tuple{})) || jobsVal.As(&jobs) != nil {
		return b
	}
	b.versionsOK, b.jobs, b.errorCodes = true, len(jobs), map[string]int64{}
	unversioned := int64(0)
	for _, jv := range jobs {
		var job map[string]tftypes.Value
		if !jv.IsKnown() || jv.IsNull() || !jv.Type().Is(tftypes.Object{}) || jv.As(&job) != nil {
			unversioned++
			b.scoresOK = false
			continue
		}
		if v, ok := stringOf(job["criteria_version_id"]); ok && strings.TrimSpace(v) != "" {
			b.versions = append(b.versions, v)
		} else {
			unversioned++
		}
		status, _ := stringOf(job["status"])
		switch status {
		case string(nova.StatusCompleted):
			if f, ok := numberOf(job["score"]); ok {
				b.jobScores = append(b.jobScores, f)
			} else {
				b.unscored++
			}
		case string(nova.StatusFailed):
			code, _ := stringOf(job["error_code"])
			b.errorCodes[cmp.Or(code, noValue)]++
		}
	}
	b.unversioned = &unversioned
	return b
}

// gateJob is one scoring job as the gate sees it: a batch of one. The name
// carries no id: the job is one candidate's.
func gateJob(j *nova.ScoringJob) gateBatch {
	status := string(j.Status)
	finished := j.Status.Finished()
	var failed, total, pending int64 = 0, 1, 0
	b := gateBatch{name: "The scoring job", shape: "job", status: &status, finished: &finished,
		totalJobs: &total, pendingJobs: &pending, failedJobs: &failed, scoresOK: true, versionsOK: true}
	switch j.Status {
	case nova.StatusPending:
		pending = 1
	case nova.StatusFailed:
		failed = 1
		b.errorCodes = map[string]int64{cmp.Or(deref(j.ErrorCode), noValue): 1}
	case nova.StatusCompleted:
		if j.Score != nil {
			b.scores, b.jobScores = []float64{*j.Score}, []float64{*j.Score}
		} else {
			b.unscored = 1
		}
	}
	var unversioned int64
	if v := deref(j.CriteriaVersionID); strings.TrimSpace(v) != "" {
		b.versions = []string{v}
	} else {
		unversioned = 1
	}
	b.unversioned, b.jobs = &unversioned, 1
	return b
}

// Typed reads of a tftypes value: ok is false for null, unknown or another
// type.

func stringOf(v tftypes.Value) (string, bool) {
	var s string
	if v.Type() == nil || !v.IsKnown() || v.IsNull() || !v.Type().Is(tftypes.String) || v.As(&s) != nil {
		return "", false
	}
	return s, true
}

func stringPtrOf(v tftypes.Value) *string {
	if s, ok := stringOf(v); ok {
		return &s
	}
	return nil
}

func boolOf(v tftypes.Value) (bool, bool) {
	var b bool
	if v.Type() == nil || !v.IsKnown() || v.IsNull() || !v.Type().Is(tftypes.Bool) || v.As(&b) != nil {
		return false, false
	}
	return b, true
}

func numberOf(v tftypes.Value) (float64, bool) {
	var n big.Float
	if v.Type() == nil || !v.IsKnown() || v.IsNull() || !v.Type().Is(tftypes.Number) || v.As(&n) != nil {
		return 0, false
	}
	f, _ := n.Float64()
	return f, true
}

func intPtrOf(v tftypes.Value) *int64 {
	f, ok := numberOf(v)
	if !ok || f != float64(int64(f)) {
		return nil
	}
	n := int64(f)
	return &n
}

func stringsOf(v tftypes.Value) ([]string, bool) {
	var elems []tftypes.Value
	if v.Type() == nil || !v.IsKnown() || v.IsNull() ||
		(!v.Type().Is(tftypes.List{}) && !v.Type().Is(tftypes.Tuple{}) && !v.Type().Is(tftypes.Set{})) || v.As(&elems) != nil {
		return nil, false
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, ok := stringOf(e)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func countsOf(v tftypes.Value) (map[string]int64, bool) {
	var elems map[string]tftypes.Value
	if v.Type() == nil || !v.IsKnown() || v.IsNull() ||
		(!v.Type().Is(tftypes.Map{}) && !v.Type().Is(tftypes.Object{})) || v.As(&elems) != nil {
		return nil, false
	}
	out := make(map[string]int64, len(elems))
	for k, e := range elems {
		n := intPtrOf(e)
		if n == nil {
			return nil, false
		}
		out[k] = *n
	}
	return out, true
}

func friendlyType(t tftypes.Type) string {
	switch {
	case t == nil:
		return "value of no type"
	case t.Is(tftypes.String):
		return "string"
	case t.Is(tftypes.Number):
		return "number"
	case t.Is(tftypes.Bool):
		return "bool"
	case t.Is(tftypes.List{}), t.Is(tftypes.Tuple{}), t.Is(tftypes.Set{}):
		return "list"
	default:
		return t.String()
	}
}
