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
import {
  ComputeClass,
  Priority,
  parseComputeClasses,
  parsePriority,
  vchPoolMemoryProblem,
} from "../compute/config";
import { DEFAULT_DOCKER_HOST, HostConfig, parseHost } from "../host/config";
import { BuildImageConfig, firstNonUtf8NameIn, parseBuildImage, realPathIn } from "../image/config";
import { parseContact, parseExpiresAt, parseOwner, parseShared } from "../lifecycle/config";
import { RegistryConfig, parseRegistry } from "../registry/config";
import { ciRobotNameProblems } from "../registry/harbor";
import { FarmConfig, parseFarm } from "../vic/farm";
import { vicMachineProblems } from "../vic/vchSpec";
import { CacheConfig, parseCaches } from "../volumes/cacheConfig";
import { VolumeConfig, parseVolumes } from "../volumes/config";
import { ConfigError, ParseContext, show } from "./schema";

export interface BuildenvConfig {
  project: string;
  stack: string;
  owner: string;
  /** The owner's GitHub handle (`buildenv:contact`), for the reaper's notices. */
  contact?: string;
  priority: Priority;
  computeClass: ComputeClass;
  /** Every priority's class, with this stack's overrides (for choosing compute per build). */
  computeClasses: Record<Priority, ComputeClass>;
  /** Canonical ISO-8601 instant; undefined for shared stacks and local stacks without one. */
  expiresAt?: string;
  shared: boolean;
  host: HostConfig;
  /** The build farm's pool (`buildenv:farm`); for a VCH host only, and not on a shared stack without the key. */
  farm?: FarmConfig;
  /**
   * The Docker engine that builds the image: the local one (`DOCKER_HOST`, else the standard
   * socket) for every host kind, since a VCH can neither build nor push.
   */
  builderHost: string;
  /** Sorted by name, so resources are always declared in the same order. */
  volumes: Record<string, VolumeConfig>;
  /** `buildenv:caches`, sorted by name; empty unless set. */
  caches: Record<string, CacheConfig>;
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
  "contact",
  "opsPassword",
  "farm",
  "caches",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/**
 * Keys that hold a secret: read only as secrets (`pulumi.Config.getSecret`), never as plain text,
 * and refused when stored in plain text. Every other key is read as plain text and ends up in
 * resource inputs, names, command lines or CI variables, so it is refused when marked secret.
 */
export const SECRET_CONFIG_KEYS: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
  "registryPassword",
  "opsPassword",
]);

/**
 * Keys of other namespaces the program reads as plain text, with where each one goes; a value
 * marked secret here would leave the secret behind, so it is refused.
 */
export const PLAIN_FOREIGN_KEYS: Readonly<Record<string, string>> = {
  "vsphere:vsphereServer": "vic-machine's --target command-line flag and the VCH's outputs",
  "vsphere:user": "vic-machine's --user command-line flag",
  "vsphere:allowUnverifiedSsl": "the provider setup and vic-machine's flags",
  // The account's name, not a credential: read with Config.get like vsphere:user.
  "harbor:username": "the Harbor registry lookup and the build's and host's registry logins",
};

/**
 * Keys of other namespaces the program reads only as secrets (`getSecret`): a plain value would
 * sit readable in the stack file, so it is refused. The Harbor provider's schema marks its
 * password secret (harbor.json:80-88, `"secret": true`); the vSphere provider's does not
 * (vsphere.json:93-96), so nothing but this rule keeps a plain `vsphere:password` out of a
 * committed file.
 */
export const SECRET_FOREIGN_KEYS: ReadonlySet<string> = new Set([
  "harbor:password",
  "vsphere:password",
]);

/** Why a plain buildenv key cannot be a secret, and what to do instead, by key. */
const PLAIN_BECAUSE: Partial<Record<ConfigKey, string>> = {
  buildImage:
    "its values are the image manifest and tag and docker-build buildArgs, which are published in plain text; keep it plain and give the build no secret through a build argument",
  registry:
    "server, repository and username become image names, the Docker provider's registry address and GitHub Actions variables, all plain text; keep it plain (the password is buildenv:registryPassword, set with --secret)",
  caches:
    "its paths and env values become `docker run -v` and `-e` arguments of `npm run env -- run` and of the buildCommand output, all plain text; keep it plain and give no cache a credential in its env",
  host: "its values become vic-machine command-line flags, resource names and outputs, all plain text; keep it plain (the vSphere password is vsphere:password, set with --secret)",
};

/** Keys whose value is structured (an object or list) and arrives from the engine as JSON text. */
const STRUCTURED_KEYS: ReadonlySet<ConfigKey> = new Set([
  "computeClasses",
  "host",
  "volumes",
  "buildImage",
  "registry",
  "github",
  "farm",
  "caches",
]);

/**
 * Validates raw stack config and returns the typed config. Every problem is collected and
 * reported together in one ConfigError, each line naming the key, the bad value and what is
 * allowed.
 */
export function parseConfig(raw: RawConfig, ctx: ParseContext): BuildenvConfig {
  const problems: string[] = [];

  const owner = parseOwner(raw.owner, ctx.stack, problems);
  const contact = parseContact(raw.contact, problems);
  const priority = parsePriority(raw.priority, problems);
  const shared = parseShared(raw.shared, problems);
  const computeClasses = parseComputeClasses(raw.computeClasses, problems);
  const computeClass = computeClasses?.[priority ?? "normal"];
  const host = parseHost(raw.host, owner, ctx, problems);
  const poolProblem =
    host?.kind === "vch" && computeClass !== undefined
      ? vchPoolMemoryProblem(priority ?? "normal", computeClass)
      : undefined;
  if (poolProblem !== undefined) problems.push(poolProblem);
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
  const caches = parseCaches(
    raw.caches,
    ctx.stack,
    volumes ? Object.keys(volumes) : [],
    host?.kind === "vch" ? host.volumeStores.map((s) => s.label) : undefined,
    host?.kind,
    problems,
  );
  const farm = parseFarm(raw.farm, host?.kind, shared ?? false, problems);
  const buildImage = parseBuildImage(raw.buildImage, ctx, problems);
  const registry = parseRegistry(raw.registry, ctx, problems, shared ?? false);
  const github = parseGithub(raw.github, problems);

  if (host?.kind === "vch" && raw.registry === undefined) {
    problems.push(
      "buildenv:registry: is required when buildenv:host.kind is vch; a VCH cannot build or push images, so the build image is built on the local engine, pushed to the registry and pulled by the VCH",
    );
  }
  if (host?.kind === "vch" && buildImage && buildImage.platform !== "linux/amd64") {
    problems.push(
      `buildenv:buildImage.platform: ${show(buildImage.platform)} cannot run on a VCH, whose container VMs are linux/amd64; remove it or set linux/amd64`,
    );
  }
  if (host?.kind === "vch" && computeClass) {
    problems.push(...vicMachineProblems(host, computeClass, priority ?? "normal", farm));
  }
  if (github && registry?.kind === "harbor" && shared === false) {
    problems.push(
      "buildenv:github: with buildenv:registry.kind harbor, CI secrets come from the shared stack (buildenv:shared: true), which declares a pull-only robot for each repository; a developer stack has no robot to give CI",
    );
  }
  if (github && registry?.kind === "harbor" && shared === true) {
    problems.push(...ciRobotNameProblems(github.repositories));
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
    ...(contact ? { contact } : {}),
    priority: priority!,
    computeClass: computeClass!,
    computeClasses: computeClasses!,
    ...(expiresAt ? { expiresAt } : {}),
    shared: shared!,
    host: host!,
    ...(farm ? { farm } : {}),
    builderHost:
      host!.kind === "local" ? host!.dockerHost : ctx.env.DOCKER_HOST || DEFAULT_DOCKER_HOST,
    volumes: volumes!,
    caches: caches!,
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
export function readRawConfig(
  all: Record<string, string>,
  isSecret: (fullKey: string) => boolean = () => false,
): { raw: RawConfig; problems: string[] } {
  const raw: RawConfig = {};
  const problems: string[] = [];
  for (const fullKey of Object.keys(all).sort()) {
    if (fullKey in PLAIN_FOREIGN_KEYS && isSecret(fullKey)) {
      const credential = fullKey.startsWith("harbor:") ? "harbor:password" : "vsphere:password";
      problems.push(
        `${fullKey}: is marked secret, but it is passed in plain text to ${PLAIN_FOREIGN_KEYS[fullKey]}; it is not a credential, so set it without --secret (pulumi config set ${fullKey} <value>); the credential is ${credential} (pulumi config set --secret ${credential})`,
      );
    }
    if (SECRET_FOREIGN_KEYS.has(fullKey) && !isSecret(fullKey)) {
      problems.push(
        `${fullKey}: is stored in plain text in the stack file; set it as a secret: pulumi config set --secret ${fullKey} <value>`,
      );
    }
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
    if (SECRET_CONFIG_KEYS.has(key as ConfigKey)) {
      if (!isSecret(fullKey)) {
        problems.push(
          `${fullKey}: is stored in plain text in the stack file; set it as a secret: pulumi config set --secret ${fullKey} <value>`,
        );
      }
      continue; // read as a secret, never as plain text
    }
    if (isSecret(fullKey)) {
      const because =
        PLAIN_BECAUSE[key as ConfigKey] ??
        "the program uses its value in plain text (resource inputs, names, labels or outputs); set it without --secret";
      // Still read below, so the rest of the config is checked as usual.
      problems.push(`${fullKey}: is marked secret, but ${because}`);
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
  const { raw, problems } = readRawConfig(pulumi.runtime.allConfig(), isConfigSecret);
  const buildenv = new pulumi.Config("buildenv");
  const vsphere = new pulumi.Config("vsphere");
  const harbor = new pulumi.Config("harbor");
  const env = process.env;
  const vspherePassword =
    vsphere.getSecret("password") ??
    (env.VSPHERE_PASSWORD ? pulumi.secret(env.VSPHERE_PASSWORD) : undefined);
  // The Harbor provider's own config and env fallback (harbor.json `config`), so one account
  // serves the provider and the registry lookup.
  const harborPassword =
    harbor.getSecret("password") ??
    (env.HARBOR_PASSWORD ? pulumi.secret(env.HARBOR_PASSWORD) : undefined);
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
        HARBOR_USERNAME: env.HARBOR_USERNAME,
      },
      harbor: { username: harbor.get("username"), password: harborPassword },
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
      realPath: (relative) => realPathIn(root, relative),
      nonUtf8Name: (relative) => firstNonUtf8NameIn(root, relative),
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

/**
 * Whether the CLI passed a key as a secret (PULUMI_CONFIG_SECRET_KEYS). The Node SDK keeps this
 * internal (@pulumi/pulumi runtime/config.js `isConfigSecret`, marked @internal in 3.248), so it
 * is looked up at run time; a missing function is an SDK change the program must not ignore.
 */
export function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function") {
    throw new Error(
      "@pulumi/pulumi no longer exports runtime.isConfigSecret; update config/load.ts",
    );
  }
  return runtime.isConfigSecret(fullKey);
}

function pathKind(absolute: string): "file" | "dir" | undefined {
  try {
    const stat = fs.statSync(absolute);
    return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}
