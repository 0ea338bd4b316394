/**
 * The argv of every vic-machine subcommand buildenv runs, and their rendering as shell words.
 * Pure: the same spec always yields the same argv. Sources: see vicMachine.ts.
 */

import {
  DIR_VAR,
  DEFAULT_TIMEOUT,
  DeleteOptions,
  TLS_FILES,
  VchSpec,
  VolumeStore,
  validateVchSpec,
} from "./vicMachineSpec";

/**
 * Quotes one argument for a POSIX shell: always single quotes, an embedded `'` becomes `'\''`.
 * The empty string becomes `''`.
 */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
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
export function renderArgs(args: string[]): string {
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

/**
 * argv (after the binary) of `vic-machine update firewall --allow` for the VCH's cluster: it
 * enables the "vic-engine" ruleset on every host of the compute resource's cluster
 * (lib/install/management/update.go:62-98). It takes no --name (update/firewall.go:49-80,
 * common/compute.go:40-48 ComputeFlagsNoName); `user` is the administrator who runs it.
 */
export function vicFirewallAllowArgs(spec: VchSpec, user: string): string[] {
  validateVchSpec(spec);
  return [
    "update",
    "firewall",
    flag("target", spec.target),
    flag("user", user),
    flag("thumbprint", spec.thumbprint),
    flag("compute-resource", spec.computeResource),
    "--allow",
  ];
}
