/**
 * Stack files as the stack tools write and edit them. Edits never re-serialise the document:
 * re-serialising re-indents sequences and moves comments, and a stack file is something people
 * edit and review by hand. `extendStackFile` edits the value's own source token through the yaml
 * package's CST API (every scalar style, anchors, aliases, flow mappings, quoted keys), and every
 * edit is checked by parsing the result again. Pure: text in, text out.
 */

import * as util from "util";
import {
  CST,
  Composer,
  Parser,
  isAlias,
  isMap,
  isScalar,
  parseDocument,
  type Document,
  type Node,
} from "yaml";
import type { Priority } from "../../components/compute/classes";
import { formatExpiry } from "../../components/lifecycle/expiry";
import {
  EXPIRES_AT_KEY,
  HOST_KEY,
  OWNER_KEY,
  OWNER_TOKEN,
  PRIORITY_KEY,
  SHARED_KEY,
  StackToolError,
  parseShared,
  parseYaml,
  stringValues,
} from "./stackFile";

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

interface Edit {
  start: number;
  end: number;
  text: string;
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return util.isDeepStrictEqual(a, b);
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
