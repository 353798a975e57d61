/**
 * TLS options for the API server's `https.createServer`.
 */
import type { ServerOptions } from 'node:https';

export interface TlsServerCredentials {
  /** Our CA (PEM): the only issuer of client certificates the handshake verifies. */
  caPem: string;
  /** Serving certificate and key (PEM), from ensurePki. */
  servingCertPem: string;
  servingKeyPem: string;
}

/**
 * Options for `https.createServer(options, handler)`:
 *
 * - TLS 1.2 or newer, Node's default cipher list (AEAD suites first; no RC4, DES, MD5, export or
 *   anonymous suites). With our ECDSA key only ECDHE-ECDSA suites can be chosen: all have forward
 *   secrecy.
 * - `requestCert: true, rejectUnauthorized: false`: every client is asked for a certificate, and
 *   one without (a bearer-token client) or with a bad one still gets through the handshake, so it
 *   can be answered 401 as a `Status` instead of a TLS alert. The authenticator then trusts a
 *   certificate only if `socket.authorized` is true and it chains to our CA.
 * - ALPN `http/1.1` only: Go clients (kubectl) offer `h2` first and would switch to HTTP/2, which this
 *   server does not speak.
 * - Timeouts, as kube-apiserver's Go server uses them (override by spreading another object after):
 *   - `headersTimeout` 32 s: a client has this long to send the request headers (upstream's
 *     ReadHeaderTimeout), so slow-loris connections are closed;
 *   - `requestTimeout` 60 s: to receive the whole request, headers and body (bodies are at most 3 MiB).
 *     Node measures only the *request*: watches and log streams, which send for minutes or hours after
 *     the request is in, are not cut. Must stay above `headersTimeout`;
 *   - `keepAliveTimeout` 90 s: an idle keep-alive connection is closed after 90 s (upstream's
 *     IdleTimeout, and Go's client idle timeout). Node's default of 5 s makes kubectl, which keeps
 *     connections for 90 s, often reuse one the server is closing, and see "connection reset".
 */
export function createTlsServerOptions(creds: TlsServerCredentials): ServerOptions {
  return {
    cert: creds.servingCertPem,
    key: creds.servingKeyPem,
    ca: creds.caPem,
    minVersion: 'TLSv1.2',
    requestCert: true,
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
    headersTimeout: 32_000,
    requestTimeout: 60_000,
    keepAliveTimeout: 90_000,
  };
}
