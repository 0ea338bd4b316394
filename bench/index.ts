/** `npm run bench`: the image tag against git, and program evaluation under mocks. */
import { benchImageTag } from "./image-tag";
import { benchProgram } from "./program";
import { setMode } from "../tests/harness";

async function main(): Promise<void> {
  console.log("== image tag: buildenv vs git ls-tree + git hash-object ==");
  await benchImageTag();
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
