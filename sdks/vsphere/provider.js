"use strict";
// Mirrors sdk/nodejs/provider.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.Provider = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

/**
 * The provider type for the vsphere package. By default, resources use package-wide configuration
 * settings, however an explicit `Provider` instance may be created and passed during resource
 * construction to achieve fine-grained programmatic control over provider settings.
 */
class Provider extends pulumi.ProviderResource {
  /** @internal */
  static __pulumiType = "vsphere";

  /**
   * Returns true if the given object is an instance of Provider. This is designed to work even
   * when multiple copies of the Pulumi SDK have been loaded into the same process.
   */
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
      // Provider configuration travels to the plugin as strings: non-string values are
      // JSON-encoded, and unset ones fall back to the variables the Terraform provider reads.
      resourceInputs["allowUnverifiedSsl"] = pulumi
        .output(args?.allowUnverifiedSsl ?? utilities.getEnvBoolean("VSPHERE_ALLOW_UNVERIFIED_SSL"))
        .apply(JSON.stringify);
      resourceInputs["apiTimeout"] = pulumi.output(args?.apiTimeout).apply(JSON.stringify);
      resourceInputs["clientDebug"] = pulumi
        .output(args?.clientDebug ?? utilities.getEnvBoolean("VSPHERE_CLIENT_DEBUG"))
        .apply(JSON.stringify);
      resourceInputs["clientDebugPath"] =
        args?.clientDebugPath ?? utilities.getEnv("VSPHERE_CLIENT_DEBUG_PATH");
      resourceInputs["clientDebugPathRun"] =
        args?.clientDebugPathRun ?? utilities.getEnv("VSPHERE_CLIENT_DEBUG_PATH_RUN");
      resourceInputs["password"] = args?.password;
      resourceInputs["persistSession"] = pulumi
        .output(args?.persistSession ?? utilities.getEnvBoolean("VSPHERE_PERSIST_SESSION"))
        .apply(JSON.stringify);
      resourceInputs["restSessionPath"] =
        args?.restSessionPath ?? utilities.getEnv("VSPHERE_REST_SESSION_PATH");
      resourceInputs["user"] = args?.user;
      resourceInputs["vcenterServer"] = args?.vcenterServer;
      resourceInputs["vimKeepAlive"] = pulumi
        .output(args?.vimKeepAlive ?? utilities.getEnvNumber("VSPHERE_VIM_KEEP_ALIVE"))
        .apply(JSON.stringify);
      resourceInputs["vimSessionPath"] =
        args?.vimSessionPath ?? utilities.getEnv("VSPHERE_VIM_SESSION_PATH");
      resourceInputs["vsphereServer"] = args?.vsphereServer;
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    super(Provider.__pulumiType, name, resourceInputs, opts);
  }

  /**
   * This function returns a Terraform config object with terraform-namecased keys, to be used
   * with the Terraform Module Provider.
   */
  terraformConfig() {
    return pulumi.runtime.call(
      "pulumi:providers:vsphere/terraformConfig",
      {
        __self__: this,
      },
      this,
    );
  }
}
exports.Provider = Provider;
