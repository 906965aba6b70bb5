#!/usr/bin/env bash
# Fleet benchmark: N concurrent `terraform plan` processes, each reading M
# nova_scoring_batch data sources, all with one API key against one novafake
# enforcing RATE read requests per second for that key (Nova's read bucket is
# per key and environment, shared by all tenants: each process uses its own
# tenant). Prints, per scenario, the median over RUNS of: wall time from the
# first launch to the last exit, the floor N*M/RATE s, their ratio, the
# requests novafake answered, how many were 429, and failed runs. A second
# wall time, "empty", is the same N plans at once without data sources, in
# the same run: what starting N Terraform runs costs on this machine, which
# no pacing can remove. Nothing asserts; the figures go into BENCHMARKS.md.
#
#   SCENARIOS="1x200 1x200@1s 8x25@1s 8x25:stripped 2x100:aliases" RUNS=3 RATE=20 scripts/bench-fleet.sh
#   BASELINE=main SCENARIOS="1x200@1s" scripts/bench-fleet.sh   # before and after, in one loop
#
# A scenario is NxM, then optionally:
#   @OFFSET     Nova's clock OFFSET ahead of the local one (1s, 1.8s, -900ms):
#               novafake -clock-offset, as a server whose clock drifted;
#   :stripped   drop the X-RateLimit-* headers as a proxy might
#               (novafake -strip-ratelimit-headers);
#   :aliases    one plan with N provider aliases (same key, a tenant each), M
#               reads through each: Terraform starts one provider process per
#               alias, so they pace like N runs, through the headers;
#   :buckets    (N must be 1) one plan with M batch reads (bucket read_and_ops,
#               RATE/s) and M nova_criteria_version reads (criteria_current_reads,
#               60/s): each bucket is paced on its own, so the floor is the
#               batch bucket's, M/RATE s (its target, in BENCHMARKS.md: <= 1.3x, <= 2% 429).
#               A build without nova_criteria_version prints "skipped".
# BASELINE=<git revision> also builds the provider from that revision and runs
# every scenario with both builds, alternating, in the same loop; rows are
# labelled "before" and "after". PLAN_TIMEOUT (default 120 s) ends a plan that
# takes longer; it counts as failed and its wall time is the timeout.
set -euo pipefail
export CHECKPOINT_DISABLE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scenarios="${SCENARIOS:-1x200 1x200@1s 1x200@1.8s 1x200@-900ms 8x25 8x25@1s 8x25:stripped 2x100:aliases 1x100:buckets}"
runs="${RUNS:-1}"
rate="${RATE:-20}"
plan_timeout="${PLAN_TIMEOUT:-120}"
baseline="${BASELINE:-}"

work="$(mktemp -d)"
fake_pid=""
cleanup() {
  if [[ -n "$fake_pid" ]]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

: >"$work/terraformrc"
export TF_CLI_CONFIG_FILE="$work/terraformrc"
tf="$(scripts/ensure-terraform.sh)"
echo "terraform: $tf ($("$tf" version | head -n1)); $(nproc) cores; runs per figure: $runs; limit $rate req/s per key" >&2

# rc NAME DIR writes a CLI configuration that finds the provider in DIR.
rc() {
  cat >"$work/$1.tfrc" <<RC
provider_installation {
  dev_overrides { "registry.terraform.io/dweet/nova" = "$2" }
  direct {}
}
RC
}
builds=(after)
mkdir -p "$work/after"
go build -o "$work/after/terraform-provider-nova" .
rc after "$work/after"
if [[ -n "$baseline" ]]; then
  mkdir -p "$work/before-src" "$work/before"
  git archive "$baseline" | tar -x -C "$work/before-src"
  (cd "$work/before-src" && go build -o "$work/before/terraform-provider-nova" .)
  rc before "$work/before"
  builds=(before after)
  echo "before: $(git rev-parse --short "$baseline"); after: the work tree" >&2
fi
go build -o "$work/novafake" ./internal/cmd/novafake
export TF_IN_AUTOMATION=1
export NOVA_API_KEY=sk_test_fleet_0000000000000000
unset TF_LOG TF_LOG_PATH

calc() { awk "BEGIN { printf \"%.4f\\n\", $* }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# seed N M [criteria] writes a seed with M three-job batches in each of N
# tenants; with "criteria", also the current criteria version of job-fleet in
# tenant fleet-0, which the :buckets scenario reads (a novafake without
# criteria versions refuses such a seed, hence only then).
seed() {
  local n="$1" m="$2" i j first=1
  echo '{'
  if [[ "${3:-}" == criteria ]]; then
    echo '"criteriaVersions":[{"env":"sandbox","tenant":"fleet-0","jobId":"job-fleet","id":"cv-fleet","version":1,"status":"ACTIVE","createdAt":"2026-01-01T00:00:00Z","criteria":[{"id":"cr-1","text":"Backend experience","importance":"MUST_HAVE","order":1}]}],'
  fi
  echo '"batches":['
  for ((i = 0; i < n; i++)); do
    for ((j = 0; j < m; j++)); do
      ((first)) || echo ','
      first=0
      printf '{"tenant":"fleet-%d","jobId":"job-fleet","id":"batch-%03d","jobs":[{"applicationId":"a","score":7},{"applicationId":"b","score":3},{"applicationId":"c","score":9}]}' "$i" "$j"
    done
  done
  echo ']}'
}

header() {
  cat <<HCL
terraform {
  required_providers {
    nova = { source = "dweet/nova" }
  }
}
HCL
}

# workspaces PREFIX N M writes one configuration per process.
workspaces() {
  local prefix="$1" n="$2" m="$3" i
  for ((i = 0; i < n; i++)); do
    mkdir -p "$work/$prefix-$i"
    {
      header
      cat <<HCL
provider "nova" {
  tenant_id = "fleet-$i"
}
data "nova_scoring_batch" "b" {
  count            = $m
  job_id           = "job-fleet"
  scoring_batch_id = format("batch-%03d", count.index)
}
output "completed" { value = length([for b in data.nova_scoring_batch.b : b if b.status == "completed"]) }
HCL
    } >"$work/$prefix-$i/main.tf"
  done
}

# aliases PREFIX N M writes one configuration with N aliases of M reads each.
aliases() {
  local prefix="$1" n="$2" m="$3" i
  mkdir -p "$work/$prefix-0"
  {
    header
    for ((i = 0; i < n; i++)); do
      cat <<HCL
provider "nova" {
  alias     = "a$i"
  tenant_id = "fleet-$i"
}
data "nova_scoring_batch" "b$i" {
  provider         = nova.a$i
  count            = $m
  job_id           = "job-fleet"
  scoring_batch_id = format("batch-%03d", count.index)
}
HCL
    done
  } >"$work/$prefix-0/main.tf"
}

# buckets PREFIX M writes one configuration with M batch reads and M
# current-criteria reads.
buckets() {
  local prefix="$1" m="$2"
  mkdir -p "$work/$prefix-0"
  {
    header
    cat <<HCL
provider "nova" {
  tenant_id = "fleet-0"
}
data "nova_scoring_batch" "b" {
  count            = $m
  job_id           = "job-fleet"
  scoring_batch_id = format("batch-%03d", count.index)
}
data "nova_criteria_version" "c" {
  count  = $m
  job_id = "job-fleet"
}
HCL
  } >"$work/$prefix-0/main.tf"
}

# supported BUILD PREFIX: the build knows every data source of the configuration.
supported() {
  (cd "$work/$2-0" && TF_CLI_CONFIG_FILE="$work/$1.tfrc" "$tf" validate -no-color >"$work/validate.out" 2>&1) ||
    ! grep -q 'does not support data source "nova_criteria_version"' "$work/validate.out"
}

start_fake() {
  rm -f "$work/addr" "$work/fake.log"
  "$work/novafake" -listen 127.0.0.1:0 -addr-file "$work/addr" -seed "$work/seed.json" "$@" 2>"$work/fake.log" &
  fake_pid=$!
  for _ in $(seq 100); do [[ -s "$work/addr" ]] && break; sleep 0.05; done
  NOVA_BASE_URL="$(cat "$work/addr")"
  export NOVA_BASE_URL
}

stop_fake() {
  kill "$fake_pid" 2>/dev/null || true
  wait "$fake_pid" 2>/dev/null || true
  fake_pid=""
}

# fleet BUILD PREFIX N prints "wall failed": N plans at once, wall time to the last exit.
fleet() {
  local build="$1" prefix="$2" n="$3" i start end failed=0
  local pids=()
  start="$(date +%s.%N)"
  for ((i = 0; i < n; i++)); do
    (cd "$work/$prefix-$i" && TF_CLI_CONFIG_FILE="$work/$build.tfrc" exec timeout "$plan_timeout" "$tf" plan -input=false -no-color -lock=false >"$work/plan-$i.out" 2>&1) &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      failed=$((failed + 1))
      grep -m1 -A3 'Error:' "$work/plan-$i.out" >&2 || echo "  (plan $i: no answer within ${plan_timeout}s)" >&2
    fi
  done
  end="$(date +%s.%N)"
  echo "$(calc "$end - $start") $failed"
}

rows=()
for sc in $scenarios; do
  spec="${sc%%[@:]*}"
  flags=()
  [[ "$sc" == *:stripped* ]] && flags+=(-strip-ratelimit-headers)
  if [[ "$sc" == *@* ]]; then
    offset="${sc#*@}"
    offset="${offset%%:*}"
    flags+=(-clock-offset "$offset")
  fi
  n="${spec%x*}"
  m="${spec#*x}"
  if [[ "$sc" == *:buckets* ]]; then seed "$n" "$m" criteria; else seed "$n" "$m"; fi >"$work/seed.json"
  rm -rf "$work"/ws-* "$work"/empty-*
  procs="$n"
  floor="$(calc "$n * $m / $rate")"
  run_builds=("${builds[@]}")
  if [[ "$sc" == *:buckets* ]]; then
    buckets ws "$m"
    buckets empty 0
    floor="$(calc "$m / $rate")"
    run_builds=()
    for b in "${builds[@]}"; do
      if supported "$b" ws; then
        run_builds+=("$b")
      else
        echo "  $sc $b: skipped: nova_criteria_version not available" >&2
        rows+=("$(printf '| %-20s | %-6s | skipped: nova_criteria_version not available |' "$sc" "$b")")
      fi
    done
  elif [[ "$sc" == *:aliases* ]]; then
    aliases ws "$n" "$m"
    aliases empty "$n" 0
    procs=1
  else
    workspaces ws "$n" "$m"
    workspaces empty "$n" 0
  fi
  for b in "${run_builds[@]}"; do : >"$work/wall.$b"; : >"$work/base.$b"; : >"$work/req.$b"; : >"$work/429.$b"; : >"$work/failed.$b"; done
  for ((r = 0; r < runs && ${#run_builds[@]} > 0; r++)); do
    for b in "${run_builds[@]}"; do
      start_fake -read-rate-limit "$rate" "${flags[@]}"
      read -r wall failed < <(fleet "$b" ws "$procs")
      stop_fake
      echo "$wall" >>"$work/wall.$b"
      echo "$failed" >>"$work/failed.$b"
      grep -c ' GET ' "$work/fake.log" >>"$work/req.$b" || true
      grep -c ' GET .* 429 ' "$work/fake.log" >>"$work/429.$b" || true
      [[ -n "${KEEP_LOG:-}" ]] && cp "$work/fake.log" "$KEEP_LOG.$sc.$b.$r"
      read -r wall _ < <(fleet "$b" empty "$procs")
      echo "$wall" >>"$work/base.$b"
      echo "  $sc $b run $((r + 1)): wall $(tail -n1 "$work/wall.$b") s, empty $wall s, requests $(tail -n1 "$work/req.$b"), 429s $(tail -n1 "$work/429.$b"), failed $failed" >&2
    done
  done
  for b in "${run_builds[@]}"; do
    wall="$(median <"$work/wall.$b")"
    req="$(median <"$work/req.$b")"
    r429="$(median <"$work/429.$b")"
    rows+=("$(printf '| %-20s | %-6s | %3s | %4s | %7.2f | %6.2f | %5.2f x | %8.2f | %8s | %5s (%4.1f%%) | %6s |' \
      "$sc" "$b" "$n" "$m" "$wall" "$floor" "$(calc "$wall / $floor")" "$(median <"$work/base.$b")" "$req" "$r429" "$(calc "100 * $r429 / ($req > 0 ? $req : 1)")" \
      "$(sort -n "$work/failed.$b" | tail -n1)")")
  done
done

echo
printf '| %-20s | %-6s | %3s | %4s | %7s | %6s | %7s | %8s | %8s | %13s | %6s |\n' "scenario" "build" "N" "M" "wall s" "floor" "ratio" "empty" "requests" "429s" "failed"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------" "--------" "-----" "------" "---------" "--------" "---------" "----------" "----------" "---------------" "--------"
printf '%s\n' "${rows[@]}"
echo "(median of $runs runs; floor = N*M/$rate s, for :buckets M/$rate s; failed = most failed runs in any one run; empty = the same plans at once without data sources)"
