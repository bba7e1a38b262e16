/**
 * The control plane: commands in on topics.control_commands (QoS 1), one status reply out for
 * every command on topics.control_status, availability online/offline (offline is the last
 * will), `connected` on every (re)connect and `disconnected` on stop(). Commands run one at a
 * time in arrival order, each in an `adeline.command` span that continues the sender's trace.
 */
import type { ServiceController } from '../domain/control.js';
import { AdelineError, describeError, isAdelineError } from '../domain/errors.js';
import type { Component } from '../domain/lifecycle.js';
import { settleWithin } from './async-utils.js';
import type { MqttConfig } from './broker-url.js';
import { CommandRunner } from './command-runner.js';
import { MqttConnection, type UserProperties } from './connection.js';
import { connectionView, type PlaneHealthView } from './health-view.js';
import type { StatusMessage } from './status-message.js';
import { StatusPublisher } from './status-publisher.js';

export interface ControlPlaneOptions {
  mqtt: MqttConfig;
  /** Broker URL (resolveBrokerUrl / embeddedUrl). */
  url: string;
  controller: ServiceController;
  /** Overrides mqtt.protocol_version (4 for the embedded broker). */
  protocolVersion?: 4 | 5;
  env?: NodeJS.ProcessEnv;
  /** Commands waiting to run at most; beyond it a command gets an ADELINE_ERR_COMMAND_BUSY reply. Default 1000. */
  maxPending?: number;
  /** Longest a command may run before it gets an ADELINE_ERR_COMMAND_FAILED reply, ms. Default 10000. */
  commandTimeoutMs?: number;
}

interface Pending {
  payload: Buffer;
  props: UserProperties | undefined;
}

export class ControlPlane implements Component {
  readonly name = 'control-plane';
  readonly connection: MqttConnection;
  private readonly out: StatusPublisher;
  private readonly runner: CommandRunner;
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: ControlPlaneOptions) {
    const t = o.mqtt.topics;
    this.connection = new MqttConnection({
      role: 'control',
      url: o.url,
      mqtt: o.mqtt,
      protocolVersion: o.protocolVersion,
      env: o.env,
      will: { topic: t.availability, payload: 'offline', qos: 1, retain: true },
    });
    this.out = new StatusPublisher(this.connection, o.mqtt);
    const ctx = {
      controller: o.controller,
      metricsTopic: t.metrics,
      publishMetrics: this.out.publishMetrics.bind(this.out),
    };
    this.runner = new CommandRunner(
      ctx,
      this.out,
      t.control_commands,
      o.commandTimeoutMs ?? 10_000,
    );
    this.connection.onConnect(() => this.onConnect());
    this.connection.onMessage((topic, payload, props) => {
      if (topic === t.control_commands) this.enqueue(payload, props);
    });
  }

  /** Connects (never throws because the broker is away; the connection state reports it). */
  async start(): Promise<void> {
    await this.connection.start();
  }

  /** Idempotent: lets running commands finish (≤ 2 s), publishes `disconnected` and `offline`, disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    if (this.draining) await settleWithin(this.draining, 2000);
    if (this.connection.isConnected()) {
      await settleWithin(
        Promise.allSettled([this.out.status('disconnected'), this.out.availability('offline')]),
        2000,
      );
    }
    await this.out.settle(2000);
    await this.connection.stop();
  }

  /** `fn` sees every command reply published (the live view's command list); it must not throw. */
  observeReplies(fn: (reply: StatusMessage) => void): void {
    this.out.onReply = fn;
  }

  /** For the mqtt_control health check (src/health/checks/mqtt-plane.ts, whenDisconnected: degraded). */
  healthView(): PlaneHealthView {
    return connectionView(this.connection);
  }

  private async onConnect(): Promise<void> {
    try {
      await this.connection.subscribe(this.o.mqtt.topics.control_commands, 1);
    } catch (err) {
      this.runner.log.failed(
        'subscribe',
        isAdelineError(err)
          ? err
          : new AdelineError('ADELINE_ERR_MQTT_CONNECT', describeError(err)),
      );
    }
    await Promise.allSettled([this.out.availability('online'), this.out.status('connected')]);
  }

  private enqueue(payload: Buffer, props: UserProperties | undefined): void {
    if (this.stopped) return;
    if (this.queue.length >= (this.o.maxPending ?? 1000)) {
      const err = new AdelineError(
        'ADELINE_ERR_COMMAND_BUSY',
        `${this.queue.length} commands are waiting; this one was refused, retry later`,
      );
      this.runner.refuse(err);
      return;
    }
    this.queue.push({ payload, props });
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) {
      try {
        await this.runner.run(m.payload, m.props);
      } catch (err) {
        // run() replies on every path; this only guards the queue against a bug.
        const e = new AdelineError('ADELINE_ERR_COMMAND_FAILED', describeError(err), {
          cause: err,
        });
        this.runner.log.failed('unknown', e);
      }
    }
    this.draining = null;
  }
}
