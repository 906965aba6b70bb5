#!/usr/bin/env bash
# `make demo`: the provider end to end against a local Nova API server, with no credentials.
#
#  1. builds the provider and the local Nova server (novafake) into .bin/
#  2. points the CLI at the local build through dev_overrides (no `init`)
#  3. starts novafake on loopback, seeded with examples/demo/seed.json
#  4. plans and applies examples/demo: waits for a batch that is still scoring, gates on scores
#  5. applies examples/demo/failed: a postcondition stops the run on a failed batch (expected)
#  6. applies examples/demo/summary: the aggregate record (nova_scoring_batch_summary) gating on
#     status, lowest score and fresh criteria (nova_criteria_version), with no candidate data in
#     state; then stops on a batch scored against archived criteria
#  7. applies examples/demo/ephemeral: the same gate with the ephemeral resource, which leaves no
#     candidate data in state, then stops on the failed batch with the provider's own message
#     (skipped, with a message, on Terraform before 1.10 and OpenTofu before 1.11); then compares
#     the candidate data in the three states
#
# The CLI is Terraform (scripts/ensure-terraform.sh: TF_ACC_TERRAFORM_PATH, PATH, .bin/) unless
# TF names another: `TF=tofu make demo` runs it with OpenTofu (the `tofu` on PATH, else the one
# scripts/ensure-tofu.sh builds into .bin/, 5-15 minutes once), `TF=/path/to/tofu` with that one.
# Under OpenTofu the override is for registry.opentofu.org/dweet/nova, where `dweet/nova` resolves.
#
# Exits non-zero when any step does not behave as described. Stops the server on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
cd "${root}"

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  bold=$'\033[1m' green=$'\033[32m' red=$'\033[31m' dim=$'\033[2m' reset=$'\033[0m'
  tf_color=()
else
  bold='' green='' red='' dim='' reset=''
  tf_color=(-no-color)
fi

step=0
section() {
  step=$((step + 1))
  printf '\n%s==> %d. %s%s\n' "${bold}" "${step}" "$*" "${reset}"
}
info() { printf '    %s\n' "$*"; }
ok() { printf '    %sOK%s %s\n' "${green}" "${reset}" "$*"; }
fail() {
  printf '\n%sDEMO FAILED:%s %s\n' "${red}${bold}" "${reset}" "$*" >&2
  exit 1
}
# Runs a command with its output indented; returns the command's exit status.
run() {
  local shown="" arg
  for arg in "$@"; do
    if [[ "${arg}" =~ [[:space:]] ]]; then shown+=" '${arg}'"; else shown+=" ${arg}"; fi
  done
  printf '    %s$%s%s\n' "${dim}" "${shown}" "${reset}"
  local rc=0
  "$@" 2>&1 | sed 's/^/    | /' || rc=$?
  return "${rc}"
}

# apply_expecting_failure DIR NAME [ARGS...]: applies the configuration in DIR, shows what it printed,
# and sets rc (its exit status) and flat (what it printed, whitespace squeezed: Terraform wraps long
# messages).
apply_expecting_failure() {
  local dir="$1" log="${tmp}/$2.log"
  shift 2
  rc=0
  run "${tf}" -chdir="${dir}" apply -input=false -auto-approve -compact-warnings -no-color "$@" >"${log}" 2>&1 || rc=$?
  cat "${log}"
  flat="$(sed -e 's/^[[:space:]]*|//' -e 's/│//g' "${log}" | tr -s '[:space:]' ' ')"
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/nova-demo.XXXXXX")"
fake_pid=""
cleanup() {
  local rc=$?
  if [[ -n "${fake_pid}" ]] && kill -0 "${fake_pid}" 2>/dev/null; then
    kill "${fake_pid}" 2>/dev/null || true
    wait "${fake_pid}" 2>/dev/null || true
  fi
  rm -rf "${tmp}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%sterraform-provider-nova demo%s: a local Nova API, no credentials, nothing billed.\n' "${bold}" "${reset}"

# ---------------------------------------------------------------------------------------------
section "Build the provider and the local Nova server"
mkdir -p "${bin_dir}"
start=$(date +%s)
run go build -trimpath -ldflags "-X main.version=demo" -o "${bin_dir}/terraform-provider-nova" . ||
  fail "go build of the provider failed"
run go build -trimpath -o "${bin_dir}/novafake" ./internal/cmd/novafake ||
  fail "go build of ./internal/cmd/novafake failed"
ok "built .bin/terraform-provider-nova and .bin/novafake in $(($(date +%s) - start))s"

export CHECKPOINT_DISABLE=1
# OpenTofu fails on a TF_CLI_CONFIG_FILE that does not exist, even for `tofu version`.
export TF_CLI_CONFIG_FILE="${tmp}/terraformrc"
: >"${TF_CLI_CONFIG_FILE}"
unset TOFU_CLI_CONFIG_FILE
case "${TF:-}" in
"") tf="$("${root}/scripts/ensure-terraform.sh")" || fail "no usable terraform binary" ;;
tofu)
  if ! tf="$(command -v tofu)"; then
    info "no tofu on PATH: using scripts/ensure-tofu.sh (it builds OpenTofu into .bin/ once: 5-15 minutes)"
    tf="$("${root}/scripts/ensure-tofu.sh")" || fail "no usable tofu binary"
  fi
  ;;
*) tf="$(command -v "${TF}")" || fail "TF=${TF}: no such command" ;;
esac
tf_first_line="$("${tf}" version 2>/dev/null | sed -n 1p)" || true
[[ -n "${tf_first_line}" ]] || fail "${tf} does not run (\`${tf} version\` printed nothing)"
# The CLI's own name, for the messages below, and the registry host `dweet/nova` resolves to.
cli=terraform host=registry.terraform.io
if [[ "${tf_first_line}" == OpenTofu* ]]; then cli=tofu host=registry.opentofu.org; fi
info "${cli}: ${tf} (${tf_first_line})"

# ---------------------------------------------------------------------------------------------
section "Point ${cli} at the local build (dev_overrides, no ${cli} init)"
cat >"${TF_CLI_CONFIG_FILE}" <<EOF
provider_installation {
  dev_overrides {
    "${host}/dweet/nova" = "${bin_dir}"
  }
  direct {}
}
EOF
export TF_IN_AUTOMATION=1
unset TF_WORKSPACE
sed 's/^/    | /' "${TF_CLI_CONFIG_FILE}"
ok "TF_CLI_CONFIG_FILE=${TF_CLI_CONFIG_FILE}"

# ---------------------------------------------------------------------------------------------
section "Start the local Nova server (novafake) on loopback"
addr_file="${tmp}/addr"
"${bin_dir}/novafake" -listen 127.0.0.1:0 -addr-file "${addr_file}" \
  -seed "${root}/examples/demo/seed.json" -quiet >"${tmp}/novafake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 1 100); do
  [[ -s "${addr_file}" ]] && break
  if ! kill -0 "${fake_pid}" 2>/dev/null; then
    sed 's/^/    | /' "${tmp}/novafake.log" >&2
    fail "novafake exited before it was ready"
  fi
  sleep 0.1
done
[[ -s "${addr_file}" ]] || fail "novafake did not write ${addr_file} within 10 s"
sleep 0.1 # let the writer finish the line
base_url="$(tr -d '[:space:]' <"${addr_file}")"
[[ "${base_url}" == *"://"* ]] || base_url="http://${base_url}"

export NOVA_BASE_URL="${base_url}"
export NOVA_API_KEY="sk_test_demo_0000000000000000"
export NOVA_TENANT_ID="acme-corp"
ok "novafake (pid ${fake_pid}) serves ${NOVA_BASE_URL}"
info "NOVA_BASE_URL=${NOVA_BASE_URL}"
info "NOVA_API_KEY=sk_test_... (a sandbox key; novafake accepts any sk_test_/sk_live_ key)"
info "NOVA_TENANT_ID=${NOVA_TENANT_ID}"
info "seeded batches: batch-completed (done), batch-slow (done after 3 polls), batch-failed (1 job failed),"
info "  batch-shortlist (6 jobs, scored against the current criteria), batch-stale (scored against archived ones)"
info "criteria of job-123: cv-2026-02 (current), cv-2025-11 (archived)"

# ---------------------------------------------------------------------------------------------
section "${cli} plan: read batch-completed, wait for batch-slow, check the gate"
work="${tmp}/demo"
mkdir -p "${work}"
cp "${root}"/examples/demo/*.tf "${work}/"
info "working directory: ${work} (a copy of examples/demo/*.tf)"
start=$(date +%s)
# Provider INFO logs go to a file: one line per poll, shown below.
plan_log="${tmp}/plan-provider.log"
TF_LOG_PROVIDER=INFO TF_LOG_PATH="${plan_log}" \
  run "${tf}" -chdir="${work}" plan -input=false -compact-warnings ${tf_color[@]+"${tf_color[@]}"} ||
  fail "${cli} plan failed (see above)"
ok "plan finished in $(($(date +%s) - start))s: the wait on batch-slow happened during plan, because its id is known"
polls="$(grep 'Read Nova scoring batch' "${plan_log}" 2>/dev/null | grep 'scoring_batch_id=batch-slow' || true)"
if [[ -n "${polls}" ]]; then
  info "polls of batch-slow (from TF_LOG_PROVIDER=INFO):"
  while IFS= read -r line; do
    fields=""
    for key in status completed_jobs failed_jobs pending_jobs total_jobs; do
      fields+=" $(grep -oE "${key}=[^ ]+" <<<"${line}" | head -n 1 || true)"
    done
    info "  ${line%% *}${fields}"
  done <<<"${polls}"
fi
if grep -qF "${NOVA_API_KEY}" "${plan_log}" 2>/dev/null; then
  fail "the API key appears in the provider's log"
fi

# ---------------------------------------------------------------------------------------------
section "${cli} apply: the precondition on terraform_data.promote passes"
run "${tf}" -chdir="${work}" apply -input=false -auto-approve -compact-warnings ${tf_color[@]+"${tf_color[@]}"} ||
  fail "${cli} apply failed (see above)"
ok "applied"

# ---------------------------------------------------------------------------------------------
section "Outputs: status, counts and scores"
run "${tf}" -chdir="${work}" output ${tf_color[@]+"${tf_color[@]}"} || fail "${cli} output failed"
status_json="$("${tf}" -chdir="${work}" output -json status)" || fail "${cli} output -json status failed"
for batch in batch-completed batch-slow; do
  if ! tr -d '[:space:]' <<<"${status_json}" | grep -q "\"${batch}\":\"completed\""; then
    fail "expected ${batch} to be completed, got ${status_json}"
  fi
done
ok "both batches are completed and every score passed the gate"

# ---------------------------------------------------------------------------------------------
section "A failed batch: the postcondition must stop the run"
failed_work="${tmp}/failed"
mkdir -p "${failed_work}"
cp "${root}"/examples/demo/failed/*.tf "${failed_work}/"
info "working directory: ${failed_work} (a copy of examples/demo/failed/*.tf)"
info "batch-failed has 2 completed jobs and 1 failed job (RESUME_FETCH_FAILED); this apply is expected to fail."
apply_expecting_failure "${failed_work}" failed
if [[ "${rc}" -eq 0 ]]; then
  fail "${cli} apply on batch-failed succeeded: the postcondition did not stop it"
fi
if [[ "${flat}" != *"postcondition failed"* || "${flat}" != *"batch-failed"* ]]; then
  fail "${cli} apply on batch-failed failed, but not because of the postcondition (see above)"
fi
if [[ -n "$("${tf}" -chdir="${failed_work}" state list 2>/dev/null || true)" ]]; then
  fail "the failed run still recorded resources in state"
fi
ok "the apply stopped with the postcondition's message (exit ${rc}): that is the gate working"
info "nothing downstream (terraform_data.publish_shortlist) was planned or created."

# Candidate data in a state file: application ids, scoring job ids and assessment verdicts.
count_ids() { { grep -oE 'app-[0-9]+' "$1" || true; } | sort -u | wc -l | tr -d ' '; }
count_job_ids() { { grep -oE 'sj-[a-z]+-[0-9]+' "$1" || true; } | sort -u | wc -l | tr -d ' '; }
count_verdicts() { { grep -oE '"verdict": *"' "$1" || true; } | wc -l | tr -d ' '; }

# ---------------------------------------------------------------------------------------------
section "The aggregate record: nova_scoring_batch_summary, gated on fresh criteria"
sum_work="${tmp}/summary"
mkdir -p "${sum_work}"
cp "${root}"/examples/demo/summary/*.tf "${sum_work}/"
info "working directory: ${sum_work} (a copy of examples/demo/summary/*.tf)"
info "the summary of batch-shortlist gates on status, score_min >= 7 and criteria == the current version."
run "${tf}" -chdir="${sum_work}" apply -input=false -auto-approve -compact-warnings ${tf_color[@]+"${tf_color[@]}"} ||
  fail "terraform apply of the summary gate failed (see above)"
sum_state="${sum_work}/terraform.tfstate"
if [[ "$(count_ids "${sum_state}")" -ne 0 || "$(count_job_ids "${sum_state}")" -ne 0 || "$(count_verdicts "${sum_state}")" -ne 0 ]]; then
  fail "the summary left candidate data in its state"
fi
ok "the gate passed; the state holds the record above and no application id, scoring job id or assessment"

info "Now batch-stale, scored against the archived criteria cv-2025-11; the freshness postcondition is expected to stop it."
stale_work="${tmp}/summary-stale"
mkdir -p "${stale_work}"
cp "${root}"/examples/demo/summary/*.tf "${stale_work}/"
apply_expecting_failure "${stale_work}" summary-stale -var batch_id=batch-stale
if [[ "${rc}" -eq 0 ]]; then
  fail "terraform apply of the summary gate on batch-stale succeeded: the freshness check did not stop it"
fi
if [[ "${flat}" != *"scored against criteria cv-2025-11, but the job's current criteria are cv-2026-02"* ]]; then
  fail "the summary gate on batch-stale failed, but not on the freshness check (see above)"
fi
ok "stopped (exit ${rc}): the scores are stale, so nothing is promoted"

# ---------------------------------------------------------------------------------------------
section "An ephemeral gate: the same wait and gate, no candidate data in state"
# Ephemeral resources came with Terraform 1.10 and OpenTofu 1.11.
tf_version="$(sed -nE 's/^[^0-9]*v?([0-9]+)\.([0-9]+)\..*/\1.\2/p' <<<"${tf_first_line}")"
product=Terraform minimum=10
if [[ "${tf_first_line}" == OpenTofu* ]]; then product=OpenTofu minimum=11; fi
if [[ -z "${tf_version}" ]] || ((${tf_version%%.*} == 1 && ${tf_version#*.} < minimum)); then
  info "skipped: ephemeral resources need ${product} 1.${minimum} or later, and this is ${tf_first_line}."
  info "The data source gate above works on every supported version."
  printf '\n%s%sDemo complete.%s Stopping the local Nova server.\n' "${green}" "${bold}" "${reset}"
  exit 0
fi

eph_work="${tmp}/ephemeral"
mkdir -p "${eph_work}"
cp "${root}"/examples/demo/ephemeral/*.tf "${eph_work}/"
info "working directory: ${eph_work} (a copy of examples/demo/ephemeral/*.tf)"
info "ephemeral \"nova_scoring_batch\" with require_completed = true gates terraform_data.promote on batch-slow."
run "${tf}" -chdir="${eph_work}" plan -input=false -out=tfplan -compact-warnings ${tf_color[@]+"${tf_color[@]}"} ||
  fail "${cli} plan of the ephemeral gate failed (see above)"
run "${tf}" -chdir="${eph_work}" apply -input=false -compact-warnings ${tf_color[@]+"${tf_color[@]}"} tfplan ||
  fail "${cli} apply of the ephemeral gate failed (see above)"
ok "the gate passed and terraform_data.promote was created; the batch was read during plan and again during apply"

ds_state="${work}/terraform.tfstate" eph_state="${eph_work}/terraform.tfstate"
ds_ids="$(count_ids "${ds_state}")" ds_verdicts="$(count_verdicts "${ds_state}")"
eph_ids="$(count_ids "${eph_state}")" eph_verdicts="$(count_verdicts "${eph_state}")"
info "$(printf '%-36s %-16s %-16s %s' 'candidate data in state' 'application ids' 'scoring job ids' 'assessment verdicts')"
info "$(printf '  %-34s %-16s %-16s %s' 'full: data source gate' "${ds_ids}" "$(count_job_ids "${ds_state}")" "${ds_verdicts}")"
info "$(printf '  %-34s %-16s %-16s %s' 'aggregate: summary gate' "$(count_ids "${sum_state}")" "$(count_job_ids "${sum_state}")" "$(count_verdicts "${sum_state}")")"
info "$(printf '  %-34s %-16s %-16s %s' 'none: ephemeral gate (this step)' "${eph_ids}" "$(count_job_ids "${eph_state}")" "${eph_verdicts}")"
if [[ "${ds_ids}" -eq 0 ]]; then
  fail "found no application id in the data source's state: the comparison is broken"
fi
if [[ "${eph_ids}" -ne 0 || "${eph_verdicts}" -ne 0 ]]; then
  fail "the ephemeral gate left candidate data in its state"
fi
ok "the ephemeral gate's state holds no application id, score or assessment"

info "Now the same configuration on batch-failed; the provider's require_completed is expected to stop it."
eph_failed="${tmp}/ephemeral-failed"
mkdir -p "${eph_failed}"
cp "${root}"/examples/demo/ephemeral/*.tf "${eph_failed}/"
apply_expecting_failure "${eph_failed}" ephemeral-failed -var batch_id=batch-failed
if [[ "${rc}" -eq 0 ]]; then
  fail "${cli} apply of the ephemeral gate on batch-failed succeeded: require_completed did not stop it"
fi
if [[ "${flat}" != *"Nova scoring batch did not pass the gate"* || "${flat}" != *"by error code: RESUME_FETCH_FAILED: 1"* ]]; then
  fail "the ephemeral gate on batch-failed failed, but not with require_completed's message (see above)"
fi
if [[ "${flat}" == *"Good match."* || "${flat}" == *"app-20"* ]]; then
  fail "the ephemeral gate's error shows a candidate's data"
fi
ok "stopped by the provider (exit ${rc}), counting the failed job by error code, naming no candidate, score or assessment"

# ---------------------------------------------------------------------------------------------
printf '\n%s%sDemo complete.%s Stopping the local Nova server.\n' "${green}" "${bold}" "${reset}"
