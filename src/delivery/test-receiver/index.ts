export { TestReceiver, headerValues, type TestReceiverOptions } from './receiver.ts';
export { Seen, type SeenMessage, type SeenRcpt } from './seen.ts';
export {
  ACCEPT_ALL, PHASES, ScriptError, behaviourAt, compileScript, loadScript, parseReplyText, parseScript,
  type Answer, type Behaviour, type GreylistRule, type ReceiverPhase, type ReceiverScript, type ScriptedReply, type TimelineStep,
} from './script.ts';
