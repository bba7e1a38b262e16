import assert from 'node:assert/strict';
import { printable } from '../../src/domain/printable.js';

describe('printable (escaping text from outside for error lines)', () => {
  it('escapes the replacement character an invalid UTF-8 byte decodes to as \\uFFFD', () => {
    const ort = Buffer.from([
      ...Buffer.from('Unrecognized attribute: dilation'),
      0xff,
      ...Buffer.from(' for operator Conv'),
    ]).toString('utf8');
    assert.equal(printable(ort), 'Unrecognized attribute: dilation\\uFFFD for operator Conv');
  });

  it('escapes control characters as \\xNN and line breaks and tabs by their short names', () => {
    assert.equal(printable('a\u0000b\u001bc\u007fd\u0085e'), 'a\\x00b\\x1Bc\\x7Fd\\x85e');
    assert.equal(printable('one\ntwo\r\tthree'), 'one\\ntwo\\r\\tthree');
  });

  it('escapes bidi overrides, zero-width spaces, line separators, lone surrogates and private use', () => {
    assert.equal(printable('x\u202Ey\u200Bz'), 'x\\u202Ey\\u200Bz');
    assert.equal(printable('p\u2028q'), 'p\\u2028q');
    assert.equal(printable('s\uD800t'), 's\\uD800t');
    assert.equal(printable('u\u{F0001}v'), 'u\\u{F0001}v');
  });

  it('leaves printable text, accents and non-Latin scripts as they are', () => {
    const text = 'modèle « personne » 人 🙂 [1, 84, 8400] (got "x")';
    assert.equal(printable(text), text);
  });
});
