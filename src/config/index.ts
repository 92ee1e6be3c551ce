export {
  configFilePath,
  loadConfigFile,
  parseConfigText,
  secretsAllowEnv,
  type ConfigFile,
  type Env,
} from "./config-file.js";
export { appFromFlyToml } from "./fly-toml.js";
export {
  DEFAULT_GRAPHQL_URL,
  DEFAULT_REST_BASE_URL,
  defaultProvider,
  requireToken,
  resolveConfig,
  type ResolveConfigOptions,
  type ResolvedConfig,
} from "./resolve.js";
