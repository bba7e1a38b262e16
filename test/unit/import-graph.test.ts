/**
 * Issue 11: docs/development.md's module table and the code agree. The import graph of src/ is
 * derived from its import statements; an import the table does not allow, or a folder without a
 * row, fails the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  folderEdges,
  folderOf,
  importsOf,
  packageViolations,
  parseModuleTable,
  tableViolations,
} from '../helpers/import-graph.js';
import { REPO_ROOT, sourceFiles } from '../helpers/source-tree.js';

const doc = readFileSync(join(REPO_ROOT, 'docs/development.md'), 'utf8');
const table = parseModuleTable(doc);
const files = sourceFiles();
const folders = [...new Set(files.map((f) => folderOf(f.path)))];

describe('import graph of src/', () => {
  it('has a module table in docs/development.md with a row for every folder of src/', () => {
    assert.ok(table.size >= 13, `the table has ${table.size} rows`);
    assert.deepEqual(table.get('domain'), new Set(), 'domain/ imports nothing');
    assert.ok(table.has('live'), 'the live view has its row before its code lands');
    assert.deepEqual(
      folders.filter((f) => !table.has(f)),
      [],
    );
  });

  it('imports only what the module table allows', () => {
    const edges = folderEdges(files);
    assert.ok(edges.length > 100, `the graph was derived (${edges.length} edges)`);
    assert.deepEqual(tableViolations(edges, folders, table), []);
  });

  it('keeps the hard rules: onnxruntime-node, mqtt and the OTel SDK each in their one place', () => {
    assert.deepEqual(packageViolations(files), []);
  });

  it('reports an import the table does not allow (a synthetic violating graph)', () => {
    const fake = [
      { path: 'domain/frame.ts', text: "import { x } from '../telemetry/metrics.js';" },
      { path: 'roi/a.ts', text: "import type { F } from '../domain/frame.js';" },
    ];
    const edges = folderEdges(fake);
    assert.deepEqual(tableViolations(edges, ['domain', 'roi'], table), [
      'domain → telemetry (src/domain/frame.ts) is not allowed by the module table',
    ]);
  });

  it('reports a folder, and a file directly in src/, that the table has no row for', () => {
    const v = tableViolations([], ['gadgets', ''], table);
    assert.deepEqual(v, [
      'src/gadgets/ has no row in the module table',
      'src/ has no row in the module table',
    ]);
  });

  it('rejects a table whose allowed folder has no row of its own', () => {
    const t = parseModuleTable('| `a/` | x | b, c |\n| `b/` | y | nothing |');
    assert.deepEqual(tableViolations([], ['a', 'b'], t), ['a/ may import c/, which has no row']);
  });

  it('reads static, multi-line, type-only, re-export, side-effect and dynamic imports, not comments', () => {
    const text = [
      "import { a } from './a.js';",
      'import {',
      '  b,',
      '  type C,',
      "} from '../b/b.js';",
      "import type { D } from '../d/d.js';",
      "export { e } from '../e/e.js';",
      "import './side.js';",
      "const m = await import('../app/service.js');",
      "// import { z } from '../z/z.js';",
      "/* import { y } from '../y/y.js'; */",
    ].join('\n');
    assert.deepEqual(importsOf(text), [
      { spec: './a.js', typeOnly: false },
      { spec: '../b/b.js', typeOnly: false },
      { spec: '../d/d.js', typeOnly: true },
      { spec: '../e/e.js', typeOnly: false },
      { spec: './side.js', typeOnly: false },
      { spec: '../app/service.js', typeOnly: false },
    ]);
  });

  it('reports a package imported outside its one place, but allows SDK types elsewhere', () => {
    const fake = [
      { path: 'pipeline/x.ts', text: "import { connect } from 'mqtt';" },
      { path: 'telemetry/y.ts', text: "import { NodeSDK } from '@opentelemetry/sdk-node';" },
      { path: 'telemetry/z.ts', text: "import type { Resource } from '@opentelemetry/resources';" },
      { path: 'inference/w.ts', text: "import { Tensor } from 'onnxruntime-node';" },
    ];
    assert.deepEqual(packageViolations(fake), [
      'src/pipeline/x.ts imports mqtt: only src/planes/ imports mqtt and aedes',
      'src/telemetry/y.ts imports @opentelemetry/sdk-node: only src/telemetry/sdk.ts wires the OTel SDK',
    ]);
  });
});
