// The smtp/ module: one reply parsed once into typed facts, and the enhanced-status registry.
export { parseReply, MAX_INPUT, MAX_TEXT } from './parse-reply.ts';
export type { ParseOptions } from './parse-reply.ts';
export { lookup, CLASS_MEANINGS, SUBJECT_MEANINGS, DETAIL_MEANINGS } from './registry.ts';
export type { RegistryEntry, ClassMeaning, SubjectMeaning, DetailMeaning } from './registry.ts';
export { classOfBasic, classOfEnhanced, normalizeEnhanced, splitEnhanced } from './enhanced-code.ts';
export { resolveConflict, CLASS_CONFLICT_RULES } from './class-conflict.ts';
export { NETWORK_ERROR_CODES } from './network-error.ts';
export type * from './types.ts';
