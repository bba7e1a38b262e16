/** The docs with generated sections, and what renders each. */
import { renderConfigTables } from './config-doc.js';
import { renderErrorTable } from './errors-doc.js';
import { renderTelemetryTables } from './telemetry-doc.js';

export const GENERATED_DOCS = [
  { file: 'docs/configuration.md', name: 'options', render: renderConfigTables },
  { file: 'docs/telemetry.md', name: 'schema', render: renderTelemetryTables },
  { file: 'docs/errors.md', name: 'errors', render: renderErrorTable },
] as const;
