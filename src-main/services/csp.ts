/**
 * One Content-Security-Policy for the renderer in both shells: Electron sends it as a response
 * header for the app's own pages, web mode sets it on index.html. No inline or remote scripts;
 * images only from the app itself and the data: URLs the engine's PNGs arrive as; connections only
 * back to the origin the page came from (web mode's WebSocket).
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
