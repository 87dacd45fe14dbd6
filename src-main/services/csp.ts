/**
 * One Content-Security-Policy for the renderer in both shells: a meta tag injected at build time
 * (Electron loads the page from file://, where there are no response headers) and, in web mode, the
 * same policy as a header. No inline or remote scripts; images only from the app itself and the
 * data: URLs the engine's PNGs arrive as; connections only back to the page's origin (web mode's
 * WebSocket).
 */
const directives = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** For the meta tag: browsers ignore (and warn about) frame-ancestors there. */
export const metaContentSecurityPolicy = directives.join('; ');

/** For HTTP responses, where frame-ancestors also stops other sites from framing the app. */
export const contentSecurityPolicy = [...directives, "frame-ancestors 'none'"].join('; ');
