/**
 * `npm run bench`: the image tag against git, a second run against the first through a real
 * registry (when there is one), sync, `run -- make` after a one-file edit (when there is an
 * engine), an output archive pushed and fetched back, and program evaluation under mocks.
 */
import { benchImageTag } from "./image-tag";
import { benchMake } from "./make";
import { benchOutputPush } from "./outputPush";
import { benchRegistry } from "./registry";
import { benchSync } from "./sync";
import { benchProgram } from "./program";
import { setMode } from "../tests/support/harness";

async function main(): Promise<void> {
  console.log("== image tag: buildenv vs git reading the same files ==");
  await benchImageTag();
  console.log("\n== build image: second run (pull the cached image) vs first (build and push) ==");
  await benchRegistry();
  console.log("\n== sync: first and after a one-file edit, vs tar | docker cp ==");
  await benchSync();
  console.log("\n== make: a second build after a one-file edit ==");
  await benchMake();
  console.log("\n== output archive: push to and fetch from the registry ==");
  await benchOutputPush();
  console.log("\n== program evaluation under mocks ==");
  await setMode("update");
  for (const [label, { medianMs, resources }] of Object.entries(await benchProgram())) {
    console.log(`${label}: ${medianMs.toFixed(1)} ms median, ${resources} resources`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
