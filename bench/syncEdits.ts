/**
 * The edit half of bench/sync.ts, in a process of its own: `npm run env -- sync` runs each sync in
 * a fresh process, whose memory is that of the CLI (about 100 MB) and not that of a bench that
 * has just made five first syncs of 200 MB; every process node starts (git, here) costs it time
 * in proportion to that memory. Prints one JSON line: the medians in ms.
 *
 *   node --import tsx bench/syncEdits.ts '{"tree":…,"volume":…,"cacheDir":…,"edited":…,"copyTo":…}'
 */
import * as fs from "fs";
import * as path from "path";
import { EngineApi } from "../cli/workspace/engineApi";
import { DOCKER_HOST, docker, median, syncQuietly } from "./engine";

export interface EditRequest {
  tree: string;
  volume: string;
  cacheDir: string;
  /** The file edited, relative to `tree`. */
  edited: string;
  /** Where `docker cp` copies the edited file: `<container>:<path>`. */
  copyTo: string;
  edits: number;
}

export interface EditTimes {
  syncMs: number;
  copyMs: number;
}

async function measureEdits(request: EditRequest): Promise<EditTimes> {
  const api = new EngineApi({ dockerHost: DOCKER_HOST! });
  const image = process.env.BUILDENV_E2E_IMAGE!;
  try {
    // The first edit after a fresh sync may still look at files synced in their own second.
    await syncQuietly(api, request.tree, request.volume, image, request.cacheDir);
    const syncs: number[] = [];
    const copies: number[] = [];
    const file = path.join(request.tree, request.edited);
    for (let i = 0; i < request.edits; i++) {
      fs.appendFileSync(file, `// edit ${i}\n`);
      let t = performance.now();
      const result = await syncQuietly(api, request.tree, request.volume, image, request.cacheDir);
      syncs.push(performance.now() - t);
      if (result.sent !== 1) throw new Error(`one edit sent ${result.sent} files`);
      t = performance.now();
      docker(["cp", file, request.copyTo]);
      copies.push(performance.now() - t);
    }
    return { syncMs: median(syncs), copyMs: median(copies) };
  } finally {
    api.close();
  }
}

if (require.main === module) {
  measureEdits(JSON.parse(process.argv[2]) as EditRequest).then(
    (times) => process.stdout.write(`${JSON.stringify(times)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
