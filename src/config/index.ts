export {
  loadConfig,
  setPath,
  type LoadedConfig,
  type LoadOptions,
  type ConfigProblem,
} from './load.js';
export { maskSecrets } from './mask.js';
export { ConfigSchema, type AdelineConfig, type SourceConfig } from './schema.js';
