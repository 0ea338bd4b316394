/**
 * The reaper tests' stand-ins: committed stack files as the reaper reads them, a fake workspace
 * that records every call, a failed CLI command, and an output recorder.
 */
import * as assert from "assert/strict";
import { CliOutput } from "../../cli/lifecycle/reapCli";
import {
  ReapDecision,
  ReapPolicy,
  ReapWorkspace,
  StackListing,
  StackSnapshot,
  planReap,
} from "../../cli/lifecycle/reaper";
import { readStackFacts } from "../../cli/lifecycle/stackFile";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface FileSpec {
  owner?: string;
  expiresAt?: string;
  shared?: string;
  kind?: "local" | "vch";
  contact?: string;
  github?: boolean;
}

/** A committed stack file, with a secure value the reaper must never need. */
export function stackFile(spec: FileSpec): string {
  return [
    "encryptionsalt: v1:c2FsdA==:v1:abc:def",
    "config:",
    ...(spec.owner === undefined ? [] : [`  buildenv:owner: ${JSON.stringify(spec.owner)}`]),
    ...(spec.expiresAt === undefined
      ? []
      : [`  buildenv:expiresAt: ${JSON.stringify(spec.expiresAt)}`]),
    ...(spec.shared === undefined ? [] : [`  buildenv:shared: ${spec.shared}`]),
    ...(spec.contact === undefined ? [] : [`  buildenv:contact: ${spec.contact}`]),
    ...(spec.kind === undefined ? [] : ["  buildenv:host:", `    kind: ${spec.kind}`]),
    ...(spec.github ? ["  buildenv:github:", "    repositories: [app]"] : []),
    "  vsphere:password:",
    "    secure: v1:ZW5jcnlwdGVk",
    "",
  ].join("\n");
}

/** A VCH developer stack as its snapshot, read from its file as the reaper reads it. */
export function vch(
  name: string,
  expiresAt?: string,
  extra: FileSpec = {},
  lastUpdate?: string,
): StackSnapshot {
  const text = stackFile({ owner: name, expiresAt, kind: "vch", ...extra });
  return {
    name,
    ...(lastUpdate === undefined ? {} : { lastUpdate }),
    facts: readStackFacts(text, `Pulumi.${name}.yaml`),
  };
}

export function decideOne(
  stack: StackSnapshot,
  now: string,
  policy: ReapPolicy = {},
): ReapDecision {
  const plan = planReap([stack], new Date(now), policy);
  assert.equal(plan.length, 1);
  return plan[0];
}

/** A stand-in for the Pulumi CLI and the repository that records every call, in order. */
export class FakeWorkspace implements ReapWorkspace {
  readonly calls: string[] = [];
  readonly envs: Record<string, Readonly<Record<string, string>>> = {};
  /** The time of the commit that last changed each stack's expiry; none unless set. */
  commits: Record<string, string | Error> = {};
  /** The stacks whose expiry commit was asked for, in order (kept apart from `calls`). */
  readonly commitReads: string[] = [];
  /** Resource types in each stack's state; none unless set. */
  states: Record<string, string[] | Error> = {};
  constructor(
    public files: Record<string, string | Error | undefined>,
    private readonly failures: {
      destroy?: Record<string, Error>;
      remove?: Record<string, Error>;
    } = {},
    private readonly listing?: unknown,
  ) {}

  async listStacks(): Promise<StackListing[]> {
    this.calls.push("listStacks");
    // A listing given as null is kept: it is what a broken CLI might print.
    return this.listing !== undefined
      ? (this.listing as StackListing[])
      : Object.keys(this.files).map((name) => ({ name }));
  }

  async readStackFile(stack: string): Promise<string | undefined> {
    this.calls.push(`readStackFile ${stack}`);
    const file = this.files[stack];
    if (file instanceof Error) {
      throw file;
    }
    return file;
  }

  async expiryCommitTime(stack: string): Promise<string | undefined> {
    this.commitReads.push(stack);
    const commit = this.commits[stack];
    if (commit instanceof Error) {
      throw commit;
    }
    return commit;
  }

  async stateResourceTypes(stack: string): Promise<string[]> {
    this.calls.push(`stateResourceTypes ${stack}`);
    const state = this.states[stack] ?? [];
    if (state instanceof Error) {
      throw state;
    }
    return state;
  }

  async destroy(stack: string, env: Readonly<Record<string, string>>): Promise<void> {
    this.calls.push(`destroy ${stack}`);
    this.envs[stack] = env;
    const failure = this.failures.destroy?.[stack];
    if (failure) {
      throw failure;
    }
  }

  async removeStack(stack: string): Promise<void> {
    this.calls.push(`removeStack ${stack}`);
    const failure = this.failures.remove?.[stack];
    if (failure) {
      throw failure;
    }
  }
}

/** What a failed CLI command carries: its output, stderr apart. */
export function commandError(stdout: string, stderr: string): Error {
  const error = new Error(`code: 255\n stdout: ${stdout}\n stderr: ${stderr}\n err?: \n`);
  error.name = "CommandError";
  return Object.assign(error, { commandResult: { stdout, stderr, code: 255 } });
}

export function recorder(): { out: CliOutput; stdout: () => string; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  return {
    out: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
