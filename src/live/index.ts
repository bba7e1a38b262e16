/** The live view's public surface: what src/app/ builds and mounts. */
export { LiveView, type LiveViewOptions } from './live-view.js';
export { resolveLiveAuth } from './live-auth-config.js';
export { sharpJpegEncoder, type JpegEncoder } from './jpeg-encoder.js';
export { isLoopbackHost, liveViewEnabled, liveViewOn, localUrl } from './live-enabled.js';
export type { LiveSourceReading } from './live-status.js';
