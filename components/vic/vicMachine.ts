/**
 * Turns a Virtual Container Host (VCH) spec into the exact `vic-machine-linux` invocations that
 * buildenv runs through `@pulumi/command`'s `local.Command`, and parses what vic-machine prints.
 *
 * Everything here is pure and deterministic: the same spec always yields the same argv and the
 * same script text, so a Command's `create`/`update`/`delete` inputs only change when the spec
 * does.
 *
 * Sources (vmware/vic v1.5.6, the vSphere Integrated Containers engine):
 * - cmd/vic-machine/common/target.go:42-71: `--target`/`--user`/`--password`/`--thumbprint`
 *   read VIC_MACHINE_TARGET / VIC_MACHINE_USER / VIC_MACHINE_PASSWORD / VIC_MACHINE_THUMBPRINT;
 *   without a password vic-machine reads the terminal (and silently gets "" when it is none).
 * - cmd/vic-machine/common/compute.go: `--name`, `--compute-resource`. With DRS, create makes the
 *   pool `<compute resource>/<name>` itself (lib/install/management/create.go:57-61,
 *   resource_pool.go:33-62) with the `--cpu*`/`--memory*` limits, reservations and shares
 *   (common/limits.go:40-82); inspect/delete/configure find it the same way (finder.go:90-156).
 * - cmd/vic-machine/create/create.go: `--image-store`, `--volume-store` ("datastore/path:label",
 *   repeatable), `--bridge-network`, `--public-network`, `--client-network`,
 *   `--client-network-ip` (CIDR, create.go:161), `--client-network-gateway` (create.go:154),
 *   `--timeout` (a Go duration, create.go:262), display name at most 31 characters.
 * - cmd/vic-machine/common/dns.go:32-66 `--dns-server` (repeatable, create and configure).
 * - cmd/vic-machine/common/ops_credentials.go:37-109: `--ops-user`, and `--ops-password`, which
 *   has no environment variable; without it vic-machine prompts "vSphere password for <user>: "
 *   and reads the password from a terminal on stdin (terminal.ReadPassword(os.Stdin)).
 * - cmd/vic-machine/common/registries.go:39-66: `--registry-ca` is a file path.
 * - cmd/vic-machine/common/certificate.go: `--tls-server-cert`, `--tls-server-key`, `--tls-ca`,
 *   `--tls-cname`; a supplied server certificate is refused unless its subject CN equals
 *   `--tls-cname`.
 * - cmd/vic-machine/configure/configure.go:94-118: configure changes certificates, CPU/memory
 *   limits/reservations/shares, adds volume stores (lib/install/data/data.go:243-280 refuses a
 *   changed or missing existing one), DNS servers, ops credentials and registry CAs; it has no
 *   flag for the image store, the networks, their addresses or the name. It refuses a VCH that
 *   needs `vic-machine upgrade` (configure.go:438-446).
 * - cmd/vic-machine/delete/delete.go:149-158 (version check) and
 *   lib/install/management/delete.go, appliance.go:190-210 ("VM %q is powered on"),
 *   store_files.go:321-394 (`--force` deletes every volume store folder of the VCH).
 * - lib/install/management/inspect.go:39-118, 166-268: "No client IP address assigned", the
 *   "Docker environment variables:" line "DOCKER_TLS_VERIFY=1 DOCKER_HOST=<addr>:2376 ..."
 *   (no DOCKER_TLS_VERIFY without client verification; IPv6 printed without brackets).
 * - cmd/vic-machine/common/operation.go:26-37 and vendor/github.com/Sirupsen/logrus/
 *   text_formatter.go:59-168: with stderr not a terminal every line is
 *   `time="..." level=<level> msg=<value> ` where the value is Go-%q-quoted unless it is made of
 *   `[A-Za-z0-9.-]` only (tests/resources/VCH-Util.robot:139-145 parses that form).
 */

import type { ShareLevel } from "../compute/config";

/** A VCH volume store: `datastore/path` on vSphere, exposed to Docker under `label`. */
export interface VolumeStore {
  /** Datastore name, e.g. `vsanDatastore`. */
  datastore: string;
  /**
   * Folder in the datastore, owned by this VCH alone: `vic-machine delete --force` deletes the
   * whole folder (see {@link storeFolderProblem}).
   */
  path: string;
  /** Docker volume store name (`default` is used by `docker volume create` without options). */
  label: string;
}

/** How long the scripts wait for the VCH to get its client-network address from DHCP. */
export interface AddressWait {
  /** Give up after this many seconds. */
  timeoutSeconds: number;
  /** Inspect again after this many seconds. */
  intervalSeconds: number;
}

/** Everything vic-machine needs to create, configure, inspect and delete one VCH. No secrets. */
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
  /**
   * Where VIC makes the VCH's own resource pool `<name>`, relative to the datacenter: the
   * cluster. buildenv makes no pool of its own (VIC's pool carries the limits and shares).
   */
  computeResource: string;
  /** Image datastore, `datastore` or `datastore/path`. */
  imageStore: string;
  /** Volume stores; labels must be unique. */
  volumeStores: VolumeStore[];
  /** Port group for the private container bridge network; one per VCH. */
  bridgeNetwork: string;
  /** Port group for the public network (port forwarding, default route). */
  publicNetwork: string;
  /** Port group that serves the Docker API; omitted means it shares the public network. */
  clientNetwork?: string;
  /** Static client-network address with its mask, e.g. `10.20.0.15/24`; omitted means DHCP. */
  clientNetworkIp?: string;
  /** `[dest,dest:]gateway` on the client network; only with {@link clientNetworkIp}. */
  clientNetworkGateway?: string;
  /** DNS servers of the VCH (at most 3 are used by VIC). Default: none (VIC's default). */
  dnsServers?: string[];
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
  /**
   * vSphere user the VCH itself operates as (`--ops-user`); its password comes from
   * {@link OPS_PASSWORD_ENV}. Default: none, and VIC keeps the deploying user's credentials.
   */
  opsUser?: string;
  /** Whether a registry CA (PEM) comes in {@link REGISTRY_CA_ENV} for `--registry-ca`. */
  registryCa?: boolean;
  /** `--timeout` of every vic-machine call, a Go duration such as `10m`. Default `10m`. */
  timeout?: string;
  /** Waiting for a DHCP client address. Default 300 s, every 10 s. */
  addressWait?: AddressWait;
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

/** vic-machine's `--timeout` unless the spec says otherwise (VIC's own default is 3m). */
export const DEFAULT_TIMEOUT = "10m";

export const DEFAULT_ADDRESS_WAIT: AddressWait = { timeoutSeconds: 300, intervalSeconds: 10 };

/** vic-machine reads the vSphere password from this variable (common/target.go `EnvVar`). */
export const VIC_PASSWORD_ENV = "VIC_MACHINE_PASSWORD";

/** The ops user's password; typed into vic-machine's prompt, never put on its command line. */
export const OPS_PASSWORD_ENV = "BUILDENV_OPS_PASSWORD";

/** The registry CA PEM for `--registry-ca`. */
export const REGISTRY_CA_ENV = "BUILDENV_REGISTRY_CA";

/** Environment variables that carry the TLS PEMs into the scripts. */
export const TLS_ENV = {
  ca: "BUILDENV_TLS_CA",
  serverCert: "BUILDENV_TLS_SERVER_CERT",
  serverKey: "BUILDENV_TLS_SERVER_KEY",
} as const;

/**
 * File names inside the private TLS directory: vic-machine's own default names
 * (pkg/certificate), and the registry CA.
 */
export const TLS_FILES = {
  ca: "ca.pem",
  serverCert: "server-cert.pem",
  serverKey: "server-key.pem",
  registryCa: "registry-ca.pem",
} as const;

/** Shell variable holding the private directory the scripts run vic-machine in. */
const DIR_VAR = "BUILDENV_TLS_DIR";

/** The Docker API port of a VCH with TLS (docker's DefaultTLSHTTPPort). */
const DOCKER_TLS_PORT = 2376;

/**
 * The `interpreter` input for the Commands that run the scripts: they use bash features
 * (`pipefail`, `PIPESTATUS`). `--norc` because a non-interactive bash whose stdin is a socket
 * otherwise sources ~/.bashrc (Debian builds bash with SSH_SOURCE_BASHRC).
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

/**
 * A value as logrus's TextFormatter writes it (text_formatter.go:130-168): bare when made of
 * `[A-Za-z0-9.-]` only, else Go-%q-quoted. Enough of %q for the texts matched here.
 */
export function logrusValue(text: string): string {
  if (/^[A-Za-z0-9.-]+$/.test(text)) {
    return text;
  }
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t");
  return `"${escaped}"`;
}

// https://kb.vmware.com/kb/2046088 as enforced by vic-machine (common/utils.go unsuppCharsRegex);
// the datastore variant allows `/` and `:`.
const UNSUPPORTED_NAME_CHARS = /[%&*$#@!\\/:?"<>;'|]/;
const UNSUPPORTED_DATASTORE_CHARS = /[%&*$#@!\\?"<>;'|]/;
const MAX_NAME_LENGTH = 31;
const THUMBPRINT = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){19}$/;
const VOLUME_LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SHARE_LEVELS: readonly string[] = ["low", "normal", "high"];
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/;

/** The folder every VCH's volume stores sit under, one sub-folder per VCH name. */
export const VCH_STORE_FOLDER = "vch";

/**
 * Why a volume store folder could hold another VCH's volumes, or undefined when it cannot.
 *
 * VIC keeps volumes at `<store folder>/volumes/<id>` with nothing per VCH in the path
 * (lib/portlayer/storage/volume/vsphere/store.go:85-90), a datastore root store is the shared
 * `VIC/volumes` (store_files.go:306-308), and `vic-machine delete --force` deletes the whole
 * store folder (store_files.go:321-394). So each VCH's store folder is
 * `[<prefix>/]vch/<VCH name>` with no other `vch` segment in the prefix: no such folder of one
 * VCH can contain, or lie inside, the folder of another.
 */
export function storeFolderProblem(folder: string, vchName: string): string | undefined {
  const segments = folder.split("/");
  const rule = `use "${VCH_STORE_FOLDER}/${vchName}" or "<folder>/${VCH_STORE_FOLDER}/${vchName}", a folder of this VCH's own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH's volumes directly under it)`;
  if (folder.startsWith("/")) {
    return `is an absolute path; give the folder relative to the datastore root: ${rule}`;
  }
  if (folder === "" || segments.some((s) => s === "")) {
    return `is not a folder of this VCH's own; ${rule}`;
  }
  const n = segments.length;
  if (
    n < 2 ||
    segments[n - 1] !== vchName ||
    segments[n - 2] !== VCH_STORE_FOLDER ||
    segments.slice(0, n - 2).includes(VCH_STORE_FOLDER)
  ) {
    return `could hold another VCH's volumes; ${rule}`;
  }
  return undefined;
}

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
  if (spec.clientNetworkIp !== undefined) {
    requireText("clientNetworkIp", spec.clientNetworkIp);
  }
  if (spec.clientNetworkGateway !== undefined) {
    requireText("clientNetworkGateway", spec.clientNetworkGateway);
    if (spec.clientNetworkIp === undefined) {
      // create.go: "Gateway provided without static IP for client network".
      add(
        "clientNetworkGateway",
        `"${spec.clientNetworkGateway}" needs a static client-network address (buildenv:host.clientNetworkIp); VIC refuses a gateway without one`,
      );
    }
  }
  (spec.dnsServers ?? []).forEach((server, i) => requireText(`dnsServers[${i}]`, server));
  requireText("tlsCname", spec.tlsCname);
  if (spec.opsUser !== undefined) {
    requireText("opsUser", spec.opsUser);
  }
  if (spec.timeout !== undefined && !GO_DURATION.test(spec.timeout)) {
    add("timeout", `"${spec.timeout}" is not a duration such as 10m, 90s or 1h30m`);
  }

  const labels = new Set<string>();
  const folders = new Set<string>();
  spec.volumeStores.forEach((store, index) => {
    const where = `volumeStores[${index}]`;
    requireText(`${where}.datastore`, store.datastore);
    checkDatastoreChars(add, `${where}.datastore`, store.datastore);
    checkDatastoreChars(add, `${where}.path`, store.path);
    const folderProblem = storeFolderProblem(store.path, spec.name);
    if (folderProblem) {
      add(`${where}.path`, `"${store.path}" ${folderProblem}`);
    }
    const folder = `${store.datastore}/${store.path}`;
    if (folders.has(folder)) {
      add(`${where}.path`, `"${folder}" is the folder of another volume store of this VCH`);
    }
    folders.add(folder);
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

/** The placeholder path of a file in the private directory; {@link renderArgs} expands it. */
function dirPath(file: string): string {
  return `$${DIR_VAR}/${file}`;
}

const TLS_SERVER_CERT_ARG = flag("tls-server-cert", dirPath(TLS_FILES.serverCert));
const TLS_SERVER_KEY_ARG = flag("tls-server-key", dirPath(TLS_FILES.serverKey));
const TLS_CA_ARG = flag("tls-ca", dirPath(TLS_FILES.ca));
const REGISTRY_CA_ARG = flag("registry-ca", dirPath(TLS_FILES.registryCa));
const DIR_FILE_ARGS: ReadonlySet<string> = new Set([
  TLS_SERVER_CERT_ARG,
  TLS_SERVER_KEY_ARG,
  TLS_CA_ARG,
  REGISTRY_CA_ARG,
]);

/** The connection and identity flags every subcommand shares, and its `--timeout`. */
function locatorArgs(spec: VchSpec): string[] {
  return [
    flag("target", spec.target),
    flag("user", spec.user),
    flag("thumbprint", spec.thumbprint),
    flag("name", spec.name),
    flag("compute-resource", spec.computeResource),
    flag("timeout", spec.timeout ?? DEFAULT_TIMEOUT),
  ];
}

/** `datastore/path:label`. */
function volumeStoreValue(store: VolumeStore): string {
  return `${store.datastore}/${store.path}:${store.label}`;
}

/** What both create and configure set: what configure can change in place. */
function configurableArgs(spec: VchSpec): string[] {
  return [
    ...spec.volumeStores.map((store) => flag("volume-store", volumeStoreValue(store))),
    ...(spec.dnsServers ?? []).map((server) => flag("dns-server", server)),
    flag("tls-cname", spec.tlsCname),
    TLS_SERVER_CERT_ARG,
    TLS_SERVER_KEY_ARG,
    TLS_CA_ARG,
    ...(spec.registryCa ? [REGISTRY_CA_ARG] : []),
    flag("memory", spec.memoryLimitMB),
    flag("memory-reservation", spec.memoryReservationMB),
    flag("memory-shares", spec.memoryShares),
    flag("cpu", spec.cpuLimitMHz),
    flag("cpu-reservation", spec.cpuReservationMHz),
    flag("cpu-shares", spec.cpuShares),
    ...(spec.opsUser === undefined ? [] : [flag("ops-user", spec.opsUser)]),
  ];
}

/**
 * argv (after the binary) of `vic-machine create`. No password is in it (vic-machine reads
 * {@link VIC_PASSWORD_ENV}; the ops password is typed into its prompt); the file flags point at
 * `$BUILDENV_TLS_DIR/<file>`, which only the scripts define. Never `--force`, `--no-tls` or
 * `--no-tlsverify`.
 */
export function vicCreateArgs(spec: VchSpec): string[] {
  validateVchSpec(spec);
  return [
    "create",
    ...locatorArgs(spec),
    flag("image-store", spec.imageStore),
    flag("bridge-network", spec.bridgeNetwork),
    flag("public-network", spec.publicNetwork),
    ...(spec.clientNetwork === undefined ? [] : [flag("client-network", spec.clientNetwork)]),
    ...(spec.clientNetworkIp === undefined
      ? []
      : [flag("client-network-ip", spec.clientNetworkIp)]),
    ...(spec.clientNetworkGateway === undefined
      ? []
      : [flag("client-network-gateway", spec.clientNetworkGateway)]),
    ...configurableArgs(spec),
  ];
}

/**
 * argv (after the binary) of `vic-machine configure`: everything configure can change in place
 * (configure.go:94-118). Every volume store is repeated, as configure requires
 * (data.go:243-280); a registry CA given replaces the VCH's (configure replaces, not adds).
 */
export function vicConfigureArgs(spec: VchSpec): string[] {
  validateVchSpec(spec);
  return ["configure", ...locatorArgs(spec), ...configurableArgs(spec)];
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
 * What only a new VCH can change: configure has no flag for these (configure.go:94-118), so the
 * Command's `triggers` hold them and a change replaces the VCH. Everything else is applied in
 * place by {@link updateScript}.
 */
export function replacementKey(spec: VchSpec): string {
  return JSON.stringify({
    target: spec.target,
    name: spec.name,
    computeResource: spec.computeResource,
    imageStore: spec.imageStore,
    bridgeNetwork: spec.bridgeNetwork,
    publicNetwork: spec.publicNetwork,
    clientNetwork: spec.clientNetwork ?? null,
    clientNetworkIp: spec.clientNetworkIp ?? null,
    clientNetworkGateway: spec.clientNetworkGateway ?? null,
  });
}

/**
 * Renders argv as shell words. Only our own file arguments expand `$BUILDENV_TLS_DIR`
 * (as `'--tls-ca='"$BUILDENV_TLS_DIR/ca.pem"`); every other argument is single-quoted, so no
 * spec value can expand or split.
 */
function renderArgs(args: string[]): string {
  return args
    .map((arg) => {
      if (DIR_FILE_ARGS.has(arg)) {
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
 * path; vic-machine runs inside it so its vic-machine.log stays private too.
 */
function privateDirLines(): string[] {
  return [
    `${DIR_VAR}=$(mktemp -d)`,
    `trap 'rm -rf -- "$${DIR_VAR}"' EXIT`,
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

/** A fixed string for `grep -F`: one logrus line's level and message, up to `msg`'s end. */
function logLine(level: string, message: string): string {
  return `level=${level} msg=${logrusValue(message)} `;
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
    `buildenv_vic() {`,
    `  local log=$1; shift`,
    `  set +e`,
    `  "$buildenv_vic_machine" "$@" </dev/null 2>&1 | tee "$log" >&2`,
    `  local status=\${PIPESTATUS[0]}`,
    `  set -e`,
    `  return "$status"`,
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
    `  return "$status"`,
    `}`,
  ];
}

/**
 * Runs vic-machine with these args, through the ops password prompt when the spec has an ops
 * user; sets `buildenv_status` to its exit status.
 */
function runLine(spec: VchSpec, log: string, args: string[]): string {
  const run =
    spec.opsUser !== undefined
      ? `buildenv_vic_ops "$${DIR_VAR}/${log}" ${shellQuote(`exec "$buildenv_vic_machine" ${renderArgs(args)}`)}`
      : `buildenv_vic "$${DIR_VAR}/${log}" ${renderArgs(args)}`;
  return `buildenv_status=0; ${run} || buildenv_status=$?`;
}

function header(spec: VchSpec, what: string): string[] {
  return [
    `# buildenv: ${what} VCH ${shellQuote(spec.name)} with vic-machine.`,
    "# Secrets come only from the environment: vic-machine reads VIC_MACHINE_PASSWORD itself and",
    "# the PEMs are written by the printf builtin into a private directory.",
    ...(spec.opsUser !== undefined
      ? ["# The ops password is typed into vic-machine's prompt, never put on its command line."]
      : []),
  ];
}

function setupLines(spec: VchSpec, writeFiles: boolean): string[] {
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
    ...privateDirLines(),
    ...secretLines(spec, writeFiles),
    `export ${DIR_VAR} buildenv_vic_machine`,
    `cd "$${DIR_VAR}"`,
    ...functionLines(spec),
  ];
}

/**
 * The bash script for the `create` of a `local.Command` (run it with
 * {@link scriptInterpreter}). Environment: {@link VIC_PASSWORD_ENV}, the three {@link TLS_ENV}
 * PEMs, {@link REGISTRY_CA_ENV} with `registryCa` and {@link OPS_PASSWORD_ENV} with `opsUser`.
 * Skips `create` when `inspect` finds the VCH, and always ends with `inspect` (waiting for a
 * DHCP address), whose output is the only thing on stdout (feed it to
 * {@link parseDockerEndpoint}); everything else goes to stderr.
 */
export function createScript(spec: VchSpec): string {
  validateVchSpec(spec);
  const name = shellQuote(spec.name);
  return [
    ...header(spec, "create (unless it exists) and inspect"),
    ...setupLines(spec, true),
    `buildenv_status=0; buildenv_vic "$${DIR_VAR}/inspect-before-create.log" ${renderArgs(vicInspectArgs(spec))} || buildenv_status=$?`,
    `if [ "$buildenv_status" -eq 0 ] || grep -q -F -e ${shellQuote(logLine("error", "No client IP address assigned"))} "$${DIR_VAR}/inspect-before-create.log"; then`,
    `  echo 'buildenv: VCH' ${name} 'already exists; not creating it again' >&2`,
    `elif buildenv_vch_absent "$${DIR_VAR}/inspect-before-create.log"; then`,
    `  echo 'buildenv: VCH' ${name} 'does not exist yet; creating it' >&2`,
    `  ${runLine(spec, "create.log", vicCreateArgs(spec))}`,
    `  if [ "$buildenv_status" -ne 0 ]; then exit "$buildenv_status"; fi`,
    "else",
    `  echo "buildenv: vic-machine inspect failed (exit $buildenv_status) for a reason other than a missing VCH; not creating" >&2`,
    `  exit "$buildenv_status"`,
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
    runLine(spec, "configure.log", vicConfigureArgs(spec)),
    `if [ "$buildenv_status" -ne 0 ] && buildenv_vch_absent ${log}; then`,
    // Gone behind Pulumi's back (deleted in vSphere): make it again rather than fail.
    `  echo 'buildenv: VCH' ${name} 'does not exist; creating it' >&2`,
    `  ${runLine(spec, "create.log", vicCreateArgs(spec))}`,
    `  if [ "$buildenv_status" -ne 0 ]; then exit "$buildenv_status"; fi`,
    `elif [ "$buildenv_status" -ne 0 ]; then`,
    `  if grep -q -F -e ${shellQuote(upgrade)} ${log}; then`,
    `    echo 'buildenv: VCH' ${name} 'was made by an older VIC and needs "vic-machine upgrade" before it can be configured: run' ${shellQuote(spec.vicMachine ?? DEFAULT_VIC_MACHINE)} 'upgrade with the same --target, --thumbprint, --name and --compute-resource, then run pulumi up again' >&2`,
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
  // delete.go:149-153
  const version = "is different than installer version";
  return [
    `# buildenv: delete VCH ${name} with vic-machine${opts.force ? " --force (its volume stores go too)" : ""}; a VCH that is already gone is fine.`,
    "# The password comes only from the environment: vic-machine reads VIC_MACHINE_PASSWORD itself.",
    ...setupLines(spec, false),
    `buildenv_status=0; buildenv_vic ${log} ${renderArgs(vicDeleteArgs(spec, opts))} || buildenv_status=$?`,
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
    "",
  ].join("\n");
}

/** The Docker API endpoint of a VCH as vic-machine reports it. */
export interface DockerEndpoint {
  /** Host name or IP address the VCH serves the Docker API on (IPv6 without brackets). */
  address: string;
  /** `tcp://<address>:2376`, with an IPv6 address in brackets. */
  dockerHost: string;
}

/** `tcp://host:2376`, bracketing an IPv6 address. */
export function dockerHostFor(address: string): string {
  return `tcp://${address.includes(":") ? `[${address}]` : address}:${DOCKER_TLS_PORT}`;
}

// A captured terminal session carries ANSI colour codes (text_formatter.go:103-128).
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

/** Undoes Go's %q for a logrus `msg="..."` value. */
function unquoteGo(quoted: string): string {
  return quoted.replace(/\\(["\\nt])/g, (_, c: string) =>
    c === "n" ? "\n" : c === "t" ? "\t" : c,
  );
}

/** The messages of vic-machine's output: logrus text lines unquoted, other lines as they are. */
export function vicMessages(output: string): string[] {
  const messages: string[] = [];
  for (const raw of output.replace(ANSI_ESCAPE, "").split("\n")) {
    const logrus = /^time=(?:"[^"]*"|\S*) level=\w+(?: msg=(?:"((?:[^"\\]|\\.)*)"|(\S*)))? ?$/.exec(
      raw,
    );
    if (logrus) {
      messages.push(logrus[1] !== undefined ? unquoteGo(logrus[1]) : (logrus[2] ?? ""));
    } else {
      messages.push(raw);
    }
  }
  return messages;
}

/**
 * Finds the Docker endpoint in `vic-machine create` or `inspect` output: the environment line
 * `DOCKER_TLS_VERIFY=1 DOCKER_HOST=<address>:<port> ...` (inspect.go:229-268). With several
 * (create's output followed by inspect's) the last one wins. Throws if there is none, if the VCH
 * does not verify clients (no DOCKER_TLS_VERIFY=1: made with --no-tlsverify or --no-tls, which
 * buildenv does not adopt), or if the port is not 2376.
 */
export function parseDockerEndpoint(output: string): DockerEndpoint {
  const lines = vicMessages(output).filter((m) => /(?:^|\s)DOCKER_HOST=/.test(m));
  const line = lines[lines.length - 1];
  if (line === undefined) {
    throw new Error(
      'No Docker endpoint in vic-machine output: expected a "DOCKER_HOST=<address>:2376" line ' +
        'under "Docker environment variables:"',
    );
  }
  const vars = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf("=");
    if (eq > 0) vars.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const hostPort = (vars.get("DOCKER_HOST") ?? "").replace(/^tcp:\/\//, "");
  const colon = hostPort.lastIndexOf(":");
  const address = hostPort.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = hostPort.slice(colon + 1);
  if (colon <= 0 || !/^\d+$/.test(port)) {
    throw new Error(`vic-machine reported DOCKER_HOST=${hostPort}, not <address>:<port>`);
  }
  if (vars.get("DOCKER_TLS_VERIFY") !== "1") {
    throw new Error(
      `The VCH at ${address}:${port} does not verify client certificates (no DOCKER_TLS_VERIFY=1; ` +
        "it was created with --no-tlsverify or --no-tls). buildenv does not adopt it: delete it " +
        "or give buildenv:host.name another name",
    );
  }
  if (Number(port) !== DOCKER_TLS_PORT) {
    throw new Error(
      `VCH Docker endpoint ${address}:${port} is not the TLS port ${DOCKER_TLS_PORT}: ` +
        "the VCH serves the Docker API without TLS",
    );
  }
  return { address, dockerHost: dockerHostFor(address) };
}
