/**
 * The developer loop `sync` then `run -- make` on a generated C project of 51 objects (issue 18):
 * the first build compiles every object; after a one-file edit and a sync, a build compiles only
 * that file's object; another sync and build with no edit compiles nothing (both three times,
 * medians). Compiler invocations are counted from make's echo of each command it runs, and the
 * linked program is run to check it has the last edit. The build image holds this machine's own
 * make, gcc and binutils with busybox for `sh`, put in the engine with `docker import` (no
 * registry needed) and removed afterwards. Needs BUILDENV_E2E_DOCKER_HOST (`.ci/run` starts it)
 * and a Debian gcc, make and libc6-dev here; says which is missing and measures nothing without.
 *
 *   npx tsx bench/make.ts
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_COMPUTE_CLASSES } from "../components/compute/config";
import { runArgs } from "../cli/workspace/docker";
import { EngineApi } from "../cli/workspace/engineApi";
import { holderName } from "../cli/workspace/sync";
import { DOCKER_HOST, docker, median, syncQuietly } from "./engine";

const SOURCES = 50;
const REPEATS = 3;

function gccLib(): string {
  return path.dirname(execFileSync("gcc", ["-print-libgcc-file-name"], { encoding: "utf8" }));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function which(program: string): string {
  return execFileSync("sh", ["-c", 'command -v "$1"', "sh", program], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}

/** The shared libraries `ldd` says a binary loads, the loader included. */
function sharedLibraries(binary: string): string[] {
  return execFileSync("ldd", [binary], { encoding: "utf8" })
    .split("\n")
    .map((line) => /(\/\S+) \(0x/.exec(line)?.[1])
    .filter((file): file is string => file !== undefined);
}

function packageFiles(pkg: string): string[] {
  return execFileSync("dpkg", ["-L", pkg], { encoding: "utf8" })
    .split("\n")
    .filter((file) => file !== "" && fs.statSync(file, { throwIfNoEntry: false })?.isFile());
}

/**
 * What a compile and link of C needs: the drivers and the programs gcc runs, every library they
 * load, libc's headers, crt files and link scripts (with the libraries the scripts name). Not
 * libc6-dev's static libraries: a dynamic link reads only the `_nonshared` ones.
 */
function toolchainFiles(): string[] {
  const gcc = gccLib();
  const programs = [
    which("make"),
    which("gcc"),
    which("cc"),
    which("as"),
    which("ld"),
    ...["cc1", "collect2", "lto-wrapper"].map((name) => path.join(gcc, name)),
  ];
  const libc = packageFiles("libc6-dev").filter(
    (file) =>
      file.startsWith("/usr/include/") || !file.endsWith(".a") || /_nonshared\.a$/.test(file),
  );
  const linkScriptTargets = libc
    .filter((file) => file.endsWith(".so") && fs.statSync(file).size < 1024)
    .flatMap((file) => fs.readFileSync(file, "utf8").match(/\/[^\s()]+/g) ?? [])
    .filter((file) => !file.startsWith("/*") && fs.existsSync(file));
  const gccFiles = fs
    .readdirSync(gcc)
    .filter((name) => /^(crt.*\.o|libgcc.*|liblto_plugin\.so)$/.test(name))
    .map((name) => path.join(gcc, name));
  const libgccS = execFileSync("gcc", ["-print-file-name=libgcc_s.so.1"], { encoding: "utf8" });
  const withLibraries = [
    ...programs,
    ...gccFiles.filter((file) => file.endsWith("liblto_plugin.so")),
  ];
  return [
    ...programs,
    ...withLibraries.flatMap(sharedLibraries),
    ...libc,
    ...linkScriptTargets,
    ...gccFiles,
    libgccS.trim(),
    ...packageFiles("linux-libc-dev").filter((file) => file.startsWith("/usr/include/")),
  ];
}

/**
 * The rootfs of the build image in `stage`: each file at its path with symlinks followed, the
 * merged-/usr links this machine has (so `/lib64/ld-linux-x86-64.so.2`, written into every
 * binary, resolves), gcc's header directory, and busybox with a link per applet for `sh` and the
 * tools sync's removal script uses.
 */
function assembleRootfs(stage: string): void {
  const gcc = gccLib();
  for (const top of ["bin", "lib", "lib64", "sbin"]) {
    const link = fs.lstatSync(`/${top}`, { throwIfNoEntry: false });
    if (link?.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(`/${top}`), path.join(stage, top));
  }
  const place = (file: string) =>
    path.join(stage, fs.realpathSync(path.dirname(file)), path.basename(file));
  for (const file of new Set(toolchainFiles())) {
    const to = place(file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(fs.realpathSync(file), to);
  }
  fs.cpSync(path.join(gcc, "include"), place(path.join(gcc, "include")), {
    recursive: true,
    dereference: true,
  });
  const bin = path.join(stage, fs.realpathSync("/usr/bin"));
  fs.copyFileSync("/usr/bin/busybox", path.join(bin, "busybox"));
  const applets = execFileSync("/usr/bin/busybox", ["--list"], { encoding: "utf8" });
  for (const applet of applets.split("\n").filter(Boolean)) {
    if (!fs.existsSync(path.join(bin, applet))) fs.symlinkSync("busybox", path.join(bin, applet));
  }
  // gcc writes its intermediate assembly and objects there.
  fs.mkdirSync(path.join(stage, "tmp"), { mode: 0o1777 });
  fs.chmodSync(path.join(stage, "tmp"), 0o1777);
}

/** The build image, imported from a tarball of the assembled rootfs; its size in MB. */
function importImage(image: string, work: string): number {
  const stage = path.join(work, "rootfs");
  fs.mkdirSync(stage, { recursive: true });
  assembleRootfs(stage);
  const tarball = path.join(work, "rootfs.tar");
  execFileSync("tar", ["-c", "-f", tarball, "-C", stage, "."]);
  docker(["import", "--change", "ENV PATH=/usr/bin:/bin", tarball, image]);
  fs.rmSync(work, { recursive: true, force: true });
  return Number(docker(["image", "inspect", "--format", "{{.Size}}", image]).trim()) / 1e6;
}

/** `sources` C files of one function each, a main calling them all, and a Makefile of one object per file. */
function generate(root: string, sources: number): void {
  fs.mkdirSync(root, { recursive: true });
  const names = Array.from({ length: sources }, (_, i) => `f${i}`);
  for (const name of names) {
    fs.writeFileSync(path.join(root, `${name}.c`), `int ${name}(int x) { return x + 1; }\n`);
  }
  fs.writeFileSync(
    path.join(root, "main.c"),
    [
      "#include <stdio.h>",
      ...names.map((name) => `int ${name}(int);`),
      "int main(void) {",
      "  int x = 0;",
      ...names.map((name) => `  x = ${name}(x);`),
      '  printf("%d\\n", x);',
      "  return 0;",
      "}",
      "",
    ].join("\n"),
  );
  const objects = ["main.o", ...names.map((name) => `${name}.o`)].join(" ");
  fs.writeFileSync(
    path.join(root, "Makefile"),
    [
      "CC = gcc",
      "CFLAGS = -O2",
      `OBJS = ${objects}`,
      "app: $(OBJS)",
      "\t$(CC) -o $@ $(OBJS)",
      "%.o: %.c",
      "\t$(CC) $(CFLAGS) -c -o $@ $<",
      "",
    ].join("\n"),
  );
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "x");
}

interface Synced {
  sent: number;
  ms: number;
}

interface Build {
  compiles: number;
  links: number;
  ms: number;
}

async function benchLoop(id: string, work: string): Promise<void> {
  const image = `${id}:gcc`;
  const volume = `${id}-source`;
  const tree = path.join(work, "tree");
  const api = new EngineApi({ dockerHost: DOCKER_HOST! });
  let runs = 0;
  try {
    const t = performance.now();
    const mb = importImage(image, path.join(work, "image"));
    console.log(
      `build image (make, gcc, binutils, busybox): ${mb.toFixed(0)} MB, imported in ${seconds(performance.now() - t)}`,
    );
    generate(tree, SOURCES);
    docker(["volume", "create", "--label", "buildenv.keep=true", volume]);
    const sync = async (): Promise<Synced> => {
      const start = performance.now();
      const result = await syncQuietly(api, tree, volume, image, path.join(work, "cache"));
      const ms = performance.now() - start;
      // No wait before the build: an edit is sent with its exact mtime, so objects made right
      // after the sync are newer than their sources (cli/workspace/syncArchive.ts mtimeOf).
      return { sent: result.sent, ms };
    };
    const run = (command: string[]): { lines: string[]; ms: number } => {
      const args = runArgs({
        image,
        volumes: { source: volume },
        computeClass: DEFAULT_COMPUTE_CLASSES.normal,
        name: `${id}-run-${++runs}`,
        command,
      });
      const start = performance.now();
      const lines = docker(args).split("\n");
      return { lines, ms: performance.now() - start };
    };
    const make = (): Build => {
      const { lines, ms } = run(["make"]);
      return {
        compiles: lines.filter((line) => /^gcc .* -c /.test(line)).length,
        links: lines.filter((line) => /^gcc -o app /.test(line)).length,
        ms,
      };
    };
    const firstSync = await sync();
    const first = make();
    const edits: { sync: Synced; build: Build }[] = [];
    const noEdits: { sync: Synced; build: Build }[] = [];
    let increment = 1;
    for (let i = 0; i < REPEATS; i++) {
      increment = 2 + i;
      fs.writeFileSync(path.join(tree, "f7.c"), `int f7(int x) { return x + ${increment}; }\n`);
      edits.push({ sync: await sync(), build: make() });
      noEdits.push({ sync: await sync(), build: make() });
    }
    const starts = Array.from({ length: REPEATS }, () => run(["true"]).ms);
    const output = run(["./app"]).lines.join("").trim();
    const expected = String(SOURCES - 1 + increment);
    const summary = (label: string, runs: { sync: Synced; build: Build }[]) => {
      const compiles = runs.map((r) => r.build.compiles).join("/");
      const sent = runs.map((r) => r.sync.sent).join("/");
      return (
        `make: ${label} ${compiles} compiles in ${seconds(median(runs.map((r) => r.build.ms)))}` +
        ` (sync of ${sent} files ${seconds(median(runs.map((r) => r.sync.ms)))}; medians of ${REPEATS})`
      );
    };
    console.log(
      `make: first build ${first.compiles} compiles in ${seconds(first.ms)} (sync of ${firstSync.sent} files ${seconds(firstSync.ms)})`,
    );
    console.log(summary("after a one-file edit", edits));
    console.log(summary("again with no edit", noEdits));
    console.log(
      `make: a container of the same image running true: ${seconds(median(starts))} (what each build pays before make starts; median of ${REPEATS})`,
    );
    const met =
      first.compiles === SOURCES + 1 &&
      first.links === 1 &&
      edits.every((r) => r.build.compiles === 1 && r.build.links === 1) &&
      noEdits.every((r) => r.build.compiles === 0 && r.build.links === 0) &&
      output === expected;
    console.log(
      `make: "rebuilds one object, not all": ${met ? "goal met" : "NOT met"} (./app printed ${output}, expected ${expected})`,
    );
  } finally {
    api.close();
    for (const args of [
      ["rm", "-f", holderName(volume)],
      ["volume", "rm", "-f", volume],
      ["image", "rm", "-f", image],
    ]) {
      try {
        docker(args);
      } catch {
        // already gone
      }
    }
  }
}

export async function benchMake(): Promise<void> {
  if (!DOCKER_HOST) {
    console.log("no engine (BUILDENV_E2E_DOCKER_HOST): make not measured");
    return;
  }
  const missing = ["gcc", "make", "ldd", "dpkg", "/usr/bin/busybox"].filter((program) => {
    try {
      which(program);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    console.log(`no ${missing.join(", ")} here to build the image from: make not measured`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-bench-make-"));
  try {
    await benchLoop(`bmake-${process.pid}`, work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchMake();
}
