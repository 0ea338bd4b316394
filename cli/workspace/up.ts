/**
 * `npm run up` (and `preview`, `down`): the stack selected or created, Pulumi run with its
 * progress streamed, the owner and expiry mirrored into stack tags. See workspace/pulumi.ts for
 * the backend, passphrase and config-file decisions.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DOCKER_HOST } from "../../components/host/config";
import { UP_USAGE, UpMode, parseUpArgs } from "./args";
import {
  hostOf,
  localPaths,
  localStackConfig,
  operationArgs,
  ownerAndExpiry,
  pulumiSetup,
  saltOf,
  secretsKeysOf,
  selectArgs,
  tagArgs,
} from "./pulumi";
import { FileWriteError, lockFile, writeFileAtomic, type WriteOptions } from "./atomicFile";
import { CliError, CliOutput, Runner, firstLine, requirePulumi } from "./process";

export interface UpDeps {
  run: Runner;
  env: Record<string, string | undefined>;
  /** The directory holding Pulumi.yaml. */
  projectDir: string;
  out: CliOutput;
  /** Undefined when the engine at the address answers, else why not. */
  pingEngine: (dockerHost: string, tlsVerify: boolean) => Promise<string | undefined>;
  /** PATH lookup; default: the file system. */
  isExecutable?: (file: string) => boolean;
  /** A new passphrase for the local backend. Default: 32 random bytes, base64url. */
  newPassphrase?: () => string;
  /** How long to wait for a stack:extend that holds the stack file's lock; default 10 s. */
  lockTimeoutMs?: number;
}

/** The name a mode is run as, for messages: `npm run down` runs `destroy`. */
const SCRIPT: Record<UpMode, string> = { up: "up", preview: "preview", destroy: "down" };

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The engines the operation needs: `up` builds the image on the local engine for every host kind
 * (DOCKER_HOST, else the standard socket, as config/load.ts builderHost), and a local stack's
 * volumes live on its engine (`up` and `down`). A preview touches no engine.
 */
export function enginesNeeded(
  mode: UpMode,
  stackFileText: string | undefined,
  env: Record<string, string | undefined>,
): string[] {
  const builder = env.DOCKER_HOST || DEFAULT_DOCKER_HOST;
  const host = hostOf(stackFileText);
  const engines: string[] = [];
  if (mode === "up") engines.push(builder);
  if (mode !== "preview" && host.kind === "local") engines.push(host.dockerHost ?? builder);
  return [...new Set(engines)];
}

/** Runs the mode; resolves to the exit code (Pulumi's, or 1/2 with one line on stderr). */
export async function upMain(mode: UpMode, argv: readonly string[], deps: UpDeps): Promise<number> {
  const name = SCRIPT[mode];
  try {
    return await upSteps(mode, argv, deps);
  } catch (error) {
    if (error instanceof CliError) {
      deps.out.stderr.write(`${name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

async function upSteps(mode: UpMode, argv: readonly string[], deps: UpDeps): Promise<number> {
  const args = parseUpArgs(argv);
  if (args.help) {
    deps.out.stdout.write(`${UP_USAGE}\n`);
    return 0;
  }
  const { stack } = args;
  requirePulumi(deps.env, deps.isExecutable);
  const trackedFile = path.join(deps.projectDir, `Pulumi.${stack}.yaml`);
  // Held until the tracked file is put back after `pulumi stack select`: a stack:extend meanwhile
  // waits, rather than have its new expiry overwritten by the copy read here.
  let release: (() => void) | undefined = lockStackFile(
    trackedFile,
    `Pulumi.${stack}.yaml`,
    deps.lockTimeoutMs,
  );
  try {
    return await upLocked(mode, args, deps, trackedFile, () => {
      release?.();
      release = undefined;
    });
  } finally {
    release?.();
  }
}

function lockStackFile(file: string, display: string, timeoutMs?: number): () => void {
  try {
    return lockFile(file, { display, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** Writes through writeFileAtomic; its one-line failure becomes the command's. */
function writeAtomic(file: string, text: string, options: WriteOptions = {}): void {
  try {
    writeFileAtomic(file, text, options);
  } catch (error) {
    if (error instanceof FileWriteError) throw new CliError(error.message);
    throw error;
  }
}

async function upLocked(
  mode: UpMode,
  args: ReturnType<typeof parseUpArgs>,
  deps: UpDeps,
  trackedFile: string,
  unlock: () => void,
): Promise<number> {
  const { stack } = args;
  const tracked = readIfExists(trackedFile);

  for (const engine of enginesNeeded(mode, tracked, deps.env)) {
    const reason = await deps.pingEngine(engine, deps.env.DOCKER_TLS_VERIFY === "1");
    if (reason !== undefined) {
      throw new CliError(
        `the Docker engine at ${engine} is not reachable (${reason}); start Docker (or point DOCKER_HOST at a running engine) and run this again`,
      );
    }
  }

  const setup = pulumiSetup(deps.projectDir, deps.env, stack);
  const run = (pulumiArgs: string[], capture = false) =>
    deps.run("pulumi", pulumiArgs, {
      env: setup.env,
      cwd: deps.projectDir,
      stdin: capture ? undefined : "inherit",
      stdout: capture ? "capture" : "inherit",
      stderr: capture ? "capture" : "inherit",
    });

  if (setup.local) {
    const keys = tracked === undefined ? [] : secretsKeysOf(tracked);
    if (keys.length > 0) {
      throw new CliError(
        `Pulumi.${stack}.yaml sets ${keys.join(", ")}: it belongs to a team backend; set PULUMI_BACKEND_URL and the team's passphrase to use it, or choose another --stack`,
      );
    }
    const paths = localPaths(deps.projectDir);
    fs.mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(paths.stacksDir, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(paths.passphraseFile)) {
      const phrase = (deps.newPassphrase ?? (() => randomBytes(32).toString("base64url")))();
      // `wx`: never overwrite a passphrase another run just wrote; 0600: only its owner reads it.
      writeAtomic(paths.passphraseFile, `${phrase}\n`, { exclusive: true, mode: 0o600 });
      deps.out.stderr.write(
        `${SCRIPT[mode]}: generated the local stacks' passphrase in ${path.relative(deps.projectDir, paths.passphraseFile)} (git-ignored; keep it with the state in ${path.relative(deps.projectDir, paths.stateDir)})\n`,
      );
    }
    const previous = readIfExists(setup.configFile!);
    writeAtomic(
      setup.configFile!,
      localStackConfig(tracked, previous === undefined ? undefined : saltOf(previous)),
      { mode: 0o600 },
    );
  }

  const selected = await run(selectArgs(stack, setup.local));
  if (setup.local) {
    // Creating the stack wrote its new salt into the tracked file: keep the salt in the local
    // copy and put the tracked file back exactly as it was.
    const after = readIfExists(trackedFile);
    if (after !== tracked) {
      const salt = after === undefined ? undefined : saltOf(after);
      if (tracked === undefined) fs.rmSync(trackedFile, { force: true });
      else writeAtomic(trackedFile, tracked);
      if (salt !== undefined) {
        writeAtomic(setup.configFile!, localStackConfig(tracked, salt), { mode: 0o600 });
      }
    }
  }
  unlock();
  if (selected.code !== 0) {
    return selected.code;
  }

  const result = await run(operationArgs(mode, stack, setup.configFile, args.pass));
  if (mode === "up" && result.code === 0) {
    const { owner, expiresAt } = ownerAndExpiry(tracked, stack);
    for (const tag of tagArgs(stack, owner, expiresAt)) {
      const tagged = await run(tag, true);
      if (tagged.code !== 0) {
        deps.out.stderr.write(
          `up: warning: could not set stack tag ${tag[3]} (stack tags on a self-managed backend need Pulumi CLI 3.211 or later): ${firstLine(tagged.stderr)}\n`,
        );
        break;
      }
    }
  }
  return result.code;
}
