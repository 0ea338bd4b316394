import * as assert from "assert";

import { storeFolderProblem, validateVchSpec } from "../../../components/vic/vicMachine";
import { realisticSpec } from "../../support/fakeVicMachine";

describe("vicMachine spec validation", () => {
  it("rejects credentials in the target", () => {
    assert.throws(
      () => validateVchSpec(realisticSpec({ target: "admin:pw@vc.example.com/dc1" })),
      /target must not contain credentials/,
    );
  });

  it("rejects a name vic-machine would refuse", () => {
    assert.throws(
      () => validateVchSpec(realisticSpec({ name: "a".repeat(32) })),
      /name "a{32}" is longer than 31 characters/,
    );
    assert.throws(
      () => validateVchSpec(realisticSpec({ name: "dev/1" })),
      /name "dev\/1" contains the unsupported character "\/"/,
    );
  });

  it("rejects a malformed thumbprint, duplicate labels and a reservation above the limit", () => {
    const spec = realisticSpec({
      thumbprint: "3F:9A",
      volumeStores: [
        { datastore: "a", path: "vch/buildenv-dev", label: "default" },
        { datastore: "b", path: "vch/buildenv-dev", label: "default" },
      ],
      memoryLimitMB: 1024,
      memoryReservationMB: 2048,
    });
    assert.throws(
      () => validateVchSpec(spec),
      (error: Error) => {
        assert.strictEqual(
          error.message,
          'Invalid VCH spec "buildenv-dev": thumbprint must be a SHA-1 fingerprint like AB:CD:...; got "3F:9A"; ' +
            'volumeStores[1].label "default" is used by more than one volume store; ' +
            "memoryReservationMB (2048) exceeds memoryLimitMB (1024)",
        );
        return true;
      },
    );
  });

  it("rejects two stores of one VCH in one folder, a gateway without an address, a bad timeout", () => {
    const spec = realisticSpec({
      volumeStores: [
        { datastore: "ds", path: "vch/buildenv-dev", label: "default" },
        { datastore: "ds", path: "vch/buildenv-dev", label: "other" },
      ],
      clientNetworkGateway: "10.20.0.1",
      timeout: "10",
    });
    assert.throws(
      () => validateVchSpec(spec),
      (error: Error) => {
        assert.strictEqual(
          error.message,
          'Invalid VCH spec "buildenv-dev": clientNetworkGateway "10.20.0.1" needs a static client-network address (buildenv:host.clientNetworkIp); VIC refuses a gateway without one; ' +
            'timeout "10" is not a duration such as 10m, 90s or 1h30m; ' +
            'volumeStores[1].path "ds/vch/buildenv-dev" is the folder of another volume store of this VCH',
        );
        return true;
      },
    );
  });

  it("rejects newlines and negative numbers", () => {
    assert.throws(
      () => validateVchSpec(realisticSpec({ bridgeNetwork: "a\nb" })),
      /bridgeNetwork must be a single line/,
    );
    assert.throws(
      () => validateVchSpec(realisticSpec({ cpuLimitMHz: -1 })),
      /cpuLimitMHz must be a non-negative integer; got -1/,
    );
  });
});

describe("storeFolderProblem (one store folder per VCH)", () => {
  const rule =
    'use "vch/alice" or "<folder>/vch/alice", a folder of this VCH\'s own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH\'s volumes directly under it)';

  it("accepts vch/<name> under any folder without another vch segment", () => {
    assert.strictEqual(storeFolderProblem("vch/alice", "alice"), undefined);
    assert.strictEqual(storeFolderProblem("buildenv/vch/alice", "alice"), undefined);
    assert.strictEqual(storeFolderProblem("a/b/vch/alice", "alice"), undefined);
  });

  it("rejects the folder every shipped config shared, a root store and another VCH's folder", () => {
    assert.strictEqual(
      storeFolderProblem("buildenv/volumes", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
    // A datastore root store is VIC/volumes, shared by every VCH (store_files.go:306-308).
    assert.strictEqual(
      storeFolderProblem("", "alice"),
      `is not a folder of this VCH's own; ${rule}`,
    );
    assert.strictEqual(
      storeFolderProblem("vch/bob", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
  });

  it("rejects a folder inside or around another VCH's folder, and an absolute path", () => {
    // vch/bob/vch/alice would lie inside bob's folder, which bob's delete --force removes.
    assert.strictEqual(
      storeFolderProblem("vch/bob/vch/alice", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
    assert.strictEqual(
      storeFolderProblem("vch/alice/more", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
    assert.strictEqual(
      storeFolderProblem("/vch/alice", "alice"),
      `is an absolute path; give the folder relative to the datastore root: ${rule}`,
    );
  });
});
