/**
 * A stack's whole buildenv config, read and validated before any resource is registered.
 * `parseConfig` is pure (raw values in, typed config or one error listing every problem out), so
 * every malformed config can be tested without the engine; each area parses its own keys (see
 * the `config.ts` of compute/, lifecycle/, host/, vic/, volumes/, image/, registry/, ci/) and
 * this module composes them and adds the rules that span areas. `loadConfig` only gathers the
 * raw values from the Pulumi config and the environment.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { GithubConfig, parseGithub } from "../ci/config";
import { ComputeClass, Priority, parseComputeClass, parsePriority } from "../compute/config";
import { DEFAULT_DOCKER_HOST, HostConfig, parseHost } from "../host/config";
import { BuildImageConfig, parseBuildImage } from "../image/config";
import { parseExpiresAt, parseOwner, parseShared } from "../lifecycle/config";
import { RegistryConfig, parseRegistry } from "../registry/config";
import { vicMachineProblems } from "../vic/config";
import { VolumeConfig, parseVolumes } from "../volumes/config";
import { ConfigError, ParseContext, show } from "./schema";

export interface BuildenvConfig {
  project: string;
  stack: string;
  owner: string;
  priority: Priority;
  computeClass: ComputeClass;
  /** Canonical ISO-8601 instant; undefined for shared stacks and local stacks without one. */
  expiresAt?: string;
  shared: boolean;
  host: HostConfig;
  /**
   * The Docker engine that builds the image: the local one (`DOCKER_HOST`, else the standard
   * socket) for every host kind, since a VCH can neither build nor push.
   */
  builderHost: string;
  /** Sorted by name, so resources are always declared in the same order. */
  volumes: Record<string, VolumeConfig>;
  buildImage: BuildImageConfig;
  registry?: RegistryConfig;
  github?: GithubConfig;
}

/** Raw values as they come from `Pulumi.<stack>.yaml`: strings, or parsed JSON for objects. */
export type RawConfig = Partial<Record<ConfigKey, unknown>>;

export const CONFIG_KEYS = [
  "owner",
  "priority",
  "computeClasses",
  "expiresAt",
  "shared",
  "host",
  "volumes",
  "buildImage",
  "registry",
  "registryPassword",
  "github",
  "opsPassword",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** Keys whose value is structured (an object or list) and arrives from the engine as JSON text. */
const STRUCTURED_KEYS: ReadonlySet<ConfigKey> = new Set([
  "computeClasses",
  "host",
  "volumes",
  "buildImage",
  "registry",
  "github",
]);

/**
 * Validates raw stack config and returns the typed config. Every problem is collected and
 * reported together in one ConfigError, each line naming the key, the bad value and what is
 * allowed.
 */
export function parseConfig(raw: RawConfig, ctx: ParseContext): BuildenvConfig {
  const problems: string[] = [];

  const owner = parseOwner(raw.owner, ctx.stack, problems);
  const priority = parsePriority(raw.priority, problems);
  const shared = parseShared(raw.shared, problems);
  const computeClass = parseComputeClass(raw.computeClasses, priority ?? "normal", problems);
  const host = parseHost(raw.host, owner, ctx, problems);
  const expiresAt = parseExpiresAt(
    raw.expiresAt,
    shared ?? false,
    host?.kind ?? "local",
    ctx.now,
    problems,
  );
  const volumes = parseVolumes(
    raw.volumes,
    host?.kind === "vch" ? host.volumeStores.map((s) => s.label) : undefined,
    host?.kind,
    problems,
  );
  const buildImage = parseBuildImage(raw.buildImage, ctx, problems);
  const registry = parseRegistry(raw.registry, ctx, problems);
  const github = parseGithub(raw.github, problems);

  if (host?.kind === "vch" && raw.registry === undefined) {
    problems.push(
      "buildenv:registry: is required when buildenv:host.kind is vch; a VCH cannot build or push images, so the build image is built on the local engine, pushed to the registry and pulled by the VCH",
    );
  }
  if (host?.kind === "vch" && computeClass) {
    problems.push(...vicMachineProblems(host, computeClass, priority ?? "normal"));
  }
  if (github && host?.kind === "local") {
    problems.push(
      "buildenv:github: CI secrets need a host CI can reach over TLS (buildenv:host.kind: vch); the local engine has no such endpoint",
    );
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    project: ctx.project,
    stack: ctx.stack,
    owner: owner!,
    priority: priority!,
    computeClass: computeClass!,
    ...(expiresAt ? { expiresAt } : {}),
    shared: shared!,
    host: host!,
    builderHost:
      host!.kind === "local" ? host!.dockerHost : ctx.env.DOCKER_HOST || DEFAULT_DOCKER_HOST,
    volumes: volumes!,
    buildImage: buildImage!,
    ...(registry ? { registry } : {}),
    ...(github ? { github } : {}),
  };
}

/**
 * Reads the raw values from the Pulumi config. Structured values arrive as JSON text; a value
 * that is not valid JSON is reported like any other problem. Unknown `buildenv:` keys (typos)
 * are rejected rather than ignored.
 */
export function readRawConfig(all: Record<string, string>): { raw: RawConfig; problems: string[] } {
  const raw: RawConfig = {};
  const problems: string[] = [];
  for (const fullKey of Object.keys(all).sort()) {
    if (!fullKey.startsWith("buildenv:")) {
      continue;
    }
    const key = fullKey.slice("buildenv:".length);
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      problems.push(
        `${fullKey}: unknown key; allowed: ${CONFIG_KEYS.map((k) => `buildenv:${k}`).join(", ")}`,
      );
      continue;
    }
    if (key === "registryPassword" || key === "opsPassword") {
      continue; // read as a secret, never as plain text
    }
    const text = all[fullKey];
    if (STRUCTURED_KEYS.has(key as ConfigKey)) {
      try {
        raw[key as ConfigKey] = JSON.parse(text);
      } catch {
        problems.push(`buildenv:${key}: ${show(text)} is not an object`);
      }
    } else {
      raw[key as ConfigKey] = text;
    }
  }
  return { raw, problems };
}

/** Reads and validates the current stack's config; throws ConfigError before any resource. */
export function loadConfig(now: Date = new Date()): BuildenvConfig {
  const { raw, problems } = readRawConfig(pulumi.runtime.allConfig());
  const buildenv = new pulumi.Config("buildenv");
  const vsphere = new pulumi.Config("vsphere");
  const env = process.env;
  const vspherePassword =
    vsphere.getSecret("password") ??
    (env.VSPHERE_PASSWORD ? pulumi.secret(env.VSPHERE_PASSWORD) : undefined);
  const root = process.cwd();
  const parse = () =>
    parseConfig(raw, {
      project: pulumi.getProject(),
      stack: pulumi.getStack(),
      now,
      env: {
        DOCKER_HOST: env.DOCKER_HOST,
        VSPHERE_SERVER: env.VSPHERE_SERVER,
        VSPHERE_USER: env.VSPHERE_USER,
        VSPHERE_ALLOW_UNVERIFIED_SSL: env.VSPHERE_ALLOW_UNVERIFIED_SSL,
      },
      vsphere: {
        vsphereServer: vsphere.get("vsphereServer"),
        user: vsphere.get("user"),
        allowUnverifiedSsl: vsphere.get("allowUnverifiedSsl"),
      },
      secrets: {
        registryPassword: buildenv.getSecret("registryPassword"),
        vspherePassword,
        opsPassword: buildenv.getSecret("opsPassword"),
      },
      pathKind: (relative) => pathKind(path.join(root, relative)),
    });
  if (problems.length > 0) {
    // Report unreadable keys together with whatever else is wrong in the readable ones.
    try {
      parse();
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new ConfigError([...problems, ...error.problems]);
      }
      throw error;
    }
    throw new ConfigError(problems);
  }
  return parse();
}

function pathKind(absolute: string): "file" | "dir" | undefined {
  try {
    const stat = fs.statSync(absolute);
    return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}
