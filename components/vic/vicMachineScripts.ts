/**
 * The bash scripts of the VCH's `local.Command`: create (unless it exists), update (configure in
 * place) and delete, each reading vic-machine's output to say what failed and what to do.
 */

import {
  renderArgs,
  shellQuote,
  vicConfigureArgs,
  vicCreateArgs,
  vicDeleteArgs,
  vicFirewallAllowArgs,
  vicInspectArgs,
} from "./vicMachineArgs";
import { FIREWALL_REFUSAL, NOT_POWERED_ON, SUCCESS_MESSAGES, logLine } from "./vicMachineOutput";
import { header, runLine, setupLines } from "./vicMachineShell";
import {
  DEFAULT_VIC_MACHINE,
  DIR_VAR,
  DeleteOptions,
  VchSpec,
  validateVchSpec,
} from "./vicMachineSpec";

/** The command that opens the hosts' firewall for VCHs, as the message shows it. */
function firewallFix(spec: VchSpec): string {
  return [
    spec.vicMachine ?? DEFAULT_VIC_MACHINE,
    ...vicFirewallAllowArgs(spec, "<administrator>"),
  ].join(" ");
}

/**
 * What a failed create (or configure) says besides vic-machine's own output: the firewall fix,
 * which a vSphere administrator runs once per cluster (see the README's VCH section).
 */
function createFailedLines(spec: VchSpec, log: string, indent: string): string[] {
  const fix = firewallFix(spec);
  return [
    `if [ "$buildenv_status" -ne 0 ]; then`,
    `  if grep -q -F -e ${shellQuote(FIREWALL_REFUSAL)} ${log}; then`,
    `    echo 'buildenv: the ESXi firewall of cluster' ${shellQuote(spec.computeResource)} 'blocks the VCH management traffic (vic-machine: "${FIREWALL_REFUSAL}"). A vSphere administrator opens it once for the whole cluster:' ${shellQuote(fix)} '(then run pulumi up again)' >&2`,
    `  fi`,
    `  exit "$buildenv_status"`,
    `fi`,
  ].map((line) => indent + line);
}

/**
 * The bash script for the `create` of a `local.Command` (run it with
 * {@link scriptInterpreter}). Environment: {@link VIC_PASSWORD_ENV}, the three {@link TLS_ENV}
 * PEMs, {@link REGISTRY_CA_ENV} with `registryCa` and {@link OPS_PASSWORD_ENV} with `opsUser`.
 * Skips `create` when `inspect` finds the VCH, and always ends with `inspect` (waiting for a
 * DHCP address), whose output is the only thing on stdout (feed it to
 * {@link parseDockerEndpoint}); everything else goes to stderr.
 *
 * This script runs only while the stack holds no VCH, so a powered-off VCH of the stack's own
 * name is what its earlier create left when it failed ({@link NOT_POWERED_ON}): it is deleted
 * without `--force` (its volume stores stay; VIC refuses while containers run) and made again.
 * Any other state inspect reports fails, naming the VCH.
 */
export function createScript(spec: VchSpec): string {
  validateVchSpec(spec);
  const name = shellQuote(spec.name);
  const before = `"$${DIR_VAR}/inspect-before-create.log"`;
  const create = `"$${DIR_VAR}/create.log"`;
  return [
    ...header(spec, "create (unless it exists) and inspect"),
    ...setupLines(spec, true),
    `buildenv_status=0; buildenv_vic ${before} ${renderArgs(vicInspectArgs(spec))} || buildenv_status=$?`,
    `if [ "$buildenv_status" -eq 0 ] || grep -q -F -e ${shellQuote(logLine("error", "No client IP address assigned"))} ${before}; then`,
    `  echo 'buildenv: VCH' ${name} 'already exists; not creating it again' >&2`,
    `else`,
    `  if buildenv_vch_absent ${before}; then`,
    `    echo 'buildenv: VCH' ${name} 'does not exist yet; creating it' >&2`,
    `  elif grep -q -F -e ${shellQuote(logLine("error", NOT_POWERED_ON))} ${before}; then`,
    `    echo 'buildenv: VCH' ${name} 'is half-made (${NOT_POWERED_ON}), left by a create of this stack that failed; deleting it without forcing (its volume stores stay) and creating it again' >&2`,
    `    buildenv_status=0; buildenv_vic "$${DIR_VAR}/delete-half-made.log" ${renderArgs(vicDeleteArgs(spec, { force: false }))} || buildenv_status=$?`,
    `    if [ "$buildenv_status" -eq 0 ]; then buildenv_vic_succeeded "$${DIR_VAR}/delete-half-made.log" ${shellQuote(logLine("info", SUCCESS_MESSAGES.delete))} delete ${shellQuote(SUCCESS_MESSAGES.delete)} || buildenv_status=$?; fi`,
    `    if [ "$buildenv_status" -ne 0 ]; then`,
    `      echo 'buildenv: could not delete the half-made VCH' ${name} "(exit $buildenv_status); it is left as it was: see vic-machine's output above" >&2`,
    `      exit "$buildenv_status"`,
    `    fi`,
    `  else`,
    `    echo 'buildenv: vic-machine inspect of VCH' ${name} "failed (exit $buildenv_status) for a reason other than a missing or half-made VCH; not creating it (see vic-machine's output above)" >&2`,
    `    exit "$buildenv_status"`,
    `  fi`,
    `  ${runLine(spec, "create.log", vicCreateArgs(spec), "create")}`,
    ...createFailedLines(spec, create, "  "),
    "fi",
    "buildenv_inspect",
    "",
  ].join("\n");
}

/**
 * The bash script for the `update` of a `local.Command`: `vic-machine configure` with what it
 * changes in place (certificates, limits, reservations, shares, added volume stores, DNS
 * servers, ops credentials, registry CA), then `inspect` as {@link createScript} ends. Same
 * environment as {@link createScript}. A VCH that needs `vic-machine upgrade`, or a volume
 * store change configure cannot make, fails with a message saying what to do.
 */
export function updateScript(spec: VchSpec): string {
  validateVchSpec(spec);
  const name = shellQuote(spec.name);
  const log = `"$${DIR_VAR}/configure.log"`;
  // configure.go:442-446
  const upgrade = `level=error msg="Cannot configure VCH with version `;
  // lib/install/data/data.go:243-280 logs these through the package-level (VIC format) logger.
  const storeChange = "changes to existing volume stores are not supported";
  const storeMissing = "all existing volume stores must also be specified";
  return [
    ...header(spec, "configure in place and inspect"),
    ...setupLines(spec, true),
    runLine(spec, "configure.log", vicConfigureArgs(spec), "configure"),
    `if [ "$buildenv_status" -ne 0 ] && buildenv_vch_absent ${log}; then`,
    // Gone behind Pulumi's back (deleted in vSphere): make it again rather than fail.
    `  echo 'buildenv: VCH' ${name} 'does not exist; creating it' >&2`,
    `  ${runLine(spec, "create.log", vicCreateArgs(spec), "create")}`,
    ...createFailedLines(spec, `"$${DIR_VAR}/create.log"`, "  "),
    `elif [ "$buildenv_status" -ne 0 ]; then`,
    `  if grep -q -F -e ${shellQuote(upgrade)} ${log}; then`,
    `    echo 'buildenv: VCH' ${name} 'was made by an older VIC and needs "vic-machine upgrade" before it can be configured: run' ${shellQuote(spec.vicMachine ?? DEFAULT_VIC_MACHINE)} 'upgrade with the same --target, --thumbprint, --name and --compute-resource, then run pulumi up again' >&2`,
    `  elif grep -q -F -e ${shellQuote(FIREWALL_REFUSAL)} ${log}; then`,
    `    echo 'buildenv: the ESXi firewall of cluster' ${shellQuote(spec.computeResource)} 'blocks the VCH management traffic (vic-machine: "${FIREWALL_REFUSAL}"). A vSphere administrator opens it once for the whole cluster:' ${shellQuote(firewallFix(spec))} '(then run pulumi up again)' >&2`,
    `  elif grep -q -F -e ${shellQuote(storeChange)} -e ${shellQuote(storeMissing)} ${log}; then`,
    `    echo 'buildenv: VIC cannot change or remove a volume store of an existing VCH, only add one; to move or remove a store, replace the VCH (pulumi up --replace on its command; without disposable volumes its stores are kept)' >&2`,
    `  else`,
    `    echo "buildenv: vic-machine configure failed (exit $buildenv_status)" >&2`,
    `  fi`,
    `  exit "$buildenv_status"`,
    "fi",
    "buildenv_inspect",
    "",
  ].join("\n");
}

/**
 * The bash script for the `delete` of a `local.Command` (run it with
 * {@link scriptInterpreter}). Needs {@link VIC_PASSWORD_ENV}; every other secret the Command's
 * environment carries is unset first. Succeeds when the VCH no longer exists, so
 * `pulumi destroy` can finish; `--force` only with `opts.force`. Running containers and a VCH
 * of another VIC version fail with a message saying which and what to do.
 */
export function deleteScript(spec: VchSpec, opts: DeleteOptions): string {
  validateVchSpec(spec);
  const name = shellQuote(spec.name);
  const log = `"$${DIR_VAR}/delete.log"`;
  const after = `"$${DIR_VAR}/inspect-after-delete.log"`;
  // delete.go:149-153
  const version = "is different than installer version";
  return [
    `# buildenv: delete VCH ${name} with vic-machine${opts.force ? " --force (its volume stores go too)" : ""}; a VCH that is already gone is fine.`,
    "# The password comes only from the environment: vic-machine reads VIC_MACHINE_PASSWORD itself.",
    ...setupLines(spec, false),
    `buildenv_status=0; buildenv_vic ${log} ${renderArgs(vicDeleteArgs(spec, opts))} || buildenv_status=$?`,
    `if [ "$buildenv_status" -eq 0 ]; then buildenv_vic_succeeded ${log} ${shellQuote(logLine("info", SUCCESS_MESSAGES.delete))} delete ${shellQuote(SUCCESS_MESSAGES.delete)} || buildenv_status=$?; fi`,
    `if [ "$buildenv_status" -ne 0 ]; then`,
    `  if buildenv_vch_absent ${log}; then`,
    `    echo 'buildenv: VCH' ${name} 'no longer exists; nothing to delete' >&2`,
    "    exit 0",
    "  fi",
    // appliance.go:203-207 errors.Errorf("VM %q is powered on", name), joined by "\n"
    `  buildenv_running=$(grep -o -E 'VM \\\\"[^"\\\\]*\\\\" is powered on' ${log} | sed -e 's/^VM \\\\"//' -e 's/\\\\" is powered on$//' | sort -u | paste -s -d ' ' -) || true`,
    `  if [ -n "$buildenv_running" ]; then`,
    `    echo 'buildenv: VCH' ${name} "still runs these containers: $buildenv_running. Stop and remove them (docker rm -f on the VCH), then run pulumi again; the VCH is left as it was" >&2`,
    `  elif grep -q -F -e ${shellQuote(version)} ${log}; then`,
    `    echo 'buildenv: VCH' ${name} 'was made by another VIC version than this vic-machine; run' ${shellQuote(spec.vicMachine ?? DEFAULT_VIC_MACHINE)} 'upgrade on it first (or set buildenv:host.vicMachine to the vic-machine of its version), then run pulumi again' >&2`,
    "  fi",
    `  exit "$buildenv_status"`,
    "fi",
    // Only a VCH that inspect no longer finds is deleted: Pulumi then drops it from the state.
    `buildenv_status=0; buildenv_vic ${after} ${renderArgs(vicInspectArgs(spec))} || buildenv_status=$?`,
    `if ! buildenv_vch_absent ${after}; then`,
    `  echo 'buildenv: vic-machine delete reported success, but inspect still finds VCH' ${name} "(exit $buildenv_status); not taking it as deleted (run pulumi again once it is gone)" >&2`,
    `  exit 1`,
    "fi",
    `echo 'buildenv: VCH' ${name} 'is gone (inspect no longer finds it)' >&2`,
    "",
  ].join("\n");
}
