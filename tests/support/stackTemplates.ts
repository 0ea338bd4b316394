/** The stack tools tests' shared inputs: the shipped templates, and small text helpers. */
import * as assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { TEMPLATES_DIR } from "../../cli/stack";

export const LOCAL_TEMPLATE = fs.readFileSync(
  path.join(TEMPLATES_DIR, "Pulumi.local.yaml"),
  "utf8",
);
export const VCH_TEMPLATE = fs.readFileSync(path.join(TEMPLATES_DIR, "Pulumi.vch.yaml"), "utf8");
export const EXPIRES = new Date("2026-12-08T09:30:00Z");

/** The template with exactly these lines replaced, each of which must occur once. */
export function withLines(template: string, replacements: Record<string, string>): string {
  let text = template;
  for (const [from, to] of Object.entries(replacements)) {
    assert.equal(text.split(from).length, 2, `exactly one ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

/** The stack file's config as the engine hands it to the program: strings, objects as JSON. */
export function engineConfig(text: string): Record<string, string> {
  const config = parseDocument(text).toJS().config as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      typeof value === "object" ? JSON.stringify(value) : String(value),
    ]),
  );
}

export function throwsMessage(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: Error) => {
    assert.equal(error.message, message);
    return true;
  });
}
