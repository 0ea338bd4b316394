"use strict";
// Mirrors the utilities module that pulumi-language-nodejs generates into every provider SDK.
Object.defineProperty(exports, "__esModule", { value: true });
exports.lazyLoad =
  exports.resourceOptsDefaults =
  exports.getVersion =
  exports.getEnvNumber =
  exports.getEnvBoolean =
  exports.getEnv =
    void 0;

function getEnv(...vars) {
  for (const v of vars) {
    const value = process.env[v];
    if (value) {
      return value;
    }
  }
  return undefined;
}
exports.getEnv = getEnv;

function getEnvBoolean(...vars) {
  const s = getEnv(...vars);
  if (s !== undefined) {
    // These are the spellings Go's strconv.ParseBool accepts, which is what the Terraform
    // provider behind this package uses when it reads the same variables itself.
    if (["1", "t", "T", "true", "TRUE", "True"].find((v) => v === s) !== undefined) {
      return true;
    }
    if (["0", "f", "F", "false", "FALSE", "False"].find((v) => v === s) !== undefined) {
      return false;
    }
  }
  return undefined;
}
exports.getEnvBoolean = getEnvBoolean;

function getEnvNumber(...vars) {
  const s = getEnv(...vars);
  if (s !== undefined) {
    const f = parseFloat(s);
    if (!isNaN(f)) {
      return f;
    }
  }
  return undefined;
}
exports.getEnvNumber = getEnvNumber;

function getVersion() {
  // The version sent with every registration and invoke selects the provider plugin the engine
  // runs, so it comes from this package's own package.json, as in the published SDK.
  let version = require("./package.json").version;
  // Node allows a "v" prefix on versions, semver does not.
  if (version.indexOf("v") === 0) {
    version = version.slice(1);
  }
  return version;
}
exports.getVersion = getVersion;

/** @internal */
function resourceOptsDefaults() {
  // As published: the engine downloads the plugin from the package's own release server.
  return {
    version: getVersion(),
    pluginDownloadURL: "github://api.github.com/pulumiverse/pulumi-harbor",
  };
}
exports.resourceOptsDefaults = resourceOptsDefaults;

/** @internal */
function lazyLoad(moduleExports, props, loadModule) {
  for (const property of props) {
    Object.defineProperty(moduleExports, property, {
      enumerable: true,
      get: function () {
        return loadModule()[property];
      },
    });
  }
}
exports.lazyLoad = lazyLoad;
