/**
 * Turns a Virtual Container Host (VCH) spec into the exact `vic-machine-linux` invocations that
 * buildenv runs through `@pulumi/command`'s `local.Command`, and parses what vic-machine prints.
 *
 * Everything here is pure and deterministic: the same spec always yields the same argv and the
 * same script text, so a Command's `create`/`delete` inputs only change when the spec does.
 *
 * Sources (vmware/vic, the vSphere Integrated Containers engine):
 * - cmd/vic-machine/common/target.go: `--target`/`--user`/`--password`/`--thumbprint` read
 *   VIC_MACHINE_TARGET / VIC_MACHINE_USER / VIC_MACHINE_PASSWORD / VIC_MACHINE_THUMBPRINT
 *   (urfave/cli `EnvVar`); without a password vic-machine prompts on the terminal.
 * - cmd/vic-machine/common/compute.go: `--name`, `--compute-resource`;
 *   doc/user_doc/vic_admin/delete_vch_options.md: a resource pool in a cluster is
 *   `--compute-resource cluster_name/resource_pool_name`, and delete needs exactly the value
 *   create was given.
 * - cmd/vic-machine/create/create.go: `--image-store` ("datastore/path"), `--volume-store`
 *   ("datastore/path:label", repeatable), `--bridge-network`, `--public-network`,
 *   `--client-network`, `--memory`, `--memory-reservation`, `--memory-shares`, `--cpu`,
 *   `--cpu-reservation`, `--cpu-shares` (low|normal|high), display name at most 31 characters.
 * - cmd/vic-machine/common/certificate.go: `--tls-server-cert`, `--tls-server-key`, `--tls-ca`,
 *   `--tls-cname`; a supplied server certificate is refused unless its subject CN equals
 *   `--tls-cname` exactly (an omitted `--tls-cname` is compared as the empty string).
 * - cmd/vic-machine/delete/delete.go and doc/user_doc/vic_admin/delete_vch_options.md: `--force`
 *   also deletes the volume stores and running container VMs.
 * - lib/install/management/inspect.go (`ShowVCH`, `GetDockerAPICommand`) and pkg/log/
 *   text_formatter.go: the endpoint lines ("Docker environment variables:" followed by
 *   "DOCKER_TLS_VERIFY=1 DOCKER_HOST=<address>:2376") and the log prefixes.
 */

import type { ShareLevel } from "../compute/config";

/** A VCH volume store: `datastore/path` on vSphere, exposed to Docker under `label`. */
export interface VolumeStore {
  /** Datastore name, e.g. `vsanDatastore`. */
  datastore: string;
  /** Folder in the datastore; empty means the datastore root. */
  path: string;
  /** Docker volume store name (`default` is used by `docker volume create` without options). */
  label: string;
}

/** Everything vic-machine needs to create, inspect and delete one VCH. No secrets. */
export interface VchSpec {
  /** vic-machine binary: a name looked up on PATH or a path. Default `vic-machine-linux`. */
  vicMachine?: string;
  /** vCenter address and datacenter, e.g. `vc.example.com/dc1`. Must not carry credentials. */
  target: string;
  /** vSphere user name (not secret). */
  user: string;
  /** SHA-1 thumbprint of the vCenter certificate, `AB:CD:...` (20 colon-separated bytes). */
  thumbprint: string;
  /** VCH name: at most 31 characters, letters, digits, space and `- _ ( )` only. */
  name: string;
  /** Where the VCH goes, relative to the datacenter: `cluster/resource-pool` for a stack's pool. */
  computeResource: string;
  /** Image datastore, `datastore` or `datastore/path`. */
  imageStore: string;
  /** Volume stores; labels must be unique. */
  volumeStores: VolumeStore[];
  /** Port group for the private container bridge network. */
  bridgeNetwork: string;
  /** Port group for the public network (port forwarding, default route). */
  publicNetwork: string;
  /** Port group that serves the Docker API; omitted means it shares the public network. */
  clientNetwork?: string;
  /** Subject CN of the server certificate: vic-machine refuses the certificate if they differ. */
  tlsCname: string;
  cpuShares: ShareLevel;
  memoryShares: ShareLevel;
  /** Memory limit of the VCH resource pool in MB; 0 means unlimited. */
  memoryLimitMB: number;
  /** Memory reservation in MB; at most the limit unless the limit is 0. */
  memoryReservationMB: number;
  /** CPU limit of the VCH resource pool in MHz; 0 means unlimited. */
  cpuLimitMHz: number;
  /** CPU reservation in MHz; at most the limit unless the limit is 0. */
  cpuReservationMHz: number;
}

/** Options of `vic-machine delete`. */
export interface DeleteOptions {
  /**
   * Pass `--force`, which also deletes the VCH's volume stores and running containers. Only
   * true when every volume of the stack is disposable.
   */
  force: boolean;
}

/** The default vic-machine binary for Linux hosts. */
export const DEFAULT_VIC_MACHINE = "vic-machine-linux";

/** vic-machine reads the vSphere password from this variable (common/target.go `EnvVar`). */
export const VIC_PASSWORD_ENV = "VIC_MACHINE_PASSWORD";

/** Environment variables that carry the TLS PEMs into the create script. */
export const TLS_ENV = {
  ca: "BUILDENV_TLS_CA",
  serverCert: "BUILDENV_TLS_SERVER_CERT",
  serverKey: "BUILDENV_TLS_SERVER_KEY",
} as const;

/**
 * File names inside the private TLS directory. They are vic-machine's own default names
 * (pkg/certificate), so the directory also reads naturally as a `--tls-cert-path`.
 */
export const TLS_FILES = {
  ca: "ca.pem",
  serverCert: "server-cert.pem",
  serverKey: "server-key.pem",
} as const;

/** Shell variable holding the private TLS directory in the create script. */
const TLS_DIR_VAR = "BUILDENV_TLS_DIR";
/** Shell variable holding the private working directory in the delete script. */
const WORK_DIR_VAR = "BUILDENV_WORK_DIR";

/** The Docker API port of a VCH with TLS (docker's DefaultTLSHTTPPort). */
const DOCKER_TLS_PORT = 2376;

/**
 * The `interpreter` input for the Commands that run {@link createScript} and
 * {@link deleteScript}: they use bash features (`pipefail`, `PIPESTATUS`). `--norc` because a
 * non-interactive bash whose stdin is a socket otherwise sources ~/.bashrc (Debian builds bash
 * with SSH_SOURCE_BASHRC), and nobody's shell setup belongs in these scripts.
 */
export function scriptInterpreter(): string[] {
  return ["/bin/bash", "--norc", "--noprofile", "-c"];
}

/**
 * Quotes one argument for a POSIX shell: always single quotes, an embedded `'` becomes `'\''`.
 * The empty string becomes `''`.
 */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

// https://kb.vmware.com/kb/2046088 as enforced by vic-machine (common/utils.go unsuppCharsRegex);
// the datastore variant allows `/` and `:`.
const UNSUPPORTED_NAME_CHARS = /[%&*$#@!\\/:?"<>;'|]/;
const UNSUPPORTED_DATASTORE_CHARS = /[%&*$#@!\\?"<>;'|]/;
const MAX_NAME_LENGTH = 31;
const THUMBPRINT = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){19}$/;
const VOLUME_LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SHARE_LEVELS: readonly string[] = ["low", "normal", "high"];

/** One reason a spec cannot produce a valid vic-machine invocation, and the spec field it is about. */
export interface VchSpecProblem {
  /** Path of the field in {@link VchSpec}, e.g. `imageStore` or `volumeStores[1].datastore`. */
  field: string;
  /** What is wrong, to follow the field's name. */
  problem: string;
}

/**
 * Everything that keeps the spec from producing a valid vic-machine invocation. The config
 * module runs this before any resource exists and reports each problem under its config key.
 */
export function vchSpecProblems(spec: VchSpec): VchSpecProblem[] {
  const problems: VchSpecProblem[] = [];
  const add = (field: string, problem: string): void => {
    problems.push({ field, problem });
  };
  const requireText = (field: string, value: string | undefined): void => {
    if (value === undefined || value.trim() === "") {
      add(field, `must not be empty`);
    } else if (/[\r\n\0]/.test(value)) {
      add(field, `must be a single line`);
    }
  };

  requireText("vicMachine", spec.vicMachine ?? DEFAULT_VIC_MACHINE);
  requireText("target", spec.target);
  if (spec.target.includes("@")) {
    add("target", "must not contain credentials (user@ or user:password@)");
  }
  requireText("user", spec.user);
  if (!THUMBPRINT.test(spec.thumbprint)) {
    add("thumbprint", `must be a SHA-1 fingerprint like AB:CD:...; got "${spec.thumbprint}"`);
  }
  requireText("name", spec.name);
  if (spec.name.length > MAX_NAME_LENGTH) {
    add("name", `"${spec.name}" is longer than ${MAX_NAME_LENGTH} characters`);
  }
  const badNameChar = UNSUPPORTED_NAME_CHARS.exec(spec.name);
  if (badNameChar) {
    add("name", `"${spec.name}" contains the unsupported character "${badNameChar[0]}"`);
  }
  requireText("computeResource", spec.computeResource);
  requireText("imageStore", spec.imageStore);
  checkDatastoreChars(add, "imageStore", spec.imageStore);
  requireText("bridgeNetwork", spec.bridgeNetwork);
  requireText("publicNetwork", spec.publicNetwork);
  if (spec.clientNetwork !== undefined) {
    requireText("clientNetwork", spec.clientNetwork);
  }
  requireText("tlsCname", spec.tlsCname);

  const labels = new Set<string>();
  spec.volumeStores.forEach((store, index) => {
    const where = `volumeStores[${index}]`;
    requireText(`${where}.datastore`, store.datastore);
    checkDatastoreChars(add, `${where}.datastore`, store.datastore);
    checkDatastoreChars(add, `${where}.path`, store.path);
    if (!VOLUME_LABEL.test(store.label)) {
      add(`${where}.label`, `"${store.label}" must match ${VOLUME_LABEL}`);
    } else if (labels.has(store.label)) {
      add(`${where}.label`, `"${store.label}" is used by more than one volume store`);
    }
    labels.add(store.label);
  });

  for (const [field, level] of [
    ["cpuShares", spec.cpuShares],
    ["memoryShares", spec.memoryShares],
  ] as const) {
    if (!SHARE_LEVELS.includes(level)) {
      add(field, `must be one of low, normal, high; got "${level}"`);
    }
  }
  checkLimit(add, "memory", "MB", spec.memoryLimitMB, spec.memoryReservationMB);
  checkLimit(add, "cpu", "MHz", spec.cpuLimitMHz, spec.cpuReservationMHz);

  return problems;
}

/** Throws a descriptive Error when the spec cannot produce a valid vic-machine invocation. */
export function validateVchSpec(spec: VchSpec): void {
  const problems = vchSpecProblems(spec);
  if (problems.length > 0) {
    throw new Error(
      `Invalid VCH spec "${spec.name}": ${problems.map((p) => `${p.field} ${p.problem}`).join("; ")}`,
    );
  }
}

type AddProblem = (field: string, problem: string) => void;

function checkDatastoreChars(add: AddProblem, field: string, value: string): void {
  const bad = UNSUPPORTED_DATASTORE_CHARS.exec(value);
  if (bad) {
    add(field, `"${value}" contains the unsupported character "${bad[0]}"`);
  } else if (/[\r\n\0]/.test(value)) {
    add(field, `must be a single line`);
  }
}

function checkLimit(
  add: AddProblem,
  resource: "memory" | "cpu",
  unit: string,
  limit: number,
  reservation: number,
): void {
  const limitField = `${resource}Limit${unit}`;
  const reservationField = `${resource}Reservation${unit}`;
  for (const [field, value] of [
    [limitField, limit],
    [reservationField, reservation],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      add(field, `must be a non-negative integer; got ${value}`);
    }
  }
  // vSphere rejects a reservation above the limit; a limit of 0 means unlimited to vic-machine.
  if (limit > 0 && reservation > limit) {
    add(reservationField, `(${reservation}) exceeds ${limitField} (${limit})`);
  }
}

/** `--flag=value` keeps a value that starts with `-` from being read as a flag by urfave/cli. */
function flag(name: string, value: string | number): string {
  return `--${name}=${value}`;
}

/** The placeholder path of a TLS file; {@link renderArgs} turns it into a shell expansion. */
function tlsPath(file: string): string {
  return `$${TLS_DIR_VAR}/${file}`;
}

const TLS_SERVER_CERT_ARG = flag("tls-server-cert", tlsPath(TLS_FILES.serverCert));
const TLS_SERVER_KEY_ARG = flag("tls-server-key", tlsPath(TLS_FILES.serverKey));
const TLS_CA_ARG = flag("tls-ca", tlsPath(TLS_FILES.ca));
const TLS_FILE_ARGS: ReadonlySet<string> = new Set([
  TLS_SERVER_CERT_ARG,
  TLS_SERVER_KEY_ARG,
  TLS_CA_ARG,
]);

/** The connection and identity flags every subcommand shares. */
function locatorArgs(spec: VchSpec): string[] {
  return [
    flag("target", spec.target),
    flag("user", spec.user),
    flag("thumbprint", spec.thumbprint),
    flag("name", spec.name),
    flag("compute-resource", spec.computeResource),
  ];
}

/** `datastore/path:label`, or `datastore:label` for the datastore root. */
function volumeStoreValue(store: VolumeStore): string {
  const location = store.path === "" ? store.datastore : `${store.datastore}/${store.path}`;
  return `${location}:${store.label}`;
}

/**
 * argv (after the binary) of `vic-machine create`. The password is not in it (vic-machine
 * reads {@link VIC_PASSWORD_ENV}); the TLS flags point at `$BUILDENV_TLS_DIR/<file>`, which only
 * {@link createScript} defines. Never `--force`, `--no-tls` or `--no-tlsverify`.
 */
export function vicCreateArgs(spec: VchSpec): string[] {
  validateVchSpec(spec);
  return [
    "create",
    ...locatorArgs(spec),
    flag("image-store", spec.imageStore),
    ...spec.volumeStores.map((store) => flag("volume-store", volumeStoreValue(store))),
    flag("bridge-network", spec.bridgeNetwork),
    flag("public-network", spec.publicNetwork),
    ...(spec.clientNetwork === undefined ? [] : [flag("client-network", spec.clientNetwork)]),
    flag("tls-cname", spec.tlsCname),
    TLS_SERVER_CERT_ARG,
    TLS_SERVER_KEY_ARG,
    TLS_CA_ARG,
    flag("memory", spec.memoryLimitMB),
    flag("memory-reservation", spec.memoryReservationMB),
    flag("memory-shares", spec.memoryShares),
    flag("cpu", spec.cpuLimitMHz),
    flag("cpu-reservation", spec.cpuReservationMHz),
    flag("cpu-shares", spec.cpuShares),
  ];
}

/** argv (after the binary) of `vic-machine inspect` for the VCH. */
export function vicInspectArgs(spec: VchSpec): string[] {
  validateVchSpec(spec);
  return ["inspect", ...locatorArgs(spec)];
}

/** argv (after the binary) of `vic-machine delete`; `--force` only when `opts.force`. */
export function vicDeleteArgs(spec: VchSpec, opts: DeleteOptions): string[] {
  validateVchSpec(spec);
  return ["delete", ...locatorArgs(spec), ...(opts.force ? ["--force"] : [])];
}

/**
 * Renders argv as shell words. Only our own TLS-file arguments expand `$BUILDENV_TLS_DIR`
 * (as `'--tls-ca='"$BUILDENV_TLS_DIR/ca.pem"`); every other argument is single-quoted, so no
 * spec value can expand or split.
 */
function renderArgs(args: string[]): string {
  return args
    .map((arg) => {
      if (TLS_FILE_ARGS.has(arg)) {
        const eq = arg.indexOf("=");
        return `${shellQuote(arg.slice(0, eq + 1))}"${arg.slice(eq + 1)}"`;
      }
      return shellQuote(arg);
    })
    .join(" ");
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

/**
 * A private directory (mode 0700, files 0600 under `umask 077`) that is removed on every exit
 * path; vic-machine runs inside it so its vic-machine.log/delete.log stay private too.
 */
function privateDirLines(variable: string): string[] {
  return [
    `${variable}=$(mktemp -d)`,
    `trap 'rm -rf -- "$${variable}"' EXIT`,
    `trap 'exit 129' HUP`,
    `trap 'exit 130' INT`,
    `trap 'exit 143' TERM`,
  ];
}

/**
 * True when vic-machine's output says the VCH is not there: inspect/delete log "Failed to get
 * Virtual Container Host <name>" and then the finder error ("Didn't find VM ..." in
 * lib/install/management, or govmomi's "... not found"). Anything else is a real failure.
 */
const ABSENT_FUNCTION = [
  "buildenv_vch_absent() {",
  `  grep -q -F 'Failed to get Virtual Container Host' "$1" &&`,
  `    { grep -q -F "Didn't find VM" "$1" || grep -q -F ' not found' "$1"; }`,
  "}",
];

const PROLOGUE = ["set -euo pipefail", "umask 077"];

/**
 * The bash script for the `create` of a `local.Command` (run it with
 * {@link scriptInterpreter}). Environment it needs: {@link VIC_PASSWORD_ENV} and the three
 * {@link TLS_ENV} PEMs. It writes the PEMs into a private temp dir, skips `create` when
 * `inspect` finds the VCH, and always ends with `inspect`, whose output is the only thing on
 * stdout (feed it to {@link parseDockerEndpoint}); everything else goes to stderr.
 */
export function createScript(spec: VchSpec): string {
  validateVchSpec(spec);
  const vic = `"$buildenv_vic_machine"`;
  const name = shellQuote(spec.name);
  const inspect = `${vic} ${renderArgs(vicInspectArgs(spec))} </dev/null`;
  const create = `${vic} ${renderArgs(vicCreateArgs(spec))} </dev/null`;
  const tlsDir = `"$${TLS_DIR_VAR}"`;
  const before = `"$${TLS_DIR_VAR}/inspect-before-create.log"`;
  const writePem = (env: string, file: string): string =>
    `printf '%s\\n' "$${env}" > "$${TLS_DIR_VAR}/${file}"`;
  return [
    `# buildenv: create VCH ${name} with vic-machine unless it exists, then inspect it.`,
    "# Secrets come only from the environment: vic-machine reads VIC_MACHINE_PASSWORD itself,",
    "# and the TLS PEMs are written by the printf builtin into a private directory.",
    ...PROLOGUE,
    ...requireEnvLines([VIC_PASSWORD_ENV, TLS_ENV.ca, TLS_ENV.serverCert, TLS_ENV.serverKey]),
    ...resolveBinaryLines(spec),
    ...privateDirLines(TLS_DIR_VAR),
    writePem(TLS_ENV.ca, TLS_FILES.ca),
    writePem(TLS_ENV.serverCert, TLS_FILES.serverCert),
    writePem(TLS_ENV.serverKey, TLS_FILES.serverKey),
    `unset ${TLS_ENV.ca} ${TLS_ENV.serverCert} ${TLS_ENV.serverKey}`,
    `cd ${tlsDir}`,
    ...ABSENT_FUNCTION,
    "set +e",
    `${inspect} 2>&1 | tee ${before} >&2`,
    "buildenv_status=${PIPESTATUS[0]}",
    "set -e",
    `if [ "$buildenv_status" -eq 0 ]; then`,
    `  echo 'buildenv: VCH' ${name} 'already exists; not creating it again' >&2`,
    `elif buildenv_vch_absent ${before}; then`,
    `  echo 'buildenv: VCH' ${name} 'does not exist yet; creating it' >&2`,
    `  ${create} >&2`,
    "else",
    `  echo "buildenv: vic-machine inspect failed (exit $buildenv_status) for a reason other than a missing VCH; not creating" >&2`,
    `  exit "$buildenv_status"`,
    "fi",
    inspect,
    "",
  ].join("\n");
}

/**
 * The bash script for the `delete` of a `local.Command` (run it with
 * {@link scriptInterpreter}). Needs {@link VIC_PASSWORD_ENV}. Succeeds when the VCH no longer
 * exists, so `pulumi destroy` can finish; `--force` only with `opts.force`.
 */
export function deleteScript(spec: VchSpec, opts: DeleteOptions): string {
  validateVchSpec(spec);
  const vic = `"$buildenv_vic_machine"`;
  const name = shellQuote(spec.name);
  const log = `"$${WORK_DIR_VAR}/delete-output.log"`;
  return [
    `# buildenv: delete VCH ${name} with vic-machine${opts.force ? " --force (its volume stores go too)" : ""}; a VCH that is already gone is fine.`,
    "# The password comes only from the environment: vic-machine reads VIC_MACHINE_PASSWORD itself.",
    ...PROLOGUE,
    ...requireEnvLines([VIC_PASSWORD_ENV]),
    ...resolveBinaryLines(spec),
    ...privateDirLines(WORK_DIR_VAR),
    `cd "$${WORK_DIR_VAR}"`,
    ...ABSENT_FUNCTION,
    "set +e",
    `${vic} ${renderArgs(vicDeleteArgs(spec, opts))} </dev/null 2>&1 | tee ${log}`,
    "buildenv_status=${PIPESTATUS[0]}",
    "set -e",
    `if [ "$buildenv_status" -ne 0 ]; then`,
    `  if buildenv_vch_absent ${log}; then`,
    `    echo 'buildenv: VCH' ${name} 'no longer exists; nothing to delete'`,
    "    exit 0",
    "  fi",
    `  exit "$buildenv_status"`,
    "fi",
    "",
  ].join("\n");
}

/** The Docker API endpoint of a VCH. */
export interface DockerEndpoint {
  /** Host name or IP address the VCH serves the Docker API on. */
  address: string;
  /** `tcp://<address>:2376`, ready for DOCKER_HOST or a Docker provider's `host`. */
  dockerHost: string;
}

// Older vic-machine releases log through logrus with ForceColors, so captured output carries
// ANSI colour codes around the level (`\x1b[36mINFO\x1b[0m[2016-...]`).
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;
// The address is whatever precedes the last colon: an IPv4 address, or a name taken from the
// server certificate (lib/install/management/inspect.go prefers it over the IP).
const DOCKER_HOST = /\bDOCKER_HOST=(?:tcp:\/\/)?(\S+):(\d+)/g;

/**
 * Finds the Docker endpoint in `vic-machine create` or `inspect` output: the
 * `DOCKER_HOST=<address>:<port>` entry under "Docker environment variables:". With several
 * (create's output followed by inspect's) the last one wins. Throws if there is none, or if the
 * port is not 2376 (a VCH without TLS listens on 2375, which buildenv never deploys).
 */
export function parseDockerEndpoint(output: string): DockerEndpoint {
  const text = output.replace(ANSI_ESCAPE, "");
  const matches = [...text.matchAll(DOCKER_HOST)];
  const last = matches[matches.length - 1];
  if (last === undefined) {
    throw new Error(
      'No Docker endpoint in vic-machine output: expected a "DOCKER_HOST=<address>:2376" line ' +
        'under "Docker environment variables:"',
    );
  }
  const [, address, port] = last;
  if (Number(port) !== DOCKER_TLS_PORT) {
    throw new Error(
      `VCH Docker endpoint ${address}:${port} is not the TLS port ${DOCKER_TLS_PORT}: ` +
        "the VCH serves the Docker API without TLS",
    );
  }
  return { address, dockerHost: `tcp://${address}:${DOCKER_TLS_PORT}` };
}
