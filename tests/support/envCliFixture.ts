/**
 * The fixtures of the `npm run env` tests: stack outputs of both host kinds, compute classes, and
 * envMain run against a recording runner (nothing is executed).
 */
import { envMain } from "../../cli/workspace/env";
import { Call, Responder, onPath, output, recorder } from "./workspaceFakes";

export const PROJECT = "/project";
export const NORMAL = {
  memoryMB: 8192,
  memoryReservationMB: 2048,
  cpuMHz: 8000,
  cpuReservationMHz: 1000,
  shares: "normal",
};
export const HIGH = {
  memoryMB: 32768,
  memoryReservationMB: 4096,
  cpuMHz: 16000,
  cpuReservationMHz: 4000,
  shares: "high",
};
export const LOW = {
  memoryMB: 4096,
  memoryReservationMB: 0,
  cpuMHz: 4000,
  cpuReservationMHz: 0,
  shares: "low",
};

export const LOCAL_OUTPUTS = {
  dockerHost: "unix:///var/run/docker.sock",
  volumes: { output: "buildenv-dev-output", source: "buildenv-dev-source" },
  buildImage: "buildenv-build:0123abcd",
  buildImageManifest: "100644 blob ...",
  buildImageTag: "0123abcd",
  computeClass: NORMAL,
  computeClasses: { low: LOW, normal: NORMAL, high: HIGH },
  expiresAt: "2026-12-01T00:00:00Z",
  buildCommand: "docker run --rm ...",
};

export const VCH_OUTPUTS = {
  ...LOCAL_OUTPUTS,
  dockerHost: "tcp://10.0.0.5:2376",
  volumes: { output: "buildenv-alice-output", source: "buildenv-alice-source" },
  buildImage: "registry.example.com/team/build@sha256:" + "ab".repeat(32),
  tls: { caCert: "CA PEM\n", clientCert: "CERT PEM\n" },
  tlsClientKey: "KEY PEM\n",
};

/** The local backend's variables as `npm run env` hands them to pulumi. */
export const PULUMI_ENV = {
  PULUMI_BACKEND_URL: "file:///project/.buildenv/state",
  PULUMI_CONFIG_PASSPHRASE_FILE: "/project/.buildenv/passphrase",
  PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
};

/** Answers pulumi with `outputs` and docker with success, unless `docker` says otherwise. */
export function responder(outputs: unknown, docker: Responder = () => ({})): Responder {
  return (command, args) => {
    if (command === "pulumi" && args[0] === "stack" && args[1] === "output") {
      return { stdout: JSON.stringify(outputs) };
    }
    if (command === "pulumi") return { code: 1, stderr: "error: no stack selected" };
    if (args[0] === "version") return { stdout: "28.2.2\n" };
    return docker(command, args);
  };
}

export async function env(
  argv: string[],
  respond: Responder,
  extraEnv: Record<string, string> = {},
) {
  const { run, calls } = recorder(respond);
  const out = output();
  const code = await envMain(argv, {
    run,
    env: { PATH: "/usr/bin", HOME: "/home/dev", ...extraEnv },
    projectDir: PROJECT,
    cwd: PROJECT,
    out,
    isExecutable: onPath("pulumi", "docker"),
    now: () => new Date("2026-11-29T12:00:00Z"),
    newId: () => "c0ffee00",
  });
  return { code, calls, out: out.out(), err: out.err() };
}

/** The docker calls only, as [argv] lists. */
export function dockerArgs(calls: Call[]): string[][] {
  return calls.filter((c) => c.command === "docker").map((c) => c.args);
}
