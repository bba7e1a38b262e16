import assert from 'node:assert/strict';
import {
  AdelineError,
  ERROR_CODES,
  errorTypeOf,
  errorTypeOfUnknown,
  type ErrorCode,
} from '../../src/domain/errors.js';

describe('error registry', () => {
  it('gives every code a unique, prefixed name and a description', () => {
    const codes = Object.keys(ERROR_CODES);
    assert.equal(new Set(codes).size, codes.length);
    for (const c of codes) {
      assert.match(c, /^ADELINE_ERR_[A-Z_]+$/);
      assert.ok(ERROR_CODES[c as ErrorCode].length > 10);
    }
  });

  it('derives a lower-case error_type label from the code', () => {
    assert.equal(errorTypeOf('ADELINE_ERR_MODEL_FORMAT'), 'model_format');
    assert.equal(new AdelineError('ADELINE_ERR_SPOOL_IO', 'x').errorType, 'spool_io');
    assert.equal(errorTypeOfUnknown(new Error('boom')), 'internal');
  });

  it('keeps the cause and the details', () => {
    const cause = new Error('inner');
    const e = new AdelineError('ADELINE_ERR_CONFIG', 'outer', { cause, details: { k: 1 } });
    assert.equal(e.cause, cause);
    assert.deepEqual(e.details, { k: 1 });
    assert.equal(e.code, 'ADELINE_ERR_CONFIG');
  });
});
