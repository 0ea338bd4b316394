/**
 * Who a stack belongs to, who to tell and how long it lives: `buildenv:owner`,
 * `buildenv:contact`, `buildenv:shared` and `buildenv:expiresAt`.
 */
import { booleanLike, check, describeType, matching, show } from "../config/schema";
import { MAX_TTL, formatExpiry, parseExpiry, parseTtl } from "./expiry";

/** Owner of a stack: lower-case letter first, then lower-case letters, digits and `-`; 1–20. */
export const OWNER_PATTERN = /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/;
export const OWNER_RULE =
  "1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'";

/** `buildenv:owner`; defaults to the stack name when that is a valid owner. */
export function parseOwner(raw: unknown, stack: string, problems: string[]): string | undefined {
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

/**
 * A GitHub handle, as GitHub allows them: 1-39 letters, digits and single hyphens, not starting
 * or ending with one; written without `@` (the reaper's notices add it).
 */
export const CONTACT_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
export const CONTACT_RULE =
  "the owner's GitHub handle without '@': 1-39 letters, digits and single '-', not starting or ending with '-'";

/**
 * `buildenv:contact`: whom the reaper's notices mention (the owner's GitHub handle). Optional;
 * without it a notice names the owner and mentions nobody.
 */
export function parseContact(raw: unknown, problems: string[]): string | undefined {
  return raw === undefined
    ? undefined
    : check(problems, "contact", matching(CONTACT_PATTERN, CONTACT_RULE), raw);
}

/** `buildenv:shared`; default false. */
export function parseShared(raw: unknown, problems: string[]): boolean | undefined {
  return raw === undefined ? false : check(problems, "shared", booleanLike, raw);
}

/**
 * `buildenv:expiresAt` as a canonical instant. Required for developer stacks on a VCH, refused on
 * shared stacks, and refused once past (so `up`/`preview` stop; `destroy` does not run this).
 */
export function parseExpiresAt(
  raw: unknown,
  shared: boolean,
  hostKind: "local" | "vch",
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
  const ttl = parseTtl(MAX_TTL)!;
  if (expiry.getTime() > now.getTime() + ttl) {
    problems.push(
      `buildenv:expiresAt: ${show(raw)} is more than ${MAX_TTL} ahead (now ${formatExpiry(now)}); the reaper counts at most ${MAX_TTL} from a developer stack's last update or expiry commit, so this date would not hold: set it with \`npm run stack:extend -- <stack> --ttl 7d\` (at most ${MAX_TTL})`,
    );
    return undefined;
  }
  return formatExpiry(expiry);
}
