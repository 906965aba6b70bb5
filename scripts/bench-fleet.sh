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
#   SCENARIOS="1x200 8x25 16x25 8x25:stripped" RUNS=3 RATE=20 scripts/bench-fleet.sh
#
# A scenario is NxM, with ":stripped" to drop the X-RateLimit-* headers as a
# proxy might (novafake -strip-ratelimit-headers).
set -euo pipefail
export CHECKPOINT_DISABLE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scenarios="${SCENARIOS:-1x200 8x25 16x25 8x25:stripped}"
runs="${RUNS:-3}"
rate="${RATE:-20}"

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

mkdir -p "$work/bin"
go build -o "$work/bin/terraform-provider-nova" .
go build -o "$work/novafake" ./internal/cmd/novafake
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides { "registry.terraform.io/dweet/nova" = "$work/bin" }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
export NOVA_API_KEY=sk_test_fleet_0000000000000000
unset TF_LOG TF_LOG_PATH

calc() { awk "BEGIN { printf \"%.4f\\n\", $* }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# seed N M writes a seed with M three-job batches in each of N tenants.
seed() {
  local n="$1" m="$2" i j first=1
  echo '{"batches":['
  for ((i = 0; i < n; i++)); do
    for ((j = 0; j < m; j++)); do
      ((first)) || echo ','
      first=0
      printf '{"tenant":"fleet-%d","jobId":"job-fleet","id":"batch-%03d","jobs":[{"applicationId":"a","score":7},{"applicationId":"b","score":3},{"applicationId":"c","score":9}]}' "$i" "$j"
    done
  done
  echo ']}'
}

# workspaces PREFIX N M writes one configuration per process.
workspaces() {
  local prefix="$1" n="$2" m="$3" i
  for ((i = 0; i < n; i++)); do
    mkdir -p "$work/$prefix-$i"
    cat >"$work/$prefix-$i/main.tf" <<HCL
terraform {
  required_providers {
    nova = { source = "dweet/nova" }
  }
}
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
  done
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

# fleet PREFIX N prints "wall failed": N plans at once, wall time to the last exit.
fleet() {
  local prefix="$1" n="$2" i start end failed=0
  local pids=()
  start="$(date +%s.%N)"
  for ((i = 0; i < n; i++)); do
    (cd "$work/$prefix-$i" && exec "$tf" plan -input=false -no-color -lock=false >"$work/plan-$i.out" 2>&1) &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      failed=$((failed + 1))
      grep -m1 -A3 'Error:' "$work/plan-$i.out" >&2 || true
    fi
  done
  end="$(date +%s.%N)"
  echo "$(calc "$end - $start") $failed"
}

rows=()
for sc in $scenarios; do
  spec="${sc%%:*}"
  flags=()
  [[ "$sc" == *:stripped ]] && flags=(-strip-ratelimit-headers)
  n="${spec%x*}"
  m="${spec#*x}"
  seed "$n" "$m" >"$work/seed.json"
  rm -rf "$work"/ws-* "$work"/empty-*
  workspaces ws "$n" "$m"
  workspaces empty "$n" 0
  : >"$work/wall"; : >"$work/base"; : >"$work/req"; : >"$work/429"; : >"$work/failed"
  for ((r = 0; r < runs; r++)); do
    start_fake -read-rate-limit "$rate" "${flags[@]}"
    read -r wall failed < <(fleet ws "$n")
    stop_fake
    echo "$wall" >>"$work/wall"
    echo "$failed" >>"$work/failed"
    grep -c ' GET ' "$work/fake.log" >>"$work/req" || true
    grep -c ' GET .* 429 ' "$work/fake.log" >>"$work/429" || true
    [[ -n "${KEEP_LOG:-}" ]] && cp "$work/fake.log" "$KEEP_LOG.$sc.$r"
    read -r wall _ < <(fleet empty "$n")
    echo "$wall" >>"$work/base"
    echo "  $sc run $((r + 1)): wall $(tail -n1 "$work/wall") s, empty $wall s, requests $(tail -n1 "$work/req"), 429s $(tail -n1 "$work/429"), failed $failed" >&2
  done
  floor="$(calc "$n * $m / $rate")"
  wall="$(median <"$work/wall")"
  req="$(median <"$work/req")"
  r429="$(median <"$work/429")"
  rows+=("$(printf '| %-14s | %3s | %4s | %7.2f | %6.2f | %5.2f x | %8.2f | %8s | %5s (%4.1f%%) | %6s |' \
    "$sc" "$n" "$m" "$wall" "$floor" "$(calc "$wall / $floor")" "$(median <"$work/base")" "$req" "$r429" "$(calc "100 * $r429 / ($req > 0 ? $req : 1)")" \
    "$(sort -n "$work/failed" | tail -n1)")")
done

echo
printf '| %-14s | %3s | %4s | %7s | %6s | %7s | %8s | %8s | %13s | %6s |\n' "scenario" "N" "M" "wall s" "floor" "ratio" "empty" "requests" "429s" "failed"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "----------------" "-----" "------" "---------" "--------" "---------" "----------" "----------" "---------------" "--------"
printf '%s\n' "${rows[@]}"
echo "(median of $runs runs; floor = N*M/$rate s; failed = most failed runs in any one run; empty = the same N plans at once without data sources)"
