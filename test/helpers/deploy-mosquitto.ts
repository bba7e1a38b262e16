/**
 * Debian's mosquitto running the repository's deploy/mosquitto/mosquitto.conf (with its passwd
 * and acl) on a free loopback port. Only the listener, the file paths, the log destination and
 * the persistence location are rewritten; every limit (max_queued_messages, max_inflight_messages,
 * persistence, autosave) stays as deployed. Used by test/deploy/mosquitto.test.ts, the control
 * burst test and the bench's burst scenario.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, REPO_ROOT, startProcess, tempDir, waitForPort, type Proc } from './processes.js';

/** The development users of docs/operations.md#mqtt-users (deploy/mosquitto/passwd). */
export const DEPLOY_USERS = {
  adeline: 'adeline-dev',
  operator: 'operator-dev',
  viewer: 'viewer-dev',
  healthcheck: 'healthcheck-dev',
} as const;

export interface DeployMosquitto {
  port: number;
  url: string;
  proc: Proc;
  /** The rewritten config file and the persistence directory live here. */
  dir: string;
  /** The config as run. */
  conf: string;
  stop(): Promise<void>;
}

/** deploy/mosquitto/mosquitto.conf rewritten for 127.0.0.1:port, persisting into dataDir. */
export function deployConf(port: number, dataDir: string): string {
  const deployDir = join(REPO_ROOT, 'deploy', 'mosquitto');
  const conf = readFileSync(join(deployDir, 'mosquitto.conf'), 'utf8')
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dataDir}/`)
    .replace(/\/mosquitto\/config\//g, deployDir + '/')
    .replace(/^log_dest stdout$/m, 'log_dest stderr');
  if (!conf.includes(`listener ${port} 127.0.0.1`))
    throw new Error('deploy/mosquitto/mosquitto.conf has no "listener 1883" line to rewrite');
  return conf;
}

/** Starts the deployed broker configuration; `port` reuses a port (a restart on the same data). */
export async function startDeployMosquitto(
  opts: { port?: number; dir?: string } = {},
): Promise<DeployMosquitto> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? tempDir('adeline-deploy-mosq-');
  // Started as root, mosquitto drops to the `mosquitto` user, which must be able to write its
  // database here (mkdtemp makes the directory 0700).
  chmodSync(dir, 0o777);
  const conf = deployConf(port, dir);
  const file = join(dir, 'mosquitto.conf');
  writeFileSync(file, conf);
  const proc = startProcess('mosquitto', ['-c', file]);
  await waitForPort(port);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    proc,
    dir,
    conf,
    stop: async () => void (await proc.stop('SIGTERM', 3000)),
  };
}
