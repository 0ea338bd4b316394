/**
 * The progress of long transfers (cli/workspace/progress.ts): the bar's exact text with and
 * without totals, redrawn in place on a terminal, and a plain line every interval elsewhere.
 */
import * as assert from "assert/strict";
import { Progress, formatBar } from "../../cli/workspace/progress";

describe("cli/workspace/progress", () => {
  it("formats the bar with totals: share, bytes, files, rate, time left", () => {
    // 90 of 200 MB in 3 s: 30 MB/s, 110 MB left at that rate is 3.7 s.
    assert.equal(
      formatBar("sync", 90e6, 9000, 3000, 200e6, 20000),
      "sync [#########-----------]  45% 90.0 MB/200.0 MB 9000/20000 files 30.0 MB/s 3.7s left",
    );
    assert.equal(
      formatBar("sync", 0, 0, 0, 200e6, 20000),
      "sync [--------------------]   0% 0 B/200.0 MB 0/20000 files - - left",
    );
  });

  it("says nothing of what it does not know: no share, no file count, no time left", () => {
    assert.equal(formatBar("output", 12_500_000, 0, 5000), "output 12.5 MB 2.5 MB/s");
    assert.equal(formatBar("output", 2000, 3, 1000), "output 2.0 kB 3 files 2.0 kB/s");
  });

  it("writes a plain line at most every interval where the stream is not a terminal", () => {
    let t = 0;
    const lines: string[] = [];
    const progress = new Progress(
      { write: (text: string) => lines.push(text) },
      { label: "fetch", totalBytes: 4e6, now: () => t, intervalMs: 1000 },
    );
    for (const [ms, bytes] of [
      [400, 1e6],
      [700, 1e6],
      [300, 1e6],
      [900, 1e6],
    ]) {
      t += ms;
      progress.add(bytes);
    }
    progress.done();
    assert.deepEqual(lines, [
      "env: fetch [##########----------]  50% 2.0 MB/4.0 MB 1.8 MB/s 1.1s left\n",
      "env: fetch [####################] 100% 4.0 MB/4.0 MB 1.7 MB/s 0.0s left\n",
    ]);
    assert.equal(progress.sentBytes, 4e6);
    assert.equal(progress.elapsedMs, 2300);
  });

  it("redraws one bar in place on a terminal, at most every 100 ms, and clears it when done", () => {
    let t = 0;
    const writes: string[] = [];
    const progress = new Progress(
      { isTTY: true, columns: 41, write: (text: string) => writes.push(text) },
      { label: "output", now: () => t },
    );
    t = 50;
    progress.add(1000);
    t = 200;
    progress.add(1000);
    t = 250;
    progress.add(1000);
    progress.done();
    progress.done();
    assert.deepEqual(writes, [
      `\r${"output 2.0 kB 10.0 kB/s".padEnd(40)}`,
      `\r${" ".repeat(40)}\r`,
    ]);
  });
});
