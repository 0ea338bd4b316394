/**
 * How long the program takes to evaluate under mocks: config validation, the image manifest and
 * every resource registration, for the default local stack and a VCH stack with CI secrets.
 */
import { performance } from "perf_hooks";
import { mocks } from "../tests/support/harness";
import { runStack, stubVsphere, vchStackConfig } from "../tests/support/stack";
import { median } from "./engine";

const RUNS = 15;

export async function benchProgram(): Promise<
  Record<string, { medianMs: number; resources: number }>
> {
  const stacks: Record<string, () => Record<string, unknown>> = {
    "local (default)": () => ({}),
    "vch + registry + CI (2 repositories)": () =>
      vchStackConfig({ "buildenv:github": { repositories: ["app", "tools"] } }),
  };
  const results: Record<string, { medianMs: number; resources: number }> = {};
  for (const [label, config] of Object.entries(stacks)) {
    const times: number[] = [];
    let resources = 0;
    // One warm-up run loads the provider SDKs, which is not what is measured.
    for (let run = 0; run <= RUNS; run++) {
      mocks.reset();
      stubVsphere();
      const start = performance.now();
      await runStack(config());
      const elapsed = performance.now() - start;
      if (run > 0) times.push(elapsed);
      resources = mocks.resources.length;
    }
    results[label] = { medianMs: median(times), resources };
  }
  return results;
}
