#!/usr/bin/env bash
# `make release-check`: prove that a release archive installs the way users install it.
#
# Every other test loads the provider in-process or through dev_overrides; users run
# `terraform init`, which finds the archive, checks it, records its hash in .terraform.lock.hcl
# and runs the binary inside. This script does that, offline, for the host platform:
#
#  1. installs goreleaser ${GORELEASER_VERSION} into .bin/ (once; 5-10 minutes of CPU)
#  2. builds a snapshot release for the host platform only from the project's own .goreleaser.yml
#     (RELEASE_CHECK_CONFIG names another): `goreleaser release` has no --single-target, so it
#     runs on a copy that differs by one line, `targets: [<host>]` (which makes goreleaser ignore
#     goos, goarch and ignore), and prints that difference. When gpg is on PATH it signs with
#     a throwaway key made for the run, so the config's signing step runs too; else it is skipped
#  3. checks the names the Registry and `terraform init` rely on: the project name, a version
#     Terraform can select, the archive name, the binary inside it, the SHA256SUMS file and its
#     entries (archive and manifest), the signature (a binary detached signature that verifies),
#     and that terraform-registry-manifest.json says protocol 6.0
#  4. lays the archive out as a filesystem mirror (packed layout) and, with a CLI configuration
#     that has nothing but that mirror (no dev_overrides, no direct), runs `terraform init` and a
#     `terraform plan` that reads a batch from novafake through the installed binary; checks the
#     lock file's h1: hash against one computed from the zip by scripts/lockhash
#  5. the same with OpenTofu under registry.opentofu.org, when a tofu is at hand: TOFU_PATH,
#     `tofu` on PATH, or the newest .bin/tofu-v* that scripts/ensure-tofu.sh built (this script
#     never builds one: that takes 5-15 minutes; .ci/run and `make test-matrix` do). Otherwise
#     it says "skipped: no tofu", except in CI (CI=true, or RELEASE_CHECK_REQUIRE_TOFU=true),
#     where a missing tofu fails the check: CI proves both halves.
#
# Runs from any clone, whatever its directory is called. Writes dist/ (goreleaser's output) and a
# scratch directory that is removed on exit. Exits non-zero with a message naming what is wrong.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
cd "${root}"

# Not v2.15.0 or v2.15.1, though they build here: they add SHA256SUMS.sig's own hash to SHA256SUMS
# after signing it, so the signature never verifies: the Registry and terraform init reject it
# (goreleaser/goreleaser#6514; opentofu/registry#3974 asks provider authors to pin v2.14.3).
# The signature check below catches that: run it with GORELEASER_VERSION=v2.15.1 to see.
GORELEASER_VERSION="${GORELEASER_VERSION:-v2.14.3}"
config="${RELEASE_CHECK_CONFIG:-.goreleaser.yml}"
# What the Registry and the CLIs expect, from the provider's source address dweet/nova.
project=terraform-provider-nova
namespace=dweet
type=nova
demo_seed="${root}/examples/demo/seed.json"

run_start=$(date +%s)
step_start=${run_start}
step() {
  printf '\n==> %s\n' "$*"
  step_start=$(date +%s)
}
ok() { printf '    ok: %s\n' "$*"; }
done_step() { printf '    (%ss)\n' "$(($(date +%s) - step_start))"; }
fail() {
  printf '\nrelease-check FAILED: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '    %s\n' "${line}" >&2; done
  exit 1
}
indent() { sed 's/^/    | /'; }
# fail_showing FILE MESSAGE: fail, with the content of FILE (a command's output, the lock file)
# above the message.
fail_showing() {
  indent <"$1" >&2
  fail "$2 (above: ${1##*/})"
}

for tool in go git unzip sha256sum; do
  command -v "${tool}" >/dev/null 2>&1 || fail "${tool} is not on PATH" "release-check needs: go, git, unzip, sha256sum"
done
[[ -f "${config}" ]] || fail "no goreleaser config at ${config}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/nova-release-check.XXXXXX")"
fake_pid=""
gnupg_home=""
cleanup() {
  local rc=$?
  if [[ -n "${fake_pid}" ]] && kill -0 "${fake_pid}" 2>/dev/null; then
    kill "${fake_pid}" 2>/dev/null || true
    wait "${fake_pid}" 2>/dev/null || true
  fi
  # gpg started an agent for the throwaway keyring; stop that one only.
  if [[ -n "${gnupg_home}" ]]; then
    GNUPGHOME="${gnupg_home}" gpgconf --kill gpg-agent 2>/dev/null || true
  fi
  rm -rf "${tmp}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Nothing from the caller's CLI setup may take part: each CLI run below gets its own config,
# and until then an empty one (OpenTofu fails on a TF_CLI_CONFIG_FILE that does not exist).
export TF_CLI_CONFIG_FILE="${tmp}/empty.tfrc"
: >"${TF_CLI_CONFIG_FILE}"
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_WORKSPACE TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan \
  TOFU_CLI_CONFIG_FILE TF_LOG TF_LOG_PATH TF_LOG_PROVIDER TF_LOG_CORE
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# ---------------------------------------------------------------------------------------------
step "goreleaser ${GORELEASER_VERSION}"
goreleaser="${bin_dir}/goreleaser"
# (Output captured before matching: `cmd | grep -q` can end in SIGPIPE, a failure under pipefail.)
have_goreleaser="$("${goreleaser}" --version 2>/dev/null || true)"
if ! grep -qE "GitVersion:[[:space:]]+v?${GORELEASER_VERSION#v}\$" <<<"${have_goreleaser}"; then
  echo "    installing github.com/goreleaser/goreleaser/v2@${GORELEASER_VERSION} into ${bin_dir} (once: several minutes of compiling)"
  mkdir -p "${bin_dir}"
  (cd "${bin_dir}" && GOFLAGS=-mod=mod GOBIN="${bin_dir}" go install "github.com/goreleaser/goreleaser/v2@${GORELEASER_VERSION}") ||
    fail "could not install goreleaser ${GORELEASER_VERSION} from the Go module proxy"
fi
ok "$("${goreleaser}" --version 2>/dev/null | sed -n 's/^GitVersion:[[:space:]]*/goreleaser /p')"
done_step

# ---------------------------------------------------------------------------------------------
goos="$(go env GOOS)" goarch="$(go env GOARCH)"
step "snapshot release for ${goos}/${goarch} from ${config}"
# The release's `go mod tidy` hook must not change the module: a tag would then be built from
# a module graph that is not the commit's.
mod_before="$(cat go.mod go.sum | sha256sum)"
# The release signs SHA256SUMS with the key in GPG_FINGERPRINT. A throwaway key, in a keyring of
# its own, lets the snapshot run that step as a tag would.
sign_args=(--skip=sign)
if command -v gpg >/dev/null 2>&1 && command -v gpgconf >/dev/null 2>&1; then
  gnupg_home="${tmp}/gnupg"
  mkdir -m 700 "${gnupg_home}"
  export GNUPGHOME="${gnupg_home}"
  gpg --batch --quiet --passphrase '' --quick-gen-key 'release-check <release-check@example.invalid>' \
    ed25519 sign never 2>"${tmp}/gpg.log" ||
    fail_showing "${tmp}/gpg.log" "could not make a throwaway signing key with gpg"
  GPG_FINGERPRINT="$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" && !seen { print $10; seen = 1 }')"
  export GPG_FINGERPRINT
  sign_args=()
  ok "signing with a throwaway key ${GPG_FINGERPRINT}"
else
  ok "signing skipped: no gpg on PATH"
fi
# The host platform only: a `targets:` line before the first build's `goos:`. The rest of the
# file, names and templates included, is the project's.
target="${goos}_${goarch}"
case "${goarch}" in
amd64) target+="_v1" ;;
arm) target+="_6" ;;
esac
host_config="${tmp}/goreleaser-host.yml"
awk -v target="${target}" '
  /^[^[:space:]#]/ { in_builds = ($0 ~ /^builds:/) }
  in_builds && !done && match($0, /^[[:space:]]+goos:/) {
    print substr($0, 1, RLENGTH - 5) "targets: [" target "]"
    done = 1
  }
  { print }
  END { if (!done) exit 3 }' "${config}" >"${host_config}" ||
  fail "cannot limit ${config} to ${target}: its builds section has no goos list to put targets next to"
echo "    ${config} limited to this platform:"
diff "${config}" "${host_config}" | indent || true
rm -rf dist
"${goreleaser}" release --snapshot --clean ${sign_args[@]+"${sign_args[@]}"} --config "${host_config}" \
  >"${tmp}/goreleaser.log" 2>&1 ||
  fail_showing "${tmp}/goreleaser.log" "goreleaser release --snapshot failed"
ok "built in $(($(date +%s) - step_start))s; dist/:"
ls -1 dist | indent
if [[ "$(cat go.mod go.sum | sha256sum)" != "${mod_before}" ]]; then
  fail "the release's 'go mod tidy' hook changed go.mod or go.sum" \
    "run 'go mod tidy' and commit the result, so that a tagged release builds the committed module"
fi
done_step

# ---------------------------------------------------------------------------------------------
step "names and contents the Registry and terraform init rely on"
[[ -f dist/metadata.json ]] || fail "goreleaser wrote no dist/metadata.json"
json_field() { tr -d '\n' <"$2" | sed -nE "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"([^\"]*)\".*/\\1/p"; }
got_project="$(json_field project_name dist/metadata.json)"
version="$(json_field version dist/metadata.json)"
problems=()
if [[ "${got_project}" != "${project}" ]]; then
  problems+=("project name is '${got_project}', not '${project}': set project_name in ${config} (without it goreleaser guesses one: from go.mod, the git remote or the clone's directory)")
fi
# Terraform selects a pre-release only when named exactly, and does not find one with upper-case
# letters at all (0.0.1-SNAPSHOT-abc1234: "no available releases match"), so only lower case.
if [[ ! "${version}" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9a-z.-]+)?$ ]]; then
  problems+=("version '${version}' is not one terraform init can select (semver, lower-case pre-release): check snapshot.version_template in ${config}")
fi
zip_name="${project}_${version}_${goos}_${goarch}.zip"
sums_name="${project}_${version}_SHA256SUMS"
manifest_name="${project}_${version}_manifest.json"
binary_name="${project}_v${version}"
[[ "${goos}" == windows ]] && binary_name+=".exe"
if [[ ! -f "dist/${zip_name}" ]]; then
  problems+=("no archive dist/${zip_name}; the archives are: $(cd dist && ls -1 -- *.zip 2>/dev/null | tr '\n' ' ')" \
    "  the Registry and terraform init need terraform-provider-{NAME}_{VERSION}_{OS}_{ARCH}.zip: check project_name and archives[].name_template")
else
  entries="$(unzip -Z1 "dist/${zip_name}")" || fail "dist/${zip_name} is not a readable zip"
  if ! grep -qxF "${binary_name}" <<<"${entries}"; then
    problems+=("dist/${zip_name} holds no binary ${binary_name}; it holds: $(tr '\n' ' ' <<<"${entries}")" \
      "  terraform init looks for an executable named terraform-provider-{NAME}_v{VERSION}: check project_name and builds[].binary")
  fi
fi
if [[ ! -f "dist/${sums_name}" ]]; then
  problems+=("no checksums file dist/${sums_name}: check checksum.name_template")
else
  for name in "${zip_name}" "${manifest_name}"; do
    grep -qE "^[0-9a-f]{64}  ${name//./\\.}\$" "dist/${sums_name}" ||
      problems+=("dist/${sums_name} has no entry for ${name}: check archives and checksum.extra_files")
  done
  # Only the release's zips and manifest: a line for SHA256SUMS.sig means the file was rewritten
  # after it was signed, so its signature cannot verify (goreleaser v2.15.0 and v2.15.1 do that:
  # goreleaser/goreleaser#6508, #6514).
  others="$(grep -vE "  ${project}_${version//./\\.}_([a-z0-9]+_[a-z0-9]+\.zip|manifest\.json)\$" "dist/${sums_name}" || true)"
  if [[ -n "${others}" ]]; then
    problems+=("dist/${sums_name} lists more than the zips and the manifest: $(tr '\n' ' ' <<<"${others}")" \
      "  a line for the signature itself is goreleaser/goreleaser#6514 (v2.15.0, v2.15.1): the signature cannot verify; use another goreleaser")
  fi
fi
if [[ -n "${gnupg_home}" && -f "dist/${sums_name}" ]]; then
  if [[ ! -f "dist/${sums_name}.sig" ]]; then
    problems+=("no signature dist/${sums_name}.sig: check signs[].signature")
  elif [[ "$(head -c 10 "dist/${sums_name}.sig" | tr -d '\0')" == "-----BEGIN" ]]; then
    problems+=("dist/${sums_name}.sig is ASCII-armored; the Registry wants a binary signature: drop --armor from signs[].args")
  elif ! gpg --batch --quiet --verify "dist/${sums_name}.sig" "dist/${sums_name}" 2>"${tmp}/verify.log"; then
    problems+=("dist/${sums_name}.sig does not verify against dist/${sums_name}: $(tr '\n' ' ' <"${tmp}/verify.log")")
  fi
fi
manifest_flat="$(tr -d '[:space:]' <terraform-registry-manifest.json)"
if [[ "${manifest_flat}" != '{"version":1,"metadata":{"protocol_versions":["6.0"]}}' ]]; then
  problems+=("terraform-registry-manifest.json is not {\"version\": 1, \"metadata\": {\"protocol_versions\": [\"6.0\"]}}: the provider serves protocol 6 only (terraform-plugin-framework)")
fi
if ((${#problems[@]} > 0)); then
  fail "the release is misnamed or incomplete:" "${problems[@]}"
fi
(cd dist && grep -E "  (${zip_name//./\\.})\$" "${sums_name}" | sha256sum -c --quiet -) ||
  fail "dist/${zip_name} does not match its line in dist/${sums_name}"
manifest_sum="$(sha256sum terraform-registry-manifest.json | cut -d' ' -f1)"
grep -qxF "${manifest_sum}  ${manifest_name}" "dist/${sums_name}" ||
  fail "the ${manifest_name} line of dist/${sums_name} is not the sha256 of terraform-registry-manifest.json"
ok "project ${got_project}, version ${version}"
ok "dist/${zip_name} holds ${binary_name}"
ok "dist/${sums_name} lists the archive and ${manifest_name}, with matching sums"
if [[ -n "${gnupg_home}" ]]; then
  ok "dist/${sums_name}.sig is a binary detached signature that verifies"
fi
ok "terraform-registry-manifest.json: protocol_versions [\"6.0\"]"
want_h1="$(go run ./scripts/lockhash "dist/${zip_name}")" || fail "scripts/lockhash could not hash dist/${zip_name}"
ok "h1 hash of the archive (scripts/lockhash): ${want_h1}"
done_step

# ---------------------------------------------------------------------------------------------
step "start novafake on loopback with the demo seed"
go build -trimpath -o "${tmp}/novafake" ./internal/cmd/novafake || fail "go build ./internal/cmd/novafake failed"
addr_file="${tmp}/novafake.addr"
"${tmp}/novafake" -listen 127.0.0.1:0 -addr-file "${addr_file}" -seed "${demo_seed}" -quiet \
  >"${tmp}/novafake.log" 2>&1 &
fake_pid=$!
# novafake writes the file atomically (temp file and rename) once it listens.
deadline=$(($(date +%s) + 20))
until [[ -s "${addr_file}" ]]; do
  kill -0 "${fake_pid}" 2>/dev/null || fail_showing "${tmp}/novafake.log" "novafake exited before it was listening"
  (($(date +%s) < deadline)) || fail "novafake did not write ${addr_file} within 20s"
  sleep 0.1
done
base_url="$(tr -d '[:space:]' <"${addr_file}")"
export NOVA_BASE_URL="${base_url}" NOVA_API_KEY=sk_test_release_check_000000000000 NOVA_TENANT_ID=acme-corp
ok "novafake serves ${NOVA_BASE_URL}"
done_step

# install_and_plan CLI HOST: init and plan a configuration that reads batch-completed, with only
# a filesystem mirror under HOST to install the provider from, then check what init recorded.
install_and_plan() {
  local cli="$1" host="$2" name dir mirror rc_file lock installed log
  name="$("${cli}" version 2>/dev/null | sed -n 1p)"
  dir="${tmp}/${host}"
  mirror="${dir}/mirror"
  rc_file="${dir}/cli.tfrc"
  mkdir -p "${mirror}/${host}/${namespace}/${type}" "${dir}/config"
  # The packed layout: HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip
  # (https://developer.hashicorp.com/terraform/cli/config/config-file#filesystem_mirror).
  cp "dist/${zip_name}" "${mirror}/${host}/${namespace}/${type}/"
  cat >"${rc_file}" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["${host}/${namespace}/${type}"]
  }
}
EOF
  cat >"${dir}/config/main.tf" <<EOF
terraform {
  required_providers {
    nova = {
      source  = "${namespace}/${type}"
      version = "${version}"
    }
  }
}

provider "nova" {}

data "nova_scoring_batch" "check" {
  job_id           = "job-123"
  scoring_batch_id = "batch-completed"
}

output "status" {
  value = data.nova_scoring_batch.check.status
}
EOF
  printf '    %s, provider from %s\n' "${name}" "${mirror}/${host}/${namespace}/${type}/${zip_name}"

  export TF_CLI_CONFIG_FILE="${rc_file}"
  "${cli}" -chdir="${dir}/config" init -input=false -no-color >"${dir}/init.log" 2>&1 ||
    fail_showing "${dir}/init.log" "${name}: init from the filesystem mirror failed"
  grep -q "Installed ${namespace}/${type} v${version}" "${dir}/init.log" ||
    fail_showing "${dir}/init.log" "${name}: init did not install ${namespace}/${type} v${version}"
  installed="${dir}/config/.terraform/providers/${host}/${namespace}/${type}/${version}/${goos}_${goarch}/${binary_name}"
  [[ -x "${installed}" ]] || fail "${name}: init did not unpack an executable ${installed#"${dir}/config/"}"
  ok "init installed ${installed#"${dir}/config/"}"

  lock="${dir}/config/.terraform.lock.hcl"
  [[ -f "${lock}" ]] || fail "${name}: init wrote no .terraform.lock.hcl"
  grep -q "^provider \"${host}/${namespace}/${type}\"" "${lock}" ||
    fail_showing "${lock}" "${name}: .terraform.lock.hcl has no provider \"${host}/${namespace}/${type}\" block"
  grep -qE "^[[:space:]]*version[[:space:]]*=[[:space:]]*\"${version//./\\.}\"" "${lock}" ||
    fail_showing "${lock}" "${name}: .terraform.lock.hcl does not record version ${version}"
  grep -qF "\"${want_h1}\"" "${lock}" ||
    fail_showing "${lock}" "${name}: the lock file's hash is not the archive's ${want_h1} (scripts/lockhash)"
  ok "the lock file records ${version} with ${want_h1}, the archive's h1 hash"

  log="${dir}/plan-debug.log"
  TF_LOG=DEBUG TF_LOG_PATH="${log}" \
    "${cli}" -chdir="${dir}/config" plan -input=false -no-color >"${dir}/plan.log" 2>&1 ||
    fail_showing "${dir}/plan.log" "${name}: plan with the installed provider failed"
  grep -qE 'status[[:space:]]*=[[:space:]]*"completed"' "${dir}/plan.log" ||
    fail_showing "${dir}/plan.log" "${name}: the plan did not read batch-completed as completed"
  # The CLI logs the path of every plugin it starts: it must be the binary init installed.
  grep -qF "providers/${host}/${namespace}/${type}/${version}/${goos}_${goarch}/${binary_name}" "${log}" ||
    fail "${name}: the plan did not start the installed binary ${binary_name}"
  ok "plan read batch-completed (status = \"completed\") through the installed ${binary_name}"
}

# ---------------------------------------------------------------------------------------------
step "terraform: init from a filesystem mirror, then plan"
tf="$("${root}/scripts/ensure-terraform.sh")" || fail "no usable terraform binary"
if [[ "$("${tf}" version 2>/dev/null | sed -n 1p)" == OpenTofu* ]]; then
  fail "TF_ACC_TERRAFORM_PATH names OpenTofu (${tf}); the Terraform run needs terraform (OpenTofu runs after it)"
fi
install_and_plan "${tf}" registry.terraform.io
done_step

# ---------------------------------------------------------------------------------------------
step "OpenTofu: init from a filesystem mirror under registry.opentofu.org, then plan"
tofu=""
if [[ -n "${TOFU_PATH:-}" ]]; then
  tofu="${TOFU_PATH}"
elif command -v tofu >/dev/null 2>&1; then
  tofu="$(command -v tofu)"
else
  shopt -s nullglob
  built=("${bin_dir}"/tofu-v*[0-9])
  shopt -u nullglob
  if ((${#built[@]} > 0)); then
    tofu="$(printf '%s\n' "${built[@]}" | sort -V | tail -n 1)"
  fi
fi
if [[ -z "${tofu}" ]]; then
  if [[ "${RELEASE_CHECK_REQUIRE_TOFU:-${CI:-false}}" == true ]]; then
    fail "no tofu for the OpenTofu half, which CI must run (CI=true or RELEASE_CHECK_REQUIRE_TOFU=true)" \
      "set TOFU_PATH, put tofu on PATH, or build one into .bin/ with scripts/ensure-tofu.sh (.ci/run does)"
  fi
  echo "    skipped: no tofu (TOFU_PATH, tofu on PATH, or .bin/tofu-v* from scripts/ensure-tofu.sh)"
elif ! "${tofu}" version >/dev/null 2>&1; then
  fail "${tofu} does not run: fix TOFU_PATH or remove it"
else
  install_and_plan "${tofu}" registry.opentofu.org
fi
done_step

printf '\nrelease-check passed in %ss: %s installs from a filesystem mirror and runs.\n' \
  "$(($(date +%s) - run_start))" "${zip_name}"
