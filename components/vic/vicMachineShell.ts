/**
 * The bash pieces every vic-machine script shares: the prologue, the private directory, the
 * secrets taken out of the environment, and the functions that run vic-machine and inspect.
 */

import { renderArgs, shellQuote, vicInspectArgs } from "./vicMachineArgs";
import {
  INCORRECT_USAGE,
  PANIC_MESSAGE,
  SUCCESS_MESSAGES,
  logLine,
  logrusValue,
} from "./vicMachineOutput";
import {
  DEFAULT_ADDRESS_WAIT,
  DEFAULT_VIC_MACHINE,
  DIR_VAR,
  OPS_PASSWORD_ENV,
  REGISTRY_CA_ENV,
  TLS_ENV,
  TLS_FILES,
  VIC_PASSWORD_ENV,
  VchSpec,
} from "./vicMachineSpec";

/**
 * The `interpreter` input for the Commands that run the scripts: they use bash features
 * (`pipefail`, `PIPESTATUS`). `--norc` because a non-interactive bash whose stdin is a socket
 * otherwise sources ~/.bashrc (Debian builds bash with SSH_SOURCE_BASHRC).
 */
export function scriptInterpreter(): string[] {
  return ["/bin/bash", "--norc", "--noprofile", "-c"];
}
/** Fails fast with a clear message instead of letting vic-machine prompt for a password. */
function requireEnvLines(names: string[]): string[] {
  return names.map(
    (name) =>
      `if [ -z "\${${name}:-}" ]; then echo 'buildenv: environment variable ${name} is not set' >&2; exit 2; fi`,
  );
}

/**
 * Resolves the binary to an absolute path before the script changes directory: vic-machine
 * looks for appliance.iso/bootstrap.iso in the working directory and then next to `os.Args[0]`
 * (common/images.go), which only works when it is started by an absolute path.
 */
function resolveBinaryLines(spec: VchSpec): string[] {
  const binary = shellQuote(spec.vicMachine ?? DEFAULT_VIC_MACHINE);
  return [
    `buildenv_vic_machine=$(command -v -- ${binary}) || { echo 'buildenv: vic-machine binary not found or not executable:' ${binary} >&2; exit 127; }`,
    `case $buildenv_vic_machine in /*) ;; *) buildenv_vic_machine=$PWD/$buildenv_vic_machine ;; esac`,
  ];
}

/** How many of vic-machine.log's last lines a failed script prints. */
export const LOG_TAIL_LINES = 60;

/**
 * A private directory (mode 0700, files 0600 under `umask 077`) that is removed on every exit
 * path; vic-machine runs inside it so its vic-machine.log (a relative file in the working
 * directory, cmd/vic-machine/main.go:42, 145) stays private too. On a failure the log's last
 * lines go to stderr first, filtered: the log carries the target and the user, and a session
 * error can print the SDK URL with user:password@ in it (common/target.go:115,
 * lib/install/validate/validator.go:79, pkg/vsphere/session/errors.go:26). Every password value,
 * the user name and any `://userinfo@` are replaced and PEM blocks dropped, by bash builtins
 * only (no secret on a command line).
 */
function privateDirLines(spec: VchSpec): string[] {
  return [
    `${DIR_VAR}=$(mktemp -d)`,
    `buildenv_user=${shellQuote(spec.user)}`,
    `buildenv_log_tail() {`,
    `  local line pem=0`,
    `  while IFS= read -r line || [ -n "$line" ]; do`,
    `    case $line in *'-----BEGIN '*) pem=1 ;; esac`,
    `    if [ "$pem" -eq 1 ]; then`,
    `      case $line in *'-----END '*) pem=0 ;; esac`,
    `      continue`,
    `    fi`,
    `    if [ -n "\${${VIC_PASSWORD_ENV}:-}" ]; then line=\${line//"$${VIC_PASSWORD_ENV}"/'<password>'}; fi`,
    `    if [ -n "\${buildenv_ops_password:-}" ]; then line=\${line//"$buildenv_ops_password"/'<password>'}; fi`,
    `    local kept=""`,
    `    while [[ $line =~ ://[^/@[:space:]]+@ ]]; do`,
    `      kept+=\${line%%"\${BASH_REMATCH[0]}"*}'://<credentials>@'`,
    `      line=\${line#*"\${BASH_REMATCH[0]}"}`,
    `    done`,
    `    line=$kept$line`,
    `    line=\${line//"$buildenv_user"/'<user>'}`,
    `    printf '%s\\n' "$line"`,
    `  done < <(tail -n ${LOG_TAIL_LINES} -- "$1")`,
    `}`,
    `buildenv_exit() {`,
    `  local status=$?`,
    `  if [ "$status" -ne 0 ] && [ -s "$${DIR_VAR}/vic-machine.log" ]; then`,
    `    echo 'buildenv: the last ${LOG_TAIL_LINES} lines of vic-machine.log, secrets filtered:' >&2`,
    `    buildenv_log_tail "$${DIR_VAR}/vic-machine.log" >&2 || true`,
    `  fi`,
    `  rm -rf -- "$${DIR_VAR}"`,
    `  exit "$status"`,
    `}`,
    `trap buildenv_exit EXIT`,
    `trap 'exit 129' HUP`,
    `trap 'exit 130' INT`,
    `trap 'exit 143' TERM`,
  ];
}

const PROLOGUE = ["set -euo pipefail", "umask 077"];

/**
 * Takes every secret the Command's environment carries out of the environment vic-machine
 * inherits: the PEMs are written to the private directory (by the printf builtin, so never on
 * a command line), the ops password is kept in an unexported shell variable for the prompt.
 * `write` lists the PEMs this script needs as files.
 */
function secretLines(spec: VchSpec, write: boolean): string[] {
  const writePem = (env: string, file: string): string =>
    `printf '%s\\n' "$${env}" > "$${DIR_VAR}/${file}"`;
  return [
    ...(write
      ? [
          writePem(TLS_ENV.ca, TLS_FILES.ca),
          writePem(TLS_ENV.serverCert, TLS_FILES.serverCert),
          writePem(TLS_ENV.serverKey, TLS_FILES.serverKey),
          ...(spec.registryCa ? [writePem(REGISTRY_CA_ENV, TLS_FILES.registryCa)] : []),
        ]
      : []),
    ...(write && spec.opsUser !== undefined ? [`buildenv_ops_password=$${OPS_PASSWORD_ENV}`] : []),
    `unset ${TLS_ENV.ca} ${TLS_ENV.serverCert} ${TLS_ENV.serverKey} ${REGISTRY_CA_ENV} ${OPS_PASSWORD_ENV}`,
  ];
}

/**
 * The bash functions the scripts share. `buildenv_vic LOG ARGS...` runs vic-machine with its
 * output copied to LOG and stderr; `buildenv_vic_ops LOG ARGS...` does the same but types the
 * ops password into vic-machine's prompt through a pseudo-terminal on its stdin only (util-linux
 * `script`), so stdout/stderr stay pipes and the log format stays logrus's text form.
 */
function functionLines(spec: VchSpec): string[] {
  const name = spec.name;
  const absentFailed = logLine("error", `Failed to get Virtual Container Host ${name}`);
  // finder.go:135-139: errors.Errorf("Didn't find VM %q in resource pool %q", name, ...)
  const absentVm = `level=error msg=${logrusValue(`Didn't find VM "${name}" in resource pool`).slice(0, -1)} \\"`;
  const noAddress = logLine("error", "No client IP address assigned");
  const wait = spec.addressWait ?? DEFAULT_ADDRESS_WAIT;
  return [
    // main.go:161-182: a recovered panic, and urfave/cli's usage error, both exit 0.
    `buildenv_vic_verdict() {`,
    `  local log=$1 status=$2`,
    `  if grep -q -F -e ${shellQuote(`${PANIC_MESSAGE}"`)} "$log"; then`,
    `    echo "buildenv: vic-machine panicked (it printed \\"... ${PANIC_MESSAGE}\\" and exited $status); taking that as a failure" >&2`,
    `    if [ "$status" -eq 0 ]; then status=70; fi`,
    `  elif [ "$status" -eq 0 ] && grep -q -F -e ${shellQuote(INCORRECT_USAGE)} "$log"; then`,
    `    echo 'buildenv: vic-machine refused its command line (${INCORRECT_USAGE}) and exited 0; taking that as a failure' >&2`,
    `    status=64`,
    `  fi`,
    `  return "$status"`,
    `}`,
    // Exit 0 is success only with the subcommand's own last line (create.go:761, ...).
    `buildenv_vic_succeeded() {`,
    `  if grep -q -F -e "$2" "$1"; then return 0; fi`,
    `  echo "buildenv: vic-machine $3 exited 0 without its success line ($4); taking that as a failure" >&2`,
    `  return 70`,
    `}`,
    `buildenv_vic() {`,
    `  local log=$1; shift`,
    `  set +e`,
    `  "$buildenv_vic_machine" "$@" </dev/null 2>&1 | tee "$log" >&2`,
    `  local status=\${PIPESTATUS[0]}`,
    `  set -e`,
    `  buildenv_vic_verdict "$log" "$status"`,
    `}`,
    ...(spec.opsUser !== undefined ? opsFunctionLines() : []),
    // inspect/delete/configure of a VCH that is not there (inspect.go:171-174, finder.go:135-139)
    `buildenv_vch_absent() {`,
    `  grep -q -F -e ${shellQuote(absentFailed)} "$1" && grep -q -F -e ${shellQuote(absentVm)} "$1"`,
    `}`,
    // inspect.go:64-68: DHCP has not given the client interface an address yet.
    `buildenv_inspect() {`,
    `  local deadline=$((SECONDS + ${wait.timeoutSeconds}))`,
    `  while :; do`,
    `    local status=0`,
    `    buildenv_vic "$${DIR_VAR}/inspect.log" ${renderArgs(vicInspectArgs(spec))} || status=$?`,
    `    if [ "$status" -eq 0 ]; then`,
    `      cat "$${DIR_VAR}/inspect.log"`,
    `      return 0`,
    `    fi`,
    `    if ! grep -q -F -e ${shellQuote(noAddress)} "$${DIR_VAR}/inspect.log"; then return "$status"; fi`,
    `    if [ "$SECONDS" -ge "$deadline" ]; then`,
    `      echo 'buildenv: VCH' ${shellQuote(name)} 'has no client-network address after ${wait.timeoutSeconds}s (DHCP); check the client port group, or set buildenv:host.clientNetworkIp' >&2`,
    `      return "$status"`,
    `    fi`,
    `    echo 'buildenv: VCH' ${shellQuote(name)} 'has no client-network address yet; inspecting again in ${wait.intervalSeconds}s' >&2`,
    `    sleep ${wait.intervalSeconds}`,
    `  done`,
    `}`,
  ];
}

/**
 * `buildenv_vic_ops LOG COMMAND`: runs COMMAND (our own rendering of the vic-machine call, no
 * secret in it) with the ops password typed into vic-machine's prompt through a
 * pseudo-terminal on its stdin only (util-linux `script`), so its stdout and stderr stay pipes
 * and its log format stays logrus's text form. The pty's own output (the prompt's echo) goes to
 * /dev/null; vic-machine's stdout and stderr are fds 4 and 3, the pipe into tee.
 */
function opsFunctionLines(): string[] {
  return [
    `buildenv_vic_ops() {`,
    `  local log=$1; shift`,
    `  set +e`,
    `  printf '%s\\n' "$buildenv_ops_password" | SHELL=/bin/bash script -q -e -c "$1 1>&4 2>&3 4>&- 3>&-" /dev/null 3>&1 4>&1 2>/dev/null >/dev/null | tee "$log" >&2`,
    `  local status=\${PIPESTATUS[1]}`,
    `  set -e`,
    `  buildenv_vic_verdict "$log" "$status"`,
    `}`,
  ];
}

/**
 * Runs vic-machine with these args, through the ops password prompt when the spec has an ops
 * user; sets `buildenv_status` to its exit status, non-zero also when vic-machine panicked or
 * exited 0 without the success line of `what`.
 */
export function runLine(
  spec: VchSpec,
  log: string,
  args: string[],
  what: keyof typeof SUCCESS_MESSAGES,
): string {
  const run =
    spec.opsUser !== undefined
      ? `buildenv_vic_ops "$${DIR_VAR}/${log}" ${shellQuote(`exec "$buildenv_vic_machine" ${renderArgs(args)}`)}`
      : `buildenv_vic "$${DIR_VAR}/${log}" ${renderArgs(args)}`;
  const success = SUCCESS_MESSAGES[what];
  const check = `buildenv_vic_succeeded "$${DIR_VAR}/${log}" ${shellQuote(logLine("info", success))} ${what} ${shellQuote(success)}`;
  return `buildenv_status=0; ${run} || buildenv_status=$?; if [ "$buildenv_status" -eq 0 ]; then ${check} || buildenv_status=$?; fi`;
}

export function header(spec: VchSpec, what: string): string[] {
  return [
    `# buildenv: ${what} VCH ${shellQuote(spec.name)} with vic-machine.`,
    "# Secrets come only from the environment: vic-machine reads VIC_MACHINE_PASSWORD itself and",
    "# the PEMs are written by the printf builtin into a private directory.",
    ...(spec.opsUser !== undefined
      ? ["# The ops password is typed into vic-machine's prompt, never put on its command line."]
      : []),
  ];
}

export function setupLines(spec: VchSpec, writeFiles: boolean): string[] {
  const required = [VIC_PASSWORD_ENV];
  if (writeFiles) {
    required.push(TLS_ENV.ca, TLS_ENV.serverCert, TLS_ENV.serverKey);
    if (spec.registryCa) required.push(REGISTRY_CA_ENV);
    if (spec.opsUser !== undefined) required.push(OPS_PASSWORD_ENV);
  }
  const ops = writeFiles && spec.opsUser !== undefined;
  return [
    ...PROLOGUE,
    ...requireEnvLines(required),
    ...(ops
      ? [
          `command -v script >/dev/null || { echo 'buildenv: host.opsUser needs util-linux "script" on PATH to type the ops password into the vic-machine prompt' >&2; exit 127; }`,
        ]
      : []),
    ...resolveBinaryLines(spec),
    ...privateDirLines(spec),
    ...secretLines(spec, writeFiles),
    `export ${DIR_VAR} buildenv_vic_machine`,
    `cd "$${DIR_VAR}"`,
    ...functionLines(spec),
  ];
}
