/**
 * `buildenv:registry` and `buildenv:registryPassword`: where the build image is pushed and
 * pulled from. `kind: generic` (the default) is any registry reached with a fixed user and
 * password (GHCR, Docker Hub, a plain distribution registry); `kind: harbor` is a Harbor project
 * whose accounts are robot accounts the shared stack declares (see `harborProject.ts`).
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ParseContext, check, nonEmpty, oneOf, show, strict } from "../config/schema";

export const REGISTRY_KINDS = ["generic", "harbor"] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

/** Content tags Harbor's retention keeps when `keep` is not set. */
export const DEFAULT_KEEP = 10;
/** The repository inside the Harbor project when `repository` is not set. */
export const DEFAULT_HARBOR_REPOSITORY = "build";

/** The Harbor side of `kind: harbor`. */
export interface HarborSettings {
  /** The Harbor project (lower-case, see `HARBOR_NAME`). */
  project: string;
  /** The repository inside the project, e.g. `build`. */
  repository: string;
  /**
   * Content tags are immutable (`buildenv:registry.immutable`, default true): nobody re-pushes or
   * deletes one, and retention cannot delete one either (Harbor's retention skips immutable tags:
   * goharbor/harbor src/pkg/retention/policy/action/performer.go:55-93 at c50c7ddd), so it only
   * removes untagged artifacts.
   */
  immutable: boolean;
  /**
   * How many content tags retention keeps (newest pushed first); set exactly when `immutable` is
   * false (default DEFAULT_KEEP), since retention cannot prune immutable tags.
   */
  keep?: number;
  /** Project storage quota in Harbor's GB (2^30 bytes); undefined: unlimited. */
  storageQuotaGB?: number;
  /** Schedule of the instance-wide garbage collection; undefined: not declared. */
  garbageCollection?: string;
}

export interface RegistryConfig {
  kind: RegistryKind;
  /** `host[:port]`, no scheme. */
  server: string;
  /** The repository path on the server: `<project>/<repository>` for Harbor. */
  repository: string;
  /**
   * Who pushes and pulls. From config for a generic registry; for Harbor the program puts a
   * robot account's name here (an output, hence `Input`).
   */
  username?: pulumi.Input<string>;
  /** Always a secret output. */
  password?: pulumi.Output<string>;
  /** PEM of the private CA that signed the registry's certificate. */
  ca?: string;
  /** Set exactly when `kind` is `harbor`. */
  harbor?: HarborSettings;
  /**
   * Set exactly when `kind` is `harbor`: the Harbor provider's account (`harbor:username`,
   * `harbor:password`), which asks the private project whether it holds the content tag and, on
   * a developer stack, pushes and pulls. Never given to CI or to the shared stack's build.
   */
  harborAccount?: HarborAccount;
}

/** A Harbor user: the shared stack's administrator, or a developer's own account. */
export interface HarborAccount {
  username: string;
  /** Always a secret output. */
  password: pulumi.Output<string>;
}

/**
 * Harbor's rule for project and robot names (goharbor/harbor src/server/v2.0/handler/robot.go
 * and project.go validate names with this pattern).
 */
export const HARBOR_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Control characters (C0, DEL, C1): they would end up in docker login lines and logs. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The Harbor GC/retention schedules the provider maps to Harbor's own (client/misc.go). */
export const SCHEDULES = ["Hourly", "Daily", "Weekly"] as const;
/** A custom schedule: Harbor's six-field cron (seconds first), e.g. `0 0 3 * * 6`. */
const CRON6 = /^\S+( \S+){5}$/;

/**
 * A label of a registry host as Docker's reference grammar reads it: `domainNameComponent`,
 * `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`, joined by single dots (`domainName`),
 * distribution/reference regexp.go:61 and :97 at 0965666; lower case only here, as before.
 */
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The longest repository path Docker accepts, without the host: RepositoryNameTotalLengthMax,
 * checked on the path alone (distribution/reference reference.go:62 and :255 at 0965666).
 */
export const MAX_REPOSITORY_PATH = 255;

/** `host[:port]` with the port in 1–65535; undefined when valid, else what is wrong. */
export function registryServerProblem(server: string): string | undefined {
  const match = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(server);
  if (!match) {
    return `${show(server)} is not a registry host; use <host>[:<port>] without a scheme`;
  }
  // Docker takes a first path segment for a host only when it has a '.' or a ':port' or is
  // localhost; else `harbor/team/build` means docker.io/harbor/team/build
  // (distribution/reference normalize.go:159-179 at 0965666).
  if (!match[1].includes(".") && match[2] === undefined && match[1] !== "localhost") {
    return `${show(server)} has no '.' and no port, so Docker would read it as a Docker Hub namespace, not a registry host; use a full host name, <host>:<port> or localhost`;
  }
  const bad = match[1].split(".").find((label) => !HOST_LABEL.test(label));
  if (bad !== undefined) {
    return bad === ""
      ? `${show(server)} has an empty label (two dots in a row, or a dot at an end); Docker's image references refuse it: use <host>[:<port>] with labels of letters, digits and '-'`
      : `${show(server)} has the label ${show(bad)}, which starts or ends with '-'; Docker's image references refuse it: use labels of letters and digits, with '-' only inside`;
  }
  if (match[2] !== undefined) {
    const port = Number(match[2]);
    if (port < 1 || port > 65535) {
      return `${show(server)} has port ${port}; a port is 1-65535`;
    }
  }
  return undefined;
}

/** Undefined when `pem` is one PEM CA certificate, else what is wrong. */
export function caProblem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) {
    return `is not one PEM certificate (found ${blocks.length} BEGIN CERTIFICATE blocks); give the CA certificate that signed the registry's certificate`;
  }
  let certificate: crypto.X509Certificate;
  try {
    certificate = new crypto.X509Certificate(pem);
  } catch {
    return "is not a readable PEM certificate";
  }
  if (!certificate.ca) {
    return `is the certificate of ${show(certificate.subject)}, which is not a CA (no basicConstraints CA:TRUE); give the CA that signed the registry's certificate`;
  }
  return undefined;
}

const wholeNumber = (what: string, min: number, max: number) =>
  z.unknown().superRefine((value, ctx) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} is not ${what}; use a whole number from ${min} to ${max}`,
      });
    }
  });

const registrySchema = strict({
  kind: oneOf(REGISTRY_KINDS).optional(),
  server: z.string().superRefine((server, ctx) => {
    const problem = registryServerProblem(server);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  repository: z
    .string()
    .max(MAX_REPOSITORY_PATH, {
      error: (i) =>
        `is ${(i.input as string).length} characters long; Docker refuses a repository path over ${MAX_REPOSITORY_PATH} characters`,
    })
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
      error: (i) =>
        `${show(i.input)} is not a repository path; use lower-case path components separated by '/'`,
    })
    .optional(),
  username: nonEmpty
    .refine((u) => !CONTROL.test(u), {
      error: (i) => `${show(i.input)} contains a control character`,
    })
    .optional(),
  project: z
    .string()
    .max(255, { error: "is longer than 255 characters" })
    .regex(HARBOR_NAME, {
      error: (i) =>
        `${show(i.input)} is not a Harbor project name; use lower-case letters and digits, separated by single '.', '_' or '-'`,
    })
    .optional(),
  immutable: z
    .boolean({ error: (i) => `${show(i.input)} is not a boolean; use true or false` })
    .optional(),
  keep: wholeNumber("a number of content tags", 1, 1000).optional(),
  storageQuotaGB: wholeNumber("a quota in GB", 1, 1_000_000).optional(),
  garbageCollection: z
    .string()
    .refine((s) => (SCHEDULES as readonly string[]).includes(s) || CRON6.test(s), {
      error: (i) =>
        `${show(i.input)} is not a schedule; use ${SCHEDULES.join(", ")} or a six-field cron (seconds first), e.g. "0 0 3 * * 6"`,
    })
    .optional(),
  ca: z
    .string()
    .superRefine((pem, ctx) => {
      const problem = caProblem(pem);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
});

/** Keys that only mean something to Harbor. */
const HARBOR_ONLY = [
  "project",
  "immutable",
  "keep",
  "storageQuotaGB",
  "garbageCollection",
] as const;
/** Keys only the shared stack, which owns the Harbor project, may set. */
const SHARED_ONLY = ["immutable", "keep", "storageQuotaGB", "garbageCollection"] as const;

/**
 * `buildenv:registry` (with `buildenv:registryPassword`), undefined when not set. `shared` is
 * `buildenv:shared`: only the shared stack declares the Harbor project, so only it may set the
 * project's retention, quota and garbage collection.
 */
export function parseRegistry(
  raw: unknown,
  ctx: ParseContext,
  problems: string[],
  shared = false,
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
  const kind = parsed.kind ?? "generic";
  const password = ctx.secrets.registryPassword;
  const ca = parsed.ca ? { ca: parsed.ca } : {};
  const before = problems.length;

  if (kind === "generic") {
    for (const key of HARBOR_ONLY) {
      if (parsed[key] !== undefined) {
        problems.push(
          `buildenv:registry.${key}: ${show(parsed[key])} is only used with kind: harbor (buildenv:registry.kind is generic)`,
        );
      }
    }
    if (parsed.repository === undefined) {
      problems.push(
        "buildenv:registry.repository: is required with kind: generic (the repository path on the server, e.g. team/build)",
      );
    }
    if (parsed.username && !password) {
      problems.push(
        `buildenv:registryPassword: is required with buildenv:registry.username ${show(parsed.username)}; set it with \`pulumi config set --secret buildenv:registryPassword\``,
      );
    }
    if (!parsed.username && password) {
      problems.push(
        "buildenv:registry.username: is required when buildenv:registryPassword is set",
      );
    }
    if (problems.length > before) {
      return undefined;
    }
    return {
      kind,
      server: parsed.server,
      repository: parsed.repository!,
      ...(parsed.username ? { username: parsed.username, password } : {}),
      ...ca,
    };
  }

  if (parsed.project === undefined) {
    problems.push(
      "buildenv:registry.project: is required with kind: harbor (the Harbor project; the image is <server>/<project>/<repository>)",
    );
  }
  if (parsed.username !== undefined) {
    problems.push(
      `buildenv:registry.username: ${show(parsed.username)} is not used with kind: harbor; the shared stack's robot accounts push and pull, and a developer stack uses harbor:username`,
    );
  }
  if (password) {
    problems.push(
      "buildenv:registryPassword: is not used with kind: harbor; the shared stack's robot accounts push and pull, and a developer stack uses harbor:password; remove it with `pulumi config rm buildenv:registryPassword`",
    );
  }
  const harborUser = ctx.harbor?.username || ctx.env.HARBOR_USERNAME || undefined;
  const harborPassword = ctx.harbor?.password;
  if (harborUser === undefined) {
    problems.push(
      "harbor:username: is required with buildenv:registry.kind harbor (or HARBOR_USERNAME): before declaring anything the program asks the private Harbor project whether it holds the image's content tag, and a developer stack pushes and pulls with this account; set it with `pulumi config set harbor:username <user>` (the shared stack: the account that administers the project; a developer: their own Harbor account, a project member with the Developer role)",
    );
  } else if (CONTROL.test(harborUser)) {
    problems.push(`harbor:username: ${show(harborUser)} contains a control character`);
  }
  if (!harborPassword) {
    problems.push(
      "harbor:password: is required with buildenv:registry.kind harbor (or HARBOR_PASSWORD): the password or CLI secret of harbor:username; set it with `pulumi config set --secret harbor:password <password>`",
    );
  }
  const immutable = parsed.immutable ?? true;
  if (immutable && parsed.keep !== undefined) {
    problems.push(
      `buildenv:registry.keep: ${show(parsed.keep)} has no effect while buildenv:registry.immutable is true${parsed.immutable === undefined ? " (the default)" : ""}: Harbor's retention never deletes an immutable tag, so every content tag stays; remove keep, or set immutable: false to let retention keep only the newest ${show(parsed.keep)} content tags`,
    );
  }
  if (!shared) {
    for (const key of SHARED_ONLY) {
      if (parsed[key] !== undefined) {
        problems.push(
          `buildenv:registry.${key}: ${show(parsed[key])} is set on a developer stack; only the shared stack (buildenv:shared: true) declares the Harbor project and its policies`,
        );
      }
    }
  }
  const path = `${parsed.project ?? ""}/${parsed.repository ?? DEFAULT_HARBOR_REPOSITORY}`;
  if (parsed.project !== undefined && path.length > MAX_REPOSITORY_PATH) {
    problems.push(
      `buildenv:registry.repository: <project>/<repository> is ${path.length} characters long; Docker refuses a repository path over ${MAX_REPOSITORY_PATH} characters`,
    );
  }
  if (problems.length > before) {
    return undefined;
  }
  const repository = parsed.repository ?? DEFAULT_HARBOR_REPOSITORY;
  return {
    kind,
    server: parsed.server,
    repository: `${parsed.project!}/${repository}`,
    ...ca,
    harborAccount: { username: harborUser!, password: harborPassword! },
    harbor: {
      project: parsed.project!,
      repository,
      immutable,
      ...(immutable ? {} : { keep: (parsed.keep as number | undefined) ?? DEFAULT_KEEP }),
      ...(parsed.storageQuotaGB !== undefined
        ? { storageQuotaGB: parsed.storageQuotaGB as number }
        : {}),
      ...(parsed.garbageCollection !== undefined
        ? { garbageCollection: parsed.garbageCollection }
        : {}),
    },
  };
}
