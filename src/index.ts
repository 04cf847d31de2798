// The library's public surface: `import { parseReply, classify, parseBounce } from 'rebound'`.
export type * from './smtp/types.ts';
export type * from './classify/types.ts';
export type * from './classify/bounce-event.ts';
