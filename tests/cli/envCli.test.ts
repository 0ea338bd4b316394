/**
 * `npm run env`: argument handling, the stack outputs it accepts and how failures are reported
 * (recorded, nothing run).
 */
import * as assert from "assert/strict";
import { DEFAULT_COMPUTE_CLASSES } from "../../components/compute/config";
import { WORKSPACE } from "../../program";
import { ENV_USAGE, parseEnvArgs } from "../../cli/workspace/args";
import { MOUNT_ROOT } from "../../cli/workspace/docker";
import { envMain } from "../../cli/workspace/env";
import { parseStackOutputs } from "../../cli/workspace/outputs";
import { onPath, output, recorder } from "../support/workspaceFakes";
import { resolveAll, runStack } from "../support/stack";
import {
  PROJECT,
  NORMAL,
  HIGH,
  LOW,
  LOCAL_OUTPUTS,
  VCH_OUTPUTS,
  PULUMI_ENV,
  responder,
  env,
  dockerArgs,
} from "../support/envCliFixture";

describe("npm run env", () => {
  describe("arguments", () => {
    it("parses every verb with its options", () => {
      assert.deepEqual(parseEnvArgs(["status"]), { verb: "status" });
      assert.deepEqual(parseEnvArgs(["status", "--stack", "alice"]), {
        verb: "status",
        stack: "alice",
      });
      assert.deepEqual(parseEnvArgs(["sync"]), {
        verb: "sync",
        dir: ".",
        exclude: [],
        clean: false,
      });
      assert.deepEqual(parseEnvArgs(["sync", "--clean"]), {
        verb: "sync",
        dir: ".",
        exclude: [],
        clean: true,
      });
      assert.deepEqual(parseEnvArgs(["sync", "../app", "--exclude", "*.log", "--exclude=tmp/"]), {
        verb: "sync",
        dir: "../app",
        exclude: ["*.log", "tmp/"],
        clean: false,
      });
      assert.deepEqual(parseEnvArgs(["run", "--priority", "high", "--keep", "--", "make", "-j4"]), {
        verb: "run",
        priority: "high",
        keep: true,
        command: ["make", "-j4"],
      });
      assert.deepEqual(parseEnvArgs(["run", "go", "test", "--count=1"]), {
        verb: "run",
        keep: false,
        command: ["go", "test", "--count=1"],
      });
      assert.deepEqual(parseEnvArgs(["output", "--to", "out.tgz", "--stack=bob"]), {
        verb: "output",
        stack: "bob",
        to: "out.tgz",
      });
      assert.deepEqual(parseEnvArgs(["shell"]), { verb: "shell" });
      assert.deepEqual(parseEnvArgs(["--help"]), { verb: "help" });
      assert.deepEqual(parseEnvArgs(["run", "--help"]), { verb: "help" });
    });

    const bad: [string[], string][] = [
      [[], "no verb given"],
      [["deploy"], 'unknown verb "deploy"; one of status, sync, run, output, shell, cache'],
      [["run"], "run: no command given; e.g. npm run env -- run -- make"],
      [
        ["run", "--priority", "urgent", "--", "make"],
        'run: --priority "urgent" is not one of low, normal, high',
      ],
      [["status", "--to", "x"], "status: unknown option --to"],
      [["sync", "a", "b"], 'sync: unexpected argument "b"'],
      [["sync", "--clean=yes"], "sync: --clean takes no value"],
      [["output", "--to"], "output: --to needs a value"],
      [["shell", "--", "bash"], "shell: takes no command after --"],
    ];
    for (const [argv, message] of bad) {
      it(`refuses ${JSON.stringify(argv)} with exit code 2: ${message}`, async () => {
        const result = await env(argv, () => ({}));
        assert.equal(result.code, 2);
        assert.equal(result.err, `env: ${message}\n${ENV_USAGE}\n`);
        assert.deepEqual(result.calls, []);
      });
    }

    it("prints the usage for --help and runs nothing", async () => {
      const result = await env(["--help"], () => ({}));
      assert.equal(result.code, 0);
      assert.equal(result.out, `${ENV_USAGE}\n`);
      assert.deepEqual(result.calls, []);
    });
  });

  describe("stack outputs", () => {
    it("types a local stack's outputs", () => {
      assert.deepEqual(parseStackOutputs(LOCAL_OUTPUTS, "dev"), {
        kind: "local",
        dockerHost: "unix:///var/run/docker.sock",
        volumes: { output: "buildenv-dev-output", source: "buildenv-dev-source" },
        // A stack deployed before caches existed exports none.
        caches: {},
        buildImage: "buildenv-build:0123abcd",
        buildImageTag: "0123abcd",
        computeClass: NORMAL,
        computeClasses: { low: LOW, normal: NORMAL, high: HIGH },
        expiresAt: "2026-12-01T00:00:00Z",
      });
    });

    it("takes a VCH's key from tlsClientKey, or from tls.clientKey on older stacks", () => {
      assert.deepEqual(parseStackOutputs(VCH_OUTPUTS, "alice").tls, {
        caCert: "CA PEM\n",
        clientCert: "CERT PEM\n",
        clientKey: "KEY PEM\n",
      });
      const older = {
        ...LOCAL_OUTPUTS,
        tls: { caCert: "CA", clientCert: "CERT", clientKey: "OLD KEY" },
      };
      const parsed = parseStackOutputs(older, "alice");
      assert.equal(parsed.kind, "vch");
      assert.equal(parsed.tls?.clientKey, "OLD KEY");
    });

    it("says what is wrong with a stack without outputs or with a broken one", () => {
      assert.throws(() => parseStackOutputs({}, "dev"), {
        message:
          "stack dev has no outputs; create the environment first with `npm run up -- --stack dev`",
      });
      assert.throws(() => parseStackOutputs({ ...LOCAL_OUTPUTS, buildImage: 3 }, "dev"), {
        message:
          "stack dev: output buildImage is missing or not a string; run `npm run up -- --stack dev` with this version of buildenv",
      });
      assert.throws(() => parseStackOutputs({ ...LOCAL_OUTPUTS, tls: { caCert: "CA" } }, "dev"), {
        message: "stack dev: output tls needs caCert and clientCert, and tlsClientKey its key",
      });
    });

    it("mounts where the program's build command mounts", () => {
      assert.equal(MOUNT_ROOT, WORKSPACE);
    });

    it("is exported by the program: computeClasses with the stack's overrides", async () => {
      const { outputs } = await runStack({
        "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" },
        "buildenv:computeClasses": { high: { memoryMB: 32768 } },
      });
      assert.deepEqual(await resolveAll(outputs.computeClasses), {
        low: DEFAULT_COMPUTE_CLASSES.low,
        normal: DEFAULT_COMPUTE_CLASSES.normal,
        high: HIGH,
      });
    });
  });

  describe("failures", () => {
    it("stops with one line when the Pulumi CLI is missing", async () => {
      const { run, calls } = recorder();
      const out = output();
      const code = await envMain(["status"], {
        run,
        env: { PATH: "/usr/bin" },
        projectDir: PROJECT,
        out,
        isExecutable: onPath("docker"),
      });
      assert.equal(code, 1);
      assert.equal(
        out.err(),
        "env: the Pulumi CLI is not installed (no `pulumi` on PATH); install it from https://www.pulumi.com/docs/install/ and run this again\n",
      );
      assert.deepEqual(calls, []);
    });

    it("reads the selected stack, else dev, and says when that stack has no outputs", async () => {
      const result = await env(["status"], (_command, args) =>
        args[1] === "output" ? { stdout: "{}" } : { code: 255, stderr: "error: no current stack" },
      );
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: stack dev has no outputs; create the environment first with `npm run up -- --stack dev`\n",
      );
      assert.deepEqual(
        result.calls.map((c) => [c.command, c.args, c.env, c.cwd]),
        [
          ["pulumi", ["stack", "--show-name"], PULUMI_ENV, PROJECT],
          [
            "pulumi",
            ["stack", "output", "--json", "--show-secrets", "--stack", "dev"],
            PULUMI_ENV,
            PROJECT,
          ],
        ],
      );
    });

    it("passes Pulumi's reason when it cannot read the outputs, on the team backend as it is", async () => {
      const result = await env(
        ["status", "--stack", "ci"],
        () => ({ code: 255, stderr: "\nerror: no stack named 'ci' found\n" }),
        {
          PULUMI_BACKEND_URL: "s3://team-state?region=eu-west-1",
          PULUMI_CONFIG_PASSPHRASE: "team",
        },
      );
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: cannot read the outputs of stack ci: error: no stack named 'ci' found\n",
      );
      assert.deepEqual(result.calls[0].env, {
        PULUMI_BACKEND_URL: "s3://team-state?region=eu-west-1",
        PULUMI_CONFIG_PASSPHRASE: "team",
      });
    });

    it("stops with one line when the engine is not reachable, touching no volume", async () => {
      const result = await env(["run", "--", "make"], (command, args) => {
        if (command === "pulumi") return { stdout: JSON.stringify(LOCAL_OUTPUTS) };
        if (args[0] === "version") {
          return {
            code: 1,
            stderr:
              "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
          };
        }
        return {};
      });
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: the stack's Docker engine at unix:///var/run/docker.sock is not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); start Docker, or for a VCH check that it runs and that this machine reaches it\n",
      );
      assert.deepEqual(dockerArgs(result.calls), [["version", "--format", "{{.Server.Version}}"]]);
    });

    it("names a missing volume and runs nothing", async () => {
      const result = await env(
        ["run", "--stack", "dev", "--", "make"],
        responder(LOCAL_OUTPUTS, (_c, args) =>
          args[1] === "inspect"
            ? {
                code: 1,
                stdout: "buildenv-dev-output\n",
                stderr: "Error: No such volume: buildenv-dev-source",
              }
            : {},
        ),
      );
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: volume buildenv-dev-source of stack dev does not exist on its engine; run `npm run up -- --stack dev` to create it\n",
      );
      assert.deepEqual(dockerArgs(result.calls), [
        ["version", "--format", "{{.Server.Version}}"],
        [
          "volume",
          "inspect",
          "--format",
          "{{.Name}}",
          "buildenv-dev-output",
          "buildenv-dev-source",
        ],
      ]);
    });

    it("needs the docker CLI for every verb but status", async () => {
      const { run } = recorder(responder(LOCAL_OUTPUTS));
      const out = output();
      const code = await envMain(["shell", "--stack", "dev"], {
        run,
        env: { PATH: "/usr/bin" },
        projectDir: PROJECT,
        out,
        isExecutable: onPath("pulumi"),
      });
      assert.equal(code, 1);
      assert.equal(
        out.err(),
        "env: the Docker CLI is not installed (no `docker` on PATH); install Docker from https://docs.docker.com/get-docker/ and run this again\n",
      );
    });
  });
});
