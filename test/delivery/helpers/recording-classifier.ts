import type { Classification } from '../../../src/classify/types.ts';
import type { SmtpPhase } from '../../../src/smtp/types.ts';

/**
 * Stands in for the classifier only where a test checks what the transport hands to it (the
 * text or error, and the phase); tests of what outcomes mean use the real classifier.
 */
export function recordingClassifier() {
  const calls: Array<{ input: string | Error; phase: SmtpPhase | undefined }> = [];
  const classify = (input: string | Error, opts: { phase?: SmtpPhase }): Classification => {
    calls.push({ input, phase: opts.phase });
    const text = typeof input === 'string' ? input : input.message;
    const basic = typeof input === 'string' ? Number(/^(\d{3})/.exec(input)?.[1] ?? NaN) : NaN;
    const cls = basic >= 200 && basic < 300 ? 'success' : basic >= 500 ? 'permanent' : basic >= 400 ? 'transient' : null;
    return {
      basic: Number.isNaN(basic) ? null : basic,
      enhanced: /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1] ?? null,
      class: cls,
      type: cls === 'success' ? 'undetermined' : cls === 'permanent' ? 'hard' : 'soft',
      reason: cls === 'success' ? 'delivered' : 'undefined',
      hardbounce: false,
      retryable: cls !== 'success' && cls !== 'permanent',
      action: cls === 'success' ? 'none' : cls === 'permanent' ? 'suppress' : 'retry',
      recipient: null,
      rule: 'test/recording',
      text,
    };
  };
  return { classify, calls };
}
