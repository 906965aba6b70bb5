#!/usr/bin/env bash
# End-to-end figures with the real terraform CLI against novafake on
# loopback (dev_overrides, no init). Prints one table; every ratio is taken
# against a floor measured in the same run, because these machines are
# shared and noisy. Nothing here asserts: the figures go into BENCHMARKS.md.
#
#   RUNS=5 WAIT_T=6 POLL=1 SIZES="25 100 1000" BASELINE=<git rev> scripts/bench.sh
set -euo pipefail
export CHECKPOINT_DISABLE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${RUNS:-5}"
wait_t="${WAIT_T:-6}"      # seconds until the waited-on batch completes
poll="${POLL:-1}"          # poll_interval of the wait, seconds
many="${MANY:-200}"        # data sources in the pacing run
rate="${RATE:-20}"         # novafake's per-key read limit
read -r -a sizes <<<"${SIZES:-25 100 1000}" # jobs per batch in the floor comparisons
baseline="${BASELINE:-}"   # a git revision whose provider to compare with

work="$(mktemp -d)"
fake_pid=""
cleanup() {
  [[ -n "$fake_pid" ]] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

tf="$(scripts/ensure-terraform.sh)"
echo "terraform: $tf ($("$tf" version | head -n1)); $(nproc) cores; runs per figure: $runs" >&2

# The provider runs under /usr/bin/time through a wrapper, so every
# provider process appends its peak RSS (KiB) to a file.
mkdir -p "$work/bin"
go build -o "$work/bin/terraform-provider-nova.real" .
go build -o "$work/novafake" ./internal/cmd/novafake
cat >"$work/bin/terraform-provider-nova" <<WRAP
#!/usr/bin/env bash
exec /usr/bin/time -f %M -a -o "\${NOVA_BENCH_RSS:-/dev/null}" "$work/bin/terraform-provider-nova.real" "\$@"
WRAP
chmod +x "$work/bin/terraform-provider-nova"
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides { "registry.terraform.io/dweet/nova" = "$work/bin" }
  direct {}
}
RC
if [[ -n "$baseline" ]]; then
  mkdir -p "$work/base-src" "$work/base-bin"
  git archive "$baseline" | tar -x -C "$work/base-src"
  (cd "$work/base-src" && go build -o "$work/base-bin/terraform-provider-nova.real" .)
  sed "s#$work/bin/#$work/base-bin/#" "$work/bin/terraform-provider-nova" >"$work/base-bin/terraform-provider-nova"
  chmod +x "$work/base-bin/terraform-provider-nova"
  sed "s#$work/bin#$work/base-bin#" "$work/terraformrc" >"$work/terraformrc.base"
fi
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
export NOVA_API_KEY=sk_test_bench_0000000000000000 NOVA_TENANT_ID=bench

# seed_batch ID JOBS [AFTER] prints one batch of the seed file.
seed_batch() {
  local id="$1" n="$2" after="${3:-}" jobs="" i fail
  for ((i = 0; i < n; i++)); do
    # A tenth of the jobs fail, as in novafake.SampleBatchBody.
    if ((i % 10 == 9)); then fail=',"fail":true'; else fail=""; fi
    jobs+="${jobs:+,}{\"applicationId\":\"app-$i\",\"score\":$((1 + i % 10))$fail${after:+,\"after\":\"$after\"}}"
  done
  printf '{"tenant":"bench","jobId":"job-bench","id":"%s","jobs":[%s]}' "$id" "$jobs"
}

# start_fake SEEDFILE [FLAGS...] starts novafake and exports NOVA_BASE_URL.
start_fake() {
  local seed="$1"; shift
  rm -f "$work/addr" "$work/fake.log"
  "$work/novafake" -listen 127.0.0.1:0 -addr-file "$work/addr" -seed "$seed" "$@" 2>"$work/fake.log" &
  fake_pid=$!
  for _ in $(seq 100); do [[ -s "$work/addr" ]] && break; sleep 0.05; done
  fake_started="$(date +%s.%N)"
  export NOVA_BASE_URL="$(cat "$work/addr")"
}

stop_fake() {
  kill "$fake_pid" 2>/dev/null || true
  wait "$fake_pid" 2>/dev/null || true
  fake_pid=""
}

# workspace NAME HCL writes a configuration and prints its directory.
workspace() {
  mkdir -p "$work/$1"
  printf 'terraform {\n  required_providers {\n    nova = { source = "dweet/nova" }\n  }\n}\nprovider "nova" {}\n%s\n' "$2" >"$work/$1/main.tf"
  echo "$work/$1"
}

# timed DIR prints the wall time of one `terraform plan` in DIR.
timed() {
  local start end
  start="$(date +%s.%N)"
  (cd "$1" && "$tf" plan -input=false -no-color >"$work/plan.out" 2>&1) || { cat "$work/plan.out" >&2; exit 1; }
  end="$(date +%s.%N)"
  calc "$end - $start"
}

calc() { awk "BEGIN { printf \"%.4f\\n\", $* }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
max_rss_mib() { sort -n "$1" | tail -n1 | awk '{ printf "%.1f", $1 / 1024 }'; }
count_requests() { grep -c ' GET ' "$work/fake.log" || true; }
count_429() { grep -c ' GET .* 429 ' "$work/fake.log" || true; }

rows=()
row() { rows+=("$(printf '| %-50s | %8s | %8s | %5s | %9s | %-26s | %6s |' "$@")"); }

# (a) The floor comparisons, side by side in one run. For each batch size:
# a plan reading the batch with the provider; the same plan reading the very
# JSON novafake serves with Terraform's own jsondecode(file()), no provider at
# all; and, once, a plan with the provider configured and no data source.
# With BASELINE=<git revision>, a provider built from that revision reads the
# same batches in the same loop, and the state each provider writes is
# compared (terraform show -json, trace ids masked: novafake draws a new one
# for every response).
{
  echo '{"batches":['
  first=1
  for n in "${sizes[@]}"; do
    ((first)) || echo ','
    first=0
    seed_batch "batch-$n" "$n"
  done
  echo ']}'
} >"$work/seed-a.json"
start_fake "$work/seed-a.json"
floor_dir="$(workspace floor 'output "x" { value = "no data source" }')"
: >"$work/floor.t"
for n in "${sizes[@]}"; do
  workspace "ds-$n" "data \"nova_scoring_batch\" \"b\" {
  job_id           = \"job-bench\"
  scoring_batch_id = \"batch-$n\"
}
output \"status\" { value = data.nova_scoring_batch.b.status }" >/dev/null
  mkdir -p "$work/json-$n"
  curl -fsS -H "Authorization: Bearer $NOVA_API_KEY" -H "X-Tenant-Id: $NOVA_TENANT_ID" \
    "$NOVA_BASE_URL/v1/jobs/job-bench/scoring-batches/batch-$n" >"$work/json-$n/batch.json"
  printf 'locals {\n  b = jsondecode(file("${path.module}/batch.json"))\n}\noutput "status" { value = local.b.batch.status }\n' >"$work/json-$n/main.tf"
  : >"$work/ds-$n.t"; : >"$work/json-$n.t"; : >"$work/ds-$n.rss"; : >"$work/base-$n.t"; : >"$work/base-$n.rss"
done
timed "$floor_dir" >/dev/null # warm the page cache
for ((r = 0; r < runs; r++)); do
  timed "$floor_dir" >>"$work/floor.t"
  for n in "${sizes[@]}"; do
    NOVA_BENCH_RSS="$work/ds-$n.rss" timed "$work/ds-$n" >>"$work/ds-$n.t"
    timed "$work/json-$n" >>"$work/json-$n.t"
    if [[ -n "$baseline" ]]; then
      TF_CLI_CONFIG_FILE="$work/terraformrc.base" NOVA_BENCH_RSS="$work/base-$n.rss" timed "$work/ds-$n" >>"$work/base-$n.t"
    fi
  done
done
floor="$(median <"$work/floor.t")"
# Where the difference goes: how often Terraform starts the provider, and
# how long the provider spends serving its calls (framework tracing off, as
# it would slow the calls it measures; from terraform-plugin-go's
# "Received downstream response" trace lines).
# rpc_sum REGEX FILE adds up tf_req_duration_ms over the matching lines.
rpc_sum() {
  awk -v re="$1" '$0 ~ re && match($0, /tf_req_duration_ms=[0-9]+/) { s += substr($0, RSTART + 19, RLENGTH - 19) } END { print s + 0 }' "$2"
}
breakdown() {
  (cd "$1" && TF_LOG=TRACE TF_LOG_SDK_FRAMEWORK=OFF TF_LOG_PATH="$work/trace.log" "$tf" plan -input=false -no-color >/dev/null 2>&1)
  launches="$(grep -c 'provider: starting plugin' "$work/trace.log" || true)"
  rpc_ms="$(rpc_sum 'Received downstream response' "$work/trace.log")"
  read_ms="$(rpc_sum 'Received downstream response.*tf_rpc=ReadDataSource|tf_rpc=ReadDataSource.*Received downstream response' "$work/trace.log")"
  rm -f "$work/trace.log"
}
breakdown "$floor_dir"
breakdowns=("floor: $launches provider start(s), ${rpc_ms} ms serving calls")
# state_json DIR prints the state a fresh apply of DIR writes, trace ids masked.
state_json() {
  local copy
  copy="$(mktemp -d "$work/state.XXXX")"
  cp "$1/main.tf" "$copy/"
  (cd "$copy" && "$tf" apply -auto-approve -input=false -no-color >/dev/null && "$tf" show -json) |
    jq -S '(.. | objects | select(has("trace_id")) | .trace_id) |= (if . == null then null else "masked" end)'
  rm -rf "$copy"
}
row "plan, no data source (floor)" "$(printf %.2f "$floor")" "0" "0" "-" "1.00 (floor)" ""
for n in "${sizes[@]}"; do
  ds="$(median <"$work/ds-$n.t")"
  json="$(median <"$work/json-$n.t")"
  breakdown "$work/ds-$n"
  share="$(calc "$rpc_ms / ($floor * 1000) * 100" | xargs printf %.0f)"
  breakdowns+=("$n jobs: $launches provider starts, ${rpc_ms} ms serving calls (ReadDataSource ${read_ms} ms) = ${share}% of the floor plan")
  goal=""
  case "$n" in 100) goal="<=1.05 json" ;; 1000) goal="<=1.25 json, RSS<64" ;; esac
  row "plan, jsondecode(file()), $n jobs, no provider" "$(printf %.2f "$json")" "0" "0" "-" "$(calc "$json / $floor" | xargs printf %.2f) x floor" ""
  row "plan, 1 data source, $n jobs" "$(printf %.2f "$ds")" "1" "0" "$(max_rss_mib "$work/ds-$n.rss")" \
    "$(calc "$ds / $json" | xargs printf %.2f) x json, $(calc "$ds / $floor" | xargs printf %.2f) x floor" "$goal"
  if [[ -n "$baseline" ]]; then
    base="$(median <"$work/base-$n.t")"
    row "  same, provider at $baseline" "$(printf %.2f "$base")" "1" "0" "$(max_rss_mib "$work/base-$n.rss")" \
      "$(calc "$base / $json" | xargs printf %.2f) x json, $(calc "$base / $floor" | xargs printf %.2f) x floor" ""
    TF_CLI_CONFIG_FILE="$work/terraformrc.base" breakdown "$work/ds-$n"
    breakdowns+=("$n jobs, provider at $baseline: $launches provider starts, ${rpc_ms} ms serving calls (ReadDataSource ${read_ms} ms) = $(calc "$rpc_ms / ($floor * 1000) * 100" | xargs printf %.0f)% of the floor plan")
    if diff <(state_json "$work/ds-$n") <(TF_CLI_CONFIG_FILE="$work/terraformrc.base" state_json "$work/ds-$n") >"$work/state.diff"; then
      breakdowns+=("$n jobs: terraform show -json identical with the provider at $baseline ($(state_json "$work/ds-$n" | wc -c) bytes)")
    else
      breakdowns+=("$n jobs: terraform show -json DIFFERS from the provider at $baseline: $(head -c 600 "$work/state.diff")")
    fi
  fi
done
stop_fake

# (b) many data sources under novafake's per-key limit.
{
  echo '{"batches":['
  for ((i = 0; i < many; i++)); do
    ((i > 0)) && echo ','
    seed_batch "$(printf 'batch-%03d' "$i")" 3
  done
  echo ']}'
} >"$work/seed-b.json"
many_dir="$(workspace many "data \"nova_scoring_batch\" \"b\" {
  count            = $many
  job_id           = \"job-bench\"
  scoring_batch_id = format(\"batch-%03d\", count.index)
}
output \"completed\" { value = length([for b in data.nova_scoring_batch.b : b if b.status == \"completed\"]) }")"
: >"$work/many.t"; : >"$work/many.rss"; : >"$work/many.req"; : >"$work/many.429"
for ((r = 0; r < runs; r++)); do
  start_fake "$work/seed-b.json" -read-rate-limit "$rate"
  NOVA_BENCH_RSS="$work/many.rss" timed "$many_dir" >>"$work/many.t"
  stop_fake
  count_requests >>"$work/many.req"
  count_429 >>"$work/many.429"
done
many_t="$(median <"$work/many.t")"
many_floor="$(calc "$many / $rate + $floor")"
row "plan, $many data sources, $rate req/s limit" "$(printf %.2f "$many_t")" "$(median <"$work/many.req")" "$(sort -n "$work/many.429" | tail -n1)" "$(max_rss_mib "$work/many.rss")" \
  "$(calc "$many_t / $many_floor" | xargs printf %.2f) x ($many/$rate s + floor)" "<1.2, 0 429"

# (c) a wait on a batch that completes wait_t seconds after the server starts.
wait_dir="$(workspace wait "data \"nova_scoring_batch\" \"b\" {
  job_id              = \"job-bench\"
  scoring_batch_id    = \"batch-wait\"
  wait_for_completion = true
  poll_interval       = \"${poll}s\"
}
output \"status\" { value = data.nova_scoring_batch.b.status }")"
{ echo '{"batches":['; seed_batch batch-wait 25 "${wait_t}s"; echo ']}'; } >"$work/seed-c.json"
: >"$work/wait.t"; : >"$work/wait.req"; : >"$work/wait.detect"
for ((r = 0; r < runs; r++)); do
  start_fake "$work/seed-c.json"
  timed "$wait_dir" >>"$work/wait.t"
  stop_fake
  count_requests >>"$work/wait.req"
  # The last GET is the one that saw the batch finished.
  last="$(grep ' GET ' "$work/fake.log" | tail -n1 | awk '{ print $2 " " $3 }')"
  last_s="$(date -d "$last" +%s.%N)"
  calc "$last_s - ($fake_started + $wait_t)" >>"$work/wait.detect"
done
wait_time="$(median <"$work/wait.t")"
row "wait, batch done after ${wait_t}s, poll ${poll}s" "$(printf %.2f "$wait_time")" "$(median <"$work/wait.req")" "0" "-" \
  "$(calc "$wait_time / ($wait_t + $poll)" | xargs printf %.2f) x (T + poll)" "detect<$(calc "$poll + 0.5" | xargs printf %.1f)s"
detect="$(median <"$work/wait.detect")"

echo
printf '| %-50s | %8s | %8s | %5s | %9s | %-26s | %6s |\n' "scenario (median of $runs)" "wall s" "requests" "429s" "RSS MiB" "ratio" "target"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..52})" "----------" "----------" "-------" "-----------" "----------------------------" "--------"
printf '%s\n' "${rows[@]}"
echo
echo "where the time goes (one traced run each):"
printf '  %s\n' "${breakdowns[@]}"
echo "wait: completion to detection $(printf %.2f "$detect") s (goal <= poll_interval + 0.5 s = $(calc "$poll + 0.5" | xargs printf %.1f) s);" \
  "requests $(median <"$work/wait.req") (goal <= ceil(T/poll) + 2 = $(( (wait_t + poll - 1) / poll + 2 )))"
