#!/usr/bin/env bash
# Bucket benchmark (issue 19): one `terraform plan` with 100 nova_scoring_batch
# reads (bucket read_and_ops, RATE per second) and 100 nova_criteria_version
# reads (bucket criteria_current_reads, 60 per second) against novafake
# enforcing both. Each bucket is paced on its own, so the plan should take
# about the batch bucket's floor, 100/RATE s (5 s at 20), not the 10 s one
# pacer for both buckets would need. Prints the median over RUNS of the wall
# time, the floor, their ratio, the requests, the 429s and failed runs.
# Nothing asserts; the figures go into BENCHMARKS.md.
#
#   RUNS=3 RATE=20 scripts/bench-buckets.sh
#
# Until the provider has the nova_criteria_version data source, it prints
# "skipped: nova_criteria_version not available" and exits 0.
set -euo pipefail
export CHECKPOINT_DISABLE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${RUNS:-3}"
rate="${RATE:-20}"
reads="${READS:-100}"

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
mkdir -p "$work/bin" "$work/ws"
go build -o "$work/bin/terraform-provider-nova" .
go build -o "$work/novafake" ./internal/cmd/novafake
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides { "registry.terraform.io/dweet/nova" = "$work/bin" }
  direct {}
}
RC
export TF_IN_AUTOMATION=1 NOVA_API_KEY=sk_test_buckets_000000000000000 NOVA_TENANT_ID=buckets
unset TF_LOG TF_LOG_PATH

calc() { awk "BEGIN { printf \"%.4f\\n\", $* }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

{
  echo '{"batches":['
  for ((j = 0; j < reads; j++)); do
    ((j == 0)) || echo ','
    printf '{"tenant":"buckets","jobId":"job-buckets","id":"batch-%03d","jobs":[{"applicationId":"a","score":7}]}' "$j"
  done
  echo ']}'
} >"$work/seed.json"

cat >"$work/ws/main.tf" <<HCL
terraform {
  required_providers {
    nova = { source = "dweet/nova" }
  }
}
data "nova_scoring_batch" "b" {
  count            = $reads
  job_id           = "job-buckets"
  scoring_batch_id = format("batch-%03d", count.index)
}
data "nova_criteria_version" "c" {
  count  = $reads
  job_id = "job-buckets"
}
HCL

if ! (cd "$work/ws" && "$tf" validate -no-color >"$work/validate.out" 2>&1); then
  if grep -q 'nova_criteria_version' "$work/validate.out"; then
    echo "skipped: nova_criteria_version not available"
    exit 0
  fi
  cat "$work/validate.out" >&2
  exit 1
fi

: >"$work/wall"; : >"$work/req"; : >"$work/429"; : >"$work/failed"
for ((r = 0; r < runs; r++)); do
  rm -f "$work/addr"
  "$work/novafake" -listen 127.0.0.1:0 -addr-file "$work/addr" -seed "$work/seed.json" -read-rate-limit "$rate" 2>"$work/fake.log" &
  fake_pid=$!
  for _ in $(seq 100); do [[ -s "$work/addr" ]] && break; sleep 0.05; done
  export NOVA_BASE_URL="$(cat "$work/addr")"
  failed=0
  start="$(date +%s.%N)"
  (cd "$work/ws" && "$tf" plan -input=false -no-color -lock=false >"$work/plan.out" 2>&1) || { failed=1; grep -m1 -A3 'Error:' "$work/plan.out" >&2 || true; }
  end="$(date +%s.%N)"
  kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fake_pid=""
  calc "$end - $start" >>"$work/wall"
  echo "$failed" >>"$work/failed"
  grep -c ' GET ' "$work/fake.log" >>"$work/req" || true
  grep -c ' GET .* 429 ' "$work/fake.log" >>"$work/429" || true
  echo "  run $((r + 1)): wall $(tail -n1 "$work/wall") s, requests $(tail -n1 "$work/req"), 429s $(tail -n1 "$work/429"), failed $failed" >&2
done
floor="$(calc "$reads / $rate")"
wall="$(median <"$work/wall")"
req="$(median <"$work/req")"
r429="$(median <"$work/429")"
echo
echo "| scenario | wall s | floor s | ratio | requests | 429s | failed |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '| %d batch + %d current-criteria reads, one plan | %.2f | %.2f | %.2fx | %s | %s (%.1f%%) | %s |\n' \
  "$reads" "$reads" "$wall" "$floor" "$(calc "$wall / $floor")" "$req" "$r429" "$(calc "100 * $r429 / ($req > 0 ? $req : 1)")" "$(sort -n "$work/failed" | tail -n1)"
echo "(median of $runs runs; floor = $reads/$rate s, the batch bucket's; targets: <= 1.3x, <= 2% 429)"
