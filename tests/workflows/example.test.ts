/** GitHub Actions workflows: the example a team copies to build in the environment. */
import * as assert from "assert/strict";
import {
  EXAMPLE,
  Step,
  read,
  parseWorkflow,
  runScript,
  referencedNames,
  onlyJob,
  commands,
} from "../support/workflows";

describe("GitHub Actions workflows", () => {
  describe("stacks/examples/build-in-environment.yml", () => {
    const text = read(EXAMPLE);
    const workflow = parseWorkflow(EXAMPLE);
    const job = onlyJob(workflow);
    const stepNamed = (name: string): Step => {
      const found = (job.steps ?? []).filter((step) => step.name === name);
      assert.equal(found.length, 1, name);
      return found[0];
    };

    it("consumes exactly the secrets and variables buildenv provisions", () => {
      assert.deepEqual(referencedNames(text, "secrets"), [
        "DOCKER_CA",
        "DOCKER_CERT",
        "DOCKER_HOST",
        "DOCKER_KEY",
        "REGISTRY_PASSWORD",
      ]);
      assert.deepEqual(referencedNames(text, "vars"), [
        "BUILD_IMAGE",
        "DOCKER_TLS_VERIFY",
        "OUTPUT_VOLUME",
        "REGISTRY",
        "REGISTRY_USERNAME",
        "SOURCE_VOLUME",
      ]);
    });

    it("reads contents only and queues builds that share the volumes", () => {
      assert.deepEqual(workflow.permissions, { contents: "read" });
      assert.deepEqual(workflow.concurrency, {
        group: "build-in-environment-${{ github.repository }}",
        "cancel-in-progress": false,
      });
    });

    it("talks to the VCH over TLS with Docker API 1.25", () => {
      assert.equal(job.env?.DOCKER_HOST, "${{ secrets.DOCKER_HOST }}");
      assert.equal(job.env?.DOCKER_TLS_VERIFY, "${{ vars.DOCKER_TLS_VERIFY }}");
      assert.equal(job.env?.DOCKER_API_VERSION, "1.25");
    });

    it("declares the environment buildenv provisions into, and stops at once without DOCKER_HOST", () => {
      assert.equal(job.environment, "buildenv");
      const check = job.steps?.[0] ?? {};
      assert.equal(check.name, "Check that the environment's secrets are here");
      const empty = runScript(check, { PATH: process.env.PATH ?? "", DOCKER_HOST: "" });
      assert.deepEqual(empty, {
        status: 1,
        out: "::error::DOCKER_HOST is empty: this job does not see buildenv's secrets; declare the environment named in buildenv:github.environment\n",
      });
      const set = runScript(check, {
        PATH: process.env.PATH ?? "",
        DOCKER_HOST: "tcp://vch-alice.build.example.com:2376",
      });
      assert.deepEqual(set, { status: 0, out: "" });
    });

    it("keeps the job token out of the checkout it copies to the host", () => {
      assert.deepEqual(job.steps?.[1], {
        uses: "actions/checkout@v7",
        with: { "persist-credentials": false },
      });
    });

    it("writes the TLS material into a private DOCKER_CERT_PATH", () => {
      assert.deepEqual(commands(stepNamed("Configure the Docker client for the environment")), [
        "umask 077",
        'cert_path="$RUNNER_TEMP/docker-tls"',
        'mkdir -p "$cert_path" "$RUNNER_TEMP/docker-config"',
        `printf '%s\\n' "$DOCKER_CA" > "$cert_path/ca.pem"`,
        `printf '%s\\n' "$DOCKER_CERT" > "$cert_path/cert.pem"`,
        `printf '%s\\n' "$DOCKER_KEY" > "$cert_path/key.pem"`,
        "{",
        'echo "DOCKER_CERT_PATH=$cert_path"',
        'echo "DOCKER_CONFIG=$RUNNER_TEMP/docker-config"',
        '} >> "$GITHUB_ENV"',
      ]);
    });

    it("logs in to the registry with --password-stdin, only when a password is provisioned", () => {
      assert.deepEqual(commands(stepNamed("Log in to the registry")), [
        'if [ -z "$REGISTRY_PASSWORD" ]; then',
        'echo "No registry password provisioned; pulling the build image anonymously."',
        "exit 0",
        "fi",
        `printf '%s' "$REGISTRY_PASSWORD" | docker login "$REGISTRY" --username "$REGISTRY_USERNAME" --password-stdin`,
      ]);
    });

    it("copies the checkout into the source volume through a helper container", () => {
      assert.deepEqual(commands(stepNamed("Copy the checkout into the source volume")), [
        'docker run --rm -v "$SOURCE_VOLUME":/workspace/source -v "$OUTPUT_VOLUME":/workspace/output' +
          ' "$BUILD_IMAGE" find /workspace/source /workspace/output -mindepth 1 -delete',
        'docker create --name "$SOURCE_HELPER" -v "$SOURCE_VOLUME":/workspace/source "$BUILD_IMAGE" true',
        'docker cp ./. "$SOURCE_HELPER":/workspace/source',
        'docker rm "$SOURCE_HELPER"',
      ]);
    });

    it("runs make in the build image with both volumes mounted", () => {
      assert.deepEqual(commands(stepNamed("Build")), [
        'docker run --rm --name "$BUILD_CONTAINER" -v "$SOURCE_VOLUME":/workspace/source' +
          ' -v "$OUTPUT_VOLUME":/workspace/output -w /workspace/source "$BUILD_IMAGE" make',
      ]);
    });

    it("copies the outputs back through a helper container and uploads them", () => {
      assert.deepEqual(commands(stepNamed("Copy the outputs back")), [
        'docker create --name "$OUTPUT_HELPER" -v "$OUTPUT_VOLUME":/workspace/output "$BUILD_IMAGE" true',
        'mkdir -p "$RUNNER_TEMP/output"',
        'docker cp "$OUTPUT_HELPER":/workspace/output/. "$RUNNER_TEMP/output"',
        'docker rm "$OUTPUT_HELPER"',
      ]);
      const upload = (job.steps ?? []).filter((step) => step.uses === "actions/upload-artifact@v7");
      assert.deepEqual(
        upload.map((step) => step.with),
        [{ name: "build-output", path: "${{ runner.temp }}/output", "if-no-files-found": "error" }],
      );
    });

    it("removes its containers and the credentials even when the build fails", () => {
      const cleanUp = stepNamed("Clean up");
      assert.equal(cleanUp.if, "always()");
      assert.deepEqual(commands(cleanUp), [
        'docker rm -f "$BUILD_CONTAINER" "$SOURCE_HELPER" "$OUTPUT_HELPER" > /dev/null 2>&1 || true',
        'rm -rf "$RUNNER_TEMP/docker-tls" "$RUNNER_TEMP/docker-config"',
      ]);
    });
  });
});
