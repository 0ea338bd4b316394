/**
 * `npm run env -- <verb>`: the developer's verbs on a stack's environment, driven through the
 * stack's outputs and the docker CLI (commands in workspace/docker.ts). Nothing on a volume is
 * lost by a failed verb: `sync` writes its journal first and its manifest last, so the next sync
 * repairs whatever one cut short (sync.ts), and `output` writes its archive to a temporary file
 * that replaces the target only when complete.
 */
import { errnoReason } from "./atomicFile";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { ENV_USAGE, EnvCommand, parseEnvArgs } from "./args";
import { cacheVerb } from "./cache";
import { mountedVolumes } from "./cacheMounts";
import { EngineApi, EngineError } from "./engineApi";
import { syncTree } from "./sync";
import {
  PING_ARGS,
  VCH_API_VERSION,
  copyOutArgs,
  dockerEnv,
  helperCreateArgs,
  helperRemoveArgs,
  runArgs,
  shellArgs,
  volumeInspectArgs,
  volumeScriptArgs,
} from "./docker";
import { StackOutputs, parseStackOutputs, volumeOf } from "./outputs";
import { outputFrom, outputVerb } from "./outputVerb";
import {
  CliError,
  CliOutput,
  NO_DOCKER_CLI,
  RunOptions,
  Runner,
  findExecutable,
  firstLine,
  formatBytes,
  formatElapsed,
  requirePulumi,
} from "./process";
import { Progress } from "./progress";
import { SELECTED_STACK_ARGS, pulumiSetup, stackOutputArgs } from "./pulumi";
import { HttpFetch } from "./registryClient";
import { EngineState, formatStatus } from "./status";

export interface EnvDeps {
  run: Runner;
  env: Record<string, string | undefined>;
  /** The directory holding Pulumi.yaml. */
  projectDir: string;
  /**
   * Where relative paths (`sync <dir>`, `--to`) start: npm runs scripts in the project
   * directory but says where it was called in INIT_CWD. Default: INIT_CWD, else projectDir.
   */
  cwd?: string;
  out: CliOutput;
  isExecutable?: (file: string) => boolean;
  now?: () => Date;
  /** Suffix of helper container names. Default: 8 random hex digits. */
  newId?: () => string;
  /** The registry's HTTP client of `output --push|--from`. Default: the global fetch. */
  fetch?: HttpFetch;
}

/** Runs the verb; resolves to the exit code (the command's for `run`/`shell`). */
export async function envMain(argv: readonly string[], deps: EnvDeps): Promise<number> {
  let certDir: string | undefined;
  try {
    const command = parseEnvArgs(argv);
    if (command.verb === "help") {
      deps.out.stdout.write(`${ENV_USAGE}\n`);
      return 0;
    }
    requirePulumi(deps.env, deps.isExecutable);
    const stack = command.stack ?? (await selectedStack(deps));
    const outputs = await readOutputs(deps, stack);
    if (command.verb === "output" && command.from !== undefined) {
      return await outputFrom(command, stack, outputs, deps, baseDir(deps)); // no engine needed
    }
    const hasDocker = findExecutable("docker", deps.env, deps.isExecutable) !== undefined;
    if (outputs.tls) {
      certDir = writeTls(outputs);
    }
    const docker = new Docker(deps, dockerEnv(deps.env, outputs.kind, outputs.dockerHost, certDir));
    if (command.verb === "status") {
      return await status(deps, stack, outputs, hasDocker ? docker : undefined);
    }
    if (!hasDocker) {
      throw new CliError(NO_DOCKER_CLI);
    }
    await docker.ping(outputs.dockerHost);
    return await verb(command, deps, stack, outputs, docker);
  } catch (error) {
    if (error instanceof CliError) {
      deps.out.stderr.write(`env: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  } finally {
    if (certDir !== undefined) {
      fs.rmSync(certDir, { recursive: true, force: true });
    }
  }
}

/** The stack `pulumi stack` has selected, else `dev`. */
async function selectedStack(deps: EnvDeps): Promise<string> {
  const setup = pulumiSetup(deps.projectDir, deps.env, "dev");
  const result = await deps.run("pulumi", [...SELECTED_STACK_ARGS], {
    env: setup.env,
    cwd: deps.projectDir,
    stdout: "capture",
    stderr: "capture",
  });
  const name = result.stdout.trim();
  return result.code === 0 && name !== "" ? name : "dev";
}

async function readOutputs(deps: EnvDeps, stack: string): Promise<StackOutputs> {
  const setup = pulumiSetup(deps.projectDir, deps.env, stack);
  const result = await deps.run("pulumi", stackOutputArgs(stack), {
    env: setup.env,
    cwd: deps.projectDir,
    stdout: "capture",
    stderr: "capture",
  });
  if (result.code !== 0) {
    throw new CliError(
      `cannot read the outputs of stack ${stack}: ${firstLine(result.stderr) || `pulumi exited with ${result.code}`}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(result.stdout);
  } catch {
    throw new CliError(`cannot read the outputs of stack ${stack}: pulumi printed no JSON`);
  }
  return parseStackOutputs(raw, stack);
}

/** The VCH's client material in a new private directory (0700, key 0600), removed on exit. */
function writeTls(outputs: StackOutputs): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-tls-"));
  fs.chmodSync(dir, 0o700);
  fs.writeFileSync(path.join(dir, "ca.pem"), outputs.tls!.caCert, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "cert.pem"), outputs.tls!.clientCert, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "key.pem"), outputs.tls!.clientKey, { mode: 0o600 });
  return dir;
}

/** The docker CLI with the stack's engine environment. */
class Docker {
  constructor(
    private readonly deps: EnvDeps,
    private readonly env: Record<string, string | undefined>,
  ) {}

  run(args: string[], options: Omit<RunOptions, "env">) {
    return this.deps.run("docker", args, { ...options, env: this.env });
  }

  capture(args: string[]) {
    return this.run(args, { stdout: "capture", stderr: "capture" });
  }

  /** The engine's version, or a one-line error when it does not answer. */
  async ping(dockerHost: string): Promise<string> {
    const result = await this.capture([...PING_ARGS]);
    if (result.code !== 0) {
      throw new CliError(
        `the stack's Docker engine at ${dockerHost} is not reachable (${firstLine(result.stderr)}); start Docker, or for a VCH check that it runs and that this machine reaches it`,
      );
    }
    return result.stdout.trim();
  }

  /** One-line error naming the first missing volume. */
  async requireVolumes(names: string[], stack: string): Promise<void> {
    const result = await this.capture(volumeInspectArgs(names));
    if (result.code !== 0) {
      const found = new Set(result.stdout.split("\n").map((l) => l.trim()));
      const missing = names.filter((n) => !found.has(n));
      throw new CliError(
        `volume ${missing.join(", ") || names.join(", ")} of stack ${stack} does not exist on its engine; run \`npm run up -- --stack ${stack}\` to create it`,
      );
    }
  }
}

async function status(
  deps: EnvDeps,
  stack: string,
  outputs: StackOutputs,
  docker: Docker | undefined,
): Promise<number> {
  let engine: EngineState;
  if (docker === undefined) {
    engine = { reachable: false, reason: "not checked, no docker CLI on PATH" };
  } else {
    const version = await docker.capture([...PING_ARGS]);
    if (version.code !== 0) {
      engine = { reachable: false, reason: firstLine(version.stderr) };
    } else {
      const names = mountedVolumes(outputs);
      const present: Record<string, boolean> = {};
      for (const name of names) {
        // One call per volume: a single call stops reporting at the first missing one.
        present[name] = (await docker.capture(volumeInspectArgs([name]))).code === 0;
      }
      engine = { reachable: true, version: version.stdout.trim(), volumes: present };
    }
  }
  const { lines, warning } = formatStatus(
    stack,
    outputs,
    engine,
    (deps.now ?? (() => new Date()))(),
  );
  deps.out.stdout.write(lines.map((l) => `${l}\n`).join(""));
  if (warning !== undefined) {
    deps.out.stderr.write(`env: warning: ${warning}\n`);
  }
  return 0;
}

function baseDir(deps: EnvDeps): string {
  return deps.cwd ?? deps.env.INIT_CWD ?? deps.projectDir;
}

async function verb(
  command: Exclude<EnvCommand, { verb: "help" } | { verb: "status" }>,
  deps: EnvDeps,
  stack: string,
  outputs: StackOutputs,
  docker: Docker,
): Promise<number> {
  const id = (deps.newId ?? (() => randomBytes(4).toString("hex")))();
  const now = deps.now ?? (() => new Date());
  const log = (line: string) => deps.out.stderr.write(`env: ${line}\n`);
  switch (command.verb) {
    case "run": {
      let computeClass = outputs.computeClass;
      if (command.priority !== undefined) {
        if (outputs.computeClasses === undefined) {
          throw new CliError(
            `stack ${stack} does not export computeClasses yet; run \`npm run up -- --stack ${stack}\` once, then --priority works`,
          );
        }
        computeClass = outputs.computeClasses[command.priority];
      }
      await docker.requireVolumes(mountedVolumes(outputs), stack);
      const name = `buildenv-${stack}-run-${id}`;
      const result = await docker.run(
        runArgs({
          image: outputs.buildImage,
          volumes: outputs.volumes,
          caches: outputs.caches,
          computeClass,
          name,
          keep: command.keep,
          command: command.command,
        }),
        { stdin: "inherit", stdout: "inherit", stderr: "inherit" },
      );
      if (command.keep) {
        log(`kept container ${name}; remove it with: docker rm ${name}`);
      }
      return result.code;
    }
    case "shell": {
      await docker.requireVolumes(mountedVolumes(outputs), stack);
      const result = await docker.run(
        shellArgs({
          image: outputs.buildImage,
          volumes: outputs.volumes,
          caches: outputs.caches,
          computeClass: outputs.computeClass,
          name: `buildenv-${stack}-shell-${id}`,
        }),
        { stdin: "inherit", stdout: "inherit", stderr: "inherit" },
      );
      return result.code;
    }
    case "sync":
      return sync(command, deps, stack, outputs, docker, log);
    case "output":
      return outputVerb(command, stack, outputs, deps, baseDir(deps), () =>
        output(command, deps, stack, outputs, docker, id, now, log),
      );
    case "cache":
      return cacheVerb(command, stack, outputs, docker, deps.out, id);
  }
}

async function sync(
  command: { dir: string; exclude: string[]; clean: boolean },
  deps: EnvDeps,
  stack: string,
  outputs: StackOutputs,
  docker: Docker,
  log: (line: string) => void,
): Promise<number> {
  const dir = path.resolve(baseDir(deps), command.dir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CliError(`sync: ${dir} is not a directory`);
  }
  const volume = volumeOf(outputs, "source", stack);
  const api = new EngineApi({
    dockerHost: outputs.dockerHost,
    ...(outputs.tls ? { tls: outputs.tls, apiVersion: VCH_API_VERSION } : {}),
  });
  try {
    await syncTree(
      { dir, exclude: command.exclude, clean: command.clean },
      {
        api,
        dockerHost: outputs.dockerHost,
        stack,
        volume,
        image: outputs.buildImage,
        cacheDir: path.join(deps.projectDir, ".buildenv", "sync"),
        runScript: (script, args) =>
          docker.capture(volumeScriptArgs(outputs.buildImage, volume, "source", script, args)),
        log,
        progress: deps.out.stderr,
      },
    );
  } catch (error) {
    if (error instanceof EngineError) {
      throw new CliError(
        `sync: ${error.message}; the volume's records say what it holds, run sync again`,
      );
    }
    throw error;
  } finally {
    api.close();
  }
  return 0;
}

/** Writes the archive; resolves to its path. */
async function output(
  command: { to?: string },
  deps: EnvDeps,
  stack: string,
  outputs: StackOutputs,
  docker: Docker,
  id: string,
  now: () => Date,
  log: (line: string) => void,
): Promise<string> {
  const volume = volumeOf(outputs, "output", stack);
  await docker.requireVolumes([volume], stack);
  const target = path.resolve(baseDir(deps), command.to ?? `buildenv-${stack}-output.tar.gz`);
  if (!fs.existsSync(path.dirname(target))) {
    throw new CliError(`output: the directory of ${target} does not exist`);
  }
  const partial = `${target}.partial-${id}`;
  const helper = `buildenv-${stack}-output-${id}`;
  const started = now().getTime();
  const created = await docker.capture(
    helperCreateArgs(helper, volume, "output", outputs.buildImage),
  );
  if (created.code !== 0) {
    throw new CliError(`output: cannot create the helper container: ${firstLine(created.stderr)}`);
  }
  const gzip = zlib.createGzip();
  // flush: fsync before close, so the rename below never publishes an archive still in the page
  // cache (createWriteStream's `flush`, nodejs/node d1aa62f, PR #50093, in Node 20.10).
  const file = fs.createWriteStream(partial, { mode: 0o644, flush: true });
  const written = new Promise<void>((resolve, reject) => {
    file.on("finish", resolve);
    file.on("error", reject);
    gzip.on("error", reject);
  });
  gzip.pipe(file);
  // The tar's size is not known before it is all out: the bar shows bytes and rate only.
  const progress = new Progress(deps.out.stderr, { label: "output", now: () => now().getTime() });
  let copied;
  try {
    copied = await docker.run(copyOutArgs(helper, "output"), {
      stdout: (chunk) => {
        progress.add(chunk.length);
        gzip.write(chunk);
      },
      stderr: "capture",
    });
  } finally {
    progress.done();
    await docker.capture(helperRemoveArgs(helper));
  }
  const received = progress.sentBytes;
  gzip.end();
  try {
    await written;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new CliError(
      `output: cannot write ${target}: ${errnoReason(error)}; nothing was written there`,
    );
  }
  if (copied.code !== 0) {
    fs.rmSync(partial, { force: true });
    throw new CliError(`output: copying out of ${volume} failed (${firstLine(copied.stderr)})`);
  }
  try {
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new CliError(`output: cannot write ${target}: ${errnoReason(error)}`);
  }
  log(
    `wrote ${target} (${formatBytes(fs.statSync(target).size)}, ${formatBytes(received)} of tar) from ${volume} in ${formatElapsed(now().getTime() - started)}`,
  );
  return target;
}
