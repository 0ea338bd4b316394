// buildenv: a team's build environment as a Pulumi stack. Config is read and validated first,
// so bad config fails before any resource is registered; then the registry is asked whether it
// holds the build image's content tag (if so, nothing is built); then the stack is declared.
import { loadConfig } from "./components/config/load";
import { resolveAndBuildEnvironment } from "./program";

export = async () => {
  const env = await resolveAndBuildEnvironment(loadConfig());
  return {
    dockerHost: env.dockerHost,
    volumes: env.volumes,
    caches: env.caches,
    buildImage: env.buildImage,
    buildImageManifest: env.buildImageManifest,
    buildImageTag: env.buildImageTag,
    computeClass: env.computeClass,
    computeClasses: env.computeClasses,
    expiresAt: env.expiresAt,
    buildCommand: env.buildCommand,
    tls: env.tls,
    tlsClientKey: env.tlsClientKey,
    ciSecrets: env.ciSecrets,
    outputRepository: env.outputRepository,
    registryLogin: env.registryLogin,
  };
};
