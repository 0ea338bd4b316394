import * as assert from "assert";
import * as childProcess from "child_process";

import {
  replacementKey,
  shellQuote,
  vicConfigureArgs,
  vicCreateArgs,
  vicDeleteArgs,
  vicInspectArgs,
} from "../../../components/vic/vicMachine";
import { THUMBPRINT, realisticSpec } from "../../support/fakeVicMachine";

const LOCATOR = [
  "--target=vc.example.com/dc1",
  "--user=svc-buildenv@vsphere.local",
  `--thumbprint=${THUMBPRINT}`,
  "--name=buildenv-dev",
  "--compute-resource=build-cluster",
  "--timeout=10m",
];

const CONFIGURABLE = [
  "--volume-store=vsanDatastore/buildenv/vch/buildenv-dev:default",
  "--volume-store=nfs-scratch/cache/vch/buildenv-dev:cache",
  "--tls-cname=buildenv-dev.build.example.com",
  "--tls-server-cert=$BUILDENV_TLS_DIR/server-cert.pem",
  "--tls-server-key=$BUILDENV_TLS_DIR/server-key.pem",
  "--tls-ca=$BUILDENV_TLS_DIR/ca.pem",
  "--memory=32768",
  "--memory-reservation=8192",
  "--memory-shares=normal",
  "--cpu=20000",
  "--cpu-reservation=4000",
  "--cpu-shares=high",
];

describe("vicMachine argv", () => {
  it("builds the full create argv: VIC's own pool in the cluster, two stores, a client network", () => {
    assert.deepStrictEqual(vicCreateArgs(realisticSpec()), [
      "create",
      ...LOCATOR,
      "--image-store=vsanDatastore/buildenv/dev/images",
      "--bridge-network=vic-bridge-dev",
      "--public-network=VM Network",
      "--client-network=build-clients",
      ...CONFIGURABLE,
    ]);
  });

  it("adds a static client address, gateway, DNS servers, ops user, registry CA and timeout", () => {
    const spec = realisticSpec({
      clientNetworkIp: "10.20.0.15/24",
      clientNetworkGateway: "10.0.0.0/8:10.20.0.1",
      dnsServers: ["10.20.0.2", "10.20.0.3"],
      opsUser: "vch-ops@vsphere.local",
      registryCa: true,
      timeout: "20m",
    });
    const locator = LOCATOR.map((a) => (a === "--timeout=10m" ? "--timeout=20m" : a));
    const configurable = [
      CONFIGURABLE[0],
      CONFIGURABLE[1],
      "--dns-server=10.20.0.2",
      "--dns-server=10.20.0.3",
      ...CONFIGURABLE.slice(2, 6),
      "--registry-ca=$BUILDENV_TLS_DIR/registry-ca.pem",
      ...CONFIGURABLE.slice(6),
      "--ops-user=vch-ops@vsphere.local",
    ];
    assert.deepStrictEqual(vicCreateArgs(spec), [
      "create",
      ...locator,
      "--image-store=vsanDatastore/buildenv/dev/images",
      "--bridge-network=vic-bridge-dev",
      "--public-network=VM Network",
      "--client-network=build-clients",
      "--client-network-ip=10.20.0.15/24",
      "--client-network-gateway=10.0.0.0/8:10.20.0.1",
      ...configurable,
    ]);
    // configure has no flag for the image store, the networks or their addresses
    // (cmd/vic-machine/configure/configure.go:94-118).
    assert.deepStrictEqual(vicConfigureArgs(spec), ["configure", ...locator, ...configurable]);
  });

  it("builds the configure argv from what configure changes in place, every store repeated", () => {
    assert.deepStrictEqual(vicConfigureArgs(realisticSpec()), [
      "configure",
      ...LOCATOR,
      ...CONFIGURABLE,
    ]);
  });

  it("builds the inspect argv", () => {
    assert.deepStrictEqual(vicInspectArgs(realisticSpec()), ["inspect", ...LOCATOR]);
  });

  it("builds the delete argv with --force only when asked", () => {
    assert.deepStrictEqual(vicDeleteArgs(realisticSpec(), { force: false }), [
      "delete",
      ...LOCATOR,
    ]);
    assert.deepStrictEqual(vicDeleteArgs(realisticSpec(), { force: true }), [
      "delete",
      ...LOCATOR,
      "--force",
    ]);
  });

  it("never asks for insecure or forced creation, nor puts a password in argv", () => {
    const spec = realisticSpec({ opsUser: "ops@vsphere.local" });
    for (const args of [vicCreateArgs(spec), vicConfigureArgs(spec)]) {
      for (const forbidden of [
        "--force",
        "--no-tls",
        "--no-tlsverify",
        "--password",
        "--ops-password",
      ]) {
        assert.deepStrictEqual(
          args.filter((arg) => arg.split("=")[0] === forbidden),
          [],
        );
      }
    }
  });

  it("keeps a value that starts with a dash attached to its flag", () => {
    const args = vicCreateArgs(realisticSpec({ publicNetwork: "-public" }));
    assert.ok(args.includes("--public-network=-public"));
  });
});

describe("vicMachine replacement key", () => {
  it("changes only with what configure cannot change", () => {
    const key = replacementKey(realisticSpec());
    assert.strictEqual(
      key,
      JSON.stringify({
        target: "vc.example.com/dc1",
        name: "buildenv-dev",
        computeResource: "build-cluster",
        imageStore: "vsanDatastore/buildenv/dev/images",
        bridgeNetwork: "vic-bridge-dev",
        publicNetwork: "VM Network",
        clientNetwork: "build-clients",
        clientNetworkIp: null,
        clientNetworkGateway: null,
      }),
    );
    // In place: limits, shares, an added store, the cname, DNS, ops user, registry CA, timeout.
    const inPlace = realisticSpec({
      cpuShares: "low",
      memoryLimitMB: 4096,
      memoryReservationMB: 0,
      volumeStores: [
        ...realisticSpec().volumeStores,
        { datastore: "ssd", path: "vch/buildenv-dev", label: "fast" },
      ],
      tlsCname: "other.example.com",
      dnsServers: ["10.0.0.2"],
      opsUser: "ops@vsphere.local",
      registryCa: true,
      timeout: "30m",
    });
    assert.strictEqual(replacementKey(inPlace), key);
    for (const change of [
      { bridgeNetwork: "vic-bridge-other" },
      { imageStore: "ssd/images" },
      { publicNetwork: "Other" },
      { clientNetwork: undefined },
      { clientNetworkIp: "10.20.0.15/24" },
    ]) {
      assert.notStrictEqual(replacementKey(realisticSpec(change)), key, JSON.stringify(change));
    }
  });
});

describe("shellQuote", () => {
  it("single-quotes everything and escapes embedded quotes as '\\''", () => {
    assert.strictEqual(shellQuote(""), "''");
    assert.strictEqual(shellQuote("plain"), "'plain'");
    assert.strictEqual(shellQuote("it's"), "'it'\\''s'");
    assert.strictEqual(shellQuote("$(rm -rf /) `x` \\"), "'$(rm -rf /) `x` \\'");
  });

  it("round-trips through bash unchanged", () => {
    const values = ["it's", 'a "b" $HOME $(id) `id` \\ * ?', "new\nline", "-n", ""];
    for (const value of values) {
      const result = childProcess.spawnSync(
        "/bin/bash",
        ["--norc", "--noprofile", "-c", `printf '%s' ${shellQuote(value)}`],
        { encoding: "utf8" },
      );
      assert.strictEqual(result.stdout, value);
    }
  });
});
