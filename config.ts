/**
 * All of buildenv's stack configuration, read and validated in one place before any resource is
 * registered. `parseConfig` is pure (raw values in, typed config or one error listing every
 * problem out) so that every malformed config can be tested without the engine; `loadConfig`
 * only gathers the raw values from the Pulumi config and the environment.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CAPACITY_RULE, parseCapacityMB } from "./lib/capacity";
import { formatExpiry, parseExpiry } from "./lib/expiry";
import { validateBuildArgName, validateBuildArgValue } from "./lib/manifest";
import { configKeyOfSpecField, vchSpec } from "./lib/vchSpec";
import { DEFAULT_VIC_MACHINE, ShareLevel, vchSpecProblems } from "./lib/vicMachine";
import {
  OWNER_PATTERN,
  OWNER_RULE,
  VCH_NAME_PATTERN,
  VCH_NAME_RULE,
  VOLUME_KEY_PATTERN,
  VOLUME_KEY_RULE,
} from "./lib/names";

export const PRIORITIES = ["low", "normal", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * The compute a stack gets. The same class sizes a VCH's resource pool and vic-machine's limits
 * and, on the local engine, the `docker run` line of the build command.
 */
export interface ComputeClass {
  /** Memory limit, MB. */
  memoryMB: number;
  /** Memory guaranteed to the stack, MB; at most memoryMB. */
  memoryReservationMB: number;
  /** CPU limit, MHz. */
  cpuMHz: number;
  /** CPU guaranteed to the stack, MHz; at most cpuMHz. */
  cpuReservationMHz: number;
  /** vSphere share level for CPU and memory when the host is contended. */
  shares: ShareLevel;
}

/** The documented default table; `buildenv:computeClasses` overrides fields of it. */
export const DEFAULT_COMPUTE_CLASSES: Readonly<Record<Priority, Readonly<ComputeClass>>> = {
  low: {
    memoryMB: 4096,
    memoryReservationMB: 0,
    cpuMHz: 4000,
    cpuReservationMHz: 0,
    shares: "low",
  },
  normal: {
    memoryMB: 8192,
    memoryReservationMB: 2048,
    cpuMHz: 8000,
    cpuReservationMHz: 1000,
    shares: "normal",
  },
  high: {
    memoryMB: 16384,
    memoryReservationMB: 4096,
    cpuMHz: 16000,
    cpuReservationMHz: 4000,
    shares: "high",
  },
};

/** Docker's relative CPU weight per share level (1024 is Docker's default), 1:2:4 like vSphere. */
export const DOCKER_CPU_SHARES: Readonly<Record<ShareLevel, number>> = {
  low: 512,
  normal: 1024,
  high: 2048,
};

export interface VolumeConfig {
  /** Whole decimal MB. */
  capacityMB: number;
  /** Survives `pulumi destroy` (retainOnDelete). */
  keep: boolean;
  /** Label of the VCH volume store the volume lives in (`default` unless set); VCH only. */
  store: string;
}

export interface BuildImageConfig {
  /** Build context directory, relative to the project directory. */
  context: string;
  /** Dockerfile path, relative to the project directory. */
  dockerfile: string;
  /** Files and directories whose content defines the image, relative to the project directory. */
  inputs: string[];
  /** Build arguments; part of the manifest, so changing one changes the tag. */
  buildArgs: Record<string, string>;
}

export interface LocalHostConfig {
  kind: "local";
  /** The local engine's address: `host.dockerHost`, else `DOCKER_HOST`, else the default socket. */
  dockerHost: string;
}

export interface VolumeStoreConfig {
  datastore: string;
  path: string;
  label: string;
}

/** Connection to vCenter, from the vSphere provider's own config (or its environment variables). */
export interface VsphereConnection {
  server: string;
  user: string;
  password: pulumi.Output<string>;
  allowUnverifiedSsl: boolean;
}

export interface VchHostConfig {
  kind: "vch";
  datacenter: string;
  cluster: string;
  imageStore: string;
  volumeStores: VolumeStoreConfig[];
  bridgeNetwork: string;
  publicNetwork: string;
  clientNetwork?: string;
  /** vCenter's SHA-1 thumbprint; when absent it is looked up with getHostThumbprint. */
  thumbprint?: string;
  vicMachine: string;
  name: string;
  cname: string;
  /** Public-network addresses of the VCH, added to its server certificate as IP SANs. */
  ipAddresses: string[];
  vsphere: VsphereConnection;
}

export type HostConfig = LocalHostConfig | VchHostConfig;

export interface RegistryConfig {
  server: string;
  repository: string;
  username?: string;
  password?: pulumi.Output<string>;
}

export interface GithubConfig {
  repositories: string[];
  environment?: string;
}

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

export interface ParseContext {
  project: string;
  stack: string;
  now: Date;
  /** DOCKER_HOST and the vSphere provider's VSPHERE_* fallbacks. */
  env: Readonly<Record<string, string | undefined>>;
  /** The vSphere provider's config (`vsphere:*`), plain values only. */
  vsphere: { vsphereServer?: string; user?: string; allowUnverifiedSsl?: string };
  /** Secrets, already wrapped as secret outputs; only their presence is validated. */
  secrets: { registryPassword?: pulumi.Output<string>; vspherePassword?: pulumi.Output<string> };
  /** What is at a project-relative path: "file", "dir" or undefined. */
  pathKind(relative: string): "file" | "dir" | undefined;
}

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
export const DEFAULT_VOLUMES: Readonly<Record<string, { capacity: string; keep: boolean }>> = {
  output: { capacity: "4GB", keep: false },
  source: { capacity: "2GB", keep: true },
};
export const DEFAULT_BUILD_IMAGE: Readonly<BuildImageConfig> = {
  context: "images/build",
  dockerfile: "images/build/Dockerfile",
  inputs: ["images/build"],
  buildArgs: {},
};

/** Thrown for invalid stack config; `problems` holds one line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid buildenv stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** How a value is quoted in error messages: JSON, so strings show their quotes. */
export function show(value: unknown): string {
  if (value === undefined) {
    return "undefined";
  }
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "a boolean (true or false)",
  object: "an object",
  array: "a list",
  record: "an object",
};

// zod reports unknown keys without saying which keys are allowed; every object schema here is
// built with `strict` so its message can list them.
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => show(k)).join(", ")}; allowed: ${allowed}`
        : issue.code === "invalid_type"
          ? `${show(issue.input)} is ${describeType(issue.input)}; expected an object with keys ${allowed}`
          : undefined,
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => `${show(issue.input)} is not one of ${values.join(", ")}`,
  });
}

function matching(pattern: RegExp, rule: string) {
  return z.string().refine((value) => pattern.test(value), {
    error: (issue) => `${show(issue.input)} is not valid; use ${rule}`,
  });
}

const nonEmpty = z.string().trim().min(1, { error: "must not be empty" });

/** A string value that a YAML stack file may also spell as a number or boolean. */
const booleanLike = z.union(
  [z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")],
  {
    error: (issue) => `${show(issue.input)} is not a boolean; use true or false`,
  },
);

const capacity = z
  .union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined
        ? `is required; use ${CAPACITY_RULE}`
        : `${show(issue.input)} is not a capacity; use ${CAPACITY_RULE}`,
  })
  .transform((value, ctx) => {
    const megabytes = parseCapacityMB(value);
    if (megabytes === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} is not a capacity; use ${CAPACITY_RULE}`,
      });
      return z.NEVER;
    }
    return megabytes;
  });

// A VCH has no host bind mounts; a key that asks for one gets a message that says so rather
// than the generic unknown-key error.
const BIND_MOUNT_KEYS = ["hostPath", "bind", "source", "path", "mountpoint"];
const VOLUME_KEYS = ["capacity", "keep", "store"];

const volumeSchema = z.strictObject(
  {
    capacity,
    keep: booleanLike.optional(),
    store: nonEmpty.optional(),
  },
  {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") {
        const binds = issue.keys.filter((k) => BIND_MOUNT_KEYS.includes(k));
        return binds.length > 0
          ? `${binds.map((k) => show(k)).join(", ")}: host bind mounts are not supported (a VCH allows named volumes only); use capacity, keep and store, and copy data into the volume instead`
          : `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => show(k)).join(", ")}; allowed: ${VOLUME_KEYS.join(", ")}`;
      }
      return issue.code === "invalid_type"
        ? `${show(issue.input)} is ${describeType(issue.input)}; expected an object with keys ${VOLUME_KEYS.join(", ")}`
        : undefined;
    },
  },
);

const computeClassSchema = strict({
  memoryMB: z.number().int().positive().optional(),
  memoryReservationMB: z.number().int().nonnegative().optional(),
  cpuMHz: z.number().int().positive().optional(),
  cpuReservationMHz: z.number().int().nonnegative().optional(),
  shares: oneOf(["low", "normal", "high"]).optional(),
});

const localHostSchema = strict({
  kind: z.literal("local"),
  dockerHost: z
    .string()
    .regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/, {
      error: (i) =>
        `${show(i.input)} is not a Docker address; use unix://, tcp://, ssh:// or npipe://`,
    })
    .optional(),
});

const datastorePath = z.string().regex(/^[^/\s:][^:]*$/, {
  error: (i) => `${show(i.input)} is not a datastore path; use <datastore> or <datastore>/<path>`,
});

const vchHostSchema = strict({
  kind: z.literal("vch"),
  datacenter: nonEmpty,
  cluster: nonEmpty,
  imageStore: datastorePath,
  volumeStores: z
    .array(
      strict({
        datastore: z.string().regex(/^[^/:\s][^/:]*$/, {
          error: (i) => `${show(i.input)} is not a datastore name`,
        }),
        path: z
          .string()
          .regex(/^[^:\s][^:]*$/, { error: (i) => `${show(i.input)} is not a folder path` }),
        label: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
          error: (i) =>
            `${show(i.input)} is not a volume store label; use letters, digits, '-' and '_'`,
        }),
      }),
    )
    .min(1, { error: 'needs at least one volume store, one of them labelled "default"' }),
  bridgeNetwork: nonEmpty,
  publicNetwork: nonEmpty,
  clientNetwork: nonEmpty.optional(),
  thumbprint: z
    .string()
    .regex(/^([0-9A-Fa-f]{2}:){19}[0-9A-Fa-f]{2}$/, {
      error: (i) => `${show(i.input)} is not a SHA-1 thumbprint; use 20 hex pairs separated by ':'`,
    })
    .optional(),
  vicMachine: nonEmpty.optional(),
  name: matching(VCH_NAME_PATTERN, VCH_NAME_RULE).optional(),
  cname: z
    .string()
    .regex(
      /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
      {
        error: (i) => `${show(i.input)} is not a DNS name`,
      },
    ),
  ipAddresses: z
    .array(z.ipv4({ error: (i) => `${show(i.input)} is not an IPv4 address` }))
    .optional(),
});

const hostSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const kind =
      value && typeof value === "object" ? (value as { kind?: unknown }).kind : undefined;
    if (!["local", "vch"].includes(kind as string)) {
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message:
          kind === undefined
            ? "is required; use one of local, vch"
            : `${show(kind)} is not one of local, vch`,
      });
    }
  })
  .pipe(z.discriminatedUnion("kind", [localHostSchema, vchHostSchema]));

const registrySchema = strict({
  server: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/, {
    error: (i) => `${show(i.input)} is not a registry host; use <host>[:<port>] without a scheme`,
  }),
  repository: z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
    error: (i) =>
      `${show(i.input)} is not a repository path; use lower-case path components separated by '/'`,
  }),
  username: nonEmpty.optional(),
});

const githubSchema = strict({
  repositories: z
    .array(
      z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, {
        error: (i) =>
          `${show(i.input)} is not a repository name; give the name only (the owner comes from github:owner)`,
      }),
    )
    .min(1, { error: "lists no repositories; name at least one" }),
  environment: z
    .string()
    .regex(/^[^/\s][^/]{0,254}$/, { error: (i) => `${show(i.input)} is not an environment name` })
    .optional(),
});

const buildImageSchema = strict({
  context: z.string().optional(),
  dockerfile: z.string().optional(),
  inputs: z
    .array(z.string())
    .min(1, { error: "lists no inputs; name at least one file or directory" })
    .optional(),
  buildArgs: z.record(z.string(), z.string()).optional(),
});

function issuePath(root: string, issuePathParts: readonly PropertyKey[]): string {
  let key = `buildenv:${root}`;
  for (const part of issuePathParts) {
    key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  }
  return key;
}

/** Collects problems from one schema for one config key, in the fixed message format. */
function check<T>(
  problems: string[],
  key: string,
  schema: z.ZodType<T>,
  value: unknown,
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  for (const issue of result.error.issues) {
    problems.push(`${issuePath(key, issue.path)}: ${issueMessage(issue, value)}`);
  }
  return undefined;
}

function issueMessage(issue: z.core.$ZodIssue, root: unknown): string {
  if (issue.code === "invalid_type") {
    const input = valueAt(root, issue.path);
    if (input === undefined) {
      return `is required (${EXPECTED[issue.expected] ?? issue.expected})`;
    }
    if (issue.message.startsWith(show(input))) {
      return issue.message;
    }
    return `${show(input)} is ${describeType(input)}; expected ${EXPECTED[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === "too_small" && issue.origin === "number") {
    return `${show(valueAt(root, issue.path))} is too small; must be ${issue.inclusive ? "at least" : "greater than"} ${String(issue.minimum)}`;
  }
  if (issue.code === "invalid_format" || issue.code === "invalid_union") {
    const input = valueAt(root, issue.path);
    return input === undefined || issue.message.startsWith(show(input))
      ? issue.message
      : `${show(input)}: ${issue.message}`;
  }
  return issue.message;
}

function valueAt(root: unknown, parts: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of parts) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function isSafeRelativePath(p: string): boolean {
  return p.length > 0 && !path.isAbsolute(p) && !p.split(/[\\/]/).includes("..");
}

/**
 * Validates raw stack config and returns the typed config. Every problem is collected and
 * reported together in one ConfigError, each line naming the key, the bad value and what is
 * allowed.
 */
export function parseConfig(raw: RawConfig, ctx: ParseContext): BuildenvConfig {
  const problems: string[] = [];

  const owner = parseOwner(raw.owner, ctx.stack, problems);
  const priority =
    raw.priority === undefined
      ? "normal"
      : check(problems, "priority", oneOf(PRIORITIES), raw.priority);
  const shared =
    raw.shared === undefined ? false : check(problems, "shared", booleanLike, raw.shared);
  const computeClass = parseComputeClass(raw.computeClasses, priority ?? "normal", problems);
  const host = parseHost(raw.host, owner, ctx, problems);
  const expiresAt = parseExpiresAt(
    raw.expiresAt,
    shared ?? false,
    host?.kind ?? "local",
    ctx.now,
    problems,
  );
  const volumes = parseVolumes(raw.volumes, host, problems);
  const buildImage = parseBuildImage(raw.buildImage, ctx, problems);
  const registry = parseRegistry(raw.registry, ctx, problems);
  const github =
    raw.github === undefined ? undefined : check(problems, "github", githubSchema, raw.github);

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
  if (github && new Set(github.repositories).size !== github.repositories.length) {
    problems.push(
      `buildenv:github.repositories: ${show(github.repositories)} names a repository twice`,
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
    ...(github
      ? {
          github: {
            repositories: [...github.repositories].sort(),
            ...(github.environment ? { environment: github.environment } : {}),
          },
        }
      : {}),
  };
}

// A thumbprint that is looked up exists only once the program runs; this stands in for it,
// since the config cannot make a lookup's result invalid.
const THUMBPRINT_TO_LOOK_UP = Array(20).fill("00").join(":");

/**
 * vic-machine's own rules for what the VCH is made from (unsupported characters in datastore
 * paths, multi-line names, ...), checked now rather than when the create script is rendered
 * after resources exist, and reported under the config key each value came from.
 */
function vicMachineProblems(
  host: VchHostConfig,
  computeClass: ComputeClass,
  priority: Priority,
): string[] {
  const spec = vchSpec(host, computeClass, host.thumbprint ?? THUMBPRINT_TO_LOOK_UP);
  return vchSpecProblems(spec).map(({ field, problem }) => {
    const value = valueAt(
      spec,
      field
        .split(/[.[\]]/)
        .filter(Boolean)
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    );
    const shown = show(value);
    return `${configKeyOfSpecField(field, priority)}: ${problem.includes(shown) ? problem : `${shown} ${problem}`}`;
  });
}

function parseOwner(raw: unknown, stack: string, problems: string[]): string | undefined {
  if (raw === undefined) {
    if (!OWNER_PATTERN.test(stack)) {
      problems.push(
        `buildenv:owner: is not set and defaults to the stack name ${show(stack)}, which is not a valid owner; set buildenv:owner to ${OWNER_RULE}`,
      );
      return undefined;
    }
    return stack;
  }
  return check(problems, "owner", matching(OWNER_PATTERN, OWNER_RULE), raw);
}

function parseComputeClass(
  raw: unknown,
  priority: Priority,
  problems: string[],
): ComputeClass | undefined {
  const overrides =
    raw === undefined
      ? {}
      : check(
          problems,
          "computeClasses",
          strict({
            low: computeClassSchema.optional(),
            normal: computeClassSchema.optional(),
            high: computeClassSchema.optional(),
          }),
          raw,
        );
  if (!overrides) {
    return undefined;
  }
  for (const level of PRIORITIES) {
    const merged = { ...DEFAULT_COMPUTE_CLASSES[level], ...overrides[level] };
    if (merged.memoryReservationMB > merged.memoryMB) {
      problems.push(
        `buildenv:computeClasses.${level}.memoryReservationMB: ${merged.memoryReservationMB} is more than the memory limit ${merged.memoryMB}; a reservation must be at most the limit`,
      );
    }
    if (merged.cpuReservationMHz > merged.cpuMHz) {
      problems.push(
        `buildenv:computeClasses.${level}.cpuReservationMHz: ${merged.cpuReservationMHz} is more than the CPU limit ${merged.cpuMHz}; a reservation must be at most the limit`,
      );
    }
  }
  return { ...DEFAULT_COMPUTE_CLASSES[priority], ...overrides[priority] };
}

function parseExpiresAt(
  raw: unknown,
  shared: boolean,
  hostKind: HostConfig["kind"],
  now: Date,
  problems: string[],
): string | undefined {
  if (raw === undefined) {
    if (hostKind === "vch" && !shared) {
      problems.push(
        "buildenv:expiresAt: is required for a developer stack on shared infrastructure (buildenv:host.kind: vch); set an ISO-8601 date such as 2026-12-01, or mark shared infrastructure with buildenv:shared: true",
      );
    }
    return undefined;
  }
  if (typeof raw !== "string") {
    problems.push(
      `buildenv:expiresAt: ${show(raw)} is ${describeType(raw)}; expected an ISO-8601 date or date-time`,
    );
    return undefined;
  }
  if (shared) {
    problems.push(
      `buildenv:expiresAt: ${show(raw)} is set on a shared stack (buildenv:shared: true); shared infrastructure has no expiry, remove one of them`,
    );
    return undefined;
  }
  const expiry = parseExpiry(raw);
  if (!expiry) {
    problems.push(
      `buildenv:expiresAt: ${show(raw)} is not an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00Z, 2026-12-01T18:00:00+01:00)`,
    );
    return undefined;
  }
  if (expiry.getTime() <= now.getTime()) {
    problems.push(
      `buildenv:expiresAt: the stack expired at ${formatExpiry(expiry)} (now ${formatExpiry(now)}); extend it with \`npm run stack:extend -- <stack> --ttl 3d\` or tear it down with \`pulumi destroy\``,
    );
    return undefined;
  }
  return formatExpiry(expiry);
}

function parseHost(
  raw: unknown,
  owner: string | undefined,
  ctx: ParseContext,
  problems: string[],
): HostConfig | undefined {
  if (raw === undefined) {
    return { kind: "local", dockerHost: ctx.env.DOCKER_HOST || DEFAULT_DOCKER_HOST };
  }
  const parsed = check(problems, "host", hostSchema, raw);
  if (!parsed) {
    return undefined;
  }
  if (parsed.kind === "local") {
    return {
      kind: "local",
      dockerHost: parsed.dockerHost ?? (ctx.env.DOCKER_HOST || DEFAULT_DOCKER_HOST),
    };
  }
  if (!parsed.volumeStores.some((store) => store.label === "default")) {
    problems.push(
      `buildenv:host.volumeStores: ${show(parsed.volumeStores.map((s) => s.label))} has no store labelled "default"; VIC puts volumes without a store there`,
    );
  }
  const labels = parsed.volumeStores.map((s) => s.label);
  if (new Set(labels).size !== labels.length) {
    problems.push(`buildenv:host.volumeStores: labels ${show(labels)} are not unique`);
  }
  const name = parsed.name ?? (owner ? `buildenv-${owner}` : undefined);
  const vsphere = parseVsphereConnection(ctx, problems);
  if (!name || !vsphere) {
    return undefined;
  }
  return {
    kind: "vch",
    datacenter: parsed.datacenter,
    cluster: parsed.cluster,
    imageStore: parsed.imageStore,
    volumeStores: parsed.volumeStores,
    bridgeNetwork: parsed.bridgeNetwork,
    publicNetwork: parsed.publicNetwork,
    ...(parsed.clientNetwork ? { clientNetwork: parsed.clientNetwork } : {}),
    ...(parsed.thumbprint ? { thumbprint: parsed.thumbprint.toUpperCase() } : {}),
    vicMachine: parsed.vicMachine ?? DEFAULT_VIC_MACHINE,
    name,
    cname: parsed.cname,
    ipAddresses: parsed.ipAddresses ?? [],
    vsphere,
  };
}

function parseVsphereConnection(
  ctx: ParseContext,
  problems: string[],
): VsphereConnection | undefined {
  const server = ctx.vsphere.vsphereServer ?? ctx.env.VSPHERE_SERVER;
  const user = ctx.vsphere.user ?? ctx.env.VSPHERE_USER;
  const password = ctx.secrets.vspherePassword;
  const missing: string[] = [];
  if (!server) missing.push("vsphere:vsphereServer (or VSPHERE_SERVER)");
  if (!user) missing.push("vsphere:user (or VSPHERE_USER)");
  if (!password) missing.push("vsphere:password as a secret (or VSPHERE_PASSWORD)");
  if (missing.length > 0) {
    problems.push(
      `buildenv:host: kind vch needs the vSphere provider's connection settings; missing ${missing.join(", ")}`,
    );
    return undefined;
  }
  const allowUnverifiedSsl = ctx.vsphere.allowUnverifiedSsl ?? ctx.env.VSPHERE_ALLOW_UNVERIFIED_SSL;
  return {
    server: server!,
    user: user!,
    password: password!,
    allowUnverifiedSsl: allowUnverifiedSsl === "true",
  };
}

function parseVolumes(
  raw: unknown,
  host: HostConfig | undefined,
  problems: string[],
): Record<string, VolumeConfig> | undefined {
  const source = raw ?? DEFAULT_VOLUMES;
  const parsed = check(
    problems,
    "volumes",
    z.record(z.string(), volumeSchema, {
      error: (i) =>
        `${show(i.input)} is ${describeType(i.input)}; expected an object of volume name → { capacity, keep }`,
    }),
    source,
  );
  if (!parsed) {
    return undefined;
  }
  const names = Object.keys(parsed).sort();
  if (names.length === 0) {
    problems.push(
      "buildenv:volumes: declares no volume; a build environment needs at least one (e.g. source)",
    );
    return undefined;
  }
  const storeLabels = host?.kind === "vch" ? host.volumeStores.map((s) => s.label) : undefined;
  const volumes: Record<string, VolumeConfig> = {};
  for (const name of names) {
    if (!VOLUME_KEY_PATTERN.test(name)) {
      problems.push(
        `buildenv:volumes: volume name ${show(name)} is not valid; use ${VOLUME_KEY_RULE}`,
      );
      continue;
    }
    const volume = parsed[name];
    const store = volume.store ?? "default";
    if (volume.store !== undefined && host?.kind === "local") {
      problems.push(
        `buildenv:volumes.${name}.store: ${show(volume.store)} applies to VCH volume stores only; remove it for host kind local`,
      );
    }
    if (storeLabels && !storeLabels.includes(store)) {
      problems.push(
        `buildenv:volumes.${name}.store: ${show(store)} is not one of the host's volume stores ${storeLabels.join(", ")}`,
      );
    }
    volumes[name] = { capacityMB: volume.capacity, keep: volume.keep ?? false, store };
  }
  return volumes;
}

function parseBuildImage(
  raw: unknown,
  ctx: ParseContext,
  problems: string[],
): BuildImageConfig | undefined {
  const parsed = raw === undefined ? {} : check(problems, "buildImage", buildImageSchema, raw);
  if (!parsed) {
    return undefined;
  }
  const config: BuildImageConfig = {
    context: parsed.context ?? DEFAULT_BUILD_IMAGE.context,
    dockerfile: parsed.dockerfile ?? DEFAULT_BUILD_IMAGE.dockerfile,
    inputs: parsed.inputs ?? [...DEFAULT_BUILD_IMAGE.inputs],
    buildArgs: {},
  };
  const before = problems.length;
  const expect = (key: string, value: string, kind: "file" | "dir" | "any") => {
    if (!isSafeRelativePath(value)) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} must be a relative path inside the project directory`,
      );
      return;
    }
    const found = ctx.pathKind(value);
    if (found === undefined || (kind !== "any" && found !== kind)) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} is not ${kind === "file" ? "a file" : kind === "dir" ? "a directory" : "a file or directory"} in the project directory`,
      );
    }
  };
  expect("context", config.context, "dir");
  expect("dockerfile", config.dockerfile, "file");
  config.inputs.forEach((input, i) => expect(`inputs[${i}]`, input, "any"));
  for (const name of Object.keys(parsed.buildArgs ?? {}).sort()) {
    const value = parsed.buildArgs![name];
    const error = validateBuildArgName(name) ?? validateBuildArgValue(value);
    if (error) {
      problems.push(`buildenv:buildImage.buildArgs.${name}: ${error}`);
    } else {
      config.buildArgs[name] = value;
    }
  }
  return problems.length === before ? config : undefined;
}

function parseRegistry(
  raw: unknown,
  ctx: ParseContext,
  problems: string[],
): RegistryConfig | undefined {
  if (raw === undefined) {
    if (ctx.secrets.registryPassword) {
      problems.push(
        "buildenv:registryPassword: is set but buildenv:registry is not; set the registry or remove the password",
      );
    }
    return undefined;
  }
  const parsed = check(problems, "registry", registrySchema, raw);
  if (!parsed) {
    return undefined;
  }
  const password = ctx.secrets.registryPassword;
  if (parsed.username && !password) {
    problems.push(
      `buildenv:registryPassword: is required with buildenv:registry.username ${show(parsed.username)}; set it with \`pulumi config set --secret buildenv:registryPassword\``,
    );
    return undefined;
  }
  if (!parsed.username && password) {
    problems.push("buildenv:registry.username: is required when buildenv:registryPassword is set");
    return undefined;
  }
  return {
    server: parsed.server,
    repository: parsed.repository,
    ...(parsed.username ? { username: parsed.username, password } : {}),
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
    if (key === "registryPassword") {
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
      secrets: { registryPassword: buildenv.getSecret("registryPassword"), vspherePassword },
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
