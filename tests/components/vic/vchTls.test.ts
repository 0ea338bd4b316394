import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseDockerEndpoint } from "../../../components/vic/vicMachine";
import { mocks, secretEnvelope } from "../../support/harness";
import {
  INSPECT_STDOUT,
  REGISTRY_PASSWORD,
  VSPHERE_PASSWORD,
  resolveAll,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "../../support/stack";

import { COMMAND, vchCommand } from "../../support/vch";

describe("Virtual Container Host stacks", () => {
  beforeEach(() => stubVsphere());

  describe("TLS", () => {
    it("issues a CA, a server certificate for the cname and IPs, and a client certificate", async () => {
      await runStack(vchStackConfig());
      assert.deepStrictEqual(mocks.one("tls:index/selfSignedCert:SelfSignedCert").inputs, {
        privateKeyPem: secretEnvelope(
          "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-ca-key\n-----END PRIVATE KEY-----\n",
        ),
        isCaCertificate: true,
        subject: { commonName: "buildenv dev CA", organization: "buildenv" },
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        validityPeriodHours: 8760,
        earlyRenewalHours: 720,
      });
      assert.deepStrictEqual(
        mocks.one("tls:index/certRequest:CertRequest", "buildenv-dev-server-csr").inputs,
        {
          privateKeyPem: secretEnvelope(
            "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-server-key\n-----END PRIVATE KEY-----\n",
          ),
          subject: { commonName: "vch-alice.build.example.com", organization: "buildenv" },
          dnsNames: ["vch-alice.build.example.com"],
          ipAddresses: ["10.20.30.40"],
        },
      );
      assert.deepStrictEqual(
        mocks.one("tls:index/locallySignedCert:LocallySignedCert", "buildenv-dev-server-cert")
          .inputs.allowedUses,
        ["digital_signature", "key_encipherment", "server_auth"],
      );
      assert.deepStrictEqual(
        mocks.one("tls:index/certRequest:CertRequest", "buildenv-dev-client-developer-csr").inputs
          .subject,
        {
          commonName: "alice-developer",
          organization: "buildenv",
        },
      );
      assert.deepStrictEqual(
        mocks.one(
          "tls:index/locallySignedCert:LocallySignedCert",
          "buildenv-dev-client-developer-cert",
        ).inputs.allowedUses,
        ["digital_signature", "key_encipherment", "client_auth"],
      );
      for (const key of mocks.ofType("tls:index/privateKey:PrivateKey")) {
        assert.strictEqual(key.inputs.algorithm, "RSA");
      }
    });

    it("exports the client key only as a top-level secret output, beside the plain certificates", async () => {
      const { outputs } = await runStack(vchStackConfig());
      assert.ok(outputs.tls && outputs.tlsClientKey);
      // pulumi/actions masks only top-level secret outputs (it walks the outputs one level deep),
      // so the key is not nested in `tls`, and `tls` holds nothing else.
      assert.deepStrictEqual(Object.keys(outputs.tls).sort(), ["caCert", "clientCert"]);
      assert.strictEqual(await pulumi.isSecret(outputs.tlsClientKey), true);
      assert.strictEqual(await pulumi.isSecret(outputs.tls.caCert), false);
      assert.strictEqual(
        await resolveAll(outputs.tlsClientKey),
        "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-client-developer-key\n-----END PRIVATE KEY-----\n",
      );
    });
  });

  describe("Docker endpoint", () => {
    it("is the cname (DHCP address) and is used by the stack's Docker provider", async () => {
      const { outputs } = await runStack(vchStackConfig());
      assert.strictEqual(
        await new Promise((r) => outputs.dockerHost.apply(r)),
        "tcp://vch-alice.build.example.com:2376",
      );
      const provider = mocks.one("pulumi:providers:docker");
      assert.deepStrictEqual(provider.inputs, {
        host: "tcp://vch-alice.build.example.com:2376",
        caMaterial:
          "-----BEGIN CERTIFICATE-----\nCERT-OF-buildenv-dev-ca\n-----END CERTIFICATE-----\n",
        certMaterial:
          "-----BEGIN CERTIFICATE-----\nCERT-OF-buildenv-dev-client-developer-cert\n-----END CERTIFICATE-----\n",
        keyMaterial:
          "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-client-developer-key\n-----END PRIVATE KEY-----\n",
        // Provider config reaches the engine as JSON text; the password makes it a secret.
        registryAuth: secretEnvelope(
          JSON.stringify([
            {
              address: "registry.example.com",
              username: "buildenv-ci",
              password: REGISTRY_PASSWORD,
            },
          ]),
        ),
      });
      for (const type of ["docker:index/volume:Volume", "docker:index/remoteImage:RemoteImage"]) {
        for (const resource of mocks.ofType(type)) {
          assert.ok(
            resource.provider?.includes("::buildenv-dev-docker::"),
            `${resource.name} uses ${resource.provider}`,
          );
        }
      }
    });

    it("connects to a static client address, which is in the certificate, IPv6 in brackets", async () => {
      for (const [ip, expected] of [
        ["10.20.0.15/24", "tcp://10.20.0.15:2376"],
        ["fd00:20::15/64", "tcp://[fd00:20::15]:2376"],
      ]) {
        mocks.reset();
        stubVsphere();
        const host = {
          ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>),
          clientNetworkIp: ip,
          clientNetworkGateway: ip.includes(":") ? undefined : "10.20.0.1",
        };
        const { outputs } = await runStack(vchStackConfig({ "buildenv:host": host }));
        assert.strictEqual(await new Promise((r) => outputs.dockerHost.apply(r)), expected);
        assert.deepStrictEqual(
          mocks.one("tls:index/certRequest:CertRequest", "buildenv-dev-server-csr").inputs
            .ipAddresses,
          ["10.20.30.40", ip.split("/")[0]],
        );
        const create = vchCommand().inputs.create as string;
        assert.ok(create.includes(`'--client-network-ip=${ip}'`), create);
      }
    });

    it("parses VIC's report in the form the Command captures", () => {
      assert.deepStrictEqual(parseDockerEndpoint(INSPECT_STDOUT), {
        address: "10.20.0.15",
        dockerHost: "tcp://10.20.0.15:2376",
      });
    });
  });

  describe("secrets", () => {
    it("appear in no command string, resource name or plain output", async () => {
      const { outputs } = await runStack(
        vchStackConfig({ "buildenv:github": { repositories: ["app"] } }),
      );
      const secrets = [
        VSPHERE_PASSWORD,
        REGISTRY_PASSWORD,
        ...mocks.ofType("tls:index/privateKey:PrivateKey").map((k) => `KEY-OF-${k.name}`),
      ];
      const commands = mocks
        .ofType(COMMAND)
        .flatMap((c) => [
          c.inputs.create,
          c.inputs.delete,
          ...((c.inputs.triggers as string[] | undefined) ?? []),
        ]);
      const names = mocks.resources.map((r) => r.name);
      const { tlsClientKey, registryLogin, ...plain } = outputs;
      assert.ok(tlsClientKey);
      // The push login of output --push: a secret output of its own.
      assert.strictEqual(await pulumi.isSecret(registryLogin!), true);
      const plainText = JSON.stringify(await resolveAll(plain));
      for (const secret of secrets) {
        for (const command of commands) {
          assert.ok(!String(command).includes(secret), `secret in a command: ${secret}`);
        }
        assert.ok(!names.some((n) => n.includes(secret)), `secret in a name: ${secret}`);
        assert.ok(!plainText.includes(secret), `secret in a plain output: ${secret}`);
      }
    });
  });
});
