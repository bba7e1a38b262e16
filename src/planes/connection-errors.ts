/**
 * Turns what mqtt.js reports into AdelineErrors with a message that says what to do:
 * refused credentials or certificates → ADELINE_ERR_MQTT_AUTH, everything else that keeps the
 * connection from coming up → ADELINE_ERR_MQTT_CONNECT.
 */
import { AdelineError } from '../domain/errors.js';
import { redactUrl } from './broker-url.js';

/** CONNACK codes that mean "who you are was refused": MQTT 5 134/135/138, MQTT 3.1.1 4/5. */
const AUTH_CODES_V5 = new Set([134, 135, 138, 140]);
const AUTH_CODES_V4 = new Set([4, 5]);
/** CONNACK codes that mean "I do not speak this protocol version": 3.1.1 code 1, MQTT 5 code 132. */
const PROTOCOL_CODES = new Set([1, 132]);

const TLS_TRUST = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function codeOf(err: unknown): string | number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

/** True when the broker answered CONNACK "unsupported protocol version". */
export function isProtocolRefusal(err: unknown): boolean {
  const code = codeOf(err);
  return typeof code === 'number' && PROTOCOL_CODES.has(code);
}

export function classifyConnectError(
  err: unknown,
  url: string,
  protocolVersion: 4 | 5,
): AdelineError {
  const where = redactUrl(url);
  const code = codeOf(err);
  const text = err instanceof Error ? err.message : String(err);
  const details = { url: where, reason_code: code ?? null };
  if (typeof code === 'number') {
    const auth = protocolVersion === 5 ? AUTH_CODES_V5 : AUTH_CODES_V4;
    if (auth.has(code)) {
      return new AdelineError(
        'ADELINE_ERR_MQTT_AUTH',
        `MQTT broker ${where} refused the login (${text}, reason code ${code}); check mqtt.broker.username/password or MQTT_USERNAME/MQTT_PASSWORD and the broker's ACL`,
        { cause: err, details },
      );
    }
    return new AdelineError(
      'ADELINE_ERR_MQTT_CONNECT',
      `MQTT broker ${where} refused the connection (${text}, reason code ${code})`,
      { cause: err, details },
    );
  }
  if (
    typeof code === 'string' &&
    /ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN)/.test(code)
  ) {
    return new AdelineError(
      'ADELINE_ERR_MQTT_AUTH',
      `MQTT broker ${where} rejected the client certificate (${code}); check mqtt.tls.cert_file and mqtt.tls.key_file`,
      { cause: err, details },
    );
  }
  if (typeof code === 'string' && TLS_TRUST.has(code)) {
    return new AdelineError(
      'ADELINE_ERR_MQTT_CONNECT',
      `TLS: the certificate of MQTT broker ${where} is not trusted (${code}); set mqtt.tls.ca_file to the CA that signed it`,
      { cause: err, details },
    );
  }
  if (text === 'connack timeout') {
    return new AdelineError(
      'ADELINE_ERR_MQTT_CONNECT',
      `MQTT broker ${where} accepted the connection but sent no CONNACK within mqtt.connect_timeout_ms; is it an MQTT broker, and does it expect TLS (mqtts://)?`,
      { cause: err, details },
    );
  }
  const hint =
    code === 'ECONNREFUSED'
      ? 'nothing listens there; start the broker or fix mqtt.broker.url/host/port'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name does not resolve; fix mqtt.broker.url/host'
        : 'check the address and the network';
  return new AdelineError(
    'ADELINE_ERR_MQTT_CONNECT',
    `MQTT broker ${where} cannot be reached (${text}); ${hint}`,
    { cause: err, details },
  );
}
