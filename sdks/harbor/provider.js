"use strict";
// Mirrors sdk/nodejs/provider.ts of pulumi-harbor v3.10.21 as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.Provider = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

/**
 * The provider type for the harbor package. By default, resources use package-wide configuration
 * settings, however an explicit `Provider` instance may be created and passed during resource
 * construction to achieve fine-grained programmatic control over provider settings.
 */
class Provider extends pulumi.ProviderResource {
  /** @internal */
  static __pulumiType = "harbor";

  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === "pulumi:providers:" + Provider.__pulumiType;
  }

  constructor(name, args, opts) {
    let resourceInputs = {};
    opts = opts || {};
    {
      // As published: non-string configuration travels JSON-encoded. Note `|| true`: the
      // published SDK turns an unset or false HARBOR_IGNORE_CERT into insecure=true, so TLS
      // verification is only on when `insecure: false` is given explicitly.
      resourceInputs["apiVersion"] = pulumi.output(args?.apiVersion ?? 2).apply(JSON.stringify);
      resourceInputs["bearerToken"] = args?.bearerToken;
      resourceInputs["insecure"] = pulumi
        .output(args?.insecure ?? (utilities.getEnvBoolean("HARBOR_IGNORE_CERT") || true))
        .apply(JSON.stringify);
      resourceInputs["password"] =
        (args?.password ? pulumi.secret(args.password) : undefined) ??
        utilities.getEnv("HARBOR_PASSWORD");
      resourceInputs["robotPrefix"] = args?.robotPrefix;
      resourceInputs["sessionId"] = args?.sessionId;
      resourceInputs["url"] = args?.url ?? utilities.getEnv("HARBOR_URL");
      resourceInputs["username"] = args?.username ?? utilities.getEnv("HARBOR_USERNAME");
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    const secretOpts = { additionalSecretOutputs: ["password"] };
    opts = pulumi.mergeOptions(opts, secretOpts);
    super(Provider.__pulumiType, name, resourceInputs, opts);
  }

  terraformConfig() {
    return pulumi.runtime.call(
      "pulumi:providers:harbor/terraformConfig",
      {
        __self__: this,
      },
      this,
    );
  }
}
exports.Provider = Provider;
