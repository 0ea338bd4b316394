/**
 * The plumbing every area's config parser shares: the error type, how values are shown, zod
 * helpers whose messages name what is allowed, and `check`, which reports every problem under
 * the full config key (`buildenv:<key>.<field>[i]`). Areas import this; it imports no area.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

export interface ParseContext {
  project: string;
  stack: string;
  now: Date;
  /** DOCKER_HOST and the vSphere provider's VSPHERE_* fallbacks. */
  env: Readonly<Record<string, string | undefined>>;
  /** The vSphere provider's config (`vsphere:*`), plain values only. */
  vsphere: { vsphereServer?: string; user?: string; allowUnverifiedSsl?: string };
  /**
   * The Harbor provider's account: `harbor:username` as plain text, and `harbor:password` (else
   * HARBOR_PASSWORD, the provider's own fallback) already wrapped as a secret output. Default:
   * none set.
   */
  harbor?: { username?: string; password?: pulumi.Output<string> };
  /** Secrets, already wrapped as secret outputs; only their presence is validated. */
  secrets: {
    registryPassword?: pulumi.Output<string>;
    vspherePassword?: pulumi.Output<string>;
    /** `buildenv:opsPassword`, the password of `buildenv:host.opsUser`. */
    opsPassword?: pulumi.Output<string>;
  };
  /** What is at a project-relative path: "file", "dir" or undefined. */
  pathKind(relative: string): "file" | "dir" | undefined;
  /**
   * Where a project-relative path leads with every symlink resolved, relative to the project
   * directory (starting with `..`, or absolute, when outside it); undefined when it does not
   * exist. Optional: without it symlinks are not checked.
   */
  realPath?(relative: string): string | undefined;
  /** The first path under a project-relative path whose name is not valid UTF-8, or undefined. */
  nonUtf8Name?(relative: string): string | undefined;
}

/**
 * Thrown for invalid stack config; `problems` holds one line per problem. A RunError, so the
 * Pulumi CLI prints just the message, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
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

export function describeType(value: unknown): string {
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
export function strict<T extends z.ZodRawShape>(shape: T) {
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

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => `${show(issue.input)} is not one of ${values.join(", ")}`,
  });
}

export function matching(pattern: RegExp, rule: string) {
  return z.string().refine((value) => pattern.test(value), {
    error: (issue) => `${show(issue.input)} is not valid; use ${rule}`,
  });
}

export const nonEmpty = z.string().trim().min(1, { error: "must not be empty" });

/** A string value that a YAML stack file may also spell as a number or boolean. */
export const booleanLike = z.union(
  [z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")],
  {
    error: (issue) => `${show(issue.input)} is not a boolean; use true or false`,
  },
);

function issuePath(root: string, issuePathParts: readonly PropertyKey[]): string {
  let key = `buildenv:${root}`;
  for (const part of issuePathParts) {
    key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  }
  return key;
}

/** Collects problems from one schema for one config key, in the fixed message format. */
export function check<T>(
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

export function valueAt(root: unknown, parts: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of parts) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

export function isSafeRelativePath(p: string): boolean {
  return p.length > 0 && !path.isAbsolute(p) && !p.split(/[\\/]/).includes("..");
}
