/**
 * Stack files (`Pulumi.<stack>.yaml`) as the stack tools write and edit them, and the small
 * command-line convention the stack tools and the reaper share. Everything here is pure: text in,
 * text out, so every rule is tested without a disk or a Pulumi CLI.
 *
 * Edits never re-serialise the document: re-serialising re-indents sequences and moves comments,
 * and a stack file is something people edit and review by hand. `extendStackFile` edits the
 * value's own source token through the yaml package's CST API (every scalar style, anchors,
 * aliases, flow mappings, quoted keys), and every edit is checked by parsing the result again.
 */

import {
  CST,
  Composer,
  Parser,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
} from "yaml";
import * as util from "util";
import { PRIORITIES, type Priority } from "../../components/compute/config";
import { formatExpiry, parseExpiry, parseTtl } from "../../components/lifecycle/expiry";
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
/**
 * The longest `--ttl` the tools accept. A team that wants longer-lived developer stacks changes
 * it here, in review, rather than per command: a flag to raise it would make it no limit at all.
 */
export const MAX_TTL = "30d";

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

/** Owner, priority and expiry of a new stack; everything else comes from the template. */
export interface NewStackValues {
  /** Must follow the owner rules (checkOwner). */
  owner: string;
  priority: Priority;
  expiresAt: Date;
}

/**
 * Renders a stack file from a template (stacks/templates/Pulumi.<kind>.yaml): sets owner, priority and
 * expiry (written with formatExpiry), replaces OWNER_TOKEN in string values under
 * `buildenv:host`, and leaves every other byte of the template, comments included, as it is.
 *
 * @param template must be a YAML mapping with a block `config:` mapping holding the three keys.
 * @throws StackToolError when the template does not have that shape.
 */
export function renderStackFile(template: string, values: NewStackValues): string {
  const doc = parseYaml(template, "template");
  const edits: Edit[] = [
    scalarEdit(doc, template, [OWNER_KEY], values.owner, "template"),
    scalarEdit(doc, template, [PRIORITY_KEY], values.priority, "template"),
    scalarEdit(doc, template, [EXPIRES_AT_KEY], formatExpiry(values.expiresAt), "template"),
  ];
  const host = configMap(doc, "template").get(HOST_KEY, true);
  for (const { value, range } of stringValues(host, HOST_KEY)) {
    if (value.includes(OWNER_TOKEN)) {
      edits.push(
        replaceRange(template, range[0], range[1], value.split(OWNER_TOKEN).join(values.owner)),
      );
    }
  }
  return applyEdits(template, edits);
}

/** The outcome of moving a stack file's expiry. */
export interface ExtendResult {
  text: string;
  /** The previous raw value of `buildenv:expiresAt`, if there was one. */
  previous?: string;
}

/**
 * Sets `buildenv:expiresAt` of a stack file to `expiresAt` (written with formatExpiry, double
 * quoted), adding the key at the end of `config:` if it is missing. Only the value's own source
 * token changes: comments, anchors, the key's quoting and every other byte stay as they were. A
 * block scalar (`|-`, `>`) or an alias becomes a quoted scalar; a value that other values alias
 * is refused, since changing it would change them too. The result is parsed again and must differ
 * from the original in the expiry alone.
 *
 * @param fileName used in error messages only.
 * @throws StackToolError for a shared stack, an unreadable file or one without a `config:` map.
 */
export function extendStackFile(text: string, fileName: string, expiresAt: Date): ExtendResult {
  const doc = parseYaml(text, fileName);
  const config = doc.get("config", true);
  if (!isMap(config)) {
    throw new StackToolError(`${fileName} has no "config:" mapping`);
  }
  let shared: boolean;
  try {
    shared = parseShared(toPlain(config.get(SHARED_KEY, true)));
  } catch (error) {
    throw new StackToolError(`${fileName}: ${(error as Error).message}`);
  }
  if (shared) {
    throw new StackToolError(
      `${fileName} is a shared stack (${SHARED_KEY}: true): shared infrastructure has no expiry and is never reaped, so there is nothing to extend`,
    );
  }
  const value = formatExpiry(expiresAt);
  const current = config.get(EXPIRES_AT_KEY, true) as Node | undefined;
  let edited: string;
  let previous: unknown;
  if (current === undefined) {
    edited = applyEdits(text, [
      config.flow
        ? appendToFlowMap(text, config, EXPIRES_AT_KEY, value)
        : appendToMap(text, config, EXPIRES_AT_KEY, value),
    ]);
  } else {
    if (!isScalar(current) && !isAlias(current)) {
      throw new StackToolError(
        `${fileName}: config ${EXPIRES_AT_KEY} is missing or not a single value`,
      );
    }
    previous = isAlias(current) ? current.resolve(doc)?.toJSON() : current.value;
    edited =
      isScalar(current) && current.value === null && current.range && !current.anchor
        ? // An empty value (`key:` then a newline) has no token of its own to rewrite.
          applyEdits(text, [replaceRange(text, current.range[0], current.range[1], value)])
        : setScalarToken(text, fileName, value);
  }
  checkOnlyExpiryChanged(text, edited, fileName, value);
  return {
    text: edited,
    ...(previous === null || previous === undefined ? {} : { previous: String(previous) }),
  };
}

/** Rewrites the source token of `config.buildenv:expiresAt` in place (yaml's CST API). */
function setScalarToken(text: string, fileName: string, value: string): string {
  const tokens = [...new Parser().parse(text)];
  const doc = [...new Composer({ keepSourceTokens: true }).compose(tokens)][0];
  const node = (doc.get("config", true) as { get(key: string, keep: true): unknown }).get(
    EXPIRES_AT_KEY,
    true,
  ) as (Node & { srcToken?: CST.Token; anchor?: string }) | undefined;
  if (node?.srcToken === undefined) {
    throw new StackToolError(`${fileName}: config ${EXPIRES_AT_KEY} cannot be edited in place`);
  }
  if (isScalar(node) && node.anchor !== undefined) {
    const aliased = text.includes(`*${node.anchor}`);
    if (aliased) {
      throw new StackToolError(
        `${fileName}: ${EXPIRES_AT_KEY} is the anchor &${node.anchor}, which other values refer to (*${node.anchor}); changing it would change them too, so edit the file by hand`,
      );
    }
  }
  CST.setScalarValue(node.srcToken, value, { type: "QUOTE_DOUBLE" });
  return tokens.map((token) => CST.stringify(token)).join("");
}

/** Parses both texts: everything but the expiry must read the same, and the expiry as `value`. */
function checkOnlyExpiryChanged(
  before: string,
  after: string,
  fileName: string,
  value: string,
): void {
  const reread = parseDocument(after);
  const plain = (doc: Document.Parsed) => {
    const all = doc.toJS({ maxAliasCount: -1 }) as { config?: Record<string, unknown> };
    const { [EXPIRES_AT_KEY]: expiry, ...rest } = all.config ?? {};
    return { all: { ...all, config: rest }, expiry };
  };
  const was = plain(parseDocument(before));
  const now = reread.errors.length === 0 ? plain(reread) : undefined;
  if (now === undefined || now.expiry !== value || !isDeepStrictEqual(now.all, was.all)) {
    throw new StackToolError(
      `${fileName}: setting ${EXPIRES_AT_KEY} would change more than its value; the file is left as it was, edit it by hand`,
    );
  }
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

/** How a command line is read: flags that take a value, and flags that are switches. */
export type FlagSpec = Readonly<Record<string, "value" | "switch">>;

export interface ParsedFlags {
  positionals: string[];
  /** A switch that was given maps to "true". */
  flags: Record<string, string>;
}

/**
 * Reads `--flag value`, `--flag=value` and `--switch`; `--` ends the flags. A flag may be given
 * once; a value that looks like a flag is taken as a forgotten value, not as the value.
 *
 * @throws StackToolError naming the unknown, repeated or incomplete flag and the allowed ones.
 */
export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const positionals: string[] = [];
  const flags: Record<string, string> = {};
  const allowed = Object.keys(spec)
    .map((name) => `--${name}`)
    .join(", ");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (kind === undefined) {
      throw new StackToolError(`unknown option --${name}; allowed: ${allowed}`);
    }
    if (Object.prototype.hasOwnProperty.call(flags, name)) {
      throw new StackToolError(`--${name} is given more than once`);
    }
    if (kind === "switch") {
      if (equals >= 0) {
        throw new StackToolError(`--${name} takes no value`);
      }
      flags[name] = "true";
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : argv[i + 1];
    if (value === undefined || value === "" || value.startsWith("--")) {
      throw new StackToolError(`--${name} needs a value`);
    }
    flags[name] = value;
    if (equals < 0) {
      i++;
    }
  }
  return { positionals, flags };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return util.isDeepStrictEqual(a, b);
}

function parseYaml(text: string, what: string): Document.Parsed {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // The parser's message goes on with a multi-line excerpt of the file; its first line says it.
    const first = doc.errors[0].message.split("\n")[0].replace(/:$/, "");
    throw new StackToolError(`${what} is not valid YAML: ${first}`);
  }
  return doc;
}

function configMap(doc: Document.Parsed, what: string) {
  const config = doc.get("config", true);
  if (!isMap(config) || config.flow) {
    throw new StackToolError(`${what} has no block "config:" mapping`);
  }
  return config;
}

function toPlain(node: unknown): unknown {
  return isScalar(node) ? node.value : node === undefined ? undefined : (node as Node).toJSON();
}

// Values are written double-quoted (JSON string syntax is valid YAML): a plain 2026-12-01 is a
// timestamp to YAML 1.1 readers, and an owner named "true" or "null" would change type.
function replaceRange(text: string, start: number, end: number, value: string): Edit {
  // An empty value (`key:` then newline) has a zero-width range right after the colon.
  const space = text[start - 1] === ":" ? " " : "";
  return { start, end, text: `${space}${JSON.stringify(value)}` };
}

function scalarEdit(
  doc: Document.Parsed,
  text: string,
  path: readonly string[],
  value: string,
  what: string,
): Edit {
  const node = configMap(doc, what).getIn(path, true);
  if (!isScalar(node) || !node.range) {
    throw new StackToolError(`${what}: config ${path.join(".")} is missing or not a single value`);
  }
  return replaceRange(text, node.range[0], node.range[1], value);
}

function appendToMap(
  text: string,
  map: ReturnType<typeof configMap>,
  key: string,
  value: string,
): Edit {
  const first = map.items[0]?.key as Node | undefined;
  const start = map.range?.[0] ?? 0;
  const keyStart = first?.range?.[0] ?? start;
  const indent = " ".repeat(keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1));
  const end = map.range?.[1] ?? text.length;
  const newline = text[end - 1] === "\n" ? "" : "\n";
  return { start: end, end, text: `${newline}${indent}${key}: ${JSON.stringify(value)}\n` };
}

function appendToFlowMap(
  text: string,
  map: ReturnType<typeof configMap>,
  key: string,
  value: string,
): Edit {
  // The range ends after the closing brace.
  const close = text.lastIndexOf("}", (map.range?.[1] ?? text.length) - 1);
  const separator = map.items.length > 0 ? ", " : "";
  return {
    start: close,
    end: close,
    text: `${separator}${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  };
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  return sorted.reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
}

interface StringValue {
  /** Config path such as `buildenv:host.volumeStores[0].datastore`. */
  path: string;
  value: string;
  range: [number, number, number];
}

/** Every string scalar under `node`, in file order, with its path below `path`. */
function stringValues(node: unknown, path: string): StringValue[] {
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
