/**
 * The default OTLP encoding, http/protobuf, end to end: the real service exports traces and logs
 * as protobuf to a capture server on a loopback port (content type, span names and the service
 * name inside the bodies, no export failures), and an unsupported OTEL_EXPORTER_OTLP_LOGS_PROTOCOL
 * (grpc) is reported once by name and the configured protocol is used instead.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stopAll } from '../helpers/processes.js';
import { startService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

interface Request {
  url: string;
  contentType: string;
  body: Buffer;
}

describe('OTLP export as http/protobuf (the default)', function () {
  this.timeout(60_000);
  const requests: Request[] = [];
  let server: Server;
  let endpoint = '';

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({
          url: req.url ?? '',
          contentType: String(req.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end(); // an empty ExportServiceResponse
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await stopAll();
    await new Promise((r) => server.close(r));
  });

  it('sends traces and logs as protobuf, and reports an unsupported protocol variable once', async () => {
    const run = startService({
      args: ['--max-fps', '20'],
      set: { 'telemetry.otlp.endpoint': endpoint },
      env: { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc' },
    });
    const warning = await run.waitForEvent('telemetry_protocol_unsupported');
    assert.equal(warning.variable, 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL');
    assert.equal(warning.value, 'grpc');
    assert.equal(warning.protocol, 'http/protobuf');
    const traces = await waitFor(
      () => requests.find((r) => r.url === '/v1/traces' && r.body.includes('adeline.inference')),
      { timeoutMs: 20_000, what: 'a trace export with frame spans' },
    );
    assert.equal(traces.contentType, 'application/x-protobuf');
    assert.ok(traces.body.includes('adeline.frame'), 'the root span name is in the body');
    assert.ok(traces.body.includes('service.name'), 'the resource is in the body');
    assert.equal(
      traces.body.subarray(0, 1)[0],
      0x0a,
      'a protobuf message (field 1, bytes), not JSON',
    );
    const logs = await waitFor(() => requests.find((r) => r.url === '/v1/logs'), {
      timeoutMs: 20_000,
      what: 'a log export',
    });
    assert.equal(logs.contentType, 'application/x-protobuf');
    const metrics = (await run.get('/metrics')).body;
    for (const signal of ['traces', 'logs'])
      assert.match(
        metrics,
        new RegExp(
          `^adeline_telemetry_export_failures_total\\{[^}]*signal="${signal}"[^}]*\\} 0$`,
          'm',
        ),
        `no failed ${signal} export`,
      );
    assert.equal(
      run.logs().filter((l) => l.event === 'telemetry_protocol_unsupported').length,
      1,
      'reported once',
    );
  });
});
