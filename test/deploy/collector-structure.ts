/**
 * Structural check of a collector config, as `otelcol validate` would do it for component
 * wiring: returns one message per problem (empty when the config is sound).
 */
import {
  COLLECTOR_IMAGE,
  COMPONENTS,
  DEPRECATED_ALIASES,
  type ComponentKind,
} from './collector-components.js';
import { at, isRecord } from './deploy-files.js';

export const KINDS: ComponentKind[] = [
  'receivers',
  'processors',
  'exporters',
  'connectors',
  'extensions',
];

export interface Pipeline {
  receivers: string[];
  processors: string[];
  exporters: string[];
}

const typeOf = (id: string): string => id.split('/')[0] ?? id;

function stringList(v: unknown): string[] | null {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(String) : null;
}

/** The pipelines of a parsed config (invalid entries are reported by collectorProblems). */
export function pipelinesOf(raw: unknown): Record<string, Pipeline> {
  const out: Record<string, Pipeline> = {};
  const pipes = at(raw, 'service', 'pipelines');
  if (!isRecord(pipes)) return out;
  for (const [id, p] of Object.entries(pipes)) {
    out[id] = {
      receivers: stringList(at(p, 'receivers')) ?? [],
      processors: stringList(at(p, 'processors')) ?? [],
      exporters: stringList(at(p, 'exporters')) ?? [],
    };
  }
  return out;
}

export function collectorProblems(raw: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(raw)) return ['the config is not a mapping'];
  const sections = {} as Record<ComponentKind, Record<string, unknown>>;
  for (const kind of KINDS) {
    const sec = raw[kind] ?? {};
    if (!isRecord(sec)) problems.push(`${kind} is not a mapping`);
    sections[kind] = isRecord(sec) ? sec : {};
    for (const id of Object.keys(sections[kind])) {
      const type = typeOf(id);
      const allowed = COMPONENTS[kind] as readonly string[];
      if (type in DEPRECATED_ALIASES && !allowed.includes(type)) {
        problems.push(`${kind} ${id}: deprecated name, use ${DEPRECATED_ALIASES[type]}`);
      } else if (!allowed.includes(type)) {
        problems.push(
          `${kind} ${id}: "${type}" is not a ${kind.slice(0, -1)} of ${COLLECTOR_IMAGE}`,
        );
      }
    }
  }
  const pipesRaw = at(raw, 'service', 'pipelines');
  if (!isRecord(pipesRaw) || Object.keys(pipesRaw).length === 0)
    problems.push('service.pipelines is missing or empty');
  else {
    for (const [id, p] of Object.entries(pipesRaw)) {
      for (const k of ['receivers', 'processors', 'exporters']) {
        if (stringList(at(p, k)) === null) problems.push(`pipeline ${id}: ${k} is not a list`);
      }
    }
  }
  const pipelines = pipelinesOf(raw);
  for (const [id, p] of Object.entries(pipelines)) {
    if (!/^(traces|metrics|logs)(\/[\w.-]+)?$/.test(id))
      problems.push(`pipeline ${id}: the id must be traces, metrics or logs[/name]`);
    if (p.receivers.length === 0) problems.push(`pipeline ${id} has no receivers`);
    if (p.exporters.length === 0) problems.push(`pipeline ${id} has no exporters`);
    for (const r of p.receivers)
      if (!(r in sections.receivers || r in sections.connectors))
        problems.push(`pipeline ${id}: receiver ${r} is not defined`);
    for (const x of p.processors)
      if (!(x in sections.processors))
        problems.push(`pipeline ${id}: processor ${x} is not defined`);
    for (const e of p.exporters)
      if (!(e in sections.exporters || e in sections.connectors))
        problems.push(`pipeline ${id}: exporter ${e} is not defined`);
    if (p.processors.length > 0 && p.processors[0] !== 'memory_limiter')
      problems.push(`pipeline ${id}: memory_limiter must come first, not ${p.processors[0]}`);
  }
  const all = Object.values(pipelines);
  const used = (kind: keyof Pipeline, id: string) => all.some((p) => p[kind].includes(id));
  for (const id of Object.keys(sections.receivers))
    if (!used('receivers', id)) problems.push(`receiver ${id} is in no pipeline`);
  for (const id of Object.keys(sections.processors))
    if (!used('processors', id)) problems.push(`processor ${id} is in no pipeline`);
  for (const id of Object.keys(sections.exporters))
    if (!used('exporters', id)) problems.push(`exporter ${id} is in no pipeline`);
  for (const id of Object.keys(sections.connectors)) {
    if (!used('exporters', id) || !used('receivers', id))
      problems.push(`connector ${id} must export from one pipeline and receive in another`);
  }
  const ext = stringList(at(raw, 'service', 'extensions'));
  if (ext === null) problems.push('service.extensions is not a list');
  for (const e of ext ?? [])
    if (!(e in sections.extensions)) problems.push(`service.extensions: ${e} is not defined`);
  for (const id of Object.keys(sections.extensions))
    if (!(ext ?? []).includes(id)) problems.push(`extension ${id} is not in service.extensions`);
  return problems;
}
