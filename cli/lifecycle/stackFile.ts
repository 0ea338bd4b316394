/**
 * Stack files (`Pulumi.<stack>.yaml`): the keys the stack tools and the reaper share, the checks
 * of their flags, and reading a committed file's lifecycle keys without decrypting anything.
 * Everything here is pure: text in, values out. Editing a file is stackFileEdit.ts's.
 */

import { isMap, isScalar, isSeq, parseDocument, type Document } from "yaml";
import { PRIORITIES, type Priority } from "../../components/compute/classes";
import { MAX_TTL, parseExpiry, parseTtl } from "../../components/lifecycle/expiry";
import { OWNER_PATTERN, OWNER_RULE } from "../../components/lifecycle/config";

export const OWNER_KEY = "buildenv:owner";
export const PRIORITY_KEY = "buildenv:priority";
export const EXPIRES_AT_KEY = "buildenv:expiresAt";
export const SHARED_KEY = "buildenv:shared";
export const HOST_KEY = "buildenv:host";
export const CONTACT_KEY = "buildenv:contact";
export const GITHUB_KEY = "buildenv:github";

export const STACK_KINDS = ["local", "vch"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** Lifetime a new stack gets, and the extension `stack:extend` grants, unless `--ttl` says else. */
export const DEFAULT_TTL = "7d";
/** The longest `--ttl` the tools accept: the lifecycle's bound (components/lifecycle/expiry.ts). */
export { MAX_TTL };

/** Marks a template value the platform team fills in once for the whole team. */
export const PLACEHOLDER_MARK = "PLATFORM-TODO";
/** Replaced by the owner in every template value under `buildenv:host` (e.g. the VCH's cname). */
export const OWNER_TOKEN = "<owner>";

/** A mistake in what the user asked for; the message names the flag, the value and what is allowed. */
export class StackToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackToolError";
  }
}

/** The stack file of a stack, relative to the project directory. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/**
 * Checks the name of a new developer stack. Pulumi itself allows letters, digits, `-`, `_` and
 * `.`; a buildenv developer stack follows the owner rules (lib/names.ts) because the stack name
 * is the default owner, and the owner ends up in VCH and volume names.
 *
 * @throws StackToolError naming the value and the rule.
 */
export function checkDeveloperStackName(name: string): void {
  if (!OWNER_PATTERN.test(name)) {
    throw new StackToolError(
      `invalid stack name ${JSON.stringify(name)}: a buildenv developer stack is named like an owner, ${OWNER_RULE}`,
    );
  }
}

const PULUMI_STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Checks a name of an existing stack with Pulumi's own rules (stacks created by hand may use
 * `_`, `.` or capitals); it also keeps the derived file name inside the project directory.
 *
 * @throws StackToolError naming the value and the rule.
 */
export function checkPulumiStackName(name: string): void {
  if (!PULUMI_STACK_NAME.test(name)) {
    throw new StackToolError(
      `invalid stack name ${JSON.stringify(name)}: Pulumi stack names are 1-100 letters, digits, '-', '_' and '.'`,
    );
  }
}

/** @throws StackToolError unless `owner` follows the owner rules of lib/names.ts. */
export function checkOwner(owner: string): void {
  if (!OWNER_PATTERN.test(owner)) {
    throw new StackToolError(`invalid --owner ${JSON.stringify(owner)}: use ${OWNER_RULE}`);
  }
}

/** @throws StackToolError unless `value` is one of config.ts's PRIORITIES. */
export function parsePriority(value: string): Priority {
  const priority = PRIORITIES.find((p) => p === value);
  if (priority === undefined) {
    throw new StackToolError(
      `invalid --priority ${JSON.stringify(value)}: allowed values are ${PRIORITIES.join(", ")}`,
    );
  }
  return priority;
}

/** @throws StackToolError unless `value` is one of STACK_KINDS. */
export function parseKind(value: string): StackKind {
  const kind = STACK_KINDS.find((k) => k === value);
  if (kind === undefined) {
    throw new StackToolError(
      `invalid --kind ${JSON.stringify(value)}: allowed values are ${STACK_KINDS.join(", ")}`,
    );
  }
  return kind;
}

/**
 * Parses a `--ttl` value (lib/expiry.ts syntax: `12h`, `7d`, `2w`) into milliseconds.
 *
 * @param maxTtl the longest accepted ttl, same syntax; default MAX_TTL.
 * @throws StackToolError for a malformed value or one longer than `maxTtl`.
 */
export function parseTtlFlag(value: string, maxTtl: string = MAX_TTL): number {
  const ttl = parseTtl(value);
  if (ttl === undefined) {
    throw new StackToolError(
      `invalid --ttl ${JSON.stringify(value)}: use a whole number of hours, days or weeks, such as 12h, 7d or 2w`,
    );
  }
  const max = parseTtl(maxTtl);
  if (max === undefined) {
    throw new Error(`MAX_TTL ${JSON.stringify(maxTtl)} is not a ttl`);
  }
  if (ttl > max) {
    throw new StackToolError(
      `invalid --ttl ${JSON.stringify(value)}: at most ${maxTtl} is allowed; extend the stack again later with npm run stack:extend if it is still needed`,
    );
  }
  return ttl;
}

/** @throws StackToolError unless `value` is an expiry lib/expiry.ts accepts. */
export function parseNowFlag(value: string): Date {
  const now = parseExpiry(value);
  if (now === undefined) {
    throw new StackToolError(
      `invalid --now ${JSON.stringify(value)}: use an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00+01:00)`,
    );
  }
  return now;
}

/**
 * Reads `buildenv:shared` the way config.ts does: a YAML boolean or the strings "true"/"false"
 * (the engine hands every config value over as a string).
 *
 * @returns false when the key is absent.
 * @throws StackToolError for any other value.
 */
export function parseShared(value: unknown): boolean {
  if (value === undefined || value === false || value === "false") {
    return false;
  }
  if (value === true || value === "true") {
    return true;
  }
  throw new StackToolError(`${SHARED_KEY} is ${JSON.stringify(value)}: it must be true or false`);
}

/**
 * What the reaper reads from a committed stack file, as plain values: secure values are
 * `{ secure: ... }` objects here and are never decrypted. `hostKind` is `buildenv:host.kind`
 * (default `local`, as config.ts defaults it).
 */
export interface StackFileFacts {
  owner?: unknown;
  expiresAt?: unknown;
  shared?: unknown;
  contact?: unknown;
  hostKind: unknown;
  /** Whether the stack manages GitHub Actions secrets (`buildenv:github`). */
  github: boolean;
}

/**
 * Reads a stack file's lifecycle keys without decrypting anything.
 *
 * @throws StackToolError for invalid YAML or a `config` that is not a mapping.
 */
export function readStackFacts(text: string, fileName: string): StackFileFacts {
  const doc = parseYaml(text, fileName);
  const all = doc.toJS({ maxAliasCount: 100 }) as { config?: unknown } | null;
  const config = all?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackToolError(`${fileName}: "config" is not a mapping`);
  }
  const values = config as Record<string, unknown>;
  const host = values[HOST_KEY];
  const hostKind =
    host === undefined
      ? "local"
      : typeof host === "object" && host !== null
        ? (host as { kind?: unknown }).kind
        : host;
  return {
    ...(values[OWNER_KEY] === undefined ? {} : { owner: values[OWNER_KEY] }),
    ...(values[EXPIRES_AT_KEY] === undefined ? {} : { expiresAt: values[EXPIRES_AT_KEY] }),
    ...(values[SHARED_KEY] === undefined ? {} : { shared: values[SHARED_KEY] }),
    ...(values[CONTACT_KEY] === undefined ? {} : { contact: values[CONTACT_KEY] }),
    hostKind,
    github: values[GITHUB_KEY] !== undefined,
  };
}

/**
 * Where a stack file still holds platform placeholders: the config paths of every string value
 * containing PLACEHOLDER_MARK, in file order (e.g. `buildenv:host.volumeStores[0].datastore`).
 */
export function findPlaceholders(text: string): string[] {
  return stringValues(parseDocument(text).get("config", true), "")
    .filter(({ value }) => value.includes(PLACEHOLDER_MARK))
    .map(({ path }) => path);
}

export function parseYaml(text: string, what: string): Document.Parsed {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // The parser's message goes on with a multi-line excerpt of the file; its first line says it.
    const first = doc.errors[0].message.split("\n")[0].replace(/:$/, "");
    throw new StackToolError(`${what} is not valid YAML: ${first}`);
  }
  return doc;
}

export interface StringValue {
  /** Config path such as `buildenv:host.volumeStores[0].datastore`. */
  path: string;
  value: string;
  range: [number, number, number];
}

/** Every string scalar under `node`, in file order, with its path below `path`. */
export function stringValues(node: unknown, path: string): StringValue[] {
  if (isMap(node)) {
    return node.items.flatMap((pair) => {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      return stringValues(pair.value, path === "" ? key : `${path}.${key}`);
    });
  }
  if (isSeq(node)) {
    return node.items.flatMap((item, i) => stringValues(item, `${path}[${i}]`));
  }
  if (isScalar(node) && typeof node.value === "string" && node.range) {
    return [{ path, value: node.value, range: node.range }];
  }
  return [];
}
