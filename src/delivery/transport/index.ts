export { SmtpTransport, NetworkError, type Classifier, type DirectMode, type RelayMode, type SmtpTransportOptions } from './smtp-transport.ts';
export { parseRelayUrl, RelayUrlError, type RelayTarget } from './relay-url.ts';
export { resolveRoute, systemResolver, type DnsResolver, type Route, type RouteHost } from './mx-route.ts';
export { stampReboundId } from './stamp-header.ts';
export { ConnectionPool, type PoolLimits } from './connection-pool.ts';
export { SmtpSession, SessionFailure, type SessionTarget, type SessionTimeouts, type TransactionReplies } from './smtp-session.ts';
