/**
 * A stack's outputs as the developer CLI reads them from `pulumi stack output --json
 * --show-secrets` (see index.ts for what the program exports). Checked once here, so every verb
 * can rely on them and a stack without outputs is one clear line.
 */
import { ComputeClass, PRIORITIES, Priority } from "../../components/compute/classes";
import { CacheMount, parseCachesOutput } from "./cacheMounts";
import { CliError } from "./process";

/** The host kinds of `buildenv:host.kind`. */
export type HostKind = "local" | "vch";

/** TLS client material of a VCH (secret: written only to a private temporary directory). */
export interface TlsMaterial {
  caCert: string;
  clientCert: string;
  clientKey: string;
}

export interface StackOutputs {
  /** `vch` when the stack exports TLS client material (only a VCH does), else `local`. */
  kind: HostKind;
  dockerHost: string;
  /** Volume key (`source`, `output`, ...) → physical volume name. */
  volumes: Record<string, string>;
  /** Cache name → volume, path and variables (`buildenv:caches`); empty for older stacks. */
  caches: Record<string, CacheMount>;
  buildImage: string;
  buildImageTag: string;
  computeClass: ComputeClass;
  /** Every priority's class, when the stack exports it (stacks deployed before it did not). */
  computeClasses?: Record<Priority, ComputeClass>;
  /** Canonical ISO-8601 instant, or `never`. */
  expiresAt: string;
  tls?: TlsMaterial;
  /**
   * Where `output --push` pushes (`<build image repository>-output` on the build image's
   * server), when the stack has a registry and was deployed since it exported this.
   */
  outputRepository?: { server: string; repository: string };
  /** The stack's push login for that registry (secret), unless the registry is anonymous. */
  registryLogin?: { username: string; password: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(raw: Record<string, unknown>, key: string, stack: string): string {
  const value = raw[key];
  if (typeof value !== "string" || value === "") {
    throw new CliError(
      `stack ${stack}: output ${key} is missing or not a string; run \`npm run up -- --stack ${stack}\` with this version of buildenv`,
    );
  }
  return value;
}

function computeClassOf(value: unknown, what: string, stack: string): ComputeClass {
  const fields = ["memoryMB", "memoryReservationMB", "cpuMHz", "cpuReservationMHz"] as const;
  if (
    !isRecord(value) ||
    !fields.every((f) => typeof value[f] === "number") ||
    !["low", "normal", "high"].includes(String(value.shares))
  ) {
    throw new CliError(`stack ${stack}: output ${what} is not a compute class`);
  }
  return value as unknown as ComputeClass;
}

/**
 * Checks and types the outputs. `raw` is the parsed JSON of `pulumi stack output --json
 * --show-secrets`; an empty object means the stack has no outputs (never deployed).
 */
export function parseStackOutputs(raw: unknown, stack: string): StackOutputs {
  if (!isRecord(raw) || Object.keys(raw).length === 0) {
    throw new CliError(
      `stack ${stack} has no outputs; create the environment first with \`npm run up -- --stack ${stack}\``,
    );
  }
  const volumes = raw.volumes;
  if (!isRecord(volumes) || !Object.values(volumes).every((v) => typeof v === "string")) {
    throw new CliError(`stack ${stack}: output volumes is missing or not a map of volume names`);
  }
  const outputs: StackOutputs = {
    kind: "local",
    dockerHost: text(raw, "dockerHost", stack),
    volumes: volumes as Record<string, string>,
    caches: parseCachesOutput(raw.caches, stack),
    buildImage: text(raw, "buildImage", stack),
    buildImageTag: text(raw, "buildImageTag", stack),
    computeClass: computeClassOf(raw.computeClass, "computeClass", stack),
    expiresAt: text(raw, "expiresAt", stack),
  };
  if (raw.computeClasses !== undefined) {
    const table = raw.computeClasses;
    if (!isRecord(table)) {
      throw new CliError(`stack ${stack}: output computeClasses is not a table of classes`);
    }
    outputs.computeClasses = Object.fromEntries(
      PRIORITIES.map((p) => [p, computeClassOf(table[p], `computeClasses.${p}`, stack)]),
    ) as Record<Priority, ComputeClass>;
  }
  if (raw.tls !== undefined) {
    const tls = raw.tls;
    // The key moved to its own secret output, tlsClientKey; older stacks carry tls.clientKey.
    const clientKey = raw.tlsClientKey ?? (isRecord(tls) ? tls.clientKey : undefined);
    if (
      !isRecord(tls) ||
      typeof tls.caCert !== "string" ||
      typeof tls.clientCert !== "string" ||
      typeof clientKey !== "string"
    ) {
      throw new CliError(
        `stack ${stack}: output tls needs caCert and clientCert, and tlsClientKey its key`,
      );
    }
    outputs.kind = "vch";
    outputs.tls = { caCert: tls.caCert, clientCert: tls.clientCert, clientKey };
  }
  if (raw.outputRepository !== undefined) {
    const repo = raw.outputRepository;
    if (!isRecord(repo) || typeof repo.server !== "string" || typeof repo.repository !== "string") {
      throw new CliError(`stack ${stack}: output outputRepository needs server and repository`);
    }
    outputs.outputRepository = { server: repo.server, repository: repo.repository };
  }
  if (raw.registryLogin !== undefined) {
    const login = raw.registryLogin;
    if (
      !isRecord(login) ||
      typeof login.username !== "string" ||
      typeof login.password !== "string"
    ) {
      // Never the value: it holds the password.
      throw new CliError(`stack ${stack}: output registryLogin needs username and password`);
    }
    outputs.registryLogin = { username: login.username, password: login.password };
  }
  return outputs;
}

/** The physical name of volume `key`, or a one-line error naming the config that declares it. */
export function volumeOf(outputs: StackOutputs, key: string, stack: string): string {
  const name = outputs.volumes[key];
  if (name === undefined) {
    throw new CliError(
      `stack ${stack} has no ${key} volume (buildenv:volumes.${key}); it has: ${Object.keys(outputs.volumes).sort().join(", ") || "none"}`,
    );
  }
  return name;
}
