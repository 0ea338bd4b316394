import * as assert from "assert";

import { parseDockerEndpoint } from "../../../components/vic/vicMachine";
import { readFixture } from "../../support/stack";

const fixture = readFixture;

/** The terminal form (text_formatter.go:103-128): colour codes around the level, a counter. */
function terminalLine(message: string): string {
  return `\x1b[34mINFO\x1b[0m[0041] ${message.padEnd(44)} `;
}

describe("parseDockerEndpoint", () => {
  it("reads the client address from vic-machine create output", () => {
    assert.deepStrictEqual(parseDockerEndpoint(fixture("vic-create-success.txt")), {
      address: "10.20.0.15",
      dockerHost: "tcp://10.20.0.15:2376",
    });
  });

  it("reads the client address, not the published-ports address, from inspect output", () => {
    assert.deepStrictEqual(parseDockerEndpoint(fixture("vic-inspect-running.txt")), {
      address: "10.20.0.15",
      dockerHost: "tcp://10.20.0.15:2376",
    });
  });

  it("takes the last endpoint when create and inspect output are concatenated", () => {
    const moved = fixture("vic-inspect-running.txt").replace(
      "DOCKER_HOST=10.20.0.15:2376",
      "DOCKER_HOST=10.20.0.99:2376",
    );
    assert.strictEqual(
      parseDockerEndpoint(fixture("vic-create-success.txt") + moved).address,
      "10.20.0.99",
    );
  });

  it("brackets an IPv6 address, which VIC prints without brackets", () => {
    const v6 = fixture("vic-inspect-running.txt").replace(
      "DOCKER_HOST=10.20.0.15:2376",
      "DOCKER_HOST=fd00:20::15:2376",
    );
    assert.deepStrictEqual(parseDockerEndpoint(v6), {
      address: "fd00:20::15",
      dockerHost: "tcp://[fd00:20::15]:2376",
    });
  });

  it("reads a terminal capture, with ANSI colour codes even inside the DOCKER_HOST token", () => {
    const env = "DOCKER_TLS_VERIFY=1 DOCKER_HOST=10.20.0.15:2376 COMPOSE_TLS_VERSION=TLSv1_2";
    assert.strictEqual(
      parseDockerEndpoint(
        [terminalLine("Docker environment variables:"), terminalLine(env)].join("\n"),
      ).dockerHost,
      "tcp://10.20.0.15:2376",
    );
    const coloured =
      "DOCKER_TLS_VERIFY=1 \x1b[1mDOCKER_HOST\x1b[0m=\x1b[32m10.20.0.15\x1b[0m:2376 COMPOSE_TLS_VERSION=TLSv1_2";
    assert.deepStrictEqual(parseDockerEndpoint(terminalLine(coloured)), {
      address: "10.20.0.15",
      dockerHost: "tcp://10.20.0.15:2376",
    });
  });

  it("refuses a VCH created with --no-tlsverify", () => {
    assert.throws(() => parseDockerEndpoint(fixture("vic-inspect-no-tlsverify.txt")), {
      message:
        "The VCH at 10.20.0.15:2376 does not verify client certificates (no DOCKER_TLS_VERIFY=1; " +
        "it was created with --no-tlsverify or --no-tls). buildenv does not adopt it: delete it " +
        "or give buildenv:host.name another name",
    });
  });

  it("throws a clear error when there is no endpoint", () => {
    assert.throws(() => parseDockerEndpoint(fixture("vic-inspect-not-found.txt")), {
      message:
        'No Docker endpoint in vic-machine output: expected a "DOCKER_HOST=<address>:2376" line ' +
        'under "Docker environment variables:"',
    });
  });

  it("refuses an endpoint on the plain port", () => {
    const plain = fixture("vic-inspect-running.txt").replace(":2376 COMPOSE", ":2375 COMPOSE");
    assert.throws(() => parseDockerEndpoint(plain), {
      message:
        "VCH Docker endpoint 10.20.0.15:2375 is not the TLS port 2376: the VCH serves the Docker API without TLS",
    });
  });
});
