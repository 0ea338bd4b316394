/**
 * What one Virtual Container Host (VCH) is made from, as vic-machine takes it: the spec, the
 * names the scripts share (environment variables, files) and vic-machine's own rules for it,
 * checked before any resource exists. Sources: see vicMachine.ts.
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
export const DIR_VAR = "BUILDENV_TLS_DIR";

/** The Docker API port of a VCH with TLS (docker's DefaultTLSHTTPPort). */
export const DOCKER_TLS_PORT = 2376;

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
