import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAdelineError } from '../../src/domain/errors.js';
import {
  className,
  loadLabelsFile,
  parseLabels,
  parseMetadataNames,
  resolveClassNames,
} from '../../src/inference/class-names.js';
import { tempDir } from '../helpers/processes.js';

const isLabelsError = (re: RegExp) => (e: unknown) =>
  isAdelineError(e, 'ADELINE_ERR_LABELS') && re.test(e.message);

describe('class names', () => {
  it('parses the Ultralytics names metadata (a Python dict repr)', () => {
    assert.deepEqual(parseMetadataNames("{0: 'person', 1: 'fallen_person'}"), [
      'person',
      'fallen_person',
    ]);
    assert.deepEqual(parseMetadataNames(`{0: "it's", 1: 'a\\'b', 2: 'traffic light'}`), [
      "it's",
      "a'b",
      'traffic light',
    ]);
  });

  it('fills gaps in sparse metadata names with class_<id>', () => {
    assert.deepEqual(parseMetadataNames("{0: 'a', 2: 'c'}"), ['a', 'class_1', 'c']);
  });

  it('accepts JSON arrays and objects in the names metadata', () => {
    assert.deepEqual(parseMetadataNames('["a", "b"]'), ['a', 'b']);
    assert.deepEqual(parseMetadataNames('{"0": "a", "1": "b"}'), ['a', 'b']);
  });

  it('returns null for absent or unparseable names metadata', () => {
    assert.equal(parseMetadataNames(undefined), null);
    assert.equal(parseMetadataNames('person,car'), null);
    assert.equal(parseMetadataNames('{}'), null);
  });

  it('parses a labels file with one name per line, skipping blank lines and CRLF', () => {
    assert.deepEqual(parseLabels('person\r\n\r\n fallen_person \n', 'l.txt'), [
      'person',
      'fallen_person',
    ]);
  });

  it('parses a labels file holding a JSON array', () => {
    assert.deepEqual(parseLabels('["person", "fallen_person"]', 'l.json'), [
      'person',
      'fallen_person',
    ]);
  });

  it('rejects an empty labels file', () => {
    assert.throws(() => parseLabels(' \n\n', 'l.txt'), isLabelsError(/l\.txt is empty/));
  });

  it('rejects a labels file that starts like JSON but is not', () => {
    assert.throws(() => parseLabels('["person", ', 'l.json'), isLabelsError(/not valid JSON/));
  });

  it('rejects a JSON labels array with non-strings or empty names', () => {
    assert.throws(
      () => parseLabels('["person", 3]', 'l.json'),
      isLabelsError(/array of non-empty strings/),
    );
    assert.throws(
      () => parseLabels('["person", " "]', 'l.json'),
      isLabelsError(/array of non-empty strings/),
    );
  });

  it('rejects a binary labels file', () => {
    assert.throws(() => parseLabels('ab\u0000cd', 'l.bin'), isLabelsError(/looks binary/));
  });

  it('rejects a missing labels file or a directory, naming the path and models.labels_file', async () => {
    const dir = tempDir();
    await assert.rejects(
      loadLabelsFile(join(dir, 'nope.txt')),
      isLabelsError(/nope\.txt does not exist.*models\.labels_file/),
    );
    mkdirSync(join(dir, 'd'));
    await assert.rejects(loadLabelsFile(join(dir, 'd')), isLabelsError(/not a regular file/));
    writeFileSync(join(dir, 'ok.txt'), 'a\nb\n');
    assert.deepEqual(await loadLabelsFile(join(dir, 'ok.txt')), ['a', 'b']);
  });

  it('prefers the labels file, then the metadata, then class_<id>', () => {
    assert.deepEqual(resolveClassNames(2, { names: ['x', 'y'], path: 'l' }, ['a', 'b']), {
      names: ['x', 'y'],
      source: 'labels',
    });
    assert.deepEqual(resolveClassNames(3, null, ['a', 'b']), {
      names: ['a', 'b', 'class_2'],
      source: 'metadata',
    });
    assert.deepEqual(resolveClassNames(2, null, null), {
      names: ['class_0', 'class_1'],
      source: 'generated',
    });
    assert.deepEqual(resolveClassNames(null, null, ['a']), { names: ['a'], source: 'metadata' });
  });

  it('rejects a labels file whose count differs from the model classes', () => {
    assert.throws(
      () => resolveClassNames(2, { names: ['a', 'b', 'c'], path: 'l.txt' }, null),
      isLabelsError(/3 names but the model outputs 2 classes/),
    );
  });

  it('names an out-of-range class id class_<id>', () => {
    assert.equal(className(['a'], 0), 'a');
    assert.equal(className(['a'], 4), 'class_4');
  });
});
