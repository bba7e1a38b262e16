import assert from 'node:assert/strict';
import {
  CommandRejected,
  MAX_COMMAND_BYTES,
  parseCommand,
} from '../../src/planes/commands/parse.js';
import { VALID_COMMANDS } from '../../src/planes/commands/table.js';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

function rejected(payload: Buffer, reason: string, message: RegExp): CommandRejected {
  try {
    parseCommand(payload);
  } catch (err) {
    assert.ok(err instanceof CommandRejected, String(err));
    assert.equal(err.code, 'ADELINE_ERR_COMMAND_INVALID');
    assert.equal(err.reason, reason);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`accepted ${payload.toString('utf8').slice(0, 60)}`);
}

describe('planes: control command parsing', () => {
  it('lower-cases and trims the command name and keeps the arguments', () => {
    const c = parseCommand(
      buf('{"command":"  Set_Log_Level ","level":"DEBUG","request_id":"r-1"}'),
    );
    assert.deepEqual(c, {
      name: 'set_log_level',
      requestId: 'r-1',
      body: { command: '  Set_Log_Level ', level: 'DEBUG', request_id: 'r-1' },
    });
    assert.equal(parseCommand(buf('{"command":"pause","request_id":7}')).requestId, 7);
    assert.equal(parseCommand(buf('{"command":"pause"}')).requestId, undefined);
  });

  it('rejects a payload over 64 KiB before decoding it', () => {
    const big = Buffer.alloc(MAX_COMMAND_BYTES + 1, 0xff); // not even UTF-8: size is checked first
    rejected(big, 'too_large', /65537 bytes; a command is at most 65536 bytes/);
    assert.equal(
      parseCommand(
        Buffer.concat([
          buf('{"command":"status","pad":"'),
          Buffer.alloc(MAX_COMMAND_BYTES - 40, 0x61),
          buf('"}'),
        ]),
      ).name,
      'status',
    );
  });

  it('rejects a payload that is not UTF-8', () => {
    rejected(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 'not_utf8', /not UTF-8/);
  });

  it('rejects a command with a non-JSON payload', () => {
    rejected(buf('pause'), 'not_json', /not valid JSON/);
    rejected(buf(''), 'not_json', /not valid JSON/);
    rejected(buf('{"command":"pause"'), 'not_json', /not valid JSON/);
  });

  it('rejects JSON of the wrong shape, naming the problem', () => {
    rejected(buf('[{"command":"pause"}]'), 'wrong_shape', /an array/);
    rejected(buf('"pause"'), 'wrong_shape', /a string; it must be a JSON object/);
    rejected(buf('null'), 'wrong_shape', /null/);
    rejected(buf('{}'), 'wrong_shape', /"command" field is missing/);
    rejected(buf('{"command":null}'), 'wrong_shape', /must be a string, not null/);
    rejected(buf('{"command":["pause"]}'), 'wrong_shape', /must be a string, not object/);
    rejected(buf('{"command":"   "}'), 'wrong_shape', /1–64 characters/);
    rejected(buf(`{"command":"${'x'.repeat(65)}"}`), 'wrong_shape', /1–64 characters/);
  });

  it('rejects a bad request_id but echoes a good one in the rejection', () => {
    rejected(buf('{"command":"pause","request_id":""}'), 'wrong_shape', /request_id/);
    rejected(
      buf(`{"command":"pause","request_id":"${'r'.repeat(129)}"}`),
      'wrong_shape',
      /request_id/,
    );
    const e = rejected(buf('{"request_id":"abc"}'), 'wrong_shape', /missing/);
    assert.equal(e.requestId, 'abc');
  });

  it('names the commands of the spec plus set_log_level', () => {
    assert.deepEqual(
      [...VALID_COMMANDS],
      [
        'pause',
        'resume',
        'stop',
        'status',
        'metrics',
        'health',
        'toggle_crop',
        'stabilization_stats',
        'set_log_level',
      ],
    );
  });
});
