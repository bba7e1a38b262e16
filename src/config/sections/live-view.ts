/**
 * Config section: LiveViewSchema (the live view at /live on the health server), and the
 * telemetry.trace_link_template key that the live view uses to link trace ids. Units and
 * defaults are in each description.
 */
import { z } from 'zod';
import { nullableString, posInt } from './helpers.js';

export const LiveViewAuthSchema = z
  .object({
    mode: z
      .enum(['none', 'bearer', 'basic'])
      .default('none')
      .describe(
        'Who may open /live: none (anyone who can reach health.host), bearer (an `Authorization: Bearer <token>` header) or basic (HTTP basic auth, the browser asks).',
      ),
    token: nullableString(
      'Bearer token (mode bearer); masked by `config check`. Prefer token_file or ADELINE_LIVE_VIEW__AUTH__TOKEN.',
    ),
    token_file: nullableString(
      'File holding the bearer token (trailing newline ignored), e.g. a mounted secret.',
    ),
    username: z.string().min(1).default('adeline').describe('Basic auth user name (mode basic).'),
    password: nullableString(
      'Basic auth password (mode basic); masked by `config check`. Prefer password_file or ADELINE_LIVE_VIEW__AUTH__PASSWORD.',
    ),
    password_file: nullableString(
      'File holding the basic auth password (trailing newline ignored).',
    ),
  })
  .superRefine((v, ctx) => {
    const need = (key: 'token' | 'password', mode: string) => {
      const file = `${key}_file` as const;
      if (v[key] === null && v[file] === null)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `mode ${mode} needs live_view.auth.${key} or live_view.auth.${file}`,
        });
      if (v[key] !== null && v[file] !== null)
        ctx.addIssue({
          code: 'custom',
          path: [file],
          message: `set live_view.auth.${key} or live_view.auth.${file}, not both`,
        });
    };
    if (v.mode === 'bearer') need('token', 'bearer');
    if (v.mode === 'basic') need('password', 'basic');
    if (v.mode === 'bearer' && v.token !== null && v.token.length < 16)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'must be at least 16 characters (e.g. `openssl rand -hex 16`)',
      });
  });

export const LiveViewSchema = z.object({
  enabled: z
    .union([z.boolean(), z.literal('auto')])
    .default('auto')
    .describe(
      'Serve the live view at /live on the health server. auto: on when health.host is a loopback address, off otherwise (in a container set true, and set live_view.auth).',
    ),
  max_fps: z
    .number()
    .positive()
    .max(30)
    .default(2)
    .describe(
      'Frames per second per source sent to viewers, at most. Frames above the cap are not copied nor encoded; frames per second.',
    ),
  jpeg_quality: posInt(75, 1, 100, 'JPEG quality of the live frames, 1-100.'),
  max_viewers: posInt(
    4,
    1,
    100,
    'Viewers connected at once, at most; one more gets 503. Each frame is encoded once, whatever the number of viewers.',
  ),
  timings_frames: posInt(
    20,
    1,
    200,
    'Frames shown in the stage-timings strip (the latest frames sent to viewers).',
  ),
  commands_shown: posInt(10, 0, 100, 'Last control commands (with their replies) shown.'),
  auth: LiveViewAuthSchema.prefault({}),
});

/** telemetry.trace_link_template: validated here, mounted in TelemetrySchema. */
export const traceLinkTemplate = z
  .string()
  .refine((s) => /^https?:\/\//i.test(s) && s.includes('{trace_id}'), {
    message: 'must be an http(s) URL containing {trace_id}',
  })
  .nullable()
  .default(null)
  .describe(
    'Link for trace ids in the live view: an http(s) URL where {trace_id} is replaced by the hex trace id (e.g. a Grafana Explore URL on the Tempo data source; docs/operations.md). Null: trace ids are shown as text.',
  );
