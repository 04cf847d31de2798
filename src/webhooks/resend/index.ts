// The resend hook: retries of deliveries that live at the sender's ESP, as signed POSTs.
export { ResendTransport } from './resend-transport.ts';
export type { ResendTransportOptions } from './resend-transport.ts';
export { RoutingTransport } from './routing-transport.ts';
export { submitForEsp } from './submit-for-esp.ts';
export { HTTP_STATUS_REPLIES, replyForStatus } from './resend-body.ts';
export type { ResendRequest } from './resend-body.ts';
export { RESEND_URL_HEADER, resendUrlOf } from './resend-header.ts';
